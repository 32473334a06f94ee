import { writeFileSync } from 'node:fs';
import { GOLDEN_DIR, goldenCases } from '../tests/golden/takeaways-golden';

// `npm run golden:takeaways`: rewrite every tests/golden/takeaways/NAME.expected.json from the
// current code. Run it on purpose, after a change meant to alter the output, and review the diff.
for (const c of goldenCases()) {
  const file = new URL(`${c.name}.expected.json`, GOLDEN_DIR);
  writeFileSync(file, `${JSON.stringify(await c.actual(), null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}
