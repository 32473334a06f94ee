import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FETCH_OPTIONS } from '../../../functions/adapters/http-fetch';
import { MemoryFeedQueue } from '../../../functions/adapters/queue';
import { createDispatcherHandler } from '../../../functions/handlers/dispatcher';
import { createIngestHandler, DEADLINE_RESERVE_MS } from '../../../functions/handlers/ingest';
import type { ArticleDraft } from '../../../functions/core/model';
import type { FeedOutcome } from '../../../functions/ingest/ingest-feed';
import { silentLogger } from '../../../functions/ingest/ports';
import { fakeFetcher, fixedClock, MemoryArticleStore, MemoryFeedStateStore, rssFeed } from '../../helpers/fakes';

const NOW = '2026-11-29T12:00:00.000Z';
const record = (id: string, body: string) => ({ messageId: id, body } as SQSEvent['Records'][number]);
const message = (id: string, url: string) => JSON.stringify({ feed: { id, url }, dispatchedAt: NOW });

const KOSOVO = rssFeed([
  { title: 'Kosovo and Serbia agree on energy deal', link: 'https://a.example/1', description: 'Pristina and Belgrade signed the deal in Brussels.' },
  { title: 'Weather in Lisbon', link: 'https://a.example/2', description: 'Sunny all week.' },
]);

function setup(routes: Parameters<typeof fakeFetcher>[0], fullText?: (draft: ArticleDraft) => Promise<ArticleDraft>) {
  const articles = new MemoryArticleStore();
  const feedStates = new MemoryFeedStateStore();
  const outcomes: FeedOutcome[] = [];
  const handler = createIngestHandler({
    fetch: fakeFetcher(routes),
    fetchOptions: DEFAULT_FETCH_OPTIONS,
    articles,
    feedStates,
    clock: fixedClock(NOW),
    logger: silentLogger,
    onOutcome: (o) => outcomes.push(o),
    fullText,
  });
  return { handler, articles, feedStates, outcomes };
}

describe('ingest handler', () => {
  it('stores the relevant items of each feed and reports no failures', async () => {
    const { handler, articles, outcomes } = setup({ 'https://a.example/feed': KOSOVO });
    const response = await handler({ Records: [record('m1', message('a', 'https://a.example/feed'))] });
    expect(response).toEqual({ batchItemFailures: [] });
    expect([...articles.articles.values()].map((a) => a.title)).toEqual(['Kosovo and Serbia agree on energy deal']);
    expect(outcomes[0]).toMatchObject({ feedId: 'a', outcome: 'fetched', itemsSeen: 2, relevant: 1, stored: 1, known: 0 });
  });

  it('a failing feed is recorded with back-off and does not affect the other feed in the batch', async () => {
    const { handler, articles, feedStates, outcomes } = setup({ 'https://a.example/feed': KOSOVO });
    const response = await handler({
      Records: [record('m1', message('broken', 'https://b.example/missing')), record('m2', message('a', 'https://a.example/feed'))],
    });
    expect(response.batchItemFailures).toEqual([]);
    expect(articles.articles.size).toBe(1);
    expect(outcomes.find((o) => o.feedId === 'broken')).toMatchObject({ outcome: 'failed', error: { code: 'http_status' } });
    expect(feedStates.states.get('broken')).toMatchObject({ consecutiveFailures: 1, nextDueAt: '2026-11-29T12:15:00.000Z', lastError: { code: 'http_status' } });
  });

  it('reports only the record whose storage failed, and a malformed message, as batch item failures', async () => {
    const { handler, articles } = setup({ 'https://a.example/feed': KOSOVO, 'https://c.example/feed': rssFeed([]) });
    articles.failPuts = true;
    const response = await handler({
      Records: [record('m1', message('a', 'https://a.example/feed')), record('m2', '{not json'), record('m3', message('c', 'https://c.example/feed'))],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  });

  it('given the Lambda context, fetches full-text pages only until the deadline (remaining time less one fetch timeout and the reserve)', async () => {
    const teaserFeed = JSON.stringify({ feed: { id: 'a', url: 'https://a.example/feed', fullText: true }, dispatchedAt: NOW });
    const run = async (remainingMs: number) => {
      const pages: string[] = [];
      const { handler, outcomes } = setup({ 'https://a.example/feed': KOSOVO }, async (d) => {
        pages.push(d.url ?? '');
        return d;
      });
      const response = await handler({ Records: [record('m1', teaserFeed)] }, { getRemainingTimeInMillis: () => remainingMs });
      expect(response.batchItemFailures).toEqual([]);
      return { pages, outcome: outcomes[0] };
    };
    const reserve = DEFAULT_FETCH_OPTIONS.timeoutMs + DEADLINE_RESERVE_MS;
    const late = await run(reserve);
    expect(late.pages).toEqual([]);
    expect(late.outcome).toMatchObject({ outcome: 'fetched', stored: 1, fullTextDeferred: 2 });
    const early = await run(reserve + 60_000);
    expect(early.pages).toEqual(['https://a.example/1', 'https://a.example/2']);
    expect(early.outcome).toMatchObject({ stored: 1, fullTextDeferred: 0 });
  });

  it('a repeated body is "unchanged" and stores nothing', async () => {
    const { handler, articles, outcomes } = setup({ 'https://a.example/feed': KOSOVO });
    const event = { Records: [record('m1', message('a', 'https://a.example/feed'))] };
    await handler(event);
    await handler(event);
    expect(outcomes.map((o) => o.outcome)).toEqual(['fetched', 'unchanged']);
    expect(articles.articles.size).toBe(1);
  });
});

describe('dispatcher handler', () => {
  it('sends one message per due feed and skips feeds in back-off', async () => {
    const feedStates = new MemoryFeedStateStore();
    await feedStates.put({ feedId: 'later', consecutiveFailures: 3, nextDueAt: '2026-11-29T13:00:00.000Z' });
    await feedStates.put({ feedId: 'due', consecutiveFailures: 1, nextDueAt: '2026-11-29T11:00:00.000Z' });
    const queue = new MemoryFeedQueue();
    const feeds = ['new', 'later', 'due'].map((id) => ({ id, url: `https://x.example/${id}` }));
    const result = await createDispatcherHandler({ feeds, feedStates, queue, clock: fixedClock(NOW), logger: silentLogger })();
    expect(result).toEqual({
      sent: ['new', 'due'],
      skipped: [{ feedId: 'later', nextDueAt: '2026-11-29T13:00:00.000Z' }],
      failing: [
        { feedId: 'later', consecutiveFailures: 3 },
        { feedId: 'due', consecutiveFailures: 1 },
      ],
    });
    expect(queue.messages).toEqual([
      { feed: { id: 'new', url: 'https://x.example/new' }, dispatchedAt: NOW },
      { feed: { id: 'due', url: 'https://x.example/due' }, dispatchedAt: NOW },
    ]);
  });

  it('reports each failing feed with its streak, last success and error code, and logs them', async () => {
    const feedStates = new MemoryFeedStateStore();
    await feedStates.put({
      feedId: 'flaky',
      consecutiveFailures: 7,
      lastSuccessAt: '2026-11-28T01:00:00.000Z',
      lastError: { code: 'timeout', message: 'feed "flaky": no answer in 15000 ms' },
      nextDueAt: '2026-11-29T11:30:00.000Z',
    });
    await feedStates.put({ feedId: 'fine', consecutiveFailures: 0, lastSuccessAt: '2026-11-29T11:45:00.000Z' });
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = { ...silentLogger, warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }) };
    const feeds = ['flaky', 'fine'].map((id) => ({ id, url: `https://x.example/${id}` }));
    const result = await createDispatcherHandler({ feeds, feedStates, queue: new MemoryFeedQueue(), clock: fixedClock(NOW), logger })();
    const failing = [{ feedId: 'flaky', consecutiveFailures: 7, lastSuccessAt: '2026-11-28T01:00:00.000Z', code: 'timeout' }];
    expect(result.failing).toEqual(failing);
    expect(warnings).toEqual([{ message: 'feeds failing', fields: { failing } }]);
  });

  it('logs no warning when no feed is failing', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => warnings.push(message) };
    const feeds = [{ id: 'a', url: 'https://x.example/a' }];
    const result = await createDispatcherHandler({ feeds, feedStates: new MemoryFeedStateStore(), queue: new MemoryFeedQueue(), clock: fixedClock(NOW), logger })();
    expect(result.failing).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
