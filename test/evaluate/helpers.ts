import type { FeatureMatrix } from '../../src/features/matrix.ts';
import type { CellGeometry } from '../../src/evaluate/history.ts';

/** A dense matrix over cells × days from a label function; one feature column `x` from `feature`. */
export function denseMatrix(
  nCells: number,
  fromDay: number,
  toDay: number,
  label: (cell: number, day: number) => number,
  feature: (cell: number, day: number) => number = () => 0,
): FeatureMatrix {
  const rows = nCells * (toDay - fromDay + 1);
  const m: FeatureMatrix = {
    featureNames: ['x'],
    rows,
    X: new Float32Array(rows),
    cellIndex: new Int32Array(rows),
    day: new Int32Array(rows),
    yFires: new Float32Array(rows),
    yAlarms: new Float32Array(rows),
  };
  let i = 0;
  for (let d = fromDay; d <= toDay; d++) {
    for (let c = 0; c < nCells; c++) {
      m.cellIndex[i] = c;
      m.day[i] = d;
      m.yFires[i] = label(c, d);
      m.yAlarms[i] = m.yFires[i];
      m.X[i] = feature(c, d);
      i++;
    }
  }
  return m;
}

/** A side × side square grid of cells `spacing_m` apart, each spacing² in area. */
export function squareGeometry(side: number, spacing_m = 500): CellGeometry {
  const n = side * side;
  const g = { x_m: new Float64Array(n), y_m: new Float64Array(n), area_km2: new Float64Array(n).fill((spacing_m / 1000) ** 2) };
  for (let c = 0; c < n; c++) {
    g.x_m[c] = (c % side) * spacing_m;
    g.y_m[c] = Math.floor(c / side) * spacing_m;
  }
  return g;
}

/** Deterministic uniform(0, 1) numbers. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function poissonSample(rate: number, random: () => number): number {
  const limit = Math.exp(-rate);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
