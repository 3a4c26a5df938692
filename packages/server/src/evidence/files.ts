/**
 * Checks on uploaded evidence files: type by magic bytes against an allow-list, zip-based office documents
 * read from their central directory (nothing is inflated) with a zip-bomb guard, and filename sanitising.
 */

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
/** Zip-based documents: refuse when the declared uncompressed total exceeds this… */
export const MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
/** …or an entry larger than 1 MiB declares a compression ratio above this. */
export const MAX_RATIO = 100;
const MAX_ENTRIES = 10_000;

export type EvidenceType = 'pdf' | 'png' | 'jpeg' | 'odt' | 'ods' | 'docx' | 'xlsx';

export const MEDIA_TYPES: Record<EvidenceType, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export class EvidenceFileError extends Error {
  constructor(
    readonly code:
      | 'unsupported_type'
      | 'zip_bomb'
      | 'invalid_archive'
      | 'invalid_filename'
      | 'empty_file'
      | 'invalid_link',
    message: string,
  ) {
    super(message);
  }
}

const startsWith = (data: Uint8Array, bytes: number[]) => bytes.every((b, i) => data[i] === b);

/** The type of a file from its content only; the name and the declared Content-Type are not trusted. */
export function detectEvidenceType(data: Buffer): EvidenceType {
  if (data.length === 0) throw new EvidenceFileError('empty_file', 'fichier vide');
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) return officeTypeOfZip(data);
  throw new EvidenceFileError(
    'unsupported_type',
    'type de fichier non accepté (PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX uniquement)',
  );
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The entries listed in a zip's central directory, with the sizes they declare. */
export function zipEntries(data: Buffer): ZipEntry[] {
  const invalid = (why: string) => new EvidenceFileError('invalid_archive', `archive illisible : ${why}`);
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid('fin de répertoire introuvable');
  const count = data.readUInt16LE(eocd + 10);
  const cdSize = data.readUInt32LE(eocd + 12);
  const cdOffset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw invalid('format zip64 non accepté');
  if (count > MAX_ENTRIES) throw new EvidenceFileError('zip_bomb', `archive refusée : ${count} entrées`);
  if (cdOffset + cdSize > eocd) throw invalid('répertoire central hors du fichier');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || data.readUInt32LE(p) !== 0x02014b50) throw invalid('entrée du répertoire central corrompue');
    const nameLength = data.readUInt16LE(p + 28);
    const next = p + 46 + nameLength + data.readUInt16LE(p + 30) + data.readUInt16LE(p + 32);
    if (next > eocd) throw invalid('entrée du répertoire central tronquée');
    entries.push({
      method: data.readUInt16LE(p + 10),
      compressedSize: data.readUInt32LE(p + 20),
      size: data.readUInt32LE(p + 24),
      name: data.subarray(p + 46, p + 46 + nameLength).toString('utf8'),
      localOffset: data.readUInt32LE(p + 42),
    });
    p = next;
  }
  return entries;
}

/** Refuses archives whose declared sizes or ratios are excessive, before anything is ever inflated. */
export function guardZip(entries: ZipEntry[]): void {
  let total = 0;
  for (const e of entries) {
    if (e.compressedSize === 0xffffffff || e.size === 0xffffffff)
      throw new EvidenceFileError('zip_bomb', 'archive refusée : tailles zip64');
    total += e.size;
    if (e.size > 1024 * 1024 && e.size / Math.max(1, e.compressedSize) > MAX_RATIO)
      throw new EvidenceFileError(
        'zip_bomb',
        `archive refusée : taux de compression excessif pour « ${e.name.slice(0, 80)} »`,
      );
  }
  if (total > MAX_UNCOMPRESSED_BYTES)
    throw new EvidenceFileError('zip_bomb', 'archive refusée : taille décompressée déclarée excessive');
}

function officeTypeOfZip(data: Buffer): EvidenceType {
  const entries = zipEntries(data);
  guardZip(entries);
  const names = new Set(entries.map((e) => e.name));
  const mimetype = entries.find((e) => e.name === 'mimetype');
  // ODF stores its `mimetype` entry first and uncompressed: read it straight from the local header.
  if (mimetype && mimetype.method === 0 && mimetype.size < 200) {
    const h = mimetype.localOffset;
    if (h + 30 <= data.length && data.readUInt32LE(h) === 0x04034b50) {
      const start = h + 30 + data.readUInt16LE(h + 26) + data.readUInt16LE(h + 28);
      const value = data.subarray(start, Math.min(data.length, start + mimetype.size)).toString('ascii');
      if (value === MEDIA_TYPES.odt) return 'odt';
      if (value === MEDIA_TYPES.ods) return 'ods';
    }
  }
  if (names.has('[Content_Types].xml')) {
    if (names.has('word/document.xml')) return 'docx';
    if (names.has('xl/workbook.xml')) return 'xlsx';
  }
  throw new EvidenceFileError('unsupported_type', 'archive non acceptée : seuls ODT, ODS, DOCX et XLSX le sont');
}

const MAX_FILENAME = 180;

/**
 * A filename safe to store and to send back: last path segment only, no control or format characters,
 * no characters reserved on common file systems, no leading dots, at most 180 characters (extension kept).
 */
export function sanitiseFilename(raw: string): string {
  let name = raw.normalize('NFC');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if ([...name].length > MAX_FILENAME) {
    const chars = [...name];
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 10 ? [...name.slice(dot)] : [];
    name = chars.slice(0, MAX_FILENAME - extension.length).join('') + extension.join('');
  }
  if (!name || /^\.+$/.test(name)) throw new EvidenceFileError('invalid_filename', 'nom de fichier invalide');
  return name;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function attachmentHeader(filename: string): string {
  const ascii =
    filename
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '_') || 'piece';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** An evidence link: absolute https URL, no credentials, bounded length. */
export function checkEvidenceUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EvidenceFileError('invalid_link', 'lien invalide');
  }
  if (url.protocol !== 'https:') throw new EvidenceFileError('invalid_link', 'seuls les liens https:// sont acceptés');
  if (url.username || url.password)
    throw new EvidenceFileError('invalid_link', 'lien refusé : identifiants dans l’URL');
  if (!url.hostname) throw new EvidenceFileError('invalid_link', 'lien sans hôte');
  return url.toString();
}
