import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { contextFrom } from '../context.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show whether a run is in progress, the champion model, the last runs and the latest published scores')
    .option('--runs <n>', 'how many recent runs to list', '5')
    .action(async function (this: Command, options: { runs: string }) {
      const { collectStatus, formatStatus } = await import('../../pipeline/status.ts');
      const { config } = contextFrom(this);
      const globals = this.optsWithGlobals() as { json?: boolean };
      const status = collectStatus(config.paths, basename(resolve(config.paths.data)), Number(options.runs));
      process.stdout.write(globals.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
    });
}
