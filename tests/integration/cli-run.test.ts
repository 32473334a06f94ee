import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE } from '../../cli/local/data-lock';
import { startFeedServer } from '../../cli/local/feed-server';
import { wbnews, wbnewsProcess } from '../helpers/cli';

// `wbnews run` as a user meets it: a data directory it cannot use, one another run holds, one
// a killed run left locked. Child processes where only a real process shows the behaviour (it exits).
const DEMO = fileURLToPath(new URL('../../feeds/demo/', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbnews-run-'));
  dirs.push(dir);
  return dir;
}

describe('wbnews run and its data directory', () => {
  it('GIVEN --data names a file WHEN run starts THEN the process exits 1 at once with a message naming it (it used to hang with the demo server open)', async () => {
    const file = join(tempDir(), 'afile');
    writeFileSync(file, '');
    const result = await wbnewsProcess(['run', '--data', file], { killAfterMs: 20_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.err).toBe(`wbnews run: cannot use ${file} as the data directory: it is a file, not a directory\n`);
    expect(result.out).toBe('');
  });

  it('GIVEN another process holds the data directory THEN run refuses with a clear error naming the directory and that process', async () => {
    const data = tempDir();
    const lock = acquireDataDirLock(data);
    try {
      const result = await wbnews(['run', '--data', data, '--json']);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(new RegExp(`^wbnews run: data directory ${data} is in use by another wbnews process \\(pid ${process.pid}, since [^)]+\\); wait for it to finish, or pass another --data DIR\\n$`));
      expect(result.lines).toEqual([]);
    } finally {
      lock.release();
    }
  });

  it('GIVEN three runs at once on one data directory THEN each one completes or says the directory is in use: no crash', async () => {
    const data = tempDir();
    const results = await Promise.all([1, 2, 3].map(() => wbnewsProcess(['run', '--data', data, '--json'], { killAfterMs: 60_000 })));
    for (const r of results) {
      expect(r.signal).toBeNull();
      expect(r.err).not.toMatch(/Database is closed|\n\s+at /);
      if (r.code !== 0) {
        expect(r.code).toBe(1);
        expect(r.err).toContain(`data directory ${data} is in use by another wbnews process`);
      }
    }
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  }, 90_000);

  it('GIVEN a lock left by a run that was killed THEN the next run takes it over and completes', async () => {
    const data = tempDir();
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(join(data, LOCK_FILE), JSON.stringify({ pid: dead, startedAt: '2026-11-01T00:00:00.000Z' }));
    const result = await wbnews(['run', '--data', data, '--json']);
    expect(result.code).toBe(0);
    expect(result.lines.find((l) => l['type'] === 'summary')).toMatchObject({ fetched: 3, failed: 0 });
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  });
});

describe('wbnews run options', () => {
  it.each([
    ['abc', 'abc'],
    ['=-5', '-5'],
    ['1', '1'],
    ['999', '999'],
    ['1.5', '1.5'],
    ['99999999999', '99999999999'],
    ['900001', '900001'],
  ])('--timeout-ms %s is a usage error, before anything starts', async (arg, shown) => {
    const data = join(tempDir(), 'data');
    const args = arg.startsWith('=') ? [`--timeout-ms${arg}`] : ['--timeout-ms', arg];
    const result = await wbnews(['run', '--data', data, ...args]);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toBe(`wbnews run: --timeout-ms must be a whole number of milliseconds from 1000 to 900000 (got "${shown}")\n`);
    expect(existsSync(data)).toBe(false);
  });

  it('an option value parseArgs cannot read is a usage error (exit 2), not a failure', async () => {
    const result = await wbnews(['run', '--timeout-ms', '-5']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^wbnews run: Option '--timeout-ms' argument is ambiguous/);
  });

  it('--timeout-ms within the bounds is the total time each feed gets', async () => {
    // A server that accepts and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const data = tempDir();
      const feedsFile = join(data, 'feeds.json');
      writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'silent', url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/feed.xml` }] }));
      const result = await wbnews(['run', '--data', data, '--feeds', feedsFile, '--json', '--timeout-ms', '1000']);
      expect(result.code).toBe(0);
      expect(result.lines.find((l) => l['feedId'] === 'silent')).toMatchObject({
        outcome: 'failed',
        error: { code: 'timeout', message: 'feed "silent": no complete response within 1000 ms' },
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('GIVEN a feed in back-off THEN the next run lists it as skipped, one JSON line each, and --force fetches it anyway', async () => {
    const server = await startFeedServer({ root: DEMO });
    try {
      const data = tempDir();
      const feedsFile = join(data, 'feeds.json');
      writeFileSync(
        feedsFile,
        JSON.stringify({ feeds: [{ id: 'gone', url: `${server.baseUrl}gone.xml` }, { id: 'fine', url: `${server.baseUrl}vesti-rdf.xml` }] }),
      );
      const first = await wbnews(['run', '--data', data, '--feeds', feedsFile, '--json']);
      expect(first.lines.find((l) => l['feedId'] === 'gone')).toMatchObject({ type: 'feed', outcome: 'failed', error: { code: 'http_status' } });
      const nextDueAt = first.lines.find((l) => l['feedId'] === 'gone')?.['nextDueAt'];

      const second = await wbnews(['run', '--data', data, '--feeds', feedsFile, '--json']);
      expect(second.code).toBe(0);
      expect(second.lines.filter((l) => l['type'] === 'skipped')).toEqual([
        { type: 'skipped', feedId: 'gone', nextDueAt, consecutiveFailures: 1, lastError: 'http_status' },
      ]);
      expect(second.lines.filter((l) => l['type'] === 'feed').map((l) => l['feedId'])).toEqual(['fine']);
      expect(second.lines.find((l) => l['type'] === 'summary')).toMatchObject({ skipped: 1, failed: 0 });
      expect(second.err).toMatch(/gone\s+skipped\s+in back-off until \S+; failed 1 time\(s\) in a row, last error http_status\n/);
      expect(second.err).toContain('--force fetches them now');

      const forced = await wbnews(['run', '--data', data, '--feeds', feedsFile, '--json', '--force']);
      expect(forced.lines.filter((l) => l['type'] === 'skipped')).toEqual([]);
      expect(forced.lines.find((l) => l['feedId'] === 'gone')).toMatchObject({ type: 'feed', outcome: 'failed', error: { code: 'http_status' } });
      expect(forced.lines.find((l) => l['type'] === 'summary')).toMatchObject({ skipped: 0, failed: 1 });
      expect(server.requests.filter((r) => r.path === '/gone.xml')).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
