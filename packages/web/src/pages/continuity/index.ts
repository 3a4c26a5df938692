/** The continuity (CaRE D2) pages, as routes.tsx names them. */
export { ContinuityBackupsPage as BackupsPage } from './Backups.js';
export { ContinuityBiaPage as BiaPage } from './Bia.js';
export { ContinuityGraphPage as GraphPage } from './Graph.js';
export { ContinuityPlanPage as PlanPage } from './Plan.js';

/** The main navigation's "Continuité (D2)" entry is current on every continuity page. */
export const active = (pathname: string) => /\/continuite(\/|$)/.test(pathname);
