import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeError } from '../core/errors';
import { parseFeedMessage } from '../dispatch/messages';
import { ingestFeed, type FeedOutcome, type IngestDeps } from '../ingest/ingest-feed';

/**
 * The ingest worker's handler: one feed per SQS record, records processed concurrently, and
 * each record that could not be completed reported back as a partial batch failure so SQS
 * redelivers only that one (and, after the redrive limit, moves it to the DLQ).
 */

export interface IngestHandlerDeps extends IngestDeps {
  /** Called with each feed's outcome (the local runner prints them; Lambda logs them). */
  readonly onOutcome?: (outcome: FeedOutcome) => void;
}

export function createIngestHandler(deps: IngestHandlerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const results = await Promise.allSettled(
      event.Records.map(async (record) => {
        const message = parseFeedMessage(record.body);
        const outcome = await ingestFeed(message.feed, deps);
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
