import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { S3DynamoArticleStore } from '../adapters/article-store';
import { backoffFromEnv, fetchOptionsFromEnv, requireEnv } from '../adapters/env';
import { DynamoFeedStateStore } from '../adapters/feed-state-store';
import { fetchUrl } from '../adapters/http-fetch';
import { jsonLogger } from '../adapters/json-logger';
import { S3RawStore } from '../adapters/raw-store';
import { systemClock } from '../ingest/ports';
import { createIngestHandler } from './ingest';

// Composition root of the ingest Lambda: configuration and clients are read and created once
// per container, at load.
const bucket = requireEnv('ARTICLES_BUCKET');
const dynamo = new DynamoDBClient({});
const s3 = new S3Client({});
const logger = jsonLogger('wbnews-ingest');

export const handler = createIngestHandler({
  fetch: fetchUrl,
  fetchOptions: fetchOptionsFromEnv(),
  backoff: backoffFromEnv(),
  articles: new S3DynamoArticleStore(s3, dynamo, { bucket, table: requireEnv('ARTICLES_TABLE') }),
  feedStates: new DynamoFeedStateStore(dynamo, requireEnv('FEEDS_TABLE')),
  raw: new S3RawStore(s3, bucket),
  clock: systemClock,
  logger,
  onOutcome: (outcome) => logger.info('feed outcome', { ...outcome }),
});
