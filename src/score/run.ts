import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { MANIFEST_FILE, type FeatureManifest } from '../features/build.ts';
import { loadFeatureMatrix } from '../features/load.ts';
import { readGrid } from '../grid/io.ts';
import { selectBackend } from '../model/backend.ts';
import { predictRates } from '../model/fit.ts';
import { loadModel } from '../model/io.ts';
import { modelDir, readChampion } from '../model/registry.ts';
import { featureReference } from '../model/scaler.ts';
import { addDays, isValidDay } from '../util/days.ts';
import { readJson } from '../util/files.ts';
import { InputDataError, UsageError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { publishScores, type PublishManifest } from './publish.ts';
import { scoreDays } from './scoreDays.ts';


/** Days of history loaded before the scored day, to find the last observed day. */
const HISTORY_DAYS = 31;

export interface RunScoreOptions {
  date: string;
  days: number;
  /** Output root (default paths.out): reads <out>/grid, <out>/features, writes <out>/scores. */
  out?: string;
}

/** The edge of scoring: reads the grid, the champion model and the features; scores; publishes. */
export async function runScore(config: Config, options: RunScoreOptions, log: Logger): Promise<{ manifest: PublishManifest; outDir: string }> {
  if (!isValidDay(options.date)) throw new UsageError(`--date: expected a calendar day YYYY-MM-DD, got '${options.date}'`);
  if (!Number.isInteger(options.days) || options.days < 1) throw new UsageError(`--days: expected a positive integer, got '${options.days}'`);
  const outRoot = options.out ?? config.paths.out;
  const grid = readGrid(join(outRoot, 'grid'));
  const dataset = basename(resolve(config.paths.data));
  const champion = readChampion(config.paths.models, dataset);
  if (!champion) throw new UsageError(`no champion model in ${join(config.paths.models, dataset)}: run \`firerisk train\` first`);
  const backend = await selectBackend(config.model.backend, log);
  const fitted = await loadModel(modelDir(config.paths.models, dataset, champion.model_id));
  const parquet = join(outRoot, 'features', 'features.parquet');
  if (!existsSync(parquet)) throw new InputDataError(`${parquet}: no feature table; run \`firerisk features\` first`);
  const days = Array.from({ length: options.days }, (_, k) => addDays(options.date, k));
  const matrix = await loadFeatureMatrix(parquet, { fromDay: addDays(options.date, -HISTORY_DAYS), toDay: days[days.length - 1], featureNames: fitted.featureNames });
  const manifestPath = join(outRoot, 'features', MANIFEST_FILE);
  const timeZone = existsSync(manifestPath) ? readJson<Partial<FeatureManifest>>(manifestPath).time_zone : undefined;
  log.info('scoring', { days: days.join(','), cells: grid.cells.length, model: champion.model_id, backend });
  const scored = await scoreDays({
    grid,
    matrix,
    flags: matrix.flags,
    model: { modelVersion: champion.model_id, featureNames: fitted.featureNames, featureMeans: featureReference(fitted.scaler), predict: (m) => predictRates(fitted, m) },
    days,
    score: config.score,
    ...(timeZone ? { timeZone } : {}),
  });
  const outDir = join(outRoot, 'scores');
  const manifest = await publishScores(scored, outDir);
  for (const day of scored) log.info(`scores ${day.day}`, { ...day.counts, expected_fires: Number(day.expected_fires_total.toFixed(2)) });
  log.info('published', { dir: outDir, files: manifest.files.length, latest: manifest.latest_day });
  return { manifest, outDir };
}
