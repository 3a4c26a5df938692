import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** A domain or request error with a stable code; the HTTP layer maps it to `{ error: { code, message } }`. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const notFound = (what = 'ressource') => new AppError('not_found', `${what} introuvable`, 404);
export const forbidden = () => new AppError('forbidden', 'accès refusé', 403);
export const unauthenticated = () => new AppError('unauthenticated', 'authentification requise', 401);
export const conflict = (message: string) => new AppError('conflict', message, 409);
export const badRequest = (code: string, message: string) => new AppError(code, message, 400);

const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'corps JSON invalide' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'corps JSON vide' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'corps de requête trop volumineux' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'type de contenu non pris en charge',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', message: 'longueur invalide' },
  FST_ERR_RATE_LIMITED: { status: 429, code: 'rate_limited', message: 'trop de requêtes, réessayez plus tard' },
};

/** Maps every error to a JSON body; never a stack trace, never SQL. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const where = first ? `${error.validationContext ?? 'requête'}${first.instancePath || ''}` : 'requête';
    return reply.status(400).send({
      error: { code: 'validation_failed', message: `${where} : ${first?.message ?? 'valeur invalide'}` },
    });
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return reply.status(known.status).send({ error: { code: known.code, message: known.message } });
  if (error.statusCode === 429) {
    return reply
      .status(429)
      .send({ error: { code: 'rate_limited', message: 'trop de requêtes, réessayez plus tard' } });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.status(error.statusCode).send({ error: { code: 'bad_request', message: 'requête invalide' } });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send({ error: { code: 'internal', message: 'erreur interne' } });
}
