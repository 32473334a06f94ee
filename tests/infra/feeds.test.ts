import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors';
import { validateFeedsFile } from '../../functions/core/feeds-config';
import { WB6 } from '../../functions/core/model';

// The production feed list (feeds/feeds.json), deployed by the stack.
type Entry = { id: string; url: string; name?: string; language?: string; countries?: string[]; source?: string };
const doc = JSON.parse(readFileSync(new URL('../../feeds/feeds.json', import.meta.url), 'utf8')) as { feeds: Entry[] };

describe('the production feed list', () => {
  it('is valid and has at least 15 feeds', () => {
    expect(validateFeedsFile(doc, 'feeds/feeds.json').length).toBeGreaterThanOrEqual(15);
  });

  it('covers all six countries, each with at least two feeds', () => {
    for (const country of WB6) {
      expect(doc.feeds.filter((f) => f.countries?.includes(country)).length, country).toBeGreaterThanOrEqual(2);
    }
  });

  it('is in English and the languages of the region', () => {
    const languages = new Set(doc.feeds.map((f) => f.language?.split('-')[0]));
    for (const language of ['en', 'sq', 'sr', 'bs', 'mk', 'cnr']) expect(languages).toContain(language);
    expect(doc.feeds.filter((f) => f.language === 'en').length).toBeGreaterThanOrEqual(5);
  });

  it('says for every feed its name, language, countries and where its address was confirmed', () => {
    for (const feed of doc.feeds) {
      expect(feed.name, feed.id).toBeTruthy();
      expect(feed.language, feed.id).toBeTruthy();
      expect(feed.countries?.length, feed.id).toBeGreaterThan(0);
      expect(feed.source?.length ?? 0, feed.id).toBeGreaterThan(30);
      expect(feed.url.startsWith('https://'), feed.id).toBe(true);
    }
  });

  it('says for every feed whether its address is confirmed, and by which reference', () => {
    // A repository and path ("owner/repo path/to/file") or a page address.
    const reference = /[\w.-]+\/[\w.-]+ [\w./-]+\.\w+|https?:\/\/\S+/;
    for (const feed of doc.feeds) {
      expect(feed.source, feed.id).toMatch(/^(Confirmed|Flagged): /);
      if (feed.source?.startsWith('Confirmed: ')) expect(feed.source, feed.id).toMatch(reference);
    }
    // Most of the list is confirmed; flagged feeds are the exception, kept for coverage.
    const confirmed = doc.feeds.filter((f) => f.source?.startsWith('Confirmed: ')).length;
    expect(confirmed).toBeGreaterThan(doc.feeds.length / 2);
  });

  it('has a row in feeds/SOURCES.md for every feed, with its address and status', () => {
    const sources = readFileSync(new URL('../../feeds/SOURCES.md', import.meta.url), 'utf8');
    for (const feed of doc.feeds) {
      const row = sources.split('\n').find((line) => line.startsWith(`| \`${feed.id}\` |`));
      expect(row, feed.id).toBeDefined();
      expect(row).toContain(`\`${feed.url}\``);
      expect(row).toContain(`| ${feed.source?.split(':')[0]} |`);
    }
  });

  it('keeps the review notes out of the configuration the pipeline sees', () => {
    const [first] = validateFeedsFile(doc, 'feeds/feeds.json');
    expect(Object.keys(first ?? {}).sort()).toEqual(['id', 'language', 'name', 'url']);
  });
});

describe('feed review notes', () => {
  const one = (extra: Record<string, unknown>) => ({ feeds: [{ id: 'a', url: 'https://x.example/feed', ...extra }] });
  it.each([
    [one({ countries: ['XK', 'HR'] }), 'feed "a": "countries" must be a non-empty list of AL, BA, XK, ME, MK, RS (got ["XK","HR"])'],
    [one({ countries: [] }), 'feed "a": "countries" must be a non-empty list'],
    [one({ countries: 'XK' }), 'feed "a": "countries" must be a non-empty list'],
    [one({ source: ' ' }), 'feed "a": "source" must be a non-empty string (got " ")'],
  ])('rejects %j', (bad, message) => {
    expect(() => validateFeedsFile(bad, 'feeds.json')).toThrowError(ConfigError);
    expect(() => validateFeedsFile(bad, 'feeds.json')).toThrowError(message);
  });
});
