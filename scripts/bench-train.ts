/**
 * Benchmark of model training at a realistic size, without the feature store: a synthetic feature matrix
 * of `--cells` cells × (`--years`·365 + validation) days × `--features` features (default 3,000 cells × the
 * configuration's `model.train_years` × 66, the size of the default district's table: 8 years, ≈ 9.3 M rows), with a planted log-linear signal on a few static and daily columns and a mean rate of
 * about 750 fires a year over the district, a tenth of them outdoor fires with a response of their own. Cuts the windows like `firerisk train` (negative rate 5 %),
 * fits the default model (`--kind`, default the configuration's: wide & deep) and prints backend, rows, rows/s, epochs, seconds, deviances and predict speed.
 *
 *   npx tsx scripts/bench-train.ts                          # default size, backend auto
 *   npx tsx scripts/bench-train.ts --backend cpu --max-epochs 2
 */
import { parseArgs } from 'node:util';
import { defaultConfig } from '../src/config/schema.ts';
import type { FeatureMatrix } from '../src/features/matrix.ts';
import { selectBackend, type BackendPreference } from '../src/model/backend.ts';
import { fitModel, meanPoissonDeviance, predictRates } from '../src/model/fit.ts';
import { mulberry32 } from '../src/model/sampling.ts';
import { trainingWindows } from '../src/model/windows.ts';
import { createLogger } from '../src/util/log.ts';

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: '3000' },
    years: { type: 'string' },
    features: { type: 'string', default: '66' },
    backend: { type: 'string', default: 'auto' },
    'max-epochs': { type: 'string' },
    kind: { type: 'string' },
    l2: { type: 'string' },
    'learning-rate': { type: 'string' },
    'batch-size': { type: 'string' },
  },
});
const cells = Number(values.cells);
const features = Number(values.features);
const config = defaultConfig();
const params = {
  ...config.model,
  train_years: values.years ? Number(values.years) : config.model.train_years,
  kind: (values.kind ?? config.model.kind) as typeof config.model.kind,
  ...(values['max-epochs'] ? { max_epochs: Number(values['max-epochs']) } : {}),
  ...(values.l2 ? { l2: Number(values.l2) } : {}),
  ...(values['learning-rate'] ? { learning_rate: Number(values['learning-rate']) } : {}),
  ...(values['batch-size'] ? { batch_size: Number(values['batch-size']) } : {}),
};
const days = Math.round(params.train_years * 365) + params.validation_days;
const log = createLogger();

function syntheticMatrix(): { matrix: FeatureMatrix; truth: Float32Array } {
  const random = mulberry32(123);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows = cells * days;
  const X = new Float32Array(rows * features);
  const staticX = Float32Array.from({ length: cells * 4 }, normal);
  const baseLog = Math.log(750 / 365 / cells) - 0.6;
  const truth = new Float32Array(rows);
  const yFires = new Float32Array(rows);
  const yOutdoorFires = new Float32Array(rows);
  // Poisson by inversion: rates are tiny, so at most a few steps.
  const poisson = (rate: number) => {
    let k = 0;
    let p = Math.exp(-rate);
    let cdf = p;
    const u = random();
    while (u > cdf && k < 20) {
      k++;
      p *= rate / k;
      cdf += p;
    }
    return k;
  };
  const cellIndex = new Int32Array(rows);
  const day = new Int32Array(rows);
  const firstDay = 16000;
  for (let d = 0; d < days; d++) {
    const season = Math.sin((2 * Math.PI * d) / 365);
    for (let c = 0; c < cells; c++) {
      const i = d * cells + c;
      const o = i * features;
      for (let j = 0; j < 4; j++) X[o + j] = staticX[c * 4 + j];
      X[o + 4] = season;
      for (let j = 5; j < features; j++) X[o + j] = normal();
      const eta = baseLog + 0.9 * X[o] - 0.4 * X[o + 1] + 0.3 * X[o + 4] + 0.25 * X[o + 5] - 0.15 * X[o + 6] * X[o + 6];
      // Outdoor fires: about a tenth of the fires, with a response of their own (for model.fire_classes).
      const etaOutdoor = baseLog - 2.3 + 1.2 * X[o + 2] + 0.8 * X[o + 5];
      truth[i] = Math.exp(eta) + Math.exp(etaOutdoor);
      yOutdoorFires[i] = poisson(Math.exp(etaOutdoor));
      yFires[i] = yOutdoorFires[i] + poisson(Math.exp(eta));
      cellIndex[i] = c;
      day[i] = firstDay + d;
    }
  }
  return {
    matrix: { featureNames: Array.from({ length: features }, (_, j) => `f${j}`), rows, X, cellIndex, day, yFires, yAlarms: yFires, yOutdoorFires },
    truth,
  };
}

const t0 = performance.now();
const { matrix, truth } = syntheticMatrix();
const tGen = (performance.now() - t0) / 1000;
const backend = await selectBackend(values.backend as BackendPreference, log);
const t1 = performance.now();
const windows = trainingWindows(matrix, params, matrix.day[matrix.rows - 1] + 1);
const tWindows = (performance.now() - t1) / 1000;
const cpu0 = process.cpuUsage();
const fitted = await fitModel(params, windows.train, windows.valid, log);
const cpu = process.cpuUsage(cpu0);
const fitCpuSeconds = (cpu.user + cpu.system) / 1e6;
const t2 = performance.now();
const rates = await predictRates(fitted, windows.valid);
const tPredict = (performance.now() - t2) / 1000;
const validTruth = truth.subarray(matrix.rows - windows.valid.rows);
const result = {
  backend,
  kind: params.kind,
  fire_classes: fitted.summary.fire_classes,
  hidden_units: params.kind === 'glm' ? [] : params.hidden_units,
  l2: params.l2,
  learning_rate: params.learning_rate,
  batch_size: params.batch_size,
  matrix_rows: matrix.rows,
  features,
  generate_s: Number(tGen.toFixed(1)),
  windows_s: Number(tWindows.toFixed(1)),
  train_rows: fitted.summary.train_rows,
  train_positive_rows: windows.train.yFires.filter((y) => y > 0).length,
  valid_rows: windows.valid.rows,
  epochs_run: fitted.summary.epochs_run,
  best_epoch: fitted.summary.best_epoch,
  rows_per_s: fitted.summary.rows_per_s,
  fit_seconds: fitted.summary.seconds,
  // CPU time of the fit (the machine may be shared: wall seconds then overstate the cost).
  fit_cpu_seconds: Number(fitCpuSeconds.toFixed(1)),
  train_rows_per_cpu_s: Math.round((fitted.summary.train_rows * fitted.summary.epochs_run) / fitCpuSeconds),
  valid_deviance_model: Number(fitted.summary.best_valid_deviance.toFixed(6)),
  valid_deviance_constant: Number(fitted.summary.valid_null_deviance.toFixed(6)),
  valid_deviance_truth: Number(meanPoissonDeviance(windows.valid.yFires, validTruth).toFixed(6)),
  predict_rows_per_s: Math.round(windows.valid.rows / tPredict),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
