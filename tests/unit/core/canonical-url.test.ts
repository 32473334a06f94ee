import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalUrl, droppedFragment, stripTrackingParams } from '../../../functions/core/canonical-url';

describe('canonicalUrl', () => {
  it('lower-cases the host, drops default port, fragment and tracking parameters', () => {
    expect(canonicalUrl('HTTPS://Example.COM:443/a/b?utm_source=rss&id=7&fbclid=x&gclid=y#top')).toBe('https://example.com/a/b?id=7');
  });

  it('resolves relative links against a base', () => {
    expect(canonicalUrl('../news/1?utm_medium=feed', 'https://demo.example/feeds/rss.xml')).toBe('https://demo.example/news/1');
  });

  it('rejects non-http schemes and garbage', () => {
    expect(canonicalUrl('javascript:alert(1)')).toBeNull();
    expect(canonicalUrl('mailto:a@b.c')).toBeNull();
    expect(canonicalUrl('not a url')).toBeNull();
  });

  it('keeps the other parameters in their order', () => {
    expect(canonicalUrl('https://n.example/a?b=2&utm_medium=x&a=1&b=3')).toBe('https://n.example/a?b=2&a=1&b=3');
  });

  it('keeps the query byte for byte: parameters without "=", ";" separators, %20 and +', () => {
    expect(canonicalUrl('https://x.rs/index.php?article/123')).toBe('https://x.rs/index.php?article/123');
    expect(canonicalUrl('https://x.rs/index.php?article/123&utm_source=rss')).toBe('https://x.rs/index.php?article/123');
    expect(canonicalUrl('https://x.rs/a?id=5;jsessionid=1')).toBe('https://x.rs/a?id=5;jsessionid=1');
    expect(canonicalUrl('https://x.rs/search?q=a%20b&r=c+d&utm_campaign=z')).toBe('https://x.rs/search?q=a%20b&r=c+d');
    expect(canonicalUrl('https://x.rs/a?x=1&&y=&z')).toBe('https://x.rs/a?x=1&&y=&z');
    expect(canonicalUrl('https://x.rs/vesti?naslov=Srbija%20i%20Kosovo&id=%C4%8D')).toBe('https://x.rs/vesti?naslov=Srbija%20i%20Kosovo&id=%C4%8D');
  });

  it('recognises tracking parameters however their names are written, and drops a query left empty', () => {
    expect(canonicalUrl('https://x.rs/a?UTM_Source=x&%75tm_medium=y&FBCLID=z')).toBe('https://x.rs/a');
    expect(canonicalUrl('https://x.rs/a?')).toBe('https://x.rs/a');
    expect(stripTrackingParams('?utm_source=a&id=1')).toBe('?id=1');
    expect(stripTrackingParams('?%zz=1&utm_x')).toBe('?%zz=1');
  });

  it('keeps hashbang and hash-route fragments: on such sites they are the address of the article', () => {
    expect(canonicalUrl('https://x.rs/#!/news/1')).toBe('https://x.rs/#!/news/1');
    expect(canonicalUrl('https://x.rs/#!/news/2')).toBe('https://x.rs/#!/news/2');
    expect(canonicalUrl('https://X.rs:443/#/vesti/2?utm_source=x')).toBe('https://x.rs/#/vesti/2?utm_source=x');
    expect(canonicalUrl('https://x.rs/a?utm_source=x#!/b')).toBe('https://x.rs/a#!/b');
    // A bare "#!" or "#/" is the root route: the page itself.
    expect(canonicalUrl('https://x.rs/#!')).toBe('https://x.rs/');
    expect(canonicalUrl('https://x.rs/#/')).toBe('https://x.rs/');
  });

  it('drops credentials and a trailing dot of the host', () => {
    expect(canonicalUrl('https://user:pw@News.Example./a')).toBe('https://news.example/a');
    expect(canonicalUrl('http://[::1]:80/a')).toBe('http://[::1]/a');
    expect(canonicalUrl('http://x.rs:8080/a')).toBe('http://x.rs:8080/a');
  });

  it('droppedFragment: the fragment canonicalUrl leaves out, nothing for kept or absent ones', () => {
    expect(droppedFragment('https://x.rs/live#post-2')).toBe('post-2');
    expect(droppedFragment('live#post-2', 'https://x.rs/feed')).toBe('post-2');
    expect(droppedFragment('https://x.rs/#!/news/1')).toBe('');
    expect(droppedFragment('https://x.rs/a#')).toBe('');
    expect(droppedFragment('https://x.rs/a')).toBe('');
  });

  it('is idempotent for relative links resolved against a base, tracking parameters and fragments included', () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9._~%-]{1,12}$/);
    const param = fc.tuple(fc.constantFrom('id', 'page', 'utm_source', 'utm_campaign', 'fbclid', 'q', 'gclid', 'lang'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), fc.array(param, { maxLength: 5 }), fc.option(segment), (path, params, fragment) => {
        const search = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const href = `${path.join('/')}${search ? `?${search}` : ''}${fragment ? `#${fragment}` : ''}`;
        const once = canonicalUrl(href, 'HTTPS://News.Example:443/feeds/rss.xml');
        expect(once).toMatch(/^https:\/\/news\.example\/[^#]*$/);
        expect(once).not.toMatch(/[?&](utm_|fbclid|gclid)/);
        expect(canonicalUrl(once!)).toBe(once);
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const once = canonicalUrl(url);
        expect(once).not.toBeNull();
        expect(canonicalUrl(once!)).toBe(once);
      }),
    );
  });

  it('is idempotent on raw queries and fragments of any characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (query, fragment, path) => {
        const once = canonicalUrl(`https://x.rs/${path}?${query}#${fragment}`);
        expect(once).toMatch(/^https:\/\/x\.rs\//);
        expect(canonicalUrl(once!)).toBe(once);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Never merges: two URLs get the same canonical form exactly when they differ only in what the
// canonical form is meant to forget (tracking parameters, a default port, the host's letter
// case or trailing dot, credentials, a fragment that is not a route).

interface Spec {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly hostCase: readonly boolean[];
  readonly trailingDot: boolean;
  readonly port: 'none' | 'default' | '8080';
  readonly credentials: boolean;
  readonly path: readonly string[];
  readonly params: readonly string[];
  readonly fragment: string;
}

const TRACKING = ['utm_source=rss', 'UTM_MEDIUM=feed', 'fbclid=IwAR0', 'gclid=x1', 'pk_campaign=a', '%75tm_term=b'];
const PLAIN = ['id=5', 'id=6', 'id=5;jsessionid=1', 'article/123', 'q=a%20b', 'q=a+b', 'p', 'p=', '', 'lang=sr', 'Id=5', 'x=%2F'];
const FRAGMENTS = ['', '#', '#top', '#post-2', '#xtor=RSS-3', '#!/news/1', '#!/news/2', '#/vesti/1', '#!', '#/'];

const spec: fc.Arbitrary<Spec> = fc.record({
  scheme: fc.constantFrom('http' as const, 'https' as const),
  host: fc.constantFrom('x.rs', 'news.example'),
  hostCase: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  trailingDot: fc.boolean(),
  port: fc.constantFrom('none' as const, 'default' as const, '8080' as const),
  credentials: fc.boolean(),
  path: fc.array(fc.constantFrom('a', 'A', 'b', 'index.php', '%C4%8D', 'č'), { maxLength: 2 }),
  params: fc.array(fc.constantFrom(...TRACKING, ...PLAIN), { maxLength: 3 }),
  fragment: fc.constantFrom(...FRAGMENTS),
});

function href(s: Spec): string {
  const host = [...s.host].map((c, i) => (s.hostCase[i] ? c.toUpperCase() : c)).join('') + (s.trailingDot ? '.' : '');
  const port = s.port === 'none' ? '' : s.port === 'default' ? (s.scheme === 'https' ? ':443' : ':80') : ':8080';
  const query = s.params.length ? `?${s.params.join('&')}` : '';
  return `${s.scheme}://${s.credentials ? 'u:p@' : ''}${host}${port}/${s.path.join('/')}${query}${s.fragment}`;
}

/** What must distinguish two URLs, written independently of canonical-url.ts. */
function identity(s: Spec): string {
  const kept = s.params.filter((p) => !TRACKING.includes(p));
  const route = /^#[!/]./.test(s.fragment) ? s.fragment : '';
  const path = s.path.map((p) => (p === 'č' ? '%C4%8D' : p)).join('/');
  // An empty query is no query.
  return JSON.stringify([s.scheme, s.host, s.port === '8080', path, kept.join('&'), route]);
}

describe('canonicalUrl never merges different URLs', () => {
  it('two URLs share a canonical form if and only if they differ only in tracking parameters, default port, host case, credentials or a non-route fragment', () => {
    fc.assert(
      fc.property(spec, spec, (a, b) => {
        const ca = canonicalUrl(href(a));
        const cb = canonicalUrl(href(b));
        expect(ca).not.toBeNull();
        expect(canonicalUrl(ca!)).toBe(ca);
        expect(ca === cb, `${href(a)} → ${ca}\n${href(b)} → ${cb}`).toBe(identity(a) === identity(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('variants of one URL through tracking parameters, port, case and fragments all meet', () => {
    fc.assert(
      fc.property(spec, spec, (a, noise) => {
        const variant: Spec = {
          ...a,
          hostCase: noise.hostCase,
          trailingDot: noise.trailingDot,
          credentials: noise.credentials,
          port: a.port === '8080' ? '8080' : noise.port === '8080' ? 'none' : noise.port,
          params: interleave(a.params.filter((p) => !TRACKING.includes(p)), noise.params.filter((p) => TRACKING.includes(p))),
          fragment: /^#[!/]./.test(a.fragment) ? a.fragment : /^#[!/]./.test(noise.fragment) ? '#top' : noise.fragment,
        };
        expect(canonicalUrl(href(variant))).toBe(canonicalUrl(href(a)));
      }),
    );
  });
});

function interleave(plain: readonly string[], tracking: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(plain.length, tracking.length); i++) {
    if (tracking[i] !== undefined) out.push(tracking[i]!);
    if (plain[i] !== undefined) out.push(plain[i]!);
  }
  return out;
}
