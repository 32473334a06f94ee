import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoFeedStateStore } from '../../../functions/adapters/feed-state-store';

// The "all feeds due before a time" access pattern of the Storage table in the README.
const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

describe('DynamoFeedStateStore.dueBefore', () => {
  it('queries the byDue index up to the time and follows LastEvaluatedKey', async () => {
    const state = (feedId: string, nextDueAt: string) => marshall({ feedId, consecutiveFailures: 0, nextDueAt, dueShard: 'due' });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [state('a', '2026-11-20T10:00:00.000Z')], LastEvaluatedKey: marshall({ feedId: 'a', dueShard: 'due', nextDueAt: '2026-11-20T10:00:00.000Z' }) })
      .resolves({ Items: [state('b', '2026-11-20T11:00:00.000Z')] });
    const due = [];
    for await (const s of new DynamoFeedStateStore(new DynamoDBClient({}), 'feeds').dueBefore('2026-11-20T12:00:00.000Z')) due.push(s.feedId);
    expect(due).toEqual(['a', 'b']);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 'feeds',
      IndexName: 'byDue',
      KeyConditionExpression: 'dueShard = :s AND nextDueAt <= :t',
      ExpressionAttributeValues: marshall({ ':s': 'due', ':t': '2026-11-20T12:00:00.000Z' }),
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: marshall({ feedId: 'a', dueShard: 'due', nextDueAt: '2026-11-20T10:00:00.000Z' }) });
  });
});
