import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { runCycle } from '../../cli/local/cycle';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { DynamoFeedStateStore } from '../../functions/adapters/feed-state-store';
import type { FeedConfig } from '../../functions/core/model';
import { encodeLegacy } from '../helpers/encoding';
import { respond, startTestServer, type TestServer } from '../helpers/http-server';

// The real dispatcher and ingest handlers on dynalite + s3rver, fetching from a loopback HTTP
// server that behaves like the feed servers of the real web: slow, huge, compressed to a bomb,
// redirecting in circles, answering with an HTML page, or publishing in windows-1250.

const SERBIAN = {
  title: 'Vlada Srbije i Priština: počeli razgovori o Đeravici, Šapcu i Žabljaku',
  summary: 'Predstavnici Beograda i Prištine sastali su se u Briselu; tema su bili putevi, struja i ćirilica.',
};
const serbianFeed = (charsetInDeclaration: string): Uint8Array =>
  encodeLegacy(
    `<?xml version="1.0" encoding="${charsetInDeclaration}"?>
<rss version="2.0"><channel><title>Vesti (test)</title><link>https://vesti.test/</link><language>sr-Latn</language>
<item><title>${SERBIAN.title}</title><link>https://vesti.test/2026/11/razgovori</link>
<description>${SERBIAN.summary}</description><pubDate>Sun, 29 Nov 2026 08:00:00 +0100</pubDate></item>
</channel></rss>`,
    'windows-1250',
  );

const ENGLISH = `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire (test)</title><link>https://wire.test/</link>
<item><title>Kosovo and Serbia resume talks in Brussels</title><link>https://wire.test/talks</link>
<description>Pristina and Belgrade met again under EU mediation.</description><pubDate>Sun, 29 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>`;

interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
}
const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite|Copy|CompleteMultipartUpload|UploadPart|CreateMultipartUpload)/;

let aws: LocalAws;
let server: TestServer;
let dir: string;
const calls: Call[] = [];

/** Record every command the SDK clients send (the integration's view of "writes"). */
function record(client: LocalAws['dynamo'] | LocalAws['s3']): void {
  // The middleware signature differs per client only in its generics; the recorder reads two fields.
  (client.middlewareStack as unknown as { add(mw: unknown, options: unknown): void }).add(
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        calls.push({ command: context.commandName ?? '', input: args.input });
        return next(args);
      },
    { step: 'initialize', name: 'recordCalls' },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wbnews-fetch-'));
  aws = await startLocalAws({ s3Dir: join(dir, 's3') });
  record(aws.dynamo);
  record(aws.s3);
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
  await aws?.close();
  rmSync(dir, { recursive: true, force: true });
});

const feed = (id: string, path: string): FeedConfig => ({ id, url: server.url(path) });
const states = () => new DynamoFeedStateStore(aws.dynamo, aws.names.feedsTable);
const store = () => new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable });

describe('conditional GET through the real handlers', () => {
  it('GIVEN a windows-1250 feed with Serbian text WHEN the first cycle runs THEN the text is stored intact', async () => {
    const body = serbianFeed('windows-1250');
    server.route('/vesti.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"vesti-1"') res.writeHead(304, { etag: '"vesti-1"' }).end();
      else res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"vesti-1"', 'last-modified': 'Sun, 29 Nov 2026 07:00:00 GMT' }).end(body);
    });
    server.route('/wire.xml', (req, res) => {
      if (req.headers['if-modified-since'] === 'Sun, 29 Nov 2026 07:30:00 GMT') res.writeHead(304).end();
      else res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', 'last-modified': 'Sun, 29 Nov 2026 07:30:00 GMT' }).end(ENGLISH);
    });
    const { summary, outcomes } = await runCycle({ aws, feeds: [feed('vesti', '/vesti.xml'), feed('wire', '/wire.xml')] });
    expect(summary).toMatchObject({ fetched: 2, failed: 0, stored: 2 });
    expect(outcomes.find((o) => o.feedId === 'vesti')).toMatchObject({ charset: 'windows-1250', status: 200 });
    const titles: string[] = [];
    for await (const s of store().query({ feedId: 'vesti' })) titles.push(s.title);
    expect(titles).toEqual([SERBIAN.title]);
    const article = await store().get((await first(store().query({ feedId: 'vesti' })))?.id ?? '');
    expect(article).toMatchObject({ summary: SERBIAN.summary, language: 'sr-Latn', publishedAt: '2026-11-29T07:00:00.000Z' });
    expect(await states().get('vesti')).toMatchObject({ etag: '"vesti-1"', lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT', lastStatus: 200, consecutiveFailures: 0 });
  });

  it('WHEN the second cycle gets 304s THEN there are zero S3 writes and zero DynamoDB writes other than the two feed states', async () => {
    calls.length = 0;
    const { summary, outcomes } = await runCycle({ aws, feeds: [feed('vesti', '/vesti.xml'), feed('wire', '/wire.xml')] });
    expect(summary).toMatchObject({ fetched: 0, unchanged: 2, failed: 0, itemsSeen: 0, stored: 0 });
    expect(outcomes.map((o) => o.status)).toEqual([304, 304]);
    const writes = calls.filter((c) => WRITES.test(c.command));
    expect(writes.map((c) => [c.command, c.input['TableName']])).toEqual([
      ['PutItemCommand', aws.names.feedsTable],
      ['PutItemCommand', aws.names.feedsTable],
    ]);
    expect(calls.filter((c) => c.input['Bucket'] !== undefined)).toEqual([]);
  });
});

describe('servers that misbehave, each failure typed and recorded, the other feeds unaffected', () => {
  it('slow server, oversized body, gzip bomb, redirect loop and an HTML page fail with their own codes', async () => {
    server.route('/slow.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<rss version="2.0"><channel>'); // and nothing more
    });
    server.route('/huge.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(Buffer.alloc(3 * 1024 * 1024, 0x20));
    });
    server.route('/bomb.xml', respond(200, zlib.gzipSync(Buffer.alloc(48 * 1024 * 1024, 0x20)), { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' }));
    server.route('/loop-a.xml', respond(302, '', { location: '/loop-b.xml' }));
    server.route('/loop-b.xml', respond(302, '', { location: '/loop-a.xml' }));
    server.route('/page.xml', respond(200, '<!DOCTYPE html><html><head><title>We moved!</title></head><body>Our feed is gone.</body></html>', { 'content-type': 'text/html' }));
    server.route('/fine.xml', respond(200, ENGLISH.replace('wire.test/talks', 'wire.test/talks-2'), { 'content-type': 'application/rss+xml' }));

    const feeds = [feed('slow', '/slow.xml'), feed('huge', '/huge.xml'), feed('bomb', '/bomb.xml'), feed('loop', '/loop-a.xml'), feed('page', '/page.xml'), feed('fine', '/fine.xml')];
    const { outcomes, summary } = await runCycle({ aws, feeds, batchSize: 10, fetchOptions: { timeoutMs: 1500, maxBytes: 1024 * 1024, maxDecompressedBytes: 4 * 1024 * 1024 } });
    const byId = Object.fromEntries(outcomes.map((o) => [o.feedId, o]));
    expect(byId['slow']).toMatchObject({ outcome: 'failed', error: { code: 'timeout', message: 'feed "slow": no complete response within 1500 ms' } });
    // Sent chunked (no Content-Length): refused while streaming, a little past the cap.
    expect(byId['huge']).toMatchObject({ outcome: 'failed', error: { code: 'too_large', message: expect.stringMatching(/^feed "huge": response exceeded 1048576 bytes \(\d+ bytes read\)$/) } });
    expect(byId['bomb']).toMatchObject({ outcome: 'failed', error: { code: 'too_large', message: expect.stringMatching(/^feed "bomb": decompressed body exceeded 4194304 bytes/) } });
    expect(byId['loop']).toMatchObject({ outcome: 'failed', error: { code: 'redirect_loop', message: expect.stringContaining('redirect loop:') } });
    expect(byId['page']).toMatchObject({ outcome: 'failed', error: { code: 'not_a_feed', message: 'feed "page": not a feed: root element <html>' } });
    expect(byId['fine']).toMatchObject({ outcome: 'fetched', stored: 1 });
    expect(summary).toMatchObject({ failed: 5, fetched: 1, retriedRecords: 0 });

    const slow = await states().get('slow');
    expect(slow).toMatchObject({ consecutiveFailures: 1, lastError: { code: 'timeout' } });
    expect(Date.parse(slow?.nextDueAt ?? '') - Date.parse(slow?.lastAttemptAt ?? '')).toBe(15 * 60_000);
  });

  it('429 with Retry-After: the feed is due when the server said, and the next cycle skips it', async () => {
    server.route('/busy.xml', respond(429, 'Too Many Requests', { 'retry-after': '3600' }));
    const first = await runCycle({ aws, feeds: [feed('busy', '/busy.xml')] });
    expect(first.outcomes[0]).toMatchObject({ outcome: 'failed', status: 429, error: { code: 'http_status', message: 'feed "busy": HTTP 429 (retry after 3600 s)' } });
    const state = await states().get('busy');
    expect(Date.parse(state?.nextDueAt ?? '') - Date.parse(state?.lastAttemptAt ?? '')).toBe(3_600_000);
    const requestsBefore = server.requests.filter((r) => r.path === '/busy.xml').length;
    const second = await runCycle({ aws, feeds: [feed('busy', '/busy.xml')] });
    expect(second.skipped).toEqual([{ feedId: 'busy', nextDueAt: state?.nextDueAt, consecutiveFailures: 1, lastError: 'http_status' }]);
    expect(server.requests.filter((r) => r.path === '/busy.xml')).toHaveLength(requestsBefore);
  });

  it('a permanent redirect is followed, recorded in the feed state and reported', async () => {
    server.route('/moved.xml', respond(301, '', { location: '/vesti-new.xml' }));
    server.route('/vesti-new.xml', respond(200, Buffer.from(serbianFeed('windows-1250')), { 'content-type': 'application/xml; charset=utf-8' }));
    const { outcomes } = await runCycle({ aws, feeds: [feed('moved', '/moved.xml')] });
    // The server also mislabels the windows-1250 body as UTF-8; the declaration in the body wins.
    expect(outcomes[0]).toMatchObject({ outcome: 'fetched', movedTo: server.url('/vesti-new.xml'), charset: 'windows-1250' });
    expect((await states().get('moved'))?.movedTo).toMatchObject({ url: server.url('/vesti-new.xml') });
  });
});

async function first<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of items) return item;
  return undefined;
}
