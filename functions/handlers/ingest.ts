import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeError } from '../core/errors';
import { parseFeedMessage } from '../dispatch/messages';
import { ingestFeed, type FeedOutcome, type IngestDeps } from '../ingest/ingest-feed';

/**
 * The ingest worker's handler: one feed per SQS record, records processed concurrently, and
 * each record that could not be completed reported back as a partial batch failure so SQS
 * redelivers only that one (and, after the redrive limit, moves it to the DLQ).
 *
 * Given the Lambda context, the handler sets the run's deadline for full-text page fetches:
 * the invocation's end (getRemainingTimeInMillis) less a reserve of one fetch timeout plus
 * `reserveMs`, so a page started before the deadline finishes, and the items after it are
 * stored, before Lambda stops the invocation. Without a context (the local runner) there is
 * no deadline, only the page cap per feed.
 */

/** Time kept back after the last page fetch can end: storing the remaining items, throttle waits. */
export const DEADLINE_RESERVE_MS = 10_000;

export interface IngestHandlerDeps extends IngestDeps {
  /** Called with each feed's outcome (the local runner prints them; Lambda logs them). */
  readonly onOutcome?: (outcome: FeedOutcome) => void;
  /** Kept back from the invocation's remaining time, beyond one fetch timeout (default DEADLINE_RESERVE_MS). */
  readonly reserveMs?: number;
}

export function createIngestHandler(deps: IngestHandlerDeps): (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    const reserve = deps.fetchOptions.timeoutMs + (deps.reserveMs ?? DEADLINE_RESERVE_MS);
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
    const deadlineAt = remaining === undefined ? undefined : deps.clock.now().getTime() + remaining - reserve;
    const results = await Promise.allSettled(
      event.Records.map(async (record) => {
        const message = parseFeedMessage(record.body);
        const outcome = await ingestFeed(message.feed, deps, { deadlineAt });
        deps.onOutcome?.(outcome);
      }),
    );
    const batchItemFailures = results.flatMap((result, i) => {
      if (result.status === 'fulfilled') return [];
      const record = event.Records[i];
      deps.logger.error('record failed', { messageId: record?.messageId, ...describeError(result.reason) });
      return record ? [{ itemIdentifier: record.messageId }] : [];
    });
    return { batchItemFailures };
  };
}
