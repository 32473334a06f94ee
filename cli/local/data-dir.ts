import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../io';
import { connectLocalAws, startLocalAws, type LocalAws } from './emulators';

export const DEFAULT_DATA_DIR = '.wbnews';

/** Written by `wbnews serve` while it serves a data directory; other commands then connect to it. */
export const SERVE_FILE = 'serve.json';

export interface ServeInfo {
  readonly pid: number;
  readonly startedAt: string;
  readonly endpoints: LocalAws['endpoints'];
}

/**
 * Open the emulators on a data directory; `mustExist` for read-only commands (query, show).
 * When `wbnews serve` is serving the directory (the emulators' files can be open in only one
 * process), connect to its endpoints instead of starting emulators.
 */
export async function openDataDir(dir: string | undefined, mustExist: boolean): Promise<{ aws: LocalAws; dir: string; served: boolean }> {
  const path = resolve(dir ?? DEFAULT_DATA_DIR);
  const served = readServeInfo(path);
  if (served) return { aws: connectLocalAws(served.endpoints), dir: path, served: true };
  if (mustExist && !existsSync(join(path, 'dynamodb'))) {
    throw new UsageError(`no articles stored yet: no wbnews data in ${path} — run \`wbnews run\` (npm start) first, or pass --data DIR`, 1);
  }
  const aws = await startLocalAws({ dataDir: path, s3Dir: join(path, 's3') });
  return { aws, dir: path, served: false };
}

/** The live `wbnews serve` of a data directory, if any; a file left by a process that is gone is removed. */
export function readServeInfo(path: string): ServeInfo | undefined {
  const file = join(path, SERVE_FILE);
  if (!existsSync(file)) return undefined;
  let info: ServeInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as ServeInfo;
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
  if (!Number.isInteger(info.pid) || !info.endpoints?.s3 || !info.endpoints?.dynamodb || !isAlive(info.pid)) {
    rmSync(file, { force: true });
    return undefined;
  }
  return info;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
