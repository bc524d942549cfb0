import type { Command } from 'commander';
import { UsageError } from '../../util/errors.ts';
import { contextFrom } from '../context.ts';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description('Build leakage-free daily features per grid cell with DuckDB: <out>/features/features.parquet + features.manifest.json (incremental by month)')
    .option('--data <dir>', 'dataset folder (default: paths.data)')
    .option('--out <dir>', 'output root (default: paths.out); the grid is read from <out>/grid/grid.json or built')
    .option('--from <day>', 'first feature day YYYY-MM-DD (default: features.from, else 365 days after the first incident)')
    .option('--to <day>', 'last feature day YYYY-MM-DD (default: features.to, else the last weather day)')
    .option('--full', 'recompute every month instead of reusing unchanged ones')
    .action(async function (this: Command, options: { data?: string; out?: string; from?: string; to?: string; full?: boolean }) {
      const { runFeatures } = await import('../../features/run.ts');
      const { config, log } = contextFrom(this);
      for (const [name, value] of [['--from', options.from], ['--to', options.to]] as const) {
        if (value !== undefined && !ISO_DAY.test(value)) throw new UsageError(`${name}: expected a day YYYY-MM-DD, got '${value}'`);
      }
      const result = await runFeatures(
        { dataDir: options.data ?? config.paths.data, outDir: options.out ?? config.paths.out, from: options.from, to: options.to, incremental: !options.full },
        config,
        log,
      );
      const m = result.manifest;
      process.stdout.write(
        `${JSON.stringify({ file: result.parquetPath, rows: result.rows, from: m.from, to: m.to, features: m.features.length, recomputed_months: result.recomputedMonths.length, reused_months: result.reusedMonths.length, imputed: m.imputed, out_of_grid: m.out_of_grid, seconds: Number(result.seconds.toFixed(1)) }, null, 2)}\n`,
      );
    });
}
