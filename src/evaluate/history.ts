import type { FeatureMatrix } from '../features/matrix.ts';
import type { Grid } from '../grid/types.ts';

/**
 * Past fire labels in the compact form the baselines sweep through: for each day, the cells with
 * at least one fire and their counts (days are dense from `firstDay`; cells are 0..nCells-1).
 */
export interface LabelHistory {
  nCells: number;
  firstDay: number;
  nDays: number;
  /** 1 where the day's labels are known (the day is in the table with non-NaN labels). */
  observed: Uint8Array;
  /** Events of day firstDay + k are eventCell/eventCount[eventStart[k] .. eventStart[k+1]). */
  eventStart: Int32Array;
  eventCell: Int32Array;
  eventCount: Float32Array;
}

/** Cell positions in metres (a metric CRS) and areas, indexed by cell_index. */
export interface CellGeometry {
  x_m: Float64Array;
  y_m: Float64Array;
  area_km2: Float64Array;
}

export function cellGeometryFromGrid(grid: Grid): CellGeometry {
  const n = grid.cells.length;
  const geometry = { x_m: new Float64Array(n), y_m: new Float64Array(n), area_km2: new Float64Array(n) };
  for (const cell of grid.cells) {
    geometry.x_m[cell.cell_index] = cell.centroid_x_m;
    geometry.y_m[cell.cell_index] = cell.centroid_y_m;
    geometry.area_km2[cell.cell_index] = cell.area_km2;
  }
  return geometry;
}

/**
 * Collects the fire labels of a feature matrix (rows with NaN labels are forecast days and are skipped).
 * The observed days are the days with labelled rows, or `matrix.labelledDays` when the matrix has it (zero
 * rows were left out while reading, so a day may have no row left).
 */
export function labelHistory(matrix: FeatureMatrix, nCells?: number): LabelHistory {
  let lo = Infinity;
  let hi = -Infinity;
  let maxCell = -1;
  for (let i = 0; i < matrix.rows; i++) {
    if (Number.isNaN(matrix.yFires[i])) continue;
    const d = matrix.day[i];
    if (d < lo) lo = d;
    if (d > hi) hi = d;
    if (matrix.cellIndex[i] > maxCell) maxCell = matrix.cellIndex[i];
  }
  const labelledDays = matrix.labelledDays;
  if (labelledDays?.length) {
    lo = Math.min(lo, labelledDays[0]);
    hi = Math.max(hi, labelledDays[labelledDays.length - 1]);
  }
  const cells = Math.max(nCells ?? 0, maxCell + 1);
  if (lo > hi) {
    return { nCells: cells, firstDay: 0, nDays: 0, observed: new Uint8Array(0), eventStart: new Int32Array(1), eventCell: new Int32Array(0), eventCount: new Float32Array(0) };
  }
  const nDays = hi - lo + 1;
  const observed = new Uint8Array(nDays);
  if (labelledDays) for (const d of labelledDays) observed[d - lo] = 1;
  const perDay = new Int32Array(nDays + 1);
  for (let i = 0; i < matrix.rows; i++) {
    const y = matrix.yFires[i];
    if (Number.isNaN(y)) continue;
    if (!labelledDays) observed[matrix.day[i] - lo] = 1;
    if (y > 0) perDay[matrix.day[i] - lo + 1]++;
  }
  for (let k = 0; k < nDays; k++) perDay[k + 1] += perDay[k];
  const eventCell = new Int32Array(perDay[nDays]);
  const eventCount = new Float32Array(perDay[nDays]);
  const fill = perDay.slice(0, nDays);
  for (let i = 0; i < matrix.rows; i++) {
    const y = matrix.yFires[i];
    if (!(y > 0)) continue;
    const slot = fill[matrix.day[i] - lo]++;
    eventCell[slot] = matrix.cellIndex[i];
    eventCount[slot] = y;
  }
  return { nCells: cells, firstDay: lo, nDays, observed, eventStart: perDay, eventCell, eventCount };
}

/** Fires per cell and the number of observed days over days [fromDay, toDay) of the history. */
export function countsBetween(history: LabelHistory, fromDay: number, toDay: number): { counts: Float64Array; days: number } {
  const counts = new Float64Array(history.nCells);
  let days = 0;
  const a = Math.max(0, fromDay - history.firstDay);
  const b = Math.min(history.nDays, toDay - history.firstDay);
  for (let k = a; k < b; k++) {
    if (!history.observed[k]) continue;
    days++;
    for (let e = history.eventStart[k]; e < history.eventStart[k + 1]; e++) counts[history.eventCell[e]] += history.eventCount[e];
  }
  return { counts, days };
}

/**
 * Sparse kernel between cells: for each source cell j, the cells c within `radius_m` and a weight.
 * Built with a square-bucket spatial hash, so the cost is O(cells × neighbours), not O(cells²).
 */
export interface CellKernel {
  start: Int32Array;
  target: Int32Array;
  weight: Float64Array;
}

export function sparseKernel(geometry: CellGeometry, radius_m: number, weightOf: (target: number, distance2_m2: number) => number): CellKernel {
  const n = geometry.x_m.length;
  const bucket = Math.max(radius_m, 1);
  const buckets = new Map<string, number[]>();
  const key = (bx: number, by: number) => `${bx},${by}`;
  for (let c = 0; c < n; c++) {
    const k = key(Math.floor(geometry.x_m[c] / bucket), Math.floor(geometry.y_m[c] / bucket));
    const list = buckets.get(k);
    if (list) list.push(c);
    else buckets.set(k, [c]);
  }
  const start = new Int32Array(n + 1);
  const target: number[] = [];
  const weight: number[] = [];
  const r2 = radius_m * radius_m;
  for (let j = 0; j < n; j++) {
    const bx = Math.floor(geometry.x_m[j] / bucket);
    const by = Math.floor(geometry.y_m[j] / bucket);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const c of buckets.get(key(bx + dx, by + dy)) ?? []) {
          const ddx = geometry.x_m[c] - geometry.x_m[j];
          const ddy = geometry.y_m[c] - geometry.y_m[j];
          const d2 = ddx * ddx + ddy * ddy;
          if (d2 > r2 && c !== j) continue;
          target.push(c);
          weight.push(weightOf(c, d2));
        }
      }
    }
    start[j + 1] = target.length;
  }
  return { start, target: Int32Array.from(target), weight: Float64Array.from(weight) };
}

/** Median distance from a cell centroid to its nearest other centroid: the grid's spacing (1 km for a single cell). */
export function typicalSpacing_m(geometry: CellGeometry): number {
  const n = geometry.x_m.length;
  if (n < 2) return 1000;
  // Brute force over a bounded sample of cells: O(500 × cells); a regular grid gives its cell size.
  const step = Math.max(1, Math.floor(n / 500));
  const nearest: number[] = [];
  for (let j = 0; j < n; j += step) {
    let best = Infinity;
    for (let c = 0; c < n; c++) {
      if (c === j) continue;
      const d2 = (geometry.x_m[c] - geometry.x_m[j]) ** 2 + (geometry.y_m[c] - geometry.y_m[j]) ** 2;
      if (d2 < best && d2 > 0) best = d2;
    }
    if (Number.isFinite(best)) nearest.push(Math.sqrt(best));
  }
  if (!nearest.length) return 1000;
  nearest.sort((a, b) => a - b);
  return nearest[Math.floor(nearest.length / 2)];
}
