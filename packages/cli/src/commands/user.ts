import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  appendAudit,
  createAccount,
  hashPassword,
  invitationLink,
  loadConfig,
  passwordProblem,
  ROLES,
} from '@rempart/server';
import { z } from 'zod';
import { CliError, type Command, parseOptions } from '../command.js';
import { resolveOrganisation } from './org-ref.js';
import { openMigrated } from './shared.js';

const HELP = `Usage: rempart user create --email <address> --name <display name> --role <role> --org <organisation>
                           [--password-file <file> | --password-env <VARIABLE>]

Creates an account with its first role on an organisation node (id, FINESS number, region code or "nation").
The password is read from a file or an environment variable, never from the command line; without one,
a one-time link to choose it is printed (valid 7 days).

Roles: ${ROLES.join(', ')}`;

async function readPassword(file?: string, env?: string): Promise<string | undefined> {
  if (file)
    return (
      await readFile(file, 'utf8').catch(() => {
        throw new CliError(`--password-file: cannot read ${file}`);
      })
    ).replace(/\r?\n$/, '');
  if (env) {
    const value = process.env[env];
    if (!value) throw new CliError(`--password-env: variable ${env} is not set`);
    return value;
  }
  return undefined;
}

export const user: Command = {
  name: 'user',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'create') throw new CliError(`expected "user create"\n\n${HELP}`);
    const { values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        org: { type: 'string' },
        'password-file': { type: 'string' },
        'password-env': { type: 'string' },
      },
      strict: true,
    });
    const o = parseOptions(
      z.object({
        email: z
          .email()
          .max(254)
          .transform((e) => e.toLowerCase()),
        name: z.string().trim().min(1).max(200),
        role: z.enum(ROLES),
        org: z.string().min(1),
      }),
      values,
    );
    const password = await readPassword(values['password-file'], values['password-env']);
    if (password !== undefined) {
      const problem = passwordProblem(password);
      if (problem) throw new CliError(problem);
    }
    const handle = await openMigrated();
    try {
      const node = await resolveOrganisation(handle.db, o.org);
      const passwordHash = password === undefined ? null : await hashPassword(password);
      const created = await handle.db.transaction().execute(async (trx) => {
        const c = await createAccount(
          trx,
          {
            email: o.email,
            displayName: o.name,
            passwordHash,
            role: o.role,
            organisationId: node.id,
            detailedFindings: false,
            createdBy: null,
          },
          loadConfig().publicUrl,
        );
        await appendAudit(trx, {
          actorUserId: null,
          actor: 'cli user create',
          action: 'user.created',
          objectType: 'user',
          objectId: c.id,
          organisationId: node.id,
          summary: { after: { displayName: o.name, role: o.role } },
        });
        return c;
      });
      process.stdout.write(`compte ${o.email} créé (id ${created.id}), rôle ${o.role} sur « ${node.name} »\n`);
      if (created.invitationToken) {
        process.stdout.write(
          `lien pour choisir le mot de passe : ${invitationLink(loadConfig().publicUrl, created.invitationToken)}\n`,
        );
      }
      return 0;
    } finally {
      await handle.close();
    }
  },
};
