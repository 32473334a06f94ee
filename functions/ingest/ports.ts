import type { FetchOptions, FetchResult } from '../adapters/http-fetch';
import type { ErrorContext } from '../core/errors';
import type { Article, CountryCode } from '../core/model';

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

export type PutOutcome = 'stored' | 'known';

export interface ArticleSummary {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly feedId: string;
  readonly publishedAt: string;
  readonly countries: readonly CountryCode[];
  readonly score: number;
  readonly objectKey: string;
}

export interface ArticleQuery {
  readonly country?: CountryCode;
  readonly feedId?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
}

export interface ArticleStore {
  /** Which of these ids are already stored, with their content hash. */
  knownHashes(ids: readonly string[]): Promise<Map<string, string>>;
  /** Store the article (S3 object first, then the index); a repeat is a no-op that returns "known". */
  put(article: Article): Promise<PutOutcome>;
  get(id: string): Promise<Article | undefined>;
  query(query: ArticleQuery): AsyncIterable<ArticleSummary>;
}

export interface RawStore {
  /** Keep a raw feed body; returns the reference (an S3 key) stored with the articles. */
  putFeedBody(feedId: string, fetchedAt: string, body: Uint8Array, contentType: string | undefined): Promise<string>;
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
