import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { droughtCode, duffMoistureCode, fineFuelMoistureCode, fireWeatherSeries, type FwiDay } from '../../src/features/fwi.ts';
import { build } from './helpers.ts';
import { dataset, incident, tinyGrid, weatherRow } from './tiny.ts';

const day = (temp_c: number, rel_humidity_pct: number, wind_kmh: number, rain_mm: number, month = 4): FwiDay => ({ temp_c, rel_humidity_pct, wind_kmh, rain_mm, month });

describe('Canadian Fire Weather Index System', () => {
  it('reproduces the first two days of the published sample output (Van Wagner & Pickett 1985, 13-14 April)', () => {
    const [first, second] = fireWeatherSeries([day(17, 42, 25, 0), day(20, 21, 25, 2.4)]);
    // Published to one decimal: FFMC, DMC, DC, ISI, BUI, FWI.
    expect([first.ffmc, first.dmc, first.dc, first.isi, first.bui, first.fwi].map((v) => Number(v.toFixed(1)))).toEqual([87.7, 8.5, 19.0, 10.9, 8.5, 10.1]);
    expect([second.ffmc, second.dmc, second.dc, second.isi, second.bui, second.fwi].map((v) => Number(v.toFixed(1)))).toEqual([86.2, 10.4, 23.6, 8.8, 10.4, 9.3]);
  });

  it('keeps the codes in range and lets rain only wet the fuels', () => {
    const weather = fc.record({
      temp_c: fc.double({ min: -10, max: 42, noNaN: true }),
      rel_humidity_pct: fc.double({ min: 5, max: 100, noNaN: true }),
      wind_kmh: fc.double({ min: 0, max: 60, noNaN: true }),
      rain_mm: fc.double({ min: 0, max: 120, noNaN: true }),
      month: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 101, noNaN: true }), fc.double({ min: 0, max: 300, noNaN: true }), fc.double({ min: 0, max: 800, noNaN: true }), weather, fc.double({ min: 3, max: 80, noNaN: true }), (ffmc, dmc, dc, d, rain) => {
        const f = fineFuelMoistureCode(ffmc, d);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(101);
        expect(duffMoistureCode(dmc, d)).toBeGreaterThanOrEqual(0);
        expect(droughtCode(dc, d)).toBeGreaterThanOrEqual(0);
        // The same day with more rain is never drier.
        const wetter = { ...d, rain_mm: d.rain_mm + rain };
        expect(fineFuelMoistureCode(ffmc, wetter)).toBeLessThanOrEqual(f + 1e-9);
        expect(duffMoistureCode(dmc, wetter)).toBeLessThanOrEqual(duffMoistureCode(dmc, d) + 1e-9);
        expect(droughtCode(dc, wetter)).toBeLessThanOrEqual(droughtCode(dc, d) + 1e-9);
      }),
    );
  });

  it('feeds the codes of the dense weather series into the feature table, day by day', async () => {
    const weather = ['2024-03-30', '2024-03-31', '2024-04-01', '2024-04-02'].map((date, i) =>
      weatherRow(date, { temp_max_c: 15 + i, rel_humidity_pct: 40, wind_speed_ms: 5, precip_mm: i === 2 ? 6 : 0 }),
    );
    const b = await build(dataset({ incidents: [incident('2024-03-30', 0, 0)], weather }), tinyGrid(1, 1), '2024-03-30', '2024-04-02');
    const at = (index: number) => {
      const row = b.at(0, ['2024-03-30', '2024-03-31', '2024-04-01', '2024-04-02'][index]);
      return { ffmc: Number(row.ffmc), dmc: Number(row.dmc), dc: Number(row.dc), fwi: Number(row.fwi) };
    };
    // Rain of 6 mm on April 1 lowers every moisture code below the day before.
    expect(at(2).ffmc).toBeLessThan(at(1).ffmc);
    expect(at(2).dmc).toBeLessThan(at(1).dmc);
    expect(at(2).dc).toBeLessThan(at(1).dc);
    // April 2 follows from April 1 by one step of the equations (wind 5 m/s = 18 km/h).
    const next = fireWeatherSeries([day(18, 40, 18, 0, 4)], { ffmc: at(2).ffmc, dmc: at(2).dmc, dc: at(2).dc })[0];
    expect(at(3).ffmc).toBeCloseTo(next.ffmc, 3);
    expect(at(3).dmc).toBeCloseTo(next.dmc, 3);
    expect(at(3).dc).toBeCloseTo(next.dc, 3);
    expect(at(3).fwi).toBeCloseTo(next.fwi, 3);
  });
});
