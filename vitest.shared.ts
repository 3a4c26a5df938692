import { fileURLToPath } from 'node:url';

/** Workspace packages resolve to their TypeScript sources in tests, so no build is needed first. */
export const workspaceAlias = [
  {
    find: /^@rempart\/(core|ad-audit|exposure|detect|server|cli)$/,
    replacement: fileURLToPath(new URL('./packages/$1/src/index.ts', import.meta.url)),
  },
];
