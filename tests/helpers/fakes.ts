import type { FetchResult } from '../../functions/adapters/http-fetch';
import { FeedFetchError } from '../../functions/core/errors';
import type { Article } from '../../functions/core/model';
import type { ArticlePage, ArticleQuery, ArticleStore, ArticleSummary, FeedState, FeedStateStore, Fetcher, KnownItem, PutOptions, PutOutcome, StoredStory } from '../../functions/ingest/ports';

/**
 * In-memory article store with the same outcomes as the DynamoDB/S3 adapter for one feed
 * (new, unchanged, changed, not relevant); near-duplicate linking is the real adapter's job.
 */
export class MemoryArticleStore implements ArticleStore {
  readonly articles = new Map<string, Article>();
  readonly records = new Map<string, KnownItem>();
  failPuts = false;

  async lookup(ids: readonly string[]): Promise<Map<string, KnownItem>> {
    return new Map(ids.flatMap((id) => {
      const r = this.records.get(id);
      return r ? [[id, r] as [string, KnownItem]] : [];
    }));
  }

  async put(article: Article, options: PutOptions = {}): Promise<PutOutcome> {
    if (this.failPuts) throw new Error('storage unavailable');
    const itemHash = options.itemHash ?? article.contentHash;
    const previous = this.records.get(article.id);
    const relevant = article.relevance.relevant;
    if (previous && previous.itemHash === itemHash && previous.relevant === relevant && previous.classifierVersion === article.relevance.classifierVersion) return 'known';
    const hasObject = previous?.objectKey !== undefined || relevant;
    this.records.set(article.id, {
      id: article.id,
      itemHash,
      contentHash: article.contentHash,
      revision: (previous?.revision ?? 0) + 1,
      relevant,
      classifierVersion: article.relevance.classifierVersion,
      pending: false,
      ...(hasObject ? { objectKey: article.id } : {}),
    });
    if (hasObject) this.articles.set(article.id, article);
    if (previous?.objectKey !== undefined) return 'updated';
    return relevant ? 'stored' : 'irrelevant';
  }

  async complete(_id: string): Promise<void> {}

  async get(id: string): Promise<Article | undefined> {
    return this.articles.get(id);
  }

  async story(id: string): Promise<StoredStory | undefined> {
    const r = this.records.get(id);
    const article = this.articles.get(id);
    if (!r) return undefined;
    return { requestedId: id, id, revision: r.revision, relevant: r.relevant, classifierVersion: r.classifierVersion, firstSeenAt: '', updatedAt: '', alsoSeenIn: [], ...(article ? { article } : {}) };
  }

  async *query(_q: ArticleQuery): AsyncIterable<ArticleSummary> {
    for (const a of this.articles.values()) {
      if (!a.relevance.relevant) continue;
      yield { id: a.id, title: a.title, url: a.url, feedId: a.feedId, publishedAt: a.publishedAt, countries: a.relevance.countries, score: a.relevance.score, objectKey: a.id, revision: this.records.get(a.id)?.revision ?? 1, alsoSeenIn: [] };
    }
  }

  async queryPage(q: ArticleQuery): Promise<ArticlePage> {
    const items: ArticleSummary[] = [];
    for await (const s of this.query(q)) items.push(s);
    return { items };
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
