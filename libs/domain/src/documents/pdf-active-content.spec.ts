import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import {
  HOSTILE_PDF_KINDS,
  hostilePdf,
  type HostilePdfKind,
} from '../../../printing/src/testing/hostile-pdfs';
import { textPdf } from '../../../printing/src/testing/test-pdfs';
import { detectActiveContent, neutraliseActiveContent } from './pdf-active-content';

/** What each hostile PDF is reported for, at least. */
const EXPECTED: Readonly<Record<HostilePdfKind, ReadonlyArray<{ kind: string; where: string }>>> = {
  'javascript-open-action': [{ kind: 'javascript', where: 'catalog /OpenAction' }],
  'javascript-in-object-stream': [{ kind: 'javascript', where: 'catalog /OpenAction' }],
  'page-additional-action': [{ kind: 'javascript', where: 'page 1 /AA /O' }],
  launch: [{ kind: 'launch', where: 'page 1 annotation 1 /A' }],
  'embedded-file': [
    { kind: 'embedded-file', where: 'catalog /Names /EmbeddedFiles' },
    { kind: 'embedded-file', where: expect.stringMatching(/\/EF$/) },
  ],
  'file-attachment': [
    { kind: 'file-attachment', where: 'page 1 annotation 1' },
    { kind: 'embedded-file', where: 'page 1 annotation 1 /FS /EF' },
  ],
  xfa: [{ kind: 'xfa', where: 'catalog /AcroForm /XFA' }],
  'hex-escaped-name': [
    { kind: 'obfuscated-name', where: expect.stringContaining('(/J#61vaScript)') },
    { kind: 'obfuscated-name', where: expect.stringContaining('(/J#53)') },
    { kind: 'javascript', where: 'catalog /OpenAction' },
  ],
  'html-after-eof': [{ kind: 'polyglot', where: expect.stringMatching(/bytes after %%EOF/) }],
  'zip-polyglot': [{ kind: 'polyglot', where: expect.stringMatching(/^a ZIP archive ending/) }],
};

const pdfinfo = async (pdf: Buffer) => {
  const child = promisify(execFile)('pdfinfo', ['fd://0']);
  child.child.stdin!.end(pdf);
  return (await child).stdout;
};

describe('detectActiveContent', () => {
  it('finds nothing in a plain PDF, nor in one written with object streams', async () => {
    const plain = await textPdf('Avis d’imposition', 2);
    expect(await detectActiveContent(plain)).toEqual({ findings: [], neutralisable: true });
    const document = await PDFDocument.load(plain);
    const compressed = Buffer.from(await document.save({ useObjectStreams: true }));
    expect((await detectActiveContent(compressed)).findings).toEqual([]);
  });

  it.each(HOSTILE_PDF_KINDS)('reports %s with where it is', async (kind) => {
    const pdf = await hostilePdf(kind);
    // A real PDF readers open, not a damaged file refused for that.
    expect(await pdfinfo(pdf)).toMatch(/^Pages:\s+1$/m);
    const report = await detectActiveContent(pdf);
    expect(report.findings).toEqual(
      expect.arrayContaining(EXPECTED[kind].map(expect.objectContaining)),
    );
  });

  it('refuses what does not parse as a PDF, and what does not start with %PDF-', async () => {
    const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2_000, 0x41)]);
    const broken = await detectActiveContent(garbage);
    expect(broken.neutralisable).toBe(false);
    expect(broken.findings.map((finding) => finding.kind)).toContain('unparseable');

    const prefixed = Buffer.concat([
      Buffer.from('<html><body>hello</body></html>\n'),
      await textPdf('après du HTML'),
    ]);
    expect((await detectActiveContent(prefixed)).findings).toEqual(
      expect.arrayContaining([{ kind: 'polyglot', where: '%PDF- at byte 32, not at the start' }]),
    );
  });

  it('takes whitespace after %%EOF, and markup in the header as a polyglot', async () => {
    const pdf = await textPdf('fin de fichier');
    expect(
      (await detectActiveContent(Buffer.concat([pdf, Buffer.from('\r\n\n  \0')]))).findings,
    ).toEqual([]);
    const header = Buffer.from(
      pdf.toString('latin1').replace('%PDF-1.3\n', '%PDF-1.3\n%<script>x</script>\n'),
      'latin1',
    );
    expect((await detectActiveContent(header)).findings).toEqual(
      expect.arrayContaining([
        { kind: 'polyglot', where: 'markup <script before the first object' },
      ]),
    );
  });
});

describe('neutraliseActiveContent', () => {
  it('gives a clean PDF back as it is', async () => {
    const pdf = await textPdf('propre');
    const result = await neutraliseActiveContent(pdf);
    expect(result).toEqual({ ok: true, pdf, removed: [] });
  });

  it.each(HOSTILE_PDF_KINDS)('removes %s, and the result is clean and readable', async (kind) => {
    const pdf = await hostilePdf(kind);
    const result = await neutraliseActiveContent(pdf);
    if (!result.ok) throw new Error(`${result.reason}: ${JSON.stringify(result.findings)}`);
    expect(result.removed).toEqual(
      expect.arrayContaining(EXPECTED[kind].map(expect.objectContaining)),
    );
    expect((await detectActiveContent(result.pdf)).findings).toEqual([]);
    expect(await pdfinfo(result.pdf)).toMatch(/^Pages:\s+1$/m);
    expect(result.pdf.includes('app.alert')).toBe(false);
  });

  it('fails rather than return what it cannot rewrite', async () => {
    const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2_000, 0x41)]);
    const result = await neutraliseActiveContent(garbage);
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringContaining('cannot be rewritten'),
    });
  });
});
