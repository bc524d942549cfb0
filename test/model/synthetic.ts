import type { FeatureMatrix } from '../../src/features/matrix.ts';
import { mulberry32 } from '../../src/model/sampling.ts';

/** Seeded Poisson draw (Knuth; fine for the small rates of cell-days). */
export function poisson(rate: number, random: () => number): number {
  const limit = Math.exp(-rate);
  let k = 0;
  let product = random();
  while (product > limit) {
    k++;
    product *= random();
  }
  return k;
}

export interface PlantedWorld {
  matrix: FeatureMatrix;
  /** True expected fires per row. */
  truth: Float32Array;
}

/**
 * cells × days rows; features x1 ~ N(0,1) (the signal), x2 ~ N(0,1) (noise); true rate exp(intercept + slope·x1).
 * Rows are ordered by day, then cell, like the feature table.
 */
export function plantedWorld(options: { cells: number; days: number; firstDay?: number; seed?: number; intercept?: number; slope?: number }): PlantedWorld {
  const { cells, days, firstDay = 19000, seed = 1, intercept = -5, slope = 1.5 } = options;
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows = cells * days;
  const X = new Float32Array(rows * 2);
  const cellIndex = new Int32Array(rows);
  const day = new Int32Array(rows);
  const yFires = new Float32Array(rows);
  const yAlarms = new Float32Array(rows);
  const truth = new Float32Array(rows);
  for (let d = 0; d < days; d++) {
    for (let c = 0; c < cells; c++) {
      const i = d * cells + c;
      const x1 = normal();
      const x2 = normal();
      X[2 * i] = x1;
      X[2 * i + 1] = x2;
      cellIndex[i] = c;
      day[i] = firstDay + d;
      truth[i] = Math.exp(intercept + slope * x1);
      yFires[i] = poisson(truth[i], random);
      yAlarms[i] = yFires[i] + poisson(3 * truth[i], random);
    }
  }
  return { matrix: { featureNames: ['x1', 'x2'], rows, X, cellIndex, day, yFires, yAlarms }, truth };
}
