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

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const once = canonicalUrl(url);
        return once === null || canonicalUrl(once) === once;
      }),
    );
  });
});
