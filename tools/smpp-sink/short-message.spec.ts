import { assembleText, receiptDate, receiptText, resolveGsmEscapes } from './short-message';

describe('resolveGsmEscapes', () => {
  it('maps an escape and the next character through the extension table', () => {
    expect(resolveGsmEscapes('10\x1Be \x1B<x\x1B> \x1B/')).toBe('10€ [x] \\');
  });

  it('drops an escape before a character outside the table, and a last one', () => {
    expect(resolveGsmEscapes('\x1BA\x1B')).toBe('A');
  });
});

describe('assembleText', () => {
  it('mends an escape split between GSM segments, not in other encodings', () => {
    const gsm = [
      { encoding: 'gsm7', text: 'Prix: 10\x1B' },
      { encoding: 'gsm7', text: 'e' },
    ] as const;
    expect(assembleText(gsm)).toBe('Prix: 10€');
    expect(assembleText(gsm.map((segment) => ({ ...segment, encoding: 'ucs2' as const })))).toBe(
      'Prix: 10\x1Be',
    );
  });
});

describe('receiptText', () => {
  it('writes the standard delivery receipt with the first 20 characters of the text', () => {
    expect(
      receiptText({
        messageId: 'abc',
        status: 'REJECTD',
        submittedAt: new Date('2025-03-09T08:05:00Z'),
        doneAt: new Date('2025-03-09T08:06:00Z'),
        text: 'Votre demande 📅 doit être renouvelée',
      }),
    ).toBe(
      'id:abc sub:001 dlvr:000 submit date:2503090805 done date:2503090806 stat:REJECTD err:001 ' +
        'text:Votre demande 📅 doit',
    );
    expect(receiptDate(new Date('1999-12-31T23:59:59Z'))).toBe('9912312359');
  });
});
