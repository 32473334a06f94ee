/**
 * The storage layout in one place: S3 keys and DynamoDB key attributes. The CDK stack, the
 * local runner and the adapters all read these names, so a table or index is declared once.
 *
 * Articles table (pk, sk):
 *   ART#<id> / ARTICLE        the article's index item (commit marker: written last)
 *   ART#<id> / COUNTRY#<CC>   one per tagged country, so a multi-country article is found under each
 *   META / DAYS               the set of days that hold articles (for listing without a filter)
 * Indexes (all sorted by publishedKey = "<publishedAt>#<id>", newest first with ScanIndexForward=false):
 *   byCountry  countryKey = "<CC>"          (country items only)
 *   byDay      dayKey     = "YYYY-MM-DD"    (index items only)
 *   byFeed     feedKey    = "<feedId>"      (index items only)
 *
 * Feeds table (feedId): one feed-state item per feed.
 *   byDue      dueShard = "due", nextDueAt  (all feeds due before a time)
 */

export const ARTICLES_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const ARTICLE_INDEXES = {
  byCountry: { partitionKey: 'countryKey', sortKey: 'publishedKey' },
  byDay: { partitionKey: 'dayKey', sortKey: 'publishedKey' },
  byFeed: { partitionKey: 'feedKey', sortKey: 'publishedKey' },
} as const;
export type ArticleIndexName = keyof typeof ARTICLE_INDEXES;

export const FEEDS_TABLE_KEYS = { partitionKey: 'feedId' } as const;
export const FEED_INDEXES = {
  byDue: { partitionKey: 'dueShard', sortKey: 'nextDueAt' },
} as const;
export const DUE_SHARD = 'due';

export const articlePk = (id: string): string => `ART#${id}`;
export const ARTICLE_SK = 'ARTICLE';
export const countrySk = (code: string): string => `COUNTRY#${code}`;
export const META_PK = 'META';
export const DAYS_SK = 'DAYS';

export const publishedKey = (publishedAt: string, id: string): string => `${publishedAt}#${id}`;
export const dayOf = (iso: string): string => iso.slice(0, 10);

/** S3 key of an article's JSON, partitioned by day for Athena and S3 tools. */
export const articleObjectKey = (publishedAt: string, id: string): string => `articles/dt=${dayOf(publishedAt)}/${id}.json`;

/** S3 key of a raw feed body, sorting by feed and time. */
export const rawObjectKey = (feedId: string, fetchedAt: string): string =>
  `raw/feeds/${feedId}/${fetchedAt.replace(/[:.]/g, '-')}.xml.gz`;
