import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import zlib from 'node:zlib';
import { FeedFetchError, type ErrorContext } from '../core/errors';

/**
 * Fetch a feed politely, cheaply and within limits:
 * - a User-Agent naming the project and a contact URL; conditional headers (If-None-Match,
 *   If-Modified-Since) from the validators of the last fetch, so an unchanged feed costs a 304;
 * - a connect timeout (DNS, TCP and TLS) and a total timeout over every redirect and the body;
 * - a size cap enforced while the body streams in, on the wire and again after gzip, deflate
 *   or brotli are undone (a compression bomb is refused with too_large, not buffered);
 * - at most `maxRedirects` redirects, a loop refused as soon as a URL repeats, permanent
 *   redirects (301/308) reported so the caller can record the feed's new home;
 * - 429 and 503 reported with the server's Retry-After, in milliseconds;
 * - a 304 to a request without validators is an http_status error, not "unchanged".
 *
 * Every failure leaves here as a FeedFetchError classified by classifyFetchFailure, the one
 * place where Node's error codes, zlib's and HTTP's become the pipeline's vocabulary.
 */

export interface FetchOptions {
  /** Total time for the whole exchange: connection, redirects and body. */
  readonly timeoutMs: number;
  /** Time to resolve, connect and (for https) finish TLS, per request. */
  readonly connectTimeoutMs: number;
  /** Largest response accepted, counted on the wire as it streams. */
  readonly maxBytes: number;
  /** Largest body accepted after Content-Encoding is undone (compression bombs stop here). */
  readonly maxDecompressedBytes: number;
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
  /** DNS lookup; the system resolver unless a test needs to hold a connection back. */
  readonly lookup?: LookupFunction;
}

export const PROJECT_USER_AGENT = 'wbnews/0.1';
export const DEFAULT_CONTACT_URL = 'https://github.com/wbnews/wbnews';

/** The User-Agent sent to feed servers: the project and how to reach whoever runs it. */
export function userAgentFor(contactUrl: string = DEFAULT_CONTACT_URL): string {
  return `${PROJECT_USER_AGENT} (+${contactUrl}; Western Balkans news monitor)`;
}

/** The range a total fetch timeout may take (FETCH_TIMEOUT_MS, `wbnews run --timeout-ms`), in ms. */
export const FETCH_TIMEOUT_RANGE = { min: 1000, max: 900_000 } as const;

export const DEFAULT_FETCH_OPTIONS: FetchOptions = {
  timeoutMs: 15_000,
  connectTimeoutMs: 5_000,
  maxBytes: 5 * 1024 * 1024,
  maxDecompressedBytes: 20 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: userAgentFor(),
};

export interface Redirect {
  readonly status: number;
  readonly from: string;
  readonly to: string;
}

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
  /** Every redirect followed, in order. */
  readonly redirects?: readonly Redirect[];
  /** Where the feed lives now, when the first redirects were permanent (301/308): the last URL they reached. */
  readonly permanentRedirect?: string;
}

const ACCEPT = 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

// ---------------------------------------------------------------------------------------------
// Classification

export type FetchFailure =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterMs?: number; readonly reason?: string }
  | { readonly kind: 'timeout'; readonly phase: 'connect' | 'total'; readonly ms: number }
  | { readonly kind: 'too_large'; readonly limit: number; readonly bytes: number; readonly stage: 'declared' | 'wire' | 'decompressed' }
  | { readonly kind: 'redirect_loop'; readonly chain: readonly string[] }
  | { readonly kind: 'too_many_redirects'; readonly limit: number; readonly to: string }
  | { readonly kind: 'bad_url'; readonly url: string; readonly reason: string }
  | { readonly kind: 'unsupported_encoding'; readonly encoding: string }
  | { readonly kind: 'error'; readonly cause: unknown; readonly stage: 'connect' | 'body' | 'decompress' };

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
};

/**
 * The one place where a failed fetch becomes a typed error: each message names the feed (via
 * the context) and shows the value received.
 *
 * @example classifyFetchFailure({ kind: 'status', status: 503, retryAfterMs: 120000 }, { feedId: 'n1' })
 *          // FeedFetchError http_status: 'feed "n1": HTTP 503 (retry after 120 s)'
 */
export function classifyFetchFailure(failure: FetchFailure, context: ErrorContext): FeedFetchError {
  switch (failure.kind) {
    case 'status': {
      const wait = failure.retryAfterMs !== undefined ? ` (retry after ${Math.round(failure.retryAfterMs / 1000)} s)` : '';
      const reason = failure.reason ? ` (${failure.reason})` : '';
      return new FeedFetchError('http_status', `HTTP ${failure.status}${reason}${wait}`, {
        ...context,
        status: failure.status,
        value: String(failure.status),
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      });
    }
    case 'timeout':
      return new FeedFetchError(
        'timeout',
        failure.phase === 'connect' ? `could not connect within ${failure.ms} ms` : `no complete response within ${failure.ms} ms`,
        { ...context, value: String(failure.ms) },
      );
    case 'too_large': {
      const what = failure.stage === 'decompressed' ? 'decompressed body' : 'response';
      const seen = failure.stage === 'declared' ? ` (Content-Length ${failure.bytes})` : ` (${failure.bytes} bytes read)`;
      return new FeedFetchError('too_large', `${what} exceeded ${failure.limit} bytes${seen}`, { ...context, bytes: failure.bytes, value: String(failure.bytes) });
    }
    case 'redirect_loop':
      return new FeedFetchError('redirect_loop', `redirect loop: ${failure.chain.join(' -> ')}`, { ...context, value: failure.chain[failure.chain.length - 1] ?? '' });
    case 'too_many_redirects':
      return new FeedFetchError('redirect_loop', `more than ${failure.limit} redirects, last to ${failure.to}`, { ...context, value: failure.to });
    case 'bad_url':
      return new FeedFetchError('bad_url', `${failure.reason} "${failure.url}"`, { ...context, value: failure.url });
    case 'unsupported_encoding':
      return new FeedFetchError('network', `unsupported Content-Encoding "${failure.encoding}"`, { ...context, value: failure.encoding });
    case 'error':
      return classifyCause(failure.cause, failure.stage, context);
  }
}

function classifyCause(cause: unknown, stage: 'connect' | 'body' | 'decompress', context: ErrorContext): FeedFetchError {
  const error = cause as NodeJS.ErrnoException | undefined;
  const code = error?.code ?? '';
  const message = error?.message ?? String(cause);
  if (code === 'ERR_BUFFER_TOO_LARGE' || (cause instanceof RangeError && /buffer|length/i.test(message))) {
    return new FeedFetchError('too_large', `decompressed body exceeded the limit: ${message}`, { ...context, value: message }, { cause });
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return new FeedFetchError('timeout', `timed out (${code})`, { ...context, value: code }, { cause });
  }
  if (stage === 'decompress' || code.startsWith('Z_')) {
    return new FeedFetchError('network', `could not decompress the body: ${message}`, { ...context, value: code || message }, { cause });
  }
  if (code === 'ERR_INVALID_URL') return new FeedFetchError('bad_url', `invalid URL: ${message}`, { ...context, value: message }, { cause });
  const known = NETWORK_CODES[code];
  if (known) return new FeedFetchError('network', `${known} (${code})`, { ...context, value: code }, { cause });
  if (/CERT|TLS|SSL/i.test(code) || /certificate|ssl|tls/i.test(message)) {
    return new FeedFetchError('network', `TLS failed: ${message}`, { ...context, value: code || message }, { cause });
  }
  return new FeedFetchError('network', code ? `${message} (${code})` : message, { ...context, value: code || message }, { cause });
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The exchange

const isPermanent = (status: number): boolean => status === 301 || status === 308;

export async function fetchUrl(url: string, options: FetchOptions, context: ErrorContext = {}): Promise<FetchResult> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const visited = [url];
  const redirects: Redirect[] = [];
  let permanent: string | undefined;
  let stillPermanent = true;
  let current = url;
  for (;;) {
    const response = await requestOnce(current, options, deadline, { ...context, url: current });
    if (response.kind === 'done') {
      return {
        ...response.result,
        finalUrl: current,
        durationMs: Date.now() - started,
        ...(redirects.length ? { redirects } : {}),
        ...(permanent ? { permanentRedirect: permanent } : {}),
      };
    }
    let next: string;
    try {
      next = new URL(response.location, current).toString();
    } catch {
      throw classifyFetchFailure({ kind: 'bad_url', url: response.location, reason: 'redirect to an invalid URL' }, { ...context, url });
    }
    if (!/^https?:$/.test(new URL(next).protocol)) {
      throw classifyFetchFailure({ kind: 'bad_url', url: next, reason: 'redirect to an unsupported protocol' }, { ...context, url });
    }
    if (visited.includes(next)) throw classifyFetchFailure({ kind: 'redirect_loop', chain: [...visited, next] }, { ...context, url });
    if (redirects.length >= options.maxRedirects) throw classifyFetchFailure({ kind: 'too_many_redirects', limit: options.maxRedirects, to: next }, { ...context, url });
    redirects.push({ status: response.status, from: current, to: next });
    stillPermanent &&= isPermanent(response.status);
    if (stillPermanent) permanent = next;
    visited.push(next);
    current = next;
  }
}

type Once =
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | { readonly kind: 'done'; readonly result: Omit<FetchResult, 'finalUrl' | 'durationMs' | 'redirects' | 'permanentRedirect'> };

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The decompressor for a Content-Encoding; deflate with or without its zlib header. */
function decompressor(encoding: string, firstByte: number | undefined): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  if (encoding === 'deflate') return firstByte !== undefined && (firstByte & 0x0f) === 8 ? zlib.createInflate() : zlib.createInflateRaw();
  return undefined;
}

function requestOnce(url: string, options: FetchOptions, deadline: number, context: ErrorContext): Promise<Once> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(classifyFetchFailure({ kind: 'bad_url', url, reason: 'invalid URL' }, context));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(classifyFetchFailure({ kind: 'bad_url', url, reason: `unsupported protocol ${parsed.protocol}` }, context));
  }
  const client = parsed.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: options.accept ?? ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  const conditional = Boolean(options.etag || options.lastModified);

  return new Promise<Once>((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      timers.forEach(clearTimeout);
      return true;
    };
    const fail = (failure: FetchFailure): void => {
      if (!finish()) return;
      request.destroy();
      reject(classifyFetchFailure(failure, context));
    };
    const succeed = (value: Once): void => {
      if (finish()) resolve(value);
    };
    timers.push(setTimeout(() => fail({ kind: 'timeout', phase: 'total', ms: options.timeoutMs }), Math.max(1, deadline - Date.now())));

    const agent = parsed.protocol === 'https:' ? options.agents?.https : options.agents?.http;
    const request = client.get(parsed, { headers, ...(agent ? { agent } : {}), ...(options.lookup ? { lookup: options.lookup } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      const location = header(res.headers.location);
      if (status >= 300 && status < 400 && status !== 304 && location) {
        res.resume();
        succeed({ kind: 'redirect', status, location });
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
        // "Not modified" answers a conditional request; to one that was not, it says nothing
        // about the feed (a misconfigured cache or server), and taking it as "unchanged" would
        // hide a feed that never delivers.
        if (!conditional) {
          fail({ kind: 'status', status, reason: 'not modified, to a request that was not conditional' });
          return;
        }
        succeed({ kind: 'done', result: { ...meta, notModified: true, bytes: new Uint8Array() } });
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(header(res.headers['retry-after'])) : undefined;
        fail({ kind: 'status', status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        fail({ kind: 'too_large', limit: options.maxBytes, bytes: declared, stage: 'declared' });
        return;
      }
      const encoding = (header(res.headers['content-encoding']) ?? '').trim().toLowerCase();
      if (encoding && encoding !== 'identity' && !['gzip', 'x-gzip', 'deflate', 'br'].includes(encoding)) {
        fail({ kind: 'unsupported_encoding', encoding });
        return;
      }
      readBody(res, encoding, options, fail, (bytes) => succeed({ kind: 'done', result: { ...meta, notModified: false, bytes } }));
    });

    request.on('socket', (socket: Socket) => {
      if (!socket.connecting) return; // a kept-alive socket is connected already
      const timer = setTimeout(() => fail({ kind: 'timeout', phase: 'connect', ms: options.connectTimeoutMs }), options.connectTimeoutMs);
      timers.push(timer);
      socket.once(parsed.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    });
    request.on('error', (cause) => fail({ kind: 'error', cause, stage: 'connect' }));
  });
}

/** Stream the body in, counting wire and decompressed bytes against their caps. */
function readBody(
  res: http.IncomingMessage,
  encoding: string,
  options: FetchOptions,
  fail: (failure: FetchFailure) => void,
  done: (bytes: Uint8Array) => void,
): void {
  const chunks: Buffer[] = [];
  let wire = 0;
  let size = 0;
  let sink: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined;
  let decided = !encoding || encoding === 'identity';

  const accept = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > options.maxDecompressedBytes) {
      fail({ kind: 'too_large', limit: options.maxDecompressedBytes, bytes: size, stage: 'decompressed' });
      sink?.destroy();
      return;
    }
    chunks.push(chunk);
  };
  const finish = (): void => {
    try {
      done(unwrapGzip(Buffer.concat(chunks), options));
    } catch (cause) {
      fail({ kind: 'error', cause, stage: 'decompress' });
    }
  };

  res.on('data', (chunk: Buffer) => {
    wire += chunk.length;
    if (wire > options.maxBytes) {
      fail({ kind: 'too_large', limit: options.maxBytes, bytes: wire, stage: 'wire' });
      res.destroy();
      return;
    }
    if (!decided) {
      decided = true;
      sink = decompressor(encoding, chunk[0]);
      sink?.on('data', accept);
      sink?.on('error', (cause) => fail({ kind: 'error', cause, stage: 'decompress' }));
      sink?.on('end', finish);
    }
    if (sink) sink.write(chunk);
    else accept(chunk);
  });
  res.on('end', () => {
    if (sink) sink.end();
    else finish();
  });
  res.on('error', (cause) => fail({ kind: 'error', cause, stage: 'body' }));
  res.on('aborted', () => fail({ kind: 'error', cause: Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }), stage: 'body' }));
}

/**
 * A body that is still gzip after HTTP decoding (a .xml.gz served as is, or compressed twice)
 * is inflated once more, under the same cap.
 */
function unwrapGzip(body: Buffer, options: FetchOptions): Uint8Array {
  if (body.length < 3 || body[0] !== 0x1f || body[1] !== 0x8b || body[2] !== 0x08) return new Uint8Array(body.buffer, body.byteOffset, body.length);
  return new Uint8Array(zlib.gunzipSync(body, { maxOutputLength: options.maxDecompressedBytes }));
}
