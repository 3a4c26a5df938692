import { z } from 'zod';

// C0 controls and DEL: PostgreSQL refuses NUL in text and none belongs in a name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A one-line label (name, title): trimmed, non-empty, bounded, without control characters. */
export function label(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'valeur obligatoire')
    .max(max, `${max} caractères au plus`)
    .refine((v) => !CONTROL.test(v), 'caractères de contrôle interdits');
}

/** `:id` path parameters: a positive integer row id. */
export const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** A referential key (`care`, an imported library's ref): the shape its URL segment and query parameter take. */
export const referentialKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
