import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only adds contention on PostgreSQL.
    maxWorkers: 2,
    // expect.poll's 1 s default is shorter than a browser step on a busy 2-core machine.
    expect: { poll: { timeout: 15_000 } },
  },
});
