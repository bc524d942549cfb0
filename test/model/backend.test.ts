import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.ts';
import { createMemoryLogger } from '../../src/util/log.ts';

const tfjsNodeInstalled = await import('@tensorflow/tfjs-node' as string).then(
  () => true,
  () => false,
);

describe('selectBackend', () => {
  it('auto: native TensorFlow when @tensorflow/tfjs-node is installed, otherwise WASM, and says why', async () => {
    const log = createMemoryLogger();
    const name = await selectBackend('auto', log);
    expect(name).toBe(tfjsNodeInstalled ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(name);
    const line = log.lines.find((l) => l.message === `tensorflow backend: ${name}`);
    expect(line?.fields?.reason).toMatch(tfjsNodeInstalled ? /first choice/ : /fallback: @tensorflow\/tfjs-node is not installed/);
    // WASM computes (no network: the .wasm binary comes from node_modules)
    expect(Array.from(tf.tidy(() => tf.exp(tf.tensor1d([0, 1]))).dataSync())[1]).toBeCloseTo(Math.E, 5);
  });

  it('cpu when asked, and back', async () => {
    const log = createMemoryLogger();
    expect(await selectBackend('cpu', log)).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('wasm', log)).toBe('wasm');
  });
});
