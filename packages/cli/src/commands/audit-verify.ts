import { verifyAuditChain } from '@rempart/server';
import type { Command } from '../command.js';
import { openMigrated } from './shared.js';

export const auditVerify: Command = {
  name: 'audit-verify',
  help: `Usage: rempart audit-verify

Recomputes every row's hash of the audit trail in order and reports the first broken row.
Exit code 0 when the chain holds, 1 when it is broken.`,
  async run() {
    const handle = await openMigrated();
    try {
      const report = await verifyAuditChain(handle.db);
      if (report.ok) {
        process.stdout.write(`journal d'audit intègre : ${report.checked} événements vérifiés\n`);
        return 0;
      }
      process.stdout.write(
        `journal d'audit ROMPU à l'événement ${report.firstBroken!.id} : ${report.firstBroken!.reason} (${report.checked} événements valides avant)\n`,
      );
      return 1;
    } finally {
      await handle.close();
    }
  },
};
