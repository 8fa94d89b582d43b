import { csvField, spreadsheetCsv } from './csv';

describe(csvField.name, () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvField('Le Fèvre; Martin')).toBe('"Le Fèvre; Martin"');
    expect(csvField('dit "Jo"')).toBe('"dit ""Jo"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(undefined)).toBe('');
  });

  it('defuses what a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+33612345678')).toBe("'+33612345678");
    expect(csvField('-1')).toBe("'-1");
  });
});

describe(spreadsheetCsv.name, () => {
  it('writes a byte order mark, a header and CRLF lines, empty cells for missing values', () => {
    expect(
      spreadsheetCsv(
        ['a', 'b'],
        [
          ['1', undefined],
          [null, 'x;y'],
        ],
      ),
    ).toBe('\uFEFFa;b\r\n1;\r\n;"x;y"\r\n');
  });
});
