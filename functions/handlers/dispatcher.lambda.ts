import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { backoffFromEnv, requireEnv } from '../adapters/env';
import { DynamoFeedStateStore } from '../adapters/feed-state-store';
import { dispatchMetrics, SERVICES } from '../adapters/metrics';
import { createPowertools, instrument, loggerPort } from '../adapters/powertools';
import { SqsFeedQueue } from '../adapters/queue';
import { validateFeedsFile } from '../core/feeds-config';
import { systemClock } from '../ingest/ports';
import { createDispatcherHandler } from './dispatcher';

// Composition root of the dispatcher Lambda: configuration and clients are read and created
// once per container, at load, so a missing variable fails the first invocation loudly.
// The stack copies the validated feeds file next to this bundle as feeds.json.
// Every cycle publishes the feeds' health (failing feeds, longest failure streak) as metrics:
// the "feeds failing" alarm reads them.
const feedsPath = process.env['FEEDS_FILE'] ?? new URL('./feeds.json', import.meta.url);
const feeds = validateFeedsFile(JSON.parse(readFileSync(feedsPath, 'utf8')), String(feedsPath));
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});
const tools = createPowertools(SERVICES.dispatcher);

const dispatch = createDispatcherHandler({
  feeds,
  feedStates: new DynamoFeedStateStore(dynamo, requireEnv('FEEDS_TABLE')),
  queue: new SqsFeedQueue(sqs, requireEnv('QUEUE_URL')),
  clock: systemClock,
  logger: loggerPort(tools.logger),
  maxParkMs: backoffFromEnv().maxMs,
});

export const handler = instrument(dispatch, tools, dispatchMetrics);
