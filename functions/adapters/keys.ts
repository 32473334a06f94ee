/**
 * The storage layout in one place: S3 keys and DynamoDB key attributes. The CDK stack, the
 * local runner and the adapters all read these names, so a table or index is declared once.
 *
 * Articles table (pk, sk):
 *   ART#<id> / ARTICLE          the item's index record, written last (the commit marker). For a
 *                               relevant story it carries the index keys below; for a duplicate
 *                               (duplicateOf) or an item seen but not relevant it carries none, so
 *                               the indexes list each story once.
 *   ART#<id> / COUNTRY#<CC>     one per tagged country, so a multi-country article is found under
 *                               each; a pointer (countryKey, publishedKey), checked against the
 *                               index record when read.
 *   SIM#<band> / <publishedKey> near-duplicate fingerprint bands (functions/core/near-duplicate.ts):
 *                               candidates for "the same story under another URL".
 *   META / DAYS                 the set of days that hold articles (for listing without a filter)
 * Indexes (all sorted by publishedKey = "<publishedAt>#<id>", newest first with ScanIndexForward=false):
 *   byCountry  countryKey = "<CC>"          (country items only)
 *   byDay      dayKey     = "YYYY-MM-DD"    (index records of visible stories only)
 *   byFeed     feedKey    = "<feedId>"      (index records of visible stories only)
 *
 * Feeds table (feedId): one feed-state item per feed.
 *   byDue      dueShard = "due", nextDueAt  (all feeds due before a time)
 *
 * S3 bucket:
 *   articles/dt=YYYY-MM-DD/<id>.json                  current version of each stored story
 *   versions/articles/<id>/<revision>.json            every earlier version (revision 1, 2, ...)
 *   raw/feeds/<feedId>/<fetchedAt>.xml.gz             each changed feed body, gzip
 *   raw/pages/<feedId>/<fetchedAt>/<id>.html.gz       each fetched full-text page, gzip
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
export const COUNTRY_SK_PREFIX = 'COUNTRY#';
export const countrySk = (code: string): string => `${COUNTRY_SK_PREFIX}${code}`;
export const META_PK = 'META';
export const DAYS_SK = 'DAYS';
/** Partition of one fingerprint band value ("3:1f2" → "SIM#3:1f2"); the sort key is the publishedKey. */
export const fingerprintPk = (band: string): string => `SIM#${band}`;

export const publishedKey = (publishedAt: string, id: string): string => `${publishedAt}#${id}`;
export const dayOf = (iso: string): string => iso.slice(0, 10);

/** S3 key of an article's JSON, partitioned by day for Athena and S3 tools. */
export const articleObjectKey = (publishedAt: string, id: string): string => `articles/dt=${dayOf(publishedAt)}/${id}.json`;

/** S3 prefix of an article's earlier versions. */
export const articleVersionPrefix = (id: string): string => `versions/articles/${id}/`;

/** S3 key of an earlier version of an article (zero-padded, so versions list in order). */
export const articleVersionKey = (id: string, revision: number): string => `${articleVersionPrefix(id)}${String(revision).padStart(6, '0')}.json`;

/** A timestamp as it appears in S3 keys: fixed width, so keys sort by time. */
export const keyStamp = (iso: string): string => iso.replace(/[:.]/g, '-');

export const RAW_FEEDS_PREFIX = 'raw/feeds/';

/** S3 key of a raw feed body, sorting by feed and time. */
export const rawObjectKey = (feedId: string, fetchedAt: string): string => `${RAW_FEEDS_PREFIX}${feedId}/${keyStamp(fetchedAt)}.xml.gz`;

/** S3 key of a fetched full-text page, sorting by feed and time. */
export const rawPageKey = (feedId: string, fetchedAt: string, articleId: string): string =>
  `raw/pages/${feedId}/${keyStamp(fetchedAt)}/${articleId}.html.gz`;

/** The feed id and key stamp of a raw feed body's key, or undefined for any other key. */
export function parseRawObjectKey(key: string): { feedId: string; stamp: string } | undefined {
  const m = /^raw\/feeds\/([a-z0-9][a-z0-9-]*)\/(\d{4}-\d{2}-\d{2}T[0-9-]+Z)\.xml\.gz$/.exec(key);
  return m ? { feedId: m[1] as string, stamp: m[2] as string } : undefined;
}
