import type { Logsource } from './rule-parser.js';
import { derived4688 } from './security-4688.js';

/** Where a rule's events come from: channels, optional EventIDs, and the Sigma→event field-name mapping. */
export interface LogTarget {
  /** Label in reports, e.g. "sysmon", "security-4688". */
  label: string;
  channels: string[];
  /** null: every EventID of the channels. */
  eventIds: number[] | null;
  /** Sigma field name → event field name, for fields that differ in this source. */
  fieldMap?: Record<string, string>;
  /** Extra conditions on field values, e.g. for the PowerShell classic log. */
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const SECURITY = 'Security';
const PS_OPERATIONAL = 'Microsoft-Windows-PowerShell/Operational';
const PS_CLASSIC = 'Windows PowerShell';

const sysmon = (...eventIds: number[]): LogTarget => ({ label: 'sysmon', channels: [SYSMON], eventIds });

/**
 * Security 4688 carries process creations when command-line auditing is on; its fields are named
 * differently from Sysmon's (SigmaHQ windows-audit pipeline mapping), and where the value has another
 * shape too (integrity level SID, hexadecimal process ids, account split in parts) the Sigma name maps to
 * the Sysmon form the event view derives (security-4688.ts).
 */
const SECURITY_4688: LogTarget = {
  label: 'security-4688',
  channels: [SECURITY],
  eventIds: [4688],
  fieldMap: {
    Image: 'NewProcessName',
    ParentImage: 'ParentProcessName',
    ProcessId: derived4688('ProcessId'),
    ParentProcessId: derived4688('ParentProcessId'),
    User: derived4688('User'),
    LogonId: derived4688('LogonId'),
    IntegrityLevel: derived4688('IntegrityLevel'),
  },
};

/** Sysmon event IDs per Sigma category (Sysmon schema 4.x). */
const SYSMON_CATEGORIES: Record<string, number[]> = {
  process_creation: [1],
  file_change: [2],
  network_connection: [3],
  sysmon_status: [4, 16],
  process_termination: [5],
  driver_load: [6],
  image_load: [7],
  create_remote_thread: [8],
  raw_access_thread: [9],
  process_access: [10],
  file_event: [11],
  registry_add: [12],
  registry_delete: [12],
  registry_set: [13],
  registry_rename: [14],
  registry_event: [12, 13, 14],
  create_stream_hash: [15],
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: [22],
  file_delete: [23, 26],
  clipboard_change: [24],
  process_tampering: [25],
  file_delete_detected: [26],
  file_block_executable: [27],
  file_block_shredding: [28],
  file_executable_detected: [29],
  sysmon_error: [255],
};

/** Channels per Sigma service for product windows. */
const SERVICES: Record<string, string[]> = {
  security: [SECURITY],
  system: ['System'],
  application: ['Application'],
  sysmon: [SYSMON],
  powershell: [PS_OPERATIONAL],
  'powershell-classic': [PS_CLASSIC],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  'security-mitigations': [
    'Microsoft-Windows-Security-Mitigations/Kernel Mode',
    'Microsoft-Windows-Security-Mitigations/User Mode',
  ],
  openssh: ['OpenSSH/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
  'msexchange-management': ['MSExchange Management'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': [
    'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
  ],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational'],
  'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing/Admin'],
  'application-experience': ['Microsoft-Windows-Application-Experience/Program-Telemetry'],
  sense: ['Microsoft-Windows-SENSE/Operational'],
  'rdp-core-ts': ['Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational'],
};

/** Resolves a Windows log source to its targets; null when it is not a Windows event log source. */
export function resolveLogsource(ls: Logsource): LogTarget[] | null {
  if (ls.product !== 'windows') return null;
  const category = ls.category;
  const service = ls.service;
  if (category) {
    const ids = SYSMON_CATEGORIES[category];
    if (ids) {
      const targets = [sysmon(...ids)];
      if (category === 'process_creation') targets.push(SECURITY_4688);
      return targets;
    }
    switch (category) {
      case 'ps_module':
        return [
          { label: 'powershell', channels: [PS_OPERATIONAL], eventIds: [4103] },
          { label: 'powershell-classic', channels: [PS_CLASSIC], eventIds: [800] },
        ];
      case 'ps_script':
        return [{ label: 'powershell', channels: [PS_OPERATIONAL], eventIds: [4104] }];
      case 'ps_classic_start':
        return [{ label: 'powershell-classic', channels: [PS_CLASSIC], eventIds: [400] }];
      case 'ps_classic_provider_start':
        return [{ label: 'powershell-classic', channels: [PS_CLASSIC], eventIds: [600] }];
      case 'ps_classic_script':
        return [{ label: 'powershell-classic', channels: [PS_CLASSIC], eventIds: [800] }];
      case 'antivirus':
        return [
          {
            label: 'windefend',
            channels: ['Microsoft-Windows-Windows Defender/Operational'],
            eventIds: [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1015, 1116, 1117, 1118, 1119],
          },
        ];
      default:
        return [];
    }
  }
  if (service) {
    const channels = SERVICES[service];
    return channels ? [{ label: service, channels, eventIds: null }] : [];
  }
  return [{ label: 'windows', channels: [], eventIds: null }];
}
