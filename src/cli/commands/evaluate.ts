import { join } from 'node:path';
import type { Command } from 'commander';
import { contextFrom } from '../context.ts';

interface EvaluateOptions {
  features?: string;
  data?: string;
  out?: string;
  grid?: string;
  report?: string;
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('Rolling-origin backtest of the model vs baselines (and the oracle on synthetic data); writes <out>/evaluation/report.json, report.md and charts/*.svg')
    .option('--features <path>', 'feature Parquet (default: <out>/features/features.parquet)')
    .option('--data <dir>', 'dataset folder; its truth/ folder gives the oracle (default: paths.data)')
    .option('--out <dir>', 'output root (default: paths.out)')
    .option('--grid <path>', 'grid.json or its folder (default: <out>/grid)')
    .option('--report <dir>', 'report folder (default: <out>/evaluation)')
    .action(async function (this: Command, options: EvaluateOptions) {
      const { defaultReportDir, evaluateFromFiles } = await import('../../evaluate/run.ts');
      const { config, log } = contextFrom(this);
      const out = options.out ?? config.paths.out;
      const { files } = await evaluateFromFiles({
        featuresPath: options.features ?? join(out, 'features', 'features.parquet'),
        gridPath: options.grid ?? join(out, 'grid'),
        dataDir: options.data ?? config.paths.data,
        reportDir: options.report ?? defaultReportDir(out),
        config,
        log,
      });
      process.stdout.write(`${files.markdown}\n`);
    });
}
