import { defineConfig } from 'vitest/config';

// Corpus checks: run by `npm run test:corpora -- DIR` (scripts/test-corpora.ts sets WBNEWS_CORPORA).
const report = process.env['WBNEWS_TEST_REPORT'];

export default defineConfig({
  test: {
    include: ['tests/corpora/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // A test in which no expect() ran fails: nothing passes by accident (fast-check properties
    // assert with expect() inside, not by returning a boolean).
    expect: { requireAssertions: true },
    testTimeout: 600_000,
    hookTimeout: 600_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
