import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { enqueueCampaignReminders, reminderMessage, reminderStage } from '../src/mail/reminders.js';
import { deliverOutbox, smtpTransport } from '../src/mail/sender.js';
import { insertNode } from '../src/organisations/queries.js';
import { type CareWorld, careWorld } from './care-followup.js';
import { createUser, PASSWORD } from './fixtures.js';
import { Client, DIALECTS } from './harness.js';
import { parseMail, startReceiver } from './smtp-receiver.js';

const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const todayUtc = () => new Date().toISOString().slice(0, 10);

describe('reminder stages and wording', () => {
  test('the stage is the nearest threshold reached, overdue after the deadline, none before the first', () => {
    expect(reminderStage(20, [14, 3])).toBeNull();
    expect(reminderStage(14, [14, 3])).toBe('j14');
    expect(reminderStage(4, [14, 3])).toBe('j14');
    expect(reminderStage(3, [14, 3])).toBe('j3');
    expect(reminderStage(0, [14, 3])).toBe('j3');
    expect(reminderStage(-1, [14, 3])).toBe('overdue');
    expect(reminderStage(-7, [14, 3])).toBe('overdue');
    expect(reminderStage(-8, [14, 3])).toBe('overdue-2');
    expect(reminderStage(-15, [14, 3])).toBe('overdue-3');
    expect(reminderStage(-1000, [14, 3])).toBe('overdue-6');
  });

  test('the message is French and says what is late', () => {
    const late = reminderMessage({
      campaign: 'CaRE 2027',
      launchedBy: 'ARS Auvergne-Rhône-Alpes',
      establishment: 'CH A',
      deadline: '2027-03-31',
      daysLeft: -2,
      started: true,
      url: 'https://rempart.example.fr/evaluations/7',
    });
    expect(late.subject).toBe('Rempart — CaRE : auto-évaluation en retard (échéance du 31 mars 2027)');
    expect(late.body).toContain('dépassée de 2 jour(s)');
    expect(late.body).toContain('commencée mais pas encore soumise');
    expect(late.body).toContain('https://rempart.example.fr/evaluations/7');
  });
});

describe.each(DIALECTS)('campaign reminders enqueued and sent on %s', (dialect) => {
  let w: CareWorld;
  let deadline: string;
  let campaignId: number;
  let chC: number;
  /** Campaign members and how many RSSI/director accounts each one has. */
  let members: Array<{ organisationId: number; assessmentId: number; recipients: number }>;
  const total = () => members.reduce((n, m) => n + m.recipients, 0);
  const run = (today: string) =>
    enqueueCampaignReminders(w.db, {
      today,
      days: [14, 3],
      publicUrl: 'https://rempart.example.fr',
      at: `${today}T06:00:00.000Z`,
    });

  beforeAll(async () => {
    w = await careWorld(dialect);
    // A second establishment of the region with a director only, and a disabled RSSI who gets nothing.
    chC = (await insertNode(w.db, { parentId: w.tree.ara.id, kind: 'legal_entity', name: 'CH C', category: 'public' }))
      .id;
    await createUser(w.db, 'dir@chc.fr', [{ role: 'establishment_director', organisationId: chC }]);
    const disabled = await createUser(w.db, 'ancien@chc.fr', [{ role: 'establishment_rssi', organisationId: chC }]);
    await w.db.updateTable('app_user').set({ disabled: 1 }).where('id', '=', disabled).execute();
    deadline = shift(todayUtc(), 20);
    const launched = await w.referent.post(`/api/organisations/${w.tree.ara.id}/campaigns`, {
      name: 'CaRE — campagne régionale',
      referentialId: 'care',
      deadline,
    });
    expect(launched.status).toBe(201);
    campaignId = launched.body.campaign.id;
    const rows = await w.db
      .selectFrom('campaign_member')
      .select(['organisation_id', 'assessment_id'])
      .where('campaign_id', '=', campaignId)
      .orderBy('organisation_id')
      .execute();
    members = rows.map((r) => ({
      organisationId: r.organisation_id,
      assessmentId: r.assessment_id,
      recipients: r.organisation_id === chC ? 1 : 2,
    }));
    expect(members.map((m) => m.organisationId)).toEqual(expect.arrayContaining([w.tree.ejA.id, chC]));
  });
  afterAll(() => w?.server.close());

  test('nothing before the first threshold; at 14 days one reminder per assessment to its RSSI and director', async () => {
    expect((await run(shift(deadline, -15))).enqueued).toBe(0);
    const first = await run(shift(deadline, -14));
    expect(first).toEqual({ enqueued: members.length, messages: total(), withoutRecipient: [] });
    const outbox = await w.db.selectFrom('outbox').selectAll().where('kind', '=', 'campaign_reminder').execute();
    const recipients = outbox.map((o) => o.recipient);
    expect(recipients.filter((r) => r === 'rssi@cha.fr')).toHaveLength(members.length - 1);
    expect(recipients.filter((r) => r === 'dir@chc.fr')).toHaveLength(1);
    expect(recipients).not.toContain('ancien@chc.fr');
    expect(outbox[0]!.subject).toMatch(/^Rempart — CaRE : auto-évaluation à remettre avant le /);
    expect(outbox[0]!.body).toContain('dans 14 jour(s)');
  });

  test('idempotent: the same day again, or the next days of the same stage, enqueue nothing new', async () => {
    expect((await run(shift(deadline, -14))).enqueued).toBe(0);
    expect((await run(shift(deadline, -13))).enqueued).toBe(0);
    expect((await run(shift(deadline, -4))).enqueued).toBe(0);
    // Two runs at once (two server processes) enqueue each reminder once.
    const [a, b] = await Promise.all([run(shift(deadline, -3)), run(shift(deadline, -3))]);
    expect(a.enqueued + b.enqueued).toBe(members.length);
    expect(a.messages + b.messages).toBe(total());
    expect((await run(shift(deadline, -3))).enqueued).toBe(0);
    const rows = await w.db.selectFrom('campaign_reminder').select(['stage']).execute();
    expect(rows.filter((r) => r.stage === 'j3')).toHaveLength(members.length);
    expect(rows).toHaveLength(2 * members.length);
  });

  test('a submitted assessment is no longer reminded; the others are, once, when overdue', async () => {
    const submitted = members.find((m) => m.organisationId === chC)!;
    const director = new Client(w.server.app);
    await director.login('dir@chc.fr', PASSWORD);
    const a = await director.get(`/api/assessments/${submitted.assessmentId}`);
    expect(
      (await director.post(`/api/assessments/${submitted.assessmentId}/submit`, { revision: a.body.revision })).status,
    ).toBe(200);
    const overdue = await run(shift(deadline, 1));
    expect(overdue).toEqual({ enqueued: members.length - 1, messages: total() - 1, withoutRecipient: [] });
    expect((await run(shift(deadline, 2))).enqueued).toBe(0);
    expect((await run(shift(deadline, 7))).enqueued).toBe(0);
    const last = await w.db
      .selectFrom('outbox')
      .select(['subject', 'body'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.subject).toMatch(/en retard/);
    expect(last.body).toContain('dépassée de 1 jour(s)');
  });

  test('the sender delivers the reminders to a real SMTP server, in French, each once', async () => {
    const receiver = await startReceiver();
    const transport = smtpTransport(receiver.url, 5_000);
    const expected = 3 * total() - 1;
    try {
      const options = {
        from: 'Rempart <ne-pas-repondre@rempart.example.fr>',
        maxAttempts: 3,
        retryBaseMs: 60_000,
        claimMs: 120_000,
        batch: 50,
        now: () => new Date(),
      };
      expect((await deliverOutbox(w.db, transport, options)).sent).toBe(expected);
      expect((await deliverOutbox(w.db, transport, options)).sent).toBe(0);
      expect(receiver.received).toHaveLength(expected);
      const mail = parseMail(receiver.received.at(-1)!.raw);
      expect(mail.headers.subject).toMatch(/^Rempart — CaRE : auto-évaluation en retard \(échéance du /);
      expect(mail.text).toContain('La campagne « CaRE — campagne régionale » lancée par ARS Auvergne-Rhône-Alpes');
      expect(mail.text).toContain('https://rempart.example.fr/evaluations/');
    } finally {
      transport.close?.();
      await receiver.close();
    }
  });

  test('GET /organisations/:id/reminders lists them with their delivery, for the establishment and the region', async () => {
    const own = await w.rssi.get(`/api/organisations/${w.tree.ejA.id}/reminders`);
    expect(own.status).toBe(200);
    const ejA = own.body.items.filter((r: { organisation: { id: number } }) => r.organisation.id === w.tree.ejA.id);
    expect(ejA.map((r: { stage: string }) => r.stage)).toEqual(['overdue', 'j3', 'j14']);
    expect(ejA[0]).toMatchObject({
      campaign: { id: campaignId, name: 'CaRE — campagne régionale', deadline },
      organisation: { id: w.tree.ejA.id, name: 'CH A' },
      recipients: 2,
      delivery: { sent: 2, pending: 0, dead: 0 },
    });
    expect(JSON.stringify(own.body)).not.toContain('@');
    expect(own.body.items.some((r: { organisation: { id: number } }) => r.organisation.id === chC)).toBe(false);
    const region = await w.referent.get(`/api/organisations/${w.tree.ara.id}/reminders`);
    expect(region.body.items).toHaveLength(3 * members.length - 1);
    expect((await w.outsider.get(`/api/organisations/${w.tree.ejA.id}/reminders`)).status).toBe(403);
    for (const bad of ['abc', '0', '-1', '1.5', "1';--"]) {
      const r = await w.rssi.get(`/api/organisations/${encodeURIComponent(bad)}/reminders`);
      expect([bad, r.status, r.body?.error?.code]).toEqual([bad, 400, 'validation_failed']);
    }
    const huge = await w.rssi.get(`/api/organisations/${'9'.repeat(400)}/reminders`);
    expect([400, 414]).toContain(huge.status);
  });

  test('overdue reminders repeat once a week until submission, at most six times', async () => {
    const late = members.length - 1; // one member submitted before the deadline
    expect(await run(shift(deadline, 8))).toMatchObject({ enqueued: late, messages: total() - 1 });
    expect((await run(shift(deadline, 9))).enqueued).toBe(0);
    const stages = await w.db
      .selectFrom('campaign_reminder')
      .select('stage')
      .where('campaign_id', '=', campaignId)
      .where('day', '=', shift(deadline, 8))
      .execute();
    expect(new Set(stages.map((r) => r.stage))).toEqual(new Set(['overdue-2']));
    const last = await w.db.selectFrom('outbox').select('body').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last.body).toContain('dépassée de 8 jour(s)');
    // Long after: the sixth and last overdue reminder, then none.
    expect((await run(shift(deadline, 400))).enqueued).toBe(late);
    expect((await run(shift(deadline, 800))).enqueued).toBe(0);
  });
});

describe.each(DIALECTS)('reminders of a group file on %s', (dialect) => {
  let w: CareWorld;
  afterAll(() => w?.server.close());

  test('a group answering for its members is reminded through its group RSSI', async () => {
    w = await careWorld(dialect);
    await createUser(w.db, 'rssi@ght.fr', [{ role: 'group_rssi', organisationId: w.tree.ght.id }]);
    const deadline = shift(todayUtc(), 10);
    const launched = await w.referent.post(`/api/organisations/${w.tree.ara.id}/campaigns`, {
      name: 'CaRE — dossiers de GHT',
      referentialId: 'care',
      deadline,
      groupFiles: true,
    });
    expect(launched.status).toBe(201);
    const run = await enqueueCampaignReminders(w.db, {
      today: shift(deadline, -14),
      days: [14, 3],
      publicUrl: 'https://rempart.example.fr',
      at: `${shift(deadline, -14)}T06:00:00.000Z`,
    });
    expect(run.enqueued).toBeGreaterThan(0);
    const groupReminder = await w.db
      .selectFrom('campaign_reminder')
      .select('outbox_ids')
      .where('organisation_id', '=', w.tree.ght.id)
      .executeTakeFirstOrThrow();
    const ids = JSON.parse(groupReminder.outbox_ids) as number[];
    const recipients = await w.db.selectFrom('outbox').select('recipient').where('id', 'in', ids).execute();
    expect(recipients.map((r) => r.recipient)).toEqual(['rssi@ght.fr']);
  });
});
