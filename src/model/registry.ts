import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputDataError, UsageError } from '../util/errors.ts';
import { writeJsonAtomic } from '../util/files.ts';
import type { FittedModel } from './fit.ts';
import { codeVersion, METADATA_FILE, readModelMetadata, saveModel, type ModelMetadata, type ModelRecord } from './io.ts';

/**
 * The model registry: <root>/<dataset>/<model_id>/ holds one saved model (see io.ts);
 * <root>/<dataset>/champion.json points at the model the scorer uses; a challenger refused by the gate
 * keeps its folder with rejected.json saying why; events.jsonl lists promotions and rejections.
 */
export const CHAMPION_FILE = 'champion.json';
export const REJECTED_FILE = 'rejected.json';
export const EVENTS_FILE = 'events.jsonl';

export interface ChampionPointer {
  model_id: string;
  promoted_at: string;
  reason: string;
  metrics: Record<string, unknown>;
  previous_model_id: string | null;
}

export interface RejectionRecord {
  reason: string;
  metrics: Record<string, unknown>;
  champion_model_id: string | null;
  rejected_at: string;
}

export interface RegistryEntry {
  modelId: string;
  dir: string;
  status: 'champion' | 'rejected' | 'candidate';
  metadata: ModelMetadata;
  rejection?: RejectionRecord;
}

const MODEL_ID = /^m-\d{8}-[0-9a-f]{8}$/;

function readJsonFile<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new InputDataError(`${path}: unreadable registry file (${(error as Error).message})`);
  }
}

export const datasetDir = (root: string, dataset: string): string => join(root, dataset);
export const modelDir = (root: string, dataset: string, modelId: string): string => join(root, dataset, modelId);

/**
 * Deterministic model id `m-<YYYYMMDD of the last training day>-<8 hex>`: the hash covers the data, the
 * features, the parameters, the backend and the code version, so the same inputs give the same id and a
 * different model never takes an existing model's id.
 */
export function modelIdFor(fitted: FittedModel, record: Pick<ModelRecord, 'training_window' | 'validation_window' | 'data_hash'>): string {
  const lastDay = record.training_window.to;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(lastDay)) throw new UsageError(`training_window.to must be YYYY-MM-DD, got "${lastDay}"`);
  const identity = JSON.stringify({
    data: record.data_hash,
    training: record.training_window,
    validation: record.validation_window,
    features: fitted.featureNames,
    params: fitted.params,
    backend: fitted.summary.backend,
    code: codeVersion(),
  });
  return `m-${lastDay.replaceAll('-', '')}-${createHash('sha256').update(identity).digest('hex').slice(0, 8)}`;
}

function appendEvent(root: string, dataset: string, event: Record<string, unknown>): void {
  mkdirSync(datasetDir(root, dataset), { recursive: true });
  appendFileSync(join(datasetDir(root, dataset), EVENTS_FILE), `${JSON.stringify(event)}\n`);
}

/**
 * Saves a trained model into the registry (not promoted). When a model with the same id is already there
 * (same data, parameters and code), it is kept as it is and `existed` is true.
 */
export async function registerModel(
  root: string,
  dataset: string,
  fitted: FittedModel,
  record: ModelRecord,
): Promise<{ modelId: string; dir: string; metadata: ModelMetadata; existed: boolean }> {
  const modelId = modelIdFor(fitted, record);
  const dir = modelDir(root, dataset, modelId);
  if (existsSync(join(dir, METADATA_FILE))) return { modelId, dir, metadata: readModelMetadata(dir), existed: true };
  const metadata = await saveModel(fitted, dir, { ...record, dataset: record.dataset ?? dataset });
  return { modelId, dir, metadata, existed: false };
}

/** Replaces the metrics in a registered model's metadata.json (after its evaluation). */
export function recordMetrics(root: string, dataset: string, modelId: string, metrics: Record<string, unknown>): ModelMetadata {
  const dir = requireModel(root, dataset, modelId);
  const metadata = { ...readModelMetadata(dir), metrics };
  writeJsonAtomic(join(dir, METADATA_FILE), metadata);
  return metadata;
}

function requireModel(root: string, dataset: string, modelId: string): string {
  if (!MODEL_ID.test(modelId)) throw new UsageError(`not a model id: "${modelId}" (expected m-YYYYMMDD-xxxxxxxx)`);
  const dir = modelDir(root, dataset, modelId);
  if (!existsSync(join(dir, METADATA_FILE))) throw new UsageError(`model ${modelId} is not in the registry ${datasetDir(root, dataset)}`);
  return dir;
}

/** The champion pointer, or undefined when no model has been promoted yet. */
export function readChampion(root: string, dataset: string): ChampionPointer | undefined {
  const path = join(datasetDir(root, dataset), CHAMPION_FILE);
  if (!existsSync(path)) return undefined;
  const pointer = readJsonFile<ChampionPointer>(path);
  if (typeof pointer.model_id !== 'string' || !existsSync(join(modelDir(root, dataset, pointer.model_id), METADATA_FILE))) {
    throw new InputDataError(`${path}: points at model "${String(pointer.model_id)}", which is not in the registry`);
  }
  return pointer;
}

/** Makes `modelId` the champion (champion.json replaced atomically); clears a previous rejection of it. */
export function promote(root: string, dataset: string, modelId: string, decision: { reason: string; metrics?: Record<string, unknown> }, now: Date = new Date()): ChampionPointer {
  const dir = requireModel(root, dataset, modelId);
  const previous = readChampion(root, dataset);
  const pointer: ChampionPointer = {
    model_id: modelId,
    promoted_at: now.toISOString(),
    reason: decision.reason,
    metrics: decision.metrics ?? {},
    previous_model_id: previous && previous.model_id !== modelId ? previous.model_id : (previous?.previous_model_id ?? null),
  };
  writeJsonAtomic(join(datasetDir(root, dataset), CHAMPION_FILE), pointer);
  rmSync(join(dir, REJECTED_FILE), { force: true });
  appendEvent(root, dataset, { event: 'promoted', model_id: modelId, at: pointer.promoted_at, reason: decision.reason, previous_model_id: pointer.previous_model_id });
  return pointer;
}

/** Keeps a challenger the gate refused, with the reason and the metrics it was judged on. */
export function recordRejected(root: string, dataset: string, modelId: string, decision: { reason: string; metrics?: Record<string, unknown> }, now: Date = new Date()): RejectionRecord {
  const dir = requireModel(root, dataset, modelId);
  const champion = readChampion(root, dataset);
  if (champion?.model_id === modelId) throw new UsageError(`model ${modelId} is the champion; it cannot be recorded as rejected`);
  const record: RejectionRecord = { reason: decision.reason, metrics: decision.metrics ?? {}, champion_model_id: champion?.model_id ?? null, rejected_at: now.toISOString() };
  writeJsonAtomic(join(dir, REJECTED_FILE), record);
  appendEvent(root, dataset, { event: 'rejected', model_id: modelId, at: record.rejected_at, reason: record.reason, champion_model_id: record.champion_model_id });
  return record;
}

/** Every model of a dataset, oldest training window first (ties by id). */
export function listModels(root: string, dataset: string): RegistryEntry[] {
  const base = datasetDir(root, dataset);
  if (!existsSync(base)) return [];
  const champion = readChampion(root, dataset)?.model_id;
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && MODEL_ID.test(entry.name) && existsSync(join(base, entry.name, METADATA_FILE)))
    .map((entry) => entry.name)
    .sort()
    .map((modelId) => {
      const dir = join(base, modelId);
      const rejectedPath = join(dir, REJECTED_FILE);
      const rejection = existsSync(rejectedPath) ? readJsonFile<RejectionRecord>(rejectedPath) : undefined;
      const status: RegistryEntry['status'] = modelId === champion ? 'champion' : rejection ? 'rejected' : 'candidate';
      return { modelId, dir, status, metadata: readModelMetadata(dir), ...(rejection ? { rejection } : {}) };
    });
}

/** Deletes all but the newest `keep` non-champion models (config.retention.models); returns the deleted ids. */
export function pruneModels(root: string, dataset: string, keep: number): string[] {
  const others = listModels(root, dataset).filter((entry) => entry.status !== 'champion');
  const doomed = others.slice(0, Math.max(0, others.length - keep));
  for (const entry of doomed) rmSync(entry.dir, { recursive: true, force: true });
  return doomed.map((entry) => entry.modelId);
}
