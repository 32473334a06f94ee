import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { removeBoilerplate } from '../core/boilerplate';
import { charsetFromContentType } from '../core/decode';
import { describeError } from '../core/errors';
import { htmlToText } from '../core/html-text';
import type { ArticleDraft, FeedConfig } from '../core/model';
import { fold } from '../core/text-fold';
import type { Fetcher, Logger, RawStore } from '../ingest/ports';
import type { FetchOptions } from './http-fetch';
import { assertFetchableUrl, guardedAgents, type SsrfPolicy } from './ssrf-guard';

/**
 * Full text for feeds that carry only a teaser (`fullText: true` in the feeds file): fetch the
 * item's page through the SSRF guard (ssrf-guard.ts) with the feed fetch limits (timeout, size
 * cap, redirects), pick the main text out with Mozilla's Readability on a linkedom DOM, and
 * make it the draft's content, keeping the feed's teaser as the summary.
 *
 * Politeness: at most one request at a time per host, and `delayMs` between the end of one
 * and the start of the next, within this fetcher: one Lambda container (or one local run).
 * Containers running at the same time do not coordinate; the per-feed page budget of a run
 * (storeArticles) bounds what each sends. Any failure (refused address, timeout, HTTP error, a page with
 * less text than the teaser) keeps the teaser, so an item is never lost, and is logged with the
 * feed id, item id, URL and error code.
 */

export interface FullTextOptions {
  readonly fetch: Fetcher;
  readonly fetchOptions: FetchOptions;
  readonly ssrf: SsrfPolicy;
  /** Pause between two requests to the same host (default 1000 ms). */
  readonly delayMs?: number;
  /** A page must give at least this many characters, and more than the teaser, to replace it (default 300). */
  readonly minChars?: number;
  readonly logger: Logger;
  /** For tests: the DNS lookup the guard uses. */
  readonly resolve?: Parameters<typeof guardedAgents>[1];
  /** Keeps each fetched page as raw input for replay (S3RawStore.putPage); a page not kept is not used. */
  readonly raw?: Pick<RawStore, 'putPage'>;
}

export type FullTextPort = (draft: ArticleDraft, feed: FeedConfig) => Promise<ArticleDraft>;

const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1';

/** Serialise work per host, with a pause between the end of one task and the start of the next (in this process only). */
export class HostThrottle {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly lastEnd = new Map<string, number>();

  constructor(
    private readonly delayMs: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly now: () => number = () => Date.now(),
  ) {}

  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(host) ?? Promise.resolve();
    const result = previous.then(async () => {
      const last = this.lastEnd.get(host);
      const wait = last === undefined ? 0 : last + this.delayMs - this.now();
      if (wait > 0) await this.sleep(wait);
      try {
        return await task();
      } finally {
        this.lastEnd.set(host, this.now());
      }
    });
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(host, tail);
    void tail.then(() => {
      if (this.tails.get(host) === tail) this.tails.delete(host);
    });
    return result;
  }
}

/** Decode an HTML page: byte-order mark, then the HTTP charset, then <meta charset>, then UTF-8. */
export function decodeHtml(bytes: Uint8Array, contentType: string | undefined): string {
  let charset: string | undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) charset = 'utf-8';
  charset ??= charsetFromContentType(contentType);
  if (!charset) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
    charset = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  }
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/**
 * The main text of an article page as plain text (paragraphs, "• item" list lines), or null
 * when Readability finds no article.
 */
export function extractMainText(html: string, url: string): string | null {
  const { document } = parseHTML(html);
  // Readability resolves relative links against the document URL; linkedom has no base URL of its own.
  const base = document.createElement('base');
  base.setAttribute('href', url);
  document.head?.appendChild(base);
  // Readability is typed for the browser DOM; linkedom implements the parts it uses.
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
  if (!article?.content) return null;
  const text = removeBoilerplate(htmlToText(article.content));
  return text || null;
}

/** Drop a first line that only repeats the headline (pages open with their <h1>). */
function withoutTitleLine(text: string | null, title: string): string | null {
  if (!text) return text;
  const [first = '', ...rest] = text.split('\n');
  const key = (s: string): string => fold(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return key(first) === key(title) && rest.length > 0 ? rest.join('\n').trim() : text;
}

export function createFullTextFetcher(options: FullTextOptions): FullTextPort {
  const throttle = new HostThrottle(options.delayMs ?? 1000);
  const agents = guardedAgents(options.ssrf, options.resolve);
  const minChars = options.minChars ?? 300;
  const fetchOptions: FetchOptions = { ...options.fetchOptions, accept: HTML_ACCEPT, agents, etag: undefined, lastModified: undefined };

  return async (draft, feed) => {
    if (!draft.url) return draft;
    const fields = { feedId: feed.id, itemId: draft.id, url: draft.url };
    try {
      const parsed = assertFetchableUrl(draft.url, options.ssrf);
      const response = await throttle.run(parsed.host, () => options.fetch(parsed.toString(), fetchOptions));
      const type = (response.contentType ?? '').toLowerCase();
      if (type && !/html|xml/.test(type)) {
        options.logger.warn('full text skipped', { ...fields, code: 'not_html', contentType: response.contentType });
        return draft;
      }
      const text = withoutTitleLine(extractMainText(decodeHtml(response.bytes, response.contentType), response.finalUrl), draft.title);
      if (!text || text.length < minChars || text.length <= draft.content.length) {
        options.logger.warn('full text skipped', { ...fields, code: 'no_article', chars: text?.length ?? 0, teaserChars: draft.content.length });
        return draft;
      }
      const rawKey = options.raw
        ? await options.raw.putPage(feed.id, draft.id, draft.fetchedAt, { url: response.finalUrl, body: response.bytes, contentType: response.contentType })
        : undefined;
      options.logger.info('full text fetched', { ...fields, chars: text.length, teaserChars: draft.content.length, fetchMs: response.durationMs, ...(rawKey ? { rawKey } : {}) });
      return { ...draft, summary: draft.summary || draft.content, content: text };
    } catch (error) {
      const { code, message } = describeError(error);
      options.logger.warn('full text failed', { ...fields, code, error: message });
      return draft;
    }
  };
}
