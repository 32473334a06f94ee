import { describe, expect, it } from 'vitest';
import { ArticleSchemaError } from '../../../functions/adapters/article-schema';
import type { Article, ArticleDraft, FeedConfig } from '../../../functions/core/model';
import { storeArticles, teaserOnlyHash } from '../../../functions/ingest/store-articles';
import type { KnownItem, PutOptions, PutOutcome } from '../../../functions/ingest/ports';
import { sampleArticle } from '../../helpers/articles';
import { MemoryArticleStore } from '../../helpers/fakes';

const VERSION = 'classifier-2';

function draft(n: number, title: string, hash = String(n).repeat(64).slice(0, 64)): ArticleDraft {
  const { relevance: _r, takeaways: _t, ...d } = sampleArticle({ id: `u${String(n).padStart(31, '0')}`, title, contentHash: hash });
  return d;
}

/** Relevance by title, so the test decides what is relevant. */
const enrich = (d: ArticleDraft): Article => {
  const relevant = d.title.includes('Kosovo');
  return { ...d, relevance: { ...sampleArticle().relevance, relevant, countries: relevant ? ['XK'] : [], countryScores: {}, classifierVersion: VERSION }, takeaways: { method: 'extractive', items: [] } };
};

class RecordingStore extends MemoryArticleStore {
  readonly calls: string[] = [];
  override async lookup(ids: readonly string[]) {
    this.calls.push(`lookup ${ids.length}`);
    return super.lookup(ids);
  }
  override async put(article: Article, options?: PutOptions): Promise<PutOutcome> {
    this.calls.push(`put ${article.id.slice(-1)}`);
    return super.put(article, options);
  }
  override async complete(id: string) {
    this.calls.push(`complete ${id.slice(-1)}`);
  }
  seed(known: KnownItem) {
    this.records.set(known.id, known);
  }
}

const known = (d: ArticleDraft, extra: Partial<KnownItem> = {}): KnownItem => ({
  id: d.id,
  itemHash: d.contentHash,
  contentHash: d.contentHash,
  revision: 1,
  relevant: true,
  classifierVersion: VERSION,
  pending: false,
  objectKey: d.id,
  ...extra,
});

describe('storeArticles', () => {
  it('asks the store once which items it has, then does per-item work only for new and changed ones', async () => {
    const store = new RecordingStore();
    const [same, changed, fresh, other] = [draft(1, 'Kosovo one'), draft(2, 'Kosovo two'), draft(3, 'Kosovo three'), draft(4, 'Lisbon weather')];
    store.seed(known(same));
    store.seed(known(changed, { itemHash: 'f'.repeat(64) }));
    const fetched: string[] = [];
    const counts = await storeArticles([same, changed, fresh, other], { id: 'news', url: 'https://news.example/feed', fullText: true }, {
      articles: store,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      enrich,
      classifierVersion: VERSION,
      fullText: async (d) => {
        fetched.push(d.id.slice(-1));
        return { ...d, content: `${d.content} (full text)` };
      },
    });
    expect(store.calls).toEqual(['lookup 4', 'put 2', 'put 3', 'put 4']);
    expect(fetched).toEqual(['2', '3', '4']);
    expect(counts).toEqual({ relevant: 3, stored: 1, duplicates: 0, updated: 1, known: 1, invalid: 0, failed: 0, fullTextDeferred: 0 });
    expect(store.articles.get(fresh.id)?.content).toContain('(full text)');
  });

  it('classifies again an item that was not relevant under an older classifier, and skips it under the current one', async () => {
    const store = new RecordingStore();
    const [old, current] = [draft(1, 'Lisbon one'), draft(2, 'Lisbon two')];
    store.seed(known(old, { relevant: false, classifierVersion: 'classifier-1', objectKey: undefined }));
    store.seed(known(current, { relevant: false, objectKey: undefined }));
    const counts = await storeArticles([old, current], { id: 'news', url: 'u' }, { articles: store, logger: { info: () => {}, warn: () => {}, error: () => {} }, enrich, classifierVersion: VERSION });
    expect(store.calls).toEqual(['lookup 2', 'put 1']);
    expect(store.records.get(old.id)?.classifierVersion).toBe(VERSION);
    expect(counts).toMatchObject({ relevant: 0, known: 1 });
  });

  it('finishes an item whose write completed but whose linking did not, without writing it again', async () => {
    const store = new RecordingStore();
    const item = draft(1, 'Kosovo one');
    store.seed(known(item, { pending: true }));
    const counts = await storeArticles([item], { id: 'news', url: 'u' }, { articles: store, logger: { info: () => {}, warn: () => {}, error: () => {} }, enrich, classifierVersion: VERSION });
    expect(store.calls).toEqual(['lookup 1', 'complete 1']);
    expect(counts).toMatchObject({ relevant: 1, known: 1, stored: 0 });
  });

  it('an article the schema refuses is counted and logged; the other items are still stored', async () => {
    const store = new RecordingStore();
    const put = store.put.bind(store);
    store.put = async (article, options) => {
      if (article.id.endsWith('1')) throw new ArticleSchemaError(article.id, ['/publishedAt must match pattern']);
      return put(article, options);
    };
    const errors: unknown[] = [];
    const counts = await storeArticles([draft(1, 'Kosovo one'), draft(2, 'Kosovo two')], { id: 'news', url: 'u' }, {
      articles: store,
      logger: { info: () => {}, warn: () => {}, error: (message, fields) => void errors.push({ message, ...fields }) },
      enrich,
      classifierVersion: VERSION,
    });
    expect(counts).toMatchObject({ stored: 1, invalid: 1 });
    expect(errors).toEqual([{ message: 'article does not match the schema: not stored', feedId: 'news', itemId: draft(1, '').id, problems: ['/publishedAt must match pattern'] }]);
  });

  it('lets any other storage failure through, so the queue redelivers the message', async () => {
    const store = new RecordingStore();
    store.failPuts = true;
    await expect(storeArticles([draft(1, 'Kosovo one')], { id: 'news', url: 'u' }, { articles: store, logger: { info: () => {}, warn: () => {}, error: () => {} }, enrich })).rejects.toThrowError('storage unavailable');
  });

  it('an item whose enrichment throws is logged and counted as failed; the items after it are stored', async () => {
    const store = new RecordingStore();
    const errors: Record<string, unknown>[] = [];
    const counts = await storeArticles([draft(1, 'Kosovo one'), draft(2, 'Kosovo two'), draft(3, 'Kosovo three')], { id: 'news', url: 'u' }, {
      articles: store,
      logger: { info: () => {}, warn: () => {}, error: (message, fields) => void errors.push({ message, ...fields }) },
      enrich: (d) => {
        if (d.title === 'Kosovo two') throw new RangeError('Invalid array length');
        return enrich(d);
      },
      classifierVersion: VERSION,
    });
    expect(store.calls).toEqual(['lookup 3', 'put 1', 'put 3']);
    expect(counts).toMatchObject({ stored: 2, failed: 1, relevant: 2 });
    expect(errors).toEqual([{ message: 'item failed: not stored', feedId: 'news', itemId: draft(2, '').id, code: 'internal', error: 'Invalid array length' }]);
  });
});

describe('storeArticles: the full-text budget of a run', () => {
  const feed: FeedConfig = { id: 'teasers', url: 'https://news.example/feed', fullText: true };
  const logger = () => {
    const warnings: Record<string, unknown>[] = [];
    return { warnings, logger: { info: () => {}, warn: (message: string, fields?: Record<string, unknown>) => void warnings.push({ message, ...fields }), error: () => {} } };
  };
  const withUrl = (d: ArticleDraft): ArticleDraft => ({ ...d, url: `https://news.example/${d.id.slice(-1)}` });
  const items = [1, 2, 3].map((n) => withUrl(draft(n, `Kosovo ${n}`)));
  const pageFetcher = (fetched: string[]) => async (d: ArticleDraft): Promise<ArticleDraft> => {
    fetched.push(d.id.slice(-1));
    return { ...d, content: `${d.content} (full text)` };
  };

  it('fetches at most fullTextMaxPages pages; the rest keep their teaser, are logged, and get their page on the next run', async () => {
    const store = new RecordingStore();
    const fetched: string[] = [];
    const { warnings, logger: log } = logger();
    const first = await storeArticles(items, feed, { articles: store, logger: log, enrich, classifierVersion: VERSION, fullText: pageFetcher(fetched), fullTextMaxPages: 2 });
    expect(fetched).toEqual(['1', '2']);
    expect(first).toMatchObject({ stored: 3, fullTextDeferred: 1 });
    expect(store.articles.get(items[2]?.id ?? '')?.content).not.toContain('(full text)');
    expect(store.records.get(items[2]?.id ?? '')?.itemHash).toBe(teaserOnlyHash(items[2]?.contentHash ?? ''));
    expect(warnings).toEqual([expect.objectContaining({ message: 'full text deferred', feedId: 'teasers', itemId: items[2]?.id, code: 'over_budget', budget: 'pages' })]);

    // The next run reads the same items: the two complete ones are known, the deferred one gets its page.
    const second = await storeArticles(items, feed, { articles: store, logger: log, enrich, classifierVersion: VERSION, fullText: pageFetcher(fetched), fullTextMaxPages: 2 });
    expect(fetched).toEqual(['1', '2', '3']);
    expect(second).toMatchObject({ known: 2, updated: 1, fullTextDeferred: 0 });
    expect(store.articles.get(items[2]?.id ?? '')?.content).toContain('(full text)');
    expect(store.records.get(items[2]?.id ?? '')?.itemHash).toBe(items[2]?.contentHash);
  });

  it('starts no page fetch once the deadline has passed', async () => {
    const store = new RecordingStore();
    const fetched: string[] = [];
    let clock = 1_000;
    const { warnings, logger: log } = logger();
    const fullText = async (d: ArticleDraft): Promise<ArticleDraft> => {
      clock += 3_000; // each page takes three seconds
      return pageFetcher(fetched)(d);
    };
    const counts = await storeArticles(items, feed, { articles: store, logger: log, enrich, classifierVersion: VERSION, fullText, deadlineAt: 5_000, now: () => clock });
    expect(fetched).toEqual(['1', '2']);
    expect(counts).toMatchObject({ stored: 3, fullTextDeferred: 1 });
    expect(warnings).toEqual([expect.objectContaining({ message: 'full text deferred', itemId: items[2]?.id, budget: 'deadline' })]);
  });

  it('a page fetch that throws fails only its item', async () => {
    const store = new RecordingStore();
    const fullText = async (d: ArticleDraft): Promise<ArticleDraft> => {
      if (d.id.endsWith('1')) throw new Error('socket hang up');
      return d;
    };
    const counts = await storeArticles(items, feed, { articles: store, logger: silent, enrich, classifierVersion: VERSION, fullText });
    expect(counts).toMatchObject({ stored: 2, failed: 1 });
    expect(store.calls).toEqual(['lookup 3', 'put 2', 'put 3']);
  });
});

const silent = { info: () => {}, warn: () => {}, error: () => {} };
