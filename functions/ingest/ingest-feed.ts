import { createHash } from 'node:crypto';
import type { FetchOptions } from '../adapters/http-fetch';
import { describeError, isFeedError } from '../core/errors';
import type { ArticleDraft, FeedConfig, FeedFormat } from '../core/model';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../core/pipeline';
import { classifierVersion, defaultClassifier, type Classifier } from '../core/relevance/classify';
import type { ArticleStore, Clock, FeedState, FeedStateStore, Fetcher, Logger, RawStore } from './ports';
import { nextDueAfterFailure, type BackoffPolicy } from './schedule';
import { emptyStoreCounts, storeArticles } from './store-articles';

export { DEFAULT_BACKOFF, nextDueAfterFailure, type BackoffPolicy } from './schedule';

/**
 * Ingest one feed: conditional fetch → decode → parse → normalize → skip what is already
 * stored → relevance and takeaways → store the relevant articles → record the feed state.
 *
 * The fetch is conditional (the ETag and Last-Modified of the last response, kept in the feed
 * state): a 304, or a body whose hash matches the last parsed one, ends the work there with
 * outcome "unchanged" (no parse, no article writes, only the feed state is written).
 *
 * Failures of the feed itself (timeout, HTTP status, not a feed...) are recorded in the feed
 * state with a capped exponential back-off (or the server's Retry-After) and reported as outcome
 * "failed"; they are not retried through the queue. Failures of our own storage throw, so the queue redelivers the message. The feed state
 * (with the body hash) is written last: a redelivery after a crash redoes the work, and the
 * conditional article writes make that harmless.
 */

export interface IngestDeps {
  readonly fetch: Fetcher;
  readonly fetchOptions: FetchOptions;
  readonly articles: ArticleStore;
  readonly feedStates: FeedStateStore;
  readonly raw?: RawStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  /**
   * For feeds configured with `fullText`, replace a new item's teaser with the text of its page.
   * Called only for items not stored yet (or changed upstream), before relevance and takeaways run.
   */
  readonly fullText?: (draft: ArticleDraft, feed: FeedConfig) => Promise<ArticleDraft>;
  /** The relevance classifier; default: data/gazetteer.json with data/relevance.json's scope. */
  readonly classifier?: Classifier;
}


export interface FeedOutcome {
  readonly feedId: string;
  readonly outcome: 'fetched' | 'unchanged' | 'failed';
  readonly format?: FeedFormat;
  readonly itemsSeen: number;
  readonly relevant: number;
  readonly stored: number;
  /** New items that are another feed's copy of a stored story (linked, not stored again). */
  readonly duplicates: number;
  /** Known items that changed upstream (stored as a new revision). */
  readonly updated: number;
  readonly known: number;
  /** Items refused by the article schema (a bug; logged). */
  readonly invalid: number;
  /** Items whose page fetch or enrichment threw (a bug; logged, not stored). */
  readonly failed?: number;
  /** Items of a fullText feed stored with their teaser because the run's page budget was spent. */
  readonly fullTextDeferred?: number;
  readonly error?: { readonly code: string; readonly message: string };
  /** Time spent fetching the feed (the HTTP exchange only). */
  readonly fetchMs?: number;
  readonly durationMs: number;
  /** HTTP status of the final response (304 when not modified). */
  readonly status?: number;
  /** The charset the body was decoded with. */
  readonly charset?: string;
  /** A declared charset label that was not used (mislabelled or unknown): worth telling the publisher. */
  readonly charsetIgnored?: string;
  /** A permanent redirect (301/308): where the feed lives now; worth updating the feeds file. */
  readonly movedTo?: string;
  /** Repairs the body needed before it parsed. */
  readonly recovered?: readonly string[];
  /** When the feed is due again (after a failure: the back-off or the server's Retry-After). */
  readonly nextDueAt?: string;
}

/** Limits of one run (one invocation of the worker). */
export interface IngestRun {
  /** Epoch milliseconds after which no full-text page fetch starts (see storeArticles). */
  readonly deadlineAt?: number;
}

export async function ingestFeed(feed: FeedConfig, deps: IngestDeps, run: IngestRun = {}): Promise<FeedOutcome> {
  const started = deps.clock.now();
  const fetchedAt = started.toISOString();
  const previous = await deps.feedStates.get(feed.id);
  const counts = { itemsSeen: 0, ...emptyStoreCounts() };
  const done = (outcome: FeedOutcome['outcome'], extra: Partial<FeedOutcome> = {}): FeedOutcome => ({
    feedId: feed.id,
    outcome,
    ...counts,
    ...extra,
    durationMs: deps.clock.now().getTime() - started.getTime(),
  });

  // When the configured URL changes, Last-Modified goes: a date from the old server says nothing
  // about the new one, which could answer 304 to content we never saw. The ETag and the body
  // hash identify content, whichever server has it, so they stay.
  const sameUrl = previous?.url === undefined || previous.url === feed.url;
  const lastModified = sameUrl ? previous?.lastModified : undefined;
  const base: FeedState = {
    ...(previous ?? { consecutiveFailures: 0 }),
    feedId: feed.id,
    url: feed.url,
    lastAttemptAt: fetchedAt,
    lastModified,
  };

  try {
    const response = await deps.fetch(feed.url, { ...deps.fetchOptions, etag: previous?.etag, lastModified }, { feedId: feed.id });
    const movedTo = response.permanentRedirect;
    if (movedTo) deps.logger.warn('feed moved permanently', { feedId: feed.id, url: feed.url, movedTo });
    const success: FeedState = {
      ...base,
      etag: response.etag ?? previous?.etag,
      lastModified: response.lastModified ?? lastModified,
      lastSuccessAt: fetchedAt,
      lastStatus: response.status,
      consecutiveFailures: 0,
      nextDueAt: fetchedAt,
      lastError: undefined,
      movedTo: movedTo ? { url: movedTo, at: fetchedAt } : undefined,
    };
    const reported = { fetchMs: response.durationMs, status: response.status, ...(movedTo ? { movedTo } : {}) };
    if (response.notModified) {
      await deps.feedStates.put(success);
      return done('unchanged', reported);
    }
    const bodyHash = createHash('sha256').update(response.bytes).digest('hex');
    if (previous?.bodyHash === bodyHash) {
      await deps.feedStates.put({ ...success, bodyHash });
      return done('unchanged', reported);
    }

    const context = { feedId: feed.id, url: response.finalUrl };
    const document = await readFeedDocument(response.bytes, response.contentType, context);
    const recovered = document.parsed.recovered;
    const rawRef = deps.raw ? await deps.raw.putFeedBody(feed.id, fetchedAt, response.bytes, response.contentType, { feed, finalUrl: response.finalUrl }) : null;
    const drafts = normalizeFeed(document.parsed, { feed, feedUrl: response.finalUrl, fetchedAt, rawRef });
    counts.itemsSeen = drafts.length;

    const classifier = deps.classifier ?? defaultClassifier;
    Object.assign(
      counts,
      await storeArticles(drafts, feed, {
        articles: deps.articles,
        logger: deps.logger,
        fullText: deps.fullText,
        enrich: (draft) => enrichArticle(draft, classifier, { takeawaysFor: 'relevant' }),
        classifierVersion: classifierVersion(classifier),
        deadlineAt: run.deadlineAt,
        now: () => deps.clock.now().getTime(),
      }),
    );
    await deps.feedStates.put({ ...success, bodyHash, lastChangedAt: fetchedAt, recovered });
    const ignored = document.charsetIgnored !== undefined ? { charsetIgnored: document.charsetIgnored } : {};
    deps.logger.info('feed ingested', { feedId: feed.id, format: document.format, charset: document.charset, ...ignored, ...(recovered ? { recovered } : {}), ...counts });
    return done('fetched', { format: document.format, charset: document.charset, ...ignored, ...reported, ...(recovered ? { recovered } : {}) });
  } catch (error) {
    if (!isFeedError(error)) throw error;
    const failures = (previous?.consecutiveFailures ?? 0) + 1;
    const described = describeError(error);
    const nextDueAt = nextDueAfterFailure(started, failures, deps.backoff, error.context.retryAfterMs);
    await deps.feedStates.put({
      ...base,
      consecutiveFailures: failures,
      nextDueAt,
      lastError: described,
      lastStatus: error.context.status,
    });
    deps.logger.warn('feed failed', { feedId: feed.id, code: described.code, error: described.message, consecutiveFailures: failures, nextDueAt });
    return done('failed', { error: described, nextDueAt, ...(error.context.status !== undefined ? { status: error.context.status } : {}) });
  }
}
