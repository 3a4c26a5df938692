import { Algorithm, hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Verifies a password; with no stored hash it still spends the same time, so unknown accounts don't show. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hash('rempart-dummy-password', OPTIONS);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** Rules for a new password: long enough to resist guessing, bounded so hashing stays cheap. */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'le mot de passe doit compter au moins 12 caractères';
  if (password.length > 256) return 'le mot de passe ne doit pas dépasser 256 caractères';
  return null;
}
