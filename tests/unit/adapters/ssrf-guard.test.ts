import type dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import { FeedFetchError } from '../../../functions/core/errors';
import { addressKind, assertFetchableUrl, guardedLookup, refusal } from '../../../functions/adapters/ssrf-guard';
import { HostThrottle, decodeHtml, extractMainText } from '../../../functions/adapters/full-text';

describe('SSRF guard: address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['192.0.2.10', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it('allows loopback only with the local-run flag, and nothing else with it', () => {
    expect(refusal('127.0.0.1', { allowLoopback: false })).toMatch(/loopback/);
    expect(refusal('127.0.0.1', { allowLoopback: true })).toBeNull();
    expect(refusal('::1', { allowLoopback: true })).toBeNull();
    expect(refusal('169.254.169.254', { allowLoopback: true })).toMatch(/link-local/);
    expect(refusal('10.0.0.1', { allowLoopback: true })).toMatch(/private/);
    expect(refusal('93.184.216.34', { allowLoopback: false })).toBeNull();
  });
});

describe('SSRF guard: URLs', () => {
  const policy = { allowLoopback: false };

  it('accepts http(s) URLs with host names', () => {
    expect(assertFetchableUrl('https://balkaninsight.com/2026/11/a/', policy).hostname).toBe('balkaninsight.com');
  });

  it.each([
    ['file:///etc/passwd', /only http and https/],
    ['ftp://example.com/a', /only http and https/],
    ['gopher://127.0.0.1:70/', /only http and https/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[::1]:8080/', /loopback/],
    ['http://10.0.0.8/admin', /private/],
    ['http://user:pass@example.com/', /credentials/],
    ['not a url', /invalid URL/],
  ])('refuses %s with a typed error', (url, message) => {
    expect(() => assertFetchableUrl(url, policy)).toThrow(FeedFetchError);
    expect(() => assertFetchableUrl(url, policy)).toThrow(message);
  });
});

describe('SSRF guard: connect-time lookup', () => {
  type Answer = { address: string; family: number }[];
  const resolver = (answer: Answer) =>
    ((_host: string, _options: unknown, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) =>
      callback(null, answer)) as unknown as typeof dns.lookup;
  const run = (answer: Answer, all: boolean, allowLoopback = false) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      guardedLookup({ allowLoopback }, resolver(answer))('news.example', { all }, (err, address, family) => resolve({ err, address, family })),
    );

  it('passes public answers through in both callback shapes', async () => {
    expect(await run([{ address: '93.184.216.34', family: 4 }], false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect((await run([{ address: '93.184.216.34', family: 4 }], true)).address).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('refuses a host that resolves to the metadata address, or to a mix of public and private (rebinding)', async () => {
    expect((await run([{ address: '169.254.169.254', family: 4 }], false)).err?.message).toMatch(/news\.example: 169\.254\.169\.254 is a link-local address/);
    expect((await run([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.2', family: 4 }], true)).err?.message).toMatch(/private/);
    expect((await run([{ address: '127.0.0.1', family: 4 }], false)).err?.message).toMatch(/loopback/);
    expect((await run([{ address: '127.0.0.1', family: 4 }], false, true)).err).toBeNull();
  });
});

describe('full text: helpers', () => {
  it('extracts the main text of a page and leaves navigation and footer out', () => {
    const paragraphs = Array.from({ length: 5 }, (_, i) => `<p>Paragraph ${i + 1}: officials from Podgorica and Belgrade met on Monday to discuss the new railway timetable, which starts in December.</p>`).join('');
    const html = `<html><head><title>Railway talks</title></head><body><nav><a href="/">Home</a><a href="/sport">Sport</a></nav><main><article><h1>Railway talks</h1>${paragraphs}<ul><li>Trains every two hours.</li><li>New night service.</li></ul></article></main><footer>© Example News 2026. All rights reserved.</footer></body></html>`;
    const text = extractMainText(html, 'https://news.example/a');
    expect(text).toMatch(/Paragraph 1: officials from Podgorica/);
    expect(text).toMatch(/Paragraph 5:/);
    expect(text).toMatch(/^• Trains every two hours\.$/m);
    expect(text).not.toMatch(/Sport|All rights reserved/);
  });

  it('returns null for a page without text', () => {
    expect(extractMainText('<html><head><title>x</title></head><body><img src="a.png"></body></html>', 'https://news.example/')).toBeNull();
  });

  it('decodes by BOM, HTTP charset, then <meta charset>', () => {
    const cp1250 = Uint8Array.from([0x3c, 0x6d, 0x65, 0x74, 0x61, 0x20, 0x63, 0x68, 0x61, 0x72, 0x73, 0x65, 0x74, 0x3d, 0x77, 0x69, 0x6e, 0x64, 0x6f, 0x77, 0x73, 0x2d, 0x31, 0x32, 0x35, 0x30, 0x3e, 0x9a, 0xe8]);
    expect(decodeHtml(cp1250, 'text/html')).toMatch(/šč$/);
    expect(decodeHtml(Uint8Array.from([0xc5, 0xa1]), 'text/html; charset=utf-8')).toBe('š');
    expect(decodeHtml(Uint8Array.from([0x9a]), 'text/html; charset=windows-1250')).toBe('š');
  });

  it('HostThrottle runs one task at a time per host, with the delay between them, and other hosts in parallel', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const throttle = new HostThrottle(500, async (ms) => {
      sleeps.push(ms);
      clock += ms;
    }, () => clock);
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name} @${clock}`);
      await Promise.resolve();
      clock += 100;
      running--;
      return name;
    };
    const results = await Promise.all([throttle.run('a.example', task('a1')), throttle.run('a.example', task('a2')), throttle.run('a.example', task('a3'))]);
    expect(results).toEqual(['a1', 'a2', 'a3']);
    expect(maxRunning).toBe(1);
    expect(log).toEqual(['start a1 @0', 'start a2 @600', 'start a3 @1200']);
    expect(sleeps).toEqual([500, 500]);
    await expect(throttle.run('b.example', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(throttle.run('b.example', async () => 'after a failure')).resolves.toBe('after a failure');
  });
});
