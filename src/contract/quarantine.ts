import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../util/files.ts';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { QuarantineEntry, ValidationReport } from './dataset.ts';
import { tables, type TableName } from './schemas.ts';

export const QUARANTINE_REPORT_FILE = 'validation-report.json';

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return String(value);
}

/** The quarantine CSV of one table: `_row,_column,_reason` then the raw row's columns. */
export function quarantineCsv(entries: QuarantineEntry[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries)
    for (const column of Object.keys(entry.raw))
      if (!seen.has(column)) {
        seen.add(column);
        columns.push(column);
      }
  const header = ['_row', '_column', '_reason', ...columns];
  const records = entries.map((e) => [String(e.row), e.column ?? '', e.reason, ...columns.map((c) => cellText(e.raw[c]))]);
  return stringify([header, ...records], { eof: true });
}

/**
 * Writes `<dir>/<table>.csv` for every table present in the report (header only when nothing was
 * quarantined, so that a stale file from an earlier run never survives) and `validation-report.json`
 * (per table: rows read, accepted, quarantined, counts per reason). Each file is written atomically.
 */
export function writeQuarantine(report: ValidationReport, dir: string): { files: string[] } {
  mkdirSync(dir, { recursive: true });
  const byTable = new Map<TableName, QuarantineEntry[]>();
  for (const entry of report.quarantine) {
    let list = byTable.get(entry.table);
    if (!list) byTable.set(entry.table, (list = []));
    list.push(entry);
  }
  const files: string[] = [];
  const present = new Set(report.tables.filter((t) => t.present).map((t) => t.table));
  for (const table of Object.keys(tables) as TableName[]) {
    const path = join(dir, `${table}.csv`);
    if (present.has(table)) {
      writeFileAtomic(path, quarantineCsv(byTable.get(table) ?? []));
      files.push(path);
    } else if (existsSync(path)) {
      rmSync(path);
    }
  }
  const summary = {
    tables: report.tables.map((t) => ({ ...t, reasons: Object.fromEntries(Object.entries(t.reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) })),
    totals: {
      read: report.tables.reduce((s, t) => s + t.read, 0),
      accepted: report.tables.reduce((s, t) => s + t.accepted, 0),
      quarantined: report.tables.reduce((s, t) => s + t.quarantined, 0),
    },
  };
  const reportPath = join(dir, QUARANTINE_REPORT_FILE);
  writeFileAtomic(reportPath, `${JSON.stringify(summary, null, 2)}\n`);
  files.push(reportPath);
  return { files };
}
