import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findExplicitList, withoutList } from '../../../functions/core/takeaways/explicit';
import { extractTakeaways } from '../../../functions/core/takeaways/index';
import { splitSentences } from '../../../functions/core/takeaways/sentences';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../../../functions/core/pipeline';

const SEED_BULLETS = [
  'NATO stresses the importance of dialogue between Kosovo and Serbia for lasting peace.',
  'Rutte calls for flexibility and compromise from both parties in normalization talks.',
  'NATO’s KFOR mission remains crucial for maintaining security in Kosovo.',
  'The alliance’s commitment to the region is vital for broader Euro-Atlantic security.',
];

async function seedArticle() {
  const bytes = readFileSync(new URL('../../../feeds/demo/balkan-wire.xml', import.meta.url));
  const doc = await readFeedDocument(bytes, 'application/rss+xml');
  const drafts = normalizeFeed(doc.parsed, { feed: { id: 'demo-balkan-wire', url: 'http://127.0.0.1/balkan-wire.xml' }, feedUrl: 'http://127.0.0.1/balkan-wire.xml', fetchedAt: '2026-11-29T00:00:00.000Z' });
  const draft = drafts.find((d) => d.title.includes('Rutte'));
  if (!draft) throw new Error('seed item missing from the demo feed');
  return enrichArticle(draft);
}

describe('takeaways on the seed article (the project copy in feeds/demo/balkan-wire.xml)', () => {
  it('yields exactly its 4 explicit bullets, with offsets into the content', async () => {
    const article = await seedArticle();
    expect(article.takeaways.method).toBe('explicit');
    expect(article.takeaways.items.map((t) => t.text)).toEqual(SEED_BULLETS);
    for (const t of article.takeaways.items) expect(article.content.slice(t.start ?? 0, t.end ?? 0)).toBe(t.text);
  });

  it('is tagged XK, RS and BA, and the boilerplate is gone from its content', async () => {
    const article = await seedArticle();
    expect(article.relevance.relevant).toBe(true);
    expect([...article.relevance.countries].sort()).toEqual(['BA', 'RS', 'XK']);
    expect(article.content).not.toMatch(/See also/);
    expect(article.content).not.toMatch(/Sources\s*$/);
  });

  it('without its list, falls back to sentences from the article', async () => {
    const article = await seedArticle();
    const list = findExplicitList(article.content);
    expect(list).not.toBeNull();
    const rest = withoutList(article.content, list!);
    const result = extractTakeaways({ title: article.title, text: rest });
    expect(result.method).toBe('extractive');
    expect(result.items.length).toBeGreaterThanOrEqual(3);
    for (const t of result.items) expect(rest).toContain(t.text);
  });
});

describe('explicit lists in plain text', () => {
  it('reads bullet lines after a heading in the region\'s languages', () => {
    const text = 'Uvod.\n\nUkratko:\n- Prva stavka je ovde.\n- Druga stavka je ovde.\n\nOstatak teksta.';
    expect(findExplicitList(text)?.items.map((i) => i.text)).toEqual(['Prva stavka je ovde.', 'Druga stavka je ovde.']);
  });
});

describe('splitSentences', () => {
  it('does not break on abbreviations, initials or decimals', () => {
    const text = 'Gen. Smith met Mr. J. Doe at 3.5 p.m. in St. Louis. It rained. "Why?" he asked.';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      'Gen. Smith met Mr. J. Doe at 3.5 p.m. in St. Louis.',
      'It rained.',
      '"Why?" he asked.',
    ]);
  });
});
