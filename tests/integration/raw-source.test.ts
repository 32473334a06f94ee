import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_BUDGET, metadataBytes } from '../../functions/adapters/raw-store';
import type { FeedOutcome } from '../../functions/ingest/ingest-feed';
import { reprocess } from '../../functions/ingest/reprocess';
import { silentLogger } from '../../functions/ingest/ports';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { startFeedServer, type FeedServer } from '../../cli/local/feed-server';
import { feedConfig, fixedClock, freshStores, ingestHandler, listObjects, sqsEvent, storyByKey, writeFeed } from '../helpers/storage-harness';

// A feed whose address is a very long URL (a long query string: tracking, session, filters) is
// kept as raw input like any other: the real ingest handler on s3rver, then replayed.
let aws: LocalAws;
let server: FeedServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wbnews-raw-source-'));
  aws = await startLocalAws({ s3Dir: join(dir, 's3') });
  server = await startFeedServer({ root: dir, dynamic: ['longurl.xml'] });
});

afterAll(async () => {
  await aws?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('raw feed bodies of a feed with a very long URL', () => {
  it('GIVEN a 6 KB feed URL WHEN the feed is ingested THEN its body is kept with metadata under the S3 limit, and replay reads its source back', async () => {
    const s = await freshStores(aws);
    writeFeed(dir, 'longurl', [{ story: storyByKey('s1'), published: '2026-11-20T08:00:00Z' }]);
    const feed = { ...feedConfig(server.baseUrl, 'longurl'), url: `${server.baseUrl}longurl.xml?${'session=abcdef0123456789&'.repeat(250)}x=1` };
    expect(feed.url.length).toBeGreaterThan(6000);
    const outcomes: FeedOutcome[] = [];
    await ingestHandler(s, fixedClock('2026-11-20T12:00:00.000Z'), outcomes)(sqsEvent([feed]));
    expect(outcomes[0]).toMatchObject({ status: 200, stored: 1 });

    const raw = await listObjects(aws.s3, s.names.bucket, 'raw/feeds/longurl/');
    expect(raw.map((o) => o.key.replace(/\/[^/]+?(\.xml\.gz.*)$/, '/*$1'))).toEqual(['raw/feeds/longurl/*.xml.gz', 'raw/feeds/longurl/*.xml.gz.source.json']);
    const body = raw.find((o) => o.key.endsWith('.xml.gz'));
    expect(metadataBytes(body?.metadata ?? {})).toBeLessThanOrEqual(METADATA_BUDGET);
    expect(body?.metadata['source-key']).toBe(`${body?.key}.source.json`);

    const kept = await s.raw.getFeedBody(body?.key ?? '');
    expect(kept.feed).toEqual(feed);
    expect(kept.finalUrl).toBe(feed.url);
    expect(await reprocess({}, { raw: s.raw, articles: s.articles, logger: silentLogger })).toMatchObject({ rawBodies: 1, items: 1, unchanged: 1, unreadable: 0 });
  });
});
