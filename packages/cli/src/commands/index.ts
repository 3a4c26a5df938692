import type { Command } from '../command.js';

/** A sub-command as `rempart --help` lists it; its module (and the engine it drives) loads only when it runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

/** Every sub-command, in the order `rempart --help` lists them. Add one line per command. */
export const commands: CommandEntry[] = [
  {
    name: 'serve',
    summary: 'start the Rempart platform (HTTP API and web UI)',
    load: async () => (await import('./serve.js')).serve,
  },
  {
    name: 'migrate',
    summary: 'bring the database schema up to date',
    load: async () => (await import('./migrate.js')).migrate,
  },
  {
    name: 'import-finess',
    summary: 'import the organisation tree from a FINESS extract (CSV)',
    load: async () => (await import('./import-finess.js')).importFiness,
  },
  {
    name: 'audit-verify',
    summary: 'verify the hash chain of the audit trail',
    load: async () => (await import('./audit-verify.js')).auditVerify,
  },
  { name: 'user', summary: 'create an account (user create …)', load: async () => (await import('./user.js')).user },
  {
    name: 'token',
    summary: 'issue an API token (token create …)',
    load: async () => (await import('./token.js')).token,
  },
  {
    name: 'detect',
    summary: 'run Sigma rules over Windows event logs (EVTX, JSON) and write a timeline',
    load: async () => (await import('./detect.js')).detect,
  },
  {
    name: 'ad',
    summary: 'audit de sécurité Active Directory (ANSSI, PingCastle), import et comparaison',
    load: async () => (await import('./ad.js')).ad,
  },
  {
    name: 'exposure',
    summary: "audit d'exposition sur internet : scan, imports, écart, cadence D1",
    load: async () => (await import('./exposure.js')).exposure,
  },
];
