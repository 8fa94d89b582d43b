/**
 * Test support: PDFs carrying active content, each a real PDF readers open (poppler's pdfinfo
 * accepts them), built in code so that no hostile file sits in the repository.
 */
import { PDFDocument, PDFName, PDFString, type PDFRef } from 'pdf-lib';
import { textPdf } from './test-pdfs';

export type HostilePdfKind =
  | 'javascript-open-action'
  | 'javascript-in-object-stream'
  | 'page-additional-action'
  | 'launch'
  | 'embedded-file'
  | 'file-attachment'
  | 'xfa'
  | 'hex-escaped-name'
  | 'html-after-eof'
  | 'zip-polyglot';

export const HOSTILE_PDF_KINDS: readonly HostilePdfKind[] = [
  'javascript-open-action',
  'javascript-in-object-stream',
  'page-additional-action',
  'launch',
  'embedded-file',
  'file-attachment',
  'xfa',
  'hex-escaped-name',
  'html-after-eof',
  'zip-polyglot',
];

/** A one-page PDF of `text` (unique bytes) to which `arm` adds its active content. */
async function armed(
  text: string,
  arm: (document: PDFDocument) => void | Promise<void>,
  useObjectStreams = false,
): Promise<Buffer> {
  const document = await PDFDocument.load(await textPdf(text), { updateMetadata: false });
  await arm(document);
  return Buffer.from(await document.save({ useObjectStreams }));
}

const javascript = (document: PDFDocument, code: string): PDFRef =>
  document.context.register(
    document.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(code) }),
  );

const link = (document: PDFDocument, action: Record<string, unknown>, subtype = 'Link') =>
  document.context.register(
    document.context.obj({
      Type: 'Annot',
      Subtype: subtype,
      Rect: [50, 50, 200, 80],
      ...action,
    } as never),
  );

/**
 * A hand-written PDF (offsets computed, so its cross-reference table is right) whose OpenAction
 * names its type and key hex-escaped, in lower case (`/J#61vaScript`), which pdf-lib leaves as is.
 */
function hexEscapedPdf(text: string): Buffer {
  const content = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>',
    '<< /Type /Action /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf +=
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** An empty ZIP archive whose comment is empty: the file ends with its end record. */
const EMPTY_ZIP = Buffer.from([
  0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** A hostile PDF of that kind; `text` makes its bytes unique (uploads refuse the same file twice). */
export async function hostilePdf(kind: HostilePdfKind, text: string = kind): Promise<Buffer> {
  switch (kind) {
    case 'javascript-open-action':
      return armed(text, (document) =>
        document.catalog.set(PDFName.of('OpenAction'), javascript(document, 'app.alert(1)')),
      );
    case 'javascript-in-object-stream':
      return armed(
        text,
        (document) =>
          document.catalog.set(PDFName.of('OpenAction'), javascript(document, 'app.alert(2)')),
        true,
      );
    case 'page-additional-action':
      return armed(text, (document) =>
        document
          .getPage(0)
          .node.set(
            PDFName.of('AA'),
            document.context.obj({ O: javascript(document, 'this.submitForm("x")') }),
          ),
      );
    case 'launch':
      return armed(text, (document) =>
        document.getPage(0).node.set(
          PDFName.of('Annots'),
          document.context.obj([
            link(document, {
              A: document.context.obj({ S: 'Launch', F: PDFString.of('cmd.exe') }),
            }),
          ]),
        ),
      );
    case 'embedded-file':
      return armed(text, (document) =>
        document.attach(Buffer.from('MZ not really a program'), 'payload.exe', {
          mimeType: 'application/octet-stream',
        }),
      );
    case 'file-attachment':
      return armed(text, (document) => {
        const file = document.context.register(
          document.context.stream('payload', { Type: 'EmbeddedFile' }),
        );
        const spec = document.context.obj({
          Type: 'Filespec',
          F: PDFString.of('payload.txt'),
          EF: { F: file },
        });
        document
          .getPage(0)
          .node.set(
            PDFName.of('Annots'),
            document.context.obj([link(document, { FS: spec }, 'FileAttachment')]),
          );
      });
    case 'xfa':
      return armed(text, (document) => {
        const xfa = document.context.register(
          document.context.stream('<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"></xdp:xdp>'),
        );
        document.catalog.set(
          PDFName.of('AcroForm'),
          document.context.obj({ Fields: [], XFA: xfa }),
        );
      });
    case 'hex-escaped-name':
      return hexEscapedPdf(text);
    case 'html-after-eof':
      return Buffer.concat([
        await textPdf(text),
        Buffer.from('<html><script>alert(document.cookie)</script></html>\n'),
      ]);
    case 'zip-polyglot':
      return Buffer.concat([await textPdf(text), EMPTY_ZIP]);
  }
}

/** Any PDF (a scanned batch, say) given a JavaScript OpenAction. */
export async function withJavaScriptOpenAction(pdf: Buffer): Promise<Buffer> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  document.catalog.set(PDFName.of('OpenAction'), javascript(document, 'app.alert(3)'));
  return Buffer.from(await document.save({ useObjectStreams: false }));
}
