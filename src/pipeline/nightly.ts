import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.ts';
import type { Dataset } from '../contract/dataset.ts';
import { inspectDataset } from '../contract/load.ts';
import { writeQuarantine } from '../contract/quarantine.ts';
import { backtestWarnings, ShortHistoryError } from '../evaluate/backtest.ts';
import { defaultReportDir, evaluateFromFiles } from '../evaluate/run.ts';
import { FEATURES_DIR, FEATURES_FILE, MANIFEST_FILE, buildFeatures, type FeatureManifest } from '../features/build.ts';
import { loadFeatureMatrix } from '../features/load.ts';
import { gridForDataset } from '../grid/forDataset.ts';
import { GRID_FILE, readGrid, writeGrid } from '../grid/index.ts';
import type { Grid } from '../grid/types.ts';
import { describeFireClasses, predictRates } from '../model/fit.ts';
import { gateDecision, type GateMetrics } from '../model/gate.ts';
import { loadModel } from '../model/io.ts';
import { modelDir, promote, pruneModels, readChampion, recordRejected } from '../model/registry.ts';
import { runTrain } from '../model/run.ts';
import { meanPoissonDeviance, poissonLogLikelihood } from '../evaluate/metrics.ts';
import { runScore } from '../score/run.ts';
import { pruneScoreFiles } from '../score/retention.ts';
import { generateSynthetic, writeSynthetic } from '../synth/index.ts';
import { addDays, dayNumber } from '../util/days.ts';
import { InputDataError } from '../util/errors.ts';
import { readJson, sha256, sha256File, sha256Tree } from '../util/files.ts';
import type { Logger } from '../util/log.ts';
import { readState, type Stage } from './runner.ts';
import { runsDirOf, scoresDirOf } from './status.ts';

/** Everything the nightly stages share: settings, and inputs loaded at most once per run. */
export interface NightlyContext {
  config: Config;
  log: Logger;
  dataDir: string;
  outDir: string;
  modelsDir: string;
  /** Registry name of the dataset: the data folder's name. */
  datasetName: string;
  runsDir: string;
  memo: { dataHash?: string; truthHash?: string; codeHash?: string; dataset?: Dataset; grid?: Grid };
}

export function nightlyContext(config: Config, log: Logger): NightlyContext {
  return {
    config,
    log,
    dataDir: config.paths.data,
    outDir: config.paths.out,
    modelsDir: config.paths.models,
    datasetName: basename(resolve(config.paths.data)),
    runsDir: runsDirOf(config.paths.out),
    memo: {},
  };
}

const featuresDir = (c: NightlyContext) => join(c.outDir, FEATURES_DIR);
const featuresPath = (c: NightlyContext) => join(featuresDir(c), FEATURES_FILE);
const featureManifestPath = (c: NightlyContext) => join(featuresDir(c), MANIFEST_FILE);
const gridPath = (c: NightlyContext) => join(c.outDir, 'grid', GRID_FILE);
const json = (value: unknown) => JSON.stringify(value);
const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const publishedManifest = (c: NightlyContext) => join(scoresDirOf(c.outDir), 'manifest.json');

/** Hash of the input feeds; the ground truth (synthetic data only) is hashed apart, since only evaluation reads it. */
async function dataHash(c: NightlyContext): Promise<string> {
  c.memo.dataHash ??= await sha256Tree(c.dataDir, { exclude: ['truth'] });
  return c.memo.dataHash;
}

/** Hash of the pipeline's own code: after an upgrade every stage runs again, even on unchanged data. */
async function codeHash(c: NightlyContext): Promise<string> {
  c.memo.codeHash ??= await sha256Tree(SOURCE_DIR);
  return c.memo.codeHash;
}

async function truthHash(c: NightlyContext): Promise<string> {
  c.memo.truthHash ??= await sha256Tree(join(c.dataDir, 'truth'));
  return c.memo.truthHash;
}

async function dataset(c: NightlyContext): Promise<Dataset> {
  if (!c.memo.dataset) {
    const { dataset: inspected, failures } = await inspectDataset(c.dataDir, c.config, c.log);
    writeQuarantine(inspected.report, join(c.outDir, 'quarantine'));
    if (failures.length > 0) throw new InputDataError(`${failures.join('; ')} (nothing published; quarantined rows in ${join(c.outDir, 'quarantine')})`);
    c.memo.dataset = inspected;
  }
  return c.memo.dataset;
}

function featureManifest(c: NightlyContext): FeatureManifest {
  return readJson<FeatureManifest>(featureManifestPath(c));
}

/** What the feature table was built from (not when): stable across rebuilds of the same inputs. */
function featuresKey(c: NightlyContext): string {
  const manifest = featureManifest(c);
  return sha256(json({ inputs: manifest.input_hashes, parts: manifest.parts.map((p) => p.key), static: manifest.static_key, labels_until: manifest.labels_until }));
}

function lastRecorded(c: NightlyContext, stage: string, key: string): string | undefined {
  const value = readState(c.runsDir).stages[stage]?.report.details?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** First day of the gate window: the challenger is trained as of this day, so the window is unseen by it. */
function gateWindow(c: NightlyContext): { from: string; to: string } {
  const labelsUntil = featureManifest(c).labels_until;
  return { from: addDays(labelsUntil, -(c.config.gate.window_days - 1)), to: labelsUntil };
}

async function gateMetrics(c: NightlyContext, modelId: string, window: { from: string; to: string }): Promise<GateMetrics> {
  const fitted = await loadModel(modelDir(c.modelsDir, c.datasetName, modelId));
  const matrix = await loadFeatureMatrix(featuresPath(c), { fromDay: window.from, toDay: window.to, featureNames: fitted.featureNames });
  const rates = await predictRates(fitted, matrix);
  return { poisson_deviance: meanPoissonDeviance(matrix.yFires, rates), log_likelihood: poissonLogLikelihood(matrix.yFires, rates), window };
}

export const nightlyStages: Stage<NightlyContext>[] = [
  {
    name: 'validate',
    description: 'read and validate the input feeds; quarantine bad rows',
    fingerprint: async (c) => sha256(json({ code: await codeHash(c), data: await dataHash(c), validate: c.config.validate, tz: c.config.timezone, holidays: c.config.holidays_country })),
    async run(c) {
      const loaded = await dataset(c);
      const tables = loaded.report.tables.filter((t) => t.present);
      const missingOptional = loaded.report.tables.filter((t) => !t.present && ['crowd_flow', 'facility_status'].includes(t.table)).map((t) => t.table);
      return {
        rows_in: tables.reduce((n, t) => n + t.read, 0),
        rows_out: tables.reduce((n, t) => n + t.accepted, 0),
        rows_quarantined: tables.reduce((n, t) => n + t.quarantined, 0),
        warnings: [
          ...tables.filter((t) => t.quarantined > 0).map((t) => `${t.table}: ${t.quarantined} of ${t.read} rows quarantined (${Object.entries(t.reasons).map(([r, n]) => `${r}: ${n}`).join('; ')})`),
          ...missingOptional.map((table) => `${table}: feed absent; its features are imputed and flagged`),
        ],
        details: {
          tables: Object.fromEntries(tables.map((t) => [t.table, { read: t.read, accepted: t.accepted, quarantined: t.quarantined }])),
          locale: { ...loaded.locale, holiday_days: loaded.holidays.length },
        },
        outputs: [join(c.outDir, 'quarantine')],
      };
    },
  },
  {
    name: 'grid',
    description: 'lay the district grid',
    fingerprint: async (c) => sha256(json({ code: await codeHash(c), data: await dataHash(c), grid: c.config.grid })),
    async run(c) {
      const { grid, warnings } = gridForDataset(await dataset(c), c.config.grid);
      const previous = existsSync(gridPath(c)) ? readGrid(gridPath(c)) : undefined;
      if (!previous || json(previous.definition) !== json(grid.definition)) writeGrid(grid, join(c.outDir, 'grid'));
      c.memo.grid = grid;
      return {
        rows_out: grid.cells.length,
        warnings,
        details: { headline: `${grid.cells.length} ${grid.definition.kind} cells (${grid.definition.crs})`, definition: grid.definition },
        outputs: [gridPath(c)],
      };
    },
  },
  {
    name: 'features',
    description: 'join the feeds onto (cell, day) features in DuckDB (incremental by month)',
    fingerprint: async (c) => sha256(json({ code: await codeHash(c), data: await dataHash(c), grid: await sha256File(gridPath(c)), features: c.config.features, tz: c.config.timezone, holidays: c.config.holidays_country })),
    async run(c) {
      c.memo.grid ??= readGrid(gridPath(c));
      const result = await buildFeatures(await dataset(c), c.memo.grid, { outDir: c.outDir, config: c.config }, c.log);
      const m = result.manifest;
      const imputed = Object.entries(m.imputed).filter(([, n]) => n > 0);
      const outside = Object.entries(m.out_of_grid).filter(([, n]) => n > 0);
      return {
        rows_in: Object.values(m.records).reduce((n, v) => n + v, 0),
        rows_out: result.rows,
        warnings: [
          ...imputed.map(([flag, n]) => `${flag}: ${n} cell-days imputed`),
          ...outside.map(([table, n]) => `${table}: ${n} records outside the grid (not used)`),
        ],
        details: {
          headline: `${result.rows.toLocaleString('en-US')} cell-days ${m.from}..${m.to}, labels until ${m.labels_until}; ${result.recomputedMonths.length} months computed, ${result.reusedMonths.length} reused`,
          labels_until: m.labels_until,
          imputed: m.imputed,
        },
        outputs: [featuresPath(c), featureManifestPath(c)],
      };
    },
  },
  {
    name: 'train',
    description: 'train the challenger up to the gate window',
    fingerprint: async (c) => sha256(json({ code: await codeHash(c), features: featuresKey(c), model: c.config.model, gate_days: c.config.gate.window_days })),
    async run(c) {
      const window = gateWindow(c);
      const trained = await runTrain(c.config, { features: featuresPath(c), asOf: window.from }, c.log);
      const s = trained.summary;
      return {
        rows_in: s.train_rows,
        details: {
          headline: `challenger ${trained.modelId}: ${s.backend}, ${s.epochs_run} epochs, ${Math.round(s.rows_per_s).toLocaleString('en-US')} rows/s, trained ${trained.trainingWindow.from}..${trained.trainingWindow.to}, fire classes ${s.fire_classes.join(' + ')}`,
          model_id: trained.modelId,
          fire_classes: describeFireClasses(s),
          backend: s.backend,
          training_window: trained.trainingWindow,
          validation_window: trained.validationWindow,
        },
        outputs: [trained.dir],
      };
    },
  },
  {
    name: 'evaluate',
    description: 'rolling-origin backtest of the model against the baselines (and the oracle on synthetic data)',
    fingerprint: async (c) => sha256(json({ code: await codeHash(c), features: featuresKey(c), model: c.config.model, evaluate: c.config.evaluate, truth: await truthHash(c) })),
    async run(c) {
      const reportDir = defaultReportDir(c.outDir);
      let evaluated: Awaited<ReturnType<typeof evaluateFromFiles>>;
      try {
        evaluated = await evaluateFromFiles({ featuresPath: featuresPath(c), gridPath: gridPath(c), dataDir: c.dataDir, reportDir, config: c.config, log: c.log });
      } catch (error) {
        // A young district: the model is still trained, gated and published; the backtest waits for history.
        if (!(error instanceof ShortHistoryError)) throw error;
        return { warnings: [`no backtest report tonight: ${error.message}`], details: { headline: `no backtest: ${error.message}`, report: null, gap_closed: null } };
      }
      const { result, files } = evaluated;
      const model = result.overall[result.model_name];
      const best = result.overall[result.best_baseline];
      return {
        warnings: [
          ...(result.months.length < result.months_requested ? [`backtest shortened to ${result.months.length} of ${result.months_requested} months: the labelled history is too short for more`] : []),
          ...backtestWarnings(result),
        ],
        rows_in: model?.rows,
        details: {
          headline: `backtest ${result.test_period.from}..${result.test_period.to}: deviance ${model?.poisson_deviance.toFixed(5)} vs best baseline ${result.best_baseline} ${best?.poisson_deviance.toFixed(5)} (model ahead on log-likelihood in ${(100 * result.model_vs_best_baseline.log_likelihood.share_positive).toFixed(0)}% of bootstrap resamples)${result.gap_closed === null ? '' : `; gap to oracle closed ${(100 * result.gap_closed).toFixed(0)}%`}; report ${files.markdown}`,
          report: files.markdown,
          gap_closed: result.gap_closed,
          model_ahead_share: result.model_vs_best_baseline.log_likelihood.share_positive,
        },
        outputs: [files.json, files.markdown],
      };
    },
  },
  {
    name: 'gate',
    description: 'promote the challenger only if it is no worse than the champion on the gate window',
    fingerprint: async (c) =>
      sha256(json({ code: await codeHash(c), challenger: lastRecorded(c, 'train', 'model_id'), champion: readChampion(c.modelsDir, c.datasetName)?.model_id ?? null, gate: c.config.gate, features: featuresKey(c) })),
    async run(c) {
      const challengerId = lastRecorded(c, 'train', 'model_id');
      if (!challengerId) throw new Error('gate: no challenger recorded by the train stage');
      const window = gateWindow(c);
      const championPointer = readChampion(c.modelsDir, c.datasetName);
      const challenger = await gateMetrics(c, challengerId, window);
      if (championPointer?.model_id === challengerId) {
        return { details: { headline: `challenger ${challengerId} is already the champion`, decision: 'unchanged', champion: challengerId } };
      }
      const champion = championPointer ? await gateMetrics(c, championPointer.model_id, window) : undefined;
      const decision = gateDecision(challenger, champion, c.config.gate);
      const metrics = { window, challenger, champion: champion ?? null };
      if (decision.promote) promote(c.modelsDir, c.datasetName, challengerId, { reason: decision.reason, metrics });
      else recordRejected(c.modelsDir, c.datasetName, challengerId, { reason: decision.reason, metrics });
      const now = readChampion(c.modelsDir, c.datasetName)!.model_id;
      return {
        warnings: decision.promote ? [] : [`challenger ${challengerId} rejected, champion ${now} kept: ${decision.reason}`],
        details: { headline: `${decision.promote ? 'promoted' : 'rejected'} ${challengerId}: ${decision.reason}`, decision: decision.promote ? 'promoted' : 'rejected', champion: now, metrics },
      };
    },
  },
  {
    name: 'publish',
    description: 'score the next day(s) with the champion and publish GeoJSON, CSV, HTML',
    fingerprint: async (c) =>
      sha256(
        json({ code: await codeHash(c),
          champion: readChampion(c.modelsDir, c.datasetName)?.model_id ?? null,
          features: featuresKey(c),
          grid: await sha256File(gridPath(c)),
          score: c.config.score,
          // A manual `firerisk score` in between changes what is published; the nightly puts its own day back.
          published: existsSync(publishedManifest(c)) ? await sha256File(publishedManifest(c)) : null,
        }),
      ),
    async run(c) {
      const manifest = featureManifest(c);
      const date = addDays(manifest.labels_until, 1);
      const days = Math.max(1, Math.min(c.config.score.days, dayNumber(manifest.to) - dayNumber(date) + 1));
      const { manifest: published, outDir } = await runScore(c.config, { date, days, out: c.outDir }, c.log);
      const pruned = pruneScoreFiles(outDir, c.config.retention.score_days);
      const latest = published.files.filter((f) => f.day === published.latest_day && f.kind === 'geojson' && !f.path.startsWith('latest.'));
      return {
        rows_out: latest.reduce((n, f) => n + (f.feature_count ?? 0), 0),
        details: {
          headline: `published ${days} day(s) from ${date} by ${published.model_version}: ${join(outDir, 'latest.geojson')}`,
          latest_day: published.latest_day,
          model_version: published.model_version,
          files: published.files.map((f) => f.path),
          pruned,
        },
        outputs: [join(outDir, 'manifest.json'), join(outDir, 'latest.geojson')],
      };
    },
  },
];

/** The synthetic district, generated when the configured data folder does not exist yet. */
export async function ensureSyntheticData(config: Config, log: Logger): Promise<boolean> {
  if (existsSync(config.paths.data)) return false;
  log.info(`no data in ${config.paths.data}: generating the synthetic district (seed ${config.synth.seed}, ${config.synth.start}..${config.synth.end})`);
  const generated = generateSynthetic({ seed: config.synth.seed, from: config.synth.start, to: config.synth.end, forecastDays: config.synth.forecast_days }, log);
  await writeSynthetic(generated, config.paths.data, log);
  return true;
}

/** Retention after a successful run: old models (never the champion) and old run folders. */
export function tidyRegistry(c: NightlyContext): string[] {
  return pruneModels(c.modelsDir, c.datasetName, c.config.retention.models);
}

