import { describe, expect, it } from 'vitest';
import { chineseHolidays, holidaysForCountry } from '../../src/contract/holidays.ts';
import { describeLocale, districtCentres, resolveLocale } from '../../src/contract/locale.ts';

const auto = { timezone: 'auto', holidays_country: 'auto' };
const square = (lon0: number, lat0: number, lon1: number, lat1: number) => ({ type: 'Polygon' as const, coordinates: [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]] });

describe('districtCentres', () => {
  it('is the centre of the boundary\'s bounding box when there is a boundary', () => {
    expect(districtCentres(square(106.2, 29.6, 106.6, 30.0), [{ lon: 0, lat: 0 }])).toEqual([[106.4, 29.8], [0, 0]]);
  });

  it('is the median incident location without a boundary, so that stray points do not move it', () => {
    const points = [{ lon: -0.1, lat: 51.5 }, { lon: -0.2, lat: 51.6 }, { lon: 116.4, lat: 39.9 }, { lon: -0.12, lat: 51.48 }, { lon: Number.NaN, lat: 1 }];
    // lon sorted -0.2, -0.12, -0.1, 116.4 -> median (-0.12 - 0.1) / 2 = -0.11; lat 51.48, 51.5, 51.6, 39.9 -> (51.48 + 51.5) / 2 = 51.49.
    const [[lon, lat], ...rest] = districtCentres(undefined, points);
    expect(rest).toEqual([]);
    expect(lon).toBeCloseTo(-0.11, 10);
    expect(lat).toBeCloseTo(51.49, 10);
    expect(districtCentres(undefined, [])).toEqual([]);
  });
});

describe('resolveLocale', () => {
  it('looks the time zone and the country up from the location', () => {
    expect(resolveLocale(auto, [[106.43, 29.82]])).toMatchObject({ timeZone: 'Asia/Shanghai', timeZoneSource: 'location', country: 'CN', countrySource: 'location' });
    expect(resolveLocale(auto, [[-0.12, 51.5]])).toMatchObject({ timeZone: 'Europe/London', country: 'GB' });
    expect(resolveLocale(auto, [[-122.42, 37.77]])).toMatchObject({ timeZone: 'America/Los_Angeles', country: 'US' });
    // Territory level: Hong Kong keeps its own holidays.
    expect(resolveLocale(auto, [[114.17, 22.3]])).toMatchObject({ timeZone: 'Asia/Hong_Kong', country: 'HK' });
  });

  it('keeps what is configured, and falls back to UTC without a location', () => {
    expect(resolveLocale({ timezone: 'Asia/Chongqing', holidays_country: 'gb' }, [[-0.12, 51.5]])).toMatchObject({ timeZone: 'Asia/Chongqing', timeZoneSource: 'configured', country: 'GB', countrySource: 'configured' });
    expect(resolveLocale({ timezone: 'auto', holidays_country: 'none' }, [[106.43, 29.82]])).toMatchObject({ country: null, countrySource: 'configured' });
    const nowhere = resolveLocale(auto, []);
    expect(nowhere).toMatchObject({ timeZone: 'UTC', timeZoneSource: 'fallback', country: null, countrySource: 'unknown' });
    // Open sea (tz-lookup's Etc/ zones, no country): the next centre, the incidents' median, decides.
    expect(resolveLocale(auto, [[0, 0], [-0.12, 51.5]])).toMatchObject({ centre: [-0.12, 51.5], timeZone: 'Europe/London', country: 'GB' });
    expect(resolveLocale(auto, [[0, 0]])).toMatchObject({ timeZone: 'Etc/GMT', country: null, countrySource: 'unknown' });
    expect(describeLocale(nowhere)).toMatch(/no location to look it up from; set timezone/);
    expect(describeLocale(resolveLocale(auto, [[106.43, 29.82]]))).toBe("time zone Asia/Shanghai (from the district's location at (106.430, 29.820); set timezone to override), country CN (from the location)");
  });
});

describe('holidaysForCountry', () => {
  it('uses the Chinese table, with adjusted workdays and the Spring Festival, for China', () => {
    expect(holidaysForCountry('CN', 2024, 2025).holidays).toEqual(chineseHolidays(2024, 2025));
  });

  it('gives public and bank holidays elsewhere, not observances', () => {
    const gb = holidaysForCountry('GB', 2024, 2024).holidays;
    expect(gb.find((h) => h.date === '2024-12-25')).toEqual({ date: '2024-12-25', name: 'Christmas Day', kind: 'public_holiday' });
    expect(gb.map((h) => h.date)).toContain('2024-03-29'); // Good Friday
    expect(gb.every((h) => h.kind === 'public_holiday' && h.date.startsWith('2024-'))).toBe(true);
    const us = holidaysForCountry('US', 2024, 2024).holidays.map((h) => h.date);
    expect(us).toContain('2024-07-04');
    expect(us).toContain('2024-11-28'); // Thanksgiving
    expect(us).not.toContain('2024-02-14'); // Valentine's Day is an observance, not a day off
  });

  it('gives none for an unknown or uncovered country, and says so', () => {
    expect(holidaysForCountry(null, 2024, 2024)).toEqual({ holidays: [], source: 'none (no country)' });
    expect(holidaysForCountry('XX', 2024, 2024)).toEqual({ holidays: [], source: 'none (date-holidays has no calendar for XX)' });
  });
});
