// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const focusedOrSkipped = {
  selector:
    "CallExpression > MemberExpression[object.name=/^(it|test|describe|suite|bench)$/][property.name=/^(only|skip|todo|skipIf|runIf)$/]",
  message: 'Focused, skipped or todo tests are not allowed: a test runs and asserts, or it is deleted.',
};
const xTests = {
  selector: 'CallExpression[callee.name=/^(xit|xdescribe|xtest|fit|fdescribe)$/]',
  message: 'Focused or skipped tests are not allowed.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.wbnews/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', focusedOrSkipped, xTests] },
  },
  {
    // The dependency rule (STYLE.md): the pure pipeline imports no AWS SDK, no network and no
    // environment. Adapters (functions/adapters) do I/O; handlers compose them.
    files: ['functions/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*'], message: 'Pure pipeline code must not import AWS: put I/O in functions/adapters.' },
            { group: ['node:http', 'node:https', 'node:net', 'node:dns', 'node:tls', 'http', 'https', 'net', 'dns', 'tls', 'undici'], message: 'Pure pipeline code must not touch the network: use an adapter.' },
            { group: ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:child_process'], message: 'Pure pipeline code must not do file or process I/O: pass data in.' },
            { group: ['**/adapters/*', '**/handlers/*', '**/ingest/*', '**/dispatch/*'], message: 'The pure pipeline must not depend on outer layers.' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Pure pipeline code must not read the environment: take configuration as an argument.' }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'Pure pipeline code must not touch the network.' }],
    },
  },
  {
    files: ['cli/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
