import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { DynamoFeedStateStore } from '../../functions/adapters/feed-state-store';
import { DEFAULT_FETCH_OPTIONS, fetchUrl } from '../../functions/adapters/http-fetch';
import { S3RawStore } from '../../functions/adapters/raw-store';
import { articlesTableDefinition, feedsTableDefinition } from '../../functions/adapters/table-definitions';
import type { FeedConfig } from '../../functions/core/model';
import { createIngestHandler } from '../../functions/handlers/ingest';
import type { FeedOutcome } from '../../functions/ingest/ingest-feed';
import { silentLogger, type ArticleSummary, type Clock, type Logger } from '../../functions/ingest/ports';
import { ensureTable, type LocalAws } from '../../cli/local/emulators';

/**
 * A fresh set of stores (articles table, feeds table, bucket) on running emulators, the real
 * ingest handler over them, and the feed texts the storage tests serve over loopback HTTP.
 */

export interface Stores {
  readonly names: { readonly table: string; readonly feedsTable: string; readonly bucket: string };
  readonly articles: S3DynamoArticleStore;
  readonly raw: S3RawStore;
  readonly feedStates: DynamoFeedStateStore;
}

let counter = 0;

export async function freshStores(aws: LocalAws, dynamo: DynamoDBClient = aws.dynamo, s3: S3Client = aws.s3): Promise<Stores> {
  const suffix = `${process.pid}-${++counter}-${Date.now().toString(36)}`;
  const names = { table: `articles-${suffix}`, feedsTable: `feeds-${suffix}`, bucket: `bucket-${suffix}` };
  await ensureTable(aws.dynamo, articlesTableDefinition(names.table));
  await ensureTable(aws.dynamo, feedsTableDefinition(names.feedsTable));
  await aws.s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  return storesOn(names, dynamo, s3);
}

/** Adapters on existing tables, through other clients (e.g. one with a fault injected). */
export function storesOn(names: Stores['names'], dynamo: DynamoDBClient, s3: S3Client): Stores {
  return {
    names,
    // Short real back-off: s3rver writes an object non-atomically, so a read racing a write
    // can be torn and is read again (no delay at all could spend every attempt inside one write).
    articles: new S3DynamoArticleStore(s3, dynamo, { bucket: names.bucket, table: names.table, retry: { attempts: 8, baseDelayMs: 2, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) } }),
    raw: new S3RawStore(s3, names.bucket),
    feedStates: new DynamoFeedStateStore(dynamo, names.feedsTable),
  };
}

export function ingestHandler(stores: Stores, clock: Clock, outcomes: FeedOutcome[] = [], logger: Logger = silentLogger) {
  return createIngestHandler({
    fetch: fetchUrl,
    fetchOptions: DEFAULT_FETCH_OPTIONS,
    articles: stores.articles,
    feedStates: stores.feedStates,
    raw: stores.raw,
    clock,
    logger,
    onOutcome: (o) => outcomes.push(o),
  });
}

let messages = 0;
/** An SQS event with one record per feed, as the event source delivers them (same feed = a redelivery). */
export function sqsEvent(feeds: readonly FeedConfig[], dispatchedAt = '2026-11-20T12:00:00.000Z'): SQSEvent {
  return {
    Records: feeds.map((feed): SQSRecord => {
      const id = `m-${++messages}`;
      return {
        messageId: id,
        receiptHandle: id,
        body: JSON.stringify({ feed, dispatchedAt }),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:test',
        awsRegion: 'local',
      };
    }),
  };
}

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

// ---- stories (texts written for these tests) -----------------------------------------------

export interface Story {
  readonly key: string;
  readonly title: string;
  readonly body: string;
  /** The same story, changed upstream (a sentence added). */
  readonly edited: string;
}

const story = (key: string, title: string, body: string, added: string): Story => ({ key, title, body, edited: `${body} ${added}` });

export const STORIES: readonly Story[] = [
  story(
    's1',
    'Pristina and Belgrade agree on a timetable for the northern grid',
    'Negotiators from Pristina and Belgrade met in Brussels on Tuesday to finalise an agreement on electricity supply for the four northern municipalities of Kosovo. The European Union envoy said both delegations accepted a timetable for transferring the grid operator licence, while Serbian officials insisted that local consumers must not face higher bills during the transition. Kosovo\'s prime minister called the meeting constructive but warned that implementation of earlier deals was still lagging behind.',
    'Talks are due to resume next month, when technical teams will present the first billing figures.',
  ),
  story(
    's2',
    'Montenegro passes next year\'s budget after a night-long debate',
    'Montenegro\'s parliament adopted the state budget for next year after a debate that lasted through the night in Podgorica. The ruling coalition secured forty-four votes, enough to pass spending plans that raise public sector wages and allocate more money to road construction along the northern corridor. Opposition deputies walked out before the vote, accusing the government of ignoring warnings from the central bank about rising public debt.',
    'The president has eight days to sign the law or return it to parliament.',
  ),
  story(
    's3',
    'Track laying starts on the eastern railway in North Macedonia',
    'Construction crews in North Macedonia began laying track on the eastern section of the railway that will link Skopje with the Bulgarian border. The transport minister told reporters in Kumanovo that the project, financed largely by European loans, should be finished within four years. Residents of villages along the route have complained about expropriation payments, and several families have filed lawsuits demanding higher compensation for their land.',
    'A second tender, for the tunnels near Kriva Palanka, will be announced in spring.',
  ),
  story(
    's4',
    'Record summer for tourism in Albania',
    'Albania recorded the highest number of foreign visitors in its history this summer, according to figures published by the statistics institute in Tirana. Beaches along the Ionian coast near Saranda and Ksamil were particularly crowded, and hotel owners reported occupancy above ninety percent in August. Environmental groups warned that rapid construction of new resorts threatens protected wetlands and called on the government to enforce building permits more strictly.',
    'The tourism ministry expects the season to last into October this year.',
  ),
  story(
    's5',
    'Flooding closes metro stations in Lisbon',
    'Heavy rain caused flooding across parts of Lisbon on Monday evening, forcing the closure of several metro stations and delaying flights at the city airport. Firefighters responded to more than two hundred calls as water entered basements and shops in the old town. Meteorologists expect the weather to improve by the weekend, although strong winds may continue along the Atlantic coast.',
    'The city council has promised compensation to shop owners in the Baixa district.',
  ),
];

export function storyByKey(key: string): Story {
  const s = STORIES.find((x) => x.key === key);
  if (!s) throw new Error(`no story ${key}`);
  return s;
}

export interface FeedItem {
  readonly story: Story;
  readonly edited?: boolean;
  /** Publication time (RFC 822 in the feed). */
  readonly published: string;
}

/** The URL of a story as one feed publishes it: the same story in two feeds has two URLs. */
export const itemUrl = (feedId: string, storyKey: string): string => `https://${feedId}.example/news/${storyKey}`;

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function rss(feedId: string, items: readonly FeedItem[]): string {
  const entries = items
    .map((i) => {
      const title = feedId === 'alpha' ? i.story.title : `${i.story.title} (${feedId})`;
      return `<item><title>${escapeXml(title)}</title><link>${itemUrl(feedId, i.story.key)}</link><pubDate>${new Date(i.published).toUTCString()}</pubDate><description>${escapeXml(i.edited ? i.story.edited : i.story.body)}</description></item>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${feedId}</title><link>https://${feedId}.example/</link><lastBuildDate>Fri, 20 Nov 2026 12:00:00 GMT</lastBuildDate>${entries}</channel></rss>`;
}

export function writeFeed(dir: string, feedId: string, items: readonly FeedItem[]): void {
  writeFileSync(join(dir, `${feedId}.xml`), rss(feedId, items));
}

export const feedConfig = (baseUrl: string, id: string): FeedConfig => ({ id, url: `${baseUrl}${id}.xml`, name: id });

// ---- reading the store back ----------------------------------------------------------------

export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<{ key: string; body: string; metadata: Record<string, string>; contentType?: string }[]> {
  const out: { key: string; body: string; metadata: Record<string, string>; contentType?: string }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      out.push({ key: o.Key as string, body: (await object.Body?.transformToString('utf-8')) ?? '', metadata: object.Metadata ?? {}, ...(object.ContentType ? { contentType: object.ContentType } : {}) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export async function queryAllSummaries(stores: Stores, query: Parameters<S3DynamoArticleStore['query']>[0] = {}): Promise<ArticleSummary[]> {
  const out: ArticleSummary[] = [];
  for await (const s of stores.articles.query(query)) out.push(s);
  return out;
}

/**
 * What a user of the store can observe: the query results, every id's story as `show` resolves
 * it, and the article objects and versions in S3. Raw input (raw/) is the input log, not state.
 */
export async function storeView(stores: Stores, ids: readonly string[], s3: S3Client) {
  const listed = await queryAllSummaries(stores);
  const stories = [];
  for (const id of [...new Set(ids)].sort()) {
    const s = await stores.articles.story(id);
    stories.push(s ? { requestedId: id, id: s.id, duplicateOf: s.duplicateOf ?? null, revision: s.revision, relevant: s.relevant, alsoSeenIn: s.alsoSeenIn.map((a) => a.id), article: s.article ?? null } : { requestedId: id, missing: true });
  }
  const objects = [...(await listObjects(s3, stores.names.bucket, 'articles/')), ...(await listObjects(s3, stores.names.bucket, 'versions/'))].map((o) => ({ key: o.key, body: o.body }));
  return {
    listed: listed.map((s) => ({ id: s.id, title: s.title, countries: s.countries, revision: s.revision, alsoSeenIn: s.alsoSeenIn.map((a) => a.id) })),
    stories,
    objects,
  };
}
