import type { Command } from 'commander';
import { UsageError } from '../../util/errors.ts';
import { contextFrom } from '../context.ts';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('Generate the synthetic Beibei district dataset (all feeds in the data contract + ground-truth intensity) into a folder')
    .requiredOption('--out <dir>', 'output folder, e.g. datasets/beibei')
    .option('--seed <n>', 'random seed (default: config synth.seed)')
    .option('--from <day>', 'first day YYYY-MM-DD (default: config synth.start)')
    .option('--to <day>', 'last day YYYY-MM-DD (default: config synth.end)')
    .option('--forecast-days <n>', 'days of weather forecast after --to (default: config synth.forecast_days)')
    .action(async function (this: Command, options: { out: string; seed?: string; from?: string; to?: string; forecastDays?: string }) {
      const { generateSynthetic, writeSynthetic } = await import('../../synth/index.ts');
      const { config, log } = contextFrom(this);
      const seed = options.seed === undefined ? config.synth.seed : Number(options.seed);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got ${options.seed}`);
      const from = options.from ?? config.synth.start;
      const to = options.to ?? config.synth.end;
      for (const [flag, value] of [['--from', from], ['--to', to]] as const)
        if (!ISO_DAY.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`${flag} must be a day YYYY-MM-DD, got ${value}`);
      if (to < from) throw new UsageError(`--to ${to} is before --from ${from}`);
      const forecastDays = options.forecastDays === undefined ? config.synth.forecast_days : Number(options.forecastDays);
      if (!Number.isInteger(forecastDays) || forecastDays < 0 || forecastDays > 14) throw new UsageError(`--forecast-days must be an integer 0..14, got ${options.forecastDays}`);
      const started = performance.now();
      const dataset = generateSynthetic({ seed, from, to, forecastDays }, log);
      const summary = await writeSynthetic(dataset, options.out, log);
      const seconds = (performance.now() - started) / 1000;
      const totalBytes = Object.values(summary.files).reduce((s, f) => s + f.bytes, 0);
      for (const [name, f] of Object.entries(summary.files)) log.info(`  ${name}`, { rows: f.rows ?? '-', bytes: f.bytes });
      log.info('synth: done', { out: options.out, seed, from, to, bytes: totalBytes, seconds: Number(seconds.toFixed(1)) });
    });
}
