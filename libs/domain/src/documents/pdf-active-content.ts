import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFObject,
  PDFRef,
  PDFStream,
  PDFString,
  PDFHexString,
} from 'pdf-lib';

/**
 * Active content in a PDF: what a reader may run, launch, send or unpack when the file is opened
 * (JavaScript, launch actions, form submission, embedded files, XFA forms), and files that are a
 * PDF and something else at once (a polyglot). Read with pdf-lib, which also decodes the objects
 * held in compressed object streams, and from the raw bytes for what pdf-lib normalises away.
 */
export const ACTIVE_CONTENT_KINDS = [
  'javascript',
  'launch',
  'submit-form',
  'import-data',
  'embedded-go-to',
  'rich-media',
  'additional-action',
  'embedded-file',
  'file-attachment',
  'xfa',
  'obfuscated-name',
  'polyglot',
  'unparseable',
] as const;
export type ActiveContentKind = (typeof ACTIVE_CONTENT_KINDS)[number];

export interface ActiveContentFinding {
  readonly kind: ActiveContentKind;
  /** Where it is: `catalog /OpenAction`, `page 1 /AA /O`, `object 12 0`, `byte 2048`… */
  readonly where: string;
}

export interface ActiveContentReport {
  readonly findings: readonly ActiveContentFinding[];
  /** Findings a neutraliser cannot remove (the file is not a PDF it can rewrite). */
  readonly neutralisable: boolean;
}

/** Action types (`/S`) that run, launch, send or fetch something. */
const ACTIVE_ACTIONS: Readonly<Record<string, ActiveContentKind>> = {
  JavaScript: 'javascript',
  Launch: 'launch',
  SubmitForm: 'submit-form',
  ImportData: 'import-data',
  GoToE: 'embedded-go-to',
  RichMediaExecute: 'rich-media',
};

/** Names whose hex-escaped spelling (`/J#61vaScript`) only hides them from a plain search. */
const WATCHED_NAMES = new Set([
  'JavaScript',
  'JS',
  'AA',
  'OpenAction',
  'Launch',
  'EmbeddedFiles',
  'EmbeddedFile',
  'EF',
  'XFA',
  'SubmitForm',
  'ImportData',
  'GoToE',
  'RichMedia',
  'RichMediaExecute',
  'FileAttachment',
  'AcroForm',
  'Names',
  'S',
]);

/** Readers find `%PDF-` within the first kilobyte; the platform takes it at the first byte only. */
const HEADER = Buffer.from('%PDF-');
const EOF_MARKER = Buffer.from('%%EOF');
/** The end-of-central-directory record that makes a file a ZIP archive too. */
const ZIP_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP_END_SEARCH = 65_535 + 22;
const MARKUP = /<\s*(?:!doctype|html|script|svg|iframe|body|object|embed)\b/i;

/** A name as the PDF means it: pdf-lib decodes `#XX` in upper case only. */
export function pdfNameText(name: PDFName): string {
  return name
    .decodeText()
    .replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
}

/** Every piece of active content in the PDF, with where it is; none for a clean file. */
export async function detectActiveContent(bytes: Buffer): Promise<ActiveContentReport> {
  const findings: ActiveContentFinding[] = [...rawFindings(bytes)];
  let document: PDFDocument;
  try {
    document = await loadPdf(bytes);
    if (!(document.context.lookup(document.context.trailerInfo.Root) instanceof PDFDict))
      throw new Error('no catalog');
    findings.push(...structureFindings(document));
  } catch (error) {
    return {
      findings: [
        ...findings,
        { kind: 'unparseable', where: `document (${(error as Error).message.slice(0, 200)})` },
      ],
      neutralisable: false,
    };
  }
  const unique = new Map(findings.map((finding) => [`${finding.kind} ${finding.where}`, finding]));
  return {
    findings: [...unique.values()],
    // An encrypted file cannot be rewritten without its key: its objects move out of the
    // (encrypted) object streams and would no longer decrypt.
    neutralisable: !document.isEncrypted || unique.size === 0,
  };
}

/** What the bytes show: a payload around the PDF, markup in its header, hex-escaped names. */
function rawFindings(bytes: Buffer): ActiveContentFinding[] {
  const findings: ActiveContentFinding[] = [];
  const header = bytes.indexOf(HEADER);
  if (header !== 0)
    findings.push({
      kind: header < 0 ? 'unparseable' : 'polyglot',
      where: header < 0 ? 'no %PDF- header' : `%PDF- at byte ${header}, not at the start`,
    });
  const eof = bytes.lastIndexOf(EOF_MARKER);
  if (eof >= 0) {
    const after = bytes.subarray(eof + EOF_MARKER.length);
    const extra = after.findIndex((byte) => ![0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(byte));
    if (extra >= 0)
      findings.push({
        kind: 'polyglot',
        where: `${after.length} bytes after %%EOF, from byte ${eof + EOF_MARKER.length + extra}`,
      });
  }
  const firstObject = bytes.indexOf(' obj');
  const head = bytes.subarray(0, firstObject < 0 ? 1_024 : firstObject).toString('latin1');
  const markup = MARKUP.exec(head);
  if (markup)
    findings.push({ kind: 'polyglot', where: `markup ${markup[0]} before the first object` });
  const zipEnd = zipArchiveEnd(bytes);
  if (zipEnd !== undefined)
    findings.push({ kind: 'polyglot', where: `a ZIP archive ending at byte ${zipEnd}` });

  const text = bytes.toString('latin1');
  for (const match of text.matchAll(/\/([^\s/<>[\]()%{}]*#[0-9a-fA-F]{2}[^\s/<>[\]()%{}]*)/g)) {
    const decoded = match[1].replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    if (WATCHED_NAMES.has(decoded))
      findings.push({ kind: 'obfuscated-name', where: `byte ${match.index} (${match[0]})` });
  }
  return findings;
}

/** A ZIP end record whose comment runs exactly to the end of the file: unzip reads it as an archive. */
function zipArchiveEnd(bytes: Buffer): number | undefined {
  const from = Math.max(0, bytes.length - ZIP_END_SEARCH);
  for (let at = bytes.lastIndexOf(ZIP_END); at >= from; at = bytes.lastIndexOf(ZIP_END, at - 1)) {
    if (at + 22 <= bytes.length && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length)
      return at;
    if (at === 0) break;
  }
  return undefined;
}

/**
 * Names of the objects a finding may sit in: the catalog, pages, their annotations and the form's
 * fields by their place, anything reached from them by the path to it, the rest by number.
 */
function objectLabels(document: PDFDocument): Map<string, string> {
  const labels = new Map<string, string>();
  const context = document.context;
  const root = context.trailerInfo.Root;
  if (root instanceof PDFRef) labels.set(root.toString(), 'catalog');
  document.getPages().forEach((page, index) => {
    labels.set(page.ref.toString(), `page ${index + 1}`);
    const annotations = context.lookup(page.node.get(PDFName.of('Annots')));
    if (annotations instanceof PDFArray)
      annotations.asArray().forEach((annotation, position) => {
        if (annotation instanceof PDFRef && !labels.has(annotation.toString()))
          labels.set(annotation.toString(), `page ${index + 1} annotation ${position + 1}`);
      });
  });
  const form = context.lookup(document.catalog.get(PDFName.of('AcroForm')));
  if (form instanceof PDFDict) {
    const visit = (fields: PDFObject | undefined, parent: string) => {
      const list = context.lookup(fields);
      if (!(list instanceof PDFArray)) return;
      for (const field of list.asArray()) {
        const dict = context.lookup(field);
        if (
          !(field instanceof PDFRef) ||
          !(dict instanceof PDFDict) ||
          labels.has(field.toString())
        )
          continue;
        const title = dict.get(PDFName.of('T'));
        const name =
          title instanceof PDFString || title instanceof PDFHexString ? title.decodeText() : '?';
        const label = `field "${parent}${name}"`;
        labels.set(field.toString(), label);
        visit(dict.get(PDFName.of('Kids')), `${parent}${name}.`);
      }
    };
    visit(form.get(PDFName.of('Fields')), '');
  }
  // Breadth first from the catalog: an object is named by the shortest path to it.
  const queue: Array<[PDFObject, string]> = root instanceof PDFRef ? [[root, 'catalog']] : [];
  const reached = new Set<string>();
  while (queue.length > 0) {
    const [object, path] = queue.shift()!;
    const children: Array<[PDFObject, string]> = [];
    const collect = (value: PDFObject, at: string, depth: number) => {
      if (depth > 32) return;
      if (value instanceof PDFRef) children.push([value, at]);
      else if (value instanceof PDFDict)
        for (const [key, item] of value.entries())
          collect(item, `${at} /${pdfNameText(key)}`, depth + 1);
      else if (value instanceof PDFStream) collect(value.dict, at, depth);
      else if (value instanceof PDFArray)
        value.asArray().forEach((item, index) => collect(item, `${at}[${index}]`, depth + 1));
    };
    if (object instanceof PDFRef) {
      const key = object.toString();
      if (reached.has(key)) continue;
      reached.add(key);
      const label = labels.get(key) ?? path;
      labels.set(key, label);
      const target = context.lookup(object);
      if (target) collect(target, label, 0);
    }
    // Pages are named by their number: the /Parent back to the tree is not a path to anything.
    queue.push(...children.filter(([, at]) => !at.endsWith(' /Parent') && !at.endsWith(' /P')));
  }
  return labels;
}

/** What pdf-lib's reading of the objects shows, every indirect object swept. */
function structureFindings(document: PDFDocument): ActiveContentFinding[] {
  const context = document.context;
  const labels = objectLabels(document);
  const findings: ActiveContentFinding[] = [];
  const seen = new Set<PDFObject>();
  const visit = (value: PDFObject, where: string, depth: number) => {
    if (depth > 64 || seen.has(value)) return;
    if (value instanceof PDFStream) {
      visit(value.dict, where, depth);
      return;
    }
    if (value instanceof PDFArray) {
      seen.add(value);
      value.asArray().forEach((item, index) => visit(item, `${where}[${index}]`, depth + 1));
      return;
    }
    if (!(value instanceof PDFDict)) return;
    seen.add(value);
    findings.push(...dictFindings(value, where, context.lookup.bind(context)));
    for (const [key, item] of value.entries())
      visit(item, `${where} /${pdfNameText(key)}`, depth + 1);
  };
  for (const [ref, object] of context.enumerateIndirectObjects())
    visit(
      object,
      labels.get(ref.toString()) ?? `object ${ref.objectNumber} ${ref.generationNumber}`,
      0,
    );
  return findings;
}

type Lookup = (value: PDFObject | undefined) => PDFObject | undefined;

const nameOf = (value: PDFObject | undefined): string | undefined =>
  value instanceof PDFName ? pdfNameText(value) : undefined;

/** The kind of an action dictionary that does something active, or undefined. */
export function activeActionKind(dict: PDFDict): ActiveContentKind | undefined {
  const type = nameOf(entry(dict, 'S'));
  if (type && ACTIVE_ACTIONS[type]) return ACTIVE_ACTIONS[type];
  return entry(dict, 'JS') !== undefined ? 'javascript' : undefined;
}

/** A dictionary's entry by its meant name, whatever escaping spelled the key. */
export function entry(dict: PDFDict, name: string): PDFObject | undefined {
  for (const [key, value] of dict.entries()) if (pdfNameText(key) === name) return value;
  return undefined;
}

function dictFindings(dict: PDFDict, where: string, lookup: Lookup): ActiveContentFinding[] {
  const findings: ActiveContentFinding[] = [];
  const action = activeActionKind(dict);
  if (action) findings.push({ kind: action, where });
  const triggers = lookup(entry(dict, 'AA'));
  if (triggers instanceof PDFDict)
    for (const [key, value] of triggers.entries()) {
      const target = lookup(value);
      // An active action there is reported where it is; any other trigger is still one.
      if (!(target instanceof PDFDict) || !activeActionKind(target))
        findings.push({ kind: 'additional-action', where: `${where} /AA /${pdfNameText(key)}` });
    }
  if (entry(dict, 'JavaScript') !== undefined)
    findings.push({ kind: 'javascript', where: `${where} /JavaScript` });
  if (entry(dict, 'EmbeddedFiles') !== undefined)
    findings.push({ kind: 'embedded-file', where: `${where} /EmbeddedFiles` });
  if (entry(dict, 'EF') !== undefined)
    findings.push({ kind: 'embedded-file', where: `${where} /EF` });
  if (entry(dict, 'XFA') !== undefined) findings.push({ kind: 'xfa', where: `${where} /XFA` });
  const subtype = nameOf(entry(dict, 'Subtype'));
  if (subtype === 'FileAttachment') findings.push({ kind: 'file-attachment', where });
  if (subtype === 'RichMedia') findings.push({ kind: 'rich-media', where });
  if (nameOf(entry(dict, 'Type')) === 'EmbeddedFile')
    findings.push({ kind: 'embedded-file', where });
  return findings;
}

export type NeutralisedPdf =
  | { readonly ok: true; readonly pdf: Buffer; readonly removed: readonly ActiveContentFinding[] }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly findings: readonly ActiveContentFinding[];
    };

/** Keys that only ever hold active content. */
const REMOVED_KEYS = ['AA', 'JS', 'JavaScript', 'EmbeddedFiles', 'EF', 'XFA', 'NeedsRendering'];

/**
 * Rewrites the PDF without its active content: the actions that run, launch or send, triggers,
 * document JavaScript, embedded files and their annotations, XFA; what was around the PDF is not
 * written back. The result is checked again, and refused if anything is left.
 */
export async function neutraliseActiveContent(bytes: Buffer): Promise<NeutralisedPdf> {
  const before = await detectActiveContent(bytes);
  if (before.findings.length === 0) return { ok: true, pdf: bytes, removed: [] };
  if (!before.neutralisable)
    return {
      ok: false,
      reason: 'the file cannot be rewritten (not a PDF pdf-lib reads, or encrypted)',
      findings: before.findings,
    };
  const document = await loadPdf(bytes);
  const context = document.context;
  const removed = new Set<string>();
  const isActive = (value: PDFObject | undefined): boolean => {
    const target = context.lookup(value);
    if (target instanceof PDFStream) return nameOf(entry(target.dict, 'Type')) === 'EmbeddedFile';
    if (!(target instanceof PDFDict)) return false;
    const subtype = nameOf(entry(target, 'Subtype'));
    return (
      activeActionKind(target) !== undefined ||
      subtype === 'FileAttachment' ||
      subtype === 'RichMedia' ||
      nameOf(entry(target, 'Type')) === 'EmbeddedFile'
    );
  };
  const drop = (value: PDFObject | undefined) => {
    if (value instanceof PDFRef) removed.add(value.toString());
  };
  for (const [ref, object] of context.enumerateIndirectObjects())
    if (isActive(object)) removed.add(ref.toString());
  // What the removed keys held goes with them (XFA streams, embedded files, script trees).
  const dropHeld = (value: PDFObject | undefined, depth: number) => {
    if (depth > 16) return;
    drop(value);
    const target = context.lookup(value);
    if (target instanceof PDFArray) target.asArray().forEach((item) => dropHeld(item, depth + 1));
    else if (target instanceof PDFDict)
      for (const [, item] of target.entries()) dropHeld(item, depth + 1);
  };
  const clean = (value: PDFObject, depth: number) => {
    if (depth > 64) return;
    if (value instanceof PDFStream) return clean(value.dict, depth);
    if (value instanceof PDFArray) {
      for (let index = value.size() - 1; index >= 0; index--) {
        const item = value.get(index);
        if (
          (item instanceof PDFRef && removed.has(item.toString())) ||
          (!(item instanceof PDFRef) && isActive(item))
        )
          value.remove(index);
        else clean(item, depth + 1);
      }
      return;
    }
    if (!(value instanceof PDFDict)) return;
    for (const [key, item] of value.entries()) {
      const name = pdfNameText(key);
      if (REMOVED_KEYS.includes(name)) {
        if (name !== 'AA' && name !== 'NeedsRendering') dropHeld(item, 0);
        else {
          const triggers = context.lookup(item);
          if (triggers instanceof PDFDict)
            for (const [, action] of triggers.entries()) drop(action);
          drop(item);
        }
        value.delete(key);
      } else if (
        (item instanceof PDFRef && removed.has(item.toString())) ||
        (!(item instanceof PDFRef) && isActive(item))
      )
        value.delete(key);
      else clean(item, depth + 1);
    }
  };
  // Twice: a key removed in the second sweep may have held objects swept before it.
  for (let pass = 0; pass < 2; pass++) {
    for (const [, object] of context.enumerateIndirectObjects()) clean(object, 0);
    for (const [ref] of context.enumerateIndirectObjects())
      if (removed.has(ref.toString())) context.delete(ref);
  }
  const pdf = Buffer.from(
    await document.save({ useObjectStreams: false, updateFieldAppearances: false }),
  );
  const after = await detectActiveContent(pdf);
  if (after.findings.length > 0)
    return {
      ok: false,
      reason: 'active content is left after neutralising',
      findings: after.findings,
    };
  return { ok: true, pdf, removed: before.findings };
}
