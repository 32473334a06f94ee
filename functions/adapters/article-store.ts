import { GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Article } from '../core/model';
import type { ArticleQuery, ArticleStore, ArticleSummary, PutOutcome } from '../ingest/ports';
import { batchGet, batchWrite, defaultRetry, isConditionalFailure, queryAll, type Item, type RetryPolicy } from './dynamo-util';
import {
  ARTICLE_SK,
  DAYS_SK,
  META_PK,
  articleObjectKey,
  articlePk,
  countrySk,
  dayOf,
  publishedKey,
} from './keys';

/**
 * Articles in S3 (the JSON, the system of record) and DynamoDB (the index that queries use).
 *
 * Write order makes a crash harmless: the S3 object first, then the per-country items, then
 * the index item, which is written last with a condition and so acts as the commit marker.
 * A retry after a crash finds no index item and completes the set; a repeat finds it and
 * stores nothing.
 */

export interface ArticleStoreConfig {
  readonly bucket: string;
  readonly table: string;
  readonly retry?: RetryPolicy;
}

export class S3DynamoArticleStore implements ArticleStore {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly s3: S3Client,
    private readonly dynamo: DynamoDBClient,
    private readonly config: ArticleStoreConfig,
  ) {
    this.retry = config.retry ?? defaultRetry;
  }

  async knownHashes(ids: readonly string[]): Promise<Map<string, string>> {
    const keys = [...new Set(ids)].map((id) => marshall({ pk: articlePk(id), sk: ARTICLE_SK }));
    const items = await batchGet(this.dynamo, this.config.table, keys, 'id, contentHash', this.retry);
    return new Map(items.map((item) => {
      const { id, contentHash } = unmarshall(item) as { id: string; contentHash: string };
      return [id, contentHash];
    }));
  }

  async put(article: Article): Promise<PutOutcome> {
    const objectKey = articleObjectKey(article.publishedAt, article.id);
    const body = Buffer.from(JSON.stringify(article, null, 2));
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: objectKey,
        Body: body,
        ContentLength: body.length,
        ContentType: 'application/json; charset=utf-8',
        Metadata: { 'schema-version': String(article.schemaVersion) },
      }),
    );

    const summary = toSummary(article, objectKey);
    const sortKey = publishedKey(article.publishedAt, article.id);
    const countryItems = article.relevance.countries.map((code) => ({
      PutRequest: {
        Item: marshall({ pk: articlePk(article.id), sk: countrySk(code), countryKey: code, publishedKey: sortKey, ...summary }),
      },
    }));
    if (countryItems.length > 0) await batchWrite(this.dynamo, this.config.table, countryItems, this.retry);

    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.config.table,
          Item: marshall(
            {
              pk: articlePk(article.id),
              sk: ARTICLE_SK,
              dayKey: dayOf(article.publishedAt),
              feedKey: article.feedId,
              publishedKey: sortKey,
              ...summary,
              contentHash: article.contentHash,
              fetchedAt: article.fetchedAt,
              classifierVersion: article.relevance.classifierVersion,
              schemaVersion: article.schemaVersion,
              revision: 1,
            },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) return 'known';
      throw error;
    }
    await this.dynamo.send(
      new UpdateItemCommand({
        TableName: this.config.table,
        Key: marshall({ pk: META_PK, sk: DAYS_SK }),
        UpdateExpression: 'ADD #days :day',
        ExpressionAttributeNames: { '#days': 'days' },
        ExpressionAttributeValues: { ':day': { SS: [dayOf(article.publishedAt)] } },
      }),
    );
    return 'stored';
  }

  async get(id: string): Promise<Article | undefined> {
    const out = await this.dynamo.send(
      new GetItemCommand({ TableName: this.config.table, Key: marshall({ pk: articlePk(id), sk: ARTICLE_SK }) }),
    );
    if (!out.Item) return undefined;
    const { objectKey } = unmarshall(out.Item) as { objectKey: string };
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: objectKey }));
    const text = await object.Body?.transformToString('utf-8');
    return text ? (JSON.parse(text) as Article) : undefined;
  }

  async *query(query: ArticleQuery): AsyncIterable<ArticleSummary> {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    let yielded = 0;
    const range = keyRange(query);
    if (query.country || query.feedId) {
      const [index, keyName, keyValue] = query.country
        ? (['byCountry', 'countryKey', query.country] as const)
        : (['byFeed', 'feedKey', query.feedId as string] as const);
      for await (const item of queryAll(this.dynamo, {
        TableName: this.config.table,
        IndexName: index,
        KeyConditionExpression: '#k = :k AND publishedKey BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#k': keyName },
        ExpressionAttributeValues: marshall({ ':k': keyValue, ':from': range.from, ':to': range.to }),
        ScanIndexForward: false,
      })) {
        const summary = fromItem(item);
        if (query.country && query.feedId && summary.feedId !== query.feedId) continue;
        yield summary;
        if (++yielded >= limit) return;
      }
      return;
    }
    // No country or feed: walk the days that hold articles, newest first.
    const meta = await this.dynamo.send(
      new GetItemCommand({ TableName: this.config.table, Key: marshall({ pk: META_PK, sk: DAYS_SK }) }),
    );
    const days = ((meta.Item ? (unmarshall(meta.Item)['days'] as Set<string>) : undefined) ?? new Set<string>());
    const wanted = [...days]
      .filter((d) => d >= dayOf(range.from) && d <= dayOf(range.to))
      .sort()
      .reverse();
    for (const day of wanted) {
      for await (const item of queryAll(this.dynamo, {
        TableName: this.config.table,
        IndexName: 'byDay',
        KeyConditionExpression: 'dayKey = :d AND publishedKey BETWEEN :from AND :to',
        ExpressionAttributeValues: marshall({ ':d': day, ':from': range.from, ':to': range.to }),
        ScanIndexForward: false,
      })) {
        yield fromItem(item);
        if (++yielded >= limit) return;
      }
    }
  }
}

function toSummary(article: Article, objectKey: string): ArticleSummary & Record<string, unknown> {
  return {
    id: article.id,
    title: article.title,
    url: article.url,
    feedId: article.feedId,
    publishedAt: article.publishedAt,
    countries: [...article.relevance.countries],
    score: article.relevance.score,
    objectKey,
  };
}

function fromItem(item: Item): ArticleSummary {
  const v = unmarshall(item) as ArticleSummary;
  return {
    id: v.id,
    title: v.title,
    url: v.url ?? null,
    feedId: v.feedId,
    publishedAt: v.publishedAt,
    countries: v.countries ?? [],
    score: v.score,
    objectKey: v.objectKey,
  };
}

/** publishedKey bounds for [since, until]: "<iso>#<id>" sorts after "<iso>" and before "<iso>$". */
function keyRange(query: ArticleQuery): { from: string; to: string } {
  return { from: query.since ?? '0000', to: `${query.until ?? '9999'}\uffff` };
}
