import { createHash, randomBytes } from 'node:crypto';

/** A random token for a client (cookie, reset link, API token) and the hash we keep of it. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
