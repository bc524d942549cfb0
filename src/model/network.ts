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

/**
 * A part of the fires with a count model of its own (`model.fire_classes`): the network's output has one
 * η per class, and the expected fires are the sum of the classes' rates. One class, `all`, is the plain
 * count model of every fire.
 */
export type FireClass = 'all' | 'outdoor' | 'other';

/** Layer-name prefix of a class's layers: none for `all`, so a one-class model is the plain ensemble. */
export function classPrefix(fireClass: FireClass): string {
  return fireClass === 'all' ? '' : `${fireClass}_`;
}

export interface EnsembleMember {
  /** The member as a model of its own over the same input and layers, for training one at a time. */
  model: tf.LayersModel;
  fireClass: FireClass;
  /** Index of the member within its class (its seed is memberSeed(seed, member)). */
  member: number;
}

export interface Ensemble {
  /**
   * The model that is saved and predicts: for each class the mean of its members' η (one member: that
   * member itself); with several classes their η side by side, one column each, in `classes` order.
   */
  network: tf.LayersModel;
  /** Every member of every class, class by class. */
  members: EnsembleMember[];
}

/**
 * `size` independently initialised count networks over one input, their log rates averaged (a geometric
 * mean of the members' rates). Members share nothing but the input, so training one leaves the others
 * as they are; averaging members that differ only in their random start and step order removes most of
 * the seed-to-seed variation of a single network (Lakshminarayanan et al. 2017, "Simple and Scalable
 * Predictive Uncertainty Estimation using Deep Ensembles"). Every initialiser is seeded.
 * With several fire classes, each class has `size` members of its own (spec per class: its intercept
 * starts at the class's mean rate) and the network outputs the classes' η side by side.
 */
export function buildEnsemble(spec: NetworkSpec | ((fireClass: FireClass) => NetworkSpec), size: number, classes: readonly FireClass[] = ['all']): Ensemble {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`ensemble size must be a positive integer, got ${size}`);
  if (classes.length === 0 || (classes.length > 1 && classes.includes('all'))) throw new RangeError(`fire classes must be ['all'] or parts of the fires, got [${classes.join(', ')}]`);
  const specOf = typeof spec === 'function' ? spec : () => spec;
  const input = tf.input({ shape: [specOf(classes[0]).inputs], name: 'features' });
  const kind = specOf(classes[0]).kind;
  const memberEtas = classes.map((fireClass) => {
    const classSpec = specOf(fireClass);
    return Array.from({ length: size }, (_, k) => memberEta(input, { ...classSpec, seed: memberSeed(classSpec.seed, k) }, classPrefix(fireClass) + memberPrefix(k)));
  });
  if (classes.length === 1 && size === 1) {
    // The member is the network itself: one model, not a wrapper around it.
    const network = tf.model({ name: `firerisk_${kind}`, inputs: input, outputs: memberEtas[0][0] });
    return { network, members: [{ model: network, fireClass: classes[0], member: 0 }] };
  }
  const members = classes.flatMap((fireClass, c) =>
    memberEtas[c].map((eta, k) => ({ model: tf.model({ name: `firerisk_${kind}_${classPrefix(fireClass)}member_${k + 1}`, inputs: input, outputs: eta }), fireClass, member: k })),
  );
  const classEtas = classes.map((fireClass, c) => (size === 1 ? memberEtas[c][0] : (tf.layers.average({ name: `${classPrefix(fireClass)}eta_mean` }).apply(memberEtas[c]) as tf.SymbolicTensor)));
  const output = classes.length === 1 ? classEtas[0] : (tf.layers.concatenate({ name: 'class_eta', axis: -1 }).apply(classEtas) as tf.SymbolicTensor);
  return { network: tf.model({ name: `firerisk_${kind}_ensemble`, inputs: input, outputs: output }), members };
}

/**
 * Member `member` of an ensemble of `spec` as a model of its own (own input, the same layers and
 * names), so that it can be trained in a worker thread and its weights copied back into the ensemble.
 */
export function buildMemberNetwork(spec: NetworkSpec, member: number, fireClass: FireClass = 'all'): tf.LayersModel {
  const input = tf.input({ shape: [spec.inputs], name: 'features' });
  const eta = memberEta(input, { ...spec, seed: memberSeed(spec.seed, member) }, classPrefix(fireClass) + memberPrefix(member));
  return tf.model({ name: `firerisk_${spec.kind}_${classPrefix(fireClass)}member_${member + 1}`, inputs: input, outputs: eta });
}

/**
 * The count network: standardised features in, η = log expected fires out (linear output; the Poisson
 * log link is applied by the loss and by prediction). See `memberEta` for the kinds.
 */
export function buildNetwork(spec: NetworkSpec): tf.LayersModel {
  return buildEnsemble(spec, 1).network;
}
