import { ArticleSchemaError } from '../adapters/article-schema';
import { isFeedError } from '../core/errors';
import type { Article, ArticleDraft, FeedConfig } from '../core/model';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../core/pipeline';
import { classifierVersion } from '../core/relevance/classify';
import type { ArticleStore, KnownItem, Logger, PutOutcome, RawArchive } from './ports';

/**
 * Replay: run relevance and takeaways again over the kept raw feed bodies, after the gazetteer,
 * a threshold or the takeaway extractor changed, and store what changed.
 *
 * Feed by feed, every kept body fetched since `since` is decoded, parsed and normalized again
 * (the latest body wins for an item that appears in several). Then, per item:
 * - a stored story is enriched again from its stored article (which holds the full text, when
 *   one was fetched), and stored as a new revision when its relevance or takeaways differ; one
 *   that is no longer relevant is withdrawn from the query indexes (its object and versions stay);
 * - an item that was not relevant is classified again: now relevant, it is stored like a new one
 *   (with the near-duplicate check); still not relevant, its record takes the new classifier
 *   version;
 * - an item never seen (a body whose ingest did not finish) is processed like a new one.
 *
 * Raw bodies expire (the bucket's lifecycle rule, 180 days by default), so then every stored
 * story the raw pass did not reach (listed by the query indexes: published since `since`, of
 * `feedId`) is enriched again from its stored article alone (title, summary, content) and
 * updated or withdrawn the same way; these are counted apart, in `fromStored`. A story already
 * withdrawn is no longer in the indexes: only its raw input can bring it back.
 *
 * Every write goes through the store's conditional puts, and enrichment is deterministic, so a
 * second run with the same classifier finds nothing to change.
 */

export interface ReprocessDeps {
  readonly raw: RawArchive;
  readonly articles: ArticleStore;
  readonly logger: Logger;
  /** Relevance and takeaways (default: the pipeline's). */
  readonly enrich?: (draft: ArticleDraft) => Article;
  /** The classifier version reported in the summary (default: the current one). */
  readonly classifierVersion?: string;
}

export interface ReprocessOptions {
  /** Only feed bodies fetched at or after this ISO time. */
  readonly since?: string;
  /** Only this feed's bodies. */
  readonly feedId?: string;
}

export type ReprocessChange = 'added' | 'duplicate' | 'updated' | 'withdrawn' | 'reclassified' | 'irrelevant';

export interface ReprocessEvent {
  /** What the item was enriched from: a kept raw feed body, or its stored article alone. */
  readonly source: 'raw' | 'stored';
  readonly id: string;
  readonly feedId: string;
  readonly change: ReprocessChange;
  readonly title: string;
  readonly relevant: boolean;
  readonly countries: readonly string[];
  readonly classifierVersion: string;
}

export interface ReprocessSummary {
  readonly classifierVersion: string;
  rawBodies: number;
  /** Kept bodies that no longer decode or parse (the parser changed): skipped, logged. */
  unreadable: number;
  items: number;
  unchanged: number;
  /** Items not stored before, stored now (newly relevant). */
  added: number;
  /** Newly relevant items that turned out to be copies of a stored story. */
  duplicates: number;
  /** Stored stories whose relevance or takeaways changed (a new revision). */
  updated: number;
  /** Stored stories that are no longer relevant: out of the query indexes, kept in S3. */
  withdrawn: number;
  /** Items the new classifier decided the same for (still relevant with the same takeaways, or still not relevant): only their record's classifier version changed. */
  reclassified: number;
  /** Items never recorded before (a body whose ingest did not finish), not relevant. */
  irrelevant: number;
  invalid: number;
  /** The stored stories the raw pass did not reach (their raw input expired), enriched again from the stored article. */
  readonly fromStored: StoredPassSummary;
}

export interface StoredPassSummary {
  stories: number;
  unchanged: number;
  updated: number;
  withdrawn: number;
  /** Stories the new classifier decided the same for: only their record's classifier version changed. */
  reclassified: number;
  /** Listed by the index, but its article object could not be read: skipped, logged. */
  missing: number;
  invalid: number;
}

/** Stories per lookup on the stored pass (one BatchGet). */
const STORED_CHUNK = 100;

export async function reprocess(
  options: ReprocessOptions,
  deps: ReprocessDeps,
  onChange: (event: ReprocessEvent) => void = () => {},
): Promise<ReprocessSummary> {
  // As the ingest worker does: takeaways only for relevant items (the others are stored as a record alone).
  const enrich = deps.enrich ?? ((draft: ArticleDraft) => enrichArticle(draft, undefined, { takeawaysFor: 'relevant' }));
  const summary: ReprocessSummary = {
    classifierVersion: deps.classifierVersion ?? classifierVersion(),
    rawBodies: 0,
    unreadable: 0,
    items: 0,
    unchanged: 0,
    added: 0,
    duplicates: 0,
    updated: 0,
    withdrawn: 0,
    reclassified: 0,
    irrelevant: 0,
    invalid: 0,
    fromStored: { stories: 0, unchanged: 0, updated: 0, withdrawn: 0, reclassified: 0, missing: 0, invalid: 0 },
  };
  const reached = new Set<string>();

  let feedId: string | undefined;
  let drafts = new Map<string, ArticleDraft>();
  const flush = async (): Promise<void> => {
    for (const id of drafts.keys()) reached.add(id);
    if (drafts.size > 0) await replayItems([...drafts.values()], enrich, deps, summary, onChange);
    drafts = new Map();
  };

  for await (const key of deps.raw.listFeedBodies(options)) {
    const body = await deps.raw.getFeedBody(key);
    if (body.feedId !== feedId) {
      await flush();
      feedId = body.feedId;
    }
    summary.rawBodies++;
    const feed: FeedConfig = body.feed ?? { id: body.feedId, url: body.finalUrl ?? '' };
    try {
      const document = await readFeedDocument(body.bytes, body.contentType, { feedId: body.feedId, url: body.finalUrl });
      const items = normalizeFeed(document.parsed, { feed, feedUrl: body.finalUrl ?? feed.url, fetchedAt: body.fetchedAt, rawRef: key });
      for (const draft of items) {
        drafts.delete(draft.id);
        drafts.set(draft.id, draft);
      }
    } catch (error) {
      if (!isFeedError(error)) throw error;
      summary.unreadable++;
      deps.logger.warn('kept feed body no longer reads: skipped', { key, feedId: body.feedId, code: error.code, error: error.message });
    }
  }
  await flush();
  await replayStored(options, reached, enrich, deps, summary.fromStored, onChange);
  deps.logger.info('reprocessed', { ...summary });
  return summary;
}

/** The stored pass: stories the raw pass did not reach, enriched again from their stored article. */
async function replayStored(
  options: ReprocessOptions,
  reached: ReadonlySet<string>,
  enrich: (draft: ArticleDraft) => Article,
  deps: ReprocessDeps,
  counts: StoredPassSummary,
  onChange: (event: ReprocessEvent) => void,
): Promise<void> {
  // The ids first: the writes below change the indexes this listing walks.
  const ids: string[] = [];
  for await (const story of deps.articles.query({ since: options.since, feedId: options.feedId })) {
    if (!reached.has(story.id)) ids.push(story.id);
  }
  for (let i = 0; i < ids.length; i += STORED_CHUNK) {
    const chunk = ids.slice(i, i + STORED_CHUNK);
    const known = await deps.articles.lookup(chunk);
    for (const id of chunk) {
      counts.stories++;
      const previous = known.get(id);
      const base = previous?.objectKey && !previous.duplicateOf ? await storedDraft(deps.articles, id) : undefined;
      if (!previous || !base) {
        // Became a copy, or lost its object, since it was listed: its story is reached through its canonical id.
        counts.missing++;
        deps.logger.warn('stored story not readable: skipped', { itemId: id, duplicateOf: previous?.duplicateOf });
        continue;
      }
      const article = enrich(base);
      let outcome: PutOutcome;
      try {
        outcome = await deps.articles.put(article, { itemHash: previous.itemHash, previous });
      } catch (error) {
        if (!(error instanceof ArticleSchemaError)) throw error;
        counts.invalid++;
        deps.logger.error('article does not match the schema: not stored', { feedId: base.feedId, itemId: id, problems: error.problems });
        continue;
      }
      // A stored story takes a new revision, still relevant (updated) or not (withdrawn), or only
      // its record notes the new classifier version (reclassified).
      const change = outcome === 'known' ? changeOf(outcome, article, previous) : article.relevance.relevant ? 'updated' : 'withdrawn';
      if (change === undefined) {
        counts.unchanged++;
        continue;
      }
      counts[change === 'reclassified' ? 'reclassified' : change === 'updated' ? 'updated' : 'withdrawn']++;
      onChange(eventOf('stored', article, change));
    }
  }
}

function eventOf(source: ReprocessEvent['source'], article: Article, change: ReprocessChange): ReprocessEvent {
  return {
    source,
    id: article.id,
    feedId: article.feedId,
    change,
    title: article.title,
    relevant: article.relevance.relevant,
    countries: article.relevance.countries,
    classifierVersion: article.relevance.classifierVersion,
  };
}

async function replayItems(
  drafts: readonly ArticleDraft[],
  enrich: (draft: ArticleDraft) => Article,
  deps: ReprocessDeps,
  summary: ReprocessSummary,
  onChange: (event: ReprocessEvent) => void,
): Promise<void> {
  const known = await deps.articles.lookup(drafts.map((d) => d.id));
  for (const draft of drafts) {
    summary.items++;
    const previous = known.get(draft.id);
    const unchangedUpstream = previous?.itemHash === draft.contentHash;
    if (previous?.duplicateOf && unchangedUpstream) {
      // A copy of a story: the story is reprocessed through its canonical item.
      summary.unchanged++;
      continue;
    }
    const base = previous?.objectKey && unchangedUpstream ? await storedDraft(deps.articles, draft.id) : undefined;
    const article = enrich(base ?? draft);
    let outcome: PutOutcome;
    try {
      outcome = await deps.articles.put(article, { itemHash: draft.contentHash, previous: previous ?? null });
    } catch (error) {
      if (!(error instanceof ArticleSchemaError)) throw error;
      summary.invalid++;
      deps.logger.error('article does not match the schema: not stored', { feedId: draft.feedId, itemId: draft.id, problems: error.problems });
      continue;
    }
    const change = changeOf(outcome, article, previous);
    if (!change) {
      summary.unchanged++;
      continue;
    }
    summary[change === 'duplicate' ? 'duplicates' : change]++;
    onChange(eventOf('raw', article, change));
  }
}

/** The stored article without its enrichment: what relevance and takeaways run on again. */
async function storedDraft(articles: ArticleStore, id: string): Promise<ArticleDraft | undefined> {
  const stored = await articles.get(id);
  if (!stored || stored.id !== id) return undefined;
  const { relevance: _relevance, takeaways: _takeaways, ...draft } = stored;
  return draft;
}

function changeOf(outcome: PutOutcome, article: Article, previous: KnownItem | undefined): ReprocessChange | undefined {
  switch (outcome) {
    case 'known':
      // Same relevance and takeaways: only the record's classifier version moved (if it did).
      return previous && previous.classifierVersion !== article.relevance.classifierVersion ? 'reclassified' : undefined;
    case 'stored':
      return 'added';
    case 'duplicate':
      return 'duplicate';
    case 'updated':
      return article.relevance.relevant ? 'updated' : 'withdrawn';
    case 'irrelevant':
      return previous ? 'reclassified' : 'irrelevant';
  }
}
