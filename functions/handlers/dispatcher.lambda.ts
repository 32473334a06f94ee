import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { backoffFromEnv, requireEnv } from '../adapters/env';
import { DynamoFeedStateStore } from '../adapters/feed-state-store';
import { jsonLogger } from '../adapters/json-logger';
import { SqsFeedQueue } from '../adapters/queue';
import { validateFeedsFile } from '../core/feeds-config';
import { systemClock } from '../ingest/ports';
import { createDispatcherHandler } from './dispatcher';

// Composition root of the dispatcher Lambda: configuration and clients are read and created
// once per container, at load, so a missing variable fails the first invocation loudly.
// The stack copies the validated feeds file next to this bundle as feeds.json.
const feedsPath = process.env['FEEDS_FILE'] ?? new URL('./feeds.json', import.meta.url);
const feeds = validateFeedsFile(JSON.parse(readFileSync(feedsPath, 'utf8')), String(feedsPath));
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});

export const handler = createDispatcherHandler({
  feeds,
  feedStates: new DynamoFeedStateStore(dynamo, requireEnv('FEEDS_TABLE')),
  queue: new SqsFeedQueue(sqs, requireEnv('QUEUE_URL')),
  clock: systemClock,
  logger: jsonLogger('wbnews-dispatcher'),
  maxParkMs: backoffFromEnv().maxMs,
});
