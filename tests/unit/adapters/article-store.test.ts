import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ArticleSchemaError } from '../../../functions/adapters/article-schema';
import { articleFingerprint, enrichmentHash, S3DynamoArticleStore } from '../../../functions/adapters/article-store';
import { BadInputError } from '../../../functions/core/errors';
import { bands } from '../../../functions/core/near-duplicate';
import { sampleArticle } from '../../helpers/articles';

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBClient);
const sleeps: number[] = [];
const retry = { attempts: 5, baseDelayMs: 1, sleep: async (ms: number) => void sleeps.push(ms) };
const store = () => new S3DynamoArticleStore(new S3Client({}), new DynamoDBClient({}), { bucket: 'b', table: 't', retry });
const conditionalFailure = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
type Item = Record<string, AttributeValue>;

/** The index records the mocked table holds, keyed by pk; GetItem/BatchGetItem read them. */
let records: Map<string, Item>;
// The two methods of the SDK's response stream that the store reads.
const body = (text: string, metadata: Record<string, string> = {}): Partial<GetObjectCommandOutput> => ({
  Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(text)), transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'],
  Metadata: metadata,
});

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  sleeps.length = 0;
  records = new Map();
  dynamo.on(GetItemCommand).callsFake((input: { Key: Item }) => {
    const item = records.get(input.Key['pk']?.S ?? '');
    return item ? { Item: item } : {};
  });
  dynamo.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, { Keys: Item[] }> }) => ({
    Responses: { t: (input.RequestItems['t']?.Keys ?? []).flatMap((k): Item[] => { const r = records.get(k['pk']?.S ?? ''); return r ? [r] : []; }) },
  }));
  dynamo.on(PutItemCommand).callsFake((input: { Item: Item }) => {
    records.set(input.Item['pk']?.S ?? '', input.Item);
    return {};
  });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(BatchWriteItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({});
  s3.on(DeleteObjectCommand).resolves({});
  // No versions/ object yet unless a test says so.
  s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound' }));
});

/** A stored index record for `article`, as the store writes it. */
function recordOf(article: ReturnType<typeof sampleArticle>, extra: Record<string, unknown> = {}): Item {
  const fp = articleFingerprint(article);
  return marshall(
    {
      pk: `ART#${article.id}`,
      sk: 'ARTICLE',
      id: article.id,
      title: article.title,
      url: article.url,
      feedId: article.feedId,
      publishedAt: article.publishedAt,
      firstSeenAt: article.fetchedAt,
      updatedAt: article.fetchedAt,
      countries: [...article.relevance.countries],
      score: article.relevance.score,
      relevant: article.relevance.relevant,
      itemHash: article.contentHash,
      contentHash: article.contentHash,
      enrichmentHash: enrichmentHash(article),
      classifierVersion: article.relevance.classifierVersion,
      schemaVersion: 1,
      revision: 1,
      rank: `${article.publishedAt}#${article.id}`,
      fingerprint: fp.hash,
      shingles: fp.shingles,
      objectKey: `articles/dt=${article.publishedAt.slice(0, 10)}/${article.id}.json`,
      alsoSeenIn: {},
      ...extra,
    },
    { removeUndefinedValues: true },
  );
}

describe('S3DynamoArticleStore.put: a new article', () => {
  it('writes the S3 object (a Buffer of known length) first, then bands and country pointers, then the conditional index record', async () => {
    const order: string[] = [];
    const log = (entry: string) => {
      order.push(entry);
      return {};
    };
    s3.on(PutObjectCommand).callsFake((input: { Key: string }) => log(`s3 ${input.Key.split('/')[0]}`));
    dynamo.on(BatchWriteItemCommand).callsFake(() => log('batch-write'));
    dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item; UpdateExpression: string }) => log(`update ${input.Key['pk']?.S} ${input.UpdateExpression}`));
    dynamo.on(PutItemCommand).callsFake((input: { Item: Item }) => {
      records.set(input.Item['pk']?.S ?? '', input.Item);
      return log(`put ${input.Item['sk']?.S}`);
    });

    const article = sampleArticle();
    await expect(store().put(article)).resolves.toBe('stored');
    // Its revision under versions/ (every revision is kept there), then its object under articles/.
    expect(order).toEqual(['s3 versions', 's3 articles', 'batch-write', 'update META ADD #days :day', 'put ARTICLE', `update ART#${article.id} REMOVE #pending`]);

    const text = `${JSON.stringify(article)}\n`;
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`versions/articles/${article.id}/000001.json`, `articles/dt=2026-11-20/${article.id}.json`]);
    expect((s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as Buffer).toString('utf8')).toBe(text);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'b',
      Key: `articles/dt=2026-11-20/${article.id}.json`,
      ContentLength: Buffer.byteLength(text),
      ContentType: 'application/json; charset=utf-8',
      Metadata: { 'schema-version': '1', 'article-id': article.id, revision: '1', 'content-hash': article.contentHash, 'body-sha256': createHash('sha256').update(text).digest('hex') },
    });
    const put = s3.commandCalls(PutObjectCommand)[1]?.args[0].input;
    expect(Buffer.isBuffer(put?.Body)).toBe(true);
    expect((put?.Body as Buffer).toString('utf8')).toBe(text);

    const fp = articleFingerprint(article);
    const writes = dynamo.commandCalls(BatchWriteItemCommand)[0]?.args[0].input.RequestItems?.['t'] ?? [];
    expect(writes.map((w) => [w.PutRequest?.Item?.['pk']?.S, w.PutRequest?.Item?.['sk']?.S])).toEqual([
      ...bands(fp.hash).map((band) => [`SIM#${band}`, `2026-11-20T10:00:00.000Z#${article.id}`]),
      [`ART#${article.id}`, 'COUNTRY#XK'],
      [`ART#${article.id}`, 'COUNTRY#RS'],
    ]);
    expect(writes.at(-1)?.PutRequest?.Item).toEqual(marshall({ pk: `ART#${article.id}`, sk: 'COUNTRY#RS', countryKey: 'RS', publishedKey: `2026-11-20T10:00:00.000Z#${article.id}`, id: article.id }));

    expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 't',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: { S: `ART#${article.id}` },
        sk: { S: 'ARTICLE' },
        dayKey: { S: '2026-11-20' },
        feedKey: { S: 'news' },
        publishedKey: { S: `2026-11-20T10:00:00.000Z#${article.id}` },
        objectKey: { S: `articles/dt=2026-11-20/${article.id}.json` },
        revision: { N: '1' },
        pending: { BOOL: true },
        itemHash: { S: article.contentHash },
        alsoSeenIn: { M: {} },
      }),
    });
  });

  it('looks for near-duplicates band by band with consistent reads, within the time window', async () => {
    const article = sampleArticle();
    await store().put(article);
    const queries = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    const fp = articleFingerprint(article);
    // Before the write (is it a copy?) and after it (did a racing copy commit meanwhile?).
    expect(queries).toHaveLength(2 * bands(fp.hash).length);
    expect(queries[0]).toEqual({
      TableName: 't',
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: marshall({ ':pk': `SIM#${bands(fp.hash)[0]}`, ':from': '2026-11-13T10:00:00.000Z', ':to': '2026-11-27T10:00:00.000Z\uffff' }),
      ConsistentRead: true,
    });
  });

  it('follows LastEvaluatedKey through a band partition', async () => {
    dynamo.on(QueryCommand).resolvesOnce({ Items: [], LastEvaluatedKey: marshall({ pk: 'SIM#0:1', sk: 'x' }) }).resolves({ Items: [] });
    await store().put(sampleArticle());
    expect(dynamo.commandCalls(QueryCommand).some((c) => c.args[0].input.ExclusiveStartKey?.['sk']?.S === 'x')).toBe(true);
  });

  it('a redelivery loses the condition, re-reads, finds the same content and stores nothing more: "known"', async () => {
    const article = sampleArticle();
    dynamo.on(PutItemCommand).callsFake(() => {
      records.set(`ART#${article.id}`, recordOf(article));
      throw conditionalFailure();
    });
    await expect(store().put(article, { previous: null })).resolves.toBe('known');
    expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(GetItemCommand, { TableName: 't', Key: marshall({ pk: `ART#${article.id}`, sk: 'ARTICLE' }), ConsistentRead: true });
    expect(dynamo).not.toHaveReceivedCommandWith(UpdateItemCommand, { UpdateExpression: 'REMOVE #pending' });
  });

  it('an item that is not relevant gets an index record only: no object, no index keys', async () => {
    const article = sampleArticle({ relevance: { ...sampleArticle().relevance, relevant: false, countries: [], countryScores: {} } });
    await expect(store().put(article, { previous: null })).resolves.toBe('irrelevant');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    const item = unmarshall(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item ?? {});
    expect(item).toMatchObject({ pk: `ART#${article.id}`, relevant: false, revision: 1, classifierVersion: 'test' });
    expect(Object.keys(item)).not.toEqual(expect.arrayContaining(['dayKey']));
    expect(item['objectKey']).toBeUndefined();
    expect(item['feedKey']).toBeUndefined();
  });

  it('a copy of a story already stored (published earlier) is linked, not stored: no object under articles/ (its text kept under versions/), duplicateOf, listed in alsoSeenIn', async () => {
    const original = sampleArticle({ id: 'u11111111111111111111111111111aa', url: 'https://other.example/a', feedId: 'other', publishedAt: '2026-11-20T09:00:00.000Z' });
    records.set(`ART#${original.id}`, recordOf(original));
    const fp = articleFingerprint(original);
    dynamo.on(QueryCommand).resolves({ Items: [marshall({ pk: `SIM#${bands(fp.hash)[0]}`, sk: `${original.publishedAt}#${original.id}`, id: original.id, fingerprint: fp.hash, shingles: fp.shingles })] });

    // The same title and text under another URL, in another feed, published later.
    const copy = sampleArticle();
    await expect(store().put(copy, { previous: null })).resolves.toBe('duplicate');
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`versions/articles/${copy.id}/000001.json`]);
    expect((s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as Buffer).toString('utf8')).toBe(`${JSON.stringify(copy)}\n`);
    const item = unmarshall(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item ?? {});
    expect(item).toMatchObject({ id: copy.id, duplicateOf: original.id, linkedFingerprint: fp.hash, relevant: true });
    expect(item['dayKey']).toBeUndefined();
    expect(item['objectKey']).toBeUndefined();
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: 't',
      Key: marshall({ pk: `ART#${original.id}`, sk: 'ARTICLE' }),
      UpdateExpression: 'SET #also.#e0 = :e0',
      // Only while the story still is the one the copy linked to (same fingerprint, not leaving).
      ConditionExpression: 'attribute_exists(#also) AND #fp = :fp AND attribute_not_exists(#leaving)',
      ExpressionAttributeNames: { '#also': 'alsoSeenIn', '#e0': copy.id, '#fp': 'fingerprint', '#leaving': 'leaving' },
      ExpressionAttributeValues: marshall({ ':e0': { feedId: 'news', url: copy.url, title: copy.title, publishedAt: copy.publishedAt }, ':fp': fp.hash }),
    });
  });

  it('a later-published story already stored becomes the copy of a new, earlier-published one (whichever arrived first)', async () => {
    const later = sampleArticle({ id: 'uffffffffffffffffffffffffffffff0', url: 'https://other.example/a', feedId: 'other', publishedAt: '2026-11-20T11:00:00.000Z' });
    records.set(`ART#${later.id}`, recordOf(later));
    const fp = articleFingerprint(later);
    dynamo.on(QueryCommand).resolves({ Items: [marshall({ pk: `SIM#${bands(fp.hash)[0]}`, sk: `${later.publishedAt}#${later.id}`, id: later.id, fingerprint: fp.hash, shingles: fp.shingles })] });

    const laterKey = `articles/dt=2026-11-20/${later.id}.json`;
    const laterText = `${JSON.stringify(later)}\n`;
    s3.on(GetObjectCommand, { Key: laterKey }).resolves(body(laterText, { revision: '1' }));
    // The demotion's commit: as the record is changed, so is what the mocked table returns.
    dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item; UpdateExpression: string }) => {
      if (input.Key['pk']?.S === `ART#${later.id}` && input.UpdateExpression.startsWith('SET #dup')) {
        records.set(`ART#${later.id}`, recordOf(later, { duplicateOf: 'u0123456789abcdef0123456789abcde', objectKey: undefined, pending: true, leftoverKey: laterKey }));
      }
      return {};
    });

    const earlier = sampleArticle();
    await expect(store().put(earlier, { previous: null })).resolves.toBe('stored');
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: marshall({ pk: `ART#${later.id}`, sk: 'ARTICLE' }),
      UpdateExpression: 'SET #dup = :early, #linked = :linked, #pending = :true, #left = :left REMOVE #v0, #v1, #v2, #obj',
      ConditionExpression: 'attribute_not_exists(#dup) AND #rev = :rev',
      ExpressionAttributeNames: { '#dup': 'duplicateOf', '#rev': 'revision', '#pending': 'pending', '#left': 'leftoverKey', '#linked': 'linkedFingerprint', '#v0': 'dayKey', '#v1': 'feedKey', '#v2': 'publishedKey', '#obj': 'objectKey' },
      ExpressionAttributeValues: marshall({ ':early': earlier.id, ':rev': 1, ':true': true, ':linked': articleFingerprint(earlier).hash, ':left': laterKey }),
    });
    expect(dynamo).toHaveReceivedCommandWith(BatchWriteItemCommand, {
      RequestItems: { t: [{ DeleteRequest: { Key: marshall({ pk: `ART#${later.id}`, sk: 'COUNTRY#XK' }) } }, { DeleteRequest: { Key: marshall({ pk: `ART#${later.id}`, sk: 'COUNTRY#RS' }) } }] },
    });
    // Its last version moves to versions/ (its earlier versions stay there), then leaves articles/.
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual([`versions/articles/${earlier.id}/000001.json`, `articles/dt=2026-11-20/${earlier.id}.json`, `versions/articles/${later.id}/000001.json`]);
    expect((puts[2]?.Body as Buffer).toString('utf8')).toBe(laterText);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'b', Key: laterKey }]);
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
    // Then the cleanup is marked done.
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, { Key: marshall({ pk: `ART#${later.id}`, sk: 'ARTICLE' }), UpdateExpression: 'REMOVE #left' });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, { Key: marshall({ pk: `ART#${later.id}`, sk: 'ARTICLE' }), UpdateExpression: 'REMOVE #pending' });
  });

  it('a demotion interrupted before its cleanup is finished by the next complete() of the demoted item', async () => {
    const later = sampleArticle({ id: 'uffffffffffffffffffffffffffffff0', publishedAt: '2026-11-20T11:00:00.000Z' });
    const laterKey = `articles/dt=2026-11-20/${later.id}.json`;
    records.set(`ART#${later.id}`, recordOf(later, { duplicateOf: 'u0123456789abcdef0123456789abcde', objectKey: undefined, pending: true, leftoverKey: laterKey }));
    records.set('ART#u0123456789abcdef0123456789abcde', recordOf(sampleArticle()));
    s3.on(GetObjectCommand).resolves(body(`${JSON.stringify(later)}\n`, { revision: '1' }));
    await store().complete(later.id);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`versions/articles/${later.id}/000001.json`]);
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'b', Key: laterKey });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, { UpdateExpression: 'REMOVE #left' });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, { UpdateExpression: 'REMOVE #pending' });
  });

  it('refuses an article that does not match the schema, before any write', async () => {
    const bad = { ...sampleArticle(), publishedAt: 'yesterday' };
    await expect(store().put(bad)).rejects.toBeInstanceOf(ArticleSchemaError);
    await expect(store().put(bad)).rejects.toThrowError(/\/publishedAt must match pattern/);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
  });
});

describe('S3DynamoArticleStore.put: a known article that changed', () => {
  // Changed upstream, but the same story: its fingerprint (of title and content) is the same.
  const changed = () =>
    sampleArticle({
      summary: 'Talks resumed in Brussels. A second round is planned.',
      contentHash: 'c'.repeat(64),
      fetchedAt: '2026-11-21T11:00:00.000Z',
      relevance: { ...sampleArticle().relevance, countries: ['XK'], countryScores: { XK: 10 } },
    });

  it('keeps the revision under versions/ (and the previous one, for a story stored before every revision was), overwrites the object, then moves the record to the next revision on condition', async () => {
    const original = sampleArticle();
    records.set(`ART#${original.id}`, recordOf(original));
    const previousText = `${JSON.stringify(original)}\n`;
    s3.on(GetObjectCommand).resolves(body(previousText, { revision: '1', 'schema-version': '1' }));
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake((input: { Key: string }) => {
      order.push(input.Key);
      return {};
    });
    dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item }) => {
      order.push(`update ${input.Key['pk']?.S}`);
      return {};
    });

    const article = changed();
    await expect(store().put(article, { itemHash: article.contentHash })).resolves.toBe('updated');
    expect(order).toEqual([
      `versions/articles/${article.id}/000001.json`,
      `versions/articles/${article.id}/000002.json`,
      `articles/dt=2026-11-20/${article.id}.json`,
      'update META',
      `update ART#${article.id}`,
    ]);

    const version = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect((version?.Body as Buffer).toString('utf8')).toBe(previousText);
    expect(version?.ContentLength).toBe(Buffer.byteLength(previousText));
    expect((s3.commandCalls(PutObjectCommand)[1]?.args[0].input.Body as Buffer).toString('utf8')).toBe(`${JSON.stringify(article)}\n`);
    expect(s3.commandCalls(PutObjectCommand)[2]?.args[0].input.Metadata).toMatchObject({ revision: '2' });

    const update = dynamo.commandCalls(UpdateItemCommand).find((c) => c.args[0].input.Key?.['pk']?.S === `ART#${article.id}`)?.args[0].input;
    expect(update?.ConditionExpression).toBe('revision = :prev AND attribute_not_exists(duplicateOf)');
    const values = unmarshall(update?.ExpressionAttributeValues ?? {});
    expect(values[':prev']).toBe(1);
    const set = Object.fromEntries(Object.entries(update?.ExpressionAttributeNames ?? {}).map(([placeholder, name]) => [name, values[placeholder.replace('#', ':')]]));
    expect(set).toMatchObject({ revision: 2, contentHash: 'c'.repeat(64), countries: ['XK'], dayKey: '2026-11-20', publishedKey: `2026-11-20T10:00:00.000Z#${article.id}`, updatedAt: '2026-11-21T11:00:00.000Z' });
    // Its text is still near its fingerprint: the fingerprint stays.
    expect(Object.values(update?.ExpressionAttributeNames ?? {})).not.toContain('fingerprint');
    // RS is no longer tagged: its pointer goes, after the commit.
    expect(dynamo).toHaveReceivedCommandWith(BatchWriteItemCommand, { RequestItems: { t: [{ DeleteRequest: { Key: marshall({ pk: `ART#${article.id}`, sk: 'COUNTRY#RS' }) } }] } });
  });

  it('a story whose text moved away from its fingerprint (another story under the same URL) is fingerprinted again: new bands before the commit, the old ones after, then linked again', async () => {
    const original = sampleArticle();
    records.set(`ART#${original.id}`, recordOf(original));
    s3.on(GetObjectCommand).resolves(body(`${JSON.stringify(original)}\n`, { revision: '1' }));
    const rewritten = sampleArticle({ title: 'Montenegro adopts its budget', content: 'The parliament in Podgorica adopted the budget.', contentHash: 'd'.repeat(64), relevance: { ...original.relevance, countries: ['ME'], countryScores: { ME: 10 } } });
    const fp = articleFingerprint(rewritten);
    // The commit changes what the mocked table returns.
    dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item; ExpressionAttributeNames?: Record<string, string> }) => {
      if (input.Key['pk']?.S === `ART#${original.id}` && input.ExpressionAttributeNames?.['#s0'] === 'leaving') records.set(`ART#${original.id}`, recordOf(original, { leaving: true }));
      if (input.Key['pk']?.S === `ART#${original.id}` && Object.values(input.ExpressionAttributeNames ?? {}).includes('fingerprint')) {
        records.set(`ART#${original.id}`, recordOf(rewritten, { revision: 2, fingerprint: fp.hash, shingles: fp.shingles, pending: true }));
      }
      return {};
    });
    await expect(store().put(rewritten)).resolves.toBe('updated');

    const old = articleFingerprint(original);
    const rank = `2026-11-20T10:00:00.000Z#${original.id}`;
    const [before, after] = dynamo.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems?.['t'] ?? []);
    expect(before?.map((w) => [w.PutRequest?.Item?.['pk']?.S, w.PutRequest?.Item?.['sk']?.S])).toEqual([...bands(fp.hash).map((b) => [`SIM#${b}`, rank]), [`ART#${original.id}`, 'COUNTRY#ME']]);
    const updates = dynamo.commandCalls(UpdateItemCommand).filter((c) => c.args[0].input.Key?.['pk']?.S === `ART#${original.id}`).map((c) => c.args[0].input);
    // First it is marked as leaving its story (no copy attaches to it meanwhile).
    expect(updates[0]).toMatchObject({ UpdateExpression: 'SET #s0 = :s0, #s1 = :s1', ConditionExpression: 'revision = :prev AND attribute_not_exists(duplicateOf)', ExpressionAttributeNames: { '#s0': 'leaving', '#s1': 'pending' } });
    const update = updates[1];
    const values = unmarshall(update?.ExpressionAttributeValues ?? {});
    const set = Object.fromEntries(Object.entries(update?.ExpressionAttributeNames ?? {}).map(([placeholder, name]) => [name, values[placeholder.replace('#', ':')]]));
    expect(set).toMatchObject({ revision: 2, fingerprint: fp.hash, shingles: fp.shingles, rank, alsoSeenIn: {}, pending: true });
    expect(update?.UpdateExpression).toMatch(/ REMOVE #r0$/);
    expect(update?.ExpressionAttributeNames?.['#r0']).toBe('leaving');
    expect(after).toEqual([
      { DeleteRequest: { Key: marshall({ pk: `ART#${original.id}`, sk: 'COUNTRY#XK' }) } },
      { DeleteRequest: { Key: marshall({ pk: `ART#${original.id}`, sk: 'COUNTRY#RS' }) } },
      ...bands(old.hash).filter((b) => !bands(fp.hash).includes(b)).map((b) => ({ DeleteRequest: { Key: marshall({ pk: `SIM#${b}`, sk: rank }) } })),
    ]);
    // Linked again with its new fingerprint.
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: expect.objectContaining({ ':pk': { S: `SIM#${bands(fp.hash)[0]}` } }) });
  });

  it('does not copy the object to versions/ as the previous revision when a crashed attempt already replaced it (its revision is ahead)', async () => {
    const original = sampleArticle();
    records.set(`ART#${original.id}`, recordOf(original));
    s3.on(GetObjectCommand).resolves(body(JSON.stringify(changed()), { revision: '2' }));
    await expect(store().put(changed())).resolves.toBe('updated');
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`versions/articles/${original.id}/000002.json`, `articles/dt=2026-11-20/${original.id}.json`]);
  });

  it('does not copy the previous revision again when versions/ already holds it', async () => {
    const original = sampleArticle();
    records.set(`ART#${original.id}`, recordOf(original));
    s3.on(HeadObjectCommand, { Key: `versions/articles/${original.id}/000001.json` }).resolves({ Metadata: { revision: '1' } });
    await expect(store().put(changed())).resolves.toBe('updated');
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`versions/articles/${original.id}/000002.json`, `articles/dt=2026-11-20/${original.id}.json`]);
  });

  it('reads the object again when its body does not match the sha256 its writer recorded (a torn read)', async () => {
    const original = sampleArticle();
    records.set(`ART#${original.id}`, recordOf(original));
    const text = `${JSON.stringify(original)}\n`;
    const sha = createHash('sha256').update(text).digest('hex');
    s3.on(GetObjectCommand).resolvesOnce(body(text.slice(0, 100), { revision: '1', 'body-sha256': sha })).resolves(body(text, { revision: '1', 'body-sha256': sha }));
    await expect(store().put(changed())).resolves.toBe('updated');
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 2);
    expect((s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as Buffer).toString('utf8')).toBe(text);
  });

  it('two racing updates: the one that loses the revision condition re-reads and finds its work done', async () => {
    const original = sampleArticle();
    records.set(`ART#${original.id}`, recordOf(original));
    s3.on(GetObjectCommand).resolves(body(JSON.stringify(original), { revision: '1' }));
    const article = changed();
    dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item }) => {
      if (input.Key['pk']?.S !== `ART#${article.id}`) return {};
      records.set(`ART#${article.id}`, recordOf(article, { revision: 2 }));
      throw conditionalFailure();
    });
    await expect(store().put(article)).resolves.toBe('known');
  });
});

describe('S3DynamoArticleStore.put: a copy that changed, and a story whose copies are handed over', () => {
  const storyArticle = () => sampleArticle({ id: 'u11111111111111111111111111111aa', url: 'https://other.example/a', feedId: 'other', publishedAt: '2026-11-20T09:00:00.000Z' });
  const montenegro = (base: ReturnType<typeof sampleArticle>) =>
    sampleArticle({ ...base, title: 'Montenegro adopts its budget', content: 'The parliament in Podgorica adopted the budget.', contentHash: 'd'.repeat(64), fetchedAt: '2026-11-21T11:00:00.000Z', relevance: { ...base.relevance, countries: ['ME'], countryScores: { ME: 10 } } });
  const updatesOf = (id: string) => dynamo.commandCalls(UpdateItemCommand).map((c) => c.args[0].input).filter((i) => i.Key?.['pk']?.S === `ART#${id}`);

  it('a copy still near the fingerprint it was linked with stays linked: its revision under versions/ only, its record on condition it still points there, its alsoSeenIn entry refreshed', async () => {
    const story = storyArticle();
    const storyFp = articleFingerprint(story);
    records.set(`ART#${story.id}`, recordOf(story));
    const copy = sampleArticle();
    records.set(`ART#${copy.id}`, recordOf(copy, { duplicateOf: story.id, linkedFingerprint: storyFp.hash, objectKey: undefined }));
    // Same text, a corrected time and summary: the same story.
    const changed = sampleArticle({ summary: 'Talks resumed in Brussels, officials said.', publishedAt: '2026-11-20T10:05:00.000Z', contentHash: 'c'.repeat(64), fetchedAt: '2026-11-21T11:00:00.000Z' });
    dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item; ExpressionAttributeNames?: Record<string, string> }) => {
      if (input.Key['pk']?.S === `ART#${copy.id}` && Object.values(input.ExpressionAttributeNames ?? {}).includes('revision')) {
        records.set(`ART#${copy.id}`, recordOf(changed, { revision: 2, duplicateOf: story.id, linkedFingerprint: storyFp.hash, objectKey: undefined, rank: `${copy.publishedAt}#${copy.id}`, pending: true }));
      }
      return {};
    });

    await expect(store().put(changed)).resolves.toBe('updated');
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`versions/articles/${copy.id}/000002.json`]);
    const [own] = updatesOf(copy.id);
    expect(own?.ConditionExpression).toBe('revision = :prev AND duplicateOf = :dup');
    expect(unmarshall(own?.ExpressionAttributeValues ?? {})).toMatchObject({ ':prev': 1, ':dup': story.id });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: marshall({ pk: `ART#${story.id}`, sk: 'ARTICLE' }),
      UpdateExpression: 'SET #also.#e0 = :e0',
      ConditionExpression: 'attribute_exists(#also) AND #fp = :fp AND attribute_not_exists(#leaving)',
      ExpressionAttributeValues: marshall({ ':e0': { feedId: 'news', url: changed.url, title: changed.title, publishedAt: '2026-11-20T10:05:00.000Z' }, ':fp': storyFp.hash }),
    });
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('a copy rewritten into another story leaves its story: marked pending, removed from its alsoSeenIn, then stored as its own story on condition it still pointed there', async () => {
    const story = storyArticle();
    records.set(`ART#${story.id}`, recordOf(story, { alsoSeenIn: { u0123456789abcdef0123456789abcde: { feedId: 'news', url: 'https://news.example/a', title: 'x', publishedAt: '2026-11-20T10:00:00.000Z' } } }));
    const copy = sampleArticle();
    records.set(`ART#${copy.id}`, recordOf(copy, { duplicateOf: story.id, linkedFingerprint: articleFingerprint(story).hash, objectKey: undefined }));
    const rewritten = montenegro(copy);

    await expect(store().put(rewritten)).resolves.toBe('stored');
    const own = updatesOf(copy.id);
    expect(own[0]).toMatchObject({ ConditionExpression: 'revision = :prev AND duplicateOf = :dup', ExpressionAttributeNames: { '#s0': 'pending' } });
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      Key: marshall({ pk: `ART#${story.id}`, sk: 'ARTICLE' }),
      UpdateExpression: 'REMOVE #also.#id',
      ExpressionAttributeNames: { '#also': 'alsoSeenIn', '#id': copy.id },
    });
    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe('revision = :prev AND duplicateOf = :dup');
    const item = unmarshall(put?.Item ?? {});
    expect(item).toMatchObject({ id: copy.id, revision: 2, objectKey: `articles/dt=2026-11-20/${copy.id}.json`, fingerprint: articleFingerprint(rewritten).hash, countries: ['ME'] });
    expect(item['duplicateOf']).toBeUndefined();
    expect(item['linkedFingerprint']).toBeUndefined();
    // Its first version stays under versions/; its new one is written there and as its object.
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`versions/articles/${copy.id}/000002.json`, `articles/dt=2026-11-20/${copy.id}.json`]);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  describe('a story rewritten into another story hands its copies over', () => {
    const setUp = (linkedFingerprint: string) => {
      const story = sampleArticle();
      const copy = sampleArticle({ id: 'uffffffffffffffffffffffffffffff0', url: 'https://other.example/a', feedId: 'other', publishedAt: '2026-11-20T11:00:00.000Z' });
      records.set(`ART#${story.id}`, recordOf(story, { alsoSeenIn: { [copy.id]: { feedId: 'other', url: copy.url, title: copy.title, publishedAt: copy.publishedAt } } }));
      records.set(`ART#${copy.id}`, recordOf(copy, { duplicateOf: story.id, linkedFingerprint, objectKey: undefined }));
      s3.on(GetObjectCommand).resolves(body(`${JSON.stringify(story)}\n`, { revision: '1' }));
      s3.on(GetObjectCommand, { Key: `versions/articles/${copy.id}/000001.json` }).resolves(body(`${JSON.stringify(copy)}\n`, { revision: '1' }));
      dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item; ExpressionAttributeNames?: Record<string, string> }) => {
        if (input.Key['pk']?.S === `ART#${story.id}` && input.ExpressionAttributeNames?.['#s0'] === 'leaving') records.set(`ART#${story.id}`, recordOf(story, { leaving: true, pending: true, alsoSeenIn: unmarshall(records.get(`ART#${story.id}`) ?? {})['alsoSeenIn'] }));
        return {};
      });
      return { story, copy };
    };

    it('the earliest copy still linked to the story as it was becomes the story: its kept text becomes its object, on condition it is still that copy', async () => {
      const { story, copy } = setUp(articleFingerprint(sampleArticle()).hash);
      await expect(store().put(montenegro(story))).resolves.toBe('updated');
      expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toContain(`articles/dt=2026-11-20/${copy.id}.json`);
      const promote = updatesOf(copy.id).find((u) => u.UpdateExpression?.includes('REMOVE #dup'));
      expect(promote?.ConditionExpression).toBe('#dup = :story AND #rev = :rev AND #linked = :linked');
      expect(unmarshall(promote?.ExpressionAttributeValues ?? {})).toMatchObject({ ':story': story.id, ':rev': 1, ':linked': articleFingerprint(story).hash, ':from': `${story.id}@${articleFingerprint(story).hash}` });
    });

    it('a copy linked to another fingerprint of the story (what it became after a move a racing delivery committed) is not taken for one of its old copies', async () => {
      const { story, copy } = setUp('0123456789abcdef');
      await expect(store().put(montenegro(story))).resolves.toBe('updated');
      expect(updatesOf(copy.id)).toEqual([]);
      expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).not.toContain(`articles/dt=2026-11-20/${copy.id}.json`);
    });

    it('a late delivery that finds the story already moved (another revision) stops before touching any copy, and re-reads', async () => {
      const { story, copy } = setUp(articleFingerprint(sampleArticle()).hash);
      const moved = montenegro(story);
      dynamo.on(UpdateItemCommand).callsFake((input: { Key: Item; ExpressionAttributeNames?: Record<string, string> }) => {
        // The racing delivery committed the move just after this one marked the story leaving.
        if (input.Key['pk']?.S === `ART#${story.id}` && input.ExpressionAttributeNames?.['#s0'] === 'leaving') records.set(`ART#${story.id}`, recordOf(moved, { revision: 2 }));
        return {};
      });
      await expect(store().put(moved)).resolves.toBe('known');
      expect(updatesOf(copy.id)).toEqual([]);
      expect(dynamo).not.toHaveReceivedCommand(BatchGetItemCommand);
    });
  });
});

describe('S3DynamoArticleStore.put: a new classifier version', () => {
  it('records the new classifier version on the record alone when relevance and takeaways are unchanged: no new revision, no versions copy', async () => {
    const original = sampleArticle();
    records.set(`ART#${original.id}`, recordOf(original));
    const reclassified = sampleArticle({ relevance: { ...original.relevance, classifierVersion: 'test-2' } });
    await expect(store().put(reclassified)).resolves.toBe('known');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
    expect(dynamo).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: 't',
      Key: marshall({ pk: `ART#${original.id}`, sk: 'ARTICLE' }),
      UpdateExpression: 'SET #cv = :cv',
      ConditionExpression: '#rev = :prev',
      ExpressionAttributeNames: { '#cv': 'classifierVersion', '#rev': 'revision' },
      ExpressionAttributeValues: marshall({ ':cv': 'test-2', ':prev': 1 }),
    });
  });

  it('the enrichment hash leaves the classifier version out, so only what the classifier decided is compared', () => {
    const a = sampleArticle();
    expect(enrichmentHash({ ...a, relevance: { ...a.relevance, classifierVersion: 'other' } })).toBe(enrichmentHash(a));
    expect(enrichmentHash({ ...a, relevance: { ...a.relevance, score: 21 } })).not.toBe(enrichmentHash(a));
  });

  it('a record written before the hash left the version out is still recognised as unchanged', async () => {
    const original = sampleArticle();
    const legacy = createHash('sha256').update(JSON.stringify([original.relevance, original.takeaways])).digest('hex');
    records.set(`ART#${original.id}`, recordOf(original, { enrichmentHash: legacy }));
    await expect(store().put(sampleArticle({ relevance: { ...original.relevance, classifierVersion: 'test-2' } }))).resolves.toBe('known');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, { UpdateExpression: 'SET #cv = :cv' });
  });
});

describe('S3DynamoArticleStore.lookup and batch retries', () => {
  it('asks BatchGetItem (consistent) for the index records and follows UnprocessedKeys with back-off', async () => {
    const a = sampleArticle({ id: 'u000000000000000000000000000000a' });
    const b = sampleArticle({ id: 'u000000000000000000000000000000b' });
    dynamo
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [recordOf(a)] }, UnprocessedKeys: { t: { Keys: [marshall({ pk: `ART#${b.id}`, sk: 'ARTICLE' })], ConsistentRead: true } } })
      .resolves({ Responses: { t: [recordOf(b, { duplicateOf: a.id, objectKey: undefined })] } });
    const known = await store().lookup([a.id, b.id, a.id]);
    expect([...known.keys()]).toEqual([a.id, b.id]);
    expect(known.get(b.id)).toEqual({ id: b.id, itemHash: b.contentHash, contentHash: b.contentHash, revision: 1, relevant: true, classifierVersion: 'test', duplicateOf: a.id, pending: false });
    expect(dynamo).toHaveReceivedNthCommandWith(BatchGetItemCommand, 1, {
      RequestItems: { t: { Keys: [marshall({ pk: `ART#${a.id}`, sk: 'ARTICLE' }), marshall({ pk: `ART#${b.id}`, sk: 'ARTICLE' })], ConsistentRead: true } },
    });
    expect(dynamo).toHaveReceivedNthCommandWith(BatchGetItemCommand, 2, { RequestItems: { t: { Keys: [marshall({ pk: `ART#${b.id}`, sk: 'ARTICLE' })], ConsistentRead: true } } });
    expect(sleeps).toEqual([2]);
  });

  it('retries UnprocessedItems of a batch write with growing delays, then gives up loudly', async () => {
    const unprocessed = { t: [{ PutRequest: { Item: marshall({ pk: 'x', sk: 'COUNTRY#RS' }) } }] };
    dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: unprocessed });
    await expect(store().put(sampleArticle())).rejects.toThrowError('BatchWriteItem on t: items still unprocessed after 5 attempts');
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteItemCommand, 5);
    expect(dynamo.commandCalls(BatchWriteItemCommand)[1]?.args[0].input.RequestItems).toEqual(unprocessed);
    expect(sleeps).toEqual([2, 4, 8, 16]);
    expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
  });
});

describe('S3DynamoArticleStore queries', () => {
  const pointer = (id: string, at: string) => marshall({ pk: `ART#${id}`, sk: 'COUNTRY#XK', countryKey: 'XK', publishedKey: `${at}#${id}`, id });
  const a = sampleArticle({ id: 'u000000000000000000000000000000a', publishedAt: '2026-11-20T12:00:00.000Z' });
  const b = sampleArticle({ id: 'u000000000000000000000000000000b', publishedAt: '2026-11-20T08:00:00.000Z' });
  const stale = sampleArticle({ id: 'u000000000000000000000000000000c', publishedAt: '2026-11-20T10:00:00.000Z' });
  const visible = (x: typeof a) => recordOf(x, { dayKey: x.publishedAt.slice(0, 10), feedKey: x.feedId, publishedKey: `${x.publishedAt}#${x.id}` });

  beforeEach(() => {
    records.set(`ART#${a.id}`, visible(a));
    records.set(`ART#${b.id}`, visible(b));
    // c became a copy of another story: its pointer was left behind by a crash.
    records.set(`ART#${stale.id}`, recordOf(stale, { duplicateOf: a.id, objectKey: undefined }));
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [pointer(a.id, a.publishedAt), pointer(stale.id, stale.publishedAt)], LastEvaluatedKey: pointer(stale.id, stale.publishedAt) })
      .resolves({ Items: [pointer(b.id, b.publishedAt)] });
  });

  it('queries the country index newest first, follows LastEvaluatedKey, and drops pointers their record no longer backs', async () => {
    const out = [];
    for await (const s of store().query({ country: 'XK', since: '2026-11-01T00:00:00.000Z' })) out.push(s.id);
    expect(out).toEqual([a.id, b.id]);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: 't',
      IndexName: 'byCountry',
      KeyConditionExpression: '#k = :k AND #s BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#k': 'countryKey', '#s': 'publishedKey' },
      ExpressionAttributeValues: marshall({ ':k': 'XK', ':from': '2026-11-01T00:00:00.000Z', ':to': '9999\uffff' }),
      ScanIndexForward: false,
    });
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: pointer(stale.id, stale.publishedAt) });
  });

  it('pages with a cursor: the next page starts after the last article returned', async () => {
    const first = await store().queryPage({ country: 'XK', limit: 1 });
    expect(first.items.map((s) => s.id)).toEqual([a.id]);
    expect(first.cursor).toEqual(expect.any(String));
    dynamo.on(QueryCommand).resolves({ Items: [pointer(b.id, b.publishedAt)] });
    const second = await store().queryPage({ country: 'XK', limit: 1, cursor: first.cursor });
    expect(second).toEqual({ items: [expect.objectContaining({ id: b.id })] });
    expect(dynamo.commandCalls(QueryCommand).at(-1)?.args[0].input.ExclusiveStartKey).toEqual(
      marshall({ pk: `ART#${a.id}`, sk: 'COUNTRY#XK', countryKey: 'XK', publishedKey: `${a.publishedAt}#${a.id}` }),
    );
  });

  it('rejects a cursor from another query, or no cursor at all, with a typed error', async () => {
    const { cursor } = await store().queryPage({ country: 'XK', limit: 1 });
    await expect(store().queryPage({ feedId: 'news', limit: 1, cursor })).rejects.toBeInstanceOf(BadInputError);
    await expect(store().queryPage({ country: 'XK', limit: 1, cursor: 'bm9wZQ' })).rejects.toThrowError('not a query cursor: "bm9wZQ"');
  });

  it('without a filter walks the stored days newest first and stops at the limit', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: { pk: { S: 'META' }, sk: { S: 'DAYS' }, days: { SS: ['2026-11-01', '2026-11-03', '2026-11-02'] } } });
    dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, { S: string }> }) => {
      const day = input.ExpressionAttributeValues[':k']?.S ?? '';
      const x = sampleArticle({ id: `u${day.replace(/-/g, '').padEnd(31, '0')}`, publishedAt: `${day}T10:00:00.000Z` });
      return { Items: [visible(x)] };
    });
    const out = [];
    for await (const s of store().query({ limit: 2 })) out.push(s.publishedAt.slice(0, 10));
    expect(out).toEqual(['2026-11-03', '2026-11-02']);
    expect(dynamo).toHaveReceivedNthCommandWith(QueryCommand, 1, { IndexName: 'byDay', ExpressionAttributeNames: { '#k': 'dayKey', '#s': 'publishedKey' } });
  });
});
