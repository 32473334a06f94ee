import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint step is part of the gate: these prove it catches what it promises to.
const eslint = new ESLint();

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'parse');
}

describe('lint rules', () => {
  it('keeps the AWS SDK, the network and process.env out of the pure pipeline', async () => {
    const code = "import { S3Client } from '@aws-sdk/client-s3';\nimport http from 'node:http';\nexport const x = [S3Client, http, process.env['X']];\n";
    const ids = await ruleIds(code, 'functions/core/probe.ts');
    expect(ids.filter((id) => id === 'no-restricted-imports')).toHaveLength(2);
    expect(ids).toContain('no-restricted-properties');
    expect(await ruleIds(code, 'functions/adapters/probe.ts')).toEqual([]);
  });

  it('fails on unused imports', async () => {
    expect(await ruleIds("import { readFileSync } from 'node:fs';\nexport const y = 1;\n", 'cli/probe.ts')).toContain('@typescript-eslint/no-unused-vars');
  });

  it('fails on focused and skipped tests', async () => {
    const code = "import { describe, it, expect } from 'vitest';\ndescribe.skip('a', () => { it.only('b', () => { expect(1).toBe(1); }); });\n";
    expect((await ruleIds(code, 'tests/unit/probe.test.ts')).filter((id) => id === 'no-restricted-syntax')).toHaveLength(2);
  });
});
