import { parseArgs } from 'node:util';
import { appendAudit, issueToken, ROLES } from '@rempart/server';
import { z } from 'zod';
import { CliError, type Command, parseOptions } from '../command.js';
import { resolveOrganisation } from './org-ref.js';
import { openMigrated } from './shared.js';

const HELP = `Usage: rempart token create --owner <email> --org <organisation> --role <role> --name <label> [--days <n>]

Issues an API token for the CLI or an integration, acting with <role> on <organisation> (id, FINESS number,
region code or "nation") and its subtree, for <n> days (default 90, at most 365). The owner must hold that
role on the node or above it. The token is printed once; only its hash is stored.`;

export const token: Command = {
  name: 'token',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'create') throw new CliError(`expected "token create"\n\n${HELP}`);
    const { values } = parseArgs({
      args: rest,
      options: {
        owner: { type: 'string' },
        org: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        days: { type: 'string' },
      },
      strict: true,
    });
    const o = parseOptions(
      z.object({
        owner: z.email().transform((e) => e.toLowerCase()),
        org: z.string().min(1),
        role: z.enum(ROLES),
        name: z.string().trim().min(1).max(100),
        days: z.coerce.number().int().min(1).max(365).default(90),
      }),
      values,
    );
    const handle = await openMigrated();
    try {
      const node = await resolveOrganisation(handle.db, o.org);
      const owner = await handle.db
        .selectFrom('app_user')
        .select(['id'])
        .where('email', '=', o.owner)
        .executeTakeFirst();
      if (!owner) throw new CliError(`--owner: no account ${o.owner}`);
      const grants = await handle.db
        .selectFrom('role_grant as g')
        .innerJoin('organisation as n', 'n.id', 'g.organisation_id')
        .select(['n.path'])
        .where('g.user_id', '=', owner.id)
        .where('g.role', '=', o.role)
        .execute();
      if (!grants.some((g) => node.path.startsWith(g.path))) {
        throw new CliError(`--owner ${o.owner} does not hold the role ${o.role} on "${node.name}" or above it`);
      }
      const issued = await handle.db.transaction().execute(async (trx) => {
        const t = await issueToken(trx, {
          name: o.name,
          userId: owner.id,
          organisationId: node.id,
          role: o.role,
          expiresInDays: o.days,
        });
        await appendAudit(trx, {
          actorUserId: null,
          actor: 'cli token create',
          action: 'token.created',
          objectType: 'api_token',
          objectId: t.id,
          organisationId: node.id,
          summary: { after: { name: o.name, role: o.role, expiresAt: t.expiresAt } },
        });
        return t;
      });
      process.stdout.write(`${issued.token}\n`);
      process.stderr.write(
        `jeton « ${o.name} » : rôle ${o.role} sur « ${node.name} », expire le ${issued.expiresAt}\n`,
      );
      return 0;
    } finally {
      await handle.close();
    }
  },
};
