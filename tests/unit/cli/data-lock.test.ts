import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync as readdir, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirError, DataDirInUseError, ensureDataDir, LOCK_FILE } from '../../../cli/local/data-lock';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbnews-lock-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has ended (a crashed or killed wbnews). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('data directory lock', () => {
  it('GIVEN a free directory WHEN locked THEN the lock names this process, a second taker is refused, and release frees it', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    let refused: unknown;
    try {
      acquireDataDirLock(dir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toContain(`data directory ${dir} is in use by another wbnews process (pid ${process.pid}`);
    expect((refused as DataDirInUseError).exitCode).toBe(1);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireDataDirLock(dir).release();
    // No draft files left behind.
    expect(readdir(dir)).toEqual([]);
  });

  it('GIVEN a lock left by a process that is gone THEN it is taken over', () => {
    const dir = tempDir();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, startedAt: '2026-01-01T00:00:00.000Z' }));
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(readdir(dir)).toEqual([]);
  });

  it('GIVEN an unreadable lock file (not one of ours) THEN it holds nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('release removes only its own lock (one taken over after it went stale stays)', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    const other = JSON.stringify({ pid: process.pid, startedAt: 'later' });
    writeFileSync(join(dir, LOCK_FILE), other);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(other);
  });

  it('a data directory that cannot be created is a DataDirError naming it and why', () => {
    const dir = tempDir();
    const file = join(dir, 'afile');
    writeFileSync(file, '');
    expect(() => ensureDataDir(file)).toThrow(new DataDirError(`cannot use ${file} as the data directory: it is a file, not a directory`));
    expect(() => ensureDataDir(join(file, 'sub'))).toThrow(`cannot use ${join(file, 'sub')} as the data directory: a file is in the way on its path (ENOTDIR)`);
    ensureDataDir(join(dir, 'a', 'b'));
    expect(existsSync(join(dir, 'a', 'b'))).toBe(true);
  });
});
