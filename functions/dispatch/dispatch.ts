import type { FeedConfig } from '../core/model';
import type { FeedQueue } from '../adapters/queue';
import { DEFAULT_BACKOFF } from '../ingest/schedule';
import type { Clock, FeedStateStore, Logger } from '../ingest/ports';
import type { FeedMessage } from './messages';

/**
 * One dispatch cycle: every configured feed that is due (never fetched, or its next due time
 * has passed) becomes one queue message. Feeds in back-off are skipped until they are due.
 * A due time further away than `maxParkMs` cannot come from the back-off (which is capped), so
 * such a feed is sent anyway: no state, however it got there, parks a feed forever.
 */

export interface DispatchDeps {
  readonly feeds: readonly FeedConfig[];
  readonly feedStates: FeedStateStore;
  readonly queue: FeedQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The longest a feed may be skipped for; default DEFAULT_BACKOFF.maxMs (24 h). */
  readonly maxParkMs?: number;
  /**
   * Send every feed, in back-off or not (`wbnews run --force`: an operator who fixed a feed, or
   * wants to see it fail now). The back-off itself is untouched: a feed that fails again backs
   * off further. Default false; the scheduled Lambda never sets it.
   */
  readonly ignoreBackoff?: boolean;
}

export interface DispatchResult {
  readonly sent: readonly string[];
  readonly skipped: readonly { readonly feedId: string; readonly nextDueAt: string }[];
  /** Configured feeds whose last attempt failed, with their failure streak (for metrics and alarms). */
  readonly failing: readonly FailingFeed[];
}

export interface FailingFeed {
  readonly feedId: string;
  readonly consecutiveFailures: number;
  /** The last time the feed was fetched successfully, if ever. */
  readonly lastSuccessAt?: string;
  readonly code?: string;
}

export async function dispatchFeeds(deps: DispatchDeps): Promise<DispatchResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const states = await deps.feedStates.getMany(deps.feeds.map((f) => f.id));
  const due: FeedMessage[] = [];
  const skipped: { feedId: string; nextDueAt: string }[] = [];
  const failing: FailingFeed[] = [];
  // A feed is never parked beyond the back-off cap, whatever its state says.
  const latest = new Date(now.getTime() + (deps.maxParkMs ?? DEFAULT_BACKOFF.maxMs)).toISOString();
  for (const feed of deps.feeds) {
    const state = states.get(feed.id);
    if (state && state.consecutiveFailures > 0) {
      failing.push({
        feedId: feed.id,
        consecutiveFailures: state.consecutiveFailures,
        ...(state.lastSuccessAt ? { lastSuccessAt: state.lastSuccessAt } : {}),
        ...(state.lastError ? { code: state.lastError.code } : {}),
      });
    }
    const next = state?.nextDueAt;
    if (!deps.ignoreBackoff && next && next > nowIso && next <= latest) skipped.push({ feedId: feed.id, nextDueAt: next });
    else due.push({ feed, dispatchedAt: nowIso });
  }
  await deps.queue.send(due);
  deps.logger.info('dispatched', {
    sent: due.length,
    skipped: skipped.length,
    failing: failing.length,
    ...(skipped.length ? { skippedFeeds: skipped.map((s) => s.feedId) } : {}),
  });
  if (failing.length > 0) deps.logger.warn('feeds failing', { failing });
  return { sent: due.map((m) => m.feed.id), skipped, failing };
}
