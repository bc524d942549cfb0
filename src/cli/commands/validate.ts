import { join } from 'node:path';
import type { Command } from 'commander';
import { contextFrom } from '../context.ts';
import { writeQuarantine } from '../../contract/quarantine.ts';
import { formatValidationReport } from '../../contract/summary.ts';
import { InputDataError } from '../../util/errors.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check every input table against the data contract; print rows read/accepted/quarantined per table and write quarantined rows with their reasons (exit 3 on unusable input)')
    .option('--data <dir>', 'dataset folder (default: config paths.data)')
    .option('--quarantine <dir>', 'folder for quarantined rows and validation-report.json (default: <paths.out>/quarantine)')
    .action(async function (this: Command, options: { data?: string; quarantine?: string }) {
      const { inspectDataset } = await import('../../contract/load.ts');
      const { config, log } = contextFrom(this);
      const dataDir = options.data ?? config.paths.data;
      const quarantineDir = options.quarantine ?? join(config.paths.out, 'quarantine');
      const { dataset, failures } = await inspectDataset(dataDir, config, log);
      process.stdout.write(formatValidationReport(dataset.report));
      writeQuarantine(dataset.report, quarantineDir);
      log.info(`quarantine written to ${quarantineDir}`);
      if (failures.length > 0) throw new InputDataError(failures.join('; '));
    });
}
