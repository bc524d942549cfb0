import type { Command } from 'commander';
import { contextFrom } from '../context.ts';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train the count model on the feature table and save it into the model registry (not promoted: `firerisk evaluate` and the gate decide)')
    .option('--features <path>', 'feature Parquet (default: <paths.out>/features/features.parquet)')
    .option('--as-of <YYYY-MM-DD>', 'first day the model is for: only earlier days are read (default: the day after the last labelled day)')
    .action(async function (this: Command, options: { features?: string; asOf?: string }) {
      const { runTrain } = await import('../../model/run.ts');
      const { describeFireClasses } = await import('../../model/fit.ts');
      const { config, log } = contextFrom(this);
      const r = await runTrain(config, { features: options.features, asOf: options.asOf }, log);
      const s = r.summary;
      process.stdout.write(
        [
          `model ${r.modelId} ${r.existed ? 'already in' : 'saved to'} ${r.dir} (not promoted)`,
          `as of ${r.asOf}: training ${r.trainingWindow.from}..${r.trainingWindow.to}, validation ${r.validationWindow.from}..${r.validationWindow.to}`,
          `backend ${s.backend}: ${s.train_rows} training rows, ${s.rows_per_s} rows/s, ${s.epochs_run} epochs (best ${s.best_epoch}), ${s.seconds} s`,
          `fire classes: ${describeFireClasses(s)}`,
          `validation mean Poisson deviance ${s.best_valid_deviance.toFixed(6)} (constant rate: ${s.valid_null_deviance.toFixed(6)})`,
        ].join('\n') + '\n',
      );
    });
}
