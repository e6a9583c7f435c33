import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Several suites generate real models in beforeAll: seconds each, more on a busy machine.
    hookTimeout: 180_000,
  },
});
