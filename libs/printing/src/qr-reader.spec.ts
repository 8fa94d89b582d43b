import { PNG } from 'pngjs';
import {
  binariseAndDespeckle,
  boxBlur,
  countFinderPatterns,
  GrayImage,
  grayFromPgm,
  grayFromPng,
  grayToPng,
  halve,
  InvalidImageError,
  inkThreshold,
  rotateQuarterTurns,
} from './image';
import { qrCodePng } from './qr-code';
import { readQrCodeFromImage } from './qr-reader';
import { scanLikePng } from './testing/scan-simulation';

const TEXT = 'SNE1|ATT|057 1215 073903 10691|2015-12-03|' + 'x'.repeat(86);

/** A QR code of 4-pixel modules in the middle of a white "page". */
function pageWithQrCode(): Buffer {
  const qr = halve(grayFromPng(qrCodePng(TEXT)));
  const page: GrayImage = { width: 600, height: 700, data: new Uint8Array(600 * 700).fill(255) };
  const left = 150;
  const top = 200;
  for (let y = 0; y < qr.height; y += 1) {
    page.data.set(
      qr.data.subarray(y * qr.width, (y + 1) * qr.width),
      (top + y) * page.width + left,
    );
  }
  return grayToPng(page);
}

const image = (width: number, height: number, values: number[]): GrayImage => ({
  width,
  height,
  data: Uint8Array.from(values),
});

describe('readQrCodeFromImage', () => {
  it('reads a clean code', async () => {
    await expect(readQrCodeFromImage(pageWithQrCode())).resolves.toBe(TEXT);
  });

  it.each([90, 180, 270])('reads a page turned by %i degrees', async (degrees) => {
    const turned = rotateQuarterTurns(grayFromPng(pageWithQrCode()), (degrees / 90) as 1 | 2 | 3);
    await expect(readQrCodeFromImage(grayToPng(turned))).resolves.toBe(TEXT);
  });

  it('reads a page scanned askew, grey and speckled', async () => {
    const scanned = scanLikePng(pageWithQrCode(), { degrees: 2.7, seed: 7, speckle: 0.03 });
    await expect(readQrCodeFromImage(scanned)).resolves.toBe(TEXT);
  });

  it('finds nothing on a page of text-like stripes', async () => {
    const data = new Uint8Array(400 * 400).fill(255);
    for (let y = 0; y < 400; y += 12) data.fill(0, y * 400 + 40, y * 400 + 360);
    await expect(
      readQrCodeFromImage(grayToPng({ width: 400, height: 400, data })),
    ).resolves.toBeNull();
  });

  it('refuses what is not a PNG', async () => {
    await expect(readQrCodeFromImage(Buffer.from('%PDF-1.3'))).rejects.toThrow(InvalidImageError);
  });

  it('reads a transparent PNG as if on white paper', () => {
    const png = new PNG({ width: 1, height: 1 });
    png.data = Buffer.from([0, 0, 0, 0]);
    expect(grayFromPng(PNG.sync.write(png)).data[0]).toBe(255);
  });
});

describe('countFinderPatterns', () => {
  /** A blank page with the given 1-module-per-cell pattern drawn at `scale` pixels a module. */
  function drawn(rows: string[], scale: number): GrayImage {
    const side = (rows.length + 8) * scale;
    const data = new Uint8Array(side * side).fill(255);
    rows.forEach((row, y) =>
      [...row].forEach((cell, x) => {
        if (cell !== '#') return;
        for (let line = 0; line < scale; line += 1) {
          const start = ((y + 4) * scale + line) * side + (x + 4) * scale;
          data.fill(0, start, start + scale);
        }
      }),
    );
    return { width: side, height: side, data };
  }
  const finder = ['#######', '#.....#', '#.###.#', '#.###.#', '#.###.#', '#.....#', '#######'];

  it.each([2, 3, 6])('finds a lone finder pattern of %i-pixel modules', (scale) => {
    expect(countFinderPatterns(drawn(finder, scale))).toBe(1);
  });

  it('finds the three of a QR code, askew and speckled', () => {
    const scanned = grayFromPng(scanLikePng(pageWithQrCode(), { degrees: 2.5, seed: 3 }));
    const clean = binariseAndDespeckle(scanned, inkThreshold(scanned)!);
    expect(countFinderPatterns(clean)).toBeGreaterThanOrEqual(3);
  });

  it('finds none in nested frames, stripes, or a pattern only one row crosses', () => {
    const frames = [
      '#########',
      '#.......#',
      '#.#####.#',
      '#.#...#.#',
      '#.#####.#',
      '#.......#',
      '#########',
    ];
    expect(countFinderPatterns(drawn(frames, 3))).toBe(0);
    expect(countFinderPatterns(drawn(['#.###.#', '#.###.#'], 4))).toBe(0);
    const stripes = Array.from({ length: 30 }, (_, row) =>
      row % 2 === 0 ? '#'.repeat(30) : '.'.repeat(30),
    );
    expect(countFinderPatterns(drawn(stripes, 3))).toBe(0);
  });
});

describe('grey images', () => {
  it('turns a quarter clockwise', () => {
    // 1 2 3        4 1
    // 4 5 6   ->   5 2
    //              6 3
    expect(rotateQuarterTurns(image(3, 2, [1, 2, 3, 4, 5, 6]), 1)).toEqual(
      image(2, 3, [4, 1, 5, 2, 6, 3]),
    );
    expect(rotateQuarterTurns(image(3, 2, [1, 2, 3, 4, 5, 6]), 2)).toEqual(
      image(3, 2, [6, 5, 4, 3, 2, 1]),
    );
    expect(rotateQuarterTurns(image(3, 2, [1, 2, 3, 4, 5, 6]), 3)).toEqual(
      image(2, 3, [3, 6, 2, 5, 1, 4]),
    );
  });

  it('halves by averaging 2x2 blocks', () => {
    expect(halve(image(4, 2, [0, 4, 8, 8, 0, 4, 8, 8]))).toEqual(image(2, 1, [2, 8]));
  });

  it('puts the ink threshold halfway between ink and paper, even on a page of grainy paper', () => {
    const values = Array.from({ length: 1000 }, (_, index) =>
      index < 20 ? 10 : 200 + (index % 40),
    );
    expect(inkThreshold(image(1000, 1, values))).toBe(Math.floor((10 + 239) / 2));
  });

  it('finds no threshold on a page without contrast', () => {
    expect(inkThreshold(image(4, 1, [200, 210, 220, 230]))).toBeUndefined();
  });

  it('despeckles black and white', () => {
    const speckled = image(3, 3, [255, 255, 255, 255, 0, 255, 255, 255, 255]);
    expect(binariseAndDespeckle(speckled, 128).data[4]).toBe(255);
    const inkWithHole = image(3, 3, [0, 0, 0, 0, 255, 0, 0, 0, 0]);
    expect(binariseAndDespeckle(inkWithHole, 128).data[4]).toBe(0);
  });

  it('blurs over 3x3', () => {
    expect(boxBlur(image(3, 3, [0, 0, 0, 0, 90, 0, 0, 0, 0])).data[4]).toBe(10);
  });

  it('reads a binary PGM, comments included', () => {
    const pgm = Buffer.concat([
      Buffer.from('P5\n# pdftoppm\n2 2\n255\n'),
      Buffer.from([0, 64, 128, 255]),
    ]);
    expect(grayFromPgm(pgm)).toEqual(image(2, 2, [0, 64, 128, 255]));
  });

  it.each([
    ['a text PGM', 'P2\n2 2\n255\n0 0 0 0'],
    ['a truncated image', 'P5\n2 2\n255\n\u0000'],
    ['16-bit grey', 'P5\n1 1\n65535\n\u0000\u0000'],
  ])('refuses %s', (_, text) => {
    expect(() => grayFromPgm(Buffer.from(text, 'latin1'))).toThrow(InvalidImageError);
  });
});
