import { describe, expect, it } from 'vitest';
import { referenceRun, spread, tuneRuns, tuneVariantSchema } from '../../src/evaluate/tune-variants.ts';

const parse = (v: unknown) => tuneVariantSchema.parse(v);

describe('npm run tune variants', () => {
  it('runs a variant once, with its own model seed or the configuration’s', () => {
    const runs = tuneRuns([parse({ name: 'default' }), parse({ name: 'seed 8', model: { seed: 8 } })], 7);
    expect(runs.map((r) => [r.variant.name, r.seed])).toEqual([
      ['default', 7],
      ['seed 8', 8],
    ]);
  });

  it('runs a variant with seeds once per seed, in order', () => {
    const runs = tuneRuns([parse({ name: 'default', seeds: [7, 8, 1] }), parse({ name: 'l2', model: { l2: 0.001 }, seeds: [7, 8] })], 7);
    expect(runs.map((r) => `${r.variant.name}@${r.seed}`)).toEqual(['default@7', 'default@8', 'default@1', 'l2@7', 'l2@8']);
  });

  it('compares each run with the first variant’s run of the same seed, else with its first run', () => {
    const runs = tuneRuns([parse({ name: 'a', seeds: [7, 8] }), parse({ name: 'b', seeds: [8, 7, 3] })], 7);
    // runs: a@7 (0), a@8 (1), b@8 (2), b@7 (3), b@3 (4)
    expect(runs.map((_, i) => referenceRun(runs, i))).toEqual([null, null, 1, 0, 0]);
  });

  it('rejects an empty seed list and unknown fields', () => {
    expect(() => parse({ name: 'x', seeds: [] })).toThrow();
    expect(() => parse({ name: 'x', seed: 8 })).toThrow();
  });

  it('gives the mean and range over seeds', () => {
    expect(spread([45.4, 45.0, 40.3])).toEqual({ mean: (45.4 + 45.0 + 40.3) / 3, min: 40.3, max: 45.4 });
    expect(() => spread([])).toThrow();
  });
});
