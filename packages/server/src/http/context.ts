import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/trail.js';

/** Who did it and from where, for the audit trail. */
export function actorOf(request: FastifyRequest): Pick<AuditEntry, 'actorUserId' | 'actor' | 'ip'> {
  return {
    actorUserId: request.principal?.userId ?? request.session?.userId ?? null,
    actor: request.principal?.label ?? 'anonyme',
    ip: request.ip,
  };
}

/** An IP with its last part hidden, for logs (personal data stays out of them). */
export function maskIp(ip: string): string {
  if (ip.includes('.')) return ip.replace(/\.\d+$/, '.x');
  return ip.replace(/:[0-9a-f]*:[0-9a-f]*$/i, ':x:x');
}
