import { withFinessKey } from './finess.js';
import { formatFinessExtract } from './finess-extract.js';

/** A small deterministic PRNG (mulberry32) so the demo tree is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOWNS: Record<string, string[]> = {
  '69': ['Lyon', 'Villefranche-sur-Saône', 'Givors', 'Tarare'],
  '38': ['Grenoble', 'Vienne', 'Voiron', 'Bourgoin-Jallieu'],
  '63': ['Clermont-Ferrand', 'Riom', 'Thiers', 'Issoire'],
  '35': ['Rennes', 'Saint-Malo', 'Fougères', 'Vitré'],
  '29': ['Brest', 'Quimper', 'Morlaix', 'Landerneau'],
  '56': ['Vannes', 'Lorient', 'Pontivy', 'Ploërmel'],
  '75': ['Paris'],
  '93': ['Saint-Denis', 'Montreuil', 'Bobigny', 'Aulnay-sous-Bois'],
  '94': ['Créteil', 'Vitry-sur-Seine', 'Ivry-sur-Seine', 'Villejuif'],
};

const KINDS = [
  { prefix: 'Centre hospitalier de', label: 'Centre Hospitalier (C.H.)', agg: '1102', sph: '1', sites: [1, 3] },
  {
    prefix: 'Clinique Saint-Joseph de',
    label: 'Etablissement de Soins Pluridisciplinaire',
    agg: '1202',
    sph: '0',
    sites: [1, 2],
  },
  { prefix: 'Hôpital privé mutualiste de', label: 'Centre Hospitalier (C.H.)', agg: '1102', sph: '2', sites: [1, 2] },
  {
    prefix: 'EHPAD Les Tilleuls de',
    label: "Etablissement d'hébergement pour personnes âgées dépendantes",
    agg: '4401',
    sph: '0',
    sites: [1, 1],
  },
  {
    prefix: 'Institut médico-éducatif de',
    label: 'Institut Médico-Educatif (I.M.E.)',
    agg: '4101',
    sph: '0',
    sites: [1, 1],
  },
] as const;

/**
 * The demo FINESS extract: about 300 sites of about 180 legal entities over three regions
 * (Auvergne-Rhône-Alpes, Bretagne, Île-de-France). Synthetic names; valid FINESS keys.
 */
export function demoFinessExtract(): string {
  const random = prng(2026);
  const sites: Parameters<typeof formatFinessExtract>[0] = [];
  let sequence = 1;
  for (const [department, towns] of Object.entries(TOWNS)) {
    for (let e = 0; e < 20; e++) {
      const kind = KINDS[Math.floor(random() * KINDS.length)]!;
      const town = towns[e % towns.length]!;
      const ej = withFinessKey(`${department}${String(sequence++).padStart(6, '0')}`);
      const count = kind.sites[0] + Math.floor(random() * (kind.sites[1] - kind.sites[0] + 1));
      const entityName = `${kind.prefix} ${town}${e >= towns.length ? ` ${Math.floor(e / towns.length) + 1}` : ''}`;
      for (let s = 0; s < count; s++) {
        sites.push({
          siteFiness: withFinessKey(`${department}${String(sequence++).padStart(6, '0')}`),
          legalEntityFiness: ej,
          name: s === 0 ? entityName : `${entityName} — site ${s + 1}`,
          department,
          categoryLabel: kind.label,
          category: 'public',
          aggregateCategoryCode: kind.agg,
          sphCode: kind.sph,
        });
      }
    }
  }
  return formatFinessExtract(sites);
}
