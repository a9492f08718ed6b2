import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // A supported Node line first; then Chromium for the UI tests: installed where possible, else one line saying what to run.
    globalSetup: ['test/setup/node.ts', 'test/setup/chromium.ts'],
    // A budget for a hung test, not a speed check: CI machines may be busy with other work.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
