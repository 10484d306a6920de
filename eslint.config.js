// @ts-check
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http',
  'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util',
  'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.orchestra/', 'dist/', 'bench/results/', 'bin/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/it return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node APIs, no I/O, and activities by type only.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.flatMap((name) => [name, `node:${name}`]).map((name) => ({
            name, message: 'Workflow code is sandboxed and deterministic: do I/O in an activity.',
          })),
          { name: '@temporalio/client', message: 'Workflows cannot use the client.' },
          { name: '@temporalio/worker', message: 'Workflows cannot use the worker.' },
          { name: '@temporalio/activity', message: 'Workflows cannot use the activity context.' },
        ],
        patterns: [
          { group: ['**/activities/*', '!**/activities/types*'], message: 'Import activity types only (import type).', allowTypeImports: true },
          { group: ['**/mcp/store/*'], message: 'The store server\'s internals: import its contract from src/shared/store-contract.ts.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Temporal makes Math.random deterministic, but say so: use uuid4() or a seeded choice.' }],
    },
  },
);
