import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ARTICLE_INDEXES, ARTICLES_TABLE_KEYS, FEED_INDEXES, FEEDS_TABLE_KEYS } from './keys';

/**
 * CreateTable inputs for the local emulator and the integration tests, built from the same key
 * names (keys.ts) that the CDK stack declares, so local tables match deployed ones.
 */

export function articlesTableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = Object.entries(ARTICLE_INDEXES);
  const attributes = new Set<string>([ARTICLES_TABLE_KEYS.partitionKey, ARTICLES_TABLE_KEYS.sortKey]);
  for (const [, k] of indexes) {
    attributes.add(k.partitionKey);
    attributes.add(k.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: ARTICLES_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: ARTICLES_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([name, k]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: k.partitionKey, KeyType: 'HASH' },
        { AttributeName: k.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

export function feedsTableDefinition(tableName: string): CreateTableCommandInput {
  const due = FEED_INDEXES.byDue;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: FEEDS_TABLE_KEYS.partitionKey, AttributeType: 'S' },
      { AttributeName: due.partitionKey, AttributeType: 'S' },
      { AttributeName: due.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: FEEDS_TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byDue',
        KeySchema: [
          { AttributeName: due.partitionKey, KeyType: 'HASH' },
          { AttributeName: due.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
