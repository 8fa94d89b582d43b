import { deflateSync } from 'node:zlib';
import { checkPdfInflation } from './pdf-inflation';

/** A minimal PDF body holding the given streams, as a writer lays them out. */
function pdfWith(streams: ReadonlyArray<{ data: Buffer; filter?: string }>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  streams.forEach(({ data, filter }, index) => {
    parts.push(
      Buffer.from(
        `${index + 1} 0 obj\n<< /Length ${data.length}${filter ? ` /Filter /${filter}` : ''} >>\nstream\r\n`,
        'latin1',
      ),
      data,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    );
  });
  parts.push(Buffer.from('%%EOF\n'));
  return Buffer.concat(parts);
}

const limits = { perStreamBytes: 1_000_000, totalBytes: 2_500_000 };

describe(checkPdfInflation.name, () => {
  it('measures what ordinary Flate streams inflate to, and skips other filters', async () => {
    const verdict = await checkPdfInflation(
      pdfWith([
        { data: deflateSync(Buffer.alloc(400_000, 7)), filter: 'FlateDecode' },
        { data: Buffer.alloc(50_000, 1), filter: 'DCTDecode' },
        { data: deflateSync(Buffer.from('BT /F1 12 Tf (Bonjour) Tj ET')), filter: 'Fl' },
      ]),
      limits,
    );
    expect(verdict).toEqual({ ok: true, inflatedBytes: 400_028, streams: 2, suspicious: false });
  });

  it('finds a stream that inflates past its ceiling without inflating all of it', async () => {
    const bomb = deflateSync(Buffer.alloc(50_000_000));
    expect(bomb.length).toBeLessThan(100_000);
    expect(
      await checkPdfInflation(pdfWith([{ data: bomb, filter: 'FlateDecode' }]), limits),
    ).toEqual({
      ok: false,
      reason: 'stream-too-large',
      streams: 1,
    });
  });

  it('finds many streams each under the ceiling that together go past the total', async () => {
    const page = deflateSync(Buffer.alloc(900_000));
    const streams = Array.from({ length: 4 }, () => ({ data: page, filter: 'FlateDecode' }));
    expect(await checkPdfInflation(pdfWith(streams), limits)).toEqual({
      ok: false,
      reason: 'total-too-large',
      streams: 3,
    });
  });

  it('calls suspicious a stream of over a megabyte inflated at more than 50 to 1', async () => {
    const blank = deflateSync(Buffer.alloc(900_000, 0xff));
    const verdict = await checkPdfInflation(pdfWith([{ data: blank, filter: 'FlateDecode' }]), {
      perStreamBytes: 2_000_000,
      totalBytes: 4_000_000,
    });
    expect(verdict).toMatchObject({ ok: true, suspicious: false });
    const larger = deflateSync(Buffer.alloc(1_500_000, 0xff));
    expect(
      await checkPdfInflation(pdfWith([{ data: larger, filter: 'FlateDecode' }]), {
        perStreamBytes: 2_000_000,
        totalBytes: 4_000_000,
      }),
    ).toMatchObject({ ok: true, suspicious: true });
  });

  it('leaves a damaged stream to the structure check', async () => {
    const verdict = await checkPdfInflation(
      pdfWith([{ data: Buffer.from('not deflate at all'), filter: 'FlateDecode' }]),
      limits,
    );
    expect(verdict).toEqual({ ok: true, inflatedBytes: 0, streams: 1, suspicious: false });
  });
});
