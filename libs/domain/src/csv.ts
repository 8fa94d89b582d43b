/**
 * One field for a spreadsheet: quoted when it holds the separator, a quote or a line break, and
 * defused when it starts like a formula (CSV injection).
 */
export function csvField(value: string | undefined | null): string {
  if (value === undefined || value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV the way French spreadsheets expect it: `;`-separated, CRLF, a UTF-8 byte order mark. */
export function spreadsheetCsv(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | undefined | null>>,
): string {
  const lines = [header.join(';'), ...rows.map((row) => row.map(csvField).join(';'))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
