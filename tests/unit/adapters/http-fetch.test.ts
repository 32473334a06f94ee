import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFetchFailure, DEFAULT_FETCH_OPTIONS, fetchUrl, parseRetryAfter, userAgentFor, type FetchOptions } from '../../../functions/adapters/http-fetch';
import { FeedFetchError } from '../../../functions/core/errors';
import { closedPort, respond, startTestServer, type TestServer } from '../../helpers/http-server';

// fetchUrl against a real HTTP server on 127.0.0.1.
const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Vesti</title></channel></rss>';
const options: FetchOptions = { ...DEFAULT_FETCH_OPTIONS, timeoutMs: 3000, connectTimeoutMs: 1000 };
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FeedFetchError) return error;
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

describe('fetchUrl: a polite conditional GET', () => {
  it('sends the User-Agent with the contact URL, Accept and Accept-Encoding; returns the body and validators', async () => {
    server.route('/ok.xml', respond(200, FEED, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'last-modified': 'Sun, 29 Nov 2026 07:00:00 GMT' }));
    const result = await fetchUrl(server.url('/ok.xml'), { ...options, userAgent: userAgentFor('https://ops.example/contact') });
    expect(new TextDecoder().decode(result.bytes)).toBe(FEED);
    expect(result).toMatchObject({ status: 200, notModified: false, etag: '"v1"', lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT', contentType: 'application/rss+xml; charset=utf-8' });
    const sent = server.requests.at(-1)?.headers;
    expect(sent?.['user-agent']).toBe('wbnews/0.1 (+https://ops.example/contact; Western Balkans news monitor)');
    expect(sent?.['accept-encoding']).toBe('gzip, deflate, br');
    expect(sent?.['accept']).toMatch(/^application\/rss\+xml, application\/atom\+xml/);
    expect(sent?.['if-none-match']).toBeUndefined();
  });

  it('sends If-None-Match and If-Modified-Since, and reports a 304 as not modified with no body', async () => {
    server.route('/cond.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(200, { etag: '"v1"' }).end(FEED);
    });
    const result = await fetchUrl(server.url('/cond.xml'), { ...options, etag: '"v1"', lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT' });
    expect(result).toMatchObject({ status: 304, notModified: true });
    expect(result.bytes).toHaveLength(0);
    expect(server.requests.at(-1)?.headers['if-modified-since']).toBe('Sun, 29 Nov 2026 07:00:00 GMT');
  });

  it('GIVEN a 304 to a request that sent no validators THEN it is an http_status error, not "unchanged"', async () => {
    server.route('/always-304.xml', (_req, res) => void res.writeHead(304).end());
    const error = await failure(fetchUrl(server.url('/always-304.xml'), options, { feedId: 'odd' }));
    expect(error.code).toBe('http_status');
    expect(error.message).toBe('feed "odd": HTTP 304 (not modified, to a request that was not conditional)');
    expect(error.context).toMatchObject({ status: 304 });
    // With a validator the same answer is a plain "not modified".
    expect(await fetchUrl(server.url('/always-304.xml'), { ...options, lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT' })).toMatchObject({ status: 304, notModified: true });
  });

  it.each([
    ['gzip', zlib.gzipSync(FEED)],
    ['x-gzip', zlib.gzipSync(FEED)],
    ['deflate', zlib.deflateSync(FEED)],
    ['deflate', zlib.deflateRawSync(FEED)],
    ['br', zlib.brotliCompressSync(FEED)],
  ])('undoes Content-Encoding %s', async (encoding, body) => {
    server.route('/enc.xml', respond(200, body, { 'content-encoding': encoding }));
    expect(new TextDecoder().decode((await fetchUrl(server.url('/enc.xml'), options)).bytes)).toBe(FEED);
  });

  it('inflates a body that is still gzip after HTTP decoding (a .xml.gz served as is)', async () => {
    server.route('/feed.xml.gz', respond(200, zlib.gzipSync(FEED), { 'content-type': 'application/x-gzip' }));
    expect(new TextDecoder().decode((await fetchUrl(server.url('/feed.xml.gz'), options)).bytes)).toBe(FEED);
  });
});

describe('fetchUrl: limits', () => {
  it('refuses a declared Content-Length above the cap without reading the body', async () => {
    server.route('/big-declared.xml', respond(200, 'x'.repeat(5000), { 'content-length': 5000 }));
    const error = await failure(fetchUrl(server.url('/big-declared.xml'), { ...options, maxBytes: 1000 }, { feedId: 'big' }));
    expect(error).toMatchObject({ code: 'too_large', context: { bytes: 5000 } });
    expect(error.message).toBe('feed "big": response exceeded 1000 bytes (Content-Length 5000)');
  });

  it('enforces the cap while streaming a body of unknown length, and stops reading', async () => {
    let sent = 0;
    let closed = false;
    server.route('/big-stream.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const chunk = Buffer.alloc(16 * 1024, 0x61);
      const pump = (): void => {
        while (!closed && sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (closed = true));
      pump();
    });
    const error = await failure(fetchUrl(server.url('/big-stream.xml'), { ...options, maxBytes: 256 * 1024 }));
    expect(error.code).toBe('too_large');
    expect(error.message).toMatch(/^response exceeded 262144 bytes \(\d+ bytes read\)$/);
    expect(error.context.bytes).toBeLessThan(256 * 1024 + 128 * 1024);
    expect(sent).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a gzip bomb cleanly once the decompressed size passes its cap', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(200 * 1024);
    server.route('/bomb.xml', respond(200, bomb, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' }));
    const error = await failure(fetchUrl(server.url('/bomb.xml'), { ...options, maxDecompressedBytes: 2 * 1024 * 1024 }, { feedId: 'bomb' }));
    expect(error.code).toBe('too_large');
    expect(error.message).toMatch(/^feed "bomb": decompressed body exceeded 2097152 bytes \(\d+ bytes read\)$/);
  });

  it('times out a server that answers too slowly, naming the limit', async () => {
    server.route('/slow.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.write('<rss>');
      // ...and never finishes.
    });
    const started = Date.now();
    const error = await failure(fetchUrl(server.url('/slow.xml'), { ...options, timeoutMs: 300 }, { feedId: 'slow' }));
    expect(error).toMatchObject({ code: 'timeout', message: 'feed "slow": no complete response within 300 ms', context: { value: '300' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a connection that cannot be made within the connect timeout', async () => {
    const neverResolves = (() => undefined) as unknown as NonNullable<FetchOptions['lookup']>;
    const error = await failure(fetchUrl('http://feeds.invalid/rss', { ...options, connectTimeoutMs: 150, lookup: neverResolves }));
    expect(error).toMatchObject({ code: 'timeout', message: 'could not connect within 150 ms' });
  });
});

describe('fetchUrl: redirects', () => {
  it('follows a permanent redirect and reports where the feed lives now', async () => {
    server.route('/old.xml', respond(301, '', { location: '/new.xml' }));
    server.route('/new.xml', respond(200, FEED));
    const result = await fetchUrl(server.url('/old.xml'), options);
    expect(result).toMatchObject({ status: 200, finalUrl: server.url('/new.xml'), permanentRedirect: server.url('/new.xml') });
    expect(result.redirects).toEqual([{ status: 301, from: server.url('/old.xml'), to: server.url('/new.xml') }]);
  });

  it('records only the permanent part of a chain (308 then 302), and nothing for a temporary redirect', async () => {
    server.route('/p.xml', respond(308, '', { location: '/t.xml' }));
    server.route('/t.xml', respond(302, '', { location: '/new.xml' }));
    expect((await fetchUrl(server.url('/p.xml'), options)).permanentRedirect).toBe(server.url('/t.xml'));
    expect((await fetchUrl(server.url('/t.xml'), options)).permanentRedirect).toBeUndefined();
  });

  it('refuses a redirect loop as soon as a URL repeats', async () => {
    server.route('/a.xml', respond(302, '', { location: '/b.xml' }));
    server.route('/b.xml', respond(302, '', { location: '/a.xml' }));
    const error = await failure(fetchUrl(server.url('/a.xml'), options, { feedId: 'loop' }));
    expect(error.code).toBe('redirect_loop');
    expect(error.message).toBe(`feed "loop": redirect loop: ${server.url('/a.xml')} -> ${server.url('/b.xml')} -> ${server.url('/a.xml')}`);
  });

  it('refuses more than maxRedirects redirects', async () => {
    for (let i = 0; i < 7; i++) server.route(`/hop${i}.xml`, respond(302, '', { location: `/hop${i + 1}.xml` }));
    const error = await failure(fetchUrl(server.url('/hop0.xml'), options));
    expect(error).toMatchObject({ code: 'redirect_loop', message: `more than 5 redirects, last to ${server.url('/hop6.xml')}` });
  });

  it('refuses a redirect to another protocol', async () => {
    server.route('/ftp.xml', respond(301, '', { location: 'ftp://files.example/feed.xml' }));
    expect(await failure(fetchUrl(server.url('/ftp.xml'), options))).toMatchObject({ code: 'bad_url', context: { value: 'ftp://files.example/feed.xml' } });
  });
});

describe('fetchUrl: server answers and network failures', () => {
  it('reports 429 and 503 with the Retry-After in milliseconds', async () => {
    server.route('/busy.xml', respond(429, 'slow down', { 'retry-after': '120' }));
    const busy = await failure(fetchUrl(server.url('/busy.xml'), options, { feedId: 'busy' }));
    expect(busy).toMatchObject({ code: 'http_status', message: 'feed "busy": HTTP 429 (retry after 120 s)', context: { status: 429, retryAfterMs: 120_000 } });
    server.route('/down.xml', respond(503, '', { 'retry-after': new Date(Date.now() + 600_000).toUTCString() }));
    const down = await failure(fetchUrl(server.url('/down.xml'), options));
    expect(down.context.status).toBe(503);
    expect(down.context.retryAfterMs).toBeGreaterThan(590_000);
  });

  it('reports any other status with the value received', async () => {
    const error = await failure(fetchUrl(server.url('/missing.xml'), options, { feedId: 'gone' }));
    expect(error).toMatchObject({ code: 'http_status', message: 'feed "gone": HTTP 404', context: { status: 404, value: '404' } });
  });

  it('classifies a refused connection as a network error naming the code', async () => {
    const port = await closedPort();
    const error = await failure(fetchUrl(`http://127.0.0.1:${port}/feed`, options));
    expect(error).toMatchObject({ code: 'network', message: 'connection refused (ECONNREFUSED)', context: { value: 'ECONNREFUSED' } });
  });

  it('classifies a broken gzip body and an unknown Content-Encoding as network errors', async () => {
    server.route('/truncated.gz', respond(200, zlib.gzipSync(FEED).subarray(0, 20), { 'content-encoding': 'gzip' }));
    expect(await failure(fetchUrl(server.url('/truncated.gz'), options))).toMatchObject({ code: 'network', message: expect.stringMatching(/^could not decompress the body: /) });
    server.route('/compress.xml', respond(200, FEED, { 'content-encoding': 'compress' }));
    expect(await failure(fetchUrl(server.url('/compress.xml'), options))).toMatchObject({ code: 'network', message: 'unsupported Content-Encoding "compress"' });
  });

  it('refuses URLs it cannot fetch', async () => {
    expect(await failure(fetchUrl('not a url', options))).toMatchObject({ code: 'bad_url', message: 'invalid URL "not a url"' });
    expect(await failure(fetchUrl('file:///etc/passwd', options))).toMatchObject({ code: 'bad_url' });
  });
});

describe('parseRetryAfter and classifyFetchFailure', () => {
  it('reads delta-seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(parseRetryAfter('90', now)).toBe(90_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('turns Node error codes into the pipeline vocabulary', () => {
    const errno = (code: string) => Object.assign(new Error(`x ${code}`), { code });
    expect(classifyFetchFailure({ kind: 'error', cause: errno('ENOTFOUND'), stage: 'connect' }, { feedId: 'f' }).message).toBe('feed "f": host not found (ENOTFOUND)');
    expect(classifyFetchFailure({ kind: 'error', cause: errno('ETIMEDOUT'), stage: 'connect' }, {}).code).toBe('timeout');
    expect(classifyFetchFailure({ kind: 'error', cause: errno('CERT_HAS_EXPIRED'), stage: 'connect' }, {}).message).toBe('TLS failed: x CERT_HAS_EXPIRED');
    expect(classifyFetchFailure({ kind: 'error', cause: errno('ERR_BUFFER_TOO_LARGE'), stage: 'decompress' }, {}).code).toBe('too_large');
  });
});
