import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Synthesizing a stack with cdk-nag takes seconds, well past vitest's 5 s default.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
