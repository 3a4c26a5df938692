import type { FastifyPluginAsync } from 'fastify';
import { objectiveOwnerRoutes } from './assessments/owners.js';
import { prefillConfirmRoutes } from './assessments/prefill-confirm.js';
import { assessmentRoutes } from './assessments/routes.js';
import { auditRoutes } from './audit/routes.js';
import { authRoutes } from './auth/routes.js';
import { campaignRoutes } from './campaigns/routes.js';
import { continuityRoutes } from './continuity/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { evidenceRoutes } from './evidence/routes.js';
import { mailRoutes } from './mail/routes.js';
import { organisationRoutes } from './organisations/routes.js';
import { resultRoutes } from './results/routes.js';
import { tokenRoutes } from './tokens/routes.js';
import { userRoutes } from './users/routes.js';

/** Every feature plugin of the API, each registered under `/api`. Add one line per feature folder. */
export const features: FastifyPluginAsync[] = [
  authRoutes,
  organisationRoutes,
  userRoutes,
  tokenRoutes,
  auditRoutes,
  assessmentRoutes,
  objectiveOwnerRoutes,
  prefillConfirmRoutes,
  dashboardRoutes,
  continuityRoutes,
  resultRoutes,
  evidenceRoutes,
  campaignRoutes,
  mailRoutes,
];
