import { ARTICLE_SCHEMA_VERSION, type Article } from '../../functions/core/model';

/** A small, valid article for storage tests; override what the test is about. */
export function sampleArticle(overrides: Partial<Article> = {}): Article {
  return {
    schemaVersion: ARTICLE_SCHEMA_VERSION,
    id: 'u0123456789abcdef0123456789abcde',
    url: 'https://news.example/a',
    feedId: 'news',
    source: { name: 'News', feedUrl: 'https://news.example/feed' },
    title: 'Kosovo and Serbia resume talks',
    summary: 'Talks resumed in Brussels.',
    content: 'Talks resumed in Brussels on Monday.',
    language: 'en',
    authors: [],
    categories: [],
    image: null,
    publishedAt: '2026-11-20T10:00:00.000Z',
    publishedAtSource: 'feed',
    publishedAtRaw: null,
    fetchedAt: '2026-11-20T11:00:00.000Z',
    relevance: {
      relevant: true,
      score: 20,
      countries: ['XK', 'RS'],
      countryScores: { XK: 10, RS: 10 },
      matched: [],
      tags: [],
      classifierVersion: 'test',
    },
    takeaways: { method: 'extractive', items: [{ text: 'Talks resumed in Brussels on Monday.', start: 0, end: 36 }] },
    contentHash: 'a1'.repeat(32),
    rawRef: null,
    ...overrides,
  };
}
