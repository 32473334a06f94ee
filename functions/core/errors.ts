/**
 * The error family of the pipeline. Every failure a feed can produce is one of these, with a
 * stable `code` that logs, metrics, the local runner and `wbnews parse` all share.
 *
 * Messages name the feed and show the value received, e.g.
 * `feed "balkan-insight": response exceeded 10485760 bytes`.
 */

export type ErrorCode =
  | 'timeout'
  | 'too_large'
  | 'http_status'
  | 'redirect_loop'
  | 'network'
  | 'bad_url'
  | 'bad_charset'
  | 'not_a_feed'
  | 'malformed_xml'
  | 'bad_input'
  | 'config';

export interface ErrorContext {
  /** Feed id, or a file name for offline parsing. */
  readonly feedId?: string;
  readonly url?: string;
  readonly status?: number;
  readonly bytes?: number;
  readonly value?: string;
  /** How long the server asked us to wait (Retry-After on 429/503), in milliseconds. */
  readonly retryAfterMs?: number;
}

export abstract class WbnewsError extends Error {
  abstract readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(context.feedId ? `feed "${context.feedId}": ${message}` : message, options);
    this.name = new.target.name;
    this.context = context;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Network-level failures: the server could not be reached, was too slow, or answered badly. */
export class FeedFetchError extends WbnewsError {
  readonly code: 'timeout' | 'too_large' | 'http_status' | 'redirect_loop' | 'network' | 'bad_url';

  constructor(
    code: FeedFetchError['code'],
    message: string,
    context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.code = code;
  }
}

/** The bytes could not be turned into text: unknown or undecodable charset. */
export class FeedDecodeError extends WbnewsError {
  readonly code = 'bad_charset' as const;
}

/** The text is XML (or looked like it) but could not be parsed. */
export class FeedParseError extends WbnewsError {
  readonly code = 'malformed_xml' as const;
}

/** The document parsed, but it is not RSS or Atom (an HTML page is the usual case). */
export class NotAFeedError extends WbnewsError {
  readonly code = 'not_a_feed' as const;
}

/** Input handed to a command or function was not what it promised. */
export class BadInputError extends WbnewsError {
  readonly code = 'bad_input' as const;
}

/** Configuration (feed list, environment, context) is missing or malformed. */
export class ConfigError extends WbnewsError {
  readonly code = 'config' as const;
}

/** True for errors that belong to one feed and must not be retried through the queue. */
export function isFeedError(error: unknown): error is WbnewsError {
  return error instanceof WbnewsError && error.code !== 'config' && error.code !== 'bad_input';
}

/** A short, log-safe description of any thrown value. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof WbnewsError) return error.toJSON();
  if (error instanceof Error) return { code: 'internal', message: error.message };
  return { code: 'internal', message: String(error) };
}
