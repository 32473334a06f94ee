import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleProblems } from '../../functions/adapters/article-schema';
import { serveCommand } from '../../cli/commands/serve';
import { memoryIo, wbnews } from '../helpers/cli';

// query, show, reprocess and serve on a data directory filled by `wbnews run` (demo feeds).
let data: string;

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'wbnews-cli-storage-'));
  expect((await wbnews(['run', '--data', data, '--json'])).code).toBe(0);
});

afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('wbnews query and show', () => {
  it('query pages with --limit and --cursor: the pages together are the full list, newest first, no overlap', async () => {
    const all = await wbnews(['query', '--data', data]);
    expect(all.lines.length).toBe(7);
    const ids: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await wbnews(['query', '--data', data, '--limit', '3', ...(cursor ? ['--cursor', cursor] : [])]);
      expect(page.code).toBe(0);
      expect(page.lines.length).toBeLessThanOrEqual(3);
      ids.push(...page.lines.map((l) => l['id']));
      cursor = /next page: --cursor (\S+)/.exec(page.err)?.[1];
    } while (cursor);
    expect(ids).toEqual(all.lines.map((l) => l['id']));
    const dates = all.lines.map((l) => String(l['publishedAt']));
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('query --day lists the articles of one day; --country with --day narrows both', async () => {
    const day = await wbnews(['query', '--data', data, '--day', '2026-11-27']);
    expect(day.lines.length).toBeGreaterThan(0);
    expect(day.lines.every((l) => String(l['publishedAt']).startsWith('2026-11-27'))).toBe(true);
    const both = await wbnews(['query', '--data', data, '--day', '2026-11-27', '--country', 'XK']);
    expect(both.lines.every((l) => String(l['publishedAt']).startsWith('2026-11-27') && (l['countries'] as string[]).includes('XK'))).toBe(true);
  });

  it('show prints the stored article (valid against the schema) and its storage record', async () => {
    const [first] = (await wbnews(['query', '--data', data, '--limit', '1'])).lines;
    const show = await wbnews(['show', String(first?.['id']), '--data', data]);
    expect(show.code).toBe(0);
    const { storage, ...article } = show.lines[0] as Record<string, unknown>;
    expect(articleProblems(article)).toEqual([]);
    expect(storage).toMatchObject({ revision: 1, relevant: true, alsoSeenIn: [], objectKey: first?.['objectKey'], classifierVersion: expect.any(String) });
  });

  it('bad options are refused with a clear message', async () => {
    expect(await wbnews(['query', '--data', data, '--day', '27.11.2026'])).toMatchObject({ code: 2, err: expect.stringContaining('--day must be a date such as 2026-11-20 (got "27.11.2026")') });
    expect(await wbnews(['query', '--data', data, '--cursor', 'abc'])).toMatchObject({ code: 2, err: expect.stringContaining('--cursor needs --limit') });
    expect(await wbnews(['query', '--data', data, '--limit', '2', '--cursor', 'abc'])).toMatchObject({ code: 2, err: expect.stringContaining('not a query cursor') });
    expect(await wbnews(['reprocess', '--data', data, '--since', 'soon'])).toMatchObject({ code: 2, err: expect.stringContaining('--since must be an ISO-8601 date') });
  });
});

describe('wbnews reprocess', () => {
  it('over the kept raw feed bodies, with the same classifier, changes nothing, twice', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await wbnews(['reprocess', '--data', data]);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual([expect.objectContaining({ type: 'summary', rawBodies: 3, items: 11, unchanged: 11, added: 0, updated: 0 })]);
    }
  });
});

describe('wbnews serve', () => {
  it('keeps the emulators up for standard S3 and DynamoDB clients, and other wbnews commands use them meanwhile', async () => {
    const streams = memoryIo();
    let stop = (): void => {};
    const until = new Promise<void>((resolve) => (stop = resolve));
    const serving = serveCommand(['--data', data, '--s3-port', '0', '--dynamodb-port', '0'], streams, until);
    await expect.poll(() => streams.out(), { timeout: 10_000 }).toContain('"type":"serve"');
    const info = JSON.parse(streams.out()) as { s3: string; dynamodb: string; bucket: string; articlesTable: string };
    expect(existsSync(join(data, 'serve.json'))).toBe(true);
    try {
      const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
      const s3 = new S3Client({ endpoint: info.s3, region: 'us-east-1', credentials, forcePathStyle: true });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: info.bucket, Prefix: 'articles/' }));
      expect(listed.KeyCount).toBe(7);
      const object = await s3.send(new GetObjectCommand({ Bucket: info.bucket, Key: listed.Contents?.[0]?.Key }));
      expect(object.ContentType).toBe('application/json; charset=utf-8');
      expect(object.Metadata).toMatchObject({ 'schema-version': '1', revision: '1' });
      expect(articleProblems(JSON.parse((await object.Body?.transformToString()) ?? ''))).toEqual([]);

      const dynamo = new DynamoDBClient({ endpoint: info.dynamodb, region: 'us-east-1', credentials });
      const byCountry = await dynamo.send(
        new QueryCommand({ TableName: info.articlesTable, IndexName: 'byCountry', KeyConditionExpression: 'countryKey = :c', ExpressionAttributeValues: marshall({ ':c': 'XK' }) }),
      );
      expect(byCountry.Count).toBeGreaterThan(0);
      s3.destroy();
      dynamo.destroy();

      // Another command on the same directory connects to the served emulators.
      expect((await wbnews(['query', '--data', data, '--country', 'XK'])).lines.length).toBe(byCountry.Count);
      // A second serve of the same directory is refused.
      expect(await wbnews(['serve', '--data', data, '--s3-port', '0', '--dynamodb-port', '0'])).toMatchObject({ code: 1, err: expect.stringContaining('is already served by process') });
    } finally {
      stop();
      expect(await serving).toBe(0);
    }
    expect(existsSync(join(data, 'serve.json'))).toBe(false);
  });
});
