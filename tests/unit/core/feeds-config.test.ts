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
  ])('rejects %j', (doc, message) => {
    expect(() => validateFeedsFile(doc, 'feeds.json')).toThrowError(ConfigError);
    expect(() => validateFeedsFile(doc, 'feeds.json')).toThrowError(message);
  });
});
