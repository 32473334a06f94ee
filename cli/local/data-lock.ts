import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../io';

/**
 * One process at a time on a data directory. The embedded emulators keep their files open
 * (dynalite's LevelDB refuses a second opener, and then every call fails with "Database is
 * closed"), so a second `wbnews` on the same directory must stop at once with a message that
 * names the directory and the process holding it.
 *
 * The lock is a file, DIR/wbnews.lock, holding the owner's pid. It appears atomically, already
 * complete (written under a private name, then hard-linked into place: link fails when the
 * name exists). A lock whose process is gone (killed, crashed, Ctrl-C) is stale and is taken
 * over; it is moved aside before removal and checked again, so two processes that both find it
 * stale cannot both win.
 */

export const LOCK_FILE = 'wbnews.lock';

export interface LockInfo {
  readonly pid: number;
  readonly startedAt: string;
}

/** The data directory cannot be created or used (a file in the way, no permission...). */
export class DataDirError extends UsageError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'DataDirError';
  }
}

/** Another live process holds the data directory. */
export class DataDirInUseError extends DataDirError {
  constructor(
    readonly dir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `data directory ${dir} is in use by another wbnews process (pid ${holder.pid}, since ${holder.startedAt}); ` +
        'wait for it to finish, or pass another --data DIR',
    );
    this.name = 'DataDirInUseError';
  }
}

const REASONS: Record<string, string> = {
  ENOTDIR: 'a file is in the way on its path',
  EEXIST: 'a file is in the way on its path',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** Create `dir` (and its parents) or throw a DataDirError naming it and saying why not. */
export function ensureDataDir(dir: string): void {
  let isFile = false;
  try {
    isFile = !statSync(dir).isDirectory();
  } catch {
    // Absent (or unreadable): mkdir says which.
  }
  if (isFile) throw new DataDirError(`cannot use ${dir} as the data directory: it is a file, not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    throw new DataDirError(`cannot use ${dir} as the data directory: ${REASONS[code] ?? (cause as Error).message}${code ? ` (${code})` : ''}`);
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Remove the lock if it is still ours. Idempotent. */
  release(): void;
}

/** True while a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined | 'absent' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  try {
    const info = JSON.parse(text) as Partial<LockInfo>;
    if (Number.isInteger(info.pid) && (info.pid ?? 0) > 0) {
      return { pid: info.pid!, startedAt: String(info.startedAt ?? 'unknown') };
    }
  } catch {
    // Unreadable: not written by us (ours appear complete), so it holds nothing.
  }
  return undefined;
}

/**
 * Take the lock of data directory `dir` (which must exist), or throw DataDirInUseError when a
 * live process holds it. Stale locks are taken over.
 */
export function acquireDataDirLock(dir: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(mine)}\n`;
  const draft = join(dir, `${LOCK_FILE}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  writeFileSync(draft, text);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, path);
        return ownedLock(path, text);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLock(path);
      if (holder === 'absent') continue; // released meanwhile
      if (holder && isProcessAlive(holder.pid)) throw new DataDirInUseError(dir, holder);
      breakStaleLock(path);
    }
    const holder = readLock(path);
    throw new DataDirInUseError(dir, holder && holder !== 'absent' ? holder : { pid: 0, startedAt: 'unknown' });
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * Remove a lock whose owner is gone. It is renamed aside first (atomic), and removed only if
 * what was moved is still stale: a live lock that another process put there after we looked
 * is put back. (Only a third process linking its own lock in that instant could slip through.)
 */
function breakStaleLock(path: string): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it
    throw error;
  }
  const moved = readLock(aside);
  if (moved !== 'absent' && moved !== undefined && isProcessAlive(moved.pid)) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process took the name meanwhile; it holds the lock now.
    }
  }
  rmSync(aside, { force: true });
}

function ownedLock(path: string, text: string): DataDirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readFileSync(path, 'utf8') === text) rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
  // A process that ends without closing (an uncaught error) still leaves no lock behind;
  // one that is killed leaves a stale lock, which the next opener takes over.
  process.on('exit', release);
  return { path, release };
}
