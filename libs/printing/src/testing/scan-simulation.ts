/**
 * Test support: turns a clean rendering into what a cheap scanner sends back, a page slightly
 * askew, grey and speckled. Seeded, so a failing test fails the same way twice.
 */
import PDFDocument from 'pdfkit';
import { GrayImage, grayFromPng, grayToPng } from '../image';

// Module bindings: inside Jest's sandbox every per-pixel lookup of the global Math is slow.
const { cos, sin, round, imul, PI } = Math;

/** Rotates about the centre by nearest neighbour; what falls outside the page turns white. */
export function rotateByDegrees(image: GrayImage, degrees: number): GrayImage {
  const { width, height, data } = image;
  const radians = (degrees * PI) / 180;
  const cosine = cos(radians);
  const sine = sin(radians);
  const centreX = (width - 1) / 2;
  const centreY = (height - 1) / 2;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      // Inverse mapping: where in the source does this output pixel come from?
      const dx = x - centreX;
      const dy = y - centreY;
      const sourceX = round(cosine * dx + sine * dy + centreX);
      const sourceY = round(-sine * dx + cosine * dy + centreY);
      out[y * width + x] =
        sourceX >= 0 && sourceX < width && sourceY >= 0 && sourceY < height
          ? data[sourceY * width + sourceX]
          : 255;
    }
  }
  return { width, height, data: out };
}

/** Grey paper, grain on every pixel, and a share of pixels flipped to black or white. */
export function addScannerNoise(
  image: GrayImage,
  options: { seed: number; grain?: number; speckle?: number; paper?: number },
): GrayImage {
  const random = mulberry32(options.seed);
  const grain = options.grain ?? 40;
  const speckle = options.speckle ?? 0.02;
  const paper = options.paper ?? 225;
  const out = new Uint8Array(image.data.length);
  for (let pixel = 0; pixel < out.length; pixel += 1) {
    const roll = random();
    if (roll < speckle / 2) {
      out[pixel] = 0;
    } else if (roll < speckle) {
      out[pixel] = 255;
    } else {
      // Ink stays dark, paper turns grey; the grain is centred on zero.
      const base = (image.data[pixel] * paper) / 255;
      const value = round(base + (random() - 0.5) * grain);
      out[pixel] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  return { width: image.width, height: image.height, data: out };
}

export function scanLikePng(
  cleanPng: Buffer,
  options: { degrees: number; seed: number; grain?: number; speckle?: number },
): Buffer {
  return grayToPng(
    addScannerNoise(rotateByDegrees(grayFromPng(cleanPng), options.degrees), options),
  );
}

/** One A4 page per image, each image filling its page, as a scanner's PDF. */
export function imagesToPdf(pngs: readonly Buffer[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const png of pngs) {
      doc.addPage();
      doc.image(png, 0, 0, { width: doc.page.width, height: doc.page.height });
    }
    doc.end();
  });
}

/** A small seeded generator (mulberry32); Math.random cannot be seeded. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
