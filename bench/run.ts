import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, type Benchmark } from './harness';

// `npm run bench [-- FILTER]`: runs every bench/*.bench.ts (or those whose name contains FILTER).
const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
let missed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(`${dir}${file}`).href)) as { benchmarks: Benchmark[] };
  for (const bench of mod.benchmarks) {
    if (filter && !bench.name.includes(filter)) continue;
    const r = await measure(bench);
    const verdict = r.target === undefined ? '' : r.met ? `  target ${r.target}/s met` : `  target ${r.target}/s MISSED`;
    if (r.met === false) missed++;
    console.error(`${r.name.padEnd(48)} ${String(r.opsPerSecond).padStart(9)} ${r.unit}/s (cpu)  ${String(r.opsPerWallSecond).padStart(9)}/s (wall)${verdict}`);
    console.log(JSON.stringify(r));
  }
}
process.exitCode = missed > 0 ? 1 : 0;
