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
}

/**
 * The count network: standardised features in, η = log expected fires out (linear output; the Poisson
 * log link is applied by the loss and by prediction). kind 'glm' has no hidden layer. Every initialiser
 * is seeded, so the same spec gives the same initial weights on any backend.
 */
export function buildNetwork(spec: NetworkSpec): tf.Sequential {
  const model = tf.sequential({ name: `firerisk_${spec.kind}` });
  const hidden = spec.kind === 'glm' ? [] : spec.hiddenUnits;
  hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        name: `hidden_${i + 1}`,
        units,
        activation: spec.activation,
        inputShape: i === 0 ? [spec.inputs] : undefined,
        kernelInitializer: spec.activation === 'relu' ? tf.initializers.heUniform({ seed: spec.seed + i }) : tf.initializers.glorotUniform({ seed: spec.seed + i }),
        biasInitializer: 'zeros',
      }),
    );
  });
  model.add(
    tf.layers.dense({
      name: 'log_rate',
      units: 1,
      activation: 'linear',
      inputShape: hidden.length === 0 ? [spec.inputs] : undefined,
      // Small output weights: the first steps start close to the intercept-only model instead of a random one.
      kernelInitializer: tf.initializers.randomUniform({ minval: -0.01, maxval: 0.01, seed: spec.seed + 1000 }),
      biasInitializer: tf.initializers.constant({ value: spec.outputBias }),
    }),
  );
  return model;
}
