import type { JsonValue } from '../evtx/render.js';

/**
 * Sysmon-shaped values of Security 4688 events. Sigma process_creation rules are written for Sysmon EventID 1;
 * on 4688 some fields hold the same facts in another shape (the sigma-to-hayabusa converter's notes list
 * them; pySigma's windows-audit pipeline only renames): the integrity level is a SID (S-1-16-12288) where
 * Sysmon writes "High", process ids are hexadecimal ("0x1a2c") where Sysmon writes 6700, and the account is
 * split over user, domain and SID fields where Sysmon writes "DOMAIN\user". The view of a 4688 event carries
 * these Sysmon forms under `<SysmonName>|4688`; the 4688 log target maps the Sigma names onto them.
 */

/** Suffix of the derived fields; no Sigma field name holds `|` (it separates modifiers), so no rule names them. */
const SUFFIX = '|4688';

/** Event field holding the Sysmon form of Sigma field `name` on Security 4688 events. */
export function derived4688(name: string): string {
  return name + SUFFIX;
}

/** The Sigma field name of a derived field (for alert details), or the name itself. */
export function displayName(field: string): string {
  return field.endsWith(SUFFIX) ? field.slice(0, -SUFFIX.length) : field;
}

/** Whether a field of the view is a derived one (left out of keyword searches: the event does not hold it). */
export function isDerived(field: string): boolean {
  return field.endsWith(SUFFIX);
}

/**
 * Mandatory label SIDs (S-1-16-x, x the RID of the level), the level names Sysmon writes, and the words of
 * the rendered label ("Mandatory Label\High Mandatory Level") some exporters write instead of the SID.
 */
const INTEGRITY_LEVELS: { sid: string; name: string; text: string }[] = [
  { sid: 'S-1-16-0', name: 'Untrusted', text: 'untrusted' },
  { sid: 'S-1-16-4096', name: 'Low', text: 'low' },
  { sid: 'S-1-16-8192', name: 'Medium', text: 'medium' },
  { sid: 'S-1-16-8448', name: 'MediumPlus', text: 'medium plus' },
  { sid: 'S-1-16-12288', name: 'High', text: 'high' },
  { sid: 'S-1-16-16384', name: 'System', text: 'system' },
  { sid: 'S-1-16-20480', name: 'Protected', text: 'protected process' },
  { sid: 'S-1-16-28672', name: 'Secure', text: 'secure process' },
];
const LEVEL_BY_SID = new Map(INTEGRITY_LEVELS.map((l) => [l.sid, l]));
const LEVEL_BY_TEXT = new Map(INTEGRITY_LEVELS.map((l) => [l.text, l]));
const LABEL_TEXT = /^(?:mandatory label\\)?(.+) mandatory level$/i;

/** Well-known service accounts: Sysmon names them NT AUTHORITY\…, 4688 gives the machine account or the SID. */
const WELL_KNOWN_ACCOUNTS = new Map<string, string>([
  ['S-1-5-18', 'NT AUTHORITY\\SYSTEM'],
  ['S-1-5-19', 'NT AUTHORITY\\LOCAL SERVICE'],
  ['S-1-5-20', 'NT AUTHORITY\\NETWORK SERVICE'],
]);

/** The level name and the SID, so a rule listing either ('High' or 'S-1-16-12288', as SigmaHQ rules do) matches. */
export function integrityLevelOf(label: JsonValue | undefined): JsonValue | undefined {
  if (typeof label !== 'string') return undefined;
  const trimmed = label.trim();
  const text = LABEL_TEXT.exec(trimmed);
  const level =
    text === null ? LEVEL_BY_SID.get(trimmed.toUpperCase()) : LEVEL_BY_TEXT.get((text[1] as string).toLowerCase());
  return level === undefined ? label : [level.name, level.sid];
}

/** A process id as Sysmon writes it (decimal number), from 4688's hexadecimal form; undefined when not an id. */
export function processIdOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  const n = /^0x[0-9a-f]{1,13}$/i.test(s)
    ? Number.parseInt(s.slice(2), 16)
    : /^\d{1,15}$/.test(s)
      ? Number(s)
      : Number.NaN;
  return Number.isNaN(n) ? undefined : n;
}

type FieldReader = (name: string) => JsonValue | undefined;

const isAccount = (v: JsonValue | undefined): v is string => typeof v === 'string' && v !== '' && v !== '-';

/**
 * The new process's account as Sysmon writes it ("DOMAIN\user", "NT AUTHORITY\SYSTEM" for the well-known
 * service SIDs). 4688 version 2 names it in the Target* fields when it differs from the creator's (Subject*);
 * otherwise Target* hold the NULL SID and "-".
 */
export function userOf(get: FieldReader): string | undefined {
  const targetSid = get('TargetUserSid');
  const useTarget = typeof targetSid === 'string' && targetSid !== 'S-1-0-0' && isAccount(get('TargetUserName'));
  const sid = useTarget ? targetSid : get('SubjectUserSid');
  if (typeof sid === 'string') {
    const known = WELL_KNOWN_ACCOUNTS.get(sid.toUpperCase());
    if (known !== undefined) return known;
  }
  const user = get(useTarget ? 'TargetUserName' : 'SubjectUserName');
  if (!isAccount(user)) return undefined;
  const domain = get(useTarget ? 'TargetDomainName' : 'SubjectDomainName');
  return isAccount(domain) ? `${domain}\\${user}` : user;
}

/** The new process's logon session, as Sysmon's LogonId: TargetLogonId when 4688 sets it, else SubjectLogonId. */
export function logonIdOf(get: FieldReader): JsonValue | undefined {
  const target = get('TargetLogonId');
  if (typeof target === 'string' && target !== '' && target !== '-' && !/^0x0*$/i.test(target)) return target;
  return get('SubjectLogonId');
}

/** Adds the Sysmon forms of a Security 4688 event's fields to its flat view (fields absent stay absent). */
export function addSysmonForms(get: FieldReader, set: (name: string, value: JsonValue) => void): void {
  const level = integrityLevelOf(get('MandatoryLabel'));
  if (level !== undefined) set(derived4688('IntegrityLevel'), level);
  const pid = processIdOf(get('NewProcessId'));
  if (pid !== undefined) set(derived4688('ProcessId'), pid);
  const ppid = processIdOf(get('ProcessId'));
  if (ppid !== undefined) set(derived4688('ParentProcessId'), ppid);
  const user = userOf(get);
  if (user !== undefined) set(derived4688('User'), user);
  const logon = logonIdOf(get);
  if (logon !== undefined) set(derived4688('LogonId'), logon);
}
