import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../functions/core/canonical-url';
import type { FeedConfig } from '../../functions/core/model';
import { articleId } from '../../functions/core/normalize';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { startFeedServer, type FeedServer } from '../../cli/local/feed-server';
import { feedConfig, fixedClock, freshStores, ingestHandler, itemUrl, sqsEvent, storeView, storyByKey, writeFeed, type FeedItem, type Stores } from '../helpers/storage-harness';

// Property: whatever the order, the repetition and the concurrency of the deliveries, a set of
// feed snapshots leaves the same store as delivering each feed once, in order. The snapshots
// come in phases (the feeds as served at one cycle, then at the next); within a phase each
// feed's message is delivered one to three times, in batches whose records run concurrently.
// Feeds share stories under their own URLs (cross-feed duplicates), and the second phase may
// change a story (an update upstream).
const FEEDS = ['alpha', 'beta', 'gamma'] as const;
const STORY_KEYS = ['s1', 's2', 's4', 's5'] as const;
const PHASE_TIMES = ['2026-11-20T12:00:00.000Z', '2026-11-20T12:15:00.000Z'];
// `npm test` runs a few cases; WBNEWS_PROPERTY_RUNS=300 (for example) runs more, to hunt races.
const RUNS = Number(process.env['WBNEWS_PROPERTY_RUNS'] ?? 10);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`WBNEWS_PROPERTY_RUNS: expected a whole number of runs (1 or more), got "${process.env['WBNEWS_PROPERTY_RUNS']}"`);
// To replay a failure: WBNEWS_PROPERTY_SEED and WBNEWS_PROPERTY_PATH, as fast-check printed them.
const SEED = process.env['WBNEWS_PROPERTY_SEED'] ? Number(process.env['WBNEWS_PROPERTY_SEED']) : undefined;
const REPLAY = { ...(SEED !== undefined ? { seed: SEED } : {}), ...(process.env['WBNEWS_PROPERTY_PATH'] ? { path: process.env['WBNEWS_PROPERTY_PATH'] } : {}) };

let aws: LocalAws;
let server: FeedServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wbnews-property-'));
  aws = await startLocalAws({ s3Dir: join(dir, 's3') });
  server = await startFeedServer({ root: dir, dynamic: FEEDS.map((f) => `${f}.xml`) });
});

afterAll(async () => {
  await aws?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Snapshot = Record<(typeof FEEDS)[number], { key: (typeof STORY_KEYS)[number]; edited: boolean }[]>;

/** Publication times: a story is published by alpha first, then beta, then gamma. */
const published = (feedIndex: number, storyIndex: number): string => new Date(Date.UTC(2026, 10, 20, 6 + storyIndex, feedIndex * 20)).toISOString();

function items(feedIndex: number, entries: Snapshot[keyof Snapshot]): FeedItem[] {
  return entries.map((e) => ({ story: storyByKey(e.key), edited: e.edited, published: published(feedIndex, STORY_KEYS.indexOf(e.key)) }));
}

const entriesArb = fc.subarray([...STORY_KEYS], { minLength: 1 }).chain((keys) =>
  fc.tuple(...keys.map((key) => fc.boolean().map((edited) => ({ key, edited })))),
);
const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({ alpha: entriesArb, beta: entriesArb, gamma: entriesArb });
const firstSnapshotArb = snapshotArb.map((s) => Object.fromEntries(Object.entries(s).map(([f, es]) => [f, es.map((e) => ({ ...e, edited: false }))])) as Snapshot);

/** Batches of deliveries (feed indexes); every feed at least once; a feed may repeat, also within a batch. */
const deliveriesArb = fc
  .array(fc.array(fc.integer({ min: 0, max: FEEDS.length - 1 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
  .map((batches) => {
    const missing = FEEDS.map((_, i) => i).filter((i) => !batches.flat().includes(i));
    return missing.length > 0 ? [...batches, missing] : batches;
  });

function feedsOf(indexes: readonly number[]): FeedConfig[] {
  return indexes.map((i) => feedConfig(server.baseUrl, FEEDS[i] as string));
}

function serve(snapshot: Snapshot): void {
  FEEDS.forEach((feed, i) => writeFeed(dir, feed, items(i, snapshot[feed])));
}

async function deliver(stores: Stores, phase: number, batches: readonly (readonly number[])[]): Promise<void> {
  const errors: unknown[] = [];
  const logger = { info: () => {}, warn: () => {}, error: (message: string, fields?: Record<string, unknown>) => void errors.push({ message, ...fields }) };
  const handler = ingestHandler(stores, fixedClock(PHASE_TIMES[phase] as string), [], logger);
  for (const batch of batches) expect({ ...(await handler(sqsEvent(feedsOf(batch)))), errors }).toEqual({ batchItemFailures: [], errors: [] });
}

const allIds = FEEDS.flatMap((feed) =>
  STORY_KEYS.map((key) => {
    const url = canonicalUrl(itemUrl(feed, key)) as string;
    return articleId({ authors: [], categories: [] }, { id: feed, url: '' }, url, null);
  }),
);

describe('redelivery never changes the outcome', () => {
  it('any interleaving of duplicate deliveries of a set of feed snapshots yields the same final store', async () => {
    await fc.assert(
      fc.asyncProperty(firstSnapshotArb, snapshotArb, deliveriesArb, deliveriesArb, async (first, second, deliveries1, deliveries2) => {
        const messy = await freshStores(aws);
        const clean = await freshStores(aws);
        const phases: [Snapshot, (readonly number[])[]][] = [
          [first, deliveries1],
          [second, deliveries2],
        ];
        for (const [phase, [snapshot, deliveries]] of phases.entries()) {
          serve(snapshot);
          await deliver(messy, phase, deliveries);
          await deliver(clean, phase, FEEDS.map((_, i) => [i]));
        }
        const [got, want] = [await storeView(messy, allIds, aws.s3), await storeView(clean, allIds, aws.s3)];
        expect(got).toEqual(want);
        // And the store is what it should be: each story listed once.
        const listedUrls = want.listed.map((a) => a.id);
        expect(new Set(listedUrls).size).toBe(listedUrls.length);
      }),
      { numRuns: RUNS, endOnFailure: true, ...REPLAY },
    );
  }, Math.max(180_000, RUNS * 20_000));
});
