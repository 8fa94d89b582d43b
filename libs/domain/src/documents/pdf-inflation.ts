import { promisify } from 'node:util';
import { inflate } from 'node:zlib';

/** On libuv's thread pool: a large scan does not stall the event loop while it is measured. */
const inflateAsync = promisify(inflate);

/**
 * How far a PDF's Flate streams inflate, measured with ceilings so that a compressed bomb (a few
 * kilobytes that inflate to gigabytes) is found without ever being inflated whole. `pdfinfo`
 * reads a PDF's structure, never its content: whoever renders the pages later would pay.
 */
export interface InflationLimits {
  /** Most bytes one stream may inflate to: an A3 page scanned at 300 dpi in colour is 52 MB. */
  readonly perStreamBytes: number;
  /** Most bytes all streams together may inflate to. */
  readonly totalBytes: number;
}

export const DEFAULT_INFLATION_LIMITS: InflationLimits = Object.freeze({
  perStreamBytes: 64 * 1024 * 1024,
  totalBytes: 512 * 1024 * 1024,
});

export type InflationVerdict =
  | {
      readonly ok: true;
      readonly inflatedBytes: number;
      readonly streams: number;
      /**
       * A stream inflated to over a megabyte at more than 50 to 1: a blank scanned page, or
       * content meant to be drawn many times. Worth rendering within a time limit.
       */
      readonly suspicious: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: 'stream-too-large' | 'total-too-large';
      readonly streams: number;
    };

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');
/** How far back from `stream` its dictionary is looked for. */
const DICTIONARY_WINDOW = 4_096;
const SUSPICIOUS_BYTES = 1024 * 1024;
const SUSPICIOUS_RATIO = 50;

export async function checkPdfInflation(
  pdf: Buffer,
  limits: InflationLimits = DEFAULT_INFLATION_LIMITS,
): Promise<InflationVerdict> {
  let total = 0;
  let streams = 0;
  let suspicious = false;
  for (let at = pdf.indexOf(STREAM); at >= 0; at = pdf.indexOf(STREAM, at + STREAM.length)) {
    // `endstream` contains `stream`: only a keyword after a dictionary opens a stream.
    if (at >= 3 && pdf.subarray(at - 3, at).toString('latin1') === 'end') continue;
    let start = at + STREAM.length;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] !== 0x0a) continue;
    start++;
    const dictionary = pdf.subarray(Math.max(0, at - DICTIONARY_WINDOW), at).toString('latin1');
    const opened = dictionary.lastIndexOf('<<');
    if (opened < 0 || !/\/(FlateDecode|Fl)\b/.test(dictionary.slice(opened))) continue;
    const end = pdf.indexOf(END_STREAM, start);
    if (end < 0) break;
    streams++;
    const budget = Math.min(limits.perStreamBytes, limits.totalBytes - total);
    let inflated: number;
    try {
      inflated = (await inflateAsync(pdf.subarray(start, end), { maxOutputLength: budget + 1 }))
        .length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return {
          ok: false,
          reason: budget < limits.perStreamBytes ? 'total-too-large' : 'stream-too-large',
          streams,
        };
      }
      // A damaged stream: not a bomb; the structure check decides whether the file is readable.
      inflated = 0;
    }
    if (inflated > budget) {
      return {
        ok: false,
        reason: budget < limits.perStreamBytes ? 'total-too-large' : 'stream-too-large',
        streams,
      };
    }
    total += inflated;
    if (inflated > SUSPICIOUS_BYTES && inflated > SUSPICIOUS_RATIO * (end - start))
      suspicious = true;
    at = end;
  }
  return { ok: true, inflatedBytes: total, streams, suspicious };
}
