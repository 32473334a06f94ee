import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary file the tests make (synthesized templates, emulator data, feed files, CDK's
 * own `cdk.out*` folders) goes under one folder of this run, removed when the run ends: a test
 * run leaves nothing behind in the system's temporary folder. The workers are started after
 * this, so they inherit TMPDIR (os.tmpdir() reads it on each call).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'wbnews-test-run-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
