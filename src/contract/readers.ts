import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parse as parseStream } from 'csv-parse';
import { DuckDBInstance } from '@duckdb/node-api';
import { InputDataError } from '../util/errors.ts';

/**
 * Readers turn a table file into raw rows: cell values exactly as the file holds them (CSV: strings,
 * empty string = missing; Parquet: string | number | boolean, null = ''), keyed by header column.
 * Nothing is interpreted here; the zod schemas of the contract coerce and check the cells.
 * A record that cannot be split into the header's columns is kept with a `problem`, never dropped.
 */
export interface RawRow {
  /** 1-based data row number (the header is row 0); Parquet: 1-based row position. */
  row: number;
  values: Record<string, unknown>;
  /** Set when the record itself is broken (wrong number of fields, unclosed quote). */
  problem?: string;
}

export interface RawTable {
  /** File name as shown in messages (base name). */
  file: string;
  path: string;
  format: 'csv' | 'parquet';
  columns: string[];
  rows: RawRow[];
}

/** Name of the column that collects fields beyond the header in a ragged CSV record. */
export const EXTRA_FIELDS_COLUMN = '_extra_fields';

function unreadable(file: string, error: unknown): InputDataError {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new InputDataError(`${file}: unreadable file (${detail})`);
}

function checkHeader(file: string, columns: string[]): void {
  const seen = new Set<string>();
  for (const column of columns) {
    if (column === '') continue;
    if (seen.has(column)) throw new InputDataError(`${file}: header names column '${column}' twice`);
    seen.add(column);
  }
}

const csvOptions = {
  bom: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
} as const;

interface CsvSkip {
  /** Records (header included) emitted before the broken one. */
  position: number;
  line: number;
  message: string;
}

/**
 * Turns parsed CSV records (and records the parser had to skip) into numbered raw rows. A broken
 * record keeps its place in the numbering and becomes a row with a `problem`, so nothing is lost.
 */
class CsvRowAssembler {
  columns: string[] | null = null;
  private rowNumber = 0;
  private good = 0;
  private readonly skipped: CsvSkip[] = [];
  private flushed = 0;

  constructor(
    private readonly file: string,
    private readonly onHeader: (columns: string[]) => void,
    private readonly onRow: (row: RawRow) => void,
  ) {}

  skip(error: { message?: string; records?: number; lines?: number } | undefined): void {
    const message = (error?.message ?? 'unparseable record').split(':')[0].trim();
    this.skipped.push({ position: error?.records ?? this.good, line: error?.lines ?? 0, message });
  }

  private flush(upTo: number): void {
    while (this.flushed < this.skipped.length && this.skipped[this.flushed].position <= upTo) {
      const s = this.skipped[this.flushed++];
      if (!this.columns) throw new InputDataError(`${this.file}: header row is unreadable (${s.message}, line ${s.line})`);
      this.onRow({ row: ++this.rowNumber, values: { _line: String(s.line) }, problem: `unparseable CSV record (${s.message})` });
    }
  }

  record(fields: string[]): void {
    this.flush(this.good);
    this.good += 1;
    if (!this.columns) {
      const columns = fields.map((name) => name.trim());
      checkHeader(this.file, columns);
      this.columns = columns;
      this.onHeader(columns);
      return;
    }
    const columns = this.columns;
    const width = columns.length;
    const values: Record<string, unknown> = {};
    const n = fields.length < width ? fields.length : width;
    for (let c = 0; c < n; c++) values[columns[c]] = fields[c];
    if (fields.length === width) {
      this.onRow({ row: ++this.rowNumber, values });
      return;
    }
    for (let c = n; c < width; c++) values[columns[c]] = '';
    if (fields.length > width) values[EXTRA_FIELDS_COLUMN] = fields.slice(width).join(',');
    this.onRow({ row: ++this.rowNumber, values, problem: `wrong number of fields (expected ${width})` });
  }

  end(): void {
    if (!this.columns && this.skipped.length === 0) throw new InputDataError(`${this.file}: empty file (expected a header row)`);
    this.flush(Number.POSITIVE_INFINITY);
  }
}

/** Parses CSV text (UTF-8, optional BOM, header row, comma-separated, RFC 4180 quotes). */
export function parseCsvText(text: string | Buffer, file: string, path = file): RawTable {
  const rows: RawRow[] = [];
  let columns: string[] = [];
  const assembler = new CsvRowAssembler(file, (c) => (columns = c), (row) => rows.push(row));
  try {
    parse(text, { ...csvOptions, on_skip: (error) => void assembler.skip(error), on_record: (record: string[]) => (assembler.record(record), null) });
  } catch (error) {
    if (error instanceof InputDataError) throw error;
    throw unreadable(file, error);
  }
  assembler.end();
  return { file, path, format: 'csv', columns, rows };
}

/**
 * Streams a CSV file record by record into `onRow` (after `onHeader` saw the header), so that a
 * large feed never sits in memory twice. Returns the header columns.
 */
export async function streamCsvTable(path: string, onHeader: (columns: string[]) => void, onRow: (row: RawRow) => void): Promise<string[]> {
  const file = basename(path);
  const assembler = new CsvRowAssembler(file, onHeader, onRow);
  const parser = parseStream({ ...csvOptions, on_skip: (error) => void assembler.skip(error) });
  const input = createReadStream(path);
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const record of parser) assembler.record(record as string[]);
  } catch (error) {
    input.destroy();
    if (error instanceof InputDataError) throw error;
    throw unreadable(file, error);
  }
  assembler.end();
  return assembler.columns ?? [];
}

export async function readCsvTable(path: string): Promise<RawTable> {
  const rows: RawRow[] = [];
  const columns = await streamCsvTable(path, () => undefined, (row) => rows.push(row));
  return { file: basename(path), path, format: 'csv', columns, rows };
}

/** SQL expression that gives a Parquet column the cell form the contract expects. */
function cellExpression(column: string, type: string): string {
  const q = `"${column.replaceAll('"', '""')}"`;
  const t = type.toUpperCase();
  if (t === 'TIMESTAMP WITH TIME ZONE') return `epoch_ms(${q})::DOUBLE`; // becomes an ISO instant in UTC below
  if (t === 'DATE') return `strftime(${q}, '%Y-%m-%d')`;
  // A timestamp without zone is wall-clock time: rendered without offset, it is read in the district's time zone.
  if (t.startsWith('TIMESTAMP')) return `strftime(${q}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S')`;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(t)) return `${q}::DOUBLE`;
  if (t === 'BOOLEAN' || t === 'VARCHAR') return q;
  return `${q}::VARCHAR`;
}

/** Reads a Parquet file through DuckDB into the same raw form as a CSV file. */
export async function readParquetTable(path: string, instance?: DuckDBInstance): Promise<RawTable> {
  const file = basename(path);
  const db = instance ?? (await DuckDBInstance.create(':memory:'));
  const connection = await db.connect();
  try {
    const source = `read_parquet('${path.replaceAll("'", "''")}')`;
    let described: Array<{ name: string; type: string }>;
    try {
      const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      described = reader.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    } catch (error) {
      throw unreadable(file, error);
    }
    const columns = described.map((d) => d.name);
    checkHeader(file, columns);
    const instants = new Set(described.filter((d) => d.type.toUpperCase() === 'TIMESTAMP WITH TIME ZONE').map((d) => d.name));
    const select = described.map((d) => `${cellExpression(d.name, d.type)} AS "${d.name.replaceAll('"', '""')}"`).join(', ');
    let data: unknown[][];
    try {
      const reader = await connection.runAndReadAll(`SELECT ${select || '1'} FROM ${source}`);
      data = reader.getColumnsJS() as unknown[][];
    } catch (error) {
      throw unreadable(file, error);
    }
    const count = data.length > 0 ? data[0].length : 0;
    const rows: RawRow[] = new Array(count);
    for (let r = 0; r < count; r++) {
      const values: Record<string, unknown> = {};
      for (let c = 0; c < columns.length; c++) {
        const v = data[c][r];
        if (v === null || v === undefined) values[columns[c]] = '';
        else if (instants.has(columns[c])) values[columns[c]] = new Date(v as number).toISOString();
        else values[columns[c]] = v;
      }
      rows[r] = { row: r + 1, values };
    }
    return { file, path, format: 'parquet', columns, rows };
  } finally {
    connection.closeSync();
    if (!instance) db.closeSync();
  }
}
