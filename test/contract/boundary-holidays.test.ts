import { describe, expect, it } from 'vitest';
import { createBoundaryTest, parseBoundary, pointInBoundary } from '../../src/contract/boundary.ts';
import { chineseHolidays } from '../../src/contract/holidays.ts';

const ring = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
  [0, 0],
];
const hole = [
  [4, 4],
  [6, 4],
  [6, 6],
  [4, 6],
  [4, 4],
];

describe('boundary', () => {
  it('accepts a bare geometry, a Feature and a FeatureCollection of several polygons', () => {
    expect(parseBoundary({ type: 'Polygon', coordinates: [ring] }).type).toBe('Polygon');
    expect(parseBoundary({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }).type).toBe('Polygon');
    const shifted = ring.map(([x, y]) => [x + 20, y]);
    const multi = parseBoundary({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] } },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [shifted] } },
      ],
    });
    expect(multi.type).toBe('MultiPolygon');
    expect(pointInBoundary(multi, 25, 5)).toBe(true);
    expect(pointInBoundary(multi, 15, 5)).toBe(false);
  });

  it('rejects what is not a WGS84 polygon', () => {
    expect(() => parseBoundary({ type: 'Point', coordinates: [1, 2] })).toThrow(/expected a Polygon or MultiPolygon, found Point/);
    expect(() => parseBoundary({ type: 'Polygon', coordinates: [[[500000, 3300000], [500100, 3300000], [500100, 3300100], [500000, 3300000]]] })).toThrow(/not WGS84/);
    expect(() => parseBoundary({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] })).toThrow(/at least 4 positions/);
  });

  it('inside, on the edge, outside, and in a hole', () => {
    const b = parseBoundary({ type: 'Polygon', coordinates: [ring, hole] });
    const inside = createBoundaryTest(b);
    expect(inside(1, 1)).toBe(true);
    expect(inside(10, 5)).toBe(true); // the edge belongs to the district
    expect(inside(11, 5)).toBe(false);
    expect(inside(5, 5)).toBe(false); // hole
    expect(inside(5, 5)).toBe(false); // memoised answer
  });
});

describe('chineseHolidays', () => {
  const h2016 = chineseHolidays(2016, 2016);
  const kindOf = (date: string) => h2016.find((h) => h.date === date)?.kind;

  it('marks the Spring Festival period from Lunar New Year\'s Eve through the Lantern Festival', () => {
    // Lunar New Year 2016 was 8 February; the eve 7 February; the Lantern Festival 22 February.
    const period = h2016.filter((h) => h.kind === 'spring_festival').map((h) => h.date);
    expect(period[0]).toBe('2016-02-07');
    expect(period.at(-1)).toBe('2016-02-22');
    expect(period).toHaveLength(16);
    expect(h2016.find((h) => h.date === '2016-02-22')?.name).toContain('Lantern Festival');
    expect(h2016.find((h) => h.date === '2016-02-14')?.name).toContain('adjusted workday');
  });

  it('has public holidays and adjusted workdays from the official notices', () => {
    expect(kindOf('2016-01-01')).toBe('public_holiday');
    expect(kindOf('2016-10-07')).toBe('public_holiday');
    expect(kindOf('2016-02-06')).toBe('adjusted_workday'); // Saturday worked before the Spring Festival
    expect(kindOf('2016-10-09')).toBe('adjusted_workday');
    expect(kindOf('2016-03-01')).toBeUndefined();
  });

  it('one row per date, sorted, within the requested years', () => {
    const all = chineseHolidays(2016, 2025);
    const dates = all.map((h) => h.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    expect(dates[0] >= '2016-01-01' && dates.at(-1)! <= '2025-12-31').toBe(true);
    expect(all.filter((h) => h.kind === 'spring_festival')).toHaveLength(160);
  });
});
