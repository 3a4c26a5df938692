import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../access/plugin.js';
import { appendAudit } from '../audit/trail.js';
import { actorOf } from '../http/context.js';
import { AppError, conflict } from '../http/errors.js';
import { nowIso } from '../http/time.js';
import { assessmentOrg, loadAssessment, revisionConflict, storedAnswerSchema, writeAnswers } from './queries.js';

/**
 * Confirmation of a pre-filled answer: a person checked what a technical indicator answered and keeps it. The
 * answer keeps its source (indicator, result, date) and records who confirmed it and when. Same optimistic
 * concurrency as the answers: the assessment's revision is sent and bumped.
 */
export const prefillConfirmRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = app;

  app.post(
    '/assessments/:id/answers/:requirementId/confirm',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['assessments'],
        params: z.object({
          id: z.coerce.number().int().positive(),
          requirementId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'identifiant d’exigence invalide'),
        }),
        body: z.strictObject({ revision: z.number().int().min(0).max(2_000_000_000) }),
        response: {
          200: z.object({ revision: z.number(), requirementId: z.string(), answer: storedAnswerSchema }),
        },
      },
    },
    async (request) => {
      const { requirementId } = request.params;
      const { revision } = request.body;
      const userId = request.principal!.userId;
      return db.transaction().execute(async (trx) => {
        const current = await loadAssessment(trx, request.params.id);
        if (current.status !== 'draft') throw conflict("évaluation soumise : elle n'est plus modifiable");
        if (current.revision !== revision) throw revisionConflict(current.revision, revision);
        const stored = current.answers[requirementId];
        if (!stored?.source || !stored.answer) {
          throw new AppError(
            'not_prefilled',
            `la réponse à « ${requirementId} » n’est pas pré-remplie : rien à confirmer`,
            409,
          );
        }
        if (stored.source.confirmedBy) {
          return { revision: current.revision, requirementId, answer: stored };
        }
        const user = await trx
          .selectFrom('app_user')
          .select('display_name')
          .where('id', '=', userId)
          .executeTakeFirstOrThrow();
        const at = nowIso();
        const confirmed = {
          ...stored,
          updatedAt: at,
          updatedBy: userId,
          source: { ...stored.source, confirmedBy: { id: userId, name: user.display_name }, confirmedAt: at },
        };
        const answers = { ...current.answers, [requirementId]: confirmed };
        await writeAnswers(trx, current.id, revision, answers, at);
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'assessment.prefill_confirmed',
          objectType: 'assessment',
          objectId: current.id,
          organisationId: current.organisationId,
          summary: {
            revision: revision + 1,
            requirement: requirementId,
            answer: stored.answer,
            source: {
              tool: stored.source.tool,
              indicator: stored.source.indicator,
              value: stored.source.value,
              observedAt: stored.source.observedAt,
            },
          },
        });
        return { revision: revision + 1, requirementId, answer: confirmed };
      });
    },
  );
};
