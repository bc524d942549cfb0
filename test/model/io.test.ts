import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectDays } from '../../src/features/matrix.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { fitModel, predictRates } from '../../src/model/fit.ts';
import { hashFeatureMatrix, loadModel, saveModel } from '../../src/model/io.ts';
import { InputDataError } from '../../src/util/errors.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { plantedWorld } from './synthetic.ts';

const log = createMemoryLogger();
const dir = mkdtempSync(join(tmpdir(), 'firerisk-model-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const world = plantedWorld({ cells: 40, days: 50, seed: 8, intercept: -3.5 });
const train = selectDays(world.matrix, 19000, 19039);
const valid = selectDays(world.matrix, 19040, 19049);
const params = { ...defaultConfig().model, kind: 'mlp' as const, hidden_units: [6, 3], ensemble_members: 1, activation: 'elu' as const, max_epochs: 3, negative_rate: 0.5 };
const record = {
  training_window: { from: '2022-01-08', to: '2022-02-16' },
  validation_window: { from: '2022-02-17', to: '2022-02-26' },
  data_hash: hashFeatureMatrix(train, valid),
};

describe('saveModel / loadModel', () => {
  it('round-trips: identical predictions; a model saved under cpu loads under wasm within 1e-6 relative', async () => {
    expect(await selectBackend('cpu', log)).toBe('cpu');
    const fitted = await fitModel(params, train, valid, log);
    const before = await predictRates(fitted, world.matrix);
    const target = join(dir, 'm1');
    const metadata = await saveModel(fitted, target, record);
    expect(readdirSync(target).sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);
    expect(metadata.backend).toBe('cpu');
    expect(metadata.code_version.version).toBe('0.1.0');

    const sameBackend = await loadModel(target);
    expect(Array.from(await predictRates(sameBackend, world.matrix))).toEqual(Array.from(before));
    expect(sameBackend.featureNames).toEqual(['x1', 'x2']);
    expect(sameBackend.scaler).toEqual(fitted.scaler);
    expect(sameBackend.metadata.training_window).toEqual(record.training_window);
    expect(sameBackend.metadata.data_hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await selectBackend('wasm', log)).toBe('wasm');
    const otherBackend = await loadModel(target);
    const after = await predictRates(otherBackend, world.matrix);
    let worst = 0;
    for (let i = 0; i < after.length; i++) worst = Math.max(worst, Math.abs(after[i] - before[i]) / before[i]);
    expect(worst).toBeLessThan(1e-6);
  });

  it('writes the standard TF.js Layers format (model.json with a weights manifest)', () => {
    const modelJson = JSON.parse(readFileSync(join(dir, 'm1', 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    // (2·6 + 6) + (6·3 + 3) + (3·1 + 1) float32 weights
    expect(readFileSync(join(dir, 'm1', 'weights.bin')).byteLength).toBe((18 + 21 + 4) * 4);
  });

  it('replaces an existing folder whole and leaves no temporary folder behind', async () => {
    const fitted = await fitModel({ ...params, kind: 'glm' }, train, valid, log);
    await saveModel(fitted, join(dir, 'm1'), record);
    expect((await loadModel(join(dir, 'm1'))).kind).toBe('glm');
    expect(readdirSync(dir)).toEqual(['m1']);
  });

  it('names the file when metadata is broken', async () => {
    const broken = join(dir, 'broken');
    await saveModel(await fitModel(params, train, valid, log), broken, record);
    const meta = JSON.parse(readFileSync(join(broken, 'metadata.json'), 'utf8'));
    delete meta.scaler;
    writeFileSync(join(broken, 'metadata.json'), JSON.stringify(meta));
    await expect(loadModel(broken)).rejects.toThrow(InputDataError);
    await expect(loadModel(broken)).rejects.toThrow(/metadata\.json: field "scaler"/);
    await expect(loadModel(join(dir, 'absent'))).rejects.toThrow(/absent\/metadata\.json: cannot read/);
    expect(existsSync(join(dir, 'absent'))).toBe(false);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('round-trips an ensemble of three wide & deep members: one Layers model, identical predictions', async () => {
    const fitted = await fitModel({ ...params, kind: 'wide_deep', ensemble_members: 3 }, train, valid, log);
    const before = await predictRates(fitted, world.matrix);
    const metadata = await saveModel(fitted, join(dir, 'ensemble'), record);
    expect(metadata.params.ensemble_members).toBe(3);
    const loaded = await loadModel(join(dir, 'ensemble'));
    expect(loaded.network.layers.map((l) => l.name)).toContain('eta_mean');
    expect(Array.from(await predictRates(loaded, world.matrix))).toEqual(Array.from(before));
  });

  it('reads a model saved before ensembles existed as one network (no ensemble_members in its params)', async () => {
    const fitted = await fitModel(params, train, valid, log);
    await saveModel(fitted, join(dir, 'before-ensembles'), record);
    const file = join(dir, 'before-ensembles', 'metadata.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    delete stored.params.ensemble_members;
    writeFileSync(file, JSON.stringify(stored));
    const loaded = await loadModel(join(dir, 'before-ensembles'));
    expect(loaded.params.ensemble_members).toBe(1);
    expect(Array.from(await predictRates(loaded, valid))).toEqual(Array.from(await predictRates(fitted, valid)));
  });

  it('round-trips a wide & deep model with log inputs: same transform offsets, identical predictions under another backend too', async () => {
    // x1 → exp(x1): a non-negative, right-skewed column the scaler log-transforms; the intercept balanced on validation.
    const skewed = (m: typeof train) => ({ ...m, X: m.X.map((v, k) => (k % 2 === 0 ? Math.exp(v) : v)) });
    const fitted = await fitModel({ ...params, kind: 'wide_deep', log_skewness: 1, weight_averaging: 0.9, balance_window: 'validation' }, skewed(train), skewed(valid), log);
    expect(fitted.scaler.log_offset?.[0]).toBeGreaterThan(0);
    expect(fitted.scaler.log_offset?.[1]).toBe(0);
    const all = skewed(world.matrix);
    const before = await predictRates(fitted, all);
    await saveModel(fitted, join(dir, 'wd'), record);
    const loaded = await loadModel(join(dir, 'wd'));
    expect(loaded.kind).toBe('wide_deep');
    expect(loaded.scaler).toEqual(fitted.scaler);
    expect(Array.from(await predictRates(loaded, all))).toEqual(Array.from(before));
    await selectBackend('cpu', log);
    const onCpu = await predictRates(await loadModel(join(dir, 'wd')), all);
    await selectBackend('wasm', log);
    let worst = 0;
    for (let i = 0; i < onCpu.length; i++) worst = Math.max(worst, Math.abs(onCpu[i] - before[i]) / before[i]);
    expect(worst).toBeLessThan(1e-6);
  });
});
