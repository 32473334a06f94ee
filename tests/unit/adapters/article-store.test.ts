import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand, UpdateItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3DynamoArticleStore } from '../../../functions/adapters/article-store';
import { sampleArticle } from '../../helpers/articles';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBClient);
const noSleep = { attempts: 5, baseDelayMs: 1, sleep: async () => {} };
const store = () => new S3DynamoArticleStore(new S3Client({}), new DynamoDBClient({}), { bucket: 'b', table: 't', retry: noSleep });

beforeEach(() => {
  s3.reset();
  dynamo.reset();
});

describe('S3DynamoArticleStore.put', () => {
  it('writes the S3 object first (a Buffer with its length), then country items, then the conditional index item', async () => {
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake(() => { order.push('s3'); return {}; });
    dynamo.on(BatchWriteItemCommand).callsFake(() => { order.push('countries'); return {}; });
    dynamo.on(PutItemCommand).callsFake(() => { order.push('index'); return {}; });
    dynamo.on(UpdateItemCommand).callsFake(() => { order.push('days'); return {}; });

    const article = sampleArticle();
    await expect(store().put(article)).resolves.toBe('stored');
    expect(order).toEqual(['s3', 'countries', 'index', 'days']);

    const body = Buffer.from(JSON.stringify(article, null, 2));
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'b',
      Key: `articles/dt=2026-11-20/${article.id}.json`,
      ContentLength: body.length,
      ContentType: 'application/json; charset=utf-8',
      Metadata: { 'schema-version': '1' },
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(Buffer.isBuffer(put?.Body)).toBe(true);

    const write = dynamo.commandCalls(BatchWriteItemCommand)[0]?.args[0].input;
    const keys = write?.RequestItems?.['t']?.map((r) => [r.PutRequest?.Item?.['sk']?.S, r.PutRequest?.Item?.['countryKey']?.S]);
    expect(keys).toEqual([['COUNTRY#XK', 'XK'], ['COUNTRY#RS', 'RS']]);

    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 't',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: { S: `ART#${article.id}` },
        sk: { S: 'ARTICLE' },
        dayKey: { S: '2026-11-20' },
        feedKey: { S: 'news' },
        publishedKey: { S: `2026-11-20T10:00:00.000Z#${article.id}` },
        contentHash: { S: 'hash-1' },
      }),
    });
  });

  it('returns "known" when the index item already exists (a repeat run or a racing worker)', async () => {
    s3.on(PutObjectCommand).resolves({});
    dynamo.on(BatchWriteItemCommand).resolves({});
    const conditional = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    dynamo.on(PutItemCommand).rejects(conditional);
    await expect(store().put(sampleArticle())).resolves.toBe('known');
    expect(dynamo).not.toHaveReceivedCommand(UpdateItemCommand);
  });

  it('retries UnprocessedItems of the country batch with back-off', async () => {
    s3.on(PutObjectCommand).resolves({});
    const unprocessed = { t: [{ PutRequest: { Item: marshall({ pk: 'x', sk: 'COUNTRY#RS' }) } }] };
    dynamo.on(BatchWriteItemCommand).resolvesOnce({ UnprocessedItems: unprocessed }).resolves({});
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(UpdateItemCommand).resolves({});
    await store().put(sampleArticle());
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteItemCommand, 2);
    expect(dynamo.commandCalls(BatchWriteItemCommand)[1]?.args[0].input.RequestItems).toEqual(unprocessed);
  });
});

describe('S3DynamoArticleStore.knownHashes', () => {
  it('asks BatchGetItem for the index items and follows UnprocessedKeys', async () => {
    dynamo
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [marshall({ id: 'a', contentHash: 'h1' })] }, UnprocessedKeys: { t: { Keys: [marshall({ pk: 'ART#b', sk: 'ARTICLE' })] } } })
      .resolves({ Responses: { t: [marshall({ id: 'b', contentHash: 'h2' })] } });
    const known = await store().knownHashes(['a', 'b', 'a']);
    expect([...known]).toEqual([['a', 'h1'], ['b', 'h2']]);
    expect(dynamo).toHaveReceivedNthCommandWith(BatchGetItemCommand, 1, {
      RequestItems: { t: { Keys: [marshall({ pk: 'ART#a', sk: 'ARTICLE' }), marshall({ pk: 'ART#b', sk: 'ARTICLE' })], ProjectionExpression: 'id, contentHash' } },
    });
  });
});

describe('S3DynamoArticleStore.query', () => {
  it('queries the country index newest first and follows LastEvaluatedKey', async () => {
    const row = (id: string) => marshall({ id, title: id, url: null, feedId: 'f', publishedAt: '2026-11-20T10:00:00.000Z', countries: ['XK'], score: 9, objectKey: `k/${id}` });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [row('a')], LastEvaluatedKey: marshall({ pk: 'ART#a' }) })
      .resolves({ Items: [row('b')] });
    const out = [];
    for await (const s of store().query({ country: 'XK', since: '2026-11-01T00:00:00.000Z' })) out.push(s.id);
    expect(out).toEqual(['a', 'b']);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 't',
      IndexName: 'byCountry',
      KeyConditionExpression: '#k = :k AND publishedKey BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#k': 'countryKey' },
      ExpressionAttributeValues: marshall({ ':k': 'XK', ':from': '2026-11-01T00:00:00.000Z', ':to': '9999\uffff' }),
      ScanIndexForward: false,
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: marshall({ pk: 'ART#a' }) });
  });

  it('without a filter walks the stored days newest first and stops at the limit', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: { pk: { S: 'META' }, sk: { S: 'DAYS' }, days: { SS: ['2026-11-01', '2026-11-03', '2026-11-02'] } } });
    dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, { S: string }> }) => ({
      Items: [marshall({ id: input.ExpressionAttributeValues[':d']?.S, title: 't', feedId: 'f', publishedAt: 'x', countries: [], score: 1, objectKey: 'k' })],
    }));
    const out = [];
    for await (const s of store().query({ limit: 2 })) out.push(s.id);
    expect(out).toEqual(['2026-11-03', '2026-11-02']);
  });
});
