import { mkdtempSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import http from 'node:http';
import type dns from 'node:dns';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFullTextFetcher } from '../../functions/adapters/full-text';
import { DEFAULT_FETCH_OPTIONS, fetchUrl } from '../../functions/adapters/http-fetch';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import type { ArticleDraft, FeedConfig } from '../../functions/core/model';
import type { Logger } from '../../functions/ingest/ports';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { runCycle } from '../../cli/local/cycle';

// Article pages and a teaser-only feed served over real HTTP from 127.0.0.1. The texts are
// written for this test.
const PARAGRAPHS = [
  'Kosovo and Serbia agreed in Brussels on Tuesday to set up a joint commission on missing persons, the European Union said after a day of talks.',
  'The commission will open the archives of both governments to families who have waited more than two decades for answers.',
  'Kosovo Prime Minister Albin Kurti called the agreement a first step and said his government would name its members within a month.',
  '"Families have waited long enough for the truth about their loved ones," Kurti said after the meeting.',
  'Serbian negotiator Petar Petković said Belgrade would cooperate but warned that progress depended on the implementation of earlier agreements.',
  'The EU envoy for the dialogue said the next round of talks would take place in January and would focus on energy and licence plates.',
];
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Missing persons commission</title></head><body>
<header><nav><a href="/">Home</a> <a href="/region">Region</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>Kosovo and Serbia agree on missing persons commission</h1>${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('\n')}</article></main>
<aside><h3>Most read</h3><ul><li><a href="/x">Weather warning for the weekend</a></li></ul></aside>
<footer><p>© Test News 2026. All rights reserved.</p></footer></body></html>`;

const TEASER = 'Kosovo and Serbia agreed to set up a joint commission on missing persons.';

function feedXml(base: string): string {
  const item = (path: string, title: string) => `<item><title>${title}</title><link>${base}${path}</link><guid>${path}</guid><pubDate>Tue, 24 Nov 2026 10:00:00 +0000</pubDate><description>${TEASER} Kosovo Serbia.</description></item>`;
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Teasers</title><link>${base}/</link>
${item('/article', 'Kosovo and Serbia agree on missing persons commission')}
${item('/missing', 'Kosovo and Serbia: page that is gone')}
${item('/to-metadata', 'Kosovo and Serbia: page that redirects inward')}
</channel></rss>`;
}

interface Hit {
  readonly path: string;
  readonly at: number;
}

let server: http.Server;
let base: string;
let hits: Hit[] = [];
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push({ path, at: Date.now() });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = (status: number, headers: http.OutgoingHttpHeaders, body = ''): void => {
      setTimeout(() => {
        inFlight--;
        res.writeHead(status, headers).end(body);
      }, 20);
    };
    if (path === '/feed.xml') return done(200, { 'content-type': 'application/rss+xml' }, feedXml(base));
    if (path.startsWith('/article')) return done(200, { 'content-type': 'text/html; charset=utf-8' }, PAGE);
    if (path === '/to-metadata') return done(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    if (path === '/pdf') return done(200, { 'content-type': 'application/pdf' }, '%PDF-1.4');
    return done(404, { 'content-type': 'text/plain' }, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  hits = [];
  maxInFlight = 0;
});

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

const feed: FeedConfig = { id: 'teasers', url: 'http://127.0.0.1/feed.xml', fullText: true };
const draft = (url: string): ArticleDraft => ({
  schemaVersion: 1,
  id: `u-${url}`,
  url,
  feedId: 'teasers',
  source: { name: 'Teasers', feedUrl: feed.url },
  title: 'Kosovo and Serbia agree on missing persons commission',
  summary: TEASER,
  content: TEASER,
  language: 'en',
  authors: [],
  categories: [],
  image: null,
  publishedAt: '2026-11-24T10:00:00.000Z',
  publishedAtSource: 'feed',
  publishedAtRaw: null,
  fetchedAt: '2026-11-24T10:05:00.000Z',
  contentHash: 'h',
  rawRef: null,
});

describe('full text through the SSRF guard, over loopback HTTP', () => {
  it('replaces the teaser with the main text of the page (navigation, aside and footer left out)', async () => {
    const logger = recordingLogger();
    const fullText = createFullTextFetcher({ fetch: fetchUrl, fetchOptions: DEFAULT_FETCH_OPTIONS, ssrf: { allowLoopback: true }, delayMs: 0, logger });
    const out = await fullText(draft(`${base}/article`), feed);
    expect(out.content.split('\n\n')).toEqual(PARAGRAPHS);
    expect(out.summary).toBe(TEASER);
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'info', message: 'full text fetched' })]);
  });

  it('keeps the teaser and logs the reason when the page fails, redirects inward or is not HTML', async () => {
    const logger = recordingLogger();
    const fullText = createFullTextFetcher({ fetch: fetchUrl, fetchOptions: DEFAULT_FETCH_OPTIONS, ssrf: { allowLoopback: true }, delayMs: 0, logger });
    for (const path of ['/missing', '/to-metadata', '/pdf']) {
      const before = draft(`${base}${path}`);
      expect(await fullText(before, feed)).toEqual(before);
    }
    expect(logger.lines.map((l) => [l.level, l.fields?.['code']])).toEqual([
      ['warn', 'http_status'],
      ['warn', 'network'],
      ['warn', 'not_html'],
    ]);
    expect(String(logger.lines[1]?.fields?.['error'])).toMatch(/169\.254\.169\.254 is a link-local address/);
    expect(logger.lines[0]?.fields).toMatchObject({ feedId: 'teasers', url: `${base}/missing` });
  });

  it('without the local-run flag, never connects to loopback: neither by IP nor by a name that resolves there', async () => {
    const logger = recordingLogger();
    // A name whose DNS answer points at loopback, as a rebinding attacker's would.
    const resolve = ((_h: string, _o: unknown, cb: (e: null, a: dns.LookupAddress[]) => void) => cb(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof dns.lookup;
    const fullText = createFullTextFetcher({ fetch: fetchUrl, fetchOptions: DEFAULT_FETCH_OPTIONS, ssrf: { allowLoopback: false }, delayMs: 0, logger, resolve });
    const port = new URL(base).port;
    for (const url of [`${base}/article`, `http://pages.example:${port}/article`, `http://localhost:${port}/article`]) {
      const before = draft(url);
      expect(await fullText(before, feed)).toEqual(before);
    }
    expect(hits).toEqual([]);
    expect(logger.lines.map((l) => l.fields?.['code'])).toEqual(['bad_url', 'network', 'network']);
    expect(String(logger.lines[1]?.fields?.['error'])).toMatch(/refused to connect to pages\.example: 127\.0\.0\.1 is a loopback address/);
  });

  it('sends one request at a time per host, with the delay between them', async () => {
    const fullText = createFullTextFetcher({ fetch: fetchUrl, fetchOptions: DEFAULT_FETCH_OPTIONS, ssrf: { allowLoopback: true }, delayMs: 150, logger: recordingLogger() });
    await Promise.all([1, 2, 3].map((i) => fullText(draft(`${base}/article?n=${i}`), feed)));
    expect(hits).toHaveLength(3);
    expect(maxInFlight).toBe(1);
    for (let i = 1; i < hits.length; i++) expect((hits[i]?.at ?? 0) - (hits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(150);
  });
});

describe('a fullText feed in a local cycle (real handlers on dynalite + s3rver)', () => {
  let aws: LocalAws;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wbnews-fulltext-'));
    aws = await startLocalAws({ s3Dir: join(dir, 's3') });
  });

  afterAll(async () => {
    await aws?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN a teaser feed with fullText WHEN the cycle runs with loopback allowed THEN the page text is stored and the takeaways come from it', async () => {
    const feeds: FeedConfig[] = [{ id: 'teasers', url: `${base}/feed.xml`, fullText: true }];
    const { summary } = await runCycle({ aws, feeds, allowLoopback: true, fullTextDelayMs: 0 });
    expect(summary).toMatchObject({ fetched: 1, failed: 0, itemsSeen: 3, stored: 3 });

    const store = new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable });
    const stored = [];
    for await (const s of store.query({ feedId: 'teasers' })) stored.push(await store.get(s.id));
    const full = stored.find((a) => a?.url?.endsWith('/article'));
    expect(full?.content).toContain(PARAGRAPHS[4]);
    expect(full?.summary).toContain(TEASER);
    expect(full?.takeaways.method).toBe('extractive');
    expect(full?.takeaways.items.length).toBeGreaterThanOrEqual(3);
    for (const t of full?.takeaways.items ?? []) expect(full?.content.slice(t.start ?? 0, t.end ?? 0)).toBe(t.text);
    expect(full?.takeaways.quotes).toEqual([
      expect.objectContaining({ text: 'Families have waited long enough for the truth about their loved ones', speaker: 'Albin Kurti' }),
    ]);
    // The page that redirects to the metadata address kept its teaser: the item is not lost.
    const inward = stored.find((a) => a?.url?.endsWith('/to-metadata'));
    expect(inward?.content).toContain(TEASER);
    // The page the text came from is kept as raw input (gzip), under the feed and the fetch time.
    const pages = await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.names.bucket, Prefix: 'raw/pages/teasers/' }));
    const keys = (pages.Contents ?? []).map((o) => o.Key ?? '');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^raw/pages/teasers/.+/${full?.id}\\.html\\.gz$`));
    const page = await aws.s3.send(new GetObjectCommand({ Bucket: aws.names.bucket, Key: keys[0] }));
    const html = gunzipSync(Buffer.from(await page.Body!.transformToByteArray())).toString('utf8');
    expect(html).toContain(PARAGRAPHS[4]);
  });
});
