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
    // expect.poll waits as long as the browser steps do (the harness gives them 60 s): its 1 s default is too short
    // on the loaded CI machine, where an action and the reload that follows can take longer.
    expect: { poll: { timeout: 60_000 } },
  },
});
