/**
 * Canonical form of an article URL, so the same article reached through tracking links,
 * different letter case in the host, or a fragment gets the same id.
 *
 * @example canonicalUrl('HTTPS://Example.com:443/a?utm_source=x&id=2#top') // "https://example.com/a?id=2"
 */

const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'igshid', 'mc_cid',
  'mc_eid', 'mkt_tok', '_hsenc', '_hsmi', 'ref_src', 'cmpid', 'ocid', 'sr_share', 'spm', 'at_medium',
  'at_campaign', 'ito', 'ncid', 'rss', 'feature',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'ga_', 'oly_'];

function isTracking(name: string): boolean {
  const n = name.toLowerCase();
  return TRACKING_PARAMS.has(n) || TRACKING_PREFIXES.some((p) => n.startsWith(p));
}

/**
 * Resolve `href` against `base` and canonicalize it. Returns null for anything that is not an
 * absolute http(s) URL after resolution.
 */
export function canonicalUrl(href: string, base?: string): string | null {
  let url: URL;
  try {
    url = base ? new URL(href.trim(), base) : new URL(href.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  url.username = '';
  url.password = '';
  // URL already lower-cases the host and drops default ports; strip a trailing dot of the host.
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  const kept = [...url.searchParams].filter(([name]) => !isTracking(name));
  url.search = '';
  for (const [name, value] of kept) url.searchParams.append(name, value);
  if (url.pathname === '') url.pathname = '/';
  return url.toString();
}
