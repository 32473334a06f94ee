import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import type { FeedConfig } from '../../functions/core/model';
import { takeawaysConfig } from '../../functions/core/takeaways/config';
import { startLocalAws, type LocalAws } from '../../cli/local/emulators';
import { runCycle } from '../../cli/local/cycle';
import { startTestServer, type TestServer } from '../helpers/http-server';

// A feed whose one item is a 1 MB transcript, next to an ordinary feed, in one batch of the
// real ingest handler on dynalite + s3rver. Before takeaways were bounded such an item took
// minutes and gigabytes, and the batch (with the good feed) died. Texts written for this test.

const SPEAKERS = ['Ana Kovač', 'Arben Gashi', 'Milica Jovanović', 'Dritan Hoxha'];
const TOPICS = ['the water supply in Mitrovica', 'the road from Pristina to Skopje', 'school buses in Prizren', 'the budget of the health fund', 'power cuts in the north'];

function transcript(targetChars: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < targetChars; i++) {
    const line = `In session ${i}, ${SPEAKERS[i % SPEAKERS.length]} asked the committee of the Kosovo Assembly to vote next week on ${TOPICS[i % TOPICS.length]}.`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

const rss = (base: string, items: { path: string; title: string; body: string }[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test</title><link>${base}/</link>${items
    .map((it) => `<item><title>${it.title}</title><link>${base}${it.path}</link><guid>${base}${it.path}</guid><pubDate>Tue, 24 Nov 2026 10:00:00 +0000</pubDate><description><![CDATA[${it.body}]]></description></item>`)
    .join('')}</channel></rss>`;

describe('one 1 MB item next to an ordinary feed', () => {
  let aws: LocalAws;
  let dir: string;
  let server: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wbnews-huge-'));
    aws = await startLocalAws({ s3Dir: join(dir, 's3') });
    server = await startTestServer();
    const huge = transcript(1_000_000);
    server.route('/transcript.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(rss(server.baseUrl, [{ path: '/session', title: 'Kosovo Assembly committee: full transcript of the sessions', body: huge.replace(/\n/g, '<br>') }]));
    });
    server.route('/news.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(
        rss(server.baseUrl, [
          { path: '/a', title: 'Serbia and Kosovo agree on energy deal', body: 'Belgrade and Pristina signed an energy agreement in Brussels on Tuesday. The deal covers the north of Kosovo. Officials said it would take effect in spring.' },
          { path: '/b', title: 'North Macedonia opens new rail line', body: 'The line from Skopje to the Bulgarian border opened on Monday. Trains will run twice a day. The government in Skopje called it a milestone.' },
        ]),
      );
    });
  });

  afterAll(async () => {
    await server?.close();
    await aws?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN a 1 MB transcript item and a good feed in one batch WHEN the cycle runs THEN both feeds are stored and the transcript has takeaways from its first part', async () => {
    const feeds: FeedConfig[] = [
      { id: 'transcripts', url: server.url('/transcript.xml') },
      { id: 'news', url: server.url('/news.xml') },
    ];
    const { summary, outcomes } = await runCycle({ aws, feeds });
    expect(summary).toMatchObject({ fetched: 2, failed: 0, retriedRecords: 0, stored: 3 });
    expect(outcomes.find((o) => o.feedId === 'news')).toMatchObject({ outcome: 'fetched', stored: 2, failed: 0 });

    const store = new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable });
    const ids: string[] = [];
    for await (const s of store.query({ feedId: 'transcripts' })) ids.push(s.id);
    expect(ids).toHaveLength(1);
    const session = await store.get(ids[0] ?? '');
    expect(session?.content.length).toBeGreaterThan(900_000);
    expect(session?.takeaways.items.length).toBeGreaterThanOrEqual(3);
    for (const t of session?.takeaways.items ?? []) {
      expect(session?.content.slice(t.start ?? 0, t.end ?? 0)).toBe(t.text);
      expect(t.end ?? Infinity).toBeLessThanOrEqual(takeawaysConfig.limits.maxChars);
    }
  });
});
