import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectDays } from '../../src/features/matrix.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { fitModel, predictRates, type FittedModel } from '../../src/model/fit.ts';
import { gateDecision } from '../../src/model/gate.ts';
import { hashFeatureMatrix, loadModel } from '../../src/model/io.ts';
import { listModels, modelIdFor, promote, pruneModels, readChampion, recordMetrics, recordRejected, registerModel } from '../../src/model/registry.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { plantedWorld } from './synthetic.ts';

const log = createMemoryLogger();
const root = mkdtempSync(join(tmpdir(), 'firerisk-registry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const world = plantedWorld({ cells: 30, days: 50, seed: 4, intercept: -3 });
const train = selectDays(world.matrix, 19000, 19039);
const valid = selectDays(world.matrix, 19040, 19049);
const params = { ...defaultConfig().model, hidden_units: [4], max_epochs: 2, negative_rate: 0.5 };
const record = (to: string) => ({
  training_window: { from: '2022-01-08', to },
  validation_window: { from: '2022-02-17', to: '2022-02-26' },
  data_hash: hashFeatureMatrix(train, valid),
});
let a: FittedModel;
let b: FittedModel;

beforeAll(async () => {
  await selectBackend('wasm', log);
  a = await fitModel(params, train, valid, log);
  b = await fitModel({ ...params, seed: 99 }, train, valid, log);
});

describe('model registry', () => {
  it('derives deterministic ids from the last training day and the inputs (no clock)', () => {
    const id = modelIdFor(a, record('2022-02-16'));
    expect(id).toMatch(/^m-20220216-[0-9a-f]{8}$/);
    expect(modelIdFor(a, record('2022-02-16'))).toBe(id);
    expect(modelIdFor(b, record('2022-02-16'))).not.toBe(id);
  });

  it('registers without promoting, promotes through the gate, keeps a rejected challenger with the reason', async () => {
    const first = await registerModel(root, 'beibei', a, record('2022-02-16'));
    expect(first.existed).toBe(false);
    expect(readChampion(root, 'beibei')).toBeUndefined();
    expect(listModels(root, 'beibei').map((m) => m.status)).toEqual(['candidate']);

    const gate = defaultConfig().gate;
    const championMetrics = { poisson_deviance: 0.5, window: { from: '2022-03-01', to: '2022-03-31' } };
    const firstDecision = gateDecision(championMetrics, undefined, gate);
    promote(root, 'beibei', first.modelId, { reason: firstDecision.reason, metrics: championMetrics }, new Date('2026-01-02T03:00:00Z'));
    const pointer = readChampion(root, 'beibei');
    expect(pointer).toMatchObject({ model_id: first.modelId, promoted_at: '2026-01-02T03:00:00.000Z', previous_model_id: null });

    const second = await registerModel(root, 'beibei', b, record('2022-02-17'));
    const worse = { poisson_deviance: 0.6, window: championMetrics.window };
    const decision = gateDecision(worse, pointer!.metrics as typeof championMetrics, gate);
    expect(decision.promote).toBe(false);
    recordRejected(root, 'beibei', second.modelId, { reason: decision.reason, metrics: worse });

    const models = listModels(root, 'beibei');
    expect(models.map((m) => [m.modelId, m.status])).toEqual([
      [first.modelId, 'champion'],
      [second.modelId, 'rejected'],
    ]);
    expect(models[1].rejection?.reason).toMatch(/worse than the champion/);
    expect(models[1].rejection?.champion_model_id).toBe(first.modelId);
    expect(readChampion(root, 'beibei')?.model_id).toBe(first.modelId);
    const events = readFileSync(join(root, 'beibei', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events).toEqual(['promoted', 'rejected']);
    // no temporary files left next to champion.json
    expect(readdirSync(join(root, 'beibei')).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    // the champion loads and predicts like the model that was registered
    const loaded = await loadModel(models[0].dir);
    expect(Array.from(await predictRates(loaded, valid))).toEqual(Array.from(await predictRates(a, valid)));

    // promoting the challenger later records the previous champion and clears its rejection
    promote(root, 'beibei', second.modelId, { reason: 'manual' });
    expect(readChampion(root, 'beibei')?.previous_model_id).toBe(first.modelId);
    expect(existsSync(join(second.dir, 'rejected.json'))).toBe(false);
    expect(() => recordRejected(root, 'beibei', second.modelId, { reason: 'x' })).toThrow(/is the champion/);
  });

  it('registering the same inputs again keeps the existing folder; metrics can be recorded later', async () => {
    const again = await registerModel(root, 'beibei', a, record('2022-02-16'));
    expect(again.existed).toBe(true);
    const metadata = recordMetrics(root, 'beibei', again.modelId, { poisson_deviance: 0.5 });
    expect(metadata.metrics).toEqual({ poisson_deviance: 0.5 });
    expect(listModels(root, 'beibei')[0].metadata.metrics).toEqual({ poisson_deviance: 0.5 });
  });

  it('refuses unknown ids and prunes old non-champion models', async () => {
    expect(() => promote(root, 'beibei', 'm-20220101-00000000', { reason: 'x' })).toThrow(/not in the registry/);
    expect(() => promote(root, 'beibei', '../etc', { reason: 'x' })).toThrow(/not a model id/);
    const third = await registerModel(root, 'beibei', a, record('2022-02-18'));
    // champion = second; others: first (oldest), third
    expect(pruneModels(root, 'beibei', 1)).toEqual([modelIdFor(a, record('2022-02-16'))]);
    expect(listModels(root, 'beibei').map((m) => m.modelId)).toEqual([modelIdFor(b, record('2022-02-17')), third.modelId]);
  });
});
