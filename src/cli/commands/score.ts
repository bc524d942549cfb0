import type { Command } from 'commander';
import { UsageError } from '../../util/errors.ts';
import { contextFrom } from '../context.ts';

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('Score every grid cell for a day (and following forecast days) with the champion model; publish GeoJSON, CSV, HTML map, QGIS style and manifest into <out>/scores')
    .requiredOption('--date <YYYY-MM-DD>', 'first day to score')
    .option('--days <n>', 'number of days to score from --date (default: score.days)')
    .option('--out <dir>', 'output root (default: paths.out)')
    .action(async function (this: Command, options: { date: string; days?: string; out?: string }) {
      const { runScore } = await import('../../score/run.ts');
      const { config, log } = contextFrom(this);
      const days = options.days === undefined ? config.score.days : Number(options.days);
      if (!Number.isInteger(days) || days < 1) throw new UsageError(`--days: expected a positive integer, got '${options.days}'`);
      await runScore(config, { date: options.date, days, out: options.out }, log);
    });
}
