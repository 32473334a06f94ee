import { BatchGetItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoFeedStateStore } from '../../../functions/adapters/feed-state-store';
import { SqsFeedQueue } from '../../../functions/adapters/queue';

const dynamo = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  dynamo.reset();
  sqs.reset();
});

describe('DynamoFeedStateStore', () => {
  it('puts the state with the due-index attributes', async () => {
    dynamo.on(PutItemCommand).resolves({});
    await new DynamoFeedStateStore(new DynamoDBClient({}), 'feeds').put({ feedId: 'a', consecutiveFailures: 2, nextDueAt: '2026-11-29T10:00:00.000Z', etag: '"x"' });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'feeds',
      Item: marshall({ feedId: 'a', consecutiveFailures: 2, nextDueAt: '2026-11-29T10:00:00.000Z', etag: '"x"', dueShard: 'due' }),
    });
  });

  it('stores the whole health record, nested values included, and leaves out what is unset', async () => {
    dynamo.on(PutItemCommand).resolves({});
    await new DynamoFeedStateStore(new DynamoDBClient({}), 'feeds').put({
      feedId: 'vesti',
      url: 'https://vesti.example/rss',
      etag: '"v1"',
      lastModified: undefined,
      lastAttemptAt: '2026-11-29T12:00:00.000Z',
      lastStatus: 301,
      consecutiveFailures: 0,
      nextDueAt: '2026-11-29T12:00:00.000Z',
      lastError: undefined,
      movedTo: { url: 'https://vesti.example/feed/', at: '2026-11-29T12:00:00.000Z' },
      recovered: ['entities'],
    });
    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'feeds',
      Item: marshall({
        feedId: 'vesti',
        url: 'https://vesti.example/rss',
        etag: '"v1"',
        lastAttemptAt: '2026-11-29T12:00:00.000Z',
        lastStatus: 301,
        consecutiveFailures: 0,
        nextDueAt: '2026-11-29T12:00:00.000Z',
        movedTo: { url: 'https://vesti.example/feed/', at: '2026-11-29T12:00:00.000Z' },
        recovered: ['entities'],
        dueShard: 'due',
      }),
    });
  });

  it('reads many states in one BatchGetItem', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { feeds: [marshall({ feedId: 'a', consecutiveFailures: 1, dueShard: 'due' })] } });
    const states = await new DynamoFeedStateStore(new DynamoDBClient({}), 'feeds').getMany(['a', 'b']);
    expect(states.get('a')).toEqual({ feedId: 'a', consecutiveFailures: 1 });
    expect(states.has('b')).toBe(false);
    expect(dynamo).toHaveReceivedCommandWith(BatchGetItemCommand, { RequestItems: { feeds: { Keys: [marshall({ feedId: 'a' }), marshall({ feedId: 'b' })] } } });
  });
});

describe('SqsFeedQueue', () => {
  const message = (id: string) => ({ feed: { id, url: `https://x.example/${id}` }, dispatchedAt: '2026-11-29T00:00:00.000Z' });

  it('sends ten messages per batch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await new SqsFeedQueue(new SQSClient({}), 'https://sqs.example/q').send(Array.from({ length: 12 }, (_, i) => message(`f${i}`)));
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries).toHaveLength(10);
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 2, {
      QueueUrl: 'https://sqs.example/q',
      Entries: [{ Id: '10', MessageBody: JSON.stringify(message('f10')) }, { Id: '11', MessageBody: JSON.stringify(message('f11')) }],
    });
  });

  it('retries the entries SQS reports as failed, then gives up loudly', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false, Message: 'boom' }] });
    await expect(new SqsFeedQueue(new SQSClient({}), 'q', 3).send([message('a')])).rejects.toThrowError(/SQS rejected 1 message\(s\) after 3 attempts: InternalError boom/);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
  });
});
