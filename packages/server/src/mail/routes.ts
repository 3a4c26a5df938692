import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access, idFrom } from '../access/plugin.js';
import { IdParams } from '../http/schemas.js';
import { subtreeRange } from '../organisations/queries.js';

const STAGES = z.string();

const ReminderOut = z.object({
  id: z.number(),
  campaign: z.object({ id: z.number(), name: z.string(), deadline: z.string() }),
  organisation: z.object({ id: z.number(), name: z.string() }),
  assessmentId: z.number(),
  /** `j14`, `j3` (days before the deadline) or `overdue`. */
  stage: STAGES,
  day: z.string(),
  recipients: z.number(),
  /** Delivery of its messages: accepted by the mail server, waiting (or retrying), given up. */
  delivery: z.object({ sent: z.number(), pending: z.number(), dead: z.number() }),
});

/** The campaign reminders sent for an organisation's subtree, with their delivery state (never the addresses). */
export const mailRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;

  app.get(
    '/organisations/:id/reminders',
    {
      config: { access: access.on('assessment.read', idFrom('params', 'id')) },
      schema: {
        tags: ['campaigns'],
        description: 'Relances de campagne envoyées aux établissements du sous-arbre (200 dernières), avec leur état.',
        params: IdParams,
        response: { 200: z.object({ items: z.array(ReminderOut) }) },
      },
    },
    async (request) => {
      const [from, to] = subtreeRange(request.organisation!.path);
      const rows = await db
        .selectFrom('campaign_reminder as r')
        .innerJoin('campaign as c', 'c.id', 'r.campaign_id')
        .innerJoin('organisation as o', 'o.id', 'r.organisation_id')
        .select([
          'r.id',
          'r.campaign_id',
          'c.name as campaign_name',
          'c.deadline',
          'r.organisation_id',
          'o.name as organisation_name',
          'r.assessment_id',
          'r.stage',
          'r.day',
          'r.recipients',
          'r.outbox_ids',
        ])
        .where('o.path', '>=', from)
        .where('o.path', '<', to)
        .orderBy('r.id', 'desc')
        .limit(200)
        .execute();
      const outboxIds = rows.flatMap((r) => JSON.parse(r.outbox_ids) as number[]);
      const statuses = new Map<number, string>();
      for (let i = 0; i < outboxIds.length; i += 500) {
        const chunk = outboxIds.slice(i, i + 500);
        for (const o of await db.selectFrom('outbox').select(['id', 'status']).where('id', 'in', chunk).execute())
          statuses.set(o.id, o.status);
      }
      return {
        items: rows.map((r) => {
          const delivery = { sent: 0, pending: 0, dead: 0 };
          for (const id of JSON.parse(r.outbox_ids) as number[]) {
            const s = statuses.get(id);
            if (s === 'sent') delivery.sent++;
            else if (s === 'dead') delivery.dead++;
            else delivery.pending++;
          }
          return {
            id: r.id,
            campaign: { id: r.campaign_id, name: r.campaign_name, deadline: r.deadline },
            organisation: { id: r.organisation_id, name: r.organisation_name },
            assessmentId: r.assessment_id,
            stage: r.stage,
            day: r.day,
            recipients: r.recipients,
            delivery,
          };
        }),
      };
    },
  );
};
