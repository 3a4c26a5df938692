import type { DirectorySnapshot } from '../model.js';
import { ACE_FLAGS, ACE_TYPE, type Ace, RIGHTS, type SecurityDescriptor } from '../security-descriptor.js';

export const EXTENDED_RIGHTS = {
  GET_CHANGES: '1131f6aa-9c07-11d1-f79f-00c04fc2dcd2',
  GET_CHANGES_ALL: '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2',
  GET_CHANGES_FILTERED: '89e95b76-444d-4c62-991a-0facbeda640c',
  FORCE_CHANGE_PASSWORD: '00299570-246d-11d0-a768-00aa006e0529',
  ENROLL: '0e10c968-78fb-11d2-90d4-00c04f79dc55',
  AUTOENROLL: 'a05b8cc2-17bc-4802-a710-e7c15ab866a2',
} as const;

/** Principals expected to hold control over sensitive objects. */
export function trustedSids(snap: DirectorySnapshot): Set<string> {
  const d = snap.domain.sid;
  return new Set([
    `${d}-512`,
    `${d}-516`,
    `${d}-518`,
    `${d}-519`,
    `${d}-498`,
    `${d}-526`,
    `${d}-527`,
    'S-1-5-32-544',
    'S-1-5-18',
    'S-1-5-9',
    'S-1-3-0',
    'S-1-5-10',
  ]);
}

/** Low-privileged principals: a grant to them is a grant to every user. */
export const EVERYONE_LIKE = new Set(['S-1-1-0', 'S-1-5-11', 'S-1-5-7', 'S-1-5-32-545', 'S-1-5-32-554']);
export function isEveryoneLike(sid: string, domainSid: string): boolean {
  return EVERYONE_LIKE.has(sid) || sid === `${domainSid}-513` || sid === `${domainSid}-515`;
}

export interface DangerousAce {
  sid: string;
  right: string;
}

/** Rights that give control of the object (or of replication secrets) named in French for the report. */
export function controlRight(ace: Ace): string | null {
  if (ace.type !== ACE_TYPE.ACCESS_ALLOWED && ace.type !== ACE_TYPE.ACCESS_ALLOWED_OBJECT) return null;
  if (ace.flags & ACE_FLAGS.INHERIT_ONLY && ace.inheritedObjectType) return null;
  const m = ace.mask;
  if (m & RIGHTS.GENERIC_ALL || (m & RIGHTS.DS_FULL_CONTROL) === RIGHTS.DS_FULL_CONTROL) return 'contrôle total';
  if (m & RIGHTS.GENERIC_WRITE) return 'écriture générique';
  if (m & RIGHTS.WRITE_DAC) return 'modification des permissions (WriteDacl)';
  if (m & RIGHTS.WRITE_OWNER) return 'changement de propriétaire (WriteOwner)';
  if (m & RIGHTS.WRITE_PROPERTY && ace.objectType === null) return 'écriture de toutes les propriétés';
  if (m & RIGHTS.CONTROL_ACCESS) {
    if (ace.objectType === null) return 'tous les droits étendus';
    if (ace.objectType === EXTENDED_RIGHTS.GET_CHANGES_ALL) return 'réplication des secrets (DCSync)';
    if (ace.objectType === EXTENDED_RIGHTS.FORCE_CHANGE_PASSWORD) return 'réinitialisation de mot de passe';
  }
  return null;
}

/** Allow ACEs granting control to principals outside the trusted set. */
export function dangerousAces(sd: SecurityDescriptor, trusted: Set<string>): DangerousAce[] {
  const out: DangerousAce[] = [];
  for (const ace of sd.dacl?.aces ?? []) {
    if (trusted.has(ace.sid)) continue;
    const right = controlRight(ace);
    if (right) out.push({ sid: ace.sid, right });
  }
  return out;
}

/** Principals holding an extended right (or all extended rights) on the object. */
export function holdersOf(sd: SecurityDescriptor, guid: string): string[] {
  const out = new Set<string>();
  for (const ace of sd.dacl?.aces ?? []) {
    if (ace.type !== ACE_TYPE.ACCESS_ALLOWED && ace.type !== ACE_TYPE.ACCESS_ALLOWED_OBJECT) continue;
    if (ace.flags & ACE_FLAGS.INHERIT_ONLY) continue;
    const all = ace.mask & RIGHTS.GENERIC_ALL || (ace.mask & RIGHTS.DS_FULL_CONTROL) === RIGHTS.DS_FULL_CONTROL;
    if (all || (ace.mask & RIGHTS.CONTROL_ACCESS && (ace.objectType === null || ace.objectType === guid)))
      out.add(ace.sid);
  }
  return [...out];
}
