import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../io';
import { startLocalAws, type LocalAws } from './emulators';

export const DEFAULT_DATA_DIR = '.wbnews';

/** Open the emulators on a data directory; `mustExist` for read-only commands (query, show). */
export async function openDataDir(dir: string | undefined, mustExist: boolean): Promise<{ aws: LocalAws; dir: string }> {
  const path = resolve(dir ?? DEFAULT_DATA_DIR);
  if (mustExist && !existsSync(join(path, 'dynamodb'))) {
    throw new UsageError(`no wbnews data in ${path}: run \`npm start\` (wbnews run) first, or pass --data DIR`, 1);
  }
  const aws = await startLocalAws({ dataDir: path, s3Dir: join(path, 's3') });
  return { aws, dir: path };
}
