import { ConfigError } from './errors';
import { WB6, type FeedConfig } from './model';

/**
 * Validation of a feeds file: `{"feeds":[{"id","url","name"?, "language"?}]}`.
 * Every problem names the entry and the value: a bad URL, a duplicate id, the same URL under two
 * ids, an unknown option, an empty list.
 * Relative URLs are accepted only when `baseUrl` is given (the local demo server).
 * `countries` (WB6 codes the outlet mainly covers) and `source` (where the address was
 * confirmed) are review notes: checked here, not passed on to the pipeline.
 */

/** A feed id: lower-case letters, digits and dashes, 1-63 characters, not starting with a dash. */
export const FEED_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID = FEED_ID_PATTERN;
const KNOWN_OPTIONS = new Set(['id', 'url', 'name', 'language', 'fullText', 'countries', 'source']);

export interface FeedsFileOptions {
  /**
   * Why a feed's host may not be used, or null when it may. The deployed list passes one that
   * refuses loopback, private and internal hosts (infra/config.ts); local runs leave it out, since
   * their feeds are served from 127.0.0.1.
   */
  readonly refuseHost?: (hostname: string) => string | null;
}

/**
 * What makes two feed URLs the same feed: host, port, path and query. The scheme is left out
 * (http:// and https:// of one address serve one feed) and so is a trailing slash.
 */
function sameFeedKey(url: URL): string {
  return `${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
}

export function validateFeedsFile(doc: unknown, where: string, baseUrl?: string, options: FeedsFileOptions = {}): FeedConfig[] {
  const fail = (message: string, value: unknown): never => {
    throw new ConfigError(`${where}: ${message} (got ${JSON.stringify(value)})`, { value: JSON.stringify(value) });
  };
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { feeds?: unknown }).feeds)) {
    return fail('expected an object with a "feeds" array', doc);
  }
  const feeds = (doc as { feeds: unknown[] }).feeds;
  if (feeds.length === 0) fail('"feeds" must list at least one feed', feeds);
  const seen = new Set<string>();
  const urls = new Map<string, string>();
  return feeds.map((entry, i) => {
    if (!entry || typeof entry !== 'object') return fail(`feed #${i} must be an object`, entry);
    const e = entry as Record<string, unknown>;
    const label = typeof e['id'] === 'string' ? `feed "${e['id']}"` : `feed #${i}`;
    if (typeof e['id'] !== 'string' || !ID.test(e['id'])) {
      fail(`${label}: "id" must be lower-case letters, digits and dashes (1-63)`, e['id']);
    }
    const id = e['id'] as string;
    if (seen.has(id)) fail(`${label}: duplicate id`, id);
    seen.add(id);
    for (const key of Object.keys(e)) if (!KNOWN_OPTIONS.has(key)) fail(`${label}: unknown option "${key}"`, key);
    let url: URL | undefined;
    try {
      url = typeof e['url'] === 'string' ? new URL(e['url'], baseUrl) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail(`${label}: "url" must be an http(s) URL`, e['url']);
    const parsed = url as URL;
    const refused = options.refuseHost?.(parsed.hostname) ?? null;
    if (refused) fail(`${label}: "url" must name a public host: ${refused}`, e['url']);
    const other = urls.get(sameFeedKey(parsed));
    if (other !== undefined) fail(`${label}: "url" is already the address of feed "${other}"`, e['url']);
    urls.set(sameFeedKey(parsed), id);
    if (e['name'] !== undefined && (typeof e['name'] !== 'string' || !e['name'].trim())) fail(`${label}: "name" must be a non-empty string`, e['name']);
    if (e['language'] !== undefined && (typeof e['language'] !== 'string' || !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(e['language']))) {
      fail(`${label}: "language" must be a BCP 47 tag such as "sr-Latn"`, e['language']);
    }
    if (e['fullText'] !== undefined && typeof e['fullText'] !== 'boolean') fail(`${label}: "fullText" must be true or false`, e['fullText']);
    const countries = e['countries'];
    if (countries !== undefined && (!Array.isArray(countries) || countries.length === 0 || countries.some((c) => !(WB6 as readonly unknown[]).includes(c)))) {
      fail(`${label}: "countries" must be a non-empty list of ${WB6.join(', ')}`, countries);
    }
    if (e['source'] !== undefined && (typeof e['source'] !== 'string' || !e['source'].trim())) fail(`${label}: "source" must be a non-empty string`, e['source']);
    return {
      id,
      url: parsed.toString(),
      ...(typeof e['name'] === 'string' ? { name: e['name'] } : {}),
      ...(typeof e['language'] === 'string' ? { language: e['language'] } : {}),
      ...(e['fullText'] === true ? { fullText: true } : {}),
    };
  });
}
