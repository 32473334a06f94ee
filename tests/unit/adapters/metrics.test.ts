import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatchMetrics, INGEST_METRICS, outcomeMetrics, recordFailureMetrics } from '../../../functions/adapters/metrics';
import { createPowertools, instrument, loggerPort, metricsSink } from '../../../functions/adapters/powertools';
import type { FeedOutcome } from '../../../functions/ingest/ingest-feed';

const fetched: FeedOutcome = { feedId: 'a', outcome: 'fetched', format: 'rss2', itemsSeen: 12, relevant: 4, stored: 3, known: 1, duplicates: 2, updated: 0, invalid: 0, fetchMs: 231, durationMs: 410 };

describe('outcomeMetrics', () => {
  it('maps a fetched feed to one point per metric, with its fetch latency (Duplicates = already known + syndicated copies)', () => {
    expect(outcomeMetrics(fetched)).toEqual([
      { name: 'FeedsFetched', unit: 'Count', value: 1 },
      { name: 'FeedsUnchanged', unit: 'Count', value: 0 },
      { name: 'FeedsFailed', unit: 'Count', value: 0 },
      { name: 'ItemsParsed', unit: 'Count', value: 12 },
      { name: 'ItemsRelevant', unit: 'Count', value: 4 },
      { name: 'ArticlesStored', unit: 'Count', value: 3 },
      { name: 'Duplicates', unit: 'Count', value: 3 },
      { name: 'FetchLatency', unit: 'Milliseconds', value: 231 },
    ]);
  });

  it('counts an unchanged feed once and stores zeros, so sums stay exact', () => {
    const points = outcomeMetrics({ feedId: 'b', outcome: 'unchanged', itemsSeen: 0, relevant: 0, stored: 0, known: 0, duplicates: 0, updated: 0, invalid: 0, fetchMs: 40, durationMs: 45 });
    expect(Object.fromEntries(points.map((p) => [p.name, p.value]))).toEqual({
      FeedsFetched: 0, FeedsUnchanged: 1, FeedsFailed: 0, ItemsParsed: 0, ItemsRelevant: 0, ArticlesStored: 0, Duplicates: 0, FetchLatency: 40,
    });
  });

  it('has no latency point for a feed that failed before an answer', () => {
    const points = outcomeMetrics({ feedId: 'c', outcome: 'failed', itemsSeen: 0, relevant: 0, stored: 0, known: 0, duplicates: 0, updated: 0, invalid: 0, error: { code: 'timeout', message: 'x' }, durationMs: 15000 });
    expect(points.find((p) => p.name === INGEST_METRICS.feedsFailed)?.value).toBe(1);
    expect(points.some((p) => p.name === INGEST_METRICS.fetchLatency)).toBe(false);
  });
});

describe('dispatchMetrics and recordFailureMetrics', () => {
  it('reports dispatched feeds, failing feeds and the longest failure streak', () => {
    const result = {
      sent: ['a', 'b'],
      skipped: [{ feedId: 'c', nextDueAt: '2026-01-01T00:00:00.000Z' }],
      failing: [{ feedId: 'c', consecutiveFailures: 7 }, { feedId: 'b', consecutiveFailures: 2 }],
    };
    expect(dispatchMetrics(result)).toEqual([
      { name: 'FeedsDispatched', unit: 'Count', value: 2 },
      { name: 'FailingFeeds', unit: 'Count', value: 2 },
      { name: 'MaxConsecutiveFailures', unit: 'Count', value: 7 },
    ]);
  });

  it('reports a streak of 0 when no feed fails', () => {
    expect(dispatchMetrics({ sent: [], skipped: [], failing: [] }).map((p) => p.value)).toEqual([0, 0, 0]);
  });

  it('counts failed records', () => {
    expect(recordFailureMetrics(2)).toEqual([{ name: 'RecordsFailed', unit: 'Count', value: 2 }]);
  });
});

// The Powertools adapter, with the real Powertools classes writing to a captured stdout.
describe('Powertools adapter', () => {
  const context = {
    functionName: 'wbnews-ingest-fn',
    functionVersion: '$LATEST',
    memoryLimitInMB: '512',
    awsRequestId: 'req-123',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:wbnews-ingest-fn',
  } as Context;
  let lines: Record<string, unknown>[];

  beforeEach(() => {
    lines = [];
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  const emf = () => lines.filter((l) => '_aws' in l);
  const logs = () => lines.filter((l) => !('_aws' in l));

  it('logs structured lines with the fields as keys and the invocation context', async () => {
    const tools = createPowertools('wbnews-ingest');
    const logger = loggerPort(tools.logger);
    const handler = instrument(async (n: number) => {
      logger.info('feed outcome', { feedId: 'a', stored: n });
      return n;
    }, tools, () => recordFailureMetrics(0));
    await handler(3, context);
    expect(logs()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'feed outcome', service: 'wbnews-ingest', feedId: 'a', stored: 3, function_request_id: 'req-123', function_name: 'wbnews-ingest-fn' }),
    ]);
  });

  it('publishes the points of every outcome and of the result as one EMF line in the Wbnews namespace', async () => {
    const tools = createPowertools('wbnews-ingest');
    const sink = metricsSink(tools.metrics);
    const handler = instrument(async () => {
      sink.add(outcomeMetrics(fetched));
      sink.add(outcomeMetrics({ ...fetched, feedId: 'b', stored: 0, fetchMs: 90 }));
      return { batchItemFailures: [] };
    }, tools, (r) => recordFailureMetrics(r.batchItemFailures.length));
    await handler(undefined, context);
    const [blob] = emf();
    expect(emf()).toHaveLength(1);
    expect(blob).toMatchObject({
      service: 'wbnews-ingest',
      ArticlesStored: [3, 0],
      FetchLatency: [231, 90],
      FeedsFetched: [1, 1],
      RecordsFailed: 0,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Wbnews', Dimensions: [['service']] }] },
    });
    const declared = (blob?.['_aws'] as { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0]?.Metrics;
    expect(declared).toContainEqual({ Name: 'FetchLatency', Unit: 'Milliseconds' });
    expect(declared).toContainEqual({ Name: 'ArticlesStored', Unit: 'Count' });
  });

  it('still publishes the points added before the handler threw', async () => {
    const tools = createPowertools('wbnews-ingest');
    const sink = metricsSink(tools.metrics);
    const handler = instrument(async () => {
      sink.add(outcomeMetrics(fetched));
      throw new Error('storage down');
    }, tools, () => []);
    await expect(handler(undefined, context)).rejects.toThrow('storage down');
    expect(emf()).toEqual([expect.objectContaining({ ArticlesStored: 3 })]);
  });
});
