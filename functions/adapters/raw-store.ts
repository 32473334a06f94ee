import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BadInputError } from '../core/errors';
import type { FeedConfig } from '../core/model';
import type { RawArchive, RawFeedBody, RawFeedSource, RawPage, RawStore } from '../ingest/ports';
import { RAW_FEEDS_PREFIX, keyStamp, parseRawObjectKey, rawObjectKey, rawPageKey } from './keys';

/**
 * Raw input kept for replay: each changed feed body and each fetched full-text page,
 * gzip-compressed, under keys that sort by feed and then fetch time (keys.ts). Each object
 * carries what a replay needs in its metadata: the feed's id and configuration, the URL it was
 * finally fetched from, the fetch time, and the sha256 of the uncompressed bytes. Bodies are
 * sent as Buffers with a known length (s3rver cannot take a stream of unknown length).
 *
 * S3 limits an object's user metadata to 2 KB (keys and values together), and the source
 * fields (the final URL, the feed configuration, a page's URL) have no bound of their own. When
 * they would take the metadata past METADATA_BUDGET, they go into a small JSON object beside the
 * body instead (`<key>.source.json`, written first, so a body never points at a missing one), and
 * the body's metadata names it (`source-key`). A long URL or feed configuration never fails a write.
 */
export class S3RawStore implements RawStore, RawArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async putFeedBody(feedId: string, fetchedAt: string, body: Uint8Array, contentType: string | undefined, source: RawFeedSource = {}): Promise<string> {
    const key = rawObjectKey(feedId, fetchedAt);
    await this.putCompressed(
      key,
      body,
      contentType ?? 'application/xml',
      { 'feed-id': feedId, 'fetched-at': fetchedAt },
      {
        ...(source.finalUrl ? { 'final-url': encodeURI(source.finalUrl) } : {}),
        ...(source.feed ? { feed: Buffer.from(JSON.stringify(source.feed)).toString('base64url') } : {}),
      },
      { ...(source.finalUrl ? { finalUrl: source.finalUrl } : {}), ...(source.feed ? { feed: source.feed } : {}) },
    );
    return key;
  }

  async putPage(feedId: string, articleId: string, fetchedAt: string, page: RawPage): Promise<string> {
    const key = rawPageKey(feedId, fetchedAt, articleId);
    await this.putCompressed(
      key,
      page.body,
      page.contentType ?? 'text/html',
      { 'feed-id': feedId, 'article-id': articleId, 'fetched-at': fetchedAt },
      { url: encodeURI(page.url) },
      { url: page.url },
    );
    return key;
  }

  async *listFeedBodies(options: { readonly since?: string; readonly feedId?: string } = {}): AsyncIterable<string> {
    const prefix = options.feedId ? `${RAW_FEEDS_PREFIX}${options.feedId}/` : RAW_FEEDS_PREFIX;
    const since = options.since ? keyStamp(options.since) : undefined;
    let token: string | undefined;
    do {
      const out = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
          // With one feed, start at `since`: keys of a feed sort by time.
          ...(!token && since && options.feedId ? { StartAfter: `${prefix}${since}` } : {}),
        }),
      );
      for (const object of out.Contents ?? []) {
        const parsed = object.Key ? parseRawObjectKey(object.Key) : undefined;
        if (!parsed || (since && parsed.stamp < since)) continue;
        yield object.Key as string;
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  async getFeedBody(key: string): Promise<RawFeedBody> {
    const parsed = parseRawObjectKey(key);
    if (!parsed) throw new BadInputError(`not a raw feed body key: ${key}`, { value: key });
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const compressed = await out.Body?.transformToByteArray();
    if (!compressed) throw new BadInputError(`raw feed body ${key} is empty`, { value: key });
    const meta = out.Metadata ?? {};
    const sidecar = meta[SOURCE_KEY] ? await this.readSource(meta[SOURCE_KEY], key) : undefined;
    const feed = sidecar ? sidecar.feed : meta['feed'] ? decodeFeed(meta['feed'], key) : undefined;
    const finalUrl = sidecar ? sidecar.finalUrl : meta['final-url'] ? decodeURI(meta['final-url']) : undefined;
    return {
      key,
      feedId: meta['feed-id'] ?? parsed.feedId,
      fetchedAt: meta['fetched-at'] ?? stampToIso(parsed.stamp),
      bytes: gunzipSync(compressed),
      contentType: out.ContentType,
      ...(feed ? { feed } : {}),
      ...(finalUrl ? { finalUrl } : {}),
    };
  }

  /**
   * `fixed`: bounded fields (ids, times), always in the metadata. `source`: unbounded fields as
   * metadata values; when they would not fit, `sidecar` (the same, as plain JSON) is written
   * to `<key>.source.json` first and the metadata names it instead.
   */
  private async putCompressed(
    key: string,
    body: Uint8Array,
    contentType: string,
    fixed: Record<string, string>,
    source: Record<string, string>,
    sidecar: RawSource,
  ): Promise<void> {
    const compressed = gzipSync(body);
    let metadata: Record<string, string> = { ...fixed, 'body-sha256': createHash('sha256').update(body).digest('hex'), ...source };
    if (metadataBytes(metadata) > METADATA_BUDGET) {
      const sourceKey = `${key}${SOURCE_SUFFIX}`;
      const json = Buffer.from(`${JSON.stringify(sidecar)}\n`, 'utf8');
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: sourceKey, Body: json, ContentLength: json.length, ContentType: 'application/json; charset=utf-8' }),
      );
      metadata = { ...fixed, 'body-sha256': metadata['body-sha256'] as string, [SOURCE_KEY]: sourceKey };
    }
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: compressed,
        ContentLength: compressed.length,
        ContentType: contentType,
        ContentEncoding: 'gzip',
        Metadata: metadata,
      }),
    );
  }

  private async readSource(sourceKey: string, key: string): Promise<RawSource> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: sourceKey }));
    const text = await out.Body?.transformToString('utf8');
    try {
      const value = JSON.parse(text ?? '') as RawSource;
      if (value && typeof value === 'object' && (value.feed === undefined || (typeof value.feed.id === 'string' && typeof value.feed.url === 'string'))) return value;
    } catch {
      // reported below
    }
    throw new BadInputError(`raw feed body ${key}: its source object ${sourceKey} is not valid JSON of a feed source`, { value: (text ?? '').slice(0, 80) });
  }
}

/**
 * What the metadata may take, in bytes of keys (with their x-amz-meta- prefix) and values:
 * under S3's 2 KB limit with room to spare (the limit's exact accounting varies between tools).
 */
export const METADATA_BUDGET = 1536;
const SOURCE_KEY = 'source-key';
const SOURCE_SUFFIX = '.source.json';

/** The source of a raw object, as its sidecar JSON holds it. */
interface RawSource {
  readonly feed?: FeedConfig;
  readonly finalUrl?: string;
  readonly url?: string;
}

/** Size of user metadata as S3 counts it (UTF-8 bytes of each key and value), prefix included to be safe. */
export function metadataBytes(metadata: Record<string, string>): number {
  return Object.entries(metadata).reduce((n, [k, v]) => n + Buffer.byteLength(`x-amz-meta-${k}`) + Buffer.byteLength(v), 0);
}

function decodeFeed(value: string, key: string): FeedConfig {
  try {
    const feed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as FeedConfig;
    if (typeof feed.id === 'string' && typeof feed.url === 'string') return feed;
  } catch {
    // fall through to the error below
  }
  throw new BadInputError(`raw feed body ${key}: metadata "feed" is not a feed configuration`, { value: value.slice(0, 80) });
}

/** "2026-11-20T10-00-00-000Z" (a key stamp) back to "2026-11-20T10:00:00.000Z". */
function stampToIso(stamp: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(stamp);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` : stamp;
}
