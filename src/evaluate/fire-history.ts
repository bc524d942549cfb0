import { poissonLogLikelihoodTerm } from './metrics.ts';

/**
 * The test period's fires, predicted and seen, by how many fires each cell had before it: where a
 * forecaster puts too much or too little on quiet cells and on busy ones. A model can look right on
 * the district's total and still spread fires over cells that have never burned; on synthetic data the
 * oracle's row says how many those cells truly hold.
 */
export interface FireHistoryBin {
  /** Fires before the test period: `min` to `max` inclusive (`max` null: no upper bound). */
  min: number;
  max: number | null;
  label: string;
  cells: number;
  cell_days: number;
  fires: number;
  /** Expected fires over the bin's test cell-days, by forecaster. */
  predicted: Record<string, number>;
  /** Sum of the bin's Poisson log-likelihood terms, by forecaster (nats; differences between forecasters sum over bins to theirs overall). */
  log_likelihood: Record<string, number>;
}

/** Lower edges of the bins: 0, 1, 2, 3–4, 5–9, 10–19, 20 and more fires. */
export const FIRE_HISTORY_EDGES: readonly number[] = [0, 1, 2, 3, 5, 10, 20];

/** `pastFires`: each cell's fires before the test period (countsBetween over the label history). */
export function byFireHistory(
  pastFires: ArrayLike<number>,
  rows: { y: ArrayLike<number>; cellIndex: ArrayLike<number> },
  rates: Record<string, ArrayLike<number>>,
  edges: readonly number[] = FIRE_HISTORY_EDGES,
): FireHistoryBin[] {
  const names = Object.keys(rates);
  const bins: FireHistoryBin[] = edges.map((min, b) => {
    const max = b + 1 < edges.length ? edges[b + 1] - 1 : null;
    const label = max === null ? `${min}+` : max === min ? String(min) : `${min}–${max}`;
    return { min, max, label, cells: 0, cell_days: 0, fires: 0, predicted: zeros(names), log_likelihood: zeros(names) };
  });
  const binOf = (count: number) => {
    let b = edges.length - 1;
    while (b > 0 && count < edges[b]) b--;
    return b;
  };
  for (let c = 0; c < pastFires.length; c++) bins[binOf(pastFires[c])].cells++;
  for (let i = 0; i < rows.y.length; i++) {
    const bin = bins[binOf(pastFires[rows.cellIndex[i]])];
    const y = rows.y[i];
    bin.cell_days++;
    bin.fires += y;
    for (const name of names) {
      const rate = rates[name][i];
      bin.predicted[name] += rate;
      bin.log_likelihood[name] += poissonLogLikelihoodTerm(y, rate);
    }
  }
  return bins;
}

const zeros = (names: string[]): Record<string, number> => Object.fromEntries(names.map((name) => [name, 0]));
