/**
 * Benchmark of the evaluate stage (`npm run bench:evaluate`): the whole rolling-origin backtest that
 * `firerisk evaluate` runs (reading the feature table, refitting the model, the baselines, the oracle
 * when the data has truth/, every metric, the report), on the feature table the nightly left in out/.
 * Each run is its own child process, so its peak RSS (getrusage, native memory included) is its own;
 * the report goes to a temporary folder. Prints one line per run and the medians.
 *
 *   npm run bench:evaluate [-- --runs 3] [--config firerisk.yaml]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.ts';
import { evaluateFromFiles } from '../src/evaluate/run.ts';
import { createLogger } from '../src/util/log.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, config: { type: 'string' }, child: { type: 'boolean', default: false } } });
const config = loadConfig(values.config);
const featuresPath = join(config.paths.out, 'features', 'features.parquet');

if (values.child) {
  const reportDir = mkdtempSync(join(tmpdir(), 'bench-evaluate-'));
  try {
    const started = performance.now();
    const { result } = await evaluateFromFiles({ featuresPath, gridPath: join(config.paths.out, 'grid'), dataDir: config.paths.data, reportDir, config, log: createLogger({ quiet: true }) });
    const model = result.overall[result.model_name];
    process.stdout.write(
      `${JSON.stringify({
        wall_s: Number(((performance.now() - started) / 1000).toFixed(1)),
        peak_rss_gb: Number((process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)),
        seconds: result.seconds,
        test_cell_days: model.rows,
        months: result.months.length,
        gap_closed: result.gap_closed,
      })}\n`,
    );
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
} else {
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`bench evaluate: --runs must be a positive integer, got ${values.runs}\n`);
    process.exit(2);
  }
  if (!existsSync(featuresPath)) {
    process.stderr.write(`bench evaluate: ${featuresPath} not found (run \`npm run nightly\` first)\n`);
    process.exit(2);
  }
  const args = ['--import', 'tsx', 'scripts/bench-evaluate.ts', '--child', ...(values.config ? ['--config', values.config] : [])];
  const figures: Array<{ wall_s: number; peak_rss_gb: number; test_cell_days: number; months: number }> = [];
  for (let r = 0; r < runs; r++) {
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      process.exit(child.status ?? 1);
    }
    const line = child.stdout.trim().split('\n').pop()!;
    process.stdout.write(`run ${r + 1}: ${line}\n`);
    figures.push(JSON.parse(line));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const { test_cell_days, months } = figures[0];
  process.stdout.write(
    `evaluate, ${months} test months, ${test_cell_days.toLocaleString('en-US')} test cell-days: median ${median(figures.map((f) => f.wall_s))} s ` +
      `(${figures.map((f) => f.wall_s).join(' / ')}), peak RSS median ${median(figures.map((f) => f.peak_rss_gb))} GB (${figures.map((f) => f.peak_rss_gb).join(' / ')})\n`,
  );
}
