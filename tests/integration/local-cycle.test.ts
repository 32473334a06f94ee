import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { loadFeedsFile, runCycle } from '../../cli/local/cycle';
import { startFeedServer, type FeedServer } from '../../cli/local/feed-server';

// The real handlers, on dynalite + s3rver, fetching the demo feeds over loopback HTTP.
const DEMO = fileURLToPath(new URL('../../feeds/demo/', import.meta.url));
let aws: LocalAws;
let server: FeedServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wbnews-it-'));
  aws = await startLocalAws({ s3Dir: join(dir, 's3') });
  server = await startFeedServer({ root: DEMO, dynamic: ['balkan-wire.xml', 'southeast-atom.xml'] });
});

afterAll(async () => {
  await aws?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('one local cycle through the real handlers', () => {
  it('GIVEN the demo feeds WHEN the first cycle runs THEN the seed article is stored with its 4 takeaways, tagged XK, RS and BA', async () => {
    const feeds = loadFeedsFile(join(DEMO, 'feeds.json'), server.baseUrl);
    const { summary, outcomes } = await runCycle({ aws, feeds });
    expect(summary).toMatchObject({ feeds: 3, fetched: 3, unchanged: 0, failed: 0, retriedRecords: 0 });
    expect(summary.stored).toBe(summary.relevant);
    expect(summary.stored).toBeGreaterThanOrEqual(5);
    expect(outcomes.map((o) => o.format).sort()).toEqual(['atom', 'rss1', 'rss2']);

    const store = new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable });
    const kosovo = [];
    for await (const s of store.query({ country: 'XK' })) kosovo.push(s);
    const seed = kosovo.find((s) => s.title.includes('Rutte'));
    expect(seed).toBeDefined();
    const article = await store.get(seed!.id);
    expect(article?.takeaways.method).toBe('explicit');
    // The four bullets of the seed's "Key Takeaways" list (../shared/seed/rutte-western-balkans.txt), verbatim.
    expect(article?.takeaways.items.map((t) => t.text)).toEqual([
      'NATO stresses the importance of dialogue between Kosovo and Serbia for lasting peace.',
      'Rutte calls for flexibility and compromise from both parties in normalization talks.',
      'NATO’s KFOR mission remains crucial for maintaining security in Kosovo.',
      'The alliance’s commitment to the region is vital for broader Euro-Atlantic security.',
    ]);
    // Each one is where its offsets say in the stored text.
    for (const t of article?.takeaways.items ?? []) {
      expect(t.start).not.toBeNull();
      expect(article?.content.slice(t.start ?? 0, t.end ?? 0)).toBe(t.text);
    }
    expect([...(article?.relevance.countries ?? [])].sort()).toEqual(['BA', 'RS', 'XK']);
    // Findable under each of its countries.
    for (const country of ['RS', 'BA']) {
      const ids = [];
      for await (const s of store.query({ country })) ids.push(s.id);
      expect(ids).toContain(seed!.id);
    }
    // The windows-1250 feed decoded correctly.
    const serbian = [];
    for await (const s of store.query({ feedId: 'demo-vesti-rdf' })) serbian.push(s.title);
    expect(serbian).toContain('Novi Sad: počela izgradnja novog mosta preko Dunava');
  });

  it('WHEN the cycle runs again THEN nothing new is stored: static feeds answer 304, regenerated feeds report their items as already known', async () => {
    const feeds = loadFeedsFile(join(DEMO, 'feeds.json'), server.baseUrl);
    const before = await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.names.bucket, Prefix: 'articles/' }));
    const { summary, outcomes } = await runCycle({ aws, feeds });
    expect(summary.stored).toBe(0);
    // Every item of the regenerated feeds is known: the relevant ones stored, the others remembered as not relevant.
    expect(summary.known).toBe(summary.itemsSeen);
    expect(summary.relevant).toBeGreaterThan(0);
    expect(outcomes.find((o) => o.feedId === 'demo-vesti-rdf')?.outcome).toBe('unchanged');
    expect(server.requests.filter((r) => r.path === '/vesti-rdf.xml').map((r) => r.status)).toEqual([200, 304]);
    const after = await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.names.bucket, Prefix: 'articles/' }));
    expect(after.KeyCount).toBe(before.KeyCount);
  });

  it('a feed that fails is reported with its error code and the others still complete', async () => {
    const feeds = [
      { id: 'missing', url: `${server.baseUrl}nope.xml` },
      { id: 'fine', url: `${server.baseUrl}balkan-wire.xml` },
    ];
    const { outcomes } = await runCycle({ aws, feeds });
    expect(outcomes.find((o) => o.feedId === 'missing')).toMatchObject({ outcome: 'failed', error: { code: 'http_status' } });
    expect(outcomes.find((o) => o.feedId === 'fine')).toMatchObject({ outcome: 'fetched' });
  });

  it('stored objects are plain JSON readable with a standard S3 client', async () => {
    const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.names.bucket, Prefix: 'articles/dt=' }));
    const key = listed.Contents?.[0]?.Key;
    expect(key).toMatch(/^articles\/dt=\d{4}-\d{2}-\d{2}\/u[0-9a-f]{31}\.json$/);
    const object = await aws.s3.send(new GetObjectCommand({ Bucket: aws.names.bucket, Key: key }));
    expect(object.ContentType).toBe('application/json; charset=utf-8');
    const article = JSON.parse((await object.Body?.transformToString()) ?? '{}');
    expect(article).toMatchObject({ schemaVersion: 1, relevance: { relevant: true } });
  });
});
