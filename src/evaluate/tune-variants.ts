/**
 * The variants of `npm run tune` (scripts/tune-model.ts): settings of the model section to compare on one
 * backtest. A variant may name several model seeds; it then runs once per seed, so that a change is judged
 * against the noise of training (one network's skill moves by several points from seed to seed) and not on
 * one draw of it.
 */
import { z } from 'zod';
import { modelSchema } from '../config/schema.ts';

export const tuneVariantSchema = z
  .object({
    name: z.string().min(1),
    model: modelSchema.partial().strict().default({}),
    drop: z.array(z.string()).default([]),
    labels: z.enum(['fires', 'truth']).default('fires'),
    seeds: z.array(z.number().int()).min(1).optional().describe('Model seeds to run the variant with, one backtest each (model.seed is then ignored).'),
  })
  .strict();
export type TuneVariant = z.infer<typeof tuneVariantSchema>;

/** One backtest of a variant: its settings with model.seed set to one of its seeds. */
export interface TuneRun {
  variant: TuneVariant;
  /** The model seed of this run: one of the variant's seeds, else its model.seed, else the configuration's. */
  seed: number;
}

/** The backtests to run, in order: each variant once, or once per seed. */
export function tuneRuns(variants: readonly TuneVariant[], configSeed: number): TuneRun[] {
  return variants.flatMap((variant) => (variant.seeds ?? [variant.model.seed ?? configSeed]).map((seed) => ({ variant, seed })));
}

export interface Spread {
  mean: number;
  min: number;
  max: number;
}

/** Mean and range of one figure over a variant's seeds. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean: sum / values.length, min, max };
}

/**
 * Which earlier run a run is compared with day by day: the first variant's run with the same seed, so that
 * two variants run over the same seeds are compared seed by seed; else the first variant's first run. Null
 * for the first variant's own runs.
 */
export function referenceRun(runs: readonly TuneRun[], index: number): number | null {
  const firstVariant = runs[0].variant;
  if (runs[index].variant === firstVariant) return null;
  const sameSeed = runs.findIndex((r) => r.variant === firstVariant && r.seed === runs[index].seed);
  return sameSeed >= 0 ? sameSeed : 0;
}
