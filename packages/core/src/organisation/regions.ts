/** The 18 regions, each with its Agence régionale de santé (ARS), keyed by Rempart's short code. */
export const REGIONS = [
  {
    code: 'ARA',
    name: 'Auvergne-Rhône-Alpes',
    departments: ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'],
  },
  { code: 'BFC', name: 'Bourgogne-Franche-Comté', departments: ['21', '25', '39', '58', '70', '71', '89', '90'] },
  { code: 'BRE', name: 'Bretagne', departments: ['22', '29', '35', '56'] },
  { code: 'CVL', name: 'Centre-Val de Loire', departments: ['18', '28', '36', '37', '41', '45'] },
  { code: 'COR', name: 'Corse', departments: ['2A', '2B'] },
  { code: 'GES', name: 'Grand Est', departments: ['08', '10', '51', '52', '54', '55', '57', '67', '68', '88'] },
  { code: 'HDF', name: 'Hauts-de-France', departments: ['02', '59', '60', '62', '80'] },
  { code: 'IDF', name: 'Île-de-France', departments: ['75', '77', '78', '91', '92', '93', '94', '95'] },
  { code: 'NOR', name: 'Normandie', departments: ['14', '27', '50', '61', '76'] },
  {
    code: 'NAQ',
    name: 'Nouvelle-Aquitaine',
    departments: ['16', '17', '19', '23', '24', '33', '40', '47', '64', '79', '86', '87'],
  },
  {
    code: 'OCC',
    name: 'Occitanie',
    departments: ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'],
  },
  { code: 'PDL', name: 'Pays de la Loire', departments: ['44', '49', '53', '72', '85'] },
  { code: 'PAC', name: "Provence-Alpes-Côte d'Azur", departments: ['04', '05', '06', '13', '83', '84'] },
  { code: 'GUA', name: 'Guadeloupe', departments: ['971'] },
  { code: 'MTQ', name: 'Martinique', departments: ['972'] },
  { code: 'GUY', name: 'Guyane', departments: ['973'] },
  { code: 'REU', name: 'La Réunion', departments: ['974'] },
  { code: 'MAY', name: 'Mayotte', departments: ['976'] },
] as const;

export type RegionCode = (typeof REGIONS)[number]['code'];

const byDepartment = new Map<string, RegionCode>(
  REGIONS.flatMap((r) => r.departments.map((d) => [d, r.code] as const)),
);

/**
 * The region of a department code as FINESS writes it. Overseas FINESS numbers start with 97 and the
 * extract gives the department as "9A".."9F" or "971".."976"; both forms are accepted.
 */
export function regionOfDepartment(department: string): RegionCode | undefined {
  const overseas: Record<string, string> = { '9A': '971', '9B': '972', '9C': '973', '9D': '974', '9F': '976' };
  return byDepartment.get(overseas[department] ?? department.padStart(2, '0'));
}
