import { describe, expect, it } from 'vitest';
import { backoffFromEnv, fetchOptionsFromEnv } from '../../../functions/adapters/env';
import { DEFAULT_FETCH_OPTIONS } from '../../../functions/adapters/http-fetch';
import { DEFAULT_BACKOFF } from '../../../functions/ingest/schedule';
import { ConfigError } from '../../../functions/core/errors';

describe('fetchOptionsFromEnv', () => {
  it('GIVEN no variables THEN the documented defaults apply', () => {
    expect(fetchOptionsFromEnv({})).toEqual({
      timeoutMs: 15_000,
      connectTimeoutMs: 5_000,
      maxBytes: 5_242_880,
      maxDecompressedBytes: 20_971_520,
      maxRedirects: 5,
      userAgent: 'wbnews/0.1 (+https://github.com/wbnews/wbnews; Western Balkans news monitor)',
    });
    expect(fetchOptionsFromEnv({})).toEqual(DEFAULT_FETCH_OPTIONS);
  });

  it('reads every limit and builds the User-Agent from the contact URL', () => {
    const options = fetchOptionsFromEnv({
      FETCH_TIMEOUT_MS: '20000',
      FETCH_CONNECT_TIMEOUT_MS: '3000',
      FETCH_MAX_BYTES: '1048576',
      FETCH_MAX_DECOMPRESSED_BYTES: '8388608',
      FETCH_MAX_REDIRECTS: '0',
      FETCH_CONTACT_URL: 'mailto:newsdesk@wbnews.example',
    });
    expect(options).toEqual({
      timeoutMs: 20_000,
      connectTimeoutMs: 3_000,
      maxBytes: 1_048_576,
      maxDecompressedBytes: 8_388_608,
      maxRedirects: 0,
      userAgent: 'wbnews/0.1 (+mailto:newsdesk@wbnews.example; Western Balkans news monitor)',
    });
    expect(fetchOptionsFromEnv({ FETCH_USER_AGENT: 'custom/1.0' }).userAgent).toBe('custom/1.0');
  });

  it.each([
    [{ FETCH_TIMEOUT_MS: 'soon' }, 'environment variable FETCH_TIMEOUT_MS must be an integer from 1000 to 900000 (got "soon")'],
    [{ FETCH_MAX_REDIRECTS: '50' }, 'environment variable FETCH_MAX_REDIRECTS must be an integer from 0 to 20 (got "50")'],
    [{ FETCH_CONTACT_URL: 'call me' }, 'environment variable FETCH_CONTACT_URL must be an http(s) or mailto: URL (got "call me")'],
    [{ FETCH_TIMEOUT_MS: '2000', FETCH_CONNECT_TIMEOUT_MS: '3000' }, 'FETCH_CONNECT_TIMEOUT_MS (3000) must not exceed FETCH_TIMEOUT_MS (2000)'],
  ])('GIVEN %j THEN a ConfigError names the variable and the value', (env, message) => {
    expect(() => fetchOptionsFromEnv(env)).toThrowError(ConfigError);
    expect(() => fetchOptionsFromEnv(env)).toThrowError(message);
  });
});

describe('backoffFromEnv', () => {
  it('defaults to 15 minutes doubling up to 24 hours, and reads overrides', () => {
    expect(backoffFromEnv({})).toEqual(DEFAULT_BACKOFF);
    expect(backoffFromEnv({ BACKOFF_BASE_MS: '60000', BACKOFF_MAX_MS: '3600000' })).toEqual({ baseMs: 60_000, maxMs: 3_600_000 });
    expect(() => backoffFromEnv({ BACKOFF_BASE_MS: '7200000', BACKOFF_MAX_MS: '3600000' })).toThrowError('BACKOFF_MAX_MS (3600000) must not be below BACKOFF_BASE_MS (7200000)');
  });
});
