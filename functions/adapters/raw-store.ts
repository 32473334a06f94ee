import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RawStore } from '../ingest/ports';
import { rawObjectKey } from './keys';

/** Raw feed bodies, gzip-compressed, under keys that sort by feed and fetch time (for replay). */
export class S3RawStore implements RawStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async putFeedBody(feedId: string, fetchedAt: string, body: Uint8Array, contentType: string | undefined): Promise<string> {
    const key = rawObjectKey(feedId, fetchedAt);
    const compressed = gzipSync(body);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: compressed,
        ContentLength: compressed.length,
        ContentType: contentType ?? 'application/xml',
        ContentEncoding: 'gzip',
        Metadata: { 'feed-id': feedId, 'fetched-at': fetchedAt },
      }),
    );
    return key;
  }
}
