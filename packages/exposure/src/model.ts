/** Where an observation came from. */
export type ObservationSource = 'rempart' | 'nmap' | 'testssl' | 'nuclei';

/** A fact seen on the exposed surface; rules turn facts into findings. */
export type Observation =
  | {
      kind: 'port';
      host: string;
      port: number;
      service?: string;
      product?: string;
      version?: string;
      banner?: string;
      source: ObservationSource;
    }
  | {
      kind: 'condition';
      host: string;
      port?: number;
      condition: ExposureCondition;
      detail: string;
      source: ObservationSource;
    }
  | {
      kind: 'vulnerability';
      host: string;
      port?: number;
      /** Scanner template or check id (nuclei template-id). */
      checkId: string;
      name: string;
      severity: Severity;
      cves: string[];
      source: ObservationSource;
    };

export const EXPOSURE_CONDITIONS = [
  'tls-legacy-protocol',
  'tls-cert-expired',
  'tls-cert-self-signed',
  'http-missing-security-headers',
  'dns-missing-dmarc',
  'dns-missing-spf',
  'dns-missing-dnssec',
] as const;
export type ExposureCondition = (typeof EXPOSURE_CONDITIONS)[number];

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Finding {
  readonly ruleId: string;
  readonly host: string;
  readonly port?: number;
  readonly severity: Severity;
  readonly points: number;
  readonly title: string;
  readonly remediation: string;
  readonly evidence: string;
}
