import { gazetteerCountries } from '../functions/core/relevance/classify';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Node } from 'constructs';
import { DEFAULT_FETCH_OPTIONS } from '../functions/adapters/http-fetch';
import { addressKind } from '../functions/adapters/ssrf-guard';
import { ConfigError } from '../functions/core/errors';
import { validateFeedsFile } from '../functions/core/feeds-config';
import type { FeedConfig } from '../functions/core/model';
import { DEFAULT_BACKOFF } from '../functions/ingest/schedule';

/**
 * Everything the stack reads from CDK context (`-c key=value` on the command line, or the
 * `context` block of cdk.json), validated once at synth. A bad value fails the synth with a
 * ConfigError naming the key and the value received. The README's "CDK context" table lists
 * the same keys and defaults: keep them in step.
 */
export interface StackConfig {
  /** The CloudFormation stack name; names the dashboard, workgroup and Glue database too. Context `stackName`, default Wbnews. */
  readonly stackName: string;
  /** Minutes between ingest cycles. Context `scheduleMinutes`, default 15 (1-1440). */
  readonly scheduleMinutes: number;
  /** The feeds file deployed with the dispatcher. Context `feedsFile`, default feeds/feeds.json. */
  readonly feedsFile: string;
  /** Its validated content. */
  readonly feeds: readonly FeedConfig[];
  /** Feed messages per ingest invocation. Context `ingestBatchSize`, default 5 (1-10). */
  readonly ingestBatchSize: number;
  /** Ingest invocations running at once. Context `ingestMaxConcurrency`, default 5 (2-1000). */
  readonly ingestMaxConcurrency: number;
  /** Ingest Lambda timeout in seconds. Context `ingestTimeoutSeconds`, default 60 (10-900). */
  readonly ingestTimeoutSeconds: number;
  /** Ingest Lambda memory in MB (CPU share grows with it). Context `ingestMemoryMB`, default 512 or minIngestMemoryMB if larger (128-10240). */
  readonly ingestMemoryMB: number;
  /** Days the functions' logs are kept. Context `logRetentionDays`, default 30 (a CloudWatch Logs value). */
  readonly logRetentionDays: number;
  /** Powertools log level. Context `logLevel`, default INFO. */
  readonly logLevel: LogLevel;
  /** Days before raw feed snapshots (raw/) move to S3 Standard-IA. Context `rawTransitionDays`, default 30 (>= 30). */
  readonly rawTransitionDays: number;
  /** Days before raw feed snapshots are deleted. Context `rawExpirationDays`, default 180 (> rawTransitionDays). */
  readonly rawExpirationDays: number;
  /** Days an overwritten or deleted object version is kept. Context `noncurrentVersionDays`, default 30. */
  readonly noncurrentVersionDays: number;
  /** S3 server access logs for the data bucket, into a log bucket. Context `accessLogging`, default true. */
  readonly accessLogging: boolean;
  /** Days access logs are kept. Context `accessLogRetentionDays`, default 90. */
  readonly accessLogRetentionDays: number;
  /** `retain` (default) keeps the bucket and tables when the stack is deleted; `destroy` is for throwaway stacks. */
  readonly removalPolicy: 'retain' | 'destroy';
  /** Where alarm notifications are e-mailed. Context `alarmEmail`, default none (the topic still exists). */
  readonly alarmEmail: string | undefined;
  /** Consecutive failures of one feed that raise the "feeds failing" alarm. Context `alarmFeedFailures`, default 6. */
  readonly alarmFeedFailures: number;
  /**
   * Hours without a new stored article that raise the "no new articles" alarm. Context
   * `alarmNoArticlesHours`, default 12 or two schedule periods if longer (see minNoArticlesHours); 1-168.
   */
  readonly alarmNoArticlesHours: number;
  /** An Athena-ready Glue database and table over the article JSON. Context `athena`, default false. */
  readonly athena: boolean;
  /** Countries the relevance module keeps (passed to the ingest Lambda as RELEVANCE_SCOPE). Context `scopeCountries`, default: data/relevance.json. */
  readonly scopeCountries: readonly string[] | undefined;
  /** Contact URL sent in the User-Agent to feed servers (FETCH_CONTACT_URL). Context `contactUrl`, default the project's page. */
  readonly contactUrl: string | undefined;
  /** Total time allowed per feed fetch (FETCH_TIMEOUT_MS). Context `fetchTimeoutSeconds`, default 15; at most half the ingest timeout. */
  readonly fetchTimeoutSeconds: number;
  /** Time to resolve, connect and finish TLS, per request (FETCH_CONNECT_TIMEOUT_MS). Context `fetchConnectTimeoutSeconds`, default 5; at most fetchTimeoutSeconds. */
  readonly fetchConnectTimeoutSeconds: number;
  /** Largest response on the wire (FETCH_MAX_BYTES). Context `fetchMaxBytes`, default 5242880 (5 MiB); 1024 to 1 GiB. */
  readonly fetchMaxBytes: number;
  /** Largest body once decompressed (FETCH_MAX_DECOMPRESSED_BYTES). Context `fetchMaxDecompressedBytes`, default 20971520 (20 MiB); at least fetchMaxBytes, at most 1 GiB. */
  readonly fetchMaxDecompressedBytes: number;
  /** Redirects followed per fetch (FETCH_MAX_REDIRECTS). Context `fetchMaxRedirects`, default 5 (0-20). */
  readonly fetchMaxRedirects: number;
  /** Wait after a feed's first failure, doubling with each further one (BACKOFF_BASE_MS). Context `backoffBaseMinutes`, default 15; at most backoffMaxHours. */
  readonly backoffBaseMinutes: number;
  /** The longest a failing feed waits between attempts (BACKOFF_MAX_MS). Context `backoffMaxHours`, default 24 (1-168). */
  readonly backoffMaxHours: number;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export const DEFAULT_FEEDS_FILE = fileURLToPath(new URL('../feeds/feeds.json', import.meta.url));

/** The values CloudWatch Logs accepts for a retention period, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The context keys this app reads; any other key that is not the CDK's own (isCdkKey) fails the synth. */
export const CONTEXT_KEYS = [
  'stackName',
  'scheduleMinutes',
  'feedsFile',
  'ingestBatchSize',
  'ingestMaxConcurrency',
  'ingestTimeoutSeconds',
  'ingestMemoryMB',
  'logRetentionDays',
  'logLevel',
  'rawTransitionDays',
  'rawExpirationDays',
  'noncurrentVersionDays',
  'accessLogging',
  'accessLogRetentionDays',
  'removalPolicy',
  'alarmEmail',
  'alarmFeedFailures',
  'alarmNoArticlesHours',
  'athena',
  'scopeCountries',
  'contactUrl',
  'fetchTimeoutSeconds',
  'fetchConnectTimeoutSeconds',
  'fetchMaxBytes',
  'fetchMaxDecompressedBytes',
  'fetchMaxRedirects',
  'backoffBaseMinutes',
  'backoffMaxHours',
] as const;

const fail = (key: string, expected: string, raw: unknown): never => {
  throw new ConfigError(`context "${key}" must be ${expected} (got ${JSON.stringify(raw)})`, { value: String(raw) });
};

function intContext(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) fail(key, `an integer from ${min} to ${max}`, raw);
  return value;
}

function boolContext(node: Node, key: string, fallback: boolean): boolean {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  return fail(key, 'true or false', raw);
}

function choiceContext<T extends string>(node: Node, key: string, fallback: T, choices: readonly T[]): T {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
  return fail(key, `one of ${choices.join(', ')}`, raw);
}

// Deliberately plain: one @, no spaces, a dot in the domain. SNS sends a confirmation mail,
// which is the real check; this one catches a value that cannot be an address at all.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function emailContext(node: Node, key: string): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !EMAIL.test(raw.trim())) fail(key, 'an e-mail address', raw);
  return (raw as string).trim();
}

function urlContext(node: Node, key: string): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === '') return undefined;
  const protocol = typeof raw === 'string' && URL.canParse(raw.trim()) ? new URL(raw.trim()).protocol : '';
  if (!['http:', 'https:', 'mailto:'].includes(protocol)) fail(key, 'an http(s) or mailto: URL', raw);
  return (raw as string).trim();
}

function countriesContext(node: Node, key: string): string[] | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : [];
  // The six and the neighbours the gazetteer has terms for (a deployment may add, e.g., HR).
  const known = gazetteerCountries();
  if (list.length === 0 || list.some((c) => typeof c !== 'string' || !known.includes(c))) {
    fail(key, `a comma-separated list of ${known.join(', ')}`, raw);
  }
  if (new Set(list).size !== list.length) fail(key, 'a list without repeats', raw);
  return list as string[];
}

/**
 * Context keys that belong to the CDK rather than to this app: feature flags (`@aws-cdk/...`),
 * the toolkit's and the library's own settings (`aws:cdk:...`, `aws-cdk:...`), cached lookups
 * (`availability-zones:account=...`) — all namespaced with `@` or `:` — and the few plain
 * words the CLI itself writes into context.
 */
const CDK_PLAIN_KEYS = new Set(['cli-telemetry', 'acknowledged-issue-numbers']);
const isCdkKey = (key: string): boolean => key.startsWith('@') || key.includes(':') || CDK_PLAIN_KEYS.has(key);

/** Lower case, letters and digits only: `ScheduleMinutes`, `schedule_minutes` and `schedule-minutes` all become `scheduleminutes`. */
const squash = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/**
 * The known key an unknown one was probably meant to be: the same letters in another case or
 * with separators (`ScheduleMinutes`, `schedule_minutes`), else the nearest within a few edits.
 */
export function closestContextKey(key: string): string | undefined {
  const wanted = squash(key);
  let best: { key: string; distance: number } | undefined;
  for (const known of CONTEXT_KEYS) {
    const distance = editDistance(wanted, squash(known));
    if (!best || distance < best.distance) best = { key: known, distance };
  }
  // A third of the key's length, at least 2: catches typos, not unrelated words.
  return best && best.distance <= Math.max(2, Math.floor(wanted.length / 3)) ? best.key : undefined;
}

/**
 * Fails on a context key the app does not read, in any spelling: `-c schedulMinutes=5`,
 * `-c ScheduleMinutes=5` and `-c schedule_minutes=5` must not be silently ignored. The CDK's own
 * keys (isCdkKey) pass.
 */
function rejectUnknownKeys(node: Node): void {
  const known = new Set<string>(CONTEXT_KEYS);
  // getAllContext() is typed `any` by constructs; it is a plain object of context values.
  const all = node.getAllContext() as Record<string, unknown>;
  for (const key of Object.keys(all)) {
    if (known.has(key) || isCdkKey(key)) continue;
    const closest = closestContextKey(key);
    throw new ConfigError(
      `unknown context key "${key}"${closest ? ` (did you mean "${closest}"?)` : ''}; known keys: ${CONTEXT_KEYS.join(', ')}`,
      { value: key },
    );
  }
}

/**
 * The shortest "no new articles" window a schedule allows: two schedule periods, in whole hours.
 * Articles are stored only when a cycle runs, and a cycle with nothing new is normal (a quiet
 * night, a holiday); a window of one period or less would alarm on the first quiet cycle, and
 * with a daily schedule every day, since most of its hours hold no cycle at all.
 *
 * @example minNoArticlesHours(15) // 1; minNoArticlesHours(1440) // 48
 */
export function minNoArticlesHours(scheduleMinutes: number): number {
  return Math.ceil((2 * scheduleMinutes) / 60);
}

/** The default window: 12 hours, or two schedule periods when that is longer. */
export function defaultNoArticlesHours(scheduleMinutes: number): number {
  return Math.max(12, minNoArticlesHours(scheduleMinutes));
}

/** Names that never lead to a public server: RFC 6761 (localhost), 6762 (local), 8375 (home.arpa), and ICANN's private-use `internal`. */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)\.?$/i;

/**
 * Why a deployed feed may not use this host, or null: a feed list deployed to AWS names public
 * servers only. Refused: IP literals that are not public (loopback, private, link-local, the
 * metadata address, unique-local, reserved: the SSRF guard's classifier), internal names, and
 * names without a dot, which only a local search domain could resolve.
 *
 * @example deployedHostRefusal('127.0.0.1') // '127.0.0.1 is a loopback address'
 */
export function deployedHostRefusal(hostname: string): string | null {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const kind = addressKind(host);
    return kind === 'public' ? null : `${host} is ${kind === 'unspecified' ? 'an' : 'a'} ${kind} address`;
  }
  if (INTERNAL_NAME.test(host)) return `${host} is a local or internal name`;
  if (!host.includes('.')) return `${host} is a name without a domain`;
  return null;
}

/**
 * The least memory (MB) the ingest worker needs so that one feed at the decompressed-size cap
 * cannot crash it, and with it the other feeds of its batch: ~100 MB for the loaded bundle (its
 * RSS measured after import), plus 12× the cap for the body, its decoded text, the parsed
 * document, the drafts and their enrichment (measured: a 20 MiB RSS feed of 5,816 items adds
 * 223 MiB through decode, parse, normalize, relevance and takeaways, all items held at once).
 *
 * @example minIngestMemoryMB(20 * 1024 * 1024) // 368: the default 512 MB leaves ~140 MB for the batch's other feeds
 */
export function minIngestMemoryMB(fetchMaxDecompressedBytes: number): number {
  return 128 + 12 * Math.ceil(fetchMaxDecompressedBytes / 1024 ** 2);
}

/** The default ingest memory: 512 MB, or the next 64 MB step above minIngestMemoryMB when a larger cap needs more. */
export function defaultIngestMemoryMB(fetchMaxDecompressedBytes: number): number {
  return Math.max(512, Math.ceil(minIngestMemoryMB(fetchMaxDecompressedBytes) / 64) * 64);
}

/** Read and validate the feed list to deploy: public hosts only (deployedHostRefusal). */
export function loadFeeds(path: string): FeedConfig[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`feeds file ${path}: ${(cause as Error).message}`, { value: path }, { cause });
  }
  return validateFeedsFile(doc, path, undefined, { refuseHost: deployedHostRefusal });
}

export function readStackConfig(node: Node): StackConfig {
  rejectUnknownKeys(node);
  const rawFeedsFile: unknown = node.tryGetContext('feedsFile');
  if (rawFeedsFile !== undefined && (typeof rawFeedsFile !== 'string' || !rawFeedsFile.trim())) fail('feedsFile', 'a file path', rawFeedsFile);
  const feedsFile = (rawFeedsFile as string | undefined) ?? DEFAULT_FEEDS_FILE;
  const logRetentionDays = intContext(node, 'logRetentionDays', 30, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    fail('logRetentionDays', `one of ${LOG_RETENTION_DAYS.join(', ')}`, node.tryGetContext('logRetentionDays'));
  }
  // S3 moves objects to Standard-IA no earlier than 30 days after creation.
  const rawTransitionDays = intContext(node, 'rawTransitionDays', 30, 30, 3650);
  const rawExpirationDays = intContext(node, 'rawExpirationDays', 180, 1, 36500);
  if (rawExpirationDays <= rawTransitionDays) {
    fail('rawExpirationDays', `greater than rawTransitionDays (${rawTransitionDays})`, node.tryGetContext('rawExpirationDays') ?? rawExpirationDays);
  }
  const ingestTimeoutSeconds = intContext(node, 'ingestTimeoutSeconds', 60, 10, 900);
  // A batch's feeds are fetched side by side; half the worker's time is left for parsing and storage.
  const fetchTimeoutSeconds = intContext(node, 'fetchTimeoutSeconds', DEFAULT_FETCH_OPTIONS.timeoutMs / 1000, 1, 450);
  if (fetchTimeoutSeconds * 2 > ingestTimeoutSeconds) {
    fail('fetchTimeoutSeconds', `at most half of ingestTimeoutSeconds (${ingestTimeoutSeconds})`, node.tryGetContext('fetchTimeoutSeconds') ?? fetchTimeoutSeconds);
  }
  const fetchConnectTimeoutSeconds = intContext(node, 'fetchConnectTimeoutSeconds', Math.min(DEFAULT_FETCH_OPTIONS.connectTimeoutMs / 1000, fetchTimeoutSeconds), 1, 450);
  if (fetchConnectTimeoutSeconds > fetchTimeoutSeconds) {
    fail('fetchConnectTimeoutSeconds', `at most fetchTimeoutSeconds (${fetchTimeoutSeconds})`, node.tryGetContext('fetchConnectTimeoutSeconds'));
  }
  // The ranges functions/adapters/env.ts accepts, so a synth that passes deploys a worker that loads.
  const fetchMaxBytes = intContext(node, 'fetchMaxBytes', DEFAULT_FETCH_OPTIONS.maxBytes, 1024, 1024 ** 3);
  const fetchMaxDecompressedBytes = intContext(node, 'fetchMaxDecompressedBytes', Math.max(DEFAULT_FETCH_OPTIONS.maxDecompressedBytes, fetchMaxBytes), 1024, 1024 ** 3);
  // A body sent without compression counts against both caps: a smaller second cap would quietly lower the first.
  if (fetchMaxDecompressedBytes < fetchMaxBytes) {
    fail('fetchMaxDecompressedBytes', `at least fetchMaxBytes (${fetchMaxBytes})`, node.tryGetContext('fetchMaxDecompressedBytes'));
  }
  // Lambda takes 128 MB to 10,240 MB.
  const ingestMemoryMB = intContext(node, 'ingestMemoryMB', defaultIngestMemoryMB(fetchMaxDecompressedBytes), 128, 10240);
  if (ingestMemoryMB < minIngestMemoryMB(fetchMaxDecompressedBytes)) {
    fail(
      'ingestMemoryMB',
      `at least ${minIngestMemoryMB(fetchMaxDecompressedBytes)} with fetchMaxDecompressedBytes=${fetchMaxDecompressedBytes} (a feed at that cap, parsed and enriched, takes about 12 times its size besides the ~100 MB the worker needs loaded)`,
      node.tryGetContext('ingestMemoryMB'),
    );
  }
  const backoffMaxHours = intContext(node, 'backoffMaxHours', DEFAULT_BACKOFF.maxMs / 3_600_000, 1, 168);
  const backoffBaseMinutes = intContext(node, 'backoffBaseMinutes', Math.min(DEFAULT_BACKOFF.baseMs / 60_000, backoffMaxHours * 60), 1, 168 * 60);
  if (backoffBaseMinutes > backoffMaxHours * 60) {
    fail('backoffBaseMinutes', `at most backoffMaxHours in minutes (${backoffMaxHours * 60})`, node.tryGetContext('backoffBaseMinutes'));
  }
  const scheduleMinutes = intContext(node, 'scheduleMinutes', 15, 1, 1440);
  // Alarms evaluate at most 7 days of hourly periods.
  const alarmNoArticlesHours = intContext(node, 'alarmNoArticlesHours', defaultNoArticlesHours(scheduleMinutes), 1, 168);
  if (alarmNoArticlesHours < minNoArticlesHours(scheduleMinutes)) {
    fail(
      'alarmNoArticlesHours',
      `at least ${minNoArticlesHours(scheduleMinutes)} with scheduleMinutes=${scheduleMinutes} (two schedule periods, so one cycle without a new article does not raise the alarm)`,
      node.tryGetContext('alarmNoArticlesHours'),
    );
  }
  const stackName: unknown = node.tryGetContext('stackName') ?? 'Wbnews';
  // CloudFormation: a letter, then letters, digits and hyphens, at most 128 characters.
  if (typeof stackName !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    fail('stackName', 'a CloudFormation stack name (a letter, then letters, digits and hyphens)', stackName);
  }
  return {
    stackName: stackName as string,
    scheduleMinutes,
    feedsFile,
    feeds: loadFeeds(feedsFile),
    ingestBatchSize: intContext(node, 'ingestBatchSize', 5, 1, 10),
    // The SQS event source accepts a maximum concurrency from 2 to 1000.
    ingestMaxConcurrency: intContext(node, 'ingestMaxConcurrency', 5, 2, 1000),
    ingestTimeoutSeconds,
    ingestMemoryMB,
    logRetentionDays,
    logLevel: choiceContext<LogLevel>(node, 'logLevel', 'INFO', ['DEBUG', 'INFO', 'WARN', 'ERROR']),
    rawTransitionDays,
    rawExpirationDays,
    noncurrentVersionDays: intContext(node, 'noncurrentVersionDays', 30, 1, 3650),
    accessLogging: boolContext(node, 'accessLogging', true),
    accessLogRetentionDays: intContext(node, 'accessLogRetentionDays', 90, 1, 3650),
    removalPolicy: choiceContext(node, 'removalPolicy', 'retain', ['retain', 'destroy'] as const),
    alarmEmail: emailContext(node, 'alarmEmail'),
    alarmFeedFailures: intContext(node, 'alarmFeedFailures', 6, 1, 100),
    alarmNoArticlesHours,
    athena: boolContext(node, 'athena', false),
    scopeCountries: countriesContext(node, 'scopeCountries'),
    contactUrl: urlContext(node, 'contactUrl'),
    fetchTimeoutSeconds,
    fetchConnectTimeoutSeconds,
    fetchMaxBytes,
    fetchMaxDecompressedBytes,
    fetchMaxRedirects: intContext(node, 'fetchMaxRedirects', DEFAULT_FETCH_OPTIONS.maxRedirects, 0, 20),
    backoffBaseMinutes,
    backoffMaxHours,
  };
}
