import { createHash } from 'node:crypto';
import { indexReferential } from '@rempart/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Insertable } from 'kysely';
import { z } from 'zod';
import { access, ownerOfRow } from '../access/plugin.js';
import { assessmentOrg, loadAssessment } from '../assessments/queries.js';
import { appendAudit } from '../audit/trail.js';
import type { EvidenceTable } from '../db/schema.js';
import { actorOf } from '../http/context.js';
import { AppError, badRequest, notFound } from '../http/errors.js';
import { IdParams } from '../http/schemas.js';
import { nowIso } from '../http/time.js';
import {
  attachmentHeader,
  checkEvidenceUrl,
  detectEvidenceType,
  EvidenceFileError,
  MAX_EVIDENCE_BYTES,
  MEDIA_TYPES,
  sanitiseFilename,
} from './files.js';

const RequirementId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'date invalide',
    },
  );

const EvidenceOut = z.object({
  id: z.number(),
  assessmentId: z.number(),
  requirementId: z.string(),
  kind: z.enum(['file', 'link']),
  filename: z.string().nullable(),
  mediaType: z.string().nullable(),
  size: z.number().nullable(),
  sha256: z.string().nullable(),
  url: z.string().nullable(),
  title: z.string().nullable(),
  expiresOn: z.string().nullable(),
  expired: z.boolean(),
  createdAt: z.string(),
  createdBy: z.number().nullable(),
});

type Row = {
  id: number;
  assessment_id: number;
  requirement_id: string;
  kind: string;
  filename: string | null;
  media_type: string | null;
  size: number | null;
  sha256: string | null;
  url: string | null;
  title: string | null;
  expires_on: string | null;
  created_at: string;
  created_by: number | null;
};
const COLUMNS = [
  'id',
  'assessment_id',
  'requirement_id',
  'kind',
  'filename',
  'media_type',
  'size',
  'sha256',
  'url',
  'title',
  'expires_on',
  'created_at',
  'created_by',
] as const;

function toOut(r: Row, today: string): z.infer<typeof EvidenceOut> {
  return {
    id: r.id,
    assessmentId: r.assessment_id,
    requirementId: r.requirement_id,
    kind: r.kind === 'link' ? 'link' : 'file',
    filename: r.filename,
    mediaType: r.media_type,
    size: r.size === null ? null : Number(r.size),
    sha256: r.sha256,
    url: r.url,
    title: r.title,
    expiresOn: r.expires_on,
    expired: r.expires_on !== null && r.expires_on < today,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

const fileError = (error: unknown): never => {
  if (error instanceof EvidenceFileError) {
    throw new AppError(error.code, error.message, error.code === 'unsupported_type' ? 415 : 400);
  }
  throw error;
};

const evidenceOrg = ownerOfRow('evidence', 'pièce justificative');

/** The assessment must exist, not be signed, and know the requirement. */
async function writableRequirement(request: FastifyRequest, assessmentId: number, requirementId: string) {
  const assessment = await loadAssessment(request.server.db, assessmentId);
  if (assessment.status === 'signed') {
    throw new AppError('assessment_signed', 'évaluation signée : les pièces ne peuvent plus être modifiées', 409);
  }
  if (!indexReferential(assessment.referential).requirements.has(requirementId)) {
    throw badRequest('unknown_requirement', `exigence inconnue dans ce référentiel : ${requirementId}`);
  }
  return assessment;
}

/**
 * Stores one piece of evidence of an assessment, written at `at`, and audits it (`details` joins the audit
 * summary), in one transaction; returns the stored row.
 */
async function addEvidence(
  request: FastifyRequest,
  assessment: { id: number; organisationId: number },
  values: Omit<Insertable<EvidenceTable>, 'assessment_id' | 'organisation_id' | 'created_at' | 'created_by'> & {
    requirement_id: string;
  },
  details: Record<string, unknown>,
  at: string,
) {
  return request.server.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('evidence')
      .values({
        assessment_id: assessment.id,
        organisation_id: assessment.organisationId,
        ...values,
        created_at: at,
        created_by: request.principal!.userId,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      ...actorOf(request),
      action: 'evidence.added',
      objectType: 'evidence',
      objectId: inserted.id,
      organisationId: assessment.organisationId,
      summary: { after: { assessmentId: assessment.id, requirementId: values.requirement_id, ...details } },
    });
    return inserted;
  });
}

/**
 * Evidence per requirement of an assessment. Files are sent as the raw body (`application/octet-stream`,
 * at most 20 MiB) with the name in the `X-Filename` header (percent-encoded UTF-8); the server computes the
 * SHA-256 and checks the type by content. Listing and downloading are detailed data: `evidence.read`.
 */
export const evidenceRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const db = app.db;
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_EVIDENCE_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/assessments/:id/evidence',
    {
      config: { access: access.on('evidence.read', assessmentOrg) },
      schema: {
        tags: ['evidence'],
        params: IdParams,
        querystring: z.strictObject({ requirement: RequirementId.optional() }),
        response: { 200: z.object({ items: z.array(EvidenceOut) }) },
      },
    },
    async (request) => {
      let query = db.selectFrom('evidence').select(COLUMNS).where('assessment_id', '=', request.params.id);
      if (request.query.requirement) query = query.where('requirement_id', '=', request.query.requirement);
      const rows = await query.orderBy('requirement_id').orderBy('id').execute();
      const today = nowIso().slice(0, 10);
      return { items: rows.map((r) => toOut(r, today)) };
    },
  );

  app.post(
    '/assessments/:id/evidence',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['evidence'],
        description:
          'Joint un fichier : corps brut `application/octet-stream` (20 Mio max), nom dans l’en-tête `X-Filename` ' +
          '(UTF-8 encodé en pourcentage ; à défaut « piece.<ext> »). Types acceptés (contrôlés sur le contenu) : PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX.',
        params: IdParams,
        headers: z.object({ 'x-filename': z.string().min(1).max(4096).optional() }),
        querystring: z.strictObject({ requirement: RequirementId, expiresOn: IsoDate.optional() }),
        response: { 201: EvidenceOut },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) {
        throw new AppError('unsupported_media_type', 'envoyez le fichier en application/octet-stream', 415);
      }
      let decoded: string | undefined;
      try {
        const header = request.headers['x-filename'];
        decoded = header === undefined ? undefined : decodeURIComponent(header);
      } catch {
        throw badRequest('invalid_filename', 'en-tête X-Filename mal encodé');
      }
      let filename = '';
      let type: keyof typeof MEDIA_TYPES = 'pdf';
      try {
        type = detectEvidenceType(body);
        filename = sanitiseFilename(decoded ?? `piece.${type}`);
      } catch (error) {
        fileError(error);
      }
      const assessment = await writableRequirement(request, request.params.id, request.query.requirement);
      const sha256 = createHash('sha256').update(body).digest('hex');
      const at = nowIso();
      const row = await addEvidence(
        request,
        assessment,
        {
          requirement_id: request.query.requirement,
          kind: 'file',
          filename,
          media_type: MEDIA_TYPES[type],
          size: body.length,
          sha256,
          content: body,
          url: null,
          title: null,
          expires_on: request.query.expiresOn ?? null,
        },
        { filename, sha256, size: body.length },
        at,
      );
      return reply.status(201).send(toOut(row, at.slice(0, 10)));
    },
  );

  app.post(
    '/assessments/:id/evidence/links',
    {
      config: { access: access.on('assessment.write', assessmentOrg) },
      schema: {
        tags: ['evidence'],
        params: IdParams,
        body: z.strictObject({
          requirementId: RequirementId,
          url: z.string().min(1).max(2048),
          title: z.string().trim().min(1).max(200).optional(),
          expiresOn: IsoDate.optional(),
        }),
        response: { 201: EvidenceOut },
      },
    },
    async (request, reply) => {
      let url = '';
      try {
        url = checkEvidenceUrl(request.body.url);
      } catch (error) {
        fileError(error);
      }
      const assessment = await writableRequirement(request, request.params.id, request.body.requirementId);
      const at = nowIso();
      const row = await addEvidence(
        request,
        assessment,
        {
          requirement_id: request.body.requirementId,
          kind: 'link',
          filename: null,
          media_type: null,
          size: null,
          sha256: null,
          content: null,
          url,
          title: request.body.title ?? null,
          expires_on: request.body.expiresOn ?? null,
        },
        { url },
        at,
      );
      return reply.status(201).send(toOut(row, at.slice(0, 10)));
    },
  );

  app.get(
    '/evidence/:id/content',
    {
      config: { access: access.on('evidence.read', evidenceOrg) },
      schema: { tags: ['evidence'], params: IdParams },
    },
    async (request, reply) => {
      const row = await db
        .selectFrom('evidence')
        .select(['kind', 'filename', 'media_type', 'content', 'sha256'])
        .where('id', '=', request.params.id)
        .executeTakeFirstOrThrow();
      if (row.kind !== 'file' || !row.content) throw notFound('fichier');
      return reply
        .header('content-type', row.media_type ?? 'application/octet-stream')
        .header('content-disposition', attachmentHeader(row.filename ?? 'piece'))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(row.content));
    },
  );

  app.delete(
    '/evidence/:id',
    {
      config: { access: access.on('assessment.write', evidenceOrg) },
      schema: { tags: ['evidence'], params: IdParams, response: { 200: z.object({ deleted: z.literal(true) }) } },
    },
    async (request) => {
      const row = await db
        .selectFrom('evidence')
        .select(COLUMNS)
        .where('id', '=', request.params.id)
        .executeTakeFirstOrThrow();
      const assessment = await loadAssessment(db, row.assessment_id);
      if (assessment.status === 'signed') {
        throw new AppError('assessment_signed', 'évaluation signée : les pièces ne peuvent plus être modifiées', 409);
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('evidence').where('id', '=', row.id).execute();
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'evidence.deleted',
          objectType: 'evidence',
          objectId: row.id,
          organisationId: assessment.organisationId,
          summary: {
            before: {
              assessmentId: row.assessment_id,
              requirementId: row.requirement_id,
              kind: row.kind,
              filename: row.filename,
              sha256: row.sha256,
              url: row.url,
            },
          },
        });
      });
      return { deleted: true as const };
    },
  );
};
