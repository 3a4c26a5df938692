import type { Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { foundation } from './0001-foundation.js';
import { assessments } from './0002-assessments.js';
import { continuity } from './0003-continuity.js';
import { results } from './0005-results.js';
import { assessmentLatest } from './0006-assessment-latest.js';
import { evidence } from './0007-evidence.js';
import { campaigns } from './0008-campaigns.js';
import { dashboardStatus } from './0009-dashboard-status.js';
import { careFollowup } from './0010-care-followup.js';

/**
 * Every migration, in order. Names sort lexically; add new ones at the end with the next number.
 * Each must run on SQLite and PostgreSQL (the twin suite runs them on both).
 */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001-foundation': foundation(dialect),
    '0002-assessments': assessments(dialect),
    '0003-continuity': continuity(dialect),
    '0005-results': results(dialect),
    '0006-assessment-latest': assessmentLatest(dialect),
    '0007-evidence': evidence(dialect),
    '0008-campaigns': campaigns(dialect),
    '0009-dashboard-status': dashboardStatus(dialect),
    '0010-care-followup': careFollowup(dialect),
  };
}
