import { BOOLEAN, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, VARCHAR, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';

/** A DuckDB session for one feature build: an in-memory database with the configured limits. */
export interface DuckSession {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  close(): void;
}

export async function openDuck(options: { memoryLimit: string; threads?: number; tempDirectory?: string }): Promise<DuckSession> {
  const settings: Record<string, string> = { memory_limit: options.memoryLimit };
  if (options.threads) settings.threads = String(options.threads);
  if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
  const instance = await DuckDBInstance.create(':memory:', settings);
  const connection = await instance.connect();
  return {
    instance,
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export type ColumnType = 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';
export interface Column {
  name: string;
  type: ColumnType;
  /** One value per row; null = SQL NULL. */
  values: ArrayLike<number | boolean | string | null>;
}

const duckTypes: Record<ColumnType, DuckDBType> = { INTEGER, DOUBLE, BOOLEAN, VARCHAR };
const CHUNK_ROWS = 2048;

/**
 * Creates `table` with the given columns and loads them column-wise through the appender in
 * data chunks of 2,048 rows (no row-by-row INSERT).
 */
export async function createTableFromColumns(connection: DuckDBConnection, table: string, columns: Column[]): Promise<void> {
  const rows = columns.length ? columns[0].values.length : 0;
  for (const c of columns) if (c.values.length !== rows) throw new Error(`column ${table}.${c.name} has ${c.values.length} values, expected ${rows}`);
  await connection.run(`CREATE OR REPLACE TABLE ${table} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);
  if (rows === 0) return;
  const appender = await connection.createAppender(table);
  const types = columns.map((c) => duckTypes[c.type]);
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    const chunk = DuckDBDataChunk.create(types, n);
    columns.forEach((c, j) => {
      const slice: Array<number | boolean | string | null> = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = c.values[start + i];
        slice[i] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
      }
      chunk.setColumnValues(j, slice);
    });
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
  appender.closeSync();
}

/** Runs a query and returns its rows as plain objects (for small results). */
export async function queryRows<T = Record<string, unknown>>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as T[];
}

/** Single-quoted SQL string literal. */
export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
