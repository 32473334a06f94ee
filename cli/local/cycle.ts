import { readFileSync } from 'node:fs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { DynamoFeedStateStore } from '../../functions/adapters/feed-state-store';
import { createFullTextFetcher } from '../../functions/adapters/full-text';
import { DEFAULT_FETCH_OPTIONS, fetchUrl, type FetchOptions } from '../../functions/adapters/http-fetch';
import { MemoryFeedQueue } from '../../functions/adapters/queue';
import { S3RawStore } from '../../functions/adapters/raw-store';
import { ConfigError } from '../../functions/core/errors';
import { validateFeedsFile } from '../../functions/core/feeds-config';
import type { FeedConfig } from '../../functions/core/model';
import { createDispatcherHandler } from '../../functions/handlers/dispatcher';
import { createIngestHandler } from '../../functions/handlers/ingest';
import type { FeedOutcome } from '../../functions/ingest/ingest-feed';
import { silentLogger, systemClock, type Clock, type Logger } from '../../functions/ingest/ports';
import type { LocalAws } from './emulators';

/**
 * One ingest cycle on local emulators, through the same handler code Lambda runs: the
 * dispatcher's handler puts its messages on an in-memory queue, and the ingest handler is
 * invoked on them in batches, as the SQS event source would.
 */

export interface CycleOptions {
  readonly aws: LocalAws;
  readonly feeds: readonly FeedConfig[];
  readonly fetchOptions?: Partial<FetchOptions>;
  readonly batchSize?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly onOutcome?: (outcome: FeedOutcome) => void;
  /**
   * Let `fullText` feeds fetch article pages from loopback addresses (127.0.0.0/8, ::1): the
   * local demo serves its pages from 127.0.0.1. Every other non-public address stays refused.
   * Default false.
   */
  readonly allowLoopback?: boolean;
  /** Pause between two article-page requests to the same host (default 1000 ms). */
  readonly fullTextDelayMs?: number;
  /** Fetch every feed, the ones in back-off after failures included (`wbnews run --force`). */
  readonly force?: boolean;
}

/** A feed the dispatcher did not send: in back-off until `nextDueAt` after failing. */
export interface SkippedFeed {
  readonly feedId: string;
  readonly nextDueAt: string;
  /** Failures in a row so far, and the last one's code, when the feed is failing. */
  readonly consecutiveFailures?: number;
  readonly lastError?: string;
}

export interface CycleSummary {
  readonly feeds: number;
  readonly fetched: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly skipped: number;
  readonly itemsSeen: number;
  readonly relevant: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly updated: number;
  readonly known: number;
  readonly retriedRecords: number;
}

export interface CycleResult {
  readonly outcomes: readonly FeedOutcome[];
  readonly skipped: readonly SkippedFeed[];
  readonly summary: CycleSummary;
}

/** Read and validate a feeds file; relative URLs resolve against `baseUrl` when given. */
export function loadFeedsFile(path: string, baseUrl?: string): FeedConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read feeds file ${path}: ${(cause as Error).message}`, { value: path }, { cause });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`feeds file ${path} is not valid JSON: ${(cause as Error).message}`, { value: path }, { cause });
  }
  return validateFeedsFile(doc, path, baseUrl);
}

function toRecord(body: string, i: number): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: `local-${i}`,
    receiptHandle: `local-${i}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:wbnews-feeds',
    awsRegion: 'local',
  };
}

export async function runCycle(options: CycleOptions): Promise<CycleResult> {
  const { aws } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const feedStates = new DynamoFeedStateStore(aws.dynamo, aws.names.feedsTable);
  const queue = new MemoryFeedQueue();

  const dispatch = createDispatcherHandler({ feeds: options.feeds, feedStates, queue, clock, logger, ignoreBackoff: options.force ?? false });
  const dispatched = await dispatch();

  const outcomes: FeedOutcome[] = [];
  const fetchOptions = { ...DEFAULT_FETCH_OPTIONS, ...options.fetchOptions };
  const raw = new S3RawStore(aws.s3, aws.names.bucket);
  const ingest = createIngestHandler({
    fetch: fetchUrl,
    fetchOptions,
    fullText: createFullTextFetcher({
      fetch: fetchUrl,
      fetchOptions,
      ssrf: { allowLoopback: options.allowLoopback ?? false },
      delayMs: options.fullTextDelayMs,
      logger,
      raw,
    }),
    articles: new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable }),
    feedStates,
    raw,
    clock,
    logger,
    onOutcome: (outcome) => {
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
    },
  });

  const batchSize = options.batchSize ?? 5;
  const records = queue.messages.map((m, i) => toRecord(JSON.stringify(m), i));
  let retriedRecords = 0;
  for (let i = 0; i < records.length; i += batchSize) {
    const event: SQSEvent = { Records: records.slice(i, i + batchSize) };
    const response = await ingest(event);
    retriedRecords += response.batchItemFailures.length;
  }

  const failing = new Map(dispatched.failing.map((f) => [f.feedId, f]));
  const skipped = dispatched.skipped.map((s): SkippedFeed => {
    const f = failing.get(s.feedId);
    return { ...s, ...(f ? { consecutiveFailures: f.consecutiveFailures, ...(f.code ? { lastError: f.code } : {}) } : {}) };
  });
  const sum = (key: 'itemsSeen' | 'relevant' | 'stored' | 'duplicates' | 'updated' | 'known'): number => outcomes.reduce((n, o) => n + o[key], 0);
  return {
    outcomes,
    skipped,
    summary: {
      feeds: options.feeds.length,
      fetched: outcomes.filter((o) => o.outcome === 'fetched').length,
      unchanged: outcomes.filter((o) => o.outcome === 'unchanged').length,
      failed: outcomes.filter((o) => o.outcome === 'failed').length,
      skipped: dispatched.skipped.length,
      itemsSeen: sum('itemsSeen'),
      relevant: sum('relevant'),
      stored: sum('stored'),
      duplicates: sum('duplicates'),
      updated: sum('updated'),
      known: sum('known'),
      retriedRecords,
    },
  };
}
