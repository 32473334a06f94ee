import { App } from 'aws-cdk-lib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors';
import { CONTEXT_KEYS, deployedHostRefusal, minIngestMemoryMB, minNoArticlesHours, readStackConfig } from '../../infra/config';
import { synth } from './synth';

const config = (context: Record<string, unknown>) => readStackConfig(new App({ context }).node);

function feedsFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wbnews-feeds-')), 'feeds.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('stack configuration (CDK context)', () => {
  it('has the documented defaults', () => {
    const { feeds, feedsFile: file, ...rest } = config({});
    expect(file).toMatch(/feeds\/feeds\.json$/);
    expect(feeds.length).toBeGreaterThanOrEqual(15);
    expect(rest).toEqual({
      stackName: 'Wbnews',
      scheduleMinutes: 15,
      ingestBatchSize: 5,
      ingestMaxConcurrency: 5,
      ingestTimeoutSeconds: 60,
      ingestMemoryMB: 512,
      logRetentionDays: 30,
      logLevel: 'INFO',
      rawTransitionDays: 30,
      rawExpirationDays: 180,
      noncurrentVersionDays: 30,
      accessLogging: true,
      accessLogRetentionDays: 90,
      removalPolicy: 'retain',
      alarmEmail: undefined,
      alarmFeedFailures: 6,
      alarmNoArticlesHours: 12,
      athena: false,
      scopeCountries: undefined,
      contactUrl: undefined,
      fetchTimeoutSeconds: 15,
      fetchConnectTimeoutSeconds: 5,
      fetchMaxBytes: 5242880,
      fetchMaxDecompressedBytes: 20971520,
      fetchMaxRedirects: 5,
      backoffBaseMinutes: 15,
      backoffMaxHours: 24,
    });
  });

  it('reads -c values, which arrive as strings', () => {
    const c = config({ scheduleMinutes: '30', athena: 'true', accessLogging: 'false', scopeCountries: 'XK, RS', alarmEmail: ' ops@example.org ', removalPolicy: 'destroy' });
    expect(c).toMatchObject({ scheduleMinutes: 30, athena: true, accessLogging: false, scopeCountries: ['XK', 'RS'], alarmEmail: 'ops@example.org', removalPolicy: 'destroy' });
  });

  it('reads the fetch limits and the back-off, deriving defaults that would clash', () => {
    expect(config({ fetchMaxBytes: '1048576', fetchMaxDecompressedBytes: 4194304, fetchMaxRedirects: 0, fetchConnectTimeoutSeconds: 2, backoffBaseMinutes: 5, backoffMaxHours: 1 })).toMatchObject({
      fetchMaxBytes: 1048576,
      fetchMaxDecompressedBytes: 4194304,
      fetchMaxRedirects: 0,
      fetchConnectTimeoutSeconds: 2,
      backoffBaseMinutes: 5,
      backoffMaxHours: 1,
    });
    // A larger response cap lifts the default decompressed cap; a short fetch timeout, the connect timeout.
    expect(config({ fetchMaxBytes: 50 * 1024 * 1024 }).fetchMaxDecompressedBytes).toBe(50 * 1024 * 1024);
    expect(config({ fetchTimeoutSeconds: 3 }).fetchConnectTimeoutSeconds).toBe(3);
  });

  it('gives the worker 512 MB, or enough for one feed at a larger decompressed cap', () => {
    expect(minIngestMemoryMB(20 * 1024 * 1024)).toBe(368);
    expect(config({ fetchMaxDecompressedBytes: 30 * 1024 * 1024 }).ingestMemoryMB).toBe(512);
    // 128 + 12 × 50 = 728, rounded up to a 64 MB step.
    expect(config({ fetchMaxDecompressedBytes: 50 * 1024 * 1024 }).ingestMemoryMB).toBe(768);
    expect(config({ ingestMemoryMB: '1769' }).ingestMemoryMB).toBe(1769);
  });

  it('makes the no-article window at least two schedule periods by default', () => {
    expect(config({ scheduleMinutes: 60 }).alarmNoArticlesHours).toBe(12);
    expect(config({ scheduleMinutes: 480 }).alarmNoArticlesHours).toBe(16);
    expect(config({ scheduleMinutes: '1440' }).alarmNoArticlesHours).toBe(48);
    expect(config({ scheduleMinutes: 1440, alarmNoArticlesHours: 72 }).alarmNoArticlesHours).toBe(72);
    expect(minNoArticlesHours(15)).toBe(1);
    expect(minNoArticlesHours(45)).toBe(2);
    // Any window the config accepts spans at least two cycles.
    for (let minutes = 1; minutes <= 1440; minutes++) expect(minNoArticlesHours(minutes) * 60).toBeGreaterThanOrEqual(2 * minutes);
  });

  it('reads cdk.json values, which arrive typed', () => {
    expect(config({ ingestMaxConcurrency: 20, athena: true, scopeCountries: ['AL', 'MK'] })).toMatchObject({ ingestMaxConcurrency: 20, athena: true, scopeCountries: ['AL', 'MK'] });
    // A deployment may add a neighbour the gazetteer has terms for.
    expect(config({ scopeCountries: 'AL,BA,XK,ME,MK,RS,HR' }).scopeCountries).toContain('HR');
  });
});

describe('synth fails, naming the key and the value, if', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['the stack name is not one CloudFormation accepts', { stackName: 'wb_news' }, 'context "stackName" must be a CloudFormation stack name (a letter, then letters, digits and hyphens) (got "wb_news")'],
    ['the schedule is not a whole number of minutes', { scheduleMinutes: 'often' }, 'context "scheduleMinutes" must be an integer from 1 to 1440 (got "often")'],
    ['the schedule is longer than a day', { scheduleMinutes: 1441 }, 'context "scheduleMinutes" must be an integer from 1 to 1440 (got 1441)'],
    ['the batch is larger than 10', { ingestBatchSize: 11 }, 'context "ingestBatchSize" must be an integer from 1 to 10 (got 11)'],
    ['the maximum concurrency is below what SQS accepts', { ingestMaxConcurrency: 1 }, 'context "ingestMaxConcurrency" must be an integer from 2 to 1000 (got 1)'],
    ['the worker timeout exceeds Lambda\'s', { ingestTimeoutSeconds: '901' }, 'context "ingestTimeoutSeconds" must be an integer from 10 to 900 (got "901")'],
    ['the log retention is not a CloudWatch Logs value', { logRetentionDays: 10 }, 'context "logRetentionDays" must be one of 1, 3, 5, 7, 14, 30, 60, 90'],
    ['the log level is unknown', { logLevel: 'verbose' }, 'context "logLevel" must be one of DEBUG, INFO, WARN, ERROR (got "verbose")'],
    ['raw snapshots would move to Standard-IA before S3 allows', { rawTransitionDays: 7 }, 'context "rawTransitionDays" must be an integer from 30 to 3650 (got 7)'],
    ['raw snapshots would expire before they move', { rawTransitionDays: 60, rawExpirationDays: 45 }, 'context "rawExpirationDays" must be greater than rawTransitionDays (60) (got 45)'],
    ['access logging is not a boolean', { accessLogging: 'yes' }, 'context "accessLogging" must be true or false (got "yes")'],
    ['the contact URL is not a URL', { contactUrl: 'ops at example' }, 'context "contactUrl" must be an http(s) or mailto: URL (got "ops at example")'],
    ['the fetch timeout leaves no time to store', { fetchTimeoutSeconds: 40 }, 'context "fetchTimeoutSeconds" must be at most half of ingestTimeoutSeconds (60) (got 40)'],
    ['the back-off cap is out of range', { backoffMaxHours: 0 }, 'context "backoffMaxHours" must be an integer from 1 to 168 (got 0)'],
    ['the first back-off is longer than the cap', { backoffMaxHours: 2, backoffBaseMinutes: '180' }, 'context "backoffBaseMinutes" must be at most backoffMaxHours in minutes (120) (got "180")'],
    ['the first back-off is zero', { backoffBaseMinutes: 0 }, 'context "backoffBaseMinutes" must be an integer from 1 to 10080 (got 0)'],
    ['the connect timeout exceeds the fetch timeout', { fetchTimeoutSeconds: 10, fetchConnectTimeoutSeconds: 12 }, 'context "fetchConnectTimeoutSeconds" must be at most fetchTimeoutSeconds (10) (got 12)'],
    ['the connect timeout is not whole seconds', { fetchConnectTimeoutSeconds: '2.5' }, 'context "fetchConnectTimeoutSeconds" must be an integer from 1 to 450 (got "2.5")'],
    ['the response cap is below 1 KiB', { fetchMaxBytes: 1000 }, 'context "fetchMaxBytes" must be an integer from 1024 to 1073741824 (got 1000)'],
    ['the response cap is not a number', { fetchMaxBytes: '5MB' }, 'context "fetchMaxBytes" must be an integer from 1024 to 1073741824 (got "5MB")'],
    ['the decompressed cap is below the response cap', { fetchMaxBytes: 10485760, fetchMaxDecompressedBytes: 5242880 }, 'context "fetchMaxDecompressedBytes" must be at least fetchMaxBytes (10485760) (got 5242880)'],
    ['the decompressed cap is above 1 GiB', { fetchMaxDecompressedBytes: 2 * 1024 ** 3 }, 'context "fetchMaxDecompressedBytes" must be an integer from 1024 to 1073741824 (got 2147483648)'],
    ['the worker memory is below what Lambda offers', { ingestMemoryMB: 64 }, 'context "ingestMemoryMB" must be an integer from 128 to 10240 (got 64)'],
    ['the worker memory cannot hold one feed at the decompressed cap', { ingestMemoryMB: 256 }, 'context "ingestMemoryMB" must be at least 368 with fetchMaxDecompressedBytes=20971520 (a feed at that cap, parsed and enriched, takes about 12 times its size besides the ~100 MB the worker needs loaded) (got 256)'],
    ['a larger decompressed cap is given without the memory for it', { fetchMaxDecompressedBytes: 100 * 1024 * 1024, ingestMemoryMB: '1024' }, 'context "ingestMemoryMB" must be at least 1328 with fetchMaxDecompressedBytes=104857600'],
    ['too many redirects are allowed', { fetchMaxRedirects: 21 }, 'context "fetchMaxRedirects" must be an integer from 0 to 20 (got 21)'],
    ['the removal policy is unknown', { removalPolicy: 'snapshot' }, 'context "removalPolicy" must be one of retain, destroy (got "snapshot")'],
    ['the alarm e-mail is not an address', { alarmEmail: 'ops at example.org' }, 'context "alarmEmail" must be an e-mail address (got "ops at example.org")'],
    ['the feed-failure threshold is zero', { alarmFeedFailures: 0 }, 'context "alarmFeedFailures" must be an integer from 1 to 100 (got 0)'],
    ['the no-article window exceeds what an alarm evaluates', { alarmNoArticlesHours: 169 }, 'context "alarmNoArticlesHours" must be an integer from 1 to 168 (got 169)'],
    ['athena is not a boolean', { athena: 'on' }, 'context "athena" must be true or false (got "on")'],
    ['the no-article window is shorter than two schedule periods', { scheduleMinutes: 1440, alarmNoArticlesHours: 24 }, 'context "alarmNoArticlesHours" must be at least 48 with scheduleMinutes=1440 (two schedule periods, so one cycle without a new article does not raise the alarm) (got 24)'],
    ['the no-article window is one schedule period', { scheduleMinutes: '360', alarmNoArticlesHours: '6' }, 'context "alarmNoArticlesHours" must be at least 12 with scheduleMinutes=360'],
    ['a scope country the gazetteer does not know', { scopeCountries: 'XK,FR' }, 'context "scopeCountries" must be a comma-separated list of AL, BA, BG, GR, HR, HU, ME, MK, RO, RS, SI, XK (got "XK,FR")'],
    ['the scope is empty', { scopeCountries: '' }, 'context "scopeCountries" must be a comma-separated list'],
    ['a scope country repeats', { scopeCountries: ['XK', 'XK'] }, 'context "scopeCountries" must be a list without repeats (got ["XK","XK"])'],
    ['a context key is misspelt', { schedulMinutes: 5 }, 'unknown context key "schedulMinutes" (did you mean "scheduleMinutes"?); known keys: stackName, scheduleMinutes, feedsFile,'],
    ['a context key is in the wrong case', { ScheduleMinutes: 5 }, 'unknown context key "ScheduleMinutes" (did you mean "scheduleMinutes"?)'],
    ['a context key is in snake case', { schedule_minutes: 5 }, 'unknown context key "schedule_minutes" (did you mean "scheduleMinutes"?)'],
    ['a context key is in kebab case', { 'alarm-email': 'ops@example.org' }, 'unknown context key "alarm-email" (did you mean "alarmEmail"?)'],
    ['a context key is all lower case', { logretentiondays: 90 }, 'unknown context key "logretentiondays" (did you mean "logRetentionDays"?)'],
    ['a context key is nothing like a known one', { region: 'eu-west-1' }, 'unknown context key "region"; known keys: stackName,'],
  ];
  for (const [what, context, message] of cases) {
    it(what, () => {
      expect(() => synth(context)).toThrowError(message);
      expect(() => config(context)).toThrowError(ConfigError);
    });
  }

  it('the feeds file has a duplicate id', () => {
    const file = feedsFile({ feeds: [{ id: 'ok', url: 'https://a.example/feed' }, { id: 'ok', url: 'https://b.example/feed' }] });
    expect(() => synth({ feedsFile: file })).toThrowError(`${file}: feed "ok": duplicate id (got "ok")`);
  });

  it('the feeds file has a bad URL', () => {
    const file = feedsFile({ feeds: [{ id: 'x', url: 'notaurl' }] });
    expect(() => synth({ feedsFile: file })).toThrowError('feed "x": "url" must be an http(s) URL (got "notaurl")');
  });

  it('the feeds file has an unknown option', () => {
    const file = feedsFile({ feeds: [{ id: 'x', url: 'https://a.example/feed', interval: 5 }] });
    expect(() => synth({ feedsFile: file })).toThrowError('feed "x": unknown option "interval" (got "interval")');
  });

  it('the feeds file lists no feed', () => {
    const file = feedsFile({ feeds: [] });
    expect(() => synth({ feedsFile: file })).toThrowError(`${file}: "feeds" must list at least one feed (got [])`);
  });

  it('the feeds file has one address under two ids', () => {
    const file = feedsFile({ feeds: [{ id: 'kossev', url: 'https://kossev.info/feed/' }, { id: 'kossev-2', url: 'https://kossev.info/feed' }] });
    expect(() => synth({ feedsFile: file })).toThrowError(`${file}: feed "kossev-2": "url" is already the address of feed "kossev" (got "https://kossev.info/feed")`);
  });

  it.each([
    ['http://127.0.0.1:8080/feed.xml', '127.0.0.1 is a loopback address'],
    ['http://localhost:8080/feed.xml', 'localhost is a local or internal name'],
    ['http://[::1]/feed', '::1 is a loopback address'],
    ['http://2130706433/feed', '127.0.0.1 is a loopback address'],
    ['http://10.1.2.3/rss', '10.1.2.3 is a private address'],
    ['https://192.168.1.20/feed', '192.168.1.20 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://[::ffff:10.0.0.1]/feed', '::ffff:a00:1 is a private address'],
    ['http://[fd00::1]/feed', 'fd00::1 is a unique-local address'],
    ['http://0.0.0.0/feed', '0.0.0.0 is an unspecified address'],
    ['https://news.internal/feed', 'news.internal is a local or internal name'],
    ['https://printer.local/feed', 'printer.local is a local or internal name'],
    ['https://feeds.localhost/rss', 'feeds.localhost is a local or internal name'],
    ['https://intranet/feed', 'intranet is a name without a domain'],
  ])('the feeds file to deploy names a host that is not public: %s', (url, reason) => {
    const file = feedsFile({ feeds: [{ id: 'ok', url: 'https://kossev.info/feed/' }, { id: 'inside', url }] });
    expect(() => synth({ feedsFile: file })).toThrowError(`${file}: feed "inside": "url" must name a public host: ${reason} (got ${JSON.stringify(url)})`);
    expect(() => config({ feedsFile: file })).toThrowError(ConfigError);
  });

  it('accepts public hosts in the feeds file to deploy', () => {
    for (const host of ['kossev.info', 'www.rts.rs', '93.184.216.34', '[2606:4700::1111]', 'localhost.example.org']) {
      expect(deployedHostRefusal(host), host).toBeNull();
    }
  });

  it('the feeds file is not JSON, or missing', () => {
    const file = feedsFile('{"feeds": [');
    expect(() => synth({ feedsFile: file })).toThrowError(`feeds file ${file}:`);
    expect(() => synth({ feedsFile: '/nonexistent/feeds.json' })).toThrowError('feeds file /nonexistent/feeds.json: ENOENT');
  });

  it('lists every key it reads in CONTEXT_KEYS (the README table documents the same set)', () => {
    expect([...CONTEXT_KEYS].sort()).toEqual(Object.keys(config({})).filter((k) => k !== 'feeds').sort());
  });

  it("lets the CDK's own context keys through: feature flags, toolkit settings, cached lookups, CLI words", () => {
    expect(() =>
      config({
        '@aws-cdk/core:newStyleStackSynthesis': true,
        '@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver': true,
        'aws:cdk:bundling-stacks': [],
        'aws:cdk:enable-path-metadata': true,
        'aws-cdk:enableDiffNoFail': true,
        'availability-zones:account=123456789012:region=eu-central-1': ['eu-central-1a'],
        'cli-telemetry': false,
        'acknowledged-issue-numbers': [12345],
      }),
    ).not.toThrow();
  });
});
