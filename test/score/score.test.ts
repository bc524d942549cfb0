import { describe, expect, it } from 'vitest';
import { scoreDay } from '../../src/score/score.ts';
import { levelOfRank, levelOfRisk } from '../../src/score/levels.ts';
import { FireriskError, UsageError } from '../../src/util/errors.ts';
import { fixedGlm, matrixOf, scoreTiny, tinyInput } from './fixture.ts';

// Tiny fixture: expected fires = 0.001 * exp(x0 + 0.5 x1 - 0.3 x2), reference (training mean) = 0.
// Linear predictors: cell 8: 3.2, 4: 3.0, 6: 2.0, 5: 1.4, 7: 1.0, 3: 0.8, 1: 0, 2: 0, 0: -1.
const byIndex = async () => {
  const day = await scoreTiny();
  return { day, cell: (i: number) => day.cells.find((c) => c.cell_index === i)! };
};

describe('scoreDay', () => {
  it('computes expected fires and risk = 1 - exp(-expected fires)', async () => {
    const { cell } = await byIndex();
    expect(cell(8).expected_fires).toBeCloseTo(0.001 * Math.exp(3.2), 8);
    expect(cell(8).risk).toBeCloseTo(1 - Math.exp(-0.001 * Math.exp(3.2)), 8);
    expect(cell(0).risk).toBeCloseTo(1 - Math.exp(-0.001 * Math.exp(-1)), 9);
  });

  it('assigns the four-colour levels by absolute thresholds (I 0.02, II 0.01, III 0.005, IV 0.002)', async () => {
    const { day, cell } = await byIndex();
    // risk: cell 8 0.0242 -> I; cell 4 0.01989 -> II (just under I); cell 6 0.00736 -> III; 5, 7, 3 -> IV; 0, 1, 2 none.
    expect([8, 4, 6, 5, 7, 3, 1, 2, 0].map((i) => cell(i).warning_level)).toEqual(['I', 'II', 'III', 'IV', 'IV', 'IV', null, null, null]);
    expect(cell(8).warning_color).toBe('red');
    expect(cell(4).warning_color).toBe('orange');
    expect(cell(6).warning_color).toBe('yellow');
    expect(cell(5).warning_color).toBe('blue');
    expect(cell(0).warning_color).toBe('none');
    expect([8, 4, 6, 5, 0].map((i) => cell(i).risk_class)).toEqual([4, 3, 2, 1, 0]);
    expect(day.counts).toEqual({ I: 1, II: 1, III: 1, IV: 3, none: 3 });
  });

  it('ranks by risk with ties broken by cell_id, and gives tied cells the same percentile', async () => {
    const { cell } = await byIndex();
    expect([8, 4, 6, 5, 7, 3, 1, 2, 0].map((i) => cell(i).rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // cells 1 (r0000c0001) and 2 (r0000c0002) have equal risk: rank by id, same percentile 3/9.
    expect(cell(1).percentile).toBeCloseTo(100 * 3 / 9, 10);
    expect(cell(2).percentile).toBeCloseTo(100 * 3 / 9, 10);
    expect(cell(0).percentile).toBeCloseTo(100 / 9, 10);
    expect(cell(8).percentile).toBe(100);
  });

  it('reports drivers as the change in log expected fires against the reference, largest first', async () => {
    const { cell } = await byIndex();
    // cell 8: x = (2.4, 1, -1): effects 2.4, 0.5, +0.3 (x2 below its mean lowers the negative term).
    const d8 = cell(8).drivers;
    expect(d8.map((d) => [d.feature, d.direction])).toEqual([['x0', 'up'], ['x1', 'up'], ['x2', 'up']]);
    expect(d8[0].effect).toBeCloseTo(2.4, 5);
    expect(d8[1].effect).toBeCloseTo(0.5, 5);
    expect(d8[2].effect).toBeCloseTo(0.3, 5);
    // cell 5: x = (2, 0, 2): x0 up 2.0, x2 down -0.6; x1 at its reference is no driver.
    expect(cell(5).drivers.map((d) => [d.feature, d.direction, Number(d.effect.toFixed(4))])).toEqual([['x0', 'up', 2], ['x2', 'down', -0.6]]);
    expect(cell(1).drivers).toEqual([]);
  });

  it('batches the driver perturbations instead of calling the model per feature and cell', async () => {
    const predict = fixedGlm();
    await scoreTiny({ predict });
    expect(predict.calls).toEqual([9, 27]); // base rows, then all 3 features x 9 cells in one call
    const small = fixedGlm();
    await scoreTiny({ predict: small, driverOptions: { maxRowsPerCall: 18 } });
    expect(small.calls).toEqual([9, 18, 9]);
  });

  it('carries per-row and per-day feed flags', async () => {
    const { cell, day } = await byIndex();
    expect(day.flag_names).toEqual(['crowd_imputed', 'weather_imputed']);
    expect(cell(8).flags).toEqual({ crowd_imputed: true, weather_imputed: false });
    expect(cell(0).flags).toEqual({ crowd_imputed: false, weather_imputed: false });
  });

  it('returns cells sorted by cell_id with the model version and data day', async () => {
    const day = await scoreTiny();
    expect(day.cells.map((c) => c.cell_id)).toEqual([...day.cells.map((c) => c.cell_id)].sort());
    expect(day.model_version).toBe('fixture-glm-1');
    expect(day.last_data_day).toBe('2026-01-14');
  });

  it('in share mode gives exact shares of the ranked cells each level', async () => {
    const day = await scoreTiny({ warning: { mode: 'share', shares: { I: 0.1, II: 0.2, III: 0.4, IV: 0.5 } } });
    // 9 cells: I top ceil(0.9)=1, II up to ceil(1.8)=2, III up to ceil(3.6)=4, IV up to ceil(4.5)=5.
    expect(day.counts).toEqual({ I: 1, II: 1, III: 2, IV: 1, none: 4 });
    expect(day.cells.find((c) => c.rank === 4)!.warning_level).toBe('III');
  });

  it('rejects thresholds that do not fall from I to IV', async () => {
    await expect(scoreTiny({ warning: { mode: 'absolute', thresholds: { I: 0.01, II: 0.02, III: 0.005, IV: 0.002 } } })).rejects.toThrow(UsageError);
  });

  it('refuses a matrix that misses a cell or holds another day', async () => {
    const base = tinyInput();
    const f = base.matrix;
    const eight = matrixOf(f.featureNames, base.day, Array.from({ length: 8 }, (_, i) => ({ cell_index: i, x: [0, 0, 0] })));
    await expect(scoreDay({ ...base, matrix: eight, flags: {} })).rejects.toThrow(/8 feature rows for 9 cells/);
    const other = matrixOf(f.featureNames, '2026-01-16', Array.from({ length: 9 }, (_, i) => ({ cell_index: i, x: [0, 0, 0] })));
    await expect(scoreDay({ ...base, matrix: other, flags: {} })).rejects.toThrow(FireriskError);
  });

  it('refuses negative or NaN rates from the model', async () => {
    await expect(scoreTiny({ predict: async (m) => new Float32Array(m.rows).fill(Number.NaN) })).rejects.toThrow(/invalid expected fire count/);
  });
});

describe('levels', () => {
  it('maps a probability to the highest level whose threshold it reaches', () => {
    const t = { I: 0.02, II: 0.01, III: 0.005, IV: 0.002 };
    expect([0.5, 0.02, 0.0199, 0.01, 0.005, 0.002, 0.00199, 0].map((r) => levelOfRisk(r, t))).toEqual(['I', 'I', 'II', 'II', 'III', 'IV', null, null]);
  });
  it('maps ranks to levels by cumulative shares', () => {
    const s = { I: 0.01, II: 0.04, III: 0.1, IV: 0.2 };
    expect([1, 2, 4, 5, 10, 11, 20, 21].map((r) => levelOfRank(r, 100, s))).toEqual(['I', 'II', 'II', 'III', 'III', 'IV', 'IV', null]);
  });
});
