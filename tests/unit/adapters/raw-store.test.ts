import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { METADATA_BUDGET, metadataBytes, S3RawStore } from '../../../functions/adapters/raw-store';
import { BadInputError } from '../../../functions/core/errors';

const s3 = mockClient(S3Client);
const raw = () => new S3RawStore(new S3Client({}), 'b');
const feed = { id: 'balkan-wire', url: 'https://wire.example/feed', name: 'Балкан Wire', language: 'sr-Cyrl' };

beforeEach(() => s3.reset());

describe('S3RawStore writes', () => {
  it('keeps a feed body gzip-compressed, as a Buffer of known length, under a key that sorts by feed and time, with what replay needs', async () => {
    s3.on(PutObjectCommand).resolves({});
    const body = new TextEncoder().encode('<rss version="2.0"><channel><title>Вести</title></channel></rss>');
    const key = await raw().putFeedBody('balkan-wire', '2026-11-20T10:00:00.000Z', body, 'application/rss+xml; charset=utf-8', { feed, finalUrl: 'https://wire.example/feed?p=ž' });
    expect(key).toBe('raw/feeds/balkan-wire/2026-11-20T10-00-00-000Z.xml.gz');
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'b',
      Key: key,
      ContentType: 'application/rss+xml; charset=utf-8',
      ContentEncoding: 'gzip',
      Metadata: {
        'feed-id': 'balkan-wire',
        'fetched-at': '2026-11-20T10:00:00.000Z',
        'final-url': 'https://wire.example/feed?p=%C5%BE',
        feed: Buffer.from(JSON.stringify(feed)).toString('base64url'),
        'body-sha256': createHash('sha256').update(body).digest('hex'),
      },
    });
    expect(Buffer.isBuffer(input?.Body)).toBe(true);
    expect(input?.ContentLength).toBe((input?.Body as Buffer).length);
    expect(gunzipSync(input?.Body as Buffer)).toEqual(Buffer.from(body));
    // Metadata travels as HTTP headers: ASCII only.
    for (const value of Object.values(input?.Metadata ?? {})) expect(value).toMatch(/^[\x20-\x7e]*$/);
  });

  it('keeps a fetched full-text page under raw/pages/<feed>/<time>/<article>.html.gz', async () => {
    s3.on(PutObjectCommand).resolves({});
    const key = await raw().putPage('balkan-wire', 'u0123456789abcdef0123456789abcde', '2026-11-20T10:00:00.000Z', {
      url: 'https://wire.example/a',
      body: new TextEncoder().encode('<html><body>Text</body></html>'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(key).toBe('raw/pages/balkan-wire/2026-11-20T10-00-00-000Z/u0123456789abcdef0123456789abcde.html.gz');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: key,
      ContentType: 'text/html; charset=utf-8',
      ContentEncoding: 'gzip',
      Metadata: expect.objectContaining({ 'feed-id': 'balkan-wire', 'article-id': 'u0123456789abcdef0123456789abcde', url: 'https://wire.example/a' }),
    });
  });
});

describe('S3RawStore metadata stays under the 2 KB S3 allows', () => {
  const longUrl = `https://wire.example/feed?${'tracking=ž&'.repeat(600)}end=1`;
  const bigFeed = { ...feed, url: longUrl, name: 'N'.repeat(3000) };

  it('GIVEN a very long final URL and feed configuration WHEN a body is kept THEN they go to a sidecar JSON object written first, and the metadata names it', async () => {
    s3.on(PutObjectCommand).resolves({});
    const body = new TextEncoder().encode('<rss version="2.0"/>');
    const key = await raw().putFeedBody('balkan-wire', '2026-11-20T10:00:00.000Z', body, 'application/rss+xml', { feed: bigFeed, finalUrl: longUrl });
    const calls = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Key)).toEqual([`${key}.source.json`, key]);
    const sidecar = calls[0];
    expect(sidecar).toMatchObject({ Bucket: 'b', ContentType: 'application/json; charset=utf-8' });
    expect(sidecar?.ContentLength).toBe((sidecar?.Body as Buffer).length);
    expect(JSON.parse((sidecar?.Body as Buffer).toString('utf8'))).toEqual({ finalUrl: longUrl, feed: bigFeed });
    expect(calls[1]?.Metadata).toEqual({
      'feed-id': 'balkan-wire',
      'fetched-at': '2026-11-20T10:00:00.000Z',
      'body-sha256': createHash('sha256').update(body).digest('hex'),
      'source-key': `${key}.source.json`,
    });
    expect(metadataBytes(calls[1]?.Metadata ?? {})).toBeLessThanOrEqual(METADATA_BUDGET);
  });

  it('GIVEN a page with a very long URL THEN its URL goes to the sidecar too; a short one stays in the metadata with no sidecar', async () => {
    s3.on(PutObjectCommand).resolves({});
    const page = { url: longUrl, body: new TextEncoder().encode('<html></html>'), contentType: 'text/html' };
    const key = await raw().putPage('balkan-wire', 'u0123456789abcdef0123456789abcde', '2026-11-20T10:00:00.000Z', page);
    const calls = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Key)).toEqual([`${key}.source.json`, key]);
    expect(JSON.parse((calls[0]?.Body as Buffer).toString('utf8'))).toEqual({ url: longUrl });
    expect(calls[1]?.Metadata?.['url']).toBeUndefined();
    expect(metadataBytes(calls[1]?.Metadata ?? {})).toBeLessThanOrEqual(METADATA_BUDGET);

    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    await raw().putPage('balkan-wire', 'u0123456789abcdef0123456789abcde', '2026-11-20T10:00:00.000Z', { ...page, url: 'https://wire.example/a' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('reads a body whose source is in a sidecar back with the full URL and feed', async () => {
    const key = 'raw/feeds/balkan-wire/2026-11-20T10-00-00-000Z.xml.gz';
    s3.on(GetObjectCommand, { Key: key }).resolves({
      Body: { transformToByteArray: async () => new Uint8Array(gzipSync('<rss/>')) } as unknown as GetObjectCommandOutput['Body'],
      Metadata: { 'feed-id': 'balkan-wire', 'fetched-at': '2026-11-20T10:00:00.000Z', 'source-key': `${key}.source.json` },
    });
    s3.on(GetObjectCommand, { Key: `${key}.source.json` }).resolves({
      Body: { transformToString: async () => JSON.stringify({ finalUrl: longUrl, feed: bigFeed }) } as unknown as GetObjectCommandOutput['Body'],
    });
    expect(await raw().getFeedBody(key)).toMatchObject({ feed: bigFeed, finalUrl: longUrl });

    s3.on(GetObjectCommand, { Key: `${key}.source.json` }).resolves({ Body: { transformToString: async () => 'not json' } as unknown as GetObjectCommandOutput['Body'] });
    await expect(raw().getFeedBody(key)).rejects.toThrowError(`raw feed body ${key}: its source object ${key}.source.json is not valid JSON of a feed source`);
  });
});

describe('S3RawStore reads (replay)', () => {
  it('lists kept feed bodies since a time, following continuation tokens, skipping other keys', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        IsTruncated: true,
        NextContinuationToken: 'next',
        Contents: [{ Key: 'raw/feeds/a/2026-11-19T10-00-00-000Z.xml.gz' }, { Key: 'raw/feeds/a/2026-11-20T10-00-00-000Z.xml.gz' }, { Key: 'raw/feeds/a/notes.txt' }],
      })
      .resolves({ IsTruncated: false, Contents: [{ Key: 'raw/feeds/b/2026-11-21T00-00-00-000Z.xml.gz' }] });
    const keys = [];
    for await (const key of raw().listFeedBodies({ since: '2026-11-20T00:00:00.000Z' })) keys.push(key);
    expect(keys).toEqual(['raw/feeds/a/2026-11-20T10-00-00-000Z.xml.gz', 'raw/feeds/b/2026-11-21T00-00-00-000Z.xml.gz']);
    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 1, { Bucket: 'b', Prefix: 'raw/feeds/' });
    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 2, { Bucket: 'b', Prefix: 'raw/feeds/', ContinuationToken: 'next' });
  });

  it('with one feed, starts the listing at the time asked for', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    for await (const _ of raw().listFeedBodies({ feedId: 'a', since: '2026-11-20T00:00:00.000Z' })) expect.unreachable();
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: 'raw/feeds/a/', StartAfter: 'raw/feeds/a/2026-11-20T00-00-00-000Z' });
  });

  it('reads a body back: decompressed, with its feed, final URL, fetch time and content type', async () => {
    const xml = Buffer.from('<rss version="2.0"/>');
    s3.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => new Uint8Array(gzipSync(xml)) } as unknown as GetObjectCommandOutput['Body'],
      ContentType: 'application/rss+xml; charset=windows-1250',
      Metadata: { 'feed-id': 'balkan-wire', 'fetched-at': '2026-11-20T10:00:00.000Z', 'final-url': 'https://wire.example/feed?p=%C5%BE', feed: Buffer.from(JSON.stringify(feed)).toString('base64url') },
    });
    const body = await raw().getFeedBody('raw/feeds/balkan-wire/2026-11-20T10-00-00-000Z.xml.gz');
    expect(body).toEqual({
      key: 'raw/feeds/balkan-wire/2026-11-20T10-00-00-000Z.xml.gz',
      feedId: 'balkan-wire',
      fetchedAt: '2026-11-20T10:00:00.000Z',
      bytes: gunzipSync(gzipSync(xml)),
      contentType: 'application/rss+xml; charset=windows-1250',
      feed,
      finalUrl: 'https://wire.example/feed?p=ž',
    });
  });

  it('rejects a key that is not a raw feed body, and metadata that is not a feed, with typed errors', async () => {
    await expect(raw().getFeedBody('articles/dt=2026-11-20/x.json')).rejects.toBeInstanceOf(BadInputError);
    await expect(raw().getFeedBody('articles/dt=2026-11-20/x.json')).rejects.toThrowError('not a raw feed body key: articles/dt=2026-11-20/x.json');
    s3.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => new Uint8Array(gzipSync('x')) } as unknown as GetObjectCommandOutput['Body'],
      Metadata: { feed: 'bm90IGpzb24' },
    });
    await expect(raw().getFeedBody('raw/feeds/a/2026-11-20T10-00-00-000Z.xml.gz')).rejects.toThrowError(/metadata "feed" is not a feed configuration/);
  });
});
