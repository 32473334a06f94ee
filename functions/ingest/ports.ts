import type { FetchOptions, FetchResult } from '../adapters/http-fetch';
import type { ErrorContext } from '../core/errors';
import type { Article, CountryCode, FeedConfig } from '../core/model';

/**
 * What the ingest and dispatch services need from the outside world. The adapters in
 * functions/adapters implement these over S3, DynamoDB, SQS and HTTP; tests pass fakes or
 * adapters on mocked clients.
 */

/**
 * One feed's record in the feeds table: the validators of its last response, its health and
 * its schedule. Written after every attempt (README, "The feed-state record").
 */
export interface FeedState {
  readonly feedId: string;
  /** The configured URL these validators belong to; a changed URL starts afresh. */
  readonly url?: string;
  readonly etag?: string;
  readonly lastModified?: string;
  /** sha256 of the last body that was parsed. */
  readonly bodyHash?: string;
  readonly lastAttemptAt?: string;
  readonly lastSuccessAt?: string;
  /** When the body last changed (and was parsed). */
  readonly lastChangedAt?: string;
  /** HTTP status of the last response (304 for not modified). */
  readonly lastStatus?: number;
  readonly consecutiveFailures: number;
  /** The dispatcher sends the feed again at or after this time. */
  readonly nextDueAt?: string;
  readonly lastError?: { readonly code: string; readonly message: string };
  /** A permanent redirect (301/308) seen on the last fetch: where the feed lives now. */
  readonly movedTo?: { readonly url: string; readonly at: string };
  /** Repairs the last body needed before it parsed ("entities", "truncated"...). */
  readonly recovered?: readonly string[];
}

export interface FeedStateStore {
  get(feedId: string): Promise<FeedState | undefined>;
  getMany(feedIds: readonly string[]): Promise<Map<string, FeedState>>;
  put(state: FeedState): Promise<void>;
}

/**
 * What storing an article did:
 * - `stored`: a new story, written (S3 object, then the index);
 * - `duplicate`: the same story as one already stored under another URL: linked, not stored again;
 * - `updated`: a known item changed (upstream, or its relevance/takeaways on reprocess): a new revision;
 * - `irrelevant`: an item that is not about the region, remembered (index only) so it is not redone;
 * - `known`: nothing to do, the store already holds exactly this (a redelivery or a racing worker).
 */
export type PutOutcome = 'stored' | 'duplicate' | 'updated' | 'irrelevant' | 'known';

/** What the store already holds for an item id: its index record, as the worker needs it to skip work. */
export interface KnownItem {
  readonly id: string;
  /** contentHash of the item as the feed gave it, before any full-text fetch: equal means unchanged upstream. */
  readonly itemHash: string;
  readonly contentHash: string;
  readonly revision: number;
  readonly relevant: boolean;
  readonly classifierVersion: string;
  /** Set when the item is the same story as another (the canonical) one. */
  readonly duplicateOf?: string;
  /** S3 key of the item's own article object, when it has one. */
  readonly objectKey?: string;
  /** Written, but the near-duplicate linking after the write has not finished: `complete` finishes it. */
  readonly pending: boolean;
}

export interface PutOptions {
  /** The item's hash before any full-text fetch (default: the article's contentHash). */
  readonly itemHash?: string;
  /** What `lookup` returned for this id: null = not stored, undefined = the store reads it. */
  readonly previous?: KnownItem | null;
}

/** Another feed's copy of a story, linked to the stored one. */
export interface AlsoSeen {
  readonly id: string;
  readonly feedId: string;
  readonly url: string | null;
  readonly title: string;
  readonly publishedAt: string;
}

export interface ArticleSummary {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly feedId: string;
  readonly publishedAt: string;
  readonly countries: readonly CountryCode[];
  readonly score: number;
  readonly objectKey: string;
  readonly revision: number;
  readonly alsoSeenIn: readonly AlsoSeen[];
}

export interface ArticleQuery {
  readonly country?: CountryCode;
  readonly feedId?: string;
  /** One day, YYYY-MM-DD. */
  readonly day?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
  /** Resume after the last article of a previous page (ArticlePage.cursor). */
  readonly cursor?: string;
}

export interface ArticlePage {
  readonly items: readonly ArticleSummary[];
  /** Present when the page stopped at the limit: pass it as `cursor` for the next page. */
  readonly cursor?: string;
}

/** One stored item as `wbnews show` presents it: the story's article and its storage record. */
export interface StoredStory {
  /** The id asked for; when it is a duplicate, `id` is the canonical story's. */
  readonly requestedId: string;
  readonly id: string;
  /** The canonical story's id, when the requested id is a duplicate of it. */
  readonly duplicateOf?: string;
  readonly revision: number;
  readonly relevant: boolean;
  readonly classifierVersion: string;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
  readonly objectKey?: string;
  readonly alsoSeenIn: readonly AlsoSeen[];
  /** The stored article; absent for an item that was seen but never relevant. */
  readonly article?: Article;
}

export interface ArticleStore {
  /** The index records of these ids (one BatchGet per 100), for skipping what is already stored. */
  lookup(ids: readonly string[]): Promise<Map<string, KnownItem>>;
  /**
   * Store an article: S3 object first, then the index record (conditional), so a repeat, a
   * redelivery or a racing worker is a no-op that returns "known".
   */
  put(article: Article, options?: PutOptions): Promise<PutOutcome>;
  /** Finish an item whose write completed but whose linking did not (KnownItem.pending). */
  complete(id: string): Promise<void>;
  /** The stored article of an id (a duplicate's canonical story), or undefined. */
  get(id: string): Promise<Article | undefined>;
  story(id: string): Promise<StoredStory | undefined>;
  /** Every matching article, newest first (up to `limit`). */
  query(query: ArticleQuery): AsyncIterable<ArticleSummary>;
  /** One page of matching articles, newest first, with a cursor when there may be more. */
  queryPage(query: ArticleQuery): Promise<ArticlePage>;
}

/** Where a raw feed body came from, kept with it so it can be replayed without the feeds file. */
export interface RawFeedSource {
  readonly feed?: FeedConfig;
  readonly finalUrl?: string;
}

export interface RawStore {
  /** Keep a raw feed body; returns the reference (an S3 key) stored with the articles. */
  putFeedBody(feedId: string, fetchedAt: string, body: Uint8Array, contentType: string | undefined, source?: RawFeedSource): Promise<string>;
  /** Keep a fetched full-text page of an article; returns its S3 key. */
  putPage(feedId: string, articleId: string, fetchedAt: string, page: RawPage): Promise<string>;
}

export interface RawPage {
  readonly url: string;
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
}

/** A kept feed body, as read back for replay. */
export interface RawFeedBody {
  readonly key: string;
  readonly feedId: string;
  readonly fetchedAt: string;
  readonly bytes: Uint8Array;
  readonly contentType: string | undefined;
  readonly feed?: FeedConfig;
  readonly finalUrl?: string;
}

/** Reading the kept raw input back (for `wbnews reprocess`). */
export interface RawArchive {
  /** Keys of kept feed bodies fetched at or after `since`, in key order (by feed, then time). */
  listFeedBodies(options?: { readonly since?: string; readonly feedId?: string }): AsyncIterable<string>;
  getFeedBody(key: string): Promise<RawFeedBody>;
}

/** Fetches a feed; failures are FeedFetchErrors whose messages name `context.feedId`. */
export type Fetcher = (url: string, options: FetchOptions, context?: ErrorContext) => Promise<FetchResult>;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Structured logging: a message and keys (feed id, item id, counts), never a dumped event. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
