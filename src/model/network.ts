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

/** Seed of ensemble member k (0-based): far enough apart that no two members share a layer seed. */
export function memberSeed(seed: number, member: number): number {
  return seed + 10_007 * member;
}

/** Layer-name prefix of ensemble member k: none for the first, so a one-member model is the plain network. */
function memberPrefix(member: number): string {
  return member === 0 ? '' : `m${member + 1}_`;
}

function hiddenStack(input: tf.SymbolicTensor, spec: NetworkSpec, prefix: string): tf.SymbolicTensor {
  let h = input;
  spec.hiddenUnits.forEach((units, i) => {
    h = tf.layers
      .dense({
        name: `${prefix}hidden_${i + 1}`,
        units,
        activation: spec.activation,
        kernelInitializer: spec.activation === 'relu' ? tf.initializers.heUniform({ seed: spec.seed + i }) : tf.initializers.glorotUniform({ seed: spec.seed + i }),
        biasInitializer: 'zeros',
      })
      .apply(h) as tf.SymbolicTensor;
    if (spec.dropout && spec.dropout > 0) h = tf.layers.dropout({ name: `${prefix}dropout_${i + 1}`, rate: spec.dropout, seed: spec.seed + 500 + i }).apply(h) as tf.SymbolicTensor;
  });
  return h;
}

/**
 * η of one network on `input`:
 * - 'glm': η = b + w·x (a Poisson GLM).
 * - 'mlp': η = b + v·MLP(x).
 * - 'wide_deep': η = b + w·x + v·MLP(x): the log-linear part carries the main effects, the small MLP the
 *   interactions and curvature it cannot (Cheng et al. 2016, "Wide & Deep Learning").
 */
function memberEta(input: tf.SymbolicTensor, spec: NetworkSpec, prefix: string): tf.SymbolicTensor {
  // Small output weights: the first steps start close to the intercept-only model instead of a random one.
  const smallInit = (offset: number) => tf.initializers.randomUniform({ minval: -0.01, maxval: 0.01, seed: spec.seed + offset });
  const intercept = tf.initializers.constant({ value: spec.outputBias });
  const linear = (from: tf.SymbolicTensor) =>
    tf.layers.dense({ name: `${prefix}${INTERCEPT_LAYER}`, units: 1, kernelInitializer: smallInit(1000), biasInitializer: intercept }).apply(from) as tf.SymbolicTensor;
  if (spec.kind === 'glm') return linear(input);
  if (spec.kind === 'mlp') return linear(hiddenStack(input, spec, prefix));
  const deep = tf.layers.dense({ name: `${prefix}deep_out`, units: 1, useBias: false, kernelInitializer: smallInit(2000) }).apply(hiddenStack(input, spec, prefix)) as tf.SymbolicTensor;
  return tf.layers.add({ name: `${prefix}eta` }).apply([linear(input), deep]) as tf.SymbolicTensor;
}

export interface Ensemble {
  /** The model that is saved and predicts: the mean of the members' η (one member: that member itself). */
  network: tf.LayersModel;
  /** Each member as a model of its own over the same input and layers, for training one at a time. */
  members: tf.LayersModel[];
}

/**
 * `size` independently initialised count networks over one input, their log rates averaged (a geometric
 * mean of the members' rates). Members share nothing but the input, so training one leaves the others
 * as they are; averaging members that differ only in their random start and step order removes most of
 * the seed-to-seed variation of a single network (Lakshminarayanan et al. 2017, "Simple and Scalable
 * Predictive Uncertainty Estimation using Deep Ensembles"). Every initialiser is seeded.
 */
export function buildEnsemble(spec: NetworkSpec, size: number): Ensemble {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`ensemble size must be a positive integer, got ${size}`);
  const input = tf.input({ shape: [spec.inputs], name: 'features' });
  const etas = Array.from({ length: size }, (_, k) => memberEta(input, { ...spec, seed: memberSeed(spec.seed, k) }, memberPrefix(k)));
  if (size === 1) {
    const network = tf.model({ name: `firerisk_${spec.kind}`, inputs: input, outputs: etas[0] });
    return { network, members: [network] };
  }
  const members = etas.map((eta, k) => tf.model({ name: `firerisk_${spec.kind}_member_${k + 1}`, inputs: input, outputs: eta }));
  const mean = tf.layers.average({ name: 'eta_mean' }).apply(etas) as tf.SymbolicTensor;
  return { network: tf.model({ name: `firerisk_${spec.kind}_ensemble`, inputs: input, outputs: mean }), members };
}

/**
 * Member `member` of an ensemble of `spec` as a model of its own (own input, the same layers and
 * names), so that it can be trained in a worker thread and its weights copied back into the ensemble.
 */
export function buildMemberNetwork(spec: NetworkSpec, member: number): tf.LayersModel {
  const input = tf.input({ shape: [spec.inputs], name: 'features' });
  const eta = memberEta(input, { ...spec, seed: memberSeed(spec.seed, member) }, memberPrefix(member));
  return tf.model({ name: `firerisk_${spec.kind}_member_${member + 1}`, inputs: input, outputs: eta });
}

/**
 * The count network: standardised features in, η = log expected fires out (linear output; the Poisson
 * log link is applied by the loss and by prediction). See `memberEta` for the kinds.
 */
export function buildNetwork(spec: NetworkSpec): tf.LayersModel {
  return buildEnsemble(spec, 1).network;
}
