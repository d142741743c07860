import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and in-process server tests each start their own servers on loopback.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
