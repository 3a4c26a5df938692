import { defineProject } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: 'web',
    environment: 'node',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // A real server and a real browser: sign-in with argon2id, page loads and a few round trips per step.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
