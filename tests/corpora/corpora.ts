import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared corpora directory handed to `npm run test:corpora -- DIR`, read in place. */
export function corporaDir(): string {
  const dir = process.env['WBNEWS_CORPORA'];
  if (!dir || !existsSync(dir)) throw new Error('WBNEWS_CORPORA is not set to an existing directory: run `npm run test:corpora -- DIR`');
  return dir;
}

export function readJsonLines<T>(...path: string[]): T[] {
  return readFileSync(join(corporaDir(), ...path), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}
