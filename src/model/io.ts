import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { modelSchema } from '../config/schema.ts';
import type { FeatureMatrix } from '../features/matrix.ts';
import { InputDataError } from '../util/errors.ts';
import type { FittedModel, TrainingSummary } from './fit.ts';

/**
 * One saved model = one folder: model.json + weights.bin (the standard TF.js Layers format, readable by
 * tf.loadLayersModel under any backend, tfjs-node's file:// loader included) and metadata.json.
 * Written through in-memory IO handlers, so no backend-specific file system support is needed.
 */
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';

const daySpan = z.object({ from: z.string(), to: z.string() }).strict();

/** What the caller knows about a model beyond the fitted object: data, windows, evaluation. */
export const modelRecordSchema = z
  .object({
    dataset: z.string().optional().describe('Name of the dataset folder the features came from.'),
    training_window: daySpan.describe('First and last day (YYYY-MM-DD) of the training window.'),
    validation_window: daySpan.describe('First and last day of the early-stopping window.'),
    data_hash: z.string().describe('sha256 of the feature rows the model was fitted on (training and validation windows).'),
    features_source: z.string().optional().describe('Path of the feature table read.'),
    metrics: z.record(z.string(), z.unknown()).default({}).describe('Evaluation metrics, filled in by the evaluation when known.'),
  })
  .strict();
export type ModelRecord = z.input<typeof modelRecordSchema>;

export const modelMetadataSchema = modelRecordSchema
  .extend({
    format: z.literal('firerisk-model/1'),
    kind: modelSchema.shape.kind.removeDefault(),
    feature_names: z.array(z.string()).min(1),
    scaler: z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()), log_offset: z.array(z.number().min(0)).optional(), raw_mean: z.array(z.number()).optional(), low: z.array(z.number()).optional(), high: z.array(z.number()).optional() }).strict(),
    // Models saved before ensembles existed are single networks: their params lack ensemble_members;
    // before fire classes, one count model of all fires: their params lack fire_classes.
    params: z.preprocess(
      (params) =>
        params && typeof params === 'object'
          ? { ...('ensemble_members' in params ? {} : { ensemble_members: 1 }), ...('fire_classes' in params ? {} : { fire_classes: 'single' }), ...params }
          : params,
      modelSchema,
    ),
    summary: z.record(z.string(), z.unknown()),
    backend: z.string(),
    code_version: z.object({ version: z.string(), git_commit: z.string().nullable() }).strict(),
    files: z.object({ model: z.string(), weights: z.string(), weights_sha256: z.string() }).strict(),
  })
  .strict();
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

export type LoadedModel = FittedModel & { metadata: ModelMetadata };

/** sha256 of a feature matrix's contents (feature names, keys, labels, values): identifies the data a model saw. */
export function hashFeatureMatrix(...matrices: FeatureMatrix[]): string {
  const hash = createHash('sha256');
  for (const m of matrices) {
    hash.update(JSON.stringify(m.featureNames)).update(String(m.rows));
    for (const array of [m.cellIndex, m.day, m.yFires, m.yAlarms, ...(m.yOutdoorFires ? [m.yOutdoorFires] : []), m.X]) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  return hash.digest('hex');
}

let cachedCodeVersion: ModelMetadata['code_version'] | undefined;
/** package.json version and the git commit of the checkout, when there is one. */
export function codeVersion(): ModelMetadata['code_version'] {
  if (cachedCodeVersion) return cachedCodeVersion;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // An installed copy without package.json beside it: keep "unknown".
  }
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    gitCommit = null;
  }
  cachedCodeVersion = { version, git_commit: gitCommit };
  return cachedCodeVersion;
}

/** Moves a fully written temporary folder into place, replacing an existing one. */
function swapIntoPlace(temporary: string, dir: string): void {
  if (existsSync(dir)) {
    const old = `${dir}.old-${process.pid}-${randomBytes(3).toString('hex')}`;
    renameSync(dir, old);
    renameSync(temporary, dir);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(temporary, dir);
  }
}

/**
 * Writes the model into `dir` (created; replaced when it exists): model.json, weights.bin, metadata.json.
 * The files are written into a temporary sibling folder first and renamed, so `dir` is never half-written.
 */
export async function saveModel(fitted: FittedModel, dir: string, record: ModelRecord): Promise<ModelMetadata> {
  const input = modelRecordSchema.parse(record);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await fitted.network.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || artifacts.weightData === undefined) throw new Error('TF.js returned no weights when saving the model');
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
  };
  const metadata: ModelMetadata = {
    format: 'firerisk-model/1',
    ...input,
    kind: fitted.kind,
    feature_names: fitted.featureNames,
    scaler: fitted.scaler,
    params: fitted.params,
    summary: { ...fitted.summary },
    backend: fitted.summary.backend,
    code_version: codeVersion(),
    files: { model: MODEL_FILE, weights: WEIGHTS_FILE, weights_sha256: createHash('sha256').update(weights).digest('hex') },
  };
  mkdirSync(dirname(dir), { recursive: true });
  const temporary = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(temporary);
  try {
    writeFileSync(join(temporary, MODEL_FILE), `${JSON.stringify(modelJson)}\n`);
    writeFileSync(join(temporary, WEIGHTS_FILE), weights);
    writeFileSync(join(temporary, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
    swapIntoPlace(temporary, dir);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  return metadata;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputDataError(`${path}: cannot read the model file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputDataError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** Reads metadata.json of a saved model (validated). */
export function readModelMetadata(dir: string): ModelMetadata {
  const path = join(dir, METADATA_FILE);
  const parsed = modelMetadataSchema.safeParse(parseJson(path, readText(path)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputDataError(`${path}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}

/** Loads a model saved by `saveModel`, under whatever backend is active now. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const metadata = readModelMetadata(dir);
  const modelPath = join(dir, metadata.files.model);
  const modelJson = parseJson(modelPath, readText(modelPath)) as tf.io.ModelJSON;
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) throw new InputDataError(`${modelPath}: not a TF.js Layers model.json (modelTopology or weightsManifest missing)`);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const file of group.paths) {
      const path = join(dir, file);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new InputDataError(`${path}: cannot read the model weights (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const network = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
  const inputs = network.inputs[0].shape[1];
  if (inputs !== metadata.feature_names.length) throw new InputDataError(`${modelPath}: the network takes ${inputs} inputs but metadata.json lists ${metadata.feature_names.length} features`);
  return {
    kind: metadata.kind,
    featureNames: metadata.feature_names,
    scaler: metadata.scaler,
    network,
    params: metadata.params,
    summary: metadata.summary as unknown as TrainingSummary,
    metadata,
  };
}
