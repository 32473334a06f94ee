import type { FetchResult } from '../../functions/adapters/http-fetch';
import { FeedFetchError } from '../../functions/core/errors';
import type { Article } from '../../functions/core/model';
import type { ArticleQuery, ArticleStore, ArticleSummary, FeedState, FeedStateStore, Fetcher, PutOutcome } from '../../functions/ingest/ports';

/** In-memory stores with the same contracts as the DynamoDB/S3 adapters. */
export class MemoryArticleStore implements ArticleStore {
  readonly articles = new Map<string, Article>();
  failPuts = false;

  async knownHashes(ids: readonly string[]): Promise<Map<string, string>> {
    return new Map(ids.flatMap((id) => {
      const a = this.articles.get(id);
      return a ? [[id, a.contentHash] as [string, string]] : [];
    }));
  }

  async put(article: Article): Promise<PutOutcome> {
    if (this.failPuts) throw new Error('storage unavailable');
    if (this.articles.has(article.id)) return 'known';
    this.articles.set(article.id, article);
    return 'stored';
  }

  async get(id: string): Promise<Article | undefined> {
    return this.articles.get(id);
  }

  async *query(_q: ArticleQuery): AsyncIterable<ArticleSummary> {
    for (const a of this.articles.values()) {
      yield { id: a.id, title: a.title, url: a.url, feedId: a.feedId, publishedAt: a.publishedAt, countries: a.relevance.countries, score: a.relevance.score, objectKey: a.id };
    }
  }
}

export class MemoryFeedStateStore implements FeedStateStore {
  readonly states = new Map<string, FeedState>();
  async get(feedId: string) {
    return this.states.get(feedId);
  }
  async getMany(ids: readonly string[]) {
    return new Map(ids.flatMap((id) => (this.states.has(id) ? [[id, this.states.get(id) as FeedState] as [string, FeedState]] : [])));
  }
  async put(state: FeedState) {
    this.states.set(state.feedId, state);
  }
}

/** A fetcher that serves fixed bodies by URL, or fails with a typed error. */
export function fakeFetcher(routes: Record<string, string | FeedFetchError>): Fetcher & { calls: { url: string; etag?: string }[] } {
  const calls: { url: string; etag?: string }[] = [];
  const fetcher = async (url: string, options: { etag?: string }): Promise<FetchResult> => {
    calls.push({ url, etag: options.etag });
    const route = routes[url];
    if (route === undefined) throw new FeedFetchError('http_status', 'HTTP 404', { url, status: 404, value: '404' });
    if (route instanceof FeedFetchError) throw route;
    return { status: 200, notModified: false, bytes: new TextEncoder().encode(route), contentType: 'application/rss+xml', finalUrl: url, durationMs: 1 };
  };
  return Object.assign(fetcher, { calls });
}

export const fixedClock = (iso: string) => ({ now: () => new Date(iso) });

export function rssFeed(items: { title: string; link: string; description: string }[]): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>${items
    .map((i) => `<item><title>${i.title}</title><link>${i.link}</link><description>${i.description}</description><pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>`)
    .join('')}</channel></rss>`;
}
