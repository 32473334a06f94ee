import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleProblems } from '../../functions/adapters/article-schema';
import { serveCommand } from '../../cli/commands/serve';
import { startLocalAws } from '../../cli/local/emulators';
import { memoryIo, wbnews, wbnewsProcess, type ProcessResult } from '../helpers/cli';

// query, show and reprocess against a "deployed" store: the emulators of a data directory filled
// by `wbnews run`, kept up by `wbnews serve`, reached as a stack would be: --bucket,
// --articles-table, --region (or ARTICLES_BUCKET, ARTICLES_TABLE, AWS_REGION) with the default
// credential chain, and the SDK's standard AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB.
// Those are read by the SDK from the process environment, so the commands run as processes.
let data: string;
let stop = (): void => {};
let serving: Promise<number>;
let endpoints: { s3: string; dynamodb: string; bucket: string; articlesTable: string; feedsTable: string };
const scratch: string[] = [];

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'wbnews-cli-remote-'));
  expect((await wbnews(['run', '--data', data, '--json'])).code).toBe(0);
  const streams = memoryIo();
  const until = new Promise<void>((resolve) => (stop = resolve));
  serving = serveCommand(['--data', data, '--s3-port', '0', '--dynamodb-port', '0'], streams, until);
  for (let i = 0; i < 400 && !streams.out().includes('"type":"serve"'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  endpoints = JSON.parse(streams.out()) as typeof endpoints;
});

afterAll(async () => {
  stop();
  await serving;
  for (const dir of [data, ...scratch]) rmSync(dir, { recursive: true, force: true });
});

/** The environment of an analyst's shell: credentials for the emulators, their endpoints, nothing from this machine's AWS setup. */
function analystEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_') || ['ARTICLES_BUCKET', 'ARTICLES_TABLE', 'FEEDS_TABLE', 'RELEVANCE_SCOPE', 'WBNEWS_S3_PATH_STYLE'].includes(key)) delete env[key];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    ...extra,
  };
}

const remote = (): string[] => ['--bucket', endpoints.bucket, '--articles-table', endpoints.articlesTable, '--region', 'us-east-1', '--s3-path-style'];

async function remoteRun(args: string[], env: NodeJS.ProcessEnv = analystEnv()): Promise<ProcessResult & { lines: Record<string, unknown>[] }> {
  const result = await wbnewsProcess(args, { env, killAfterMs: 30_000 });
  return { ...result, lines: result.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function withOption(args: string[], name: string, value: string): string[] {
  return args.map((a, i) => (args[i - 1] === name ? value : a));
}

function expectOneLine(err: string): void {
  expect(err.trim().split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/^\s+at /m);
}

describe('wbnews query, show and reprocess on a deployed store (--bucket, --articles-table, --region)', () => {
  it('query lists what the local query lists; show prints a stored article; with options or with the Lambdas\' environment variables', async () => {
    const local = await wbnews(['query', '--data', data]);
    expect(local.lines.length).toBe(7);
    const listed = await remoteRun(['query', ...remote()]);
    expect(listed).toMatchObject({ code: 0, err: '7 article(s)\n' });
    expect(listed.lines).toEqual(local.lines);

    const xk = await remoteRun(['query', ...remote(), '--country', 'XK', '--limit', '1']);
    expect(xk.lines).toEqual([(await wbnews(['query', '--data', data, '--country', 'XK', '--limit', '1'])).lines[0]]);

    const id = String(local.lines[0]?.['id']);
    const shown = await remoteRun(['show', id, ...remote()]);
    expect(shown.code).toBe(0);
    const { storage, ...article } = shown.lines[0] as Record<string, unknown>;
    expect(article['id']).toBe(id);
    expect(articleProblems(article)).toEqual([]);
    expect(storage).toMatchObject({ revision: 1, relevant: true, objectKey: local.lines[0]?.['objectKey'] });

    // The same through the variables the Lambdas read; the region from the SDK's AWS_REGION.
    const byEnv = await remoteRun(['show', id], analystEnv({ ARTICLES_BUCKET: endpoints.bucket, ARTICLES_TABLE: endpoints.articlesTable, FEEDS_TABLE: 'wbnews-feeds', AWS_REGION: 'us-east-1', WBNEWS_S3_PATH_STYLE: 'true' }));
    expect(byEnv.code).toBe(0);
    expect(byEnv.lines[0]).toEqual(shown.lines[0]);

    const unknown = await remoteRun(['show', 'u00000000000000000000000000000000', ...remote()]);
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toContain(`no article with id "u00000000000000000000000000000000" in s3://${endpoints.bucket} and table ${endpoints.articlesTable} (us-east-1)`);
  });

  it('a table or bucket that does not exist, or no region, is one clear line and exit 1 or 2, not an SDK stack trace', async () => {
    const noTable = await remoteRun(['query', ...withOption(remote(), '--articles-table', 'no-such-table')]);
    expect(noTable).toMatchObject({ code: 1, out: '' });
    expect(noTable.err).toContain('wbnews query: table no-such-table not found in us-east-1: check --articles-table');
    expectOneLine(noTable.err);

    // The feeds table named as the articles table (the stack outputs both).
    const feedsTable = await remoteRun(['query', ...withOption(remote(), '--articles-table', endpoints.feedsTable)]);
    expect(feedsTable).toMatchObject({ code: 1, out: '' });
    expect(feedsTable.err).toContain(`wbnews query: table ${endpoints.feedsTable} is not a wbnews articles table`);
    expectOneLine(feedsTable.err);

    const id = String((await wbnews(['query', '--data', data, '--limit', '1'])).lines[0]?.['id']);
    const noBucket = await remoteRun(['show', id, ...withOption(remote(), '--bucket', 'no-such-bucket')]);
    expect(noBucket).toMatchObject({ code: 1, out: '' });
    expect(noBucket.err).toContain('wbnews show: bucket no-such-bucket not found: check --bucket');
    expectOneLine(noBucket.err);

    const noRegion = await remoteRun(['query', '--bucket', endpoints.bucket, '--articles-table', endpoints.articlesTable]);
    expect(noRegion).toMatchObject({ code: 2, err: 'wbnews query: no AWS region for the deployed store: pass --region (e.g. eu-central-1), or set AWS_REGION or a region in your AWS profile\n' });
  });

  it('reprocess re-classifies the stored stories whose raw input is gone, from their stored articles, and a second run changes nothing', async () => {
    // Same classifier, raw input kept: everything comes through the raw pass, unchanged.
    const same = await remoteRun(['reprocess', ...remote()]);
    expect(same.code).toBe(0);
    expect(same.lines).toEqual([expect.objectContaining({ type: 'summary', rawBodies: 3, items: 11, unchanged: 11, fromStored: expect.objectContaining({ stories: 0 }) })]);

    // The raw bodies expire (lifecycle): delete them.
    const s3 = new S3Client({ endpoint: endpoints.s3, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, forcePathStyle: true });
    const raw = await s3.send(new ListObjectsV2Command({ Bucket: endpoints.bucket, Prefix: 'raw/' }));
    expect(raw.KeyCount).toBeGreaterThanOrEqual(3);
    for (const o of raw.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: endpoints.bucket, Key: o.Key }));
    s3.destroy();

    const unchanged = await remoteRun(['reprocess', ...remote()]);
    expect(unchanged.lines).toEqual([
      expect.objectContaining({ type: 'summary', rawBodies: 0, items: 0, fromStored: { stories: 7, unchanged: 7, updated: 0, withdrawn: 0, reclassified: 0, missing: 0, invalid: 0 } }),
    ]);

    // A classifier change: this deployment's scope is Kosovo alone (RELEVANCE_SCOPE, as the Lambda reads it).
    const before = await wbnews(['query', '--data', data]);
    const aboutXk = before.lines.filter((l) => (l['countries'] as string[]).includes('XK')).map((l) => l['id']);
    expect(aboutXk.length).toBeGreaterThan(0);
    expect(aboutXk.length).toBeLessThan(7);
    const changed = await remoteRun(['reprocess', ...remote()], analystEnv({ RELEVANCE_SCOPE: 'XK' }));
    expect(changed.code).toBe(0);
    const summary = changed.lines.at(-1) as { fromStored: Record<string, number>; classifierVersion: string };
    expect(summary.classifierVersion).toMatch(/\/sXK$/);
    expect(summary.fromStored).toMatchObject({ stories: 7, unchanged: 0, missing: 0, invalid: 0 });
    expect(summary.fromStored['updated']! + summary.fromStored['withdrawn']!).toBe(7);
    const events = changed.lines.slice(0, -1);
    expect(events).toHaveLength(7);
    expect(events.every((e) => e['type'] === 'change' && e['source'] === 'stored' && e['classifierVersion'] === summary.classifierVersion)).toBe(true);
    const kept = events.filter((e) => e['change'] === 'updated').map((e) => e['id']);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((id) => aboutXk.includes(id))).toBe(true);
    expect(changed.err).toContain(`from stored articles (raw input expired): 7 stories: updated ${kept.length}, withdrawn ${7 - kept.length}, reclassified 0, unchanged 0`);

    const after = await remoteRun(['query', ...remote()]);
    expect(after.lines.map((l) => l['id']).sort()).toEqual([...kept].sort());
    expect(after.lines.every((l) => l['revision'] === 2)).toBe(true);

    // Again with the same classifier: nothing changes.
    const again = await remoteRun(['reprocess', ...remote()], analystEnv({ RELEVANCE_SCOPE: 'XK' }));
    expect(again.lines).toEqual([
      expect.objectContaining({ type: 'summary', rawBodies: 0, fromStored: { stories: kept.length, unchanged: kept.length, updated: 0, withdrawn: 0, reclassified: 0, missing: 0, invalid: 0 } }),
    ]);
    expect((await remoteRun(['query', ...remote()])).lines).toEqual(after.lines);
  });
});

describe('store options: usage errors', () => {
  const env = { ...process.env, ARTICLES_BUCKET: '', ARTICLES_TABLE: '', FEEDS_TABLE: '' };

  it('--data with a remote option is a usage error naming both sides', async () => {
    expect(await wbnews(['query', '--data', data, '--bucket', 'b', '--region', 'eu-central-1'], '', env)).toMatchObject({
      code: 2,
      err: 'wbnews query: --data (the local emulators) cannot be combined with --bucket, --region (a deployed store): use one or the other\n',
    });
    expect(await wbnews(['show', 'x', '--data', data, '--s3-path-style'], '', env)).toMatchObject({ code: 2, err: expect.stringContaining('cannot be combined with --s3-path-style') });
  });

  it('a deployed store named in part is a usage error naming what is missing, by option and by variable', async () => {
    expect(await wbnews(['query', '--bucket', 'b'], '', env)).toMatchObject({
      code: 2,
      err: 'wbnews query: a deployed store needs its bucket and its articles table: missing --articles-table (or ARTICLES_TABLE) (the stack outputs BucketName and ArticlesTableName)\n',
    });
    expect(await wbnews(['reprocess', '--region', 'eu-central-1'], '', env)).toMatchObject({
      code: 2,
      err: expect.stringContaining('missing --bucket (or ARTICLES_BUCKET) and --articles-table (or ARTICLES_TABLE)'),
    });
    expect(await wbnews(['show', 'x'], '', { ...env, ARTICLES_BUCKET: 'wbnews-bucket' })).toMatchObject({ code: 2, err: expect.stringContaining('missing --articles-table (or ARTICLES_TABLE)') });
    expect(await wbnews(['query', '--bucket', 'b', '--articles-table', 't', '--region', 'Frankfurt'], '', env)).toMatchObject({ code: 2, err: expect.stringContaining('--region must be an AWS region such as eu-central-1 (got "Frankfurt")') });
    expect(await wbnews(['query', '--bucket', 'b', '--articles-table', 't'], '', { ...env, WBNEWS_S3_PATH_STYLE: 'yes' })).toMatchObject({ code: 2, err: expect.stringContaining('WBNEWS_S3_PATH_STYLE must be true or false (got "yes")') });
  });

  it('an explicit --data wins over the variables of a deployed store', async () => {
    const result = await wbnews(['query', '--data', data, '--limit', '1'], '', { ...env, ARTICLES_BUCKET: 'elsewhere', ARTICLES_TABLE: 'elsewhere' });
    expect(result).toMatchObject({ code: 0 });
    expect(result.lines).toHaveLength(1);
  });
});

describe('wbnews query --since/--until', () => {
  it('a date-only --until is the end of that day, a date-only --since its start: both on one date list that day', async () => {
    const day = await wbnews(['query', '--data', data, '--day', '2026-11-27']);
    expect(day.lines.length).toBeGreaterThan(0);
    expect((await wbnews(['query', '--data', data, '--since', '2026-11-27', '--until', '2026-11-27'])).lines).toEqual(day.lines);
    const untilDay = await wbnews(['query', '--data', data, '--until', '2026-11-27']);
    expect(untilDay.lines.some((l) => String(l['publishedAt']) > '2026-11-27T00:00:00.000Z')).toBe(true);
    expect(untilDay.lines.every((l) => String(l['publishedAt']) <= '2026-11-27T23:59:59.999Z')).toBe(true);
    // A time is taken as given.
    const untilMidnight = await wbnews(['query', '--data', data, '--until', '2026-11-27T00:00:00Z']);
    expect(untilMidnight.lines.every((l) => String(l['publishedAt']) <= '2026-11-27T00:00:00.000Z')).toBe(true);
  });

  it('--since later than --until is a usage error', async () => {
    expect(await wbnews(['query', '--data', data, '--since', '2026-11-28', '--until', '2026-11-27'])).toMatchObject({
      code: 2,
      err: 'wbnews query: --since (2026-11-28) is later than --until (2026-11-27): nothing can match\n',
    });
    expect(await wbnews(['query', '--data', data, '--since', '2026-11-27T12:00:00Z', '--until', '2026-11-27T11:00:00Z'])).toMatchObject({ code: 2 });
  });

  it('a --country the gazetteer does not tag is a usage error listing those it does; the code is case-insensitive', async () => {
    const unknown = await wbnews(['query', '--data', data, '--country', 'xx']);
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toMatch(/^wbnews query: --country xx is not a country wbnews tags: one of AL, BA, .*XK\n$/);
    expect((await wbnews(['query', '--data', data, '--country', 'xk'])).code).toBe(0);
  });

  it('--since or --until that leave nothing of --day are a usage error; bounds inside the day narrow it', async () => {
    expect(await wbnews(['query', '--data', data, '--day', '2026-11-25', '--since', '2026-11-26'])).toMatchObject({
      code: 2,
      err: 'wbnews query: --since (2026-11-26) is after the end of --day 2026-11-25: nothing can match\n',
    });
    expect(await wbnews(['query', '--data', data, '--day', '2026-11-25', '--until', '2026-11-24T23:00:00Z'])).toMatchObject({ code: 2 });
    expect(await wbnews(['query', '--data', data, '--day', '2026-11-25', '--since', '2026-11-25T06:00:00Z', '--until', '2026-11-26'])).toMatchObject({ code: 0 });
  });
});

describe('an empty or never-filled store', () => {
  it('query says no articles are stored yet (exit 0, nothing on stdout); show of any id says so and exits 1; a missing directory exits 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wbnews-empty-'));
    scratch.push(empty);
    await (await startLocalAws({ dataDir: empty, s3Dir: join(empty, 's3') })).close();
    const query = await wbnews(['query', '--data', empty, '--country', 'XK']);
    expect(query).toMatchObject({ code: 0, out: '', err: `no articles stored yet in data directory ${empty} — run \`wbnews run\` first\n` });
    const show = await wbnews(['show', 'u0123', '--data', empty]);
    expect(show).toMatchObject({ code: 1, out: '', err: `no article with id "u0123": no articles stored yet in data directory ${empty} — run \`wbnews run\` first\n` });
    const never = join(empty, 'never');
    expect(await wbnews(['show', 'u0123', '--data', never])).toMatchObject({ code: 1, err: `wbnews show: no articles stored yet: no wbnews data in ${never} — run \`wbnews run\` (npm start) first, or pass --data DIR\n` });
  });

  it('a query that matches nothing in a filled store just lists nothing', async () => {
    expect(await wbnews(['query', '--data', data, '--day', '2020-01-01'])).toMatchObject({ code: 0, out: '', err: '0 article(s)\n' });
  });
});

describe('wbnews serve on a port already in use', () => {
  function occupy(): Promise<{ server: Server; port: number }> {
    return new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
    });
  }

  it('is one line naming the port and the option that chooses another, exit 1, and leaves the directory usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbnews-serve-port-'));
    scratch.push(dir);
    const { server, port } = await occupy();
    try {
      const s3 = await wbnews(['serve', '--data', dir, '--s3-port', String(port), '--dynamodb-port', '0']);
      expect(s3).toMatchObject({ code: 1, out: '', err: `wbnews serve: port ${port} (S3) on 127.0.0.1 is already in use: choose another with --s3-port N (0 picks any free port)\n` });
      const dynamo = await wbnews(['serve', '--data', dir, '--s3-port', '0', '--dynamodb-port', String(port)]);
      expect(dynamo).toMatchObject({ code: 1, out: '', err: `wbnews serve: port ${port} (DynamoDB) on 127.0.0.1 is already in use: choose another with --dynamodb-port N (0 picks any free port)\n` });
    } finally {
      server.close();
    }
    // The failed serve let go of the directory.
    expect(await wbnews(['query', '--data', dir])).toMatchObject({ code: 0, err: expect.stringContaining('no articles stored yet') });
  });

  it('as a process: the same line on stderr, a non-zero exit, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbnews-serve-port-'));
    scratch.push(dir);
    const { server, port } = await occupy();
    try {
      const result = await wbnewsProcess(['serve', '--data', dir, '--s3-port', String(port), '--dynamodb-port', '0'], { killAfterMs: 30_000 });
      expect(result.code).toBe(1);
      expect(result.err).toBe(`wbnews serve: port ${port} (S3) on 127.0.0.1 is already in use: choose another with --s3-port N (0 picks any free port)\n`);
    } finally {
      server.close();
    }
  });
});
