import { createHash } from 'node:crypto';
import type { FetchOptions } from '../adapters/http-fetch';
import { describeError, isFeedError } from '../core/errors';
import type { ArticleDraft, FeedConfig, FeedFormat } from '../core/model';
import { normalizeFeed, readFeedDocument } from '../core/pipeline';
import type { ArticleStore, Clock, FeedState, FeedStateStore, Fetcher, Logger, RawStore } from './ports';
import { emptyStoreCounts, storeArticles } from './store-articles';

/**
 * Ingest one feed: conditional fetch → decode → parse → normalize → skip what is already
 * stored → relevance and takeaways → store the relevant articles → record the feed state.
 *
 * Failures of the feed itself (timeout, HTTP status, not a feed...) are recorded in the feed
 * state with a back-off and reported as outcome "failed"; they are not retried through the
 * queue. Failures of our own storage throw, so the queue redelivers the message. The feed state
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
}

export interface BackoffPolicy {
  /** Delay after the first failure. */
  readonly baseMs: number;
  /** The longest a failing feed waits: it is never parked for longer. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 15 * 60_000, maxMs: 24 * 60 * 60_000 };

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
  readonly error?: { readonly code: string; readonly message: string };
  /** Time spent fetching the feed (the HTTP exchange only). */
  readonly fetchMs?: number;
  readonly durationMs: number;
}

export function nextDueAfterFailure(now: Date, failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): string {
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return new Date(now.getTime() + delay).toISOString();
}

export async function ingestFeed(feed: FeedConfig, deps: IngestDeps): Promise<FeedOutcome> {
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

  const base: FeedState = {
    ...(previous ?? { feedId: feed.id, consecutiveFailures: 0 }),
    feedId: feed.id,
    lastAttemptAt: fetchedAt,
  };

  try {
    const response = await deps.fetch(feed.url, {
      ...deps.fetchOptions,
      etag: previous?.etag,
      lastModified: previous?.lastModified,
    });
    const success: FeedState = {
      ...base,
      etag: response.etag ?? previous?.etag,
      lastModified: response.lastModified ?? previous?.lastModified,
      lastSuccessAt: fetchedAt,
      consecutiveFailures: 0,
      nextDueAt: fetchedAt,
      lastError: undefined,
    };
    const fetchMs = response.durationMs;
    if (response.notModified) {
      await deps.feedStates.put(success);
      return done('unchanged', { fetchMs });
    }
    const bodyHash = createHash('sha256').update(response.bytes).digest('hex');
    if (previous?.bodyHash === bodyHash) {
      await deps.feedStates.put({ ...success, bodyHash });
      return done('unchanged', { fetchMs });
    }

    const context = { feedId: feed.id, url: response.finalUrl };
    const document = await readFeedDocument(response.bytes, response.contentType, context);
    const rawRef = deps.raw ? await deps.raw.putFeedBody(feed.id, fetchedAt, response.bytes, response.contentType, { feed, finalUrl: response.finalUrl }) : null;
    const drafts = normalizeFeed(document.parsed, { feed, feedUrl: response.finalUrl, fetchedAt, rawRef });
    counts.itemsSeen = drafts.length;

    Object.assign(counts, await storeArticles(drafts, feed, { articles: deps.articles, logger: deps.logger, fullText: deps.fullText }));
    await deps.feedStates.put({ ...success, bodyHash });
    deps.logger.info('feed ingested', { feedId: feed.id, format: document.format, charset: document.charset, ...counts });
    return done('fetched', { format: document.format, fetchMs });
  } catch (error) {
    if (!isFeedError(error)) throw error;
    const failures = (previous?.consecutiveFailures ?? 0) + 1;
    const described = describeError(error);
    await deps.feedStates.put({
      ...base,
      consecutiveFailures: failures,
      nextDueAt: nextDueAfterFailure(started, failures, deps.backoff),
      lastError: described,
    });
    deps.logger.warn('feed failed', { feedId: feed.id, code: described.code, error: described.message, consecutiveFailures: failures });
    return done('failed', { error: described });
  }
}
