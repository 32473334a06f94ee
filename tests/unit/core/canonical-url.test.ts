import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalUrl } from '../../../functions/core/canonical-url';

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

  it('is idempotent for relative links resolved against a base, tracking parameters and fragments included', () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9._~%-]{1,12}$/);
    const param = fc.tuple(fc.constantFrom('id', 'page', 'utm_source', 'utm_campaign', 'fbclid', 'q', 'gclid', 'lang'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), fc.array(param, { maxLength: 5 }), fc.option(segment), (path, params, fragment) => {
        const search = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const href = `${path.join('/')}${search ? `?${search}` : ''}${fragment ? `#${fragment}` : ''}`;
        const once = canonicalUrl(href, 'HTTPS://News.Example:443/feeds/rss.xml');
        return once !== null && canonicalUrl(once) === once && !/[?&](utm_|fbclid|gclid)/.test(once) && !once.includes('#') && once.startsWith('https://news.example/');
      }),
    );
  });

  it('keeps the other parameters in their order', () => {
    expect(canonicalUrl('https://n.example/a?b=2&utm_medium=x&a=1&b=3')).toBe('https://n.example/a?b=2&a=1&b=3');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const once = canonicalUrl(url);
        return once === null || canonicalUrl(once) === once;
      }),
    );
  });
});
