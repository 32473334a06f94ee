import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE } from '../../cli/local/data-lock';
import { wbnews, wbnewsProcess } from '../helpers/cli';

// `wbnews run` as a user meets it: a data directory it cannot use, one another run holds, one
// a killed run left locked. Child processes where only a real process shows the behaviour (it exits).
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
