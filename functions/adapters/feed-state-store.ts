import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { FeedState, FeedStateStore } from '../ingest/ports';
import { batchGet, defaultRetry, queryAll, type RetryPolicy } from './dynamo-util';
import { DUE_SHARD } from './keys';

/**
 * Feed state (validators, health, schedule) in the feeds table, one item per feed.
 * Items carry `dueShard` so the byDue index lists every feed by its next due time.
 */
export class DynamoFeedStateStore implements FeedStateStore {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly retry: RetryPolicy = defaultRetry,
  ) {}

  async get(feedId: string): Promise<FeedState | undefined> {
    const out = await this.dynamo.send(new GetItemCommand({ TableName: this.table, Key: marshall({ feedId }), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async getMany(feedIds: readonly string[]): Promise<Map<string, FeedState>> {
    const keys = [...new Set(feedIds)].map((feedId) => marshall({ feedId }));
    const items = await batchGet(this.dynamo, this.table, keys, undefined, this.retry);
    return new Map(items.map((item) => {
      const state = fromItem(item);
      return [state.feedId, state];
    }));
  }

  async put(state: FeedState): Promise<void> {
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: marshall({ ...state, dueShard: DUE_SHARD, nextDueAt: state.nextDueAt ?? '0000' }, { removeUndefinedValues: true }),
      }),
    );
  }

  /** Feeds whose next due time is at or before `time`, soonest first. */
  async *dueBefore(time: string): AsyncIterable<FeedState> {
    for await (const item of queryAll(this.dynamo, {
      TableName: this.table,
      IndexName: 'byDue',
      KeyConditionExpression: 'dueShard = :s AND nextDueAt <= :t',
      ExpressionAttributeValues: marshall({ ':s': DUE_SHARD, ':t': time }),
    })) {
      yield fromItem(item);
    }
  }
}

function fromItem(item: Record<string, AttributeValue>): FeedState {
  const { dueShard: _shard, ...rest } = unmarshall(item) as FeedState & { dueShard?: string };
  return { ...rest, consecutiveFailures: rest.consecutiveFailures ?? 0 };
}
