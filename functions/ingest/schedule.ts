/**
 * When a feed is due again. Kept apart from ingest-feed.ts so the dispatcher, which needs only
 * this, does not bundle the parsing pipeline.
 */

export interface BackoffPolicy {
  /** Delay after the first failure; each further failure doubles it. */
  readonly baseMs: number;
  /** The longest a failing feed waits (Retry-After included): it is never parked for longer. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 15 * 60_000, maxMs: 24 * 60 * 60_000 };

/**
 * When a feed that failed `failures` times in a row is due again: base × 2^(failures-1), capped
 * at maxMs; a server's Retry-After (429/503) decides instead, under the same cap.
 */
export function nextDueAfterFailure(now: Date, failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF, retryAfterMs?: number): string {
  const backoff = policy.baseMs * 2 ** Math.min(40, Math.max(0, failures - 1));
  const delay = Math.min(policy.maxMs, retryAfterMs ?? backoff);
  return new Date(now.getTime() + delay).toISOString();
}
