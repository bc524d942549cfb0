import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config/schema.ts';

export interface NetworkSpec {
  kind: Config['model']['kind'];
  inputs: number;
  hiddenUnits: number[];
  activation: Config['model']['activation'];
  seed: number;
  /** Initial output bias: log of the mean rate, so training starts at the intercept-only model. */
  outputBias: number;
  /** Dropout rate after each hidden layer (0: none). */
  dropout?: number;
}

/** Name of the layer whose bias is the model's intercept (shifted by the balance correction). */
export const INTERCEPT_LAYER = 'log_rate';

function hiddenStack(input: tf.SymbolicTensor, spec: NetworkSpec): tf.SymbolicTensor {
  let h = input;
  spec.hiddenUnits.forEach((units, i) => {
    h = tf.layers
      .dense({
        name: `hidden_${i + 1}`,
        units,
        activation: spec.activation,
        kernelInitializer: spec.activation === 'relu' ? tf.initializers.heUniform({ seed: spec.seed + i }) : tf.initializers.glorotUniform({ seed: spec.seed + i }),
        biasInitializer: 'zeros',
      })
      .apply(h) as tf.SymbolicTensor;
    if (spec.dropout && spec.dropout > 0) h = tf.layers.dropout({ name: `dropout_${i + 1}`, rate: spec.dropout, seed: spec.seed + 500 + i }).apply(h) as tf.SymbolicTensor;
  });
  return h;
}

/**
 * The count network: standardised features in, η = log expected fires out (linear output; the Poisson
 * log link is applied by the loss and by prediction).
 * - 'glm': η = b + w·x (a Poisson GLM).
 * - 'mlp': η = b + v·MLP(x).
 * - 'wide_deep': η = b + w·x + v·MLP(x): the log-linear part carries the main effects, the small MLP the
 *   interactions and curvature it cannot (Cheng et al. 2016, "Wide & Deep Learning").
 * Every initialiser is seeded, so the same spec gives the same initial weights on any backend.
 */
export function buildNetwork(spec: NetworkSpec): tf.LayersModel {
  const input = tf.input({ shape: [spec.inputs], name: 'features' });
  // Small output weights: the first steps start close to the intercept-only model instead of a random one.
  const smallInit = (offset: number) => tf.initializers.randomUniform({ minval: -0.01, maxval: 0.01, seed: spec.seed + offset });
  const intercept = tf.initializers.constant({ value: spec.outputBias });
  let eta: tf.SymbolicTensor;
  if (spec.kind === 'glm') {
    eta = tf.layers.dense({ name: INTERCEPT_LAYER, units: 1, kernelInitializer: smallInit(1000), biasInitializer: intercept }).apply(input) as tf.SymbolicTensor;
  } else if (spec.kind === 'mlp') {
    eta = tf.layers.dense({ name: INTERCEPT_LAYER, units: 1, kernelInitializer: smallInit(1000), biasInitializer: intercept }).apply(hiddenStack(input, spec)) as tf.SymbolicTensor;
  } else {
    const wide = tf.layers.dense({ name: INTERCEPT_LAYER, units: 1, kernelInitializer: smallInit(1000), biasInitializer: intercept }).apply(input) as tf.SymbolicTensor;
    const deep = tf.layers.dense({ name: 'deep_out', units: 1, useBias: false, kernelInitializer: smallInit(2000) }).apply(hiddenStack(input, spec)) as tf.SymbolicTensor;
    eta = tf.layers.add({ name: 'eta' }).apply([wide, deep]) as tf.SymbolicTensor;
  }
  return tf.model({ name: `firerisk_${spec.kind}`, inputs: input, outputs: eta });
}
