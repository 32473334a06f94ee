import { readdirSync, readFileSync } from 'node:fs';
import { takeawaysOf } from '../../cli/commands/takeaways';
import type { Takeaways } from '../../functions/core/model';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../../functions/core/pipeline';
import { findExplicitList, withoutList } from '../../functions/core/takeaways/explicit';
import { extractTakeaways } from '../../functions/core/takeaways/index';

/**
 * Golden cases for takeaways: tests/golden/takeaways/NAME.input.json (texts written for the
 * project: {title, body} or {title, html}) plus the seed article of the demo feed, with and
 * without its list. `npm run golden:takeaways` rewrites NAME.expected.json on purpose;
 * tests/unit/core/takeaways-golden.test.ts compares.
 */

export const GOLDEN_DIR = new URL('./takeaways/', import.meta.url);

export interface GoldenCase {
  readonly name: string;
  readonly actual: () => Promise<Takeaways>;
}

async function seed() {
  const bytes = readFileSync(new URL('../../feeds/demo/balkan-wire.xml', import.meta.url));
  const doc = await readFeedDocument(bytes, 'application/rss+xml');
  const ctx = { feed: { id: 'demo-balkan-wire', url: 'http://127.0.0.1/balkan-wire.xml' }, feedUrl: 'http://127.0.0.1/balkan-wire.xml', fetchedAt: '2026-11-29T00:00:00.000Z' };
  const draft = normalizeFeed(doc.parsed, ctx).find((d) => d.title.includes('Rutte'));
  if (!draft) throw new Error('seed item missing from feeds/demo/balkan-wire.xml');
  return enrichArticle(draft);
}

export function goldenCases(): GoldenCase[] {
  const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.input.json')).sort();
  return [
    { name: 'seed', actual: async () => (await seed()).takeaways },
    {
      name: 'seed-without-list',
      actual: async () => {
        const article = await seed();
        const list = findExplicitList(article.content);
        if (!list) throw new Error('the seed article lost its list');
        return extractTakeaways({ title: article.title, text: withoutList(article.content, list), terms: article.relevance.matched.map((m) => m.text) });
      },
    },
    ...files.map((file) => ({
      name: file.replace(/\.input\.json$/, ''),
      actual: async () => takeawaysOf(JSON.parse(readFileSync(new URL(file, GOLDEN_DIR), 'utf8')) as { title?: string; body?: string; html?: string }).takeaways,
    })),
  ];
}
