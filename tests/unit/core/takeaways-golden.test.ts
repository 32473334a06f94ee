import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, goldenCases } from '../../golden/takeaways-golden';

// Golden files: a change in the output must be made on purpose (`npm run golden:takeaways`) and reviewed.
describe('takeaways golden files (tests/golden/takeaways)', () => {
  it.each(goldenCases().map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const file = new URL(`${name}.expected.json`, GOLDEN_DIR);
    expect(existsSync(file), `${file.pathname} missing: run npm run golden:takeaways`).toBe(true);
    expect(await c.actual()).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
