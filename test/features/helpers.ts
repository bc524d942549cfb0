import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { defaultConfig, type Config } from '../../src/config/schema.ts';
import type { Dataset } from '../../src/contract/dataset.ts';
import { buildFeatures, type FeatureBuildResult } from '../../src/features/build.ts';
import type { Grid } from '../../src/grid/types.ts';
import { createMemoryLogger } from '../../src/util/log.ts';

export type Row = Record<string, number | string | boolean | null>;

export const tempOut = (): string => mkdtempSync(join(tmpdir(), 'firerisk-features-'));

export const testConfig = (): Config => {
  const config = defaultConfig();
  config.features.memory_limit = '1GB';
  config.features.threads = 1;
  return config;
};

/** Every row of a Parquet file, day as YYYY-MM-DD, in file order. */
export async function readParquet(path: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * REPLACE (strftime(day, '%Y-%m-%d') AS day) FROM read_parquet('${path}')`);
    return reader.getRowObjectsJS() as Row[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export interface Built {
  result: FeatureBuildResult;
  rows: Row[];
  /** The row of cell `cell` on day `day`. */
  at(cell: number, day: string): Row;
}

export async function build(dataset: Dataset, grid: Grid, from: string, to: string, outDir = tempOut(), config = testConfig()): Promise<Built> {
  const result = await buildFeatures(dataset, grid, { from, to, outDir, config }, createMemoryLogger());
  const rows = await readParquet(result.parquetPath);
  const index = new Map(rows.map((r) => [`${r.cell_index}|${r.day}`, r]));
  return {
    result,
    rows,
    at(cell, day) {
      const row = index.get(`${cell}|${day}`);
      if (!row) throw new Error(`no row for cell ${cell} on ${day}`);
      return row;
    },
  };
}

/** A row without its label columns, for leakage comparisons. */
export const withoutLabels = (row: Row): Row => {
  const { y_fires: _f, y_alarms: _a, ...rest } = row;
  return rest;
};
