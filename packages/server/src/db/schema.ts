import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The tables. Portable choices: timestamps are UTC ISO-8601 text, booleans are 0/1 integers, JSON is text,
 * so SQLite and PostgreSQL return the same values.
 */
export interface Database {
  organisation: OrganisationTable;
  app_user: UserTable;
  role_grant: RoleGrantTable;
  session: SessionTable;
  recovery_code: RecoveryCodeTable;
  one_time_token: OneTimeTokenTable;
  api_token: ApiTokenTable;
  oidc_login: OidcLoginTable;
  outbox: OutboxTable;
  audit_event: AuditEventTable;
  audit_head: AuditHeadTable;
  technical_result: TechnicalResultTable;
  indicator: IndicatorTable;
  referential_version: ReferentialVersionTable;
  assessment: AssessmentTable;
  assessment_snapshot: AssessmentSnapshotTable;
  roadmap_edit: RoadmapEditTable;
  assessment_latest: AssessmentLatestTable;
  continuity_record: ContinuityRecordTable;
  evidence: EvidenceTable;
  campaign: CampaignTable;
  campaign_member: CampaignMemberTable;
  objective_owner: ObjectiveOwnerTable;
  campaign_reminder: CampaignReminderTable;
}

export interface OrganisationTable {
  id: Generated<number>;
  kind: string;
  name: string;
  finess: string | null;
  category: string | null;
  region_code: string | null;
  department: string | null;
  parent_id: number | null;
  /** Materialised path of ids, `/1/4/17/`: a subtree is a prefix range. */
  path: string;
  depth: number;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: number;
  totp_last_step: number | null;
  failed_logins: number;
  locked_until: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface RoleGrantTable {
  id: Generated<number>;
  user_id: number;
  role: string;
  organisation_id: number;
  /** Explicit grant to see the detailed technical findings of the establishments below. */
  detailed_findings: number;
  created_at: string;
  created_by: number | null;
}

export interface SessionTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  mfa_pending: number;
  created_at: string;
  expires_at: string;
  ip: string | null;
}

export interface RecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

export interface OneTimeTokenTable {
  token_hash: string;
  purpose: string;
  user_id: number;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface ApiTokenTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  prefix: string;
  user_id: number;
  organisation_id: number;
  role: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

export interface OidcLoginTable {
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  created_at: string;
  sent_at: string | null;
  /** `pending`, `sending` (claimed by a sender), `sent` or `dead` (given up). */
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  claimed_until: string | null;
  last_error: string | null;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: string;
  actor_user_id: number | null;
  actor: string;
  action: string;
  object_type: string;
  object_id: string | null;
  organisation_id: number | null;
  summary: string;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  last_hash: string;
}

export type Organisation = Selectable<OrganisationTable>;
export type NewOrganisation = Insertable<OrganisationTable>;
export type User = Selectable<UserTable>;
export type RoleGrant = Selectable<RoleGrantTable>;

/** A referential version (Rempart YAML in `source`), bundled or imported. */
export interface ReferentialVersionTable {
  id: Generated<number>;
  referential_key: string;
  version: number;
  urn: string;
  name: string;
  locale: string;
  origin: string;
  source: string;
  created_at: string;
  created_by: number | null;
}

/** A self-assessment of one organisation against one referential version; `answers` is JSON. */
export interface AssessmentTable {
  id: Generated<number>;
  organisation_id: number;
  referential_version_id: number;
  category: string;
  status: string;
  /** Bumped by every write: the optimistic-concurrency token clients send back. */
  revision: number;
  answers: string;
  created_at: string;
  created_by: number | null;
  updated_at: string;
  submitted_at: string | null;
  submitted_by: number | null;
  signed_at: string | null;
  signed_by: number | null;
}

/** Scores frozen at a submission, for trends and dashboards; `detail` is JSON (axes, objectives). */
export interface AssessmentSnapshotTable {
  id: Generated<number>;
  assessment_id: number;
  organisation_id: number;
  referential_key: string;
  referential_version: number;
  at: string;
  /** Overall score × 10,000, or null when nothing applies. */
  score_permyriad: number | null;
  objectives_reached: number;
  objectives_applicable: number;
  detail: string;
  /** One character per objective in referential order: `R` reached, `N` not reached, `-` not applicable. */
  objective_statuses: string | null;
}

/** What a user changed on a roadmap measure (owner, due date, status). */
export interface RoadmapEditTable {
  id: Generated<number>;
  assessment_id: number;
  measure_id: string;
  owner: string | null;
  due_date: string | null;
  status: string;
  updated_at: string;
  updated_by: number | null;
  /** Edited costs in euros; null keeps the referential's estimate. */
  cost_build: number | null;
  cost_run: number | null;
}

/** Each organisation's current assessment and last snapshot, per referential (dashboards). */
export interface AssessmentLatestTable {
  organisation_id: number;
  referential_key: string;
  assessment_id: number;
  status: string;
  snapshot_id: number | null;
}

/** A continuity document of an organisation (graph, dataset, exercise…); `body` is JSON parsed by @rempart/core. */
export interface ContinuityRecordTable {
  id: Generated<number>;
  organisation_id: number;
  kind: string;
  key: string;
  body: string;
  updated_at: string;
  updated_by: number | null;
}

export interface TechnicalResultTable {
  id: Generated<number>;
  organisation_id: number;
  /** `ad-audit`, `exposure` or `detect`. */
  engine: string;
  ruleset_version: string;
  generated_at: string;
  received_at: string;
  /** One French line for lists (e.g. "niveau ANSSI 2, score 65/100"). */
  headline: string;
  /** JSON: the figures an upper level may see (scores, counts), never the findings themselves. */
  summary: string;
  /** JSON: the whole bundle as pushed (detailed findings: `findings.read` only). */
  bundle: string;
  bundle_sha256: string;
  pushed_by: number | null;
}

export interface IndicatorTable {
  id: Generated<number>;
  organisation_id: number;
  /** e.g. `ad.anssi_level`, `exposure.d1_cadence`, `detect.alerts_high`. */
  key: string;
  /** JSON value. */
  value: string;
  result_id: number | null;
  measured_at: string;
}

export interface EvidenceTable {
  id: Generated<number>;
  assessment_id: number;
  organisation_id: number;
  requirement_id: string;
  /** `file` (content stored here) or `link` (https URL). */
  kind: string;
  filename: string | null;
  media_type: string | null;
  size: number | null;
  sha256: string | null;
  content: Buffer | null;
  url: string | null;
  title: string | null;
  /** YYYY-MM-DD, after which the evidence is flagged as expired. */
  expires_on: string | null;
  created_at: string;
  created_by: number | null;
}

export interface CampaignTable {
  id: Generated<number>;
  /** The node that launched it (nation, region or group): it targets that node's subtree. */
  organisation_id: number;
  referential_version_id: number;
  name: string;
  /** YYYY-MM-DD. */
  deadline: string;
  created_at: string;
  created_by: number | null;
}

export interface CampaignMemberTable {
  campaign_id: number;
  organisation_id: number;
  assessment_id: number;
}

/** Who owns an objective of an assessment: an account, or a free-text name for someone without one. */
export interface ObjectiveOwnerTable {
  id: Generated<number>;
  assessment_id: number;
  objective_id: string;
  user_id: number | null;
  name: string | null;
  /** YYYY-MM-DD. */
  due_date: string | null;
  /** Optimistic-concurrency token of this owner alone. */
  revision: number;
  updated_at: string;
  updated_by: number | null;
}

/** A campaign reminder stage enqueued for one assessment (`j14`, `j3`, `overdue`); `outbox_ids` is JSON. */
export interface CampaignReminderTable {
  id: Generated<number>;
  campaign_id: number;
  assessment_id: number;
  organisation_id: number;
  stage: string;
  /** YYYY-MM-DD, the day it was enqueued. */
  day: string;
  recipients: number;
  outbox_ids: string;
  created_at: string;
}
