import { assertValidArticle } from '../functions/adapters/article-schema';
import { articleFingerprint, enrichmentHash } from '../functions/adapters/article-store';
import { normalizeFeed, readFeedDocument, enrichArticle } from '../functions/core/pipeline';
import { readFileSync } from 'node:fs';
import type { Article } from '../functions/core/model';
import type { Benchmark } from './harness';

// The CPU the store adds per article before any I/O: the near-duplicate fingerprint, the
// schema check, and the enrichment hash that decides whether a reprocess changed anything.
const ctx = { feed: { id: 'bench', url: 'http://127.0.0.1/feed' }, feedUrl: 'http://127.0.0.1/feed', fetchedAt: '2026-11-29T00:00:00.000Z' };

async function demoArticles(): Promise<Article[]> {
  const doc = await readFeedDocument(readFileSync(new URL('../feeds/demo/balkan-wire.xml', import.meta.url)), 'application/rss+xml');
  return normalizeFeed(doc.parsed, ctx).map((draft) => enrichArticle(draft));
}

export const benchmarks: Benchmark[] = [
  {
    name: 'near-duplicate fingerprint (demo articles)',
    unit: 'articles',
    async setup() {
      const articles = await demoArticles();
      return { batch: articles.length, run: () => void articles.forEach((a) => articleFingerprint(a)) };
    },
  },
  {
    name: 'article schema check + enrichment hash (demo articles)',
    unit: 'articles',
    async setup() {
      const articles = await demoArticles();
      return {
        batch: articles.length,
        run: () =>
          articles.forEach((a) => {
            assertValidArticle(a);
            enrichmentHash(a);
          }),
      };
    },
  },
];
