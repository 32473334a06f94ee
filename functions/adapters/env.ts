import { ConfigError } from '../core/errors';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../ingest/schedule';
import { DEFAULT_FETCH_OPTIONS, FETCH_TIMEOUT_RANGE, userAgentFor, type FetchOptions } from './http-fetch';

/** A required environment variable, or a ConfigError naming it. Read once, at module load. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value || !value.trim()) throw new ConfigError(`environment variable ${name} is missing or empty (got ${JSON.stringify(value ?? null)})`, { value: String(value) });
  return value.trim();
}

/** An optional positive integer variable with a default; a malformed value is a ConfigError. */
export function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`environment variable ${name} must be a positive integer (got ${JSON.stringify(raw)})`, { value: raw });
  return value;
}

/** An optional integer variable within [min, max], with a default; anything else is a ConfigError. */
export function boundedIntEnv(name: string, fallback: number, min: number, max: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`environment variable ${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`, { value: raw });
  }
  return value;
}

/**
 * The ingest worker's fetch limits and politeness settings, read once at load (README,
 * "Fetch options"). Unset variables take the defaults of DEFAULT_FETCH_OPTIONS.
 */
export function fetchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FetchOptions {
  const d = DEFAULT_FETCH_OPTIONS;
  const contact = env['FETCH_CONTACT_URL']?.trim();
  if (contact !== undefined && contact !== '' && !/^(https?:\/\/\S+|mailto:\S+@\S+)$/.test(contact)) {
    throw new ConfigError(`environment variable FETCH_CONTACT_URL must be an http(s) or mailto: URL (got ${JSON.stringify(contact)})`, { value: contact });
  }
  const userAgent = env['FETCH_USER_AGENT']?.trim() || env['USER_AGENT']?.trim() || userAgentFor(contact || undefined);
  const options: FetchOptions = {
    timeoutMs: boundedIntEnv('FETCH_TIMEOUT_MS', d.timeoutMs, FETCH_TIMEOUT_RANGE.min, FETCH_TIMEOUT_RANGE.max, env),
    connectTimeoutMs: boundedIntEnv('FETCH_CONNECT_TIMEOUT_MS', d.connectTimeoutMs, 100, 900_000, env),
    maxBytes: boundedIntEnv('FETCH_MAX_BYTES', d.maxBytes, 1024, 1024 ** 3, env),
    maxDecompressedBytes: boundedIntEnv('FETCH_MAX_DECOMPRESSED_BYTES', d.maxDecompressedBytes, 1024, 1024 ** 3, env),
    maxRedirects: boundedIntEnv('FETCH_MAX_REDIRECTS', d.maxRedirects, 0, 20, env),
    userAgent,
  };
  if (options.connectTimeoutMs > options.timeoutMs) {
    throw new ConfigError(`FETCH_CONNECT_TIMEOUT_MS (${options.connectTimeoutMs}) must not exceed FETCH_TIMEOUT_MS (${options.timeoutMs})`, { value: String(options.connectTimeoutMs) });
  }
  return options;
}

/** The failing-feed back-off (README, "Feed health and back-off"), read once at load. */
export function backoffFromEnv(env: NodeJS.ProcessEnv = process.env): BackoffPolicy {
  const baseMs = boundedIntEnv('BACKOFF_BASE_MS', DEFAULT_BACKOFF.baseMs, 1000, 7 * 24 * 3600_000, env);
  const maxMs = boundedIntEnv('BACKOFF_MAX_MS', DEFAULT_BACKOFF.maxMs, 60_000, 7 * 24 * 3600_000, env);
  if (maxMs < baseMs) throw new ConfigError(`BACKOFF_MAX_MS (${maxMs}) must not be below BACKOFF_BASE_MS (${baseMs})`, { value: String(maxMs) });
  return { baseMs, maxMs };
}
