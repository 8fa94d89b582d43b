/**
 * The few grey-level image operations the QR reader needs, by hand on typed arrays: a page is a
 * few megabytes, and one page is held at a time.
 */
import { PNG } from 'pngjs';

export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** One byte a pixel, row by row; 0 is black. */
  readonly data: Uint8Array;
}

export class InvalidImageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidImageError';
  }
}

/** Transparent pixels count as white paper. */
export function grayFromPng(png: Buffer): GrayImage {
  let decoded: PNG;
  try {
    decoded = PNG.sync.read(png);
  } catch (error) {
    throw new InvalidImageError('not a readable PNG image', { cause: error });
  }
  const { width, height, data: rgba } = decoded;
  const data = new Uint8Array(width * height);
  for (let pixel = 0, offset = 0; pixel < data.length; pixel += 1, offset += 4) {
    const luma = (rgba[offset] * 77 + rgba[offset + 1] * 150 + rgba[offset + 2] * 29) >> 8;
    const alpha = rgba[offset + 3];
    data[pixel] = alpha === 255 ? luma : (luma * alpha + 255 * (255 - alpha)) / 255;
  }
  return { width, height, data };
}

/**
 * Binary PGM (P5, 8 bits), what `pdftoppm -gray` writes without `-png`: no compression to undo,
 * several times faster to produce and read than a PNG of the same page.
 */
export function grayFromPgm(pgm: Buffer): GrayImage {
  const header: number[] = [];
  let offset = 2;
  if (pgm.toString('latin1', 0, 2) !== 'P5') throw new InvalidImageError('not a binary PGM image');
  while (header.length < 3) {
    if (offset >= pgm.length) throw new InvalidImageError('truncated PGM header');
    const byte = pgm[offset];
    if (byte === 0x23) {
      while (offset < pgm.length && pgm[offset] !== 0x0a) offset += 1;
    } else if (byte >= 0x30 && byte <= 0x39) {
      let value = 0;
      while (offset < pgm.length && pgm[offset] >= 0x30 && pgm[offset] <= 0x39) {
        value = value * 10 + pgm[offset] - 0x30;
        offset += 1;
      }
      header.push(value);
      continue;
    } else if (![0x20, 0x09, 0x0a, 0x0d].includes(byte)) {
      throw new InvalidImageError('malformed PGM header');
    }
    offset += 1;
  }
  const [width, height, maxValue] = header as [number, number, number];
  // A single whitespace byte separates the header from the pixels.
  offset += 1;
  if (maxValue !== 255) throw new InvalidImageError(`PGM with ${maxValue + 1} grey levels`);
  if (width < 1 || height < 1 || pgm.length - offset < width * height) {
    throw new InvalidImageError('truncated PGM image');
  }
  return { width, height, data: new Uint8Array(pgm.subarray(offset, offset + width * height)) };
}

/** Without row filters: pngjs's filter search is slow, and zlib alone packs flat areas well. */
export function grayToPng(image: GrayImage): Buffer {
  const options = { colorType: 0, inputColorType: 0, filterType: 0 } as const;
  const png = new PNG({ width: image.width, height: image.height, ...options });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  return PNG.sync.write(png, options);
}

/** Quarter turns clockwise. */
export function rotateQuarterTurns(image: GrayImage, turns: 1 | 2 | 3): GrayImage {
  const { width, height, data } = image;
  const swap = turns !== 2;
  const outWidth = swap ? height : width;
  const outHeight = swap ? width : height;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let targetX: number;
      let targetY: number;
      if (turns === 1) {
        targetX = height - 1 - y;
        targetY = x;
      } else if (turns === 2) {
        targetX = width - 1 - x;
        targetY = height - 1 - y;
      } else {
        targetX = y;
        targetY = width - 1 - x;
      }
      out[targetY * outWidth + targetX] = data[y * width + x];
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** Halves each side by averaging 2x2 blocks: faster to search and smooths scanner grain. */
export function halve(image: GrayImage): GrayImage {
  const width = Math.floor(image.width / 2);
  const height = Math.floor(image.height / 2);
  const out = new Uint8Array(width * height);
  const source = image.data;
  for (let y = 0; y < height; y += 1) {
    const top = 2 * y * image.width;
    const bottom = top + image.width;
    for (let x = 0; x < width; x += 1) {
      const left = 2 * x;
      out[y * width + x] =
        (source[top + left] +
          source[top + left + 1] +
          source[bottom + left] +
          source[bottom + left + 1] +
          2) >>
        2;
    }
  }
  return { width, height, data: out };
}

/**
 * Halfway between ink (the darkest 1% of the page) and paper (the lightest 1%), or undefined on
 * a page with no contrast to speak of. Otsu's method was tried first: on a page that is mostly
 * grainy paper it puts the threshold inside the paper and turns the grain into ink.
 */
export function inkThreshold(image: GrayImage): number | undefined {
  const histogram = new Uint32Array(256);
  for (const value of image.data) histogram[value] += 1;
  const ink = percentile(histogram, image.data.length * 0.01);
  const paper = percentile(histogram, image.data.length * 0.99);
  return paper - ink < MIN_CONTRAST ? undefined : (ink + paper) >> 1;
}

const MIN_CONTRAST = 48;

function percentile(histogram: Uint32Array, rank: number): number {
  let seen = 0;
  for (let level = 0; level < 256; level += 1) {
    seen += histogram[level];
    if (seen >= rank) return level;
  }
  return 255;
}

/** The sum of the 3x3 neighbourhood of an inner pixel. */
function sum3x3(data: Uint8Array, width: number, centre: number): number {
  const above = centre - width;
  const below = centre + width;
  return (
    data[above - 1] +
    data[above] +
    data[above + 1] +
    data[centre - 1] +
    data[centre] +
    data[centre + 1] +
    data[below - 1] +
    data[below] +
    data[below + 1]
  );
}

/** Each pixel becomes the mean of its 3x3 neighbourhood: scanner grain averages out. */
export function boxBlur(image: GrayImage): GrayImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data);
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const centre = y * width + x;
      const sum = sum3x3(data, width, centre);
      out[centre] = (sum * 7282) >> 16; // sum / 9 without a division per pixel
    }
  }
  return { width, height, data: out };
}

/**
 * Black and white at the ink threshold, then each pixel takes the majority of its 3x3
 * neighbourhood: isolated specks of scanner noise go, module edges stay. Jsqr's own local
 * threshold reads grain on grey paper as ink; this global one does not.
 */
export function binariseAndDespeckle(image: GrayImage, threshold: number): GrayImage {
  const { width, height } = image;
  const ink = new Uint8Array(width * height);
  for (let pixel = 0; pixel < ink.length; pixel += 1) {
    ink[pixel] = image.data[pixel] <= threshold ? 1 : 0;
  }
  const out = new Uint8Array(width * height).fill(255);
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const centre = y * width + x;
      const count = sum3x3(ink, width, centre);
      if (count >= 5) out[centre] = 0;
    }
  }
  return { width, height, data: out };
}

/**
 * How many places of a black and white image look like a QR code's finder pattern: dark, light,
 * dark, light, dark runs in the ratio 1:1:3:1:1 along a row, confirmed along the column through
 * their middle, by at least two rows (a real pattern is crossed by three modules' worth of rows;
 * a coincidence in text by one). Modules of `minModule` pixels and more are looked for.
 */
export function countFinderPatterns(binary: GrayImage, minModule = 2): number {
  const { width, height, data } = binary;
  const found: Array<{ x: number; y: number; module: number; rows: number }> = [];
  const runs = new Int32Array(5);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    runs.fill(0);
    let dark = data[row] === 0;
    let current = 0;
    let count = 0;
    for (let x = 0; x <= width; x += 1) {
      const isDark = x < width && data[row + x] === 0;
      if (x < width && isDark === dark) {
        current += 1;
        continue;
      }
      // A run ended at x.
      runs.copyWithin(0, 1);
      runs[4] = current;
      count += 1;
      if (dark && count >= 5) {
        const total = runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
        const module = total / 7;
        if (module >= minModule && hasFinderRatios(runs, module)) {
          const centreX = x - runs[4] - runs[3] - (runs[2] >> 1);
          const vertical = verticalRuns(binary, centreX, y, total * 2);
          if (vertical !== undefined) {
            const verticalTotal = vertical.runs.reduce((sum, run) => sum + run, 0);
            if (
              Math.abs(verticalTotal - total) * 5 < total * 2 &&
              hasFinderRatios(vertical.runs, verticalTotal / 7)
            ) {
              addCandidate(found, centreX, vertical.centreY, (module + verticalTotal / 7) / 2);
            }
          }
        }
      }
      dark = isDark;
      current = 1;
    }
  }
  return found.filter((candidate) => candidate.rows >= 2).length;
}

function hasFinderRatios(runs: ArrayLike<number>, module: number): boolean {
  const tolerance = Math.max(module / 2, 1);
  return (
    Math.abs(runs[0] - module) <= tolerance &&
    Math.abs(runs[1] - module) <= tolerance &&
    Math.abs(runs[2] - 3 * module) <= 3 * tolerance &&
    Math.abs(runs[3] - module) <= tolerance &&
    Math.abs(runs[4] - module) <= tolerance
  );
}

/** The five runs along column x through the dark run at (x, y), or undefined at an edge. */
function verticalRuns(
  binary: GrayImage,
  x: number,
  y: number,
  maxLength: number,
): { runs: number[]; centreY: number } | undefined {
  const { width, height, data } = binary;
  const ink = (row: number): boolean => data[row * width + x] === 0;
  if (!ink(y)) return undefined;
  const walk = (step: 1 | -1): number[] | undefined => {
    const lengths = [0, 0, 0];
    let row = y;
    let length = 0;
    for (let part = 0; part < 3; part += 1) {
      const wantDark = part !== 1;
      while (row >= 0 && row < height && ink(row) === wantDark && length < maxLength) {
        lengths[part] += 1;
        row += step;
        length += 1;
      }
      if (lengths[part] === 0 || row < 0 || row >= height || length >= maxLength) {
        // The outer dark run may end at the image's edge; the others may not.
        if (part < 2 || lengths[part] === 0) return undefined;
      }
    }
    return lengths;
  };
  const up = walk(-1);
  const down = walk(1);
  if (up === undefined || down === undefined) return undefined;
  // The centre row was counted by both walks.
  const centre = up[0] + down[0] - 1;
  return {
    runs: [up[2], up[1], centre, down[1], down[2]],
    centreY: y - up[0] + 1 + (centre >> 1),
  };
}

function addCandidate(
  found: Array<{ x: number; y: number; module: number; rows: number }>,
  x: number,
  y: number,
  module: number,
): void {
  for (const candidate of found) {
    if (
      Math.abs(candidate.x - x) <= 2 * candidate.module &&
      Math.abs(candidate.y - y) <= 2 * candidate.module &&
      Math.abs(candidate.module - module) <= candidate.module / 2
    ) {
      candidate.rows += 1;
      return;
    }
  }
  found.push({ x, y, module, rows: 1 });
}
