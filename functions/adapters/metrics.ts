import type { DispatchResult } from '../dispatch/dispatch';
import type { FeedOutcome } from '../ingest/ingest-feed';

/**
 * The pipeline's CloudWatch metrics in one place: their namespace, service dimension and names,
 * and the plain mapping from what the handlers report (a feed's outcome, a dispatch result) to
 * data points. The Lambdas publish the points through Powertools Metrics (EMF log lines,
 * functions/adapters/powertools.ts); the CDK stack reads the same names for its alarms and
 * dashboard, so a metric is named once.
 *
 * Every metric has one dimension, `service`, and no per-feed dimension: each metric costs the
 * same per month whatever its traffic, and per-feed dimensions would multiply that by the
 * number of feeds. Which feed did what is in the structured log lines (`feed outcome`,
 * `feeds failing`), which Logs Insights queries by feedId.
 */

export const METRICS_NAMESPACE = 'Wbnews';

/** The `service` dimension of each function's metrics (and the service key of its logs). */
export const SERVICES = { ingest: 'wbnews-ingest', dispatcher: 'wbnews-dispatcher' } as const;

export const INGEST_METRICS = {
  /** A feed answered with a new body that was parsed (one per feed, value 1 or 0). */
  feedsFetched: 'FeedsFetched',
  /** A feed answered 304, or with the same bytes as last time. */
  feedsUnchanged: 'FeedsUnchanged',
  /** A feed failed (timeout, HTTP status, not a feed...): recorded and backed off. */
  feedsFailed: 'FeedsFailed',
  /** Items the parsed feeds carried. */
  itemsParsed: 'ItemsParsed',
  /** Items judged about the Western Balkans (new or already stored). */
  itemsRelevant: 'ItemsRelevant',
  /** New articles stored. */
  articlesStored: 'ArticlesStored',
  /** Relevant items not stored again: already stored (redelivery, a feed re-serving old items) or a copy of a stored story syndicated elsewhere. */
  duplicates: 'Duplicates',
  /** Time of the HTTP exchange of one feed fetch. */
  fetchLatency: 'FetchLatency',
  /** Records that could not be completed (our storage failing, a malformed message): redelivered by SQS. */
  recordsFailed: 'RecordsFailed',
} as const;

export const DISPATCHER_METRICS = {
  /** Feed messages sent this cycle. */
  feedsDispatched: 'FeedsDispatched',
  /** Configured feeds whose last attempt failed. */
  failingFeeds: 'FailingFeeds',
  /** The longest failure streak among the configured feeds (0 when none fails). */
  maxConsecutiveFailures: 'MaxConsecutiveFailures',
} as const;

export type MetricUnitName = 'Count' | 'Milliseconds';

export interface MetricPoint {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly value: number;
}

/** Something that takes data points (Powertools Metrics in Lambda, an array in tests). */
export interface MetricsSink {
  add(points: readonly MetricPoint[]): void;
}

const count = (name: string, value: number): MetricPoint => ({ name, unit: 'Count', value });

/**
 * The data points of one feed's outcome. Every count is emitted, zeros included, so a sum over
 * any period is exact and "nothing stored" is a 0, not a gap.
 */
export function outcomeMetrics(outcome: FeedOutcome): MetricPoint[] {
  const m = INGEST_METRICS;
  const points = [
    count(m.feedsFetched, outcome.outcome === 'fetched' ? 1 : 0),
    count(m.feedsUnchanged, outcome.outcome === 'unchanged' ? 1 : 0),
    count(m.feedsFailed, outcome.outcome === 'failed' ? 1 : 0),
    count(m.itemsParsed, outcome.itemsSeen),
    count(m.itemsRelevant, outcome.relevant),
    count(m.articlesStored, outcome.stored),
    count(m.duplicates, outcome.known + outcome.duplicates),
  ];
  if (outcome.fetchMs !== undefined) points.push({ name: m.fetchLatency, unit: 'Milliseconds', value: outcome.fetchMs });
  return points;
}

/** The data points of one dispatch cycle: a gauge of the feeds' health, emitted every cycle. */
export function dispatchMetrics(result: DispatchResult): MetricPoint[] {
  const m = DISPATCHER_METRICS;
  return [
    count(m.feedsDispatched, result.sent.length),
    count(m.failingFeeds, result.failing.length),
    count(m.maxConsecutiveFailures, Math.max(0, ...result.failing.map((f) => f.consecutiveFailures))),
  ];
}

/** The data point of records an ingest invocation could not complete. */
export function recordFailureMetrics(failed: number): MetricPoint[] {
  return [count(INGEST_METRICS.recordsFailed, failed)];
}
