/**
 * FINESS numbers: 9 characters, the department code (2 digits, or 2A/2B for Corsica), 6 digits of
 * sequence and a check key. The key is the Luhn digit of the whole number: checked on published numbers
 * (AP-HP EJ 750712184, HCL EJ 690781810). For Corsica the letter is read as 0 for the key (assumption:
 * no published specification found; kept in one place so it can be corrected).
 */
const FINESS_SHAPE = /^(\d{2}|2[AB])\d{7}$/;

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

function numericForm(finess: string): string {
  return finess.replace(/^2[AB]/, '20');
}

/** True when `value` is a well-formed FINESS number with a valid key. */
export function isValidFiness(value: string): boolean {
  return FINESS_SHAPE.test(value) && luhnSum(numericForm(value)) % 10 === 0;
}

/** Why a FINESS number is refused, or null when it is valid. */
export function finessError(value: string): string | null {
  if (!/^[0-9AB]{9}$/.test(value)) return 'un numéro FINESS compte 9 caractères (chiffres, 2A/2B pour la Corse)';
  if (!FINESS_SHAPE.test(value)) return 'code département invalide en tête du numéro FINESS';
  if (luhnSum(numericForm(value)) % 10 !== 0) return 'clé de contrôle FINESS invalide';
  return null;
}

/** Completes 8 characters with their FINESS key. */
export function withFinessKey(first8: string): string {
  if (!/^(\d{2}|2[AB])\d{6}$/.test(first8)) throw new Error(`not the 8 first characters of a FINESS number: ${first8}`);
  const sum = luhnSum(`${numericForm(first8)}0`);
  return `${first8}${(10 - (sum % 10)) % 10}`;
}
