import { BadInputError } from '../core/errors';
import type { FeedConfig } from '../core/model';

/** The SQS message the dispatcher sends and the ingest worker reads: one feed to ingest. */
export interface FeedMessage {
  readonly feed: FeedConfig;
  readonly dispatchedAt: string;
}

/** Parse and check a message body; a malformed body is a BadInputError naming what was wrong. */
export function parseFeedMessage(body: string): FeedMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    throw new BadInputError(`message body is not JSON: ${body.slice(0, 80)}`, { value: body.slice(0, 80) }, { cause });
  }
  const message = value as Partial<FeedMessage> | null;
  const feed = message?.feed as Partial<FeedConfig> | undefined;
  if (!feed || typeof feed.id !== 'string' || typeof feed.url !== 'string') {
    throw new BadInputError(`message has no feed with an id and a url: ${body.slice(0, 120)}`, { value: body.slice(0, 120) });
  }
  if (typeof message?.dispatchedAt !== 'string') {
    throw new BadInputError(`message for feed "${feed.id}" has no dispatchedAt`, { feedId: feed.id });
  }
  return message as FeedMessage;
}
