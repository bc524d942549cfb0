import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { importFiles } from '../../contract/import.ts';
import { parseMapping } from '../../contract/mapping.ts';
import { writeQuarantine } from '../../contract/quarantine.ts';
import { formatValidationReport } from '../../contract/summary.ts';
import { InputDataError, UsageError } from '../../util/errors.ts';
import { writeJsonAtomic } from '../../util/files.ts';
import { contextFrom } from '../context.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Turn a foreign export (CSV, any encoding) into one contract table through a source mapping; quarantine and report as `validate` does (exit 3 on unusable input)')
    .requiredOption('--mapping <file>', 'source mapping (JSON or YAML; see docs/bring-your-own-data.md)')
    .requiredOption('--in <file>', 'raw export; repeat for several files of the same layout (e.g. monthly exports)', collect)
    .option('--out <dir>', 'dataset folder receiving <table>.csv (default: config paths.data)')
    .option('--quarantine <dir>', 'folder for quarantined rows, validation-report.json and import-summary.json (default: <paths.out>/quarantine/import-<table>)')
    .action(function (this: Command, options: { mapping: string; in: string[]; out?: string; quarantine?: string }) {
      const { config, log } = contextFrom(this);
      let text: string;
      try {
        text = readFileSync(options.mapping, 'utf8');
      } catch (error) {
        throw new UsageError(`${options.mapping}: cannot read mapping (${(error as Error).message.split('\n')[0]})`);
      }
      let mapping;
      try {
        mapping = parseMapping(text, options.mapping);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const dir = options.out ?? config.paths.data;
      const quarantineDir = options.quarantine ?? join(config.paths.out, 'quarantine', `import-${mapping.table}`);
      const outcome = importFiles(mapping, options.in, dir, config.validate.max_bad_share);

      process.stdout.write(formatValidationReport(outcome.report));
      const { read, written, filtered, quarantined, accepted } = outcome.counts;
      process.stdout.write(`filtered out: ${filtered}\n`);
      for (const [reason, count] of Object.entries(outcome.filteredReasons).sort((a, b) => b[1] - a[1])) process.stdout.write(`    ${String(count).padStart(8)}  ${reason}\n`);
      writeQuarantine(outcome.report, quarantineDir);
      writeJsonAtomic(join(quarantineDir, 'import-summary.json'), {
        mapping: options.mapping,
        inputs: options.in,
        table: outcome.table,
        written: outcome.written,
        counts: outcome.counts,
        filtered_reasons: outcome.filteredReasons,
      });
      log.info(`import ${outcome.table}: read ${read}, written ${written}, filtered ${filtered}, quarantined ${quarantined} (contract-valid ${accepted})`, {
        out: outcome.written ?? '(not written)',
        quarantine: quarantineDir,
      });
      if (outcome.warning) log.warn(outcome.warning);
      if (outcome.failure) throw new InputDataError(`${outcome.failure}; ${mapping.table}.csv not written (see ${quarantineDir})`);
    });
}
