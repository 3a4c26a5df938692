import { defineProject } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: 'server',
    // PostgreSQL suites connect here (npm test starts the server); a missing server fails them.
    env: {
      TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://rempart:rempart@127.0.0.1:5432/rempart_test',
    },
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
