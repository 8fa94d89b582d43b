/**
 * The QR symbol of a payload: high error correction, so 30% of it may be lost to a staple, a
 * fold, a pen stroke or scanner noise, and the standard quiet zone of 4 modules.
 */
import QRCode from 'qrcode';
import { grayToPng } from './image';

export const QR_QUIET_ZONE = 4;

export interface QrMatrix {
  /** Modules per side, quiet zone excluded. */
  readonly size: number;
  isDark(row: number, column: number): boolean;
}

export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'H' });
  return { size: modules.size, isDark: (row, column) => modules.get(row, column) === 1 };
}

/**
 * A grey PNG, quiet zone included, `scale` pixels a module: for an email or a screen. Printed
 * documents draw the modules as vector squares instead (see documents/layout.ts).
 */
export function qrCodePng(text: string, scale = 8): Buffer {
  const matrix = qrMatrix(text);
  const side = (matrix.size + 2 * QR_QUIET_ZONE) * scale;
  const data = new Uint8Array(side * side).fill(255);
  for (let row = 0; row < matrix.size; row += 1) {
    for (let column = 0; column < matrix.size; column += 1) {
      if (!matrix.isDark(row, column)) continue;
      const left = (QR_QUIET_ZONE + column) * scale;
      for (let line = 0; line < scale; line += 1) {
        const start = ((QR_QUIET_ZONE + row) * scale + line) * side + left;
        data.fill(0, start, start + scale);
      }
    }
  }
  return grayToPng({ width: side, height: side, data });
}
