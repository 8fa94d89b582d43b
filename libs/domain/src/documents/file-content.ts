/**
 * What a file is, read from its first bytes: the name and the declared content type are the
 * sender's word, the bytes are not.
 */

export const ACCEPTED_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AcceptedContentType = (typeof ACCEPTED_CONTENT_TYPES)[number];

/** Bytes `detectContentType` needs to decide. */
export const CONTENT_SNIFF_BYTES = 8;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (head: Uint8Array, bytes: readonly number[]) =>
  head.length >= bytes.length && bytes.every((byte, index) => head[index] === byte);

/**
 * PDF (`%PDF-`), JPEG (SOI then a marker) or PNG (its 8-byte signature), or undefined for
 * anything else, whatever its name says.
 */
export function detectContentType(head: Uint8Array): AcceptedContentType | undefined {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, PNG)) return 'image/png';
  return undefined;
}

export const EXTENSION_OF: Readonly<Record<AcceptedContentType, string>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

export const MAX_FILENAME_LENGTH = 200;

export type FilenameCheck =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/**
 * A file name as sent, kept only when it is a plain name: no directory part, no `..`, no control
 * character, no leading dot, not too long. It is shown back to users and put in
 * Content-Disposition, never used as a path; refusing the tricks says so to the sender.
 */
export function checkFilename(name: string | undefined): FilenameCheck {
  const value = (name ?? '').normalize('NFC');
  if (!value.trim()) return { ok: false, message: 'the file has no name' };
  if (value.length > MAX_FILENAME_LENGTH)
    return { ok: false, message: `a file name of ${MAX_FILENAME_LENGTH} characters at most` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value))
    return { ok: false, message: 'the file name holds control characters' };
  if (/[/\\]/.test(value) || /^[A-Za-z]:/.test(value))
    return { ok: false, message: 'the file name holds a directory part' };
  if (value.split('.').every((part) => part === '') || value.includes('..'))
    return { ok: false, message: 'the file name holds ".."' };
  if (value.startsWith('.')) return { ok: false, message: 'the file name starts with a dot' };
  return { ok: true, value };
}
