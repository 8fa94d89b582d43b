import { checkFilename, detectContentType } from './file-content';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe(detectContentType.name, () => {
  it('reads PDF, JPEG and PNG from their first bytes', () => {
    expect(detectContentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(detectContentType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(detectContentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe(
      'image/png',
    );
  });

  it('refuses anything else, however it starts', () => {
    expect(detectContentType(Buffer.from('PK\u0003\u0004zip'))).toBeUndefined();
    expect(detectContentType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectContentType(Buffer.from('<html>%PDF-'))).toBeUndefined();
    expect(detectContentType(Buffer.from('%PD'))).toBeUndefined();
    expect(detectContentType(bytes())).toBeUndefined();
    // A PNG signature cut short is not a PNG.
    expect(detectContentType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeUndefined();
  });
});

describe(checkFilename.name, () => {
  it('keeps plain names, accents included', () => {
    expect(checkFilename('fiche de paie mars 2025.pdf')).toEqual({
      ok: true,
      value: 'fiche de paie mars 2025.pdf',
    });
    expect(checkFilename('quittance-été.png')).toMatchObject({ ok: true });
  });

  it.each([
    ['../../etc/passwd', 'directory'],
    ['..\\..\\boot.ini', 'directory'],
    ['C:evil.pdf', 'directory'],
    ['/tmp/x.pdf', 'directory'],
    ['..', '".."'],
    ['a..pdf', '".."'],
    ['.htaccess', 'dot'],
    ['bad\u0000name.pdf', 'control'],
    ['line\nbreak.pdf', 'control'],
    ['', 'no name'],
    ['   ', 'no name'],
    [undefined, 'no name'],
    [`${'a'.repeat(201)}.pdf`, '200 characters'],
  ])('refuses %j (%s)', (name, reason) => {
    const result = checkFilename(name);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(reason);
  });
});
