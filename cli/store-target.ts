import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { openDataDir } from './local/data-dir';
import { UsageError } from './io';

/**
 * Where `query`, `show` and `reprocess` read and write: the local emulators of a data directory
 * (`--data DIR`, the default), or a deployed stack's bucket and articles table, reached with the
 * default AWS credential chain (environment, profile, SSO, instance role...).
 *
 * A deployed store is named by options or by the variables the Lambdas read (infra/stack.ts):
 *   --bucket B            ARTICLES_BUCKET    (stack output BucketName)
 *   --articles-table T    ARTICLES_TABLE     (stack output ArticlesTableName)
 *   --feeds-table T       FEEDS_TABLE        (stack output FeedsTableName; optional, see below)
 *   --region R            AWS_REGION, or the profile's region (the SDK's own chain)
 *   --s3-path-style       WBNEWS_S3_PATH_STYLE=true   (path-style S3 addresses, for S3-compatible
 *                                                     endpoints such as s3rver)
 * Endpoints come from the SDK's standard variables, AWS_ENDPOINT_URL_S3 and
 * AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL), so the same command runs against local
 * emulators. An option wins over its variable; `--data` with any remote option is a usage error
 * (and an explicit `--data` ignores the variables).
 *
 * None of these commands reads the feeds table; `--feeds-table` / FEEDS_TABLE is accepted (and
 * reported) so one set of options, the Lambdas' own, names a deployment for every command.
 */

export const STORE_OPTIONS = {
  data: { type: 'string' },
  bucket: { type: 'string' },
  'articles-table': { type: 'string' },
  'feeds-table': { type: 'string' },
  region: { type: 'string' },
  's3-path-style': { type: 'boolean' },
} as const;

/** The usage text of the store options, for a command's usage line. */
export const STORE_USAGE = '[--data DIR | --bucket B --articles-table T [--feeds-table T] [--region R] [--s3-path-style]]';

export interface StoreOptionValues {
  readonly data?: string;
  readonly bucket?: string;
  readonly 'articles-table'?: string;
  readonly 'feeds-table'?: string;
  readonly region?: string;
  readonly 's3-path-style'?: boolean;
}

/** A deployed store as named by options and environment. */
export interface RemoteStore {
  readonly bucket: string;
  readonly articlesTable: string;
  readonly feedsTable?: string;
  readonly region?: string;
  readonly pathStyle: boolean;
}

export interface StoreTarget {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  readonly names: { readonly bucket: string; readonly articlesTable: string; readonly feedsTable?: string };
  /** Where the data is, for messages: "data directory /x" or "s3://b and table t (eu-central-1)". */
  readonly where: string;
  readonly remote: boolean;
  /** The region of a deployed store. */
  readonly region?: string;
  close(): Promise<void>;
}

const REMOTE_OPTIONS = ['bucket', 'articles-table', 'feeds-table', 'region', 's3-path-style'] as const;
const NAME = /^[A-Za-z0-9._-]{1,255}$/;

/**
 * The deployed store the options and environment name, or undefined for the local emulators.
 * Throws a UsageError for `--data` mixed with remote options, or a store named only in part.
 */
export function resolveRemoteStore(values: StoreOptionValues, env: NodeJS.ProcessEnv): RemoteStore | undefined {
  const given = REMOTE_OPTIONS.filter((k) => values[k] !== undefined);
  if (values.data !== undefined) {
    if (given.length > 0) {
      throw new UsageError(`--data (the local emulators) cannot be combined with ${given.map((k) => `--${k}`).join(', ')} (a deployed store): use one or the other`);
    }
    return undefined;
  }
  const bucket = values.bucket ?? nonEmpty(env['ARTICLES_BUCKET']);
  const articlesTable = values['articles-table'] ?? nonEmpty(env['ARTICLES_TABLE']);
  if (given.length === 0 && bucket === undefined && articlesTable === undefined) return undefined;

  const missing = [
    ...(bucket === undefined ? ['--bucket (or ARTICLES_BUCKET)'] : []),
    ...(articlesTable === undefined ? ['--articles-table (or ARTICLES_TABLE)'] : []),
  ];
  if (bucket === undefined || articlesTable === undefined) {
    throw new UsageError(`a deployed store needs its bucket and its articles table: missing ${missing.join(' and ')} (the stack outputs BucketName and ArticlesTableName)`);
  }
  const feedsTable = values['feeds-table'] ?? nonEmpty(env['FEEDS_TABLE']);
  for (const [name, value] of [['--bucket', bucket], ['--articles-table', articlesTable], ['--feeds-table', feedsTable]] as const) {
    if (value !== undefined && !NAME.test(value)) throw new UsageError(`${name} must be a bucket or table name (got "${value}")`);
  }
  if (values.region !== undefined && !/^[a-z]{2,}(-[a-z0-9]+)+$/.test(values.region)) throw new UsageError(`--region must be an AWS region such as eu-central-1 (got "${values.region}")`);
  const pathStyleEnv = nonEmpty(env['WBNEWS_S3_PATH_STYLE']);
  if (pathStyleEnv !== undefined && !['true', 'false', '1', '0'].includes(pathStyleEnv)) {
    throw new UsageError(`WBNEWS_S3_PATH_STYLE must be true or false (got "${pathStyleEnv}")`);
  }
  return {
    bucket,
    articlesTable,
    ...(feedsTable !== undefined ? { feedsTable } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    pathStyle: values['s3-path-style'] ?? (pathStyleEnv === 'true' || pathStyleEnv === '1'),
  };
}

/**
 * Open the store a command works on: a deployed one (resolveRemoteStore) or the emulators of a
 * data directory (`mustExist` for the read-only commands: a directory never filled is an error).
 */
export async function openStore(values: StoreOptionValues, env: NodeJS.ProcessEnv, mustExist: boolean): Promise<StoreTarget> {
  const remote = resolveRemoteStore(values, env);
  if (!remote) {
    const { aws, dir } = await openDataDir(values.data, mustExist);
    return {
      s3: aws.s3,
      dynamo: aws.dynamo,
      names: { bucket: aws.names.bucket, articlesTable: aws.names.articlesTable, feedsTable: aws.names.feedsTable },
      where: `data directory ${dir}`,
      remote: false,
      close: () => aws.close(),
    };
  }
  // One client each, for the whole command; the SDK reads credentials, the region (unless
  // given) and AWS_ENDPOINT_URL_* itself.
  const region = remote.region ? { region: remote.region } : {};
  const s3 = new S3Client({ ...region, forcePathStyle: remote.pathStyle });
  const dynamo = new DynamoDBClient(region);
  const close = async (): Promise<void> => {
    s3.destroy();
    dynamo.destroy();
  };
  let resolvedRegion: string;
  try {
    resolvedRegion = await s3.config.region();
  } catch {
    await close();
    throw new UsageError('no AWS region for the deployed store: pass --region (e.g. eu-central-1), or set AWS_REGION or a region in your AWS profile');
  }
  return {
    s3,
    dynamo,
    names: { bucket: remote.bucket, articlesTable: remote.articlesTable, ...(remote.feedsTable ? { feedsTable: remote.feedsTable } : {}) },
    where: `s3://${remote.bucket} and table ${remote.articlesTable} (${resolvedRegion})`,
    remote: true,
    region: resolvedRegion,
    close,
  };
}

/**
 * A failure of the store's SDK calls as one line for the user (a missing table or bucket, no
 * credentials, access denied), or undefined when it is something else.
 */
export function storeFailure(error: unknown, target: Pick<StoreTarget, 'names' | 'where' | 'remote' | 'region'>): string | undefined {
  if (!(error instanceof Error)) return undefined;
  switch (error.name) {
    case 'ResourceNotFoundException':
      return target.remote
        ? `table ${target.names.articlesTable} not found in ${target.region}: check --articles-table (ARTICLES_TABLE; the stack output ArticlesTableName) and --region`
        : `no articles stored yet in ${target.where}: its tables are missing — run \`wbnews run\` first`;
    case 'ValidationException':
      // Another table's keys (the feeds table named as the articles table, say).
      return /key element does not match the schema|required keys/i.test(error.message)
        ? `table ${target.names.articlesTable} is not a wbnews articles table (its keys are not pk/sk): check --articles-table (ARTICLES_TABLE; the stack output ArticlesTableName, not FeedsTableName)`
        : undefined;
    case 'NoSuchBucket':
      return target.remote
        ? `bucket ${target.names.bucket} not found: check --bucket (ARTICLES_BUCKET; the stack output BucketName)`
        : `no articles stored yet in ${target.where}: its bucket is missing — run \`wbnews run\` first`;
    case 'CredentialsProviderError':
      return `no AWS credentials for ${target.where}: configure them (aws configure, aws sso login, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`;
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return `access to ${target.where} refused (${error.name}): ${error.message}`;
    default:
      return undefined;
  }
}

/**
 * Run `work` on the store the options name, always closing it; store failures that a user can
 * fix (missing table, no credentials...) become one clear line and exit code 1.
 */
export async function withStore<T>(values: StoreOptionValues, env: NodeJS.ProcessEnv, mustExist: boolean, work: (store: StoreTarget) => Promise<T>): Promise<T> {
  const store = await openStore(values, env, mustExist);
  try {
    return await work(store);
  } catch (error) {
    const message = storeFailure(error, store);
    if (message) throw new UsageError(message, 1);
    throw error;
  } finally {
    await store.close();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
