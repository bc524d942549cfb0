/**
 * Benchmark of reading the feature table into memory (`npm run bench:load`): loadFeatureMatrix on
 * features.parquet (default: out/features/features.parquet, as the nightly leaves it): every row, as the
 * evaluate stage reads it (every row from its first validation window on, every fire row and 5 % of the
 * others before) and as the train stage reads it (every fire row and 5 % of the others), against DuckDB
 * streaming every row without copying it (the floor).
 * Each measure runs `--runs` times (default 3); the median is printed with every run.
 *
 *   npx tsx scripts/bench-load.ts [--features out/features/features.parquet] [--runs 3]
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../src/features/duck.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { planBacktest } from '../src/evaluate/run.ts';
import { loadFeatureMatrix } from '../src/features/load.ts';
import { isoDay } from '../src/util/days.ts';

const { values } = parseArgs({ options: { features: { type: 'string', default: 'out/features/features.parquet' }, runs: { type: 'string', default: '3' } } });
const path = values.features!;
const runs = Number(values.runs);
if (!existsSync(path)) {
  process.stderr.write(`bench load: ${path} not found (run \`npm run nightly\` or \`firerisk features\` first)\n`);
  process.exit(2);
}
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`bench load: --runs must be a positive integer, got ${values.runs}\n`);
  process.exit(2);
}

async function streamOnly(): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const result = await connection.stream(`SELECT * FROM read_parquet(${sqlString(path)})`);
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      rows += chunk.rowCount;
    }
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// As the evaluate stage reads it with the default configuration: every row from its first validation window on.
const config = defaultConfig();
const plan = await planBacktest(path, config);
const denseFrom = isoDay(plan.months[0].fromDay - config.model.validation_days);
const measures: Array<[string, () => Promise<number>]> = [
  ['DuckDB stream, no copy', streamOnly],
  ['loadFeatureMatrix, every row', async () => (await loadFeatureMatrix(path)).rows],
  [`loadFeatureMatrix, every row from ${denseFrom}, zeros at 5 % before (evaluate)`, async () => (await loadFeatureMatrix(path, { negativeRate: config.model.negative_rate, seed: config.model.seed, subsampleBefore: denseFrom })).rows],
  ['loadFeatureMatrix, zeros at 5 % (train)', async () => (await loadFeatureMatrix(path, { negativeRate: 0.05 })).rows],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, measure] of measures) {
  const seconds: number[] = [];
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    rows = await measure();
    seconds.push((performance.now() - started) / 1000);
  }
  const m = median(seconds);
  process.stdout.write(
    `${name}: ${rows.toLocaleString('en-US')} rows, median ${m.toFixed(1)} s (${seconds.map((s) => s.toFixed(1)).join(' / ')}), ${Math.round(rows / m / 1000).toLocaleString('en-US')} k rows/s\n`,
  );
}
