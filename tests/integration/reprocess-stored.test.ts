import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleDraft } from '../../functions/core/model';
import { enrichArticle } from '../../functions/core/pipeline';
import { reprocess, type ReprocessEvent } from '../../functions/ingest/reprocess';
import { silentLogger } from '../../functions/ingest/ports';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { startFeedServer, type FeedServer } from '../../cli/local/feed-server';
import { feedConfig, fixedClock, freshStores, ingestHandler, listObjects, queryAllSummaries, sqsEvent, storyByKey, writeFeed, type Stores } from '../helpers/storage-harness';

// reprocess when raw input has expired: the stored pass re-enriches the stories the raw pass
// did not reach from their stored articles (the real ingest handler and stores on dynalite + s3rver).
let aws: LocalAws;
let server: FeedServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wbnews-reprocess-stored-'));
  aws = await startLocalAws({ s3Dir: join(dir, 's3') });
  server = await startFeedServer({ root: dir, dynamic: ['alpha.xml', 'beta.xml'] });
});

afterAll(async () => {
  await aws?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

// A "new gazetteer": Montenegro no longer counts, every other score is one point higher.
const VERSION = 'test-gazetteer-3';
function enrich(draft: ArticleDraft) {
  const article = enrichArticle(draft, undefined, { takeawaysFor: 'relevant' });
  const relevance = { ...article.relevance, score: article.relevance.score + 1, classifierVersion: VERSION };
  if (draft.title.startsWith('Montenegro')) return { ...article, relevance: { ...relevance, relevant: false, countries: [], countryScores: {} } };
  return { ...article, relevance };
}

// A new classifier version that decides everything the same.
const SAME_VERSION = 'test-gazetteer-same';
function enrichSame(draft: ArticleDraft) {
  const article = enrichArticle(draft, undefined, { takeawaysFor: 'relevant' });
  return { ...article, relevance: { ...article.relevance, classifierVersion: SAME_VERSION } };
}

async function filled(): Promise<Stores> {
  const s = await freshStores(aws);
  writeFeed(dir, 'alpha', [
    { story: storyByKey('s1'), published: '2026-11-20T08:00:00Z' },
    { story: storyByKey('s2'), published: '2026-11-20T09:00:00Z' },
  ]);
  writeFeed(dir, 'beta', [
    { story: storyByKey('s3'), published: '2026-11-21T08:00:00Z' },
    { story: storyByKey('s4'), published: '2026-11-21T09:00:00Z' },
  ]);
  await ingestHandler(s, fixedClock('2026-11-21T12:00:00.000Z'))(sqsEvent([feedConfig(server.baseUrl, 'alpha'), feedConfig(server.baseUrl, 'beta')]));
  expect((await queryAllSummaries(s)).length).toBe(4);
  return s;
}

async function expire(s: Stores, feedId: string): Promise<void> {
  for (const o of await listObjects(aws.s3, s.names.bucket, `raw/feeds/${feedId}/`)) await aws.s3.send(new DeleteObjectCommand({ Bucket: s.names.bucket, Key: o.key }));
}

describe('reprocess when raw input has expired', () => {
  it('GIVEN one feed\'s raw bodies expired and a classifier change THEN its stories are updated or withdrawn from their stored articles, the other feed\'s from raw, and a second run changes nothing', async () => {
    const s = await filled();
    await expire(s, 'alpha');
    const deps = { raw: s.raw, articles: s.articles, logger: silentLogger, enrich, classifierVersion: VERSION };
    const events: ReprocessEvent[] = [];
    const first = await reprocess({}, deps, (e) => events.push(e));
    expect(first).toMatchObject({ rawBodies: 1, items: 2, updated: 2, unchanged: 0, fromStored: { stories: 2, updated: 1, withdrawn: 1, reclassified: 0, unchanged: 0, missing: 0, invalid: 0 } });
    expect(events.map((e) => [e.source, e.feedId, e.title.split(' ')[0], e.change]).sort()).toEqual([
      ['raw', 'beta', 'Record', 'updated'],
      ['raw', 'beta', 'Track', 'updated'],
      ['stored', 'alpha', 'Montenegro', 'withdrawn'],
      ['stored', 'alpha', 'Pristina', 'updated'],
    ]);
    const listed = await queryAllSummaries(s);
    expect(listed.map((a) => a.title.split(' ')[0]).sort()).toEqual(['Pristina', 'Record', 'Track']);
    expect(listed.every((a) => a.revision === 2)).toBe(true);
    const withdrawn = await s.articles.story(events.find((e) => e.change === 'withdrawn')?.id ?? '');
    expect(withdrawn).toMatchObject({ relevant: false, revision: 2, classifierVersion: VERSION });
    // The stored pass keeps what only the stored article had: its content and fetch time.
    const pristina = await s.articles.get(listed.find((a) => a.title.startsWith('Pristina'))?.id ?? '');
    expect(pristina?.content).toContain('Negotiators from Pristina and Belgrade');
    expect(pristina?.fetchedAt).toBe('2026-11-21T12:00:00.000Z');
    expect(pristina?.relevance.classifierVersion).toBe(VERSION);

    const before = await listObjects(aws.s3, s.names.bucket, '');
    const second = await reprocess({}, deps);
    expect(second).toMatchObject({ items: 2, unchanged: 2, updated: 0, fromStored: { stories: 1, unchanged: 1, updated: 0, withdrawn: 0 } });
    expect(await listObjects(aws.s3, s.names.bucket, '')).toEqual(before);
  });

  it('GIVEN a classifier version that decides the same THEN the stored pass only notes the version (reclassified, no new revision, no S3 write), and a second run changes nothing', async () => {
    const s = await filled();
    await expire(s, 'alpha');
    await expire(s, 'beta');
    const deps = { raw: s.raw, articles: s.articles, logger: silentLogger, enrich: enrichSame, classifierVersion: SAME_VERSION };
    const before = await listObjects(aws.s3, s.names.bucket, '');
    const events: ReprocessEvent[] = [];
    expect(await reprocess({}, deps, (e) => events.push(e))).toMatchObject({ rawBodies: 0, fromStored: { stories: 4, reclassified: 4, updated: 0, withdrawn: 0, unchanged: 0 } });
    expect(events.map((e) => [e.source, e.change, e.classifierVersion])).toEqual(Array.from({ length: 4 }, () => ['stored', 'reclassified', SAME_VERSION]));
    expect(await listObjects(aws.s3, s.names.bucket, '')).toEqual(before);
    const listed = await queryAllSummaries(s);
    expect(listed.map((a) => a.revision)).toEqual([1, 1, 1, 1]);
    for (const a of listed) expect((await s.articles.story(a.id))?.classifierVersion).toBe(SAME_VERSION);
    expect(await reprocess({}, deps)).toMatchObject({ fromStored: { stories: 4, reclassified: 0, unchanged: 4 } });
  });

  it('--feed and --since narrow the stored pass too (stories of that feed, published since); a story whose object is gone is counted as missing', async () => {
    const s = await filled();
    await expire(s, 'alpha');
    await expire(s, 'beta');
    const deps = { raw: s.raw, articles: s.articles, logger: silentLogger, enrich, classifierVersion: VERSION };
    expect(await reprocess({ feedId: 'beta' }, deps)).toMatchObject({ rawBodies: 0, fromStored: { stories: 2, updated: 2 } });
    expect(await reprocess({ since: '2026-11-21T00:00:00.000Z' }, deps)).toMatchObject({ rawBodies: 0, fromStored: { stories: 2, unchanged: 2 } });

    const pristina = (await queryAllSummaries(s, { feedId: 'alpha' })).find((a) => a.title.startsWith('Pristina'));
    await aws.s3.send(new DeleteObjectCommand({ Bucket: s.names.bucket, Key: pristina?.objectKey }));
    expect(await reprocess({ feedId: 'alpha' }, deps)).toMatchObject({ fromStored: { stories: 2, missing: 1, withdrawn: 1, updated: 0 } });
  });
});
