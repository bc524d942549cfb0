import type { FeatureMatrix } from '../features/matrix.ts';
import type { Cell, GridDefinition, Ring } from '../grid/types.ts';
import type { PredictRates } from '../model/types.ts';
import { dayNumber } from '../util/days.ts';
import { FireriskError } from '../util/errors.ts';
import { featureEffects, topDrivers, type Driver, type DriverOptions } from './drivers.ts';
import {
  checkWarningRule,
  levelOfRank,
  levelOfRisk,
  styleOfLevel,
  type WarningColor,
  type WarningLevel,
  type WarningRule,
} from './levels.ts';

export interface ScoredCell {
  cell_index: number;
  cell_id: string;
  /** Exterior ring in WGS84 (shared with the grid, not copied). */
  ring: Ring;
  centroid_lon: number;
  centroid_lat: number;
  /** Model's expected number of fires in the cell that day. */
  expected_fires: number;
  /** Probability of at least one fire that day: 1 - exp(-expected_fires) (Poisson). */
  risk: number;
  warning_level: WarningLevel | null;
  warning_color: WarningColor;
  /** 0 none, 1 IV blue, 2 III yellow, 3 II orange, 4 I red. */
  risk_class: number;
  /** 1 = highest risk in the district; equal risks are ordered by cell_id. */
  rank: number;
  /** Share of cells (in %) whose risk is at or below this cell's risk; the highest cell has 100. */
  percentile: number;
  drivers: Driver[];
  /** Feed flags for this cell-day, e.g. { crowd_imputed: true }. */
  flags: Record<string, boolean>;
}

export type LevelCounts = Record<WarningLevel | 'none', number>;

export interface ScoredDay {
  /** The scored local day (YYYY-MM-DD). */
  day: string;
  /** Last day whose observations the features used. */
  last_data_day: string;
  /** IANA zone the local days are days of, when the feature table recorded it. */
  time_zone?: string;
  model_version: string;
  grid: GridDefinition;
  warning_rule: WarningRule;
  drivers_count: number;
  /** Flag names present on every cell, sorted. */
  flag_names: string[];
  /** Cells sorted by cell_id. */
  cells: ScoredCell[];
  counts: LevelCounts;
  expected_fires_total: number;
}

/** Feed flags: one boolean for the whole day, or one per matrix row. */
export type FeedFlags = Record<string, boolean | ArrayLike<boolean | number>>;

export interface ScoreDayInput {
  day: string;
  cells: Cell[];
  grid: GridDefinition;
  /** Feature rows of `day`, one per cell (any order). */
  matrix: FeatureMatrix;
  predict: PredictRates;
  /** Per-feature reference values (e.g. training means) in the matrix's units, for drivers. */
  reference: Float32Array;
  warning: WarningRule;
  driversCount: number;
  modelVersion: string;
  lastDataDay: string;
  timeZone?: string;
  flags?: FeedFlags;
  driverOptions?: DriverOptions;
}

/** Scores every cell of the grid for one day: risk, warning level, rank, percentile, drivers, flags. */
export async function scoreDay(input: ScoreDayInput): Promise<ScoredDay> {
  const { matrix, cells } = input;
  checkWarningRule(input.warning);
  const dayNum = dayNumber(input.day);
  const cellByIndex = new Map<number, Cell>();
  for (const cell of cells) cellByIndex.set(cell.cell_index, cell);
  if (matrix.rows !== cells.length) {
    throw new FireriskError(`scoring ${input.day}: ${matrix.rows} feature rows for ${cells.length} cells (need one row per cell)`);
  }
  const seen = new Set<number>();
  for (let i = 0; i < matrix.rows; i++) {
    if (matrix.day[i] !== dayNum) throw new FireriskError(`scoring ${input.day}: feature row ${i} belongs to another day (day number ${matrix.day[i]})`);
    const ci = matrix.cellIndex[i];
    if (!cellByIndex.has(ci)) throw new FireriskError(`scoring ${input.day}: feature row ${i} has cell_index ${ci}, which is not in the grid`);
    if (seen.has(ci)) throw new FireriskError(`scoring ${input.day}: cell_index ${ci} has more than one feature row`);
    seen.add(ci);
  }

  const rates = await input.predict(matrix);
  if (rates.length !== matrix.rows) throw new FireriskError(`model returned ${rates.length} rates for ${matrix.rows} rows`);
  for (let i = 0; i < rates.length; i++) {
    if (!(rates[i] >= 0) || !Number.isFinite(rates[i])) {
      throw new FireriskError(`model returned an invalid expected fire count (${rates[i]}) for cell_index ${matrix.cellIndex[i]}`);
    }
  }
  const driversCount = Math.max(0, Math.floor(input.driversCount));
  const effects = driversCount > 0 ? await featureEffects(matrix, rates, input.predict, input.reference, input.driverOptions) : null;

  const flagNames = Object.keys(input.flags ?? {}).sort();
  for (const name of flagNames) {
    const value = input.flags![name];
    if (typeof value !== 'boolean' && value.length !== matrix.rows) {
      throw new FireriskError(`flag ${name} has ${value.length} values for ${matrix.rows} rows`);
    }
  }

  // Rank order: expected fires descending (risk is monotone in it), then cell_id.
  const order = Array.from({ length: matrix.rows }, (_, i) => i);
  const idOf = (i: number) => cellByIndex.get(matrix.cellIndex[i])!.cell_id;
  order.sort((a, b) => rates[b] - rates[a] || compareIds(idOf(a), idOf(b)));
  const rankOfRow = new Int32Array(matrix.rows);
  order.forEach((row, k) => (rankOfRow[row] = k + 1));
  // Percentile: cells with risk <= this one; equal risks share the value.
  const atOrBelow = new Int32Array(matrix.rows);
  for (let k = order.length - 1; k >= 0; ) {
    let start = k;
    while (start > 0 && rates[order[start - 1]] === rates[order[k]]) start--;
    const count = order.length - start;
    for (let m = start; m <= k; m++) atOrBelow[order[m]] = count;
    k = start - 1;
  }

  const counts: LevelCounts = { I: 0, II: 0, III: 0, IV: 0, none: 0 };
  const scored: ScoredCell[] = [];
  let total = 0;
  const n = matrix.rows;
  for (let i = 0; i < n; i++) {
    const cell = cellByIndex.get(matrix.cellIndex[i])!;
    const expected = rates[i];
    const risk = -Math.expm1(-expected);
    const level =
      input.warning.mode === 'absolute' ? levelOfRisk(risk, input.warning.thresholds) : levelOfRank(rankOfRow[i], n, input.warning.shares);
    const style = styleOfLevel(level);
    counts[level ?? 'none']++;
    total += expected;
    const flags: Record<string, boolean> = {};
    for (const name of flagNames) {
      const value = input.flags![name];
      flags[name] = typeof value === 'boolean' ? value : Boolean(value[i]);
    }
    scored.push({
      cell_index: cell.cell_index,
      cell_id: cell.cell_id,
      ring: cell.ring,
      centroid_lon: cell.centroid_lon,
      centroid_lat: cell.centroid_lat,
      expected_fires: expected,
      risk,
      warning_level: level,
      warning_color: style.color,
      risk_class: style.riskClass,
      rank: rankOfRow[i],
      percentile: (100 * atOrBelow[i]) / n,
      drivers: effects ? topDrivers(effects, matrix.featureNames, i, driversCount) : [],
      flags,
    });
  }
  scored.sort((a, b) => compareIds(a.cell_id, b.cell_id));
  return {
    day: input.day,
    last_data_day: input.lastDataDay,
    ...(input.timeZone ? { time_zone: input.timeZone } : {}),
    model_version: input.modelVersion,
    grid: input.grid,
    warning_rule: input.warning,
    drivers_count: driversCount,
    flag_names: flagNames,
    cells: scored,
    counts,
    expected_fires_total: total,
  };
}

/** Code-unit order, independent of locale, so every machine sorts ids the same way. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
