/**
 * How much of the skill gap could which knowledge close? (`npm run analyse:ceiling`, synthetic data only.)
 *
 * The evaluation report measures the share of the log-likelihood gap between the best baseline and the
 * oracle that the model closes. This script scores, over the same test period and with the same
 * likelihood, forecasters that are handed parts of the truth (truth/intensity.parquet), to show where
 * the gap lies:
 *   - each cell's exact mean intensity over the test period, the same every day (the report's
 *     oracle_cell_mean), and that times the exact district-wide total of each test day;
 *   - each cell's exact mean intensity over the labelled days before the test period (what the best
 *     possible long-run rate would be), scaled to the test period's true total, flat and times the
 *     exact district daily totals;
 *   - each cell's past fire counts shrunk by empirical Bayes (gamma prior by moments) times the exact
 *     district daily totals: the counts alone, even with perfect district-wide timing.
 * Shares use the report's best baseline and the oracle as scored here (the report's oracle row too).
 *
 *   npm run analyse:ceiling [-- --features out/features/features.parquet --grid out/grid --data datasets/beibei --report out/evaluation/report.json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { poissonLogLikelihood } from '../src/evaluate/metrics.ts';
import { loadOracle } from '../src/evaluate/oracle.ts';
import { loadFeatureMatrix } from '../src/features/load.ts';
import { readGrid } from '../src/grid/io.ts';
import { createCellLocator } from '../src/grid/locate.ts';
import { dayNumber } from '../src/util/days.ts';

const { values } = parseArgs({
  options: {
    features: { type: 'string', default: 'out/features/features.parquet' },
    grid: { type: 'string', default: 'out/grid' },
    data: { type: 'string', default: 'datasets/beibei' },
    report: { type: 'string', default: 'out/evaluation/report.json' },
  },
});
const report = JSON.parse(readFileSync(values.report!, 'utf8')) as {
  test_period: { from: string; to: string };
  best_baseline: string;
  model_name: string;
  overall: Record<string, { log_likelihood: number; rows: number }>;
};
const grid = readGrid(values.grid!);
const nCells = grid.cells.length;
const testFrom = dayNumber(report.test_period.from);
const testTo = dayNumber(report.test_period.to);

const started = performance.now();
const labels = await loadFeatureMatrix(values.features!, { featureNames: [], toDay: report.test_period.to });
let firstDay = Infinity;
for (let i = 0; i < labels.rows; i++) if (!Number.isNaN(labels.yFires[i]) && labels.day[i] < firstDay) firstDay = labels.day[i];
const oracle = await loadOracle(values.data!, createCellLocator(grid), { fromDay: firstDay, toDay: testTo, nCells });
if (!oracle) {
  process.stderr.write(`analyse:ceiling: ${values.data}/truth not found: this analysis needs synthetic data with its ground truth\n`);
  process.exit(2);
}
const truth = await oracle.predict(labels);
process.stderr.write(`labels and truth read: ${labels.rows.toLocaleString('en-US')} cell-days, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

// Dense day × cell arrays of the labels and the truth.
const nDays = testTo - firstDay + 1;
const y = new Float64Array(nDays * nCells);
const lambda = new Float64Array(nDays * nCells);
for (let i = 0; i < labels.rows; i++) {
  if (Number.isNaN(labels.yFires[i]) || labels.day[i] < firstDay) continue;
  const at = (labels.day[i] - firstDay) * nCells + labels.cellIndex[i];
  y[at] = labels.yFires[i];
  lambda[at] = truth[i];
}
const t0 = testFrom - firstDay;
const testDays = nDays - t0;
const pastDays = t0;

const testMean = new Float64Array(nCells);
const pastMean = new Float64Array(nCells);
const pastCount = new Float64Array(nCells);
const dailyTotal = new Float64Array(nDays);
for (let k = 0; k < nDays; k++) {
  for (let c = 0; c < nCells; c++) {
    const at = k * nCells + c;
    dailyTotal[k] += lambda[at];
    if (k >= t0) testMean[c] += lambda[at] / testDays;
    else {
      pastMean[c] += lambda[at] / pastDays;
      pastCount[c] += y[at];
    }
  }
}
const sum = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0);
const testTotalPerDay = sum(testMean);
// Gamma(a, b) prior on each cell's daily rate, by moments of the past counts (b in days).
const meanCount = sum(pastCount) / nCells;
let varCount = 0;
for (const n of pastCount) varCount += (n - meanCount) ** 2;
varCount /= nCells;
const priorRate = meanCount / pastDays;
const priorShape = priorRate ** 2 / Math.max((varCount - meanCount) / pastDays ** 2, 1e-12);
const priorDays = priorShape / priorRate;
const ebRate = Float64Array.from(pastCount, (n) => (n + priorShape) / (pastDays + priorDays));

// The best any estimate from the counts alone could do: the posterior mean of each cell's past rate
// under the true distribution of the cells' past rates (the exact past means of all cells, as a prior),
// which knows how the rates are spread but not which cell has which.
const bayesRate = posteriorMeans(pastCount, pastDays, pastMean, new Float64Array(nCells).fill(1 / nCells));
// The same with the prior estimated from the counts themselves: the nonparametric maximum-likelihood
// mixing distribution (Kiefer & Wolfowitz 1956) on a grid of rates, by EM (Laird 1978).
const npmleRate = posteriorMeans(pastCount, pastDays, ...npmlePrior(pastCount, pastDays));

const pastTotalPerDay = sum(pastMean);
const ebTotal = sum(ebRate);
const forecasts: Array<[string, (k: number, c: number) => number]> = [
  ['oracle (the true intensity)', (k, c) => lambda[k * nCells + c]],
  ['exact test-period cell means, flat (oracle_cell_mean)', (_, c) => testMean[c]],
  ['exact test-period cell means x exact district daily totals', (k, c) => (testMean[c] * dailyTotal[k]) / testTotalPerDay],
  ['exact past cell means, scaled to the true test total, flat', (_, c) => (pastMean[c] * testTotalPerDay) / pastTotalPerDay],
  ['exact past cell means x exact district daily totals', (k, c) => (pastMean[c] * dailyTotal[k]) / pastTotalPerDay],
  ['empirical-Bayes past counts x exact district daily totals', (k, c) => (ebRate[c] * dailyTotal[k]) / ebTotal],
  ['NPMLE empirical-Bayes past counts x exact daily totals', (k, c) => (npmleRate[c] * dailyTotal[k]) / sum(npmleRate)],
  ['Bayes past counts, true prior of rates x exact daily totals', (k, c) => (bayesRate[c] * dailyTotal[k]) / sum(bayesRate)],
];
const yTest = y.subarray(t0 * nCells);
const scored = forecasts.map(([name, rate]) => {
  const mu = new Float64Array(testDays * nCells);
  for (let k = t0; k < nDays; k++) for (let c = 0; c < nCells; c++) mu[(k - t0) * nCells + c] = rate(k, c);
  // poissonLogLikelihood is per cell-day; the sums over the period are what the shares compare.
  return { name, ll: poissonLogLikelihood(yTest, mu) * mu.length };
});

const rows = yTest.length;
const best = report.overall[report.best_baseline];
const bestLL = best.log_likelihood * best.rows;
const oracleLL = scored[0].ll;
const share = (ll: number) => (100 * (ll - bestLL)) / (oracleLL - bestLL);
const line = (name: string, ll: number) => `${name.padEnd(62)} LL ${ll.toFixed(1).padStart(9)}  per cell-day ${(ll / rows).toFixed(7)}  gap closed ${share(ll).toFixed(1).padStart(6)} %\n`;
process.stdout.write(`test period ${report.test_period.from}..${report.test_period.to}: ${rows.toLocaleString('en-US')} cell-days, ${sum(yTest)} fires; past: ${pastDays} labelled days before it\n`);
if (best.rows !== rows) process.stdout.write(`warning: the report scored ${best.rows} cell-days, this script ${rows}\n`);
process.stdout.write(line(`best baseline (${report.best_baseline}, from the report)`, bestLL));
const model = report.overall[report.model_name];
process.stdout.write(line(`${report.model_name} (from the report)`, model.log_likelihood * model.rows));
for (const { name, ll } of scored) process.stdout.write(line(name, ll));

/**
 * Posterior probabilities of each support rate for a count n ~ Poisson(rate · days) under the prior weights,
 * written into `out` (log-sum-exp, so that the large counts do not underflow).
 */
function posterior(n: number, days: number, support: Float64Array, logMean: Float64Array, logWeights: Float64Array, out: Float64Array): void {
  let top = -Infinity;
  for (let j = 0; j < support.length; j++) {
    out[j] = logWeights[j] + n * logMean[j] - support[j] * days;
    if (out[j] > top) top = out[j];
  }
  let z = 0;
  for (let j = 0; j < support.length; j++) z += out[j] = Math.exp(out[j] - top);
  for (let j = 0; j < support.length; j++) out[j] /= z;
}

function logOf(weights: Float64Array): Float64Array {
  return Float64Array.from(weights, (w) => (w > 0 ? Math.log(w) : -Infinity));
}
/** log(rate · days) of each support rate (a tiny floor for the rate 0, which a count of 0 still fits). */
function logMeanOf(support: Float64Array, days: number): Float64Array {
  return Float64Array.from(support, (r) => Math.log(Math.max(r * days, 1e-300)));
}

/** Posterior mean rate of each count n ~ Poisson(rate · days) under a discrete prior (support, weights). */
function posteriorMeans(counts: Float64Array, days: number, support: Float64Array, weights: Float64Array): Float64Array {
  const logWeights = logOf(weights);
  const logMean = logMeanOf(support, days);
  const p = new Float64Array(support.length);
  return Float64Array.from(counts, (n) => {
    posterior(n, days, support, logMean, logWeights, p);
    return p.reduce((m, pj, j) => m + pj * support[j], 0);
  });
}

/** NPMLE of the mixing distribution of Poisson rates: 0 plus 200 log-spaced rates, 500 EM steps. */
function npmlePrior(counts: Float64Array, days: number): [Float64Array, Float64Array] {
  const most = Math.max(...counts);
  const low = 0.2 / days;
  const high = (most + 3 * Math.sqrt(most)) / days;
  const k = 200;
  const support = Float64Array.from({ length: k + 1 }, (_, j) => (j === 0 ? 0 : low * (high / low) ** ((j - 1) / (k - 1))));
  let weights = new Float64Array(k + 1).fill(1 / (k + 1));
  const logMean = logMeanOf(support, days);
  const p = new Float64Array(k + 1);
  for (let step = 0; step < 500; step++) {
    const logWeights = logOf(weights);
    const next = new Float64Array(k + 1);
    for (const n of counts) {
      posterior(n, days, support, logMean, logWeights, p);
      for (let j = 0; j <= k; j++) next[j] += p[j] / counts.length;
    }
    weights = next;
  }
  return [support, weights];
}
