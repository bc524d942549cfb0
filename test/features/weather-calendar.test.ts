import { describe, expect, it } from 'vitest';
import { build, readParquet, tempOut, testConfig } from './helpers.ts';
import { buildFeatures } from '../../src/features/build.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import type { DistrictLocale } from '../../src/contract/locale.ts';
import { dataset, incident, tinyGrid, weatherRow } from './tiny.ts';

const grid = tinyGrid(1, 2);
const incidents = [incident('2024-01-01', 0, 0)];

describe('weather features', () => {
  it('computes dry days, 7-day precipitation and the Nesterov index from the day and the days before', async () => {
    // RH 100 % -> dew point = T, so the Nesterov term T * (T - Td) is 0; with RH 50 % and T = 20 °C:
    // gamma = ln(0.5) + 17.625*20/263.04 = 0.647001, Td = 243.04*gamma/(17.625-gamma) = 9.2617 °C, term = 20 * 10.7383 = 214.77.
    const weather = [
      weatherRow('2024-01-01', { precip_mm: 5 }), // rain > 3 mm: index 0, wet
      weatherRow('2024-01-02', { precip_mm: 0, rel_humidity_pct: 50 }),
      weatherRow('2024-01-03', { precip_mm: 0.5, rel_humidity_pct: 50 }), // dry (< 1 mm)
      weatherRow('2024-01-04', { precip_mm: 2, rel_humidity_pct: 50 }), // wet (>= 1 mm) but not > 3 mm: index keeps growing
      weatherRow('2024-01-05', { precip_mm: 4, rel_humidity_pct: 50 }), // rain > 3 mm: reset
      weatherRow('2024-01-06', { precip_mm: 0, rel_humidity_pct: 50, temp_max_c: -1, temp_min_c: -5 }), // T <= 0 adds nothing
    ];
    const b = await build(dataset({ incidents, weather }), grid, '2024-01-01', '2024-01-06');
    const term = 214.77;
    expect(b.at(0, '2024-01-01')).toMatchObject({ dry_days: 0, nesterov_index: 0, precip_mm: 5 });
    expect(b.at(0, '2024-01-02').dry_days).toBe(1);
    expect(b.at(0, '2024-01-02').nesterov_index).toBeCloseTo(term, 1);
    expect(b.at(0, '2024-01-03').dry_days).toBe(2);
    expect(b.at(0, '2024-01-03').nesterov_index).toBeCloseTo(2 * term, 0);
    expect(b.at(0, '2024-01-04').dry_days).toBe(0);
    expect(b.at(0, '2024-01-04').nesterov_index).toBeCloseTo(3 * term, 0);
    expect(b.at(0, '2024-01-05')).toMatchObject({ dry_days: 0, nesterov_index: 0 });
    expect(b.at(0, '2024-01-06')).toMatchObject({ dry_days: 1, nesterov_index: 0, temp_max_c: -1 });
    // 7 days ending on the 4th: Dec 29-31 precede the first weather row and take its 5 mm (imputed).
    expect(b.at(1, '2024-01-04').precip_7d_mm).toBeCloseTo(3 * 5 + 5 + 0 + 0.5 + 2, 5);
  });

  it('prefers observations, uses forecasts only for days without one, and carries the last day over a gap (flagged)', async () => {
    const weather = [
      weatherRow('2024-01-01', { temp_max_c: 10 }),
      weatherRow('2024-01-02', { temp_max_c: 12 }),
      weatherRow('2024-01-02', { temp_max_c: 30, is_forecast: true }),
      // 2024-01-03 missing
      weatherRow('2024-01-04', { temp_max_c: 14, station_id: 'a' }),
      weatherRow('2024-01-04', { temp_max_c: 16, station_id: 'b' }),
      weatherRow('2024-01-05', { temp_max_c: 25, is_forecast: true }),
    ];
    const b = await build(dataset({ incidents, weather }), grid, '2024-01-02', '2024-01-05');
    expect(b.at(0, '2024-01-02')).toMatchObject({ temp_max_c: 12, flag_weather_forecast: false, flag_weather_imputed: false });
    expect(b.at(0, '2024-01-03')).toMatchObject({ temp_max_c: 12, flag_weather_imputed: true });
    expect(b.at(0, '2024-01-04')).toMatchObject({ temp_max_c: 15, flag_weather_imputed: false });
    expect(b.at(0, '2024-01-05')).toMatchObject({ temp_max_c: 25, flag_weather_forecast: true });
    expect(b.result.manifest.imputed.flag_weather_imputed).toBe(2); // one day x two cells
    expect(b.result.manifest.imputed.flag_weather_forecast).toBe(2);
  });

  it('reaches the day after the last data without a forecast row for it: the last weather carried forward, flagged, with a warning', async () => {
    const weather = [weatherRow('2024-01-01', { temp_max_c: 10 }), weatherRow('2024-01-02', { temp_max_c: 12 })];
    const log = createMemoryLogger();
    const result = await buildFeatures(dataset({ incidents, weather }), grid, { from: '2024-01-01', outDir: tempOut(), config: testConfig() }, log);
    const rows = await readParquet(result.parquetPath);
    expect([...new Set(rows.map((r) => r.day))]).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(rows.filter((r) => r.day === '2024-01-03')).toMatchObject([
      { cell_index: 0, temp_max_c: 12, flag_weather_imputed: true, y_fires: null },
      { cell_index: 1, temp_max_c: 12, flag_weather_imputed: true, y_fires: null },
    ]);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContain(
      'features: no weather row for 2024-01-03, the day after the last data (the day a nightly run scores): the weather of 2024-01-02 is carried forward and flagged (flag_weather_imputed); forecast rows (is_forecast = true) would give it its own',
    );
    // With a forecast for that day, nothing is carried and nothing said.
    const forecastLog = createMemoryLogger();
    const withForecast = await buildFeatures(dataset({ incidents, weather: [...weather, weatherRow('2024-01-03', { temp_max_c: 20, is_forecast: true })] }), grid, { from: '2024-01-01', outDir: tempOut(), config: testConfig() }, forecastLog);
    const forecastRows = await readParquet(withForecast.parquetPath);
    expect(forecastRows.filter((r) => r.day === '2024-01-03').map((r) => r.temp_max_c)).toEqual([20, 20]);
    expect(forecastLog.lines.some((l) => l.message.startsWith('features: no weather row'))).toBe(false);
  });
});

describe('calendar features', () => {
  it('marks weekday terms, holidays, the Spring Festival period and the cold season', async () => {
    const weather = ['2024-01-31', '2024-02-01', '2024-02-02', '2024-02-10', '2024-02-24', '2024-02-25', '2024-03-01', '2024-10-01'].map((d) => weatherRow(d));
    const holidays = [
      { date: '2024-02-10', name: '春节', kind: 'spring_festival' as const },
      { date: '2024-10-01', name: '国庆节', kind: 'public_holiday' as const },
      { date: '2024-02-04', name: '春节调休', kind: 'adjusted_workday' as const },
    ];
    const b = await build(dataset({ incidents, weather, holidays }), grid, '2024-01-31', '2024-10-01');
    // 2024-02-02 is lunar 12/23 (小年), 2024-02-24 lunar 1/15 (元宵), 2024-02-25 lunar 1/16.
    expect(b.at(0, '2024-02-01').is_spring_festival).toBe(0);
    expect(b.at(0, '2024-02-02').is_spring_festival).toBe(1);
    expect(b.at(0, '2024-02-24').is_spring_festival).toBe(1);
    expect(b.at(0, '2024-02-25').is_spring_festival).toBe(0);
    expect(b.at(0, '2024-02-10')).toMatchObject({ is_public_holiday: 1, is_weekend: 1, is_cold_season: 1 });
    expect(b.at(0, '2024-02-04')).toMatchObject({ is_adjusted_workday: 1, is_weekend: 1 });
    expect(b.at(0, '2024-10-01')).toMatchObject({ is_public_holiday: 1, is_weekend: 0, is_cold_season: 0 });
    expect(b.at(0, '2024-03-01').is_cold_season).toBe(0);
    // 2024-01-31 is a Wednesday (weekday 3, Sunday = 0); day of year 31.
    expect(b.at(0, '2024-01-31').dow_sin).toBeCloseTo(Math.sin((2 * Math.PI * 3) / 7), 5);
    expect(b.at(0, '2024-01-31').doy_cos).toBeCloseTo(Math.cos((2 * Math.PI * 30) / 365.25), 5);
    // 2000-01-01 to 2024-01-31: 24 years of which 6 leap years (2000 … 2020), then 30 days.
    expect(b.at(0, '2024-01-31').trend_years).toBeCloseTo((24 * 365 + 6 + 30) / 365.25, 5);
    expect(b.at(1, '2024-10-01').trend_years).toBe(b.at(0, '2024-10-01').trend_years);
  });

  it('south of the equator the cold season is June-August, and outside the lunar-new-year countries there is no Spring Festival', async () => {
    const weather = ['2024-01-15', '2024-02-10', '2024-07-15', '2024-12-15'].map((d) => weatherRow(d));
    const sydney: DistrictLocale = { centre: [151.2, -33.87], timeZone: 'Australia/Sydney', timeZoneSource: 'location', country: 'AU', countrySource: 'location' };
    const b = await build(dataset({ incidents, weather, locale: sydney }), grid, '2024-01-15', '2024-12-15');
    expect(b.at(0, '2024-07-15').is_cold_season).toBe(1);
    expect(b.at(0, '2024-01-15').is_cold_season).toBe(0);
    expect(b.at(0, '2024-12-15').is_cold_season).toBe(0);
    // 2024-02-10 is Lunar New Year's Day: marked in China (test above), not in Australia.
    expect(b.at(0, '2024-02-10').is_spring_festival).toBe(0);
  });
});
