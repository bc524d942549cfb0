import { describe, expect, it } from 'vitest';
import { cellDayUniform } from '../../src/features/matrix.ts';
import { negativeSubsample, permutation } from '../../src/model/sampling.ts';
import { selectRows } from '../../src/features/matrix.ts';
import { plantedWorld } from './synthetic.ts';

describe('negativeSubsample', () => {
  const world = plantedWorld({ cells: 100, days: 100, seed: 2, intercept: -3 });

  it('keeps every fire row with weight 1 and a share of zeros weighted 1/rate', () => {
    const sub = negativeSubsample(world.matrix, 0.1, 7);
    const fireRows = world.matrix.yFires.filter((y) => y > 0).length;
    const zeroRows = world.matrix.rows - fireRows;
    expect(sub.yFires.filter((y) => y > 0).length).toBe(fireRows);
    let keptZeros = 0;
    for (let i = 0; i < sub.rows; i++) {
      expect(sub.sampleWeight[i]).toBeCloseTo(sub.yFires[i] > 0 ? 1 : 10, 5);
      if (sub.yFires[i] === 0) keptZeros++;
    }
    // ~10 % of 9,700-odd zeros: within 4 standard deviations (sd ≈ 30)
    expect(Math.abs(keptZeros - 0.1 * zeroRows)).toBeLessThan(120);
    // features travel with their rows
    const i = sub.rows - 1;
    const source = world.matrix.day.findIndex((d, k) => d === sub.day[i] && world.matrix.cellIndex[k] === sub.cellIndex[i]);
    expect([sub.X[2 * i], sub.X[2 * i + 1]]).toEqual([world.matrix.X[2 * source], world.matrix.X[2 * source + 1]]);
  });

  it('decides per (cell, day, seed), whatever the row order or window', () => {
    const reversed = selectRows(world.matrix, Array.from({ length: world.matrix.rows }, (_, k) => world.matrix.rows - 1 - k));
    const key = (m: { rows: number; cellIndex: Int32Array; day: Int32Array }) => Array.from({ length: m.rows }, (_, k) => `${m.cellIndex[k]}:${m.day[k]}`).sort();
    expect(key(negativeSubsample(reversed, 0.2, 1))).toEqual(key(negativeSubsample(world.matrix, 0.2, 1)));
    expect(key(negativeSubsample(world.matrix, 0.2, 2))).not.toEqual(key(negativeSubsample(world.matrix, 0.2, 1)));
  });

  it('drops unlabelled rows and rejects a rate outside (0, 1]', () => {
    const m = { ...world.matrix, yFires: world.matrix.yFires.map((y, i) => (i % 2 ? Number.NaN : y)) };
    expect(negativeSubsample(m, 1, 0).rows).toBe(world.matrix.rows / 2);
    expect(() => negativeSubsample(world.matrix, 0, 0)).toThrow(/negative_rate/);
  });
});

describe('seeded helpers', () => {
  it('permutation is a seeded permutation', () => {
    const p = permutation(1000, 5);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(permutation(1000, 5))).toEqual(Array.from(p));
    expect(Array.from(permutation(1000, 6))).not.toEqual(Array.from(p));
  });

  it('cellDayUniform is roughly uniform', () => {
    let below = 0;
    for (let c = 0; c < 100; c++) for (let d = 0; d < 100; d++) if (cellDayUniform(c, d, 1) < 0.25) below++;
    expect(below / 10_000).toBeGreaterThan(0.23);
    expect(below / 10_000).toBeLessThan(0.27);
  });
});
