/**
 * Parser for self-relative Windows security descriptors (MS-DTYP §2.4.6), as returned in the
 * nTSecurityDescriptor attribute. Every offset and length is checked against the buffer: bad input
 * raises SecurityDescriptorError with a stable code, never a RangeError.
 */

export type SdErrorCode =
  | 'SD_TRUNCATED'
  | 'SD_BAD_REVISION'
  | 'SD_BAD_OFFSET'
  | 'SD_BAD_SID'
  | 'SD_BAD_ACL'
  | 'SD_BAD_ACE';

export class SecurityDescriptorError extends Error {
  constructor(
    readonly code: SdErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SecurityDescriptorError';
  }
}

export const ACE_TYPE = {
  ACCESS_ALLOWED: 0x00,
  ACCESS_DENIED: 0x01,
  SYSTEM_AUDIT: 0x02,
  ACCESS_ALLOWED_OBJECT: 0x05,
  ACCESS_DENIED_OBJECT: 0x06,
  SYSTEM_AUDIT_OBJECT: 0x07,
} as const;

export const ACE_FLAGS = { INHERIT_ONLY: 0x08, INHERITED: 0x10 } as const;

/** Directory access rights (MS-ADTS §5.1.3.2). */
export const RIGHTS = {
  CREATE_CHILD: 0x1,
  DELETE_CHILD: 0x2,
  SELF: 0x8,
  WRITE_PROPERTY: 0x20,
  CONTROL_ACCESS: 0x100,
  DELETE: 0x10000,
  WRITE_DAC: 0x40000,
  WRITE_OWNER: 0x80000,
  GENERIC_ALL: 0x10000000,
  GENERIC_WRITE: 0x40000000,
  /** Full control as AD writes it. */
  DS_FULL_CONTROL: 0xf01ff,
} as const;

export interface Ace {
  type: number;
  flags: number;
  mask: number;
  sid: string;
  /** Object ACEs only: the property, property set, extended right or child class. */
  objectType: string | null;
  inheritedObjectType: string | null;
}

export interface Acl {
  revision: number;
  aces: Ace[];
}

export interface SecurityDescriptor {
  control: number;
  owner: string | null;
  group: string | null;
  dacl: Acl | null;
  sacl: Acl | null;
}

const HEADER_LENGTH = 20;
const MAX_SUB_AUTHORITIES = 15;

/** Parses a binary SID at `offset`; returns the string form and its length in bytes. */
export function parseSid(buf: Uint8Array, offset: number): { sid: string; length: number } {
  if (offset < 0 || offset + 8 > buf.length)
    throw new SecurityDescriptorError('SD_TRUNCATED', `SID at ${offset} past end`);
  const revision = buf[offset] as number;
  const count = buf[offset + 1] as number;
  if (revision !== 1) throw new SecurityDescriptorError('SD_BAD_SID', `SID revision ${revision}`);
  if (count > MAX_SUB_AUTHORITIES) throw new SecurityDescriptorError('SD_BAD_SID', `${count} sub-authorities`);
  const length = 8 + 4 * count;
  if (offset + length > buf.length) throw new SecurityDescriptorError('SD_TRUNCATED', 'SID sub-authorities past end');
  let authority = 0;
  for (let i = 0; i < 6; i++) authority = authority * 256 + (buf[offset + 2 + i] as number);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const parts = [`S-1-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(view.getUint32(offset + 8 + 4 * i, true)));
  return { sid: parts.join('-'), length };
}

/** Formats a 16-byte GUID in its registry form (first three fields little-endian). */
export function formatGuid(buf: Uint8Array, offset: number): string {
  if (offset + 16 > buf.length) throw new SecurityDescriptorError('SD_TRUNCATED', 'GUID past end');
  const hex = (i: number) => (buf[offset + i] as number).toString(16).padStart(2, '0');
  const seq = (idx: number[]) => idx.map(hex).join('');
  return `${seq([3, 2, 1, 0])}-${seq([5, 4])}-${seq([7, 6])}-${seq([8, 9])}-${seq([10, 11, 12, 13, 14, 15])}`;
}

function parseAcl(buf: Uint8Array, offset: number): Acl {
  if (offset + 8 > buf.length) throw new SecurityDescriptorError('SD_TRUNCATED', `ACL header at ${offset} past end`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const revision = buf[offset] as number;
  if (revision !== 2 && revision !== 4) throw new SecurityDescriptorError('SD_BAD_ACL', `ACL revision ${revision}`);
  const size = view.getUint16(offset + 2, true);
  const count = view.getUint16(offset + 4, true);
  if (size < 8 || offset + size > buf.length)
    throw new SecurityDescriptorError('SD_BAD_ACL', `ACL size ${size} overflows`);
  const end = offset + size;
  const aces: Ace[] = [];
  let pos = offset + 8;
  for (let i = 0; i < count; i++) {
    if (pos + 4 > end) throw new SecurityDescriptorError('SD_BAD_ACE', `ACE ${i} header past ACL end`);
    const type = buf[pos] as number;
    const flags = buf[pos + 1] as number;
    const aceSize = view.getUint16(pos + 2, true);
    if (aceSize < 8 || pos + aceSize > end) throw new SecurityDescriptorError('SD_BAD_ACE', `ACE ${i} size ${aceSize}`);
    const aceEnd = pos + aceSize;
    const body = buf.subarray(0, aceEnd);
    const mask = view.getUint32(pos + 4, true);
    let cursor = pos + 8;
    let objectType: string | null = null;
    let inheritedObjectType: string | null = null;
    let sid = '';
    if (
      type === ACE_TYPE.ACCESS_ALLOWED_OBJECT ||
      type === ACE_TYPE.ACCESS_DENIED_OBJECT ||
      type === ACE_TYPE.SYSTEM_AUDIT_OBJECT ||
      type === 0x0b ||
      type === 0x0c ||
      type === 0x0f
    ) {
      if (cursor + 4 > aceEnd) throw new SecurityDescriptorError('SD_BAD_ACE', `object ACE ${i} flags past end`);
      const objectFlags = view.getUint32(cursor, true);
      cursor += 4;
      if (objectFlags & 1) {
        if (cursor + 16 > aceEnd) throw new SecurityDescriptorError('SD_BAD_ACE', `object ACE ${i} type past end`);
        objectType = formatGuid(body, cursor);
        cursor += 16;
      }
      if (objectFlags & 2) {
        if (cursor + 16 > aceEnd)
          throw new SecurityDescriptorError('SD_BAD_ACE', `object ACE ${i} inherited type past end`);
        inheritedObjectType = formatGuid(body, cursor);
        cursor += 16;
      }
    }
    if (type <= 0x13) {
      try {
        sid = parseSid(body, cursor).sid;
      } catch (e) {
        if (e instanceof SecurityDescriptorError)
          throw new SecurityDescriptorError('SD_BAD_ACE', `ACE ${i}: ${e.message}`);
        throw e;
      }
    }
    aces.push({ type, flags, mask, sid, objectType, inheritedObjectType });
    pos = aceEnd;
  }
  return { revision, aces };
}

/** Parses a self-relative security descriptor. Throws SecurityDescriptorError on any malformation. */
export function parseSecurityDescriptor(input: Uint8Array): SecurityDescriptor {
  const buf = input;
  if (buf.length < HEADER_LENGTH)
    throw new SecurityDescriptorError('SD_TRUNCATED', `${buf.length} bytes, header needs 20`);
  if (buf[0] !== 1) throw new SecurityDescriptorError('SD_BAD_REVISION', `revision ${buf[0]}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const control = view.getUint16(2, true);
  const SE_SELF_RELATIVE = 0x8000;
  if (!(control & SE_SELF_RELATIVE)) throw new SecurityDescriptorError('SD_BAD_REVISION', 'not self-relative');
  const offsets = [4, 8, 12, 16].map((o) => view.getUint32(o, true));
  for (const off of offsets) {
    if (off !== 0 && (off < HEADER_LENGTH || off >= buf.length))
      throw new SecurityDescriptorError('SD_BAD_OFFSET', `offset ${off} outside ${buf.length} bytes`);
  }
  const [ownerOff, groupOff, saclOff, daclOff] = offsets as [number, number, number, number];
  const SE_DACL_PRESENT = 0x4;
  const SE_SACL_PRESENT = 0x10;
  return {
    control,
    owner: ownerOff ? parseSid(buf, ownerOff).sid : null,
    group: groupOff ? parseSid(buf, groupOff).sid : null,
    sacl: control & SE_SACL_PRESENT && saclOff ? parseAcl(buf, saclOff) : null,
    dacl: control & SE_DACL_PRESENT && daclOff ? parseAcl(buf, daclOff) : null,
  };
}
