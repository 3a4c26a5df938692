import { describe, expect, test } from 'vitest';
import { finessError, isValidFiness, withFinessKey } from './finess.js';

describe('FINESS numbers', () => {
  test('published numbers have a valid Luhn key', () => {
    expect(isValidFiness('750712184')).toBe(true); // AP-HP, EJ
    expect(isValidFiness('690781810')).toBe(true); // Hospices civils de Lyon, EJ
  });

  test('a changed digit or swapped neighbours break the key', () => {
    expect(isValidFiness('750712185')).toBe(false);
    expect(isValidFiness('750721184')).toBe(false);
    expect(finessError('750712185')).toBe('clé de contrôle FINESS invalide');
  });

  test('wrong length, letters and injection strings are refused with a reason', () => {
    for (const bad of ['', '75071218', '7507121840', 'ABCDEFGHI', "1' OR '1'='1", '75071218\n', '<script>']) {
      expect(isValidFiness(bad)).toBe(false);
      expect(finessError(bad)).toMatch(/9 caractères|département/);
    }
  });

  test('Corsica numbers (2A, 2B) are accepted with their key', () => {
    const n = withFinessKey('2A000001');
    expect(n).toMatch(/^2A\d{7}$/);
    expect(isValidFiness(n)).toBe(true);
    expect(isValidFiness(`2C${n.slice(2)}`)).toBe(false);
  });

  test('withFinessKey completes 8 characters into a valid number', () => {
    for (const base of ['75071218', '69078181', '35000001', '97100001']) {
      expect(isValidFiness(withFinessKey(base))).toBe(true);
    }
    expect(withFinessKey('75071218')).toBe('750712184');
    expect(() => withFinessKey('7507121')).toThrow();
  });
});
