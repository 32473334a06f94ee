import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The CDK app as `cdk synth` runs it: a child process that gets its context in CDK_CONTEXT_JSON.
// A configuration mistake fails before anything is bundled, so these are quick.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runApp(context: Record<string, unknown>): { status: number | null; stderr: string; stdout: string } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'wbnews-app-')) },
    timeout: 60_000,
  });
  return { status: out.status, stderr: out.stderr, stdout: out.stdout };
}

describe('infra/app.ts (what `cdk synth` runs)', () => {
  it('reports a bad context value as one line naming the key and the value, and exits 1', () => {
    const { status, stderr, stdout } = runApp({ scheduleMinutes: 'often' });
    expect(stderr).toBe('wbnews: context "scheduleMinutes" must be an integer from 1 to 1440 (got "often")\n');
    expect(stdout).toBe('');
    expect(status).toBe(1);
  });

  it('reports an unknown context key and a bad feeds file the same way', () => {
    const unknown = runApp({ ScheduleMinutes: 5 });
    expect(unknown.stderr).toMatch(/^wbnews: unknown context key "ScheduleMinutes" \(did you mean "scheduleMinutes"\?\); known keys: [^\n]+\n$/);
    expect(unknown.status).toBe(1);
    const missing = runApp({ feedsFile: '/nonexistent/feeds.json' });
    expect(missing.stderr).toMatch(/^wbnews: feeds file \/nonexistent\/feeds\.json: ENOENT[^\n]*\n$/);
    expect(missing.status).toBe(1);
  });
});
