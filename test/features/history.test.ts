import { describe, expect, it } from 'vitest';
import { build } from './helpers.ts';
import type { Incident } from '../../src/contract/schemas.ts';
import { dataset, incident, outsidePoint, tinyGrid, weatherDays } from './tiny.ts';

// A 2 x 2 grid: cell 0 = r0c0, 1 = r0c1, 2 = r1c0, 3 = r1c1; every cell is a queen neighbour of the others.
const grid = tinyGrid(2, 2);

describe('incident history features', () => {
  it('counts fires and alarms in trailing windows that end the day before, and labels the day itself', async () => {
    const ds = dataset({
      incidents: [
        incident('2024-01-01', 0, 0), // history start
        incident('2024-01-05', 0, 0),
        incident('2024-01-05', 0, 0, 'rescue'),
        incident('2024-01-08', 0, 0),
        incident('2024-01-08', 1, 1, 'other'),
      ],
      weather: weatherDays('2023-12-01', '2024-01-20'),
    });
    const b = await build(ds, grid, '2024-01-05', '2024-01-09');
    // Day 2024-01-05: labels count that day; history only before it.
    expect(b.at(0, '2024-01-05')).toMatchObject({ y_fires: 1, y_alarms: 2, fires_1d: 0, fires_7d: 1, alarms_7d: 1, fires_365d: 1 });
    // Day 2024-01-06: the 05th is now "yesterday".
    expect(b.at(0, '2024-01-06')).toMatchObject({ y_fires: 0, y_alarms: 0, fires_1d: 1, alarms_1d: 2, fires_7d: 2, alarms_7d: 3, days_since_fire: 1 });
    // Day 2024-01-09: fires on 01, 05, 08 -> 1d: 1, 7d (02..08): 2, 30d: 3; alarms 7d: 3 (05 fire + rescue, 08 fire).
    expect(b.at(0, '2024-01-09')).toMatchObject({ fires_1d: 1, fires_7d: 2, fires_30d: 3, alarms_7d: 3, alarms_30d: 4, days_since_fire: 1 });
    // Cell 3's only incident is not a fire.
    expect(b.at(3, '2024-01-09')).toMatchObject({ fires_30d: 0, alarms_1d: 1, alarms_30d: 1, days_since_fire: 365 });
    // Spatial lag: cell 3's neighbours (0, 1, 2) had fires on 05 and 08 within 7 days before the 9th; all alarms of 0 in 30 days = 4.
    expect(b.at(3, '2024-01-09')).toMatchObject({ nb_fires_7d: 2, nb_fires_30d: 3, nb_alarms_30d: 4 });
    expect(b.at(0, '2024-01-09')).toMatchObject({ nb_fires_30d: 0, nb_alarms_30d: 1 });
    expect(b.rows).toHaveLength(4 * 5);
    // Ordered by day, then cell_index.
    expect(b.rows.slice(0, 5).map((r) => [r.day, r.cell_index])).toEqual([
      ['2024-01-05', 0], ['2024-01-05', 1], ['2024-01-05', 2], ['2024-01-05', 3], ['2024-01-06', 0],
    ]);
  });

  it('shrinks the long-run fire rate towards the district mean (gamma-Poisson, method of moments)', async () => {
    const ds = dataset({
      incidents: [incident('2024-01-01', 0, 0), incident('2024-01-05', 0, 0)],
      weather: weatherDays('2023-12-01', '2024-01-10'),
    });
    const b = await build(ds, grid, '2024-01-06', '2024-01-06');
    // T = 5 days since the history start; cum fires n = [2, 0, 0, 0]: mean 0.5, var 0.75.
    // m = 0.1/day, v = (0.75 - 0.5)/25 = 0.01, beta = m/v = 10, alpha = 1.
    // Cell 0: (1 + 2)/(10 + 5) = 0.2/day; cells 1-3: 1/15 per day. Reported per year (x 365.25).
    expect(b.at(0, '2024-01-06').fire_rate_eb).toBeCloseTo(0.2 * 365.25, 3);
    expect(b.at(1, '2024-01-06').fire_rate_eb).toBeCloseTo((1 / 15) * 365.25, 3);
    // Neighbour rate of cell 1: neighbours 0, 2, 3 hold 2 fires in all -> mean 2/3: (1 + 2/3)/15.
    expect(b.at(1, '2024-01-06').nb_fire_rate_eb).toBeCloseTo(((1 + 2 / 3) / 15) * 365.25, 3);
    // Cell 0's neighbours have no fires: 1/15.
    expect(b.at(0, '2024-01-06').nb_fire_rate_eb).toBeCloseTo((1 / 15) * 365.25, 3);
  });

  it('shrinks the long-run rate of other incidents with its own prior', async () => {
    const ds = dataset({
      incidents: [incident('2024-01-01', 0, 0, 'rescue'), incident('2024-01-02', 0, 0, 'assistance'), incident('2024-01-03', 0, 1), incident('2024-01-04', 0, 0, 'other')],
      weather: weatherDays('2023-12-01', '2024-01-10'),
    });
    const b = await build(ds, grid, '2024-01-06', '2024-01-06');
    // T = 5; other incidents n = [3, 0, 0, 0]: mean 0.75, var 2.25 - 0.5625 = 1.6875.
    // m = 0.15/day, v = (1.6875 - 0.75)/25 = 0.0375, beta = 4, alpha = 0.6. Cell 0: 3.6/9 = 0.4/day; the others 0.6/9.
    expect(b.at(0, '2024-01-06').other_rate_eb).toBeCloseTo(0.4 * 365.25, 3);
    expect(b.at(3, '2024-01-06').other_rate_eb).toBeCloseTo((0.6 / 9) * 365.25, 3);
    // Cell 1's neighbours 0, 2, 3 hold 3 in all -> mean 1: (0.6 + 1)/9. Cell 0's neighbours hold none.
    expect(b.at(1, '2024-01-06').nb_other_rate_eb).toBeCloseTo((1.6 / 9) * 365.25, 3);
    expect(b.at(0, '2024-01-06').nb_other_rate_eb).toBeCloseTo((0.6 / 9) * 365.25, 3);
    // The fire in cell 1 does not count as an other incident; fires are not overdispersed here (n = [0, 1, 0, 0]).
    expect(b.at(1, '2024-01-06').fire_rate_eb).toBeCloseTo((0.25 / 5) * 365.25, 3);
  });

  it('shrinks the long-run rate of outdoor fires with its own prior, counting fires of property type outdoor only', async () => {
    const outdoor = (i: Incident): Incident => ({ ...i, property_type: 'outdoor' });
    const ds = dataset({
      incidents: [
        outdoor(incident('2024-01-01', 0, 0)),
        outdoor(incident('2024-01-05', 0, 0)),
        incident('2024-01-02', 0, 1), // a fire in a building
        outdoor(incident('2024-01-03', 1, 0, 'rescue')), // outdoors, but not a fire
      ],
      weather: weatherDays('2023-12-01', '2024-01-10'),
    });
    const b = await build(ds, grid, '2024-01-06', '2024-01-06');
    // T = 5; outdoor fires n = [2, 0, 0, 0]: m = 0.1/day, v = 0.01, beta = 10, alpha = 1 (as for fires above).
    expect(b.at(0, '2024-01-06').outdoor_fire_rate_eb).toBeCloseTo(0.2 * 365.25, 3);
    expect(b.at(1, '2024-01-06').outdoor_fire_rate_eb).toBeCloseTo((1 / 15) * 365.25, 3);
    expect(b.at(2, '2024-01-06').outdoor_fire_rate_eb).toBeCloseTo((1 / 15) * 365.25, 3);
    // Cell 1's neighbours 0, 2, 3 hold 2 outdoor fires -> mean 2/3: (1 + 2/3)/15; cell 0's hold none.
    expect(b.at(1, '2024-01-06').nb_outdoor_fire_rate_eb).toBeCloseTo(((1 + 2 / 3) / 15) * 365.25, 3);
    expect(b.at(0, '2024-01-06').nb_outdoor_fire_rate_eb).toBeCloseTo((1 / 15) * 365.25, 3);
  });

  it('labels each cell-day with its outdoor fires beside all its fires (the label of the outdoor fire class)', async () => {
    const outdoor = (i: Incident): Incident => ({ ...i, property_type: 'outdoor' });
    const ds = dataset({
      incidents: [
        outdoor(incident('2024-01-05', 0, 0)),
        outdoor(incident('2024-01-05', 0, 0)),
        incident('2024-01-05', 0, 0), // a fire in a building
        outdoor(incident('2024-01-05', 0, 1, 'rescue')), // outdoors, but not a fire
        incident('2024-01-06', 0, 1),
      ],
      weather: weatherDays('2023-12-01', '2024-01-10'),
    });
    const b = await build(ds, grid, '2024-01-05', '2024-01-06');
    expect(b.at(0, '2024-01-05')).toMatchObject({ y_fires: 3, y_outdoor_fires: 2, y_alarms: 3 });
    expect(b.at(1, '2024-01-05')).toMatchObject({ y_fires: 0, y_outdoor_fires: 0, y_alarms: 1 });
    expect(b.at(0, '2024-01-06')).toMatchObject({ y_fires: 0, y_outdoor_fires: 0 });
    expect(b.at(1, '2024-01-06')).toMatchObject({ y_fires: 1, y_outdoor_fires: 0 });
  });

  it('gives a cell without neighbours the prior mean as its neighbours\' rate', async () => {
    // Cells (0, 0) and (0, 2) of a 1 x 3 grid: not neighbours of each other.
    const row = tinyGrid(1, 3);
    const apart = { ...row, definition: { ...row.definition, cell_count: 2 }, cells: row.cells.filter((c) => c.col !== 1).map((c, i) => ({ ...c, cell_index: i })) };
    const ds = dataset({
      incidents: [incident('2024-01-01', 0, 0), incident('2024-01-02', 0, 0), incident('2024-01-03', 0, 0)],
      weather: weatherDays('2023-12-01', '2024-01-10'),
    });
    const b = await build(ds, apart, '2024-01-06', '2024-01-06');
    // T = 5; n = [3, 0]: mean 1.5, var 2.25; m = 0.3/day, v = 0.75/25 = 0.03, beta = 10, alpha = 3.
    expect(b.at(0, '2024-01-06').fire_rate_eb).toBeCloseTo((6 / 15) * 365.25, 3);
    expect(b.at(1, '2024-01-06').fire_rate_eb).toBeCloseTo((3 / 15) * 365.25, 3);
    for (const c of [0, 1]) expect(b.at(c, '2024-01-06').nb_fire_rate_eb).toBeCloseTo(0.3 * 365.25, 3);
  });

  it('gives an outdoor fire rate of 0 everywhere when no fire burned outdoors', async () => {
    const ds = dataset({
      incidents: [incident('2024-01-01', 0, 0), incident('2024-01-02', 1, 1)],
      weather: weatherDays('2023-12-01', '2024-01-10'),
    });
    const b = await build(ds, grid, '2024-01-04', '2024-01-04');
    for (const c of [0, 1, 2, 3]) expect(b.at(c, '2024-01-04')).toMatchObject({ outdoor_fire_rate_eb: 0, nb_outdoor_fire_rate_eb: 0 });
  });

  it('uses the district mean when counts are not overdispersed', async () => {
    const ds = dataset({
      incidents: [0, 1, 2, 3].map((c) => incident('2024-01-01', Math.floor(c / 2), c % 2)),
      weather: weatherDays('2023-12-01', '2024-01-10'),
    });
    const b = await build(ds, grid, '2024-01-03', '2024-01-03');
    // n = [1,1,1,1], T = 2: var 0 <= mean -> every cell gets m = 1/2 per day.
    for (const c of [0, 1, 2, 3]) expect(b.at(c, '2024-01-03').fire_rate_eb).toBeCloseTo(0.5 * 365.25, 3);
  });

  it('counts incidents outside the grid in the manifest and leaves them out', async () => {
    const outside = { ...incident('2024-01-02', 0, 0), ...outsidePoint() };
    const ds = dataset({ incidents: [incident('2024-01-01', 0, 0), outside], weather: weatherDays('2023-12-01', '2024-01-10') });
    const b = await build(ds, grid, '2024-01-03', '2024-01-03');
    expect(b.result.manifest.out_of_grid.incidents).toBe(1);
    expect(b.rows.reduce((s, r) => s + Number(r.fires_7d), 0)).toBe(1);
  });

  it('leaves labels empty after the last observed day (forecast days)', async () => {
    const ds = dataset({
      incidents: [incident('2024-01-01', 0, 0)],
      weather: [...weatherDays('2023-12-01', '2024-01-04'), ...weatherDays('2024-01-05', '2024-01-06', { is_forecast: true })],
    });
    const b = await build(ds, grid, '2024-01-04', '2024-01-06');
    expect(b.result.manifest.labels_until).toBe('2024-01-04');
    expect(b.at(0, '2024-01-04').y_fires).toBe(0);
    expect(b.at(0, '2024-01-05').y_fires).toBeNull();
    expect(b.at(0, '2024-01-05').flag_weather_forecast).toBe(true);
  });
});
