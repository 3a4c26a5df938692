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
