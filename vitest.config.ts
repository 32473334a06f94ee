import { defineConfig } from 'vitest/config';

// `npm test` runs everything under tests/ except the corpus checks (tests/corpora), which need
// ../shared/corpora and run through `npm run test:corpora -- DIR`.
// WBNEWS_TEST_REPORT=FILE adds a JSON report (.ci/run reads it for its pass/fail line).
const report = process.env['WBNEWS_TEST_REPORT'];

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/corpora/**', 'node_modules/**'],
    setupFiles: ['tests/setup.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // A test in which no expect() ran fails: nothing passes by accident (fast-check properties
    // assert with expect() inside, not by returning a boolean).
    expect: { requireAssertions: true },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
  },
});
