import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors';
import { validateFeedsFile } from '../../../functions/core/feeds-config';

describe('validateFeedsFile', () => {
  it('accepts the shipped feed list and the demo list', () => {
    const prod = JSON.parse(readFileSync(new URL('../../../feeds/feeds.json', import.meta.url), 'utf8'));
    expect(validateFeedsFile(prod, 'feeds.json').length).toBeGreaterThan(0);
    const demo = JSON.parse(readFileSync(new URL('../../../feeds/demo/feeds.json', import.meta.url), 'utf8'));
    expect(validateFeedsFile(demo, 'demo', 'http://127.0.0.1:8080/').map((f) => f.url)).toContain('http://127.0.0.1:8080/balkan-wire.xml');
  });

  it.each([
    [{ feeds: [{ id: 'a', url: 'ftp://x.example/feed' }] }, 'feed "a": "url" must be an http(s) URL (got "ftp://x.example/feed")'],
    [{ feeds: [{ id: 'a', url: 'https://x.example/1' }, { id: 'a', url: 'https://x.example/2' }] }, 'feed "a": duplicate id (got "a")'],
    [{ feeds: [{ id: 'a', url: 'https://x.example/1', fulltext: true }] }, 'feed "a": unknown option "fulltext"'],
    [{ feeds: [{ id: 'Bad Id', url: 'https://x.example/1' }] }, '"id" must be lower-case'],
    [{ feed: [] }, 'expected an object with a "feeds" array'],
    [{ feeds: [] }, 'feeds.json: "feeds" must list at least one feed (got [])'],
    [
      { feeds: [{ id: 'a', url: 'https://x.example/feed' }, { id: 'b', url: 'https://x.example/feed' }] },
      'feeds.json: feed "b": "url" is already the address of feed "a" (got "https://x.example/feed")',
    ],
    // The same feed behind another scheme, a trailing slash or an upper-case host.
    [{ feeds: [{ id: 'a', url: 'https://x.example/feed/' }, { id: 'b', url: 'http://X.example/feed' }] }, 'feed "b": "url" is already the address of feed "a"'],
  ])('rejects %j', (doc, message) => {
    expect(() => validateFeedsFile(doc, 'feeds.json')).toThrowError(ConfigError);
    expect(() => validateFeedsFile(doc, 'feeds.json')).toThrowError(message);
  });

  it('tells apart feeds of one host that differ in path or query', () => {
    const doc = {
      feeds: [
        { id: 'a', url: 'https://x.example/feed' },
        { id: 'b', url: 'https://x.example/feed?cat=politics' },
        { id: 'c', url: 'https://x.example/en/feed' },
        { id: 'd', url: 'https://x.example:8443/feed' },
      ],
    };
    expect(validateFeedsFile(doc, 'feeds.json')).toHaveLength(4);
  });

  it('refuses a host only when the caller says why (the deployed list), so local runs keep loopback feeds', () => {
    const doc = { feeds: [{ id: 'local', url: 'http://127.0.0.1:8080/feed.xml' }] };
    expect(validateFeedsFile(doc, 'local.json')).toEqual([{ id: 'local', url: 'http://127.0.0.1:8080/feed.xml' }]);
    const refuseHost = (host: string) => (host === '127.0.0.1' ? `${host} is a loopback address` : null);
    expect(() => validateFeedsFile(doc, 'feeds.json', undefined, { refuseHost })).toThrowError(
      'feeds.json: feed "local": "url" must name a public host: 127.0.0.1 is a loopback address (got "http://127.0.0.1:8080/feed.xml")',
    );
    expect(validateFeedsFile({ feeds: [{ id: 'x', url: 'https://x.example/feed' }] }, 'feeds.json', undefined, { refuseHost })).toHaveLength(1);
  });
});
