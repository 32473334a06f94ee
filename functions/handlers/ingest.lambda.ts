import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { S3DynamoArticleStore } from '../adapters/article-store';
import { backoffFromEnv, fetchOptionsFromEnv, requireEnv } from '../adapters/env';
import { DynamoFeedStateStore } from '../adapters/feed-state-store';
import { createFullTextFetcher } from '../adapters/full-text';
import { fetchUrl } from '../adapters/http-fetch';
import { metricsSink, createPowertools, instrument, loggerPort } from '../adapters/powertools';
import { outcomeMetrics, recordFailureMetrics, SERVICES } from '../adapters/metrics';
import { S3RawStore } from '../adapters/raw-store';
import { classifierForScope, defaultClassifier } from '../core/relevance/classify';
import { systemClock } from '../ingest/ports';
import { createIngestHandler } from './ingest';

// Composition root of the ingest Lambda: configuration and clients are read and created once
// per container, at load. Logs are Powertools JSON lines; each feed's outcome becomes one
// `feed outcome` log line and its data points (functions/adapters/metrics.ts), published as
// EMF once per invocation.
const bucket = requireEnv('ARTICLES_BUCKET');
const dynamo = new DynamoDBClient({});
const s3 = new S3Client({});
const tools = createPowertools(SERVICES.ingest);
const logger = loggerPort(tools.logger);
const metrics = metricsSink(tools.metrics);
const fetchOptions = fetchOptionsFromEnv();
const raw = new S3RawStore(s3, bucket);

// A deployment's relevance scope (context scopeCountries); unset means data/relevance.json's.
const scope = process.env['RELEVANCE_SCOPE'];
const classifier = scope ? classifierForScope(scope.split(',').map((c) => c.trim().toUpperCase()), 'RELEVANCE_SCOPE') : defaultClassifier;

const ingest = createIngestHandler({
  fetch: fetchUrl,
  fetchOptions,
  backoff: backoffFromEnv(),
  // Article pages of `fullText` feeds: public addresses only (never loopback in the cloud).
  fullText: createFullTextFetcher({ fetch: fetchUrl, fetchOptions, ssrf: { allowLoopback: false }, logger, raw }),
  articles: new S3DynamoArticleStore(s3, dynamo, { bucket, table: requireEnv('ARTICLES_TABLE') }),
  feedStates: new DynamoFeedStateStore(dynamo, requireEnv('FEEDS_TABLE')),
  raw,
  clock: systemClock,
  classifier,
  logger,
  onOutcome: (outcome) => {
    logger.info('feed outcome', { ...outcome });
    metrics.add(outcomeMetrics(outcome));
  },
});

export const handler = instrument(ingest, tools, (result) => recordFailureMetrics(result.batchItemFailures.length));
