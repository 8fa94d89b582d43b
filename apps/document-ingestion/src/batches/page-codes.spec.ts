import { pageRanges } from './page-codes';

describe('pageRanges', () => {
  /** The pages a range covers, the open last one up to `pageCount`. */
  const covered = (ranges: ReturnType<typeof pageRanges>, pageCount: number) =>
    ranges.flatMap(({ firstPage, lastPage }) =>
      Array.from(
        { length: (lastPage ?? pageCount) - firstPage + 1 },
        (_, offset) => firstPage + offset,
      ),
    );

  it.each([
    [1, 2],
    [9, 2],
    [201, 2],
    [201, 4],
    [1000, 1],
    [57, 3],
  ])('covers the %i pages once, in order, with %i lanes', (pageCount, lanes) => {
    const ranges = pageRanges(pageCount, lanes);
    expect(covered(ranges, pageCount)).toEqual(
      Array.from({ length: pageCount }, (_, index) => index + 1),
    );
  });

  it('leaves the last range open, so pages beyond the count are read too', () => {
    const ranges = pageRanges(201, 2);
    expect(ranges.at(-1)!.lastPage).toBeUndefined();
    expect(ranges.slice(0, -1).every((range) => range.lastPage !== undefined)).toBe(true);
  });

  it('starts with large ranges and ends with small ones, of 8 to 32 pages', () => {
    const ranges = pageRanges(201, 2);
    const sizes = ranges.map(({ firstPage, lastPage }) => (lastPage ?? 201) - firstPage + 1);
    expect(sizes[0]).toBe(32);
    expect(sizes.at(-1)).toBeLessThan(16);
    expect(sizes.every((size, index) => index === 0 || size <= sizes[index - 1])).toBe(true);
    expect(sizes.every((size) => size >= 8 && size <= 32)).toBe(true);
    // Few enough calls that starting a decoder for each costs little.
    expect(ranges.length).toBeLessThanOrEqual(12);
  });

  it('gives a small batch one range, and an unknown count one open range', () => {
    expect(pageRanges(5, 2)).toEqual([{ firstPage: 1 }]);
    expect(pageRanges(15, 2)).toEqual([{ firstPage: 1 }]);
    expect(pageRanges(16, 2)).toEqual([{ firstPage: 1, lastPage: 8 }, { firstPage: 9 }]);
    expect(pageRanges(0, 2)).toEqual([{ firstPage: 1 }]);
  });
});
