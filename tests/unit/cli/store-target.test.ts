import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/io';
import { openStore, resolveRemoteStore, storeFailure } from '../../../cli/store-target';

const named = (name: string, message = 'x'): Error => Object.assign(new Error(message), { name });

describe('resolveRemoteStore', () => {
  it('with nothing named, the local emulators (undefined); FEEDS_TABLE or AWS_REGION alone do not name a store', () => {
    expect(resolveRemoteStore({}, {})).toBeUndefined();
    expect(resolveRemoteStore({}, { FEEDS_TABLE: 'f', AWS_REGION: 'eu-central-1' })).toBeUndefined();
    expect(resolveRemoteStore({ data: '.wbnews' }, { ARTICLES_BUCKET: 'b', ARTICLES_TABLE: 't' })).toBeUndefined();
  });

  it('takes the Lambdas\' variables, and an option wins over its variable', () => {
    expect(resolveRemoteStore({}, { ARTICLES_BUCKET: 'b', ARTICLES_TABLE: 't', FEEDS_TABLE: 'f', WBNEWS_S3_PATH_STYLE: '1' })).toEqual({ bucket: 'b', articlesTable: 't', feedsTable: 'f', pathStyle: true });
    expect(resolveRemoteStore({ bucket: 'ob', 'articles-table': 'ot', region: 'eu-central-1' }, { ARTICLES_BUCKET: 'b', ARTICLES_TABLE: 't' })).toEqual({
      bucket: 'ob',
      articlesTable: 'ot',
      region: 'eu-central-1',
      pathStyle: false,
    });
    expect(resolveRemoteStore({ bucket: 'b', 'articles-table': 't', 's3-path-style': false }, { WBNEWS_S3_PATH_STYLE: 'true' })?.pathStyle).toBe(false);
  });

  it('refuses a name that cannot be a bucket or table', () => {
    expect(() => resolveRemoteStore({ bucket: 's3://b', 'articles-table': 't' }, {})).toThrowError(new UsageError('--bucket must be a bucket or table name (got "s3://b")'));
    expect(() => resolveRemoteStore({ 'feeds-table': '' }, { ARTICLES_BUCKET: 'b', ARTICLES_TABLE: 't' })).toThrowError(/--feeds-table must be a bucket or table name/);
  });
});

describe('storeFailure', () => {
  const remote = { names: { bucket: 'b', articlesTable: 't' }, where: 's3://b and table t (eu-central-1)', remote: true, region: 'eu-central-1' };
  const local = { names: { bucket: 'b', articlesTable: 't' }, where: 'data directory /d', remote: false };

  it('turns what a user can fix into one line naming it', () => {
    expect(storeFailure(named('ResourceNotFoundException'), remote)).toBe('table t not found in eu-central-1: check --articles-table (ARTICLES_TABLE; the stack output ArticlesTableName) and --region');
    expect(storeFailure(named('ValidationException', 'The provided key element does not match the schema'), remote)).toBe(
      'table t is not a wbnews articles table (its keys are not pk/sk): check --articles-table (ARTICLES_TABLE; the stack output ArticlesTableName, not FeedsTableName)',
    );
    expect(storeFailure(named('ResourceNotFoundException'), local)).toBe('no articles stored yet in data directory /d: its tables are missing — run `wbnews run` first');
    expect(storeFailure(named('NoSuchBucket'), remote)).toBe('bucket b not found: check --bucket (ARTICLES_BUCKET; the stack output BucketName)');
    expect(storeFailure(named('CredentialsProviderError', 'Could not load credentials from any providers'), remote)).toMatch(/^no AWS credentials for s3:\/\/b and table t \(eu-central-1\): configure them/);
    expect(storeFailure(named('AccessDeniedException', 'not authorized to perform: dynamodb:Query'), remote)).toBe(
      'access to s3://b and table t (eu-central-1) refused (AccessDeniedException): not authorized to perform: dynamodb:Query',
    );
  });

  it('leaves anything else alone', () => {
    expect(storeFailure(named('ProvisionedThroughputExceededException'), remote)).toBeUndefined();
    expect(storeFailure(named('ValidationException', 'Invalid KeyConditionExpression'), remote)).toBeUndefined();
    expect(storeFailure('text', remote)).toBeUndefined();
  });
});

describe('openStore', () => {
  it('names the region it resolved from the SDK chain, and closes its clients', async () => {
    const store = await openStore({ bucket: 'b', 'articles-table': 't', region: 'eu-south-1' }, {}, true);
    expect(store).toMatchObject({ remote: true, region: 'eu-south-1', where: 's3://b and table t (eu-south-1)', names: { bucket: 'b', articlesTable: 't' } });
    expect(await store.s3.config.forcePathStyle).toBe(false);
    await store.close();
  });
});
