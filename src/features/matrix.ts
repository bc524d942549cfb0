/**
 * The feature table in memory: what the model, the baselines and the evaluation consume.
 * One row per (cell, day); X is row-major with `featureNames.length` columns, already imputed
 * (no NaN). Labels are NaN where the day is not yet observed (forecast days).
 */
export interface FeatureMatrix {
  featureNames: string[];
  rows: number;
  X: Float32Array;
  cellIndex: Int32Array;
  /** Local calendar day as days since 1970-01-01 (see src/util/days.ts). */
  day: Int32Array;
  /** Label: number of `fire` incidents in the cell that day. */
  yFires: Float32Array;
  /** Second label: number of alarms of any category in the cell that day. */
  yAlarms: Float32Array;
  /**
   * The fires of `yFires` whose property type is outdoor (vegetation, open land): the label of the outdoor
   * fire class (`model.fire_classes`). Absent in feature tables built before it.
   */
  yOutdoorFires?: Float32Array;
  /**
   * Set when rows were left out while reading (zeros subsampled before some day): the distinct days, in
   * order, that had labelled rows in the file, so that the label history knows every observed day.
   */
  labelledDays?: Int32Array;
}

/**
 * A uniform in [0, 1) determined by (cell, day, seed) alone, so a cell-day is kept or dropped the same way
 * whatever window or row order it arrives in (training windows of successive nights overlap, and the
 * feature loader and `subsampleRows` keep the same zeros).
 */
export function cellDayUniform(cell: number, day: number, seed: number): number {
  let h = Math.imul(cell ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(day + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(seed ^ 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Entry of the feature manifest written beside the feature Parquet. */
export interface FeatureDescription {
  name: string;
  description: string;
  unit: string;
  source: string;
  family: 'history' | 'weather' | 'calendar' | 'crowd' | 'facility' | 'static' | 'events';
}

/** Rows of `matrix` whose day lies in [fromDay, toDay] (inclusive day numbers). */
export function selectDays(matrix: FeatureMatrix, fromDay: number, toDay: number): FeatureMatrix {
  const keep: number[] = [];
  for (let i = 0; i < matrix.rows; i++) if (matrix.day[i] >= fromDay && matrix.day[i] <= toDay) keep.push(i);
  return selectRows(matrix, keep);
}

/** The named feature columns of a matrix, in that order (rows, labels and training weights unchanged). */
export function selectColumns<M extends FeatureMatrix>(matrix: M, names: readonly string[]): M {
  const position = new Map(matrix.featureNames.map((name, j) => [name, j]));
  const source = names.map((name) => {
    const j = position.get(name);
    if (j === undefined) throw new Error(`feature matrix has no column ${name}`);
    return j;
  });
  const p = matrix.featureNames.length;
  const q = source.length;
  const X = new Float32Array(matrix.rows * q);
  for (let i = 0; i < matrix.rows; i++) for (let k = 0; k < q; k++) X[i * q + k] = matrix.X[i * p + source[k]];
  return { ...matrix, featureNames: [...names], X };
}

/** Rows `rowIndices` of a matrix, in that order; training weights (`sampleWeight`) come along when present. */
export function selectRows(matrix: FeatureMatrix & { sampleWeight?: Float32Array }, rowIndices: ArrayLike<number>): FeatureMatrix & { sampleWeight?: Float32Array } {
  const p = matrix.featureNames.length;
  const n = rowIndices.length;
  const X = new Float32Array(n * p);
  const cellIndex = new Int32Array(n);
  const day = new Int32Array(n);
  const yFires = new Float32Array(n);
  const yAlarms = new Float32Array(n);
  const yOutdoorFires = matrix.yOutdoorFires ? new Float32Array(n) : undefined;
  const prior = matrix.sampleWeight;
  const sampleWeight = prior ? new Float32Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = rowIndices[k];
    X.set(matrix.X.subarray(i * p, (i + 1) * p), k * p);
    cellIndex[k] = matrix.cellIndex[i];
    day[k] = matrix.day[i];
    yFires[k] = matrix.yFires[i];
    yAlarms[k] = matrix.yAlarms[i];
    if (yOutdoorFires) yOutdoorFires[k] = matrix.yOutdoorFires![i];
    if (sampleWeight && prior) sampleWeight[k] = prior[i];
  }
  const base: FeatureMatrix = { featureNames: matrix.featureNames, rows: n, X, cellIndex, day, yFires, yAlarms, ...(yOutdoorFires ? { yOutdoorFires } : {}) };
  return sampleWeight ? { ...base, sampleWeight } : base;
}
