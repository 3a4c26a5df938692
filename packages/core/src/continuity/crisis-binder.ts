import { z } from 'zod';
import type { BackupInfrastructure } from './backups.js';
import { ACTIVITY_KIND_LABELS, COMPONENT_KIND_LABELS, type ContinuityGraph } from './model.js';
import type { RestorePlan } from './restore-plan.js';

/**
 * Content of the crisis binder ("classeur de crise"), printed and kept offline: crisis cell and call tree,
 * CERT Santé and ARS contacts, isolation steps, restore order, each activity's degraded mode. A renderer
 * (PDF, HTML) only lays out these sections; every text here is the French the reader sees.
 */

const phone = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[0-9+().\s-]+$/, 'numéro de téléphone invalide');

export const crisisContactsSchema = z.strictObject({
  establishment: z.strictObject({
    name: z.string().min(1).max(200),
    finess: z.string().max(20).optional(),
  }),
  crisisCell: z
    .array(
      z.strictObject({
        role: z.string().min(1).max(200),
        name: z.string().min(1).max(200),
        phone,
        alternate: z.strictObject({ name: z.string().min(1).max(200), phone }).optional(),
      }),
    )
    .max(100),
  /** Who calls whom, in order: each caller (a name from the crisis cell or elsewhere) and the people they call. */
  callTree: z
    .array(z.strictObject({ caller: z.string().min(1).max(200), calls: z.array(z.string().min(1).max(200)).max(50) }))
    .max(200),
  ars: z.strictObject({ name: z.string().min(1).max(200), phone, email: z.string().max(200).optional() }),
  otherContacts: z
    .array(z.strictObject({ name: z.string().min(1).max(200), phone, note: z.string().max(500).optional() }))
    .max(100)
    .default([]),
  /** Isolation ("bouton rouge") steps; when absent, those recorded for the backup infrastructure. */
  isolationSteps: z.array(z.string().min(1).max(1_000)).max(50).optional(),
});
export type CrisisContacts = z.infer<typeof crisisContactsSchema>;
export type CrisisContactsInput = z.input<typeof crisisContactsSchema>;

/**
 * National contacts (care-programme.md §5.1): CERT Santé out-of-hours line since 17 Oct 2022 (weekdays
 * 18:00–09:00 and non-working days) and the national reporting portal (arrêté of 30 Oct 2017).
 */
export const NATIONAL_CRISIS_CONTACTS = {
  certSanteOnCallPhone: '09 72 43 91 25',
  certSanteOnCallHours: 'jours ouvrés de 18 h à 9 h, week-ends et jours fériés',
  reportingPortal: 'https://signalement.social-sante.gouv.fr',
} as const;

export type BinderBlock =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; ordered: boolean; items: string[] }
  | { type: 'table'; columns: string[]; rows: string[][] };

export interface BinderSection {
  id: 'crisis-cell' | 'call-tree' | 'contacts' | 'isolation' | 'restore-order' | 'degraded-modes' | 'warnings';
  title: string;
  blocks: BinderBlock[];
}

export interface CrisisBinder {
  title: string;
  subtitle: string;
  generatedAt: string;
  sections: BinderSection[];
}

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** "28 novembre 2026 à 22 h 05 (UTC)", without depending on the ICU data of the host. */
export function frenchDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} à ${d.getUTCHours()} h ${pad(d.getUTCMinutes())} (UTC)`;
}

/** Hours as "45 min", "3 h", "2 j 4 h". */
export function frenchDuration(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  const rounded = Math.round(hours * 10) / 10;
  if (rounded < 48) return `${String(rounded).replace('.', ',')} h`;
  const days = Math.floor(rounded / 24);
  const rest = Math.round((rounded - days * 24) * 10) / 10;
  return rest === 0 ? `${days} j` : `${days} j ${String(rest).replace('.', ',')} h`;
}

const STATUS_LABELS = {
  not_impacted: 'non touchée',
  within_rto: 'dans le RTO',
  exceeds_rto: 'RTO dépassé',
  exceeds_mtd: 'DMIA dépassée',
  blocked_by_cycle: 'bloquée (cycle)',
} as const;

export interface CrisisBinderInput {
  graph: ContinuityGraph;
  /** The plan to print, usually `computeRestorePlan(graph)` (every component lost). */
  plan: RestorePlan;
  contacts: CrisisContacts;
  backupInfrastructure?: BackupInfrastructure;
  generatedAt: string;
}

/** Assembles the binder's sections in reading order. */
export function assembleCrisisBinder(input: CrisisBinderInput): CrisisBinder {
  const { graph, plan, contacts } = input;
  const sections: BinderSection[] = [];
  const components = new Map(graph.components.map((c) => [c.id, c]));
  const activities = new Map(graph.activities.map((a) => [a.id, a]));

  sections.push({
    id: 'crisis-cell',
    title: 'Cellule de crise',
    blocks:
      contacts.crisisCell.length === 0
        ? [{ type: 'paragraph', text: 'Aucun membre de la cellule de crise renseigné.' }]
        : [
            {
              type: 'table',
              columns: ['Rôle', 'Titulaire', 'Téléphone', 'Suppléant'],
              rows: contacts.crisisCell.map((m) => [
                m.role,
                m.name,
                m.phone,
                m.alternate ? `${m.alternate.name} (${m.alternate.phone})` : '—',
              ]),
            },
          ],
  });

  const phoneOf = new Map<string, string>();
  for (const m of contacts.crisisCell) {
    phoneOf.set(m.name, m.phone);
    phoneOf.set(m.role, m.phone);
  }
  for (const c of contacts.otherContacts) phoneOf.set(c.name, c.phone);
  const withPhone = (who: string) => (phoneOf.has(who) ? `${who} (${phoneOf.get(who)})` : who);
  sections.push({
    id: 'call-tree',
    title: "Arbre d'appel",
    blocks:
      contacts.callTree.length === 0
        ? [{ type: 'paragraph', text: "Aucun arbre d'appel renseigné." }]
        : [
            { type: 'paragraph', text: 'Chaque personne appelle les suivantes dès qu’elle est prévenue.' },
            {
              type: 'list',
              ordered: true,
              items: contacts.callTree.map(
                (n) => `${withPhone(n.caller)} appelle : ${n.calls.map(withPhone).join(', ')}`,
              ),
            },
          ],
  });

  sections.push({
    id: 'contacts',
    title: 'CERT Santé, ARS et contacts externes',
    blocks: [
      {
        type: 'paragraph',
        text: `Déclarer l'incident sans délai sur le portail de signalement des événements sanitaires indésirables (${NATIONAL_CRISIS_CONTACTS.reportingPortal}), rubrique « Incident de sécurité des systèmes d'information » ; s'il est inaccessible, prévenir l'ARS par tout moyen.`,
      },
      {
        type: 'table',
        columns: ['Contact', 'Téléphone', 'Précisions'],
        rows: [
          [
            'CERT Santé — permanence',
            NATIONAL_CRISIS_CONTACTS.certSanteOnCallPhone,
            `${NATIONAL_CRISIS_CONTACTS.certSanteOnCallHours}, incidents majeurs imposant un mode dégradé`,
          ],
          [contacts.ars.name, contacts.ars.phone, contacts.ars.email ?? ''],
          ...contacts.otherContacts.map((c) => [c.name, c.phone, c.note ?? '']),
        ],
      },
    ],
  });

  const steps = contacts.isolationSteps ?? input.backupInfrastructure?.isolation.steps ?? [];
  sections.push({
    id: 'isolation',
    title: 'Isolement « bouton rouge »',
    blocks:
      steps.length === 0
        ? [{ type: 'paragraph', text: "Aucune étape d'isolement renseignée : à définir avant tout incident." }]
        : [
            {
              type: 'paragraph',
              text: "Sur décision de la cellule de crise, isoler l'infrastructure de sauvegarde et les zones atteintes. Ne pas éteindre les machines compromises : les déconnecter du réseau.",
            },
            { type: 'list', ordered: true, items: steps },
          ],
  });

  const restoreBlocks: BinderBlock[] = [];
  if (plan.order.length === 0) restoreBlocks.push({ type: 'paragraph', text: 'Aucun composant à restaurer.' });
  else {
    restoreBlocks.push({
      type: 'paragraph',
      text: `Restaurer par groupe de priorité (P1 d'abord), puis par étape : un composant ne démarre que lorsque ses dépendances sont rétablies.${plan.teams ? ` Calcul pour ${plan.teams} équipe(s) en parallèle.` : ' Calcul sans limite d’équipes.'}`,
    });
    const schedule = new Map(plan.components.map((c) => [c.id, c]));
    restoreBlocks.push({
      type: 'table',
      columns: ['Groupe', 'Étape', 'Composant', 'Type', 'Durée', 'Début au plus tôt', 'Fin au plus tôt'],
      rows: plan.waves.flatMap((w) =>
        w.components.map((id) => {
          const c = components.get(id);
          const s = schedule.get(id);
          return [
            `P${w.priority}`,
            String(w.step),
            c ? `${c.name} (${id})` : id,
            c ? COMPONENT_KIND_LABELS[c.kind] : '',
            c ? frenchDuration(c.restoreHours) : '',
            s ? `H+${frenchDuration(s.startHours)}` : '',
            s ? `H+${frenchDuration(s.finishHours)}` : '',
          ];
        }),
      ),
    });
  }
  restoreBlocks.push({ type: 'heading', text: 'Reprise des activités critiques' });
  restoreBlocks.push({
    type: 'table',
    columns: ['Activité', 'Priorité', 'RTO', 'DMIA', 'Reprise estimée', 'État'],
    rows: [...plan.activities]
      .sort((a, b) => a.priority - b.priority || (a.recoveryHours ?? Infinity) - (b.recoveryHours ?? Infinity))
      .map((a) => [
        a.name,
        `P${a.priority}`,
        frenchDuration(a.rtoHours),
        frenchDuration(a.mtdHours),
        a.recoveryHours === null ? 'impossible' : `H+${frenchDuration(a.recoveryHours)}`,
        STATUS_LABELS[a.status],
      ]),
  });
  if (plan.criticalPath.length > 0) {
    restoreBlocks.push({
      type: 'paragraph',
      text: `Chemin critique : ${plan.criticalPath
        .map((s) => activities.get(s.id)?.name ?? components.get(s.id)?.name ?? s.id)
        .join(' → ')}.`,
    });
  }
  sections.push({ id: 'restore-order', title: 'Ordre de restauration', blocks: restoreBlocks });

  const degraded: BinderBlock[] = [];
  for (const a of [...graph.activities].sort((x, y) => x.priority - y.priority || x.name.localeCompare(y.name, 'fr'))) {
    degraded.push({ type: 'heading', text: `${a.name} — ${ACTIVITY_KIND_LABELS[a.kind]}, P${a.priority}` });
    degraded.push({
      type: 'paragraph',
      text: `Responsable : ${a.owner}. RTO : ${frenchDuration(a.rtoHours)} ; durée maximale d'interruption admissible : ${frenchDuration(a.mtdHours)} ; perte de données admissible (RPO) : ${frenchDuration(a.rpoHours)}.`,
    });
    const procedure = a.degradedModeProcedure.trim();
    if (procedure === '') degraded.push({ type: 'paragraph', text: 'Aucune procédure de mode dégradé renseignée.' });
    else
      for (const paragraph of procedure.split(/\r?\n\s*\r?\n|\r?\n/))
        if (paragraph.trim()) degraded.push({ type: 'paragraph', text: paragraph.trim() });
  }
  if (degraded.length === 0) degraded.push({ type: 'paragraph', text: 'Aucune activité critique renseignée.' });
  sections.push({ id: 'degraded-modes', title: 'Procédures de mode dégradé', blocks: degraded });

  const attention = plan.warnings.filter(
    (w) => w.code === 'plan.cycle' || w.code === 'plan.mtd_exceeded' || w.code === 'plan.blocked_by_cycle',
  );
  const spofs = plan.singlePointsOfFailure.slice(0, 20).map((s) => {
    const name = components.get(s.component)?.name ?? s.component;
    return `Point unique de défaillance : ${name} (${s.activityCount} activité(s) arrêtée(s))`;
  });
  const items = [...attention.slice(0, 30).map((w) => w.message), ...spofs];
  if (items.length > 0)
    sections.push({ id: 'warnings', title: "Points d'attention", blocks: [{ type: 'list', ordered: false, items }] });

  return {
    title: 'Classeur de crise cyber',
    subtitle: `${contacts.establishment.name}${contacts.establishment.finess ? ` — FINESS ${contacts.establishment.finess}` : ''}`,
    generatedAt: `Édité le ${frenchDateTime(input.generatedAt)}. À imprimer et conserver hors ligne ; toute version antérieure est périmée.`,
    sections,
  };
}
