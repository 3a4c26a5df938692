export * from './backups.js';
export * from './binder-pdf.js';
export * from './crisis-binder.js';
export * from './d2-indicators.js';
export * from './exercises.js';
export * from './graph-io.js';
export * from './model.js';
export * from './restore-plan.js';
export { smallHospitalContacts, smallHospitalDossier, smallHospitalInput } from './testing/small-hospital.js';
