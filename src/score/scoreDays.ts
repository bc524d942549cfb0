import type { FeatureMatrix } from '../features/matrix.ts';
import type { Grid } from '../grid/types.ts';
import type { PredictRates } from '../model/types.ts';
import { dayNumber, isoDay } from '../util/days.ts';
import { InputDataError, UsageError } from '../util/errors.ts';
import { warningRuleFromConfig, type ScoreConfig } from './levels.ts';
import { scoreDay, type FeedFlags, type ScoredDay } from './score.ts';

/** What scoring needs from a trained model: its inputs, their training means, and its predictions. */
export interface ScoringModel {
  modelVersion: string;
  /** The model's input features, in its order; the matrix may hold more columns. */
  featureNames: string[];
  /** Training mean of each model feature (in the matrix's units): the reference for drivers. */
  featureMeans: ArrayLike<number>;
  predict: PredictRates;
}

export interface ScoreDaysInput {
  grid: Grid;
  /** Feature rows covering at least the scored days (more days are fine: they give the last observed day). */
  matrix: FeatureMatrix;
  /** Per-row feed flags of `matrix`, e.g. { flag_crowd_imputed: Uint8Array }; the `flag_` prefix is dropped. */
  flags?: Record<string, ArrayLike<boolean | number>>;
  model: ScoringModel;
  days: string[];
  score: Pick<ScoreConfig, 'warning_mode' | 'warning_thresholds' | 'warning_shares' | 'drivers'>;
  /** IANA zone of the feature table's local days (its manifest's time_zone), written into the published metadata. */
  timeZone?: string;
}

/** Rows of `matrix` with exactly the model's feature columns, in the model's order. */
export function modelColumns(matrix: FeatureMatrix, featureNames: string[], rows: number[]): FeatureMatrix {
  const source = matrix.featureNames.length;
  const index = featureNames.map((name) => {
    const j = matrix.featureNames.indexOf(name);
    if (j < 0) throw new InputDataError(`feature table has no column "${name}" that the model needs; rebuild features (firerisk features) or retrain`);
    return j;
  });
  const p = featureNames.length;
  const X = new Float32Array(rows.length * p);
  rows.forEach((r, k) => {
    for (let j = 0; j < p; j++) X[k * p + j] = matrix.X[r * source + index[j]];
  });
  const pick = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
    const out = make(rows.length);
    rows.forEach((r, k) => (out[k] = a[r]));
    return out;
  };
  return {
    featureNames: [...featureNames],
    rows: rows.length,
    X,
    cellIndex: pick(matrix.cellIndex, (n) => new Int32Array(n)),
    day: pick(matrix.day, (n) => new Int32Array(n)),
    yFires: pick(matrix.yFires, (n) => new Float32Array(n)),
    yAlarms: pick(matrix.yAlarms, (n) => new Float32Array(n)),
  };
}

/**
 * Scores each day of `days` for every cell of the grid. Features of a day only use data from
 * before it (the feature table is leakage-free by construction); `last_data_day` is the last day
 * with observed labels in the table, and never the scored day or later.
 */
export async function scoreDays(input: ScoreDaysInput): Promise<ScoredDay[]> {
  const { matrix, model, grid } = input;
  if (model.featureMeans.length !== model.featureNames.length) {
    throw new InputDataError(`model ${model.modelVersion}: ${model.featureMeans.length} feature means for ${model.featureNames.length} features`);
  }
  let lastLabelled = -Infinity;
  const rowsByDay = new Map<number, number[]>();
  const wanted = new Set(input.days.map(dayNumber));
  for (let i = 0; i < matrix.rows; i++) {
    const d = matrix.day[i];
    if (Number.isFinite(matrix.yFires[i]) && d > lastLabelled) lastLabelled = d;
    if (wanted.has(d)) {
      let list = rowsByDay.get(d);
      if (!list) rowsByDay.set(d, (list = []));
      list.push(i);
    }
  }
  const warning = warningRuleFromConfig(input.score);
  const out: ScoredDay[] = [];
  for (const day of input.days) {
    const d = dayNumber(day);
    const rows = rowsByDay.get(d);
    if (!rows) {
      throw new UsageError(`no feature rows for ${day}: build features through that day (days after the last observation need weather forecasts)`);
    }
    const flags: FeedFlags = {};
    for (const [name, values] of Object.entries(input.flags ?? {})) {
      flags[name.replace(/^flag_/, '')] = rows.map((r) => Boolean(values[r]));
    }
    out.push(
      await scoreDay({
        day,
        cells: grid.cells,
        grid: grid.definition,
        matrix: modelColumns(matrix, model.featureNames, rows),
        predict: model.predict,
        reference: Float32Array.from(model.featureMeans),
        warning,
        driversCount: input.score.drivers,
        modelVersion: model.modelVersion,
        lastDataDay: isoDay(Math.min(d - 1, Number.isFinite(lastLabelled) ? lastLabelled : d - 1)),
        ...(input.timeZone ? { timeZone: input.timeZone } : {}),
        flags,
      }),
    );
  }
  return out;
}
