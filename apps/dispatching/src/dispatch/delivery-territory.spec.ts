import { DemandEventTypes, DocumentEventTypes } from '@sne/contracts';
import { factory } from '@sne/testing';
import { eventWithinTerritory } from './delivery-territory';

const demandEvent = (department: string, wishedCommunes: string[]) =>
  factory.demandEvent(DemandEventTypes.Registered, factory.demand({ department, wishedCommunes }));

describe('eventWithinTerritory', () => {
  it("reads a demand event's department", () => {
    expect(eventWithinTerritory(demandEvent('075', ['75056']), { departments: ['075'] })).toBe(
      true,
    );
    expect(eventWithinTerritory(demandEvent('057', ['57463']), { departments: ['075'] })).toBe(
      false,
    );
  });

  it("holds a territory of communes to the demand's wished communes", () => {
    const metz = { departments: ['057'], communes: ['57463'] };
    expect(eventWithinTerritory(demandEvent('057', ['57463']), metz)).toBe(true);
    expect(eventWithinTerritory(demandEvent('057', ['57672']), metz)).toBe(false);
  });

  it("reads a document event's department from its numéro unique, and refuses one it cannot read", () => {
    const event = (numeroUnique: string) => ({
      ...demandEvent('057', []),
      type: DocumentEventTypes[
        Object.keys(DocumentEventTypes)[0] as keyof typeof DocumentEventTypes
      ],
      data: {
        documentId: 'd1',
        numeroUnique,
        category: 'IDD',
        documentType: 'CID',
        sensitive: false,
      },
    });
    expect(eventWithinTerritory(event('057 1215 073903 10691'), { departments: ['057'] })).toBe(
      true,
    );
    expect(eventWithinTerritory(event('057 1215 073903 10691'), { departments: ['075'] })).toBe(
      false,
    );
    expect(eventWithinTerritory(event('garbage'), { departments: ['057'] })).toBe(false);
  });

  it('lets everything through a named national territory', () => {
    expect(
      eventWithinTerritory(demandEvent('057', ['57463']), { national: { mandate: 'DALO' } }),
    ).toBe(true);
  });
});
