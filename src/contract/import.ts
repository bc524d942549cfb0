import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { InputDataError } from '../util/errors.ts';
import { writeFileAtomic } from '../util/files.ts';
import { createBoundaryTest, readBoundary } from './boundary.ts';
import type { QuarantineEntry, TableReport, ValidationReport } from './dataset.ts';
import { applyMapping, sourceColumnsOf, type Mapping, type MappingResult, type RawRow } from './mapping.ts';
import type { RawTable } from './readers.ts';
import { boundaryFileName, tables } from './schemas.ts';
import { badRowShare, validateTable, type ValidationContext } from './validate.ts';

/**
 * `firerisk import` without the CLI: read raw exports (any encoding the mapping names), apply the
 * mapping, validate the contract rows with the contract's own row validation, and publish
 * `<dir>/<table>.csv` atomically. Every source row ends up written, filtered out (counted by reason)
 * or quarantined (mapping rejection or contract violation, traced back to its source file and row).
 */

export interface RawSource {
  file: string;
  columns: string[];
  /** Source rows with their 1-based data row number (header = 0, `skip_lines` not counted). */
  rows: Array<{ row: number; values: RawRow; problem?: string }>;
}

/** Decodes a raw export with the mapping's encoding (GBK and GB18030 through iconv-lite) and splits its CSV records. */
export function parseRawSource(bytes: Uint8Array, file: string, source: Mapping['source']): RawSource {
  const text = source.encoding === 'utf-8' ? new TextDecoder('utf-8').decode(bytes) : iconv.decode(Buffer.from(bytes), source.encoding);
  let records: string[][];
  try {
    records = parse(text, { bom: true, delimiter: source.delimiter, from_line: source.skip_lines + 1, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new InputDataError(`${file}: unreadable CSV (${(error as Error).message.split('\n')[0]})`);
  }
  if (records.length === 0) throw new InputDataError(`${file}: empty file (expected a header row${source.skip_lines ? ` after ${source.skip_lines} skipped lines` : ''})`);
  const columns = records[0].map((c) => c.trim());
  const duplicate = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
  if (duplicate !== undefined) throw new InputDataError(`${file}: header names column '${duplicate}' twice`);
  const rows = records.slice(1).map((fields, i) => {
    const values: RawRow = {};
    columns.forEach((c, j) => {
      if (c !== '') values[c] = fields[j] ?? '';
    });
    const problem = fields.length === columns.length ? undefined : `unparseable CSV record: ${fields.length} fields, header has ${columns.length}`;
    return { row: i + 1, values, problem };
  });
  return { file, columns, rows };
}

export function readRawSource(path: string, source: Mapping['source']): RawSource {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputDataError(`${basename(path)}: unreadable file (${(error as Error).message.split('\n')[0]})`);
  }
  return parseRawSource(bytes, basename(path), source);
}

export interface ImportOutcome {
  table: Mapping['table'];
  /** Contract CSV written, or null when the table failed the bad-row share and was not published. */
  written: string | null;
  columns: string[];
  rows: Array<Record<string, string>>;
  /** Per source file and in total: rows read, written, filtered out, quarantined. */
  counts: { read: number; written: number; filtered: number; quarantined: number; accepted: number };
  filteredReasons: Record<string, number>;
  /** Quarantine of the import in the `validate` shape (rows point at the source file and row). */
  report: ValidationReport;
  /** Why the table was not published (required table above validate.max_bad_share); null when fine. */
  failure: string | null;
  /** Optional table above the bad-row share: published with this warning. */
  warning: string | null;
}

/** Source column(s) a contract column comes from, for quarantine entries of contract violations. */
function sourceOf(mapping: Mapping, column: string | null): string | null {
  if (column === null) return null;
  const spec = mapping.columns[column];
  if (spec?.from !== undefined) return `${column} (${[spec.from].flat().join('+')})`;
  if (mapping.coordinates && (column === 'lon' || column === 'lat')) return `${column} (${mapping.coordinates.x}/${mapping.coordinates.y})`;
  return column;
}

/** Validation context from the output folder: its boundary file, and its zones for crowd flow. */
function contextFor(dir: string, table: Mapping['table']): ValidationContext {
  const context: ValidationContext = {};
  const boundaryPath = join(dir, boundaryFileName);
  if (existsSync(boundaryPath)) context.insideDistrict = createBoundaryTest(readBoundary(boundaryPath));
  const zonesPath = join(dir, 'zones.csv');
  if (table === 'crowd_flow' && existsSync(zonesPath)) {
    const zones = readRawSource(zonesPath, { encoding: 'utf-8', delimiter: ',', skip_lines: 0 });
    context.knownZones = new Set(zones.rows.map((r) => String(r.values.zone_id ?? '').trim()).filter((z) => z !== ''));
  }
  return context;
}

/**
 * Maps the sources and validates the result (pure apart from reading `dir`'s boundary and zones).
 * A source lacking a column the mapping reads is an InputDataError naming file and columns.
 */
export function importSources(mapping: Mapping, sources: RawSource[], dir: string, maxBadShare: number): ImportOutcome {
  const needed = sourceColumnsOf(mapping);
  for (const source of sources) {
    const missing = needed.filter((c) => !source.columns.includes(c));
    if (missing.length > 0) {
      throw new InputDataError(`${source.file}: missing source column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} named in the mapping (header: ${source.columns.join(', ')})`);
    }
  }
  const quarantine: QuarantineEntry[] = [];
  const reasons: Record<string, number> = {};
  const quarantineRow = (entry: QuarantineEntry) => {
    quarantine.push(entry);
    reasons[entry.reason] = (reasons[entry.reason] ?? 0) + 1;
  };
  const filteredReasons: Record<string, number> = {};
  const mappedRows: Array<Record<string, string>> = [];
  const origin: Array<{ file: string; row: number; raw: RawRow }> = [];
  let read = 0;
  let columns: string[] = [];
  for (const source of sources) {
    read += source.rows.length;
    const whole = source.rows.filter((r) => r.problem === undefined);
    for (const r of source.rows) if (r.problem !== undefined) quarantineRow({ table: mapping.table, file: source.file, row: r.row, column: null, reason: r.problem, raw: r.values });
    const result: MappingResult = applyMapping(
      mapping,
      whole.map((r) => r.values),
      whole.map((r) => r.row),
    );
    columns = result.columns;
    for (const [reason, count] of Object.entries(result.filtered.reasons)) filteredReasons[reason] = (filteredReasons[reason] ?? 0) + count;
    for (const r of result.rejected) quarantineRow({ table: mapping.table, file: source.file, row: r.row, column: r.column, reason: r.reason, raw: r.raw });
    const byRow = new Map(whole.map((r) => [r.row, r.values]));
    result.rows.forEach((row, i) => {
      mappedRows.push(row);
      const sourceRow = result.sourceRows[i];
      origin.push({ file: source.file, row: sourceRow, raw: byRow.get(sourceRow) ?? {} });
    });
  }

  const file = `${mapping.table}.csv`;
  const contractTable: RawTable = { file, path: join(dir, file), format: 'csv', columns, rows: mappedRows.map((values, i) => ({ row: i + 1, values })) };
  const validation = validateTable(mapping.table, contractTable, contextFor(dir, mapping.table));
  for (const entry of validation.quarantine) {
    const from = origin[entry.row - 1];
    quarantineRow({ table: mapping.table, file: from.file, row: from.row, column: sourceOf(mapping, entry.column), reason: entry.reason, raw: { ...from.raw } });
  }
  const filtered = Object.values(filteredReasons).reduce((a, b) => a + b, 0);
  const tableReport: TableReport = {
    table: mapping.table,
    file: sources.map((s) => s.file).join(', '),
    present: true,
    read,
    accepted: validation.report.accepted,
    quarantined: quarantine.length,
    reasons,
  };
  const { bad, considered, share, outside } = badRowShare(tableReport);
  const overShare = share > maxBadShare || (read > 0 && validation.report.accepted === 0);
  const outsideNote = outside > 0 ? ` (${outside} more outside the district, not counted)` : '';
  const describe = `${tableReport.file}: ${bad} of ${considered} rows quarantined (${(share * 100).toFixed(1)}%)${outsideNote}, above validate.max_bad_share = ${maxBadShare}`;
  const required = tables[mapping.table].required;
  return {
    table: mapping.table,
    written: null,
    columns,
    rows: mappedRows,
    counts: { read, written: mappedRows.length, filtered, quarantined: quarantine.length, accepted: validation.report.accepted },
    filteredReasons,
    report: { tables: [tableReport], quarantine },
    failure: required && overShare ? describe : null,
    warning: !required && overShare ? `${describe} (optional table, published anyway)` : null,
  };
}

/** The contract CSV text of mapped rows (UTF-8, header, RFC 4180 quoting). */
export function contractCsv(columns: string[], rows: Array<Record<string, string>>): string {
  return stringify([columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))], { eof: true });
}

/**
 * Reads the raw files, maps and validates them, and publishes `<dir>/<table>.csv` atomically unless
 * the table failed the bad-row share. Contract violations stay in the written table (so that
 * `validate` and the nightly run see the same rows) and are also reported here.
 */
export function importFiles(mapping: Mapping, inputs: string[], dir: string, maxBadShare: number): ImportOutcome {
  const sources = inputs.map((path) => readRawSource(path, mapping.source));
  const outcome = importSources(mapping, sources, dir, maxBadShare);
  if (outcome.failure === null) {
    const path = join(dir, `${mapping.table}.csv`);
    writeFileAtomic(path, contractCsv(outcome.columns, outcome.rows));
    outcome.written = path;
  }
  return outcome;
}
