import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Grid } from '../../src/grid/types.ts';
import { scoreDays } from '../../src/score/scoreDays.ts';
import { dayNumber } from '../../src/util/days.ts';
import { InputDataError, UsageError } from '../../src/util/errors.ts';
import { TINY_DIR, fixedGlm } from './fixture.ts';

const grid = JSON.parse(readFileSync(join(TINY_DIR, 'in', 'grid.json'), 'utf8')) as Grid;
const score = { warning_mode: 'absolute' as const, warning_thresholds: { I: 0.02, II: 0.01, III: 0.005, IV: 0.002 }, warning_shares: { I: 0.01, II: 0.04, III: 0.1, IV: 0.2 }, drivers: 2 };

// A feature table of 3 days x 9 cells with an extra column the model does not use, in another order:
// columns (extra, x2, x0, x1). Days 14 and 15 observed (labels), day 16 a forecast day (NaN labels).
function table() {
  const days = ['2026-01-14', '2026-01-15', '2026-01-16'];
  const n = days.length * 9;
  const X = new Float32Array(n * 4);
  const cellIndex = new Int32Array(n);
  const day = new Int32Array(n);
  const yFires = new Float32Array(n);
  days.forEach((d, k) => {
    for (let c = 0; c < 9; c++) {
      const i = k * 9 + c;
      X.set([99, 0, c === 4 ? 3 + k : 0, 0], i * 4); // cell 4: x0 = 3, 4, 5 on the three days
      cellIndex[i] = c;
      day[i] = dayNumber(d);
      yFires[i] = k === 2 ? Number.NaN : 0;
    }
  });
  const crowd = new Uint8Array(n);
  crowd[2 * 9 + 4] = 1;
  return { matrix: { featureNames: ['extra', 'x2', 'x0', 'x1'], rows: n, X, cellIndex, day, yFires, yAlarms: yFires.slice() }, flags: { flag_crowd_imputed: crowd } };
}

const model = { modelVersion: 'm-20260114-abcdef01', featureNames: ['x0', 'x1', 'x2'], featureMeans: [0, 0, 0], predict: fixedGlm() };

describe('scoreDays', () => {
  it('scores each requested day with the model columns picked by name', async () => {
    const { matrix, flags } = table();
    const [d15, d16] = await scoreDays({ grid, matrix, flags, model, days: ['2026-01-15', '2026-01-16'], score });
    const c4 = (d: typeof d15) => d.cells.find((c) => c.cell_index === 4)!;
    expect(c4(d15).expected_fires).toBeCloseTo(0.001 * Math.exp(4), 7);
    expect(c4(d16).expected_fires).toBeCloseTo(0.001 * Math.exp(5), 7);
    expect(c4(d15).drivers.map((d) => d.feature)).toEqual(['x0']);
    expect(d15.drivers_count).toBe(2);
    expect(c4(d16).flags).toEqual({ crowd_imputed: true });
    expect(c4(d15).flags).toEqual({ crowd_imputed: false });
    expect(d15.model_version).toBe('m-20260114-abcdef01');
  });

  it('takes the last observed day before the scored day as last_data_day', async () => {
    const { matrix } = table();
    const days = await scoreDays({ grid, matrix, model, days: ['2026-01-14', '2026-01-15', '2026-01-16'], score });
    expect(days.map((d) => d.last_data_day)).toEqual(['2026-01-13', '2026-01-14', '2026-01-15']);
  });

  it('says which day has no features, and which model feature is missing', async () => {
    const { matrix } = table();
    await expect(scoreDays({ grid, matrix, model, days: ['2026-01-17'], score })).rejects.toThrow(UsageError);
    await expect(scoreDays({ grid, matrix, model: { ...model, featureNames: ['x0', 'wind_speed_ms', 'x2'] }, days: ['2026-01-15'], score })).rejects.toThrow(InputDataError);
    await expect(scoreDays({ grid, matrix, model: { ...model, featureNames: ['x0', 'wind_speed_ms', 'x2'] }, days: ['2026-01-15'], score })).rejects.toThrow(/wind_speed_ms/);
  });
});
