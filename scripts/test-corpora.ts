import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// `npm run test:corpora -- DIR`: the corpus checks over the shared corpora, read in place.
const dir = process.argv[2];
if (!dir) {
  console.error('usage: npm run test:corpora -- CORPORA_DIR   (e.g. ../shared/corpora)');
  process.exit(2);
}
const path = resolve(dir);
if (!existsSync(path)) {
  console.error(`test:corpora: ${path} does not exist`);
  process.exit(2);
}
const result = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.corpora.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, WBNEWS_CORPORA: path },
});
process.exit(result.status ?? 1);
