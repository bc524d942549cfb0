import type { Command } from 'commander';
import { describeConfig } from '../../config/load.ts';
import { contextFrom } from '../context.ts';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('Print the effective configuration (file + FIRERISK_* environment overrides), or its JSON schema with defaults')
    .option('--schema', 'print the JSON schema of the configuration with descriptions and defaults')
    .action(function (this: Command, options: { schema?: boolean }) {
      if (options.schema) {
        process.stdout.write(`${JSON.stringify(describeConfig(), null, 2)}\n`);
        return;
      }
      process.stdout.write(`${JSON.stringify(contextFrom(this).config, null, 2)}\n`);
    });
}
