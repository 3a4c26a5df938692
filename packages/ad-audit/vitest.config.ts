import { defineProject } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAlias },
  test: { name: 'ad-audit', environment: 'node', testTimeout: 30_000, hookTimeout: 120_000 },
});
