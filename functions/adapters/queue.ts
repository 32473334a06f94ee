import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FeedMessage } from '../dispatch/messages';

/** Where the dispatcher puts feed messages. */
export interface FeedQueue {
  send(messages: readonly FeedMessage[]): Promise<void>;
}

/** SQS, ten messages per call; entries that SQS reports as failed are retried, then reported. */
export class SqsFeedQueue implements FeedQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly attempts = 3,
  ) {}

  async send(messages: readonly FeedMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      let entries = messages.slice(i, i + 10).map((m, k) => ({ Id: String(i + k), MessageBody: JSON.stringify(m) }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length > 0 && attempt >= this.attempts) {
          const first = out.Failed?.[0];
          throw new Error(`SQS rejected ${entries.length} message(s) after ${attempt} attempts: ${first?.Code ?? ''} ${first?.Message ?? ''}`);
        }
      }
    }
  }
}

/** An in-memory queue: the local runner collects the dispatcher's messages with it. */
export class MemoryFeedQueue implements FeedQueue {
  readonly messages: FeedMessage[] = [];

  async send(messages: readonly FeedMessage[]): Promise<void> {
    this.messages.push(...messages);
  }
}
