import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureMatrix } from '../../src/features/matrix.ts';
import type { Grid } from '../../src/grid/types.ts';
import type { PredictRates } from '../../src/model/types.ts';
import { dayNumber } from '../../src/util/days.ts';
import { scoreDay, type ScoredDay, type ScoreDayInput } from '../../src/score/score.ts';

/** The tiny 3x3 fixture of test/fixtures/score/tiny/in, read into scoring inputs. */
export const TINY_DIR = join(import.meta.dirname, '..', 'fixtures', 'score', 'tiny');

interface FeatureFixture {
  day: string;
  last_data_day: string;
  model_version: string;
  feature_names: string[];
  reference: number[];
  flags: Record<string, boolean | boolean[]>;
  rows: Array<{ cell_index: number; x: number[] }>;
}

export const BETA = [1.0, 0.5, -0.3];

/** A fixed Poisson GLM: expected fires = 0.001 * exp(1.0 x0 + 0.5 x1 - 0.3 x2). Counts its calls. */
export function fixedGlm(): PredictRates & { calls: number[] } {
  const calls: number[] = [];
  const predict = (async (m: FeatureMatrix) => {
    calls.push(m.rows);
    const p = m.featureNames.length;
    const out = new Float32Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let eta = 0;
      for (let j = 0; j < BETA.length; j++) eta += BETA[j] * m.X[i * p + j];
      out[i] = 0.001 * Math.exp(eta);
    }
    return out;
  }) as PredictRates & { calls: number[] };
  predict.calls = calls;
  return predict;
}

export function matrixOf(featureNames: string[], day: string, rows: Array<{ cell_index: number; x: number[] }>): FeatureMatrix {
  const n = rows.length;
  const p = featureNames.length;
  const X = new Float32Array(n * p);
  rows.forEach((r, i) => X.set(r.x, i * p));
  return {
    featureNames,
    rows: n,
    X,
    cellIndex: Int32Array.from(rows.map((r) => r.cell_index)),
    day: new Int32Array(n).fill(dayNumber(day)),
    yFires: new Float32Array(n).fill(Number.NaN),
    yAlarms: new Float32Array(n).fill(Number.NaN),
  };
}

export function tinyInput(overrides: Partial<ScoreDayInput> = {}): ScoreDayInput {
  const grid = JSON.parse(readFileSync(join(TINY_DIR, 'in', 'grid.json'), 'utf8')) as Grid;
  const f = JSON.parse(readFileSync(join(TINY_DIR, 'in', 'features.json'), 'utf8')) as FeatureFixture;
  return {
    day: f.day,
    cells: grid.cells,
    grid: grid.definition,
    matrix: matrixOf(f.feature_names, f.day, f.rows),
    predict: fixedGlm(),
    reference: Float32Array.from(f.reference),
    warning: { mode: 'absolute', thresholds: { I: 0.02, II: 0.01, III: 0.005, IV: 0.002 } },
    driversCount: 3,
    modelVersion: f.model_version,
    lastDataDay: f.last_data_day,
    timeZone: 'Asia/Shanghai',
    flags: f.flags,
    ...overrides,
  };
}

export const scoreTiny = (overrides: Partial<ScoreDayInput> = {}): Promise<ScoredDay> => scoreDay(tinyInput(overrides));
