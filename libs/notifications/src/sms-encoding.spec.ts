import { concatenationHeader, isGsm7, planSms, toMsisdn } from './sms-encoding';

describe('planSms', () => {
  it('keeps a French text with only GSM characters in GSM 7-bit', () => {
    const plan = planSms('Votre demande No: 057 1215 073903 10691 a été enregistrée à 10h.');
    expect(plan).toEqual({
      encoding: 'gsm7',
      dataCoding: 0,
      segments: ['Votre demande No: 057 1215 073903 10691 a été enregistrée à 10h.'],
    });
  });

  it('switches to UCS-2 for a character outside the GSM alphabet (ê)', () => {
    const text = 'Votre demande doit être renouvelée.';
    expect(isGsm7(text)).toBe(false);
    expect(planSms(text)).toMatchObject({ encoding: 'ucs2', dataCoding: 8, segments: [text] });
  });

  it('counts the euro sign as two septets', () => {
    expect(planSms('€'.repeat(80)).segments).toHaveLength(1);
    const plan = planSms('€'.repeat(81));
    expect(plan.segments.length).toBe(2);
    expect(plan.segments.join('')).toBe('€'.repeat(81));
    expect(plan.segments.every((segment) => [...segment].length * 2 <= 153)).toBe(true);
  });

  it('splits a long GSM text in segments of 153 septets', () => {
    const text = 'a'.repeat(161);
    expect(planSms('a'.repeat(160)).segments).toHaveLength(1);
    expect(planSms(text).segments.map((segment) => segment.length)).toEqual([153, 8]);
  });

  it('splits a long UCS-2 text in segments of 67 units without breaking a surrogate pair', () => {
    const text = 'ê'.repeat(66) + '😀' + 'ê'.repeat(10);
    const plan = planSms(text);
    expect(plan.encoding).toBe('ucs2');
    expect(plan.segments[0]).toBe('ê'.repeat(66));
    expect(plan.segments[1]).toBe('😀' + 'ê'.repeat(10));
  });

  it('refuses an empty text', () => {
    expect(() => planSms('')).toThrow('an SMS needs a text');
  });
});

describe('concatenationHeader', () => {
  it('is the 8-bit reference UDH', () => {
    expect([...concatenationHeader(300, 3, 2)]).toEqual([5, 0, 3, 44, 3, 2]);
  });
});

describe('toMsisdn', () => {
  it.each([
    ['06 12 34 56 78', '33612345678'],
    ['+33 6 12 34 56 78', '33612345678'],
    ['0033612345678', '33612345678'],
    ['07.12.34.56.78', '33712345678'],
  ])('turns %s into %s', (input, expected) => {
    expect(toMsisdn(input)).toBe(expected);
  });

  it('refuses what is not a phone number', () => {
    expect(() => toMsisdn('hello')).toThrow('not a phone number');
  });
});
