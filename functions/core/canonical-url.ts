/**
 * Canonical form of an article URL, so the same article reached through tracking links,
 * different letter case in the host, a default port or an in-page anchor gets the same id —
 * and two different articles never share one.
 *
 * What changes: the scheme and host are lower-cased (a trailing dot of the host goes), the
 * default port, credentials and an empty query go, tracking parameters (utm_*, fbclid, gclid...)
 * are cut out of the query, and a fragment is dropped unless it is a route (`#!…` hashbang or
 * `#/…`), which single-page sites use as the address of the article itself.
 * What does not: everything else, byte for byte. The query is edited as the raw string the
 * server will see — never decoded and re-encoded — so `?article/123`, `?id=5;jsessionid=1`,
 * `%20` versus `+` and the order of parameters all survive.
 *
 * @example canonicalUrl('HTTPS://Example.com:443/a?utm_source=x&id=2#top') // "https://example.com/a?id=2"
 * @example canonicalUrl('https://x.rs/#!/news/7')                          // "https://x.rs/#!/news/7"
 */

const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'igshid', 'mc_cid',
  'mc_eid', 'mkt_tok', '_hsenc', '_hsmi', 'ref_src', 'cmpid', 'ocid', 'sr_share', 'spm', 'at_medium',
  'at_campaign', 'ito', 'ncid', 'rss', 'feature',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'ga_', 'oly_'];

/** Whether a query parameter name (as written, possibly percent-encoded) is a tracking one. */
export function isTrackingParam(rawName: string): boolean {
  let name = rawName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // A stray % is no tracking parameter we know: compare it as written.
  }
  const n = name.toLowerCase();
  return TRACKING_PARAMS.has(n) || TRACKING_PREFIXES.some((p) => n.startsWith(p));
}

/**
 * The query without its tracking parameters, edited in place: each `&`-separated piece whose
 * name (the text before its first `=`) is a tracking parameter is cut, the others stay exactly
 * as written, in order. `search` and the result include the leading "?" (or are empty).
 */
export function stripTrackingParams(search: string): string {
  if (search.length <= 1) return '';
  const pieces = search.slice(1).split('&');
  const kept = pieces.filter((piece) => !isTrackingParam(piece.split('=', 1)[0] ?? ''));
  if (kept.length === pieces.length) return search;
  const query = kept.join('&');
  return query ? `?${query}` : '';
}

/**
 * Fragments that address the article itself: hashbang (`#!…`) and hash routes (`#/…`). A bare
 * `#!` or `#/` is the site's root route, the same page as no fragment.
 */
export function isRouteFragment(hash: string): boolean {
  return hash.length > 2 && (hash.startsWith('#!') || hash.startsWith('#/'));
}

/**
 * Resolve `href` against `base` and canonicalize it. Returns null for anything that is not an
 * absolute http(s) URL after resolution.
 */
export function canonicalUrl(href: string, base?: string): string | null {
  const url = parseHttpUrl(href, base);
  if (!url) return null;
  const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  const hash = isRouteFragment(url.hash) ? url.hash : '';
  // Built from the parts rather than through URL's setters: those re-encode the query.
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}${url.pathname}${stripTrackingParams(url.search)}${hash}`;
}

/**
 * The fragment `canonicalUrl` drops from `href` ("" when there is none or it is kept), without
 * the "#". Items of one feed that differ only by it are different items (live-blog entries).
 */
export function droppedFragment(href: string, base?: string): string {
  const url = parseHttpUrl(href, base);
  return url && url.hash.length > 1 && !isRouteFragment(url.hash) ? url.hash.slice(1) : '';
}

function parseHttpUrl(href: string, base?: string): URL | null {
  let url: URL;
  try {
    url = base ? new URL(href.trim(), base) : new URL(href.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}
