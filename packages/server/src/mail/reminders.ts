import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Roles that receive a campaign reminder for their establishment; a group's file also goes to the group RSSI. */
export const REMINDER_ROLES = ['establishment_rssi', 'establishment_director'] as const;
export const GROUP_REMINDER_ROLES = [...REMINDER_ROLES, 'group_rssi'] as const;

export interface ReminderOptions {
  /** The day of the run, `YYYY-MM-DD` (UTC). */
  today: string;
  /** Days before the deadline at which to remind, e.g. [14, 3]. */
  days: readonly number[];
  /** The platform's address, for the link in the message. */
  publicUrl: string;
  /** ISO timestamp written on the rows. */
  at: string;
}

export interface ReminderRun {
  /** Reminder stages enqueued by this run (one per assessment at most). */
  enqueued: number;
  /** Messages put in the outbox. */
  messages: number;
  /** Assessments due a reminder but without any RSSI or director account to send it to. */
  withoutRecipient: number[];
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

const frenchDate = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('fr-FR', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });

/** Overdue reminders repeat every week after the deadline, at most this many times. */
export const OVERDUE_REMINDERS = 6;

/**
 * The reminder stage a campaign assessment has reached: `j<N>` once the deadline is at most N days away (the
 * nearest threshold); after the deadline `overdue` in its first week, then `overdue-<n>` in week n (up to
 * OVERDUE_REMINDERS); null when it is further than every threshold.
 */
export function reminderStage(daysLeft: number, days: readonly number[]): string | null {
  if (daysLeft < 0) {
    const week = Math.min(Math.floor((-daysLeft - 1) / 7) + 1, OVERDUE_REMINDERS);
    return week === 1 ? 'overdue' : `overdue-${week}`;
  }
  const reached = [...days].sort((a, b) => a - b).find((d) => daysLeft <= d);
  return reached === undefined ? null : `j${reached}`;
}

/** Order of the stages, most distant first: a reminder is never sent for a stage below one already sent. */
function stageRank(stage: string): number {
  if (stage === 'overdue') return 1_000_001;
  if (stage.startsWith('overdue-')) return 1_000_000 + Number(stage.slice('overdue-'.length));
  return -Number(stage.slice(1));
}

/** The French reminder for one establishment and campaign. */
export function reminderMessage(v: {
  campaign: string;
  launchedBy: string;
  establishment: string;
  deadline: string;
  daysLeft: number;
  started: boolean;
  url: string;
}): { subject: string; body: string } {
  const due = frenchDate(v.deadline);
  const subject =
    v.daysLeft < 0
      ? `Rempart — CaRE : auto-évaluation en retard (échéance du ${due})`
      : `Rempart — CaRE : auto-évaluation à remettre avant le ${due}`;
  const when =
    v.daysLeft < 0
      ? `L’échéance du ${due} est dépassée de ${-v.daysLeft} jour(s).`
      : v.daysLeft === 0
        ? `L’échéance est aujourd’hui, ${due}.`
        : `L’échéance est le ${due}, dans ${v.daysLeft} jour(s).`;
  const body = [
    'Bonjour,',
    '',
    `La campagne « ${v.campaign} » lancée par ${v.launchedBy} attend l’auto-évaluation CaRE de ${v.establishment}.`,
    when,
    `Elle est ${v.started ? 'commencée mais pas encore soumise' : 'pas encore commencée'}.`,
    '',
    `Ouvrir l’auto-évaluation : ${v.url}`,
    '',
    'Une fois soumise, la direction la signe dans Rempart ; les relances s’arrêtent dès la soumission.',
    '',
    'Message envoyé automatiquement par Rempart, merci de ne pas y répondre.',
    '',
  ].join('\n');
  return { subject, body };
}

/**
 * Enqueues, for each campaign assessment not yet submitted, the reminder of the stage it has reached (14 and 3
 * days before the deadline, then weekly while overdue) to the RSSI and director accounts of its establishment (granted on it or
 * an ancestor), and to the group RSSI for a group's single file. Idempotent: a stage is enqueued once per assessment, never one below a stage already sent, and at
 * most one reminder per assessment and day; the unique constraints of `campaign_reminder` hold this even when two
 * processes run the job at the same time.
 */
export async function enqueueCampaignReminders(db: Kysely<Database>, options: ReminderOptions): Promise<ReminderRun> {
  const run: ReminderRun = { enqueued: 0, messages: 0, withoutRecipient: [] };
  const members = await db
    .selectFrom('campaign_member as m')
    .innerJoin('campaign as c', 'c.id', 'm.campaign_id')
    .innerJoin('assessment as a', 'a.id', 'm.assessment_id')
    .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
    .innerJoin('organisation as l', 'l.id', 'c.organisation_id')
    .select([
      'm.campaign_id',
      'm.assessment_id',
      'm.organisation_id',
      'c.name as campaign',
      'c.deadline',
      'l.name as launched_by',
      'o.name as establishment',
      'o.path',
      'o.kind',
      'a.revision',
    ])
    .where('a.status', '=', 'draft')
    .orderBy('m.campaign_id')
    .orderBy('m.assessment_id')
    .execute();

  for (const m of members) {
    const daysLeft = daysBetween(options.today, m.deadline);
    const stage = reminderStage(daysLeft, options.days);
    if (!stage) continue;
    const previous = await db
      .selectFrom('campaign_reminder')
      .select(['stage', 'day'])
      .where('campaign_id', '=', m.campaign_id)
      .where('assessment_id', '=', m.assessment_id)
      .execute();
    if (previous.some((p) => p.day === options.today || stageRank(p.stage) >= stageRank(stage))) continue;

    const nodeIds = m.path.split('/').filter(Boolean).map(Number);
    const recipients = await db
      .selectFrom('role_grant as g')
      .innerJoin('app_user as u', 'u.id', 'g.user_id')
      .select('u.email')
      .distinct()
      .where('g.organisation_id', 'in', nodeIds)
      .where('g.role', 'in', m.kind === 'group' ? [...GROUP_REMINDER_ROLES] : [...REMINDER_ROLES])
      .where('u.disabled', '=', 0)
      .orderBy('u.email')
      .execute();
    const message = reminderMessage({
      campaign: m.campaign,
      launchedBy: m.launched_by,
      establishment: m.establishment,
      deadline: m.deadline,
      daysLeft,
      started: m.revision > 0,
      url: `${options.publicUrl}/evaluations/${m.assessment_id}`,
    });
    const inserted = await db.transaction().execute(async (trx) => {
      const reminder = await trx
        .insertInto('campaign_reminder')
        .values({
          campaign_id: m.campaign_id,
          assessment_id: m.assessment_id,
          organisation_id: m.organisation_id,
          stage,
          day: options.today,
          recipients: recipients.length,
          outbox_ids: '[]',
          created_at: options.at,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!reminder) return false; // another run enqueued it meanwhile
      const ids: number[] = [];
      for (const r of recipients) {
        const row = await trx
          .insertInto('outbox')
          .values({
            kind: 'campaign_reminder',
            recipient: r.email,
            subject: message.subject,
            body: message.body,
            created_at: options.at,
            sent_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(row.id);
      }
      await trx
        .updateTable('campaign_reminder')
        .set({ outbox_ids: JSON.stringify(ids) })
        .where('id', '=', reminder.id)
        .execute();
      return true;
    });
    if (!inserted) continue;
    run.enqueued++;
    run.messages += recipients.length;
    if (recipients.length === 0) run.withoutRecipient.push(m.assessment_id);
  }
  return run;
}
