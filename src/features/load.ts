import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { dayNumber } from '../util/days.ts';
import { InputDataError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { sqlString } from './duck.ts';
import { cellDayUniform, type FeatureMatrix } from './matrix.ts';

export interface LoadFeatureOptions {
  /** Inclusive day range (YYYY-MM-DD). */
  fromDay?: string;
  toDay?: string;
  /**
   * Keep every row with y_fires > 0 and this share of the zero rows, chosen by `cellDayUniform(cell, day, seed)`
   * (the rule of `subsampleRows`, so the same seed and rate keep the same zeros). Kept zeros get the weight
   * 1 / negativeRate in `sampleWeight`.
   */
  negativeRate?: number;
  seed?: number;
  /**
   * With negativeRate < 1: subsample only the rows before this day (YYYY-MM-DD) and keep every row from it
   * on. Such a mixed matrix carries no `sampleWeight` but `labelledDays`: it is read for `subsampleRows`
   * (a backtest's training windows) to weight, which at the same seed and rate keeps exactly the zeros read
   * here, so it selects what it would select from the full table.
   */
  subsampleBefore?: string;
  /** Feature columns to read, in this order (default: every FLOAT column of the file). */
  featureNames?: string[];
  /** With the default columns: these are not read (names the file lacks are listed in `notExcluded`). */
  exclude?: readonly string[];
}

export interface LoadedFeatureMatrix extends FeatureMatrix {
  /** Importance weights when negativeRate < 1 (and no subsampleBefore): 1 for rows with fires or without a label, 1/negativeRate for kept zeros. */
  sampleWeight?: Float32Array;
  /** Flag columns by name without the `flag_` prefix (1 = set), one value per row. */
  flags: Record<string, Uint8Array>;
  /** Names in `exclude` that are no feature column of the file (nothing was left out for them). */
  notExcluded: string[];
}

class Growable<T extends Float32Array | Int32Array | Uint8Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T, capacity: number) {
    this.data = make(Math.max(capacity, 1024));
  }
  reserve(extra: number) {
    if (this.length + extra <= this.data.length) return;
    const next = this.make(Math.max(this.data.length * 2, this.length + extra));
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }
  /** The filled values; no copy when the capacity was exact (the full load of a file). */
  finish(): T {
    return (this.length === this.data.length ? this.data : this.data.slice(0, this.length)) as T;
  }
}

/** The warning for `notExcluded`: a name in model.exclude_features that the feature table lacks. */
export function warnNotExcluded(notExcluded: readonly string[], path: string, log: Pick<Logger, 'warn'>): void {
  if (notExcluded.length > 0) log.warn(`model.exclude_features names ${notExcluded.join(', ')}, which ${path} has no column for; ignored`);
}

/** First and last day (day numbers) with labelled rows in a feature file; null when it has none. */
export async function labelledDayRange(path: string): Promise<{ first: number; last: number } | null> {
  if (!existsSync(path)) throw new InputDataError(`${path}: feature file not found (run \`firerisk features\` first)`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const [range] = (
      await connection.runAndReadAll(
        `SELECT min(day - DATE '1970-01-01')::INTEGER AS first, max(day - DATE '1970-01-01')::INTEGER AS last FROM read_parquet(${sqlString(path)}) WHERE y_fires IS NOT NULL`,
      )
    ).getRowObjectsJS() as Array<{ first: number | null; last: number | null }>;
    return range.first === null || range.last === null ? null : { first: range.first, last: range.last };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Reads features.parquet through DuckDB into typed arrays, chunk by chunk, using the vectors'
 * typed-array views (no per-value conversion). Rows keep the file order (day, cell_index).
 */
export async function loadFeatureMatrix(path: string, options: LoadFeatureOptions = {}): Promise<LoadedFeatureMatrix> {
  if (!existsSync(path)) throw new InputDataError(`${path}: feature file not found (run \`firerisk features\` first)`);
  const negativeRate = options.negativeRate ?? 1;
  if (!(negativeRate > 0 && negativeRate <= 1)) throw new InputDataError(`negativeRate must be in (0, 1], got ${negativeRate}`);
  const seed = options.seed ?? 0;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const source = `read_parquet(${sqlString(path)})`;
    const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS() as Array<{ column_name: string; column_type: string }>;
    const available = new Set(described.map((d) => d.column_name));
    const floatColumns = described.filter((d) => d.column_type === 'FLOAT').map((d) => d.column_name);
    const exclude = new Set(options.featureNames ? [] : (options.exclude ?? []));
    const featureNames = options.featureNames ?? floatColumns.filter((name) => !exclude.has(name));
    const notExcluded = [...exclude].filter((name) => !floatColumns.includes(name));
    for (const name of featureNames) if (!available.has(name)) throw new InputDataError(`${path}: no feature column ${name}`);
    const flagNames = described.filter((d) => d.column_name.startsWith('flag_')).map((d) => d.column_name);
    const where: string[] = [];
    if (options.fromDay) where.push(`day >= DATE ${sqlString(options.fromDay)}`);
    if (options.toDay) where.push(`day <= DATE ${sqlString(options.toDay)}`);
    // Tables built before the outdoor fire label lack it: the model then has one fire class.
    const hasOutdoorLabel = available.has('y_outdoor_fires');
    const columns = [
      'cell_index',
      "(day - DATE '1970-01-01')::INTEGER AS day_number",
      'y_fires::FLOAT AS y_fires',
      'y_alarms::FLOAT AS y_alarms',
      `${hasOutdoorLabel ? 'y_outdoor_fires::FLOAT' : 'NULL::FLOAT'} AS y_outdoor_fires`,
      ...featureNames.map((f) => `"${f}"::FLOAT`),
      ...flagNames.map((f) => `"${f}"::UTINYINT`),
    ];
    const subsampleBefore = negativeRate < 1 && options.subsampleBefore ? dayNumber(options.subsampleBefore) : undefined;
    const weighted = negativeRate < 1 && subsampleBefore === undefined;
    const denseFrom = negativeRate >= 1 ? -Infinity : (subsampleBefore ?? Infinity);
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const [counts] = (
      await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, ${subsampleBefore !== undefined ? `count(*) FILTER (WHERE day >= DATE ${sqlString(options.subsampleBefore!)})` : '0'}::INTEGER AS dense,
                min(day - DATE '1970-01-01')::INTEGER AS first_day, max(day - DATE '1970-01-01')::INTEGER AS last_day FROM ${source}${filter}`,
      )
    ).getRowObjectsJS() as Array<{ n: number; dense: number; first_day: number | null; last_day: number | null }>;
    // Rows read whole: all of them without subsampling, those from subsampleBefore on with it.
    const denseRows = negativeRate >= 1 ? counts.n : counts.dense;
    const estimate = denseRows + Math.ceil((counts.n - denseRows) * Math.min(1, negativeRate * 1.2 + 0.01));
    const firstDay = counts.first_day ?? 0;
    const labelledOn = subsampleBefore !== undefined ? new Uint8Array(counts.n ? (counts.last_day ?? 0) - firstDay + 1 : 0) : undefined;
    const p = featureNames.length;
    const X = new Growable((k) => new Float32Array(k), estimate * p);
    const cellIndex = new Growable((k) => new Int32Array(k), estimate);
    const day = new Growable((k) => new Int32Array(k), estimate);
    const yFires = new Growable((k) => new Float32Array(k), estimate);
    const yAlarms = new Growable((k) => new Float32Array(k), estimate);
    const yOutdoor = new Growable((k) => new Float32Array(k), hasOutdoorLabel ? estimate : 0);
    const weight = new Growable((k) => new Float32Array(k), weighted ? estimate : 0);
    const flags = flagNames.map(() => new Growable((k) => new Uint8Array(k), estimate));

    const result = await connection.stream(`SELECT ${columns.join(', ')} FROM ${source}${filter}`);
    const items = (chunk: NonNullable<Awaited<ReturnType<typeof result.fetchChunk>>>, j: number) =>
      (chunk.getColumnVector(j) as unknown as { items: Float32Array | Int32Array | Uint8Array }).items;
    const valid = (chunk: NonNullable<Awaited<ReturnType<typeof result.fetchChunk>>>, j: number) => {
      const v = chunk.getColumnVector(j) as unknown as { validity: { itemValid(i: number): boolean } };
      return (i: number) => v.validity.itemValid(i);
    };
    const keep: number[] = [];
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.rowCount;
      const cells = items(chunk, 0) as Int32Array;
      const days = items(chunk, 1) as Int32Array;
      const fires = items(chunk, 2) as Float32Array;
      const firesValid = valid(chunk, 2);
      const alarms = items(chunk, 3) as Float32Array;
      const alarmsValid = valid(chunk, 3);
      const outdoor = items(chunk, 4) as Float32Array;
      const outdoorValid = valid(chunk, 4);
      keep.length = 0;
      for (let i = 0; i < rows; i++) {
        const labelled = firesValid(i);
        if (labelled && labelledOn) labelledOn[days[i] - firstDay] = 1;
        if (days[i] >= denseFrom || !labelled || fires[i] > 0 || cellDayUniform(cells[i], days[i], seed) < negativeRate) keep.push(i);
      }
      const k = keep.length;
      X.reserve(k * p);
      for (const g of [cellIndex, day, yFires, yAlarms, ...flags]) g.reserve(k);
      if (hasOutdoorLabel) yOutdoor.reserve(k);
      if (weighted) weight.reserve(k);
      const first = cellIndex.length;
      for (let r = 0; r < k; r++) {
        const i = keep[r];
        const at = first + r;
        cellIndex.data[at] = cells[i];
        day.data[at] = days[i];
        const labelled = firesValid(i);
        yFires.data[at] = labelled ? fires[i] : Number.NaN;
        yAlarms.data[at] = alarmsValid(i) ? alarms[i] : Number.NaN;
        if (hasOutdoorLabel) yOutdoor.data[at] = labelled && outdoorValid(i) ? outdoor[i] : Number.NaN;
        if (weighted) weight.data[at] = labelled && fires[i] === 0 ? 1 / negativeRate : 1;
      }
      // Column by column into the row-major X: one monomorphic loop per column.
      const x = X.data;
      for (let j = 0; j < p; j++) {
        const column = items(chunk, 5 + j) as Float32Array;
        let at = first * p + j;
        for (let r = 0; r < k; r++, at += p) x[at] = column[keep[r]];
      }
      flags.forEach((g, f) => {
        const values = items(chunk, 5 + p + f) as Uint8Array;
        for (let r = 0; r < k; r++) g.data[g.length + r] = values[keep[r]];
        g.length += k;
      });
      cellIndex.length += k;
      day.length += k;
      yFires.length += k;
      yAlarms.length += k;
      if (hasOutdoorLabel) yOutdoor.length += k;
      X.length += k * p;
      if (weighted) weight.length += k;
    }
    const matrix: LoadedFeatureMatrix = {
      featureNames,
      rows: cellIndex.length,
      X: X.finish(),
      cellIndex: cellIndex.finish(),
      day: day.finish(),
      yFires: yFires.finish(),
      yAlarms: yAlarms.finish(),
      ...(hasOutdoorLabel ? { yOutdoorFires: yOutdoor.finish() } : {}),
      flags: Object.fromEntries(flagNames.map((f, j) => [f.slice('flag_'.length), flags[j].finish()])),
      notExcluded,
    };
    if (weighted) matrix.sampleWeight = weight.finish();
    if (labelledOn) {
      const labelledDays: number[] = [];
      labelledOn.forEach((on, k) => on && labelledDays.push(firstDay + k));
      matrix.labelledDays = Int32Array.from(labelledDays);
    }
    return matrix;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

