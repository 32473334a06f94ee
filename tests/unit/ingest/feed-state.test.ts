import { describe, expect, it } from 'vitest';
import { DEFAULT_FETCH_OPTIONS, type FetchOptions, type FetchResult } from '../../../functions/adapters/http-fetch';
import { MemoryFeedQueue } from '../../../functions/adapters/queue';
import { FeedFetchError } from '../../../functions/core/errors';
import { dispatchFeeds } from '../../../functions/dispatch/dispatch';
import { ingestFeed, nextDueAfterFailure, type IngestDeps } from '../../../functions/ingest/ingest-feed';
import { silentLogger, type RawStore } from '../../../functions/ingest/ports';
import { fixedClock, MemoryArticleStore, MemoryFeedStateStore, rssFeed } from '../../helpers/fakes';

// The fetch and feed-state half of ingestFeed: conditional GET, unchanged bodies, redirects,
// health and back-off. Storage of articles is the other half and is tested elsewhere.
const NOW = '2026-11-29T12:00:00.000Z';
const FEED = { id: 'vesti', url: 'https://vesti.example/rss' };
const BODY = rssFeed([{ title: 'Kosovo and Serbia agree on energy deal', link: 'https://vesti.example/1', description: 'Pristina and Belgrade signed the deal in Brussels.' }]);

type Answer = Partial<FetchResult> | FeedFetchError;

/** A fetcher answering from a script, one answer per call, recording the options it was given. */
function scriptedFetcher(answers: Answer[]) {
  const calls: { url: string; options: FetchOptions }[] = [];
  const fetch = async (url: string, options: FetchOptions): Promise<FetchResult> => {
    calls.push({ url, options });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (answer instanceof FeedFetchError) throw answer;
    return { status: 200, notModified: false, bytes: new TextEncoder().encode(BODY), contentType: 'application/rss+xml', finalUrl: url, durationMs: 3, ...answer };
  };
  return { fetch, calls };
}

class CountingRawStore implements RawStore {
  puts = 0;
  async putFeedBody(feedId: string, fetchedAt: string): Promise<string> {
    this.puts++;
    return `raw/feeds/${feedId}/${fetchedAt}.xml.gz`;
  }
  async putPage(feedId: string, articleId: string, fetchedAt: string): Promise<string> {
    this.puts++;
    return `raw/pages/${feedId}/${fetchedAt}/${articleId}.html.gz`;
  }
}

function setup(answers: Answer[], clock = fixedClock(NOW)) {
  const { fetch, calls } = scriptedFetcher(answers);
  const articles = new MemoryArticleStore();
  const feedStates = new MemoryFeedStateStore();
  const raw = new CountingRawStore();
  let puts = 0;
  const put = articles.put.bind(articles);
  articles.put = async (article) => {
    puts++;
    return put(article);
  };
  const deps: IngestDeps = { fetch, fetchOptions: DEFAULT_FETCH_OPTIONS, articles, feedStates, raw, clock, logger: silentLogger };
  return { deps, calls, articles, feedStates, raw, articlePuts: () => puts };
}

describe('conditional GET and unchanged feeds', () => {
  it('GIVEN a first fetch THEN the validators, body hash, URL and health are recorded', async () => {
    const { deps, feedStates } = setup([{ etag: '"v1"', lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT' }]);
    const outcome = await ingestFeed(FEED, deps);
    expect(outcome).toMatchObject({ outcome: 'fetched', status: 200, format: 'rss2', charset: 'utf-8', stored: 1 });
    expect(feedStates.states.get('vesti')).toMatchObject({
      feedId: 'vesti',
      url: FEED.url,
      etag: '"v1"',
      lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT',
      bodyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      lastAttemptAt: NOW,
      lastSuccessAt: NOW,
      lastChangedAt: NOW,
      lastStatus: 200,
      consecutiveFailures: 0,
      nextDueAt: NOW,
    });
  });

  it('GIVEN stored validators WHEN the server answers 304 THEN they are sent, nothing is parsed or written but the feed state', async () => {
    const { deps, calls, feedStates, raw, articlePuts } = setup([{ etag: '"v1"', lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT' }, { status: 304, notModified: true, bytes: new Uint8Array() }]);
    await ingestFeed(FEED, deps);
    const [putsBefore, rawBefore] = [articlePuts(), raw.puts];
    deps.clock.now = () => new Date('2026-11-29T12:15:00.000Z');
    const outcome = await ingestFeed(FEED, deps);
    expect(calls[1]?.options).toMatchObject({ etag: '"v1"', lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT' });
    expect(outcome).toMatchObject({ outcome: 'unchanged', status: 304, itemsSeen: 0, stored: 0 });
    expect([articlePuts(), raw.puts]).toEqual([putsBefore, rawBefore]);
    expect(feedStates.states.get('vesti')).toMatchObject({ etag: '"v1"', lastAttemptAt: '2026-11-29T12:15:00.000Z', lastChangedAt: NOW, lastStatus: 304 });
  });

  it('GIVEN a server without validators WHEN the body is byte-for-byte the same THEN it is "unchanged" by its hash', async () => {
    const { deps, raw, articlePuts } = setup([{}]);
    await ingestFeed(FEED, deps);
    const outcome = await ingestFeed(FEED, deps);
    expect(outcome).toMatchObject({ outcome: 'unchanged', itemsSeen: 0 });
    expect([articlePuts(), raw.puts]).toEqual([1, 1]);
  });

  it('GIVEN the configured URL changed WHEN fetching THEN Last-Modified is not sent (a date says nothing about another server), the ETag is', async () => {
    const { deps, calls, feedStates } = setup([{ etag: '"v1"', lastModified: 'Sun, 29 Nov 2026 07:00:00 GMT' }, { status: 304, notModified: true, bytes: new Uint8Array() }]);
    await ingestFeed(FEED, deps);
    const outcome = await ingestFeed({ ...FEED, url: 'https://new.vesti.example/rss' }, deps);
    expect(calls[1]?.options).toMatchObject({ etag: '"v1"', lastModified: undefined });
    expect(outcome.outcome).toBe('unchanged');
    expect(feedStates.states.get('vesti')).toMatchObject({ url: 'https://new.vesti.example/rss', etag: '"v1"' });
    expect(feedStates.states.get('vesti')?.lastModified).toBeUndefined();
  });
});

describe('permanent redirects', () => {
  it('are recorded in the feed state and reported in the outcome, and cleared once the feed stops redirecting', async () => {
    const { deps, feedStates } = setup([{ permanentRedirect: 'https://vesti.example/feed/', finalUrl: 'https://vesti.example/feed/' }, {}]);
    const moved = await ingestFeed(FEED, deps);
    expect(moved.movedTo).toBe('https://vesti.example/feed/');
    expect(feedStates.states.get('vesti')?.movedTo).toEqual({ url: 'https://vesti.example/feed/', at: NOW });
    await ingestFeed(FEED, deps);
    expect(feedStates.states.get('vesti')?.movedTo).toBeUndefined();
  });
});

describe('feed health and back-off', () => {
  const timeout = new FeedFetchError('timeout', 'no complete response within 15000 ms', { feedId: 'vesti', value: '15000' });

  it('doubles the wait after each failure and never waits longer than the cap', () => {
    const now = new Date(NOW);
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 50, 5000].map((n) => (Date.parse(nextDueAfterFailure(now, n)) - now.getTime()) / 60_000);
    expect(waits).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440]);
    expect(nextDueAfterFailure(now, 3, { baseMs: 60_000, maxMs: 600_000 })).toBe('2026-11-29T12:04:00.000Z');
  });

  it('records each failure with its error, counts them, and resets on success', async () => {
    const { deps, feedStates } = setup([timeout, timeout, {}]);
    const first = await ingestFeed(FEED, deps);
    expect(first).toMatchObject({ outcome: 'failed', error: { code: 'timeout' }, nextDueAt: '2026-11-29T12:15:00.000Z' });
    await ingestFeed(FEED, deps);
    expect(feedStates.states.get('vesti')).toMatchObject({
      consecutiveFailures: 2,
      nextDueAt: '2026-11-29T12:30:00.000Z',
      lastAttemptAt: NOW,
      lastError: { code: 'timeout', message: 'feed "vesti": no complete response within 15000 ms' },
    });
    expect(feedStates.states.get('vesti')?.lastSuccessAt).toBeUndefined();
    await ingestFeed(FEED, deps);
    const healed = feedStates.states.get('vesti');
    expect(healed).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: NOW, nextDueAt: NOW });
    expect(healed?.lastError).toBeUndefined();
  });

  it('takes the next due time from Retry-After on 429/503, under the same cap', async () => {
    const busy = new FeedFetchError('http_status', 'HTTP 429 (retry after 600 s)', { status: 429, retryAfterMs: 600_000, value: '429' });
    const { deps, feedStates } = setup([busy]);
    expect(await ingestFeed(FEED, deps)).toMatchObject({ outcome: 'failed', status: 429, nextDueAt: '2026-11-29T12:10:00.000Z' });
    expect(feedStates.states.get('vesti')).toMatchObject({ lastStatus: 429, nextDueAt: '2026-11-29T12:10:00.000Z' });

    const forever = new FeedFetchError('http_status', 'HTTP 503', { status: 503, retryAfterMs: 30 * 24 * 3600_000, value: '503' });
    const capped = setup([forever]);
    expect((await ingestFeed(FEED, capped.deps)).nextDueAt).toBe('2026-11-30T12:00:00.000Z');
  });

  it('a body that is not a feed is a failure with its typed error, not a crash', async () => {
    const { deps } = setup([{ bytes: new TextEncoder().encode('<!DOCTYPE html><html><body>Moved</body></html>'), contentType: 'text/html' }]);
    expect(await ingestFeed(FEED, deps)).toMatchObject({ outcome: 'failed', error: { code: 'not_a_feed', message: 'feed "vesti": not a feed: root element <html>' } });
  });
});

describe('dispatcher and due times', () => {
  it('skips feeds not yet due, sends due and new ones, and never parks a feed beyond the cap', async () => {
    const feedStates = new MemoryFeedStateStore();
    await feedStates.put({ feedId: 'backing-off', consecutiveFailures: 2, nextDueAt: '2026-11-29T12:30:00.000Z' });
    await feedStates.put({ feedId: 'due', consecutiveFailures: 0, nextDueAt: NOW });
    await feedStates.put({ feedId: 'corrupt', consecutiveFailures: 9, nextDueAt: '2099-01-01T00:00:00.000Z' });
    const queue = new MemoryFeedQueue();
    const feeds = ['new', 'backing-off', 'due', 'corrupt'].map((id) => ({ id, url: `https://x.example/${id}` }));
    const result = await dispatchFeeds({ feeds, feedStates, queue, clock: fixedClock(NOW), logger: silentLogger, maxParkMs: 24 * 3600_000 });
    expect(result.sent).toEqual(['new', 'due', 'corrupt']);
    expect(result.skipped).toEqual([{ feedId: 'backing-off', nextDueAt: '2026-11-29T12:30:00.000Z' }]);
  });

  it('ignoreBackoff sends every feed, the ones in back-off included, and still reports them failing', async () => {
    const feedStates = new MemoryFeedStateStore();
    await feedStates.put({ feedId: 'backing-off', consecutiveFailures: 2, nextDueAt: '2026-11-29T12:30:00.000Z', lastError: { code: 'timeout', message: 'slow' } });
    const queue = new MemoryFeedQueue();
    const feeds = ['new', 'backing-off'].map((id) => ({ id, url: `https://x.example/${id}` }));
    const result = await dispatchFeeds({ feeds, feedStates, queue, clock: fixedClock(NOW), logger: silentLogger, ignoreBackoff: true });
    expect(result.sent).toEqual(['new', 'backing-off']);
    expect(result.skipped).toEqual([]);
    expect(result.failing).toEqual([{ feedId: 'backing-off', consecutiveFailures: 2, code: 'timeout' }]);
    expect(queue.messages.map((m) => m.feed.id)).toEqual(['new', 'backing-off']);
  });
});
