import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { FeedFetchError, type ErrorContext } from '../core/errors';

/**
 * Fetch a URL politely and within limits: a User-Agent that names the project, conditional
 * headers when validators are known, a total timeout, a size cap enforced while streaming
 * (on the wire and again after decompression), and at most `maxRedirects` redirects.
 */

export interface FetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly accept?: string;
  /**
   * Connection agents to use instead of Node's global ones (the full-text fetcher passes the
   * SSRF guard's, which check every address at connect time, redirects included).
   */
  readonly agents?: { readonly http: http.Agent; readonly https: https.Agent };
}

export const DEFAULT_FETCH_OPTIONS: FetchOptions = {
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'wbnews/0.1 (+https://github.com/wbnews/wbnews)',
};

export interface FetchResult {
  readonly status: number;
  readonly notModified: boolean;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  readonly etag?: string;
  readonly lastModified?: string;
  /** The URL after redirects. */
  readonly finalUrl: string;
  readonly durationMs: number;
}

const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

export async function fetchUrl(url: string, options: FetchOptions, context: ErrorContext = {}): Promise<FetchResult> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const response = await requestOnce(current, options, deadline, { ...context, url: current });
    if (response.location === undefined) {
      return { ...response.result, finalUrl: current, durationMs: Date.now() - started };
    }
    if (redirects >= options.maxRedirects) {
      throw new FeedFetchError('redirect_loop', `more than ${options.maxRedirects} redirects, last to ${response.location}`, {
        ...context, url, value: response.location,
      });
    }
    current = new URL(response.location, current).toString();
  }
}

interface OnceResult {
  readonly location?: string;
  readonly result: Omit<FetchResult, 'finalUrl' | 'durationMs'>;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function requestOnce(url: string, options: FetchOptions, deadline: number, context: ErrorContext): Promise<OnceResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    return Promise.reject(new FeedFetchError('bad_url', `invalid URL "${url}"`, { ...context, value: url }, { cause }));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(new FeedFetchError('bad_url', `unsupported protocol "${parsed.protocol}"`, { ...context, value: url }));
  }
  const client = parsed.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: options.accept ?? ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;

  return new Promise<OnceResult>((resolve, reject) => {
    let settled = false;
    const fail = (error: FeedFetchError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(error);
    };
    const remaining = Math.max(1, deadline - Date.now());
    const timer = setTimeout(
      () => fail(new FeedFetchError('timeout', `no complete response within ${options.timeoutMs} ms`, { ...context, value: String(options.timeoutMs) })),
      remaining,
    );

    const agent = parsed.protocol === 'https:' ? options.agents?.https : options.agents?.http;
    const request = client.get(parsed, { headers, ...(agent ? { agent } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      const location = header(res.headers.location);
      if (status >= 300 && status < 400 && status !== 304 && location) {
        res.resume();
        settled = true;
        clearTimeout(timer);
        resolve({ location, result: { status, notModified: false, bytes: new Uint8Array() } });
        return;
      }
      const meta = {
        status,
        contentType: header(res.headers['content-type']),
        etag: header(res.headers.etag),
        lastModified: header(res.headers['last-modified']),
      };
      if (status === 304) {
        res.resume();
        settled = true;
        clearTimeout(timer);
        resolve({ result: { ...meta, notModified: true, bytes: new Uint8Array() } });
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        fail(new FeedFetchError('http_status', `HTTP ${status}`, { ...context, status, value: String(status) }));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        fail(new FeedFetchError('too_large', `response exceeded ${options.maxBytes} bytes (Content-Length ${declared})`, {
          ...context, bytes: declared, value: String(declared),
        }));
        return;
      }

      const encoding = (header(res.headers['content-encoding']) ?? '').trim().toLowerCase();
      let body: NodeJS.ReadableStream = res;
      let wireBytes = 0;
      res.on('data', (chunk: Buffer) => {
        wireBytes += chunk.length;
        if (wireBytes > options.maxBytes) {
          fail(new FeedFetchError('too_large', `response exceeded ${options.maxBytes} bytes`, { ...context, bytes: wireBytes, value: String(wireBytes) }));
        }
      });
      if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate' || encoding === 'br') {
        const decoder =
          encoding === 'br' ? zlib.createBrotliDecompress() : encoding === 'deflate' ? zlib.createInflate() : zlib.createGunzip();
        decoder.on('error', (cause) =>
          fail(new FeedFetchError('network', `could not decompress ${encoding} body: ${cause.message}`, { ...context, value: encoding }, { cause })),
        );
        body = res.pipe(decoder);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          fail(new FeedFetchError('too_large', `decompressed body exceeded ${options.maxBytes} bytes`, { ...context, bytes: size, value: String(size) }));
          return;
        }
        chunks.push(chunk);
      });
      body.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ result: { ...meta, notModified: false, bytes: new Uint8Array(Buffer.concat(chunks)) } });
      });
      res.on('error', (cause) => fail(new FeedFetchError('network', cause.message, { ...context, value: cause.message }, { cause })));
    });
    request.on('error', (cause) => fail(new FeedFetchError('network', cause.message, { ...context, value: cause.message }, { cause })));
  });
}
