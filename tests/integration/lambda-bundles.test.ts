import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFeedStateStore } from '../../functions/adapters/feed-state-store';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { startFeedServer, type FeedServer } from '../../cli/local/feed-server';
import { LAMBDA_BUNDLE } from '../../infra/bundling';

// The Lambdas as deployed: both composition roots bundled by esbuild with the stack's bundling
// options (ESM, minified, createRequire banner, SDK and Powertools inside), each loaded in its
// own Node process with the environment the stack sets, pointed at the emulators with the
// standard AWS_ENDPOINT_URL_* variables and invoked like Lambda does (event, context).
// SQS has no emulator here: a loopback stand-in answers SendMessageBatch (JSON protocol).

const handlers = fileURLToPath(new URL('../../functions/handlers/', import.meta.url));
const DEMO = fileURLToPath(new URL('../../feeds/demo/', import.meta.url));
const NOW = new Date();

let dir: string;
let aws: LocalAws;
let feeds: FeedServer;
let sqs: Server;
let sqsUrl: string;
const sent: { QueueUrl: string; Entries: { Id: string; MessageBody: string }[] }[] = [];

async function bundle(entry: string, outdir: string): Promise<string> {
  const outfile = join(outdir, 'index.mjs');
  await build({
    entryPoints: [join(handlers, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    external: [...LAMBDA_BUNDLE.externalModules],
    logLevel: 'silent',
  });
  return outfile;
}

interface Invocation {
  result: unknown;
  lines: Record<string, unknown>[];
}

/** Load a bundle in a fresh Node process with `env`, call handler(event, context), collect its JSON log lines (stdout and stderr). */
async function invoke(bundlePath: string, env: Record<string, string>, event: unknown): Promise<Invocation> {
  const script = [
    'const m = await import(process.argv[1]);',
    "const context = { functionName: 'fn', functionVersion: '$LATEST', memoryLimitInMB: '512', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn' };",
    'const result = await m.handler(JSON.parse(process.argv[2]), context);',
    "process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');",
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, bundlePath, JSON.stringify(event)], {
    env: {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: aws.endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: aws.endpoints.s3,
      AWS_ENDPOINT_URL_SQS: sqsUrl,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...env,
    },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`bundle ${bundlePath} exited ${status}: ${err}`);
  const resultLine = out.split('\n').find((l) => l.startsWith('RESULT '));
  // Powertools writes WARN and ERROR to stderr, the rest (and EMF) to stdout.
  const json = `${out}\n${err}`.split('\n').filter((l) => l.startsWith('{'));
  return {
    result: JSON.parse((resultLine ?? 'RESULT null').slice('RESULT '.length)),
    lines: json.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const emf = (lines: Record<string, unknown>[]) => lines.filter((l) => '_aws' in l);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wbnews-bundles-'));
  aws = await startLocalAws({ s3Dir: join(dir, 's3') });
  feeds = await startFeedServer({ root: DEMO, dynamic: [] });
  sqs = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const input = JSON.parse(body) as (typeof sent)[number];
      if (req.headers['x-amz-target'] !== 'AmazonSQS.SendMessageBatch') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'UnsupportedOperation' }));
        return;
      }
      sent.push(input);
      const md5 = (s: string) => createHash('md5').update(s).digest('hex');
      const Successful = input.Entries.map((e) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: md5(e.MessageBody) }));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ Successful, Failed: [] }));
    });
  });
  await new Promise<void>((resolve) => sqs.listen(0, '127.0.0.1', resolve));
  sqsUrl = `http://127.0.0.1:${(sqs.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await aws?.close();
  await feeds?.close();
  await new Promise((resolve) => sqs?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the bundled Lambdas', () => {
  it('dispatcher: reads the feeds file shipped beside it, queues the due feed, and reports the failing one as logs and metrics', async () => {
    const out = join(dir, 'dispatcher');
    const bundlePath = await bundle('dispatcher.lambda.ts', out);
    // What the stack's afterBundling hook does: the validated feeds file ships beside the handler.
    writeFileSync(
      join(out, 'feeds.json'),
      JSON.stringify({ feeds: [{ id: 'demo-balkan-wire', url: `${feeds.baseUrl}balkan-wire.xml` }, { id: 'gone', url: `${feeds.baseUrl}missing.xml` }] }),
    );
    const later = new Date(NOW.getTime() + 3600_000).toISOString();
    await new DynamoFeedStateStore(aws.dynamo, aws.names.feedsTable).put({
      feedId: 'gone',
      consecutiveFailures: 7,
      nextDueAt: later,
      lastError: { code: 'http_status', message: 'feed "gone": HTTP 404' },
    });

    const { result, lines } = await invoke(bundlePath, { FEEDS_TABLE: aws.names.feedsTable, QUEUE_URL: `${sqsUrl}/123456789012/feeds` }, {});

    expect(result).toMatchObject({ sent: ['demo-balkan-wire'], skipped: [{ feedId: 'gone', nextDueAt: later }], failing: [{ feedId: 'gone', consecutiveFailures: 7, code: 'http_status' }] });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.QueueUrl).toBe(`${sqsUrl}/123456789012/feeds`);
    expect(JSON.parse(sent[0]?.Entries[0]?.MessageBody ?? '{}')).toMatchObject({ feed: { id: 'demo-balkan-wire' } });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'feeds failing', service: 'wbnews-dispatcher', function_request_id: 'req-1' }));
    expect(emf(lines)).toEqual([
      expect.objectContaining({ service: 'wbnews-dispatcher', FeedsDispatched: 1, FailingFeeds: 1, MaxConsecutiveFailures: 7 }),
    ]);
  });

  it('ingest: takes the queued message, stores the relevant articles, and publishes the outcome as one EMF line', async () => {
    const bundlePath = await bundle('ingest.lambda.ts', join(dir, 'ingest'));
    const body = sent[0]?.Entries[0]?.MessageBody ?? JSON.stringify({ feed: { id: 'demo-balkan-wire', url: `${feeds.baseUrl}balkan-wire.xml` }, dispatchedAt: NOW.toISOString() });
    const event = { Records: [{ messageId: 'm1', body }, { messageId: 'm2', body: '{not json' }] };
    const env = { ARTICLES_BUCKET: aws.names.bucket, ARTICLES_TABLE: aws.names.articlesTable, FEEDS_TABLE: aws.names.feedsTable };

    const { result, lines } = await invoke(bundlePath, env, event);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    const outcome = lines.find((l) => l['message'] === 'feed outcome');
    expect(outcome).toMatchObject({ service: 'wbnews-ingest', feedId: 'demo-balkan-wire', outcome: 'fetched', itemsSeen: 4, function_request_id: 'req-1' });
    const stored = outcome?.['stored'] as number;
    expect(stored).toBeGreaterThan(0);
    expect(emf(lines)).toEqual([
      expect.objectContaining({ service: 'wbnews-ingest', FeedsFetched: 1, FeedsFailed: 0, ItemsParsed: 4, ArticlesStored: stored, RecordsFailed: 1 }),
    ]);
    const objects = await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.names.bucket, Prefix: 'articles/' }));
    expect(objects.KeyCount).toBe(stored);
  });
});
