import type { Command } from 'commander';
import { formatSummary } from '../../pipeline/summary.ts';
import { contextFrom } from '../context.ts';

export function registerNightly(program: Command): void {
  program
    .command('nightly')
    .description(
      'The nightly job: validate the feeds, update features, retrain, evaluate, gate, score the next day(s) and publish. Skips stages whose inputs did not change; safe to rerun after a crash. With no configuration it runs on the synthetic district, generating it first if absent.',
    )
    .option('--force', 'rerun every stage even if its inputs did not change')
    .option('--synthetic', 'generate the synthetic district into paths.data if that folder does not exist')
    .action(async function (this: Command, options: { force?: boolean; synthetic?: boolean }) {
      const { runNightly } = await import('../../pipeline/job.ts');
      const { config, log } = contextFrom(this);
      const globals = this.optsWithGlobals() as { json?: boolean };
      const summary = await runNightly(config, log, { force: options.force, synthesizeIfMissing: options.synthetic ? true : undefined });
      process.stdout.write(globals.json ? `${JSON.stringify({ summary })}\n` : `${formatSummary(summary)}\n`);
      if (summary.status !== 'ok') process.stderr.write(`firerisk: ${summary.error}\n`);
      process.exitCode = summary.exit_code;
    });
}
