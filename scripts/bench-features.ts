/**
 * Benchmark of the feature stage (`npm run bench:features`): rows/s, wall time and peak memory of
 * buildFeatures (full recompute) for
 *   (a) default: the default synthetic district (500 m grid, about 3,000 cells, full history), and
 *   (b) scale:   the synthetic district on a 190 m grid (about 21,000 cells) over 6 feature years
 *                (history generated from one year earlier), about 44 M cell-days.
 * Each case runs in its own child process so that its peak RSS (VmHWM, which includes DuckDB's native
 * memory) is its own. Dataset generation and loading are timed separately from the feature build.
 *
 *   npx tsx scripts/bench-features.ts                    # both cases
 *   npx tsx scripts/bench-features.ts --case default     # one case
 *   npx tsx scripts/bench-features.ts --work /tmp/bench  # keep/reuse generated datasets there
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/schema.ts';
import { loadDataset } from '../src/contract/load.ts';
import { buildFeatures } from '../src/features/build.ts';
import { buildGrid } from '../src/grid/index.ts';
import { createLogger } from '../src/util/log.ts';

interface Case {
  name: 'default' | 'scale';
  cellSizeM: number;
  synthFrom: string;
  synthTo: string;
  /** Feature range; undefined = the stage's defaults (from one year after the first incident to the last weather day). */
  from?: string;
  to?: string;
  target: string;
}

const CASES: Case[] = [
  { name: 'default', cellSizeM: 500, synthFrom: '2016-01-01', synthTo: '2025-12-31', target: 'under 60 s' },
  { name: 'scale', cellSizeM: 190, synthFrom: '2019-01-01', synthTo: '2025-12-31', from: '2020-01-01', to: '2025-12-31', target: 'within 8 GB peak' },
];

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const peakRssBytes = (): number => {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.replace(/\D+/g, '')) * 1024 : process.memoryUsage().rss;
};

async function runCase(c: Case, dataDir: string, outDir: string): Promise<void> {
  const config = defaultConfig();
  config.grid.cell_size_m = c.cellSizeM;
  const log = createLogger({ quiet: process.argv.includes('--quiet') });
  const loadStarted = performance.now();
  const dataset = await loadDataset(dataDir, config, log);
  if (!dataset.boundary) throw new Error(`${dataDir}: the synthetic dataset has no boundary`);
  const grid = buildGrid(dataset.boundary, config.grid, 'file');
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  let sampledPeak = 0;
  const timer = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 250);
  const started = performance.now();
  const result = await buildFeatures(dataset, grid, { from: c.from, to: c.to, outDir, config, incremental: false }, log);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  const figures = {
    case: c.name,
    cells: grid.cells.length,
    days: result.manifest.days,
    rows: result.rows,
    features: result.manifest.features.length,
    wall_s: Number(seconds.toFixed(1)),
    rows_per_s: Math.round(result.rows / seconds),
    peak_rss_gb: Number((Math.max(peakRssBytes(), sampledPeak) / 2 ** 30).toFixed(2)),
    load_dataset_and_grid_s: Number(loadSeconds.toFixed(1)),
    duckdb_memory_limit: config.features.memory_limit,
    target: c.target,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

async function main(): Promise<void> {
  const only = arg('--run');
  if (only) {
    const c = CASES.find((x) => x.name === only)!;
    await runCase(c, arg('--data')!, arg('--out')!);
    return;
  }
  const selected = CASES.filter((c) => !arg('--case') || c.name === arg('--case'));
  const work = arg('--work') ?? mkdtempSync(join(tmpdir(), 'firerisk-bench-features-'));
  const keep = arg('--work') !== undefined;
  mkdirSync(work, { recursive: true });
  try {
    for (const c of selected) {
      const dataDir = join(work, `data-${c.synthFrom.slice(0, 4)}-${c.synthTo.slice(0, 4)}`);
      if (!existsSync(join(dataDir, 'MANIFEST.json'))) {
        process.stderr.write(`bench features: generating the synthetic district ${c.synthFrom} .. ${c.synthTo} in ${dataDir}\n`);
        const synth = spawnSync(process.execPath, ['src/cli/bin.mjs', '--quiet', 'synth', '--out', dataDir, '--from', c.synthFrom, '--to', c.synthTo], { stdio: 'inherit' });
        if (synth.status !== 0) throw new Error('synth failed');
      }
      const outDir = join(work, `out-${c.name}`);
      rmSync(outDir, { recursive: true, force: true });
      process.stderr.write(`bench features: case ${c.name} (${c.cellSizeM} m cells)\n`);
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-features.ts', '--run', c.name, '--data', dataDir, '--out', outDir], {
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(`case ${c.name} failed (exit ${child.status})`);
      const figures = JSON.parse(child.stdout.trim().split('\n').pop()!);
      process.stdout.write(
        `${c.name}: ${figures.cells} cells x ${figures.days} days = ${figures.rows.toLocaleString('en')} rows, ${figures.features} features: ` +
          `${figures.wall_s} s, ${figures.rows_per_s.toLocaleString('en')} rows/s, peak RSS ${figures.peak_rss_gb} GB ` +
          `(dataset load + grid ${figures.load_dataset_and_grid_s} s; target ${figures.target})\n`,
      );
      if (!keep) rmSync(outDir, { recursive: true, force: true });
    }
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

await main();
