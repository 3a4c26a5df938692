import type { SecurityDescriptor } from './security-descriptor.js';

/** Collection phases; a rule names the phases it needs and is "non évalué" when one is incomplete. */
export const PHASES = [
  'domain',
  'users',
  'computers',
  'groups',
  'trusts',
  'gpos',
  'configuration',
  'schema',
  'pki',
  'dns',
  'securityDescriptors',
] as const;
export type Phase = (typeof PHASES)[number];

/** A phase that failed, timed out or was denied: rules depending on it are not evaluated. */
export interface IncompleteRecord {
  phase: Phase;
  code: string;
  reason: string;
  /**
   * Set when one object of the phase could not be read (malformed or missing data): the rest of the phase
   * was evaluated, and only the rules that met that object are not evaluated.
   */
  dn?: string;
}

export interface DomainInfo {
  dn: string;
  dnsName: string;
  netbiosName: string | null;
  sid: string;
  /** msDS-Behavior-Version of the domain head (0 = 2000 … 7 = 2016+). */
  functionalLevel: number | null;
  forestFunctionalLevel: number | null;
  forestRootDn: string | null;
  domainsInForest: number;
  machineAccountQuota: number | null;
  minPwdLength: number | null;
  pwdHistoryLength: number | null;
  lockoutThreshold: number | null;
  /** dSHeuristics of CN=Directory Service; null when unset. */
  dsHeuristics: string | null;
  recycleBinEnabled: boolean | null;
}

/** A user or computer account, with only what the rules read. */
export interface Account {
  kind: 'user' | 'computer';
  dn: string;
  sid: string;
  samAccountName: string;
  userAccountControl: number;
  pwdLastSet: Date | null;
  lastLogonTimestamp: Date | null;
  whenCreated: Date | null;
  whenChanged: Date | null;
  adminCount: number | null;
  primaryGroupId: number | null;
  servicePrincipalNames: string[];
  sidHistory: string[];
  allowedToDelegateTo: string[];
  /** msDS-AllowedToActOnBehalfOfOtherIdentity is set (resource-based constrained delegation). */
  hasResourceBasedDelegation: boolean;
  supportedEncryptionTypes: number | null;
  altSecurityIdentities: string[];
  /** userPassword / unixUserPassword / unicodePwd readable in clear. */
  hasClearTextPasswordAttribute: boolean;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  /** Computer objects only: LAPS attributes (legacy or Windows LAPS) present. */
  hasLapsPassword: boolean;
}

export interface Group {
  dn: string;
  sid: string;
  samAccountName: string;
  /** Direct members (DNs). */
  members: string[];
}

export interface Trust {
  dn: string;
  name: string;
  direction: number;
  type: number;
  attributes: number;
  whenChanged: Date | null;
  supportedEncryptionTypes: number | null;
}

export interface GpoContainer {
  dn: string;
  name: string;
  displayName: string | null;
  fileSysPath: string | null;
  flags: number | null;
}

export interface CertificateTemplate {
  dn: string;
  name: string;
  nameFlag: number;
  enrollmentFlag: number;
  raSignatures: number;
  extendedKeyUsages: string[];
  /** null when the directory sent none (no right to read it) or an unreadable one: see securityDescriptorError. */
  securityDescriptor: SecurityDescriptor | null;
  /** Why securityDescriptor is null; the rules that read it then report the template as undetermined, not safe. */
  securityDescriptorError?: string;
}

export interface CertificationAuthority {
  dn: string;
  name: string;
  /** DER certificates (cACertificate). */
  certificates: Uint8Array[];
  /** Where it was found: enrollment service, NTAuth store, AIA or root store. */
  store: 'enrollment' | 'ntauth' | 'aia' | 'root';
}

export interface DnsZone {
  dn: string;
  name: string;
  /** DSPROPERTY_ZONE_ALLOW_UPDATE: 0 none, 1 secure and non-secure, 2 secure only; null if unknown. */
  allowUpdate: number | null;
  /** null when absent or unreadable: see securityDescriptorError. */
  securityDescriptor: SecurityDescriptor | null;
  /** Why the security descriptor could not be read (the ACL rules then report the zone as undetermined). */
  securityDescriptorError?: string;
}

/** Security descriptors of the sensitive objects, keyed by a stable role name. */
export interface SensitiveObjectSd {
  role: 'domainRoot' | 'adminSdHolder' | 'configuration' | 'schema' | 'domainControllers';
  dn: string;
  securityDescriptor: SecurityDescriptor;
}

/** Everything an audit reads, whatever the source (LDAP, SharpHound, ldapdomaindump). */
export interface DirectorySnapshot {
  source: 'ldap' | 'sharphound' | 'ldapdomaindump';
  collectedAt: Date;
  server: string | null;
  domain: DomainInfo;
  users: Account[];
  computers: Account[];
  groups: Group[];
  trusts: Trust[];
  gpos: GpoContainer[];
  /** Number of nTFRSReplicaSet objects (SYSVOL still replicated by NTFRS when > 0). */
  ntfrsReplicaSets: number;
  schema: { lapsLegacy: boolean; lapsWindows: boolean };
  certificateTemplates: CertificateTemplate[];
  certificationAuthorities: CertificationAuthority[];
  /** Templates published by at least one enterprise CA (cn values). */
  publishedTemplates: string[];
  dnsZones: DnsZone[];
  securityDescriptors: SensitiveObjectSd[];
  incomplete: IncompleteRecord[];
}

/** An empty snapshot for a domain, to be filled by a source (or by tests). */
export function emptySnapshot(domain: Partial<DomainInfo> & { sid: string; dn: string }): DirectorySnapshot {
  return {
    source: 'ldap',
    collectedAt: new Date(),
    server: null,
    domain: {
      dnsName: domain.dn
        .split(',')
        .filter((p) => /^dc=/i.test(p))
        .map((p) => p.slice(3))
        .join('.'),
      netbiosName: null,
      functionalLevel: null,
      forestFunctionalLevel: null,
      forestRootDn: null,
      domainsInForest: 1,
      machineAccountQuota: null,
      minPwdLength: null,
      pwdHistoryLength: null,
      lockoutThreshold: null,
      dsHeuristics: null,
      recycleBinEnabled: null,
      ...domain,
    },
    users: [],
    computers: [],
    groups: [],
    trusts: [],
    gpos: [],
    ntfrsReplicaSets: 0,
    schema: { lapsLegacy: false, lapsWindows: false },
    certificateTemplates: [],
    certificationAuthorities: [],
    publishedTemplates: [],
    dnsZones: [],
    securityDescriptors: [],
    incomplete: [],
  };
}

/** A blank account with defaults, to be completed by a source. */
export function blankAccount(kind: Account['kind'], dn: string, sid: string, sam: string): Account {
  return {
    kind,
    dn,
    sid,
    samAccountName: sam,
    userAccountControl: kind === 'user' ? 0x200 : 0x1000,
    pwdLastSet: null,
    lastLogonTimestamp: null,
    whenCreated: null,
    whenChanged: null,
    adminCount: null,
    primaryGroupId: kind === 'user' ? 513 : 515,
    servicePrincipalNames: [],
    sidHistory: [],
    allowedToDelegateTo: [],
    hasResourceBasedDelegation: false,
    supportedEncryptionTypes: null,
    altSecurityIdentities: [],
    hasClearTextPasswordAttribute: false,
    operatingSystem: null,
    operatingSystemVersion: null,
    hasLapsPassword: false,
  };
}

export const UAC = {
  ACCOUNTDISABLE: 0x2,
  PASSWD_NOTREQD: 0x20,
  ENCRYPTED_TEXT_PWD_ALLOWED: 0x80,
  NORMAL_ACCOUNT: 0x200,
  WORKSTATION_TRUST_ACCOUNT: 0x1000,
  SERVER_TRUST_ACCOUNT: 0x2000,
  DONT_EXPIRE_PASSWORD: 0x10000,
  SMARTCARD_REQUIRED: 0x40000,
  TRUSTED_FOR_DELEGATION: 0x80000,
  NOT_DELEGATED: 0x100000,
  USE_DES_KEY_ONLY: 0x200000,
  DONT_REQ_PREAUTH: 0x400000,
  TRUSTED_TO_AUTH_FOR_DELEGATION: 0x1000000,
  PARTIAL_SECRETS_ACCOUNT: 0x4000000,
} as const;
