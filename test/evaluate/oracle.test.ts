import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOracle } from '../../src/evaluate/oracle.ts';
import { dayNumber } from '../../src/util/days.ts';
import { denseMatrix } from './helpers.ts';

describe('oracle from the generator truth', () => {
  let dir: string;
  // Two cells split at lon 106.5: sources 1 and 2 in cell 0, source 3 in cell 1, source 4 off the grid.
  const locate = (lon: number) => (lon < 106 ? -1 : lon < 106.5 ? 0 : 1);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firerisk-oracle-'));
    mkdirSync(join(dir, 'truth'));
    writeFileSync(join(dir, 'truth', 'sources.csv'), 'source_id,lon,lat\n1,106.2,29.8\n2,106.4,29.8\n3,106.7,29.8\n4,105.0,29.8\n');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const path = join(dir, 'truth', 'intensity.parquet').replaceAll("'", "''");
    await connection.run(`COPY (SELECT * FROM (VALUES
        (1, DATE '2024-01-01', 0.010::DOUBLE), (2, DATE '2024-01-01', 0.020), (3, DATE '2024-01-01', 0.005), (4, DATE '2024-01-01', 0.5),
        (1, DATE '2024-01-02', 0.030), (3, DATE '2024-01-02', 0.001),
        (1, DATE '2023-12-31', 9.0)
      ) AS t(source_id, day, expected_fires)) TO '${path}' (FORMAT parquet)`);
    connection.closeSync();
    db.closeSync();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sums the sources inside each cell, day by day', async () => {
    const from = dayNumber('2024-01-01');
    const oracle = await loadOracle(dir, locate, { fromDay: from, toDay: from + 1, nCells: 2 });
    expect(oracle).not.toBeNull();
    const matrix = denseMatrix(2, from, from + 1, () => 0);
    const rates = await oracle!.predict(matrix);
    // rows: (day 1, cell 0), (day 1, cell 1), (day 2, cell 0), (day 2, cell 1)
    expect(Array.from(rates, (r) => Number(r.toFixed(6)))).toEqual([0.03, 0.005, 0.03, 0.001]);
    expect(oracle!.summary).toMatchObject({ sources: 4, sources_outside_grid: 1, unknown_source_rows: 0 });
    expect(oracle!.summary.expected_fires_outside_grid).toBeCloseTo(0.5, 10);
  });

  it("gives each cell's mean true intensity over the loaded days as the flat reference oracle_cell_mean", async () => {
    const from = dayNumber('2024-01-01');
    const oracle = await loadOracle(dir, locate, { fromDay: from, toDay: from + 1, nCells: 2 });
    const flat = await oracle!.cellMean.predict(denseMatrix(2, from, from + 1, () => 0));
    // cell 0: days 0.03 and 0.03 -> 0.03; cell 1: 0.005 and 0.001 -> 0.003, on both days.
    expect(oracle!.cellMean.name).toBe('oracle_cell_mean');
    expect(Array.from(flat, (r) => Number(r.toFixed(6)))).toEqual([0.03, 0.003, 0.03, 0.003]);
    await expect(oracle!.cellMean.predict(denseMatrix(2, from + 2, from + 2, () => 0))).rejects.toThrow(/outside the loaded truth days/);
  });

  it('is absent on real data (no truth folder)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'firerisk-no-truth-'));
    expect(await loadOracle(empty, locate, { fromDay: 0, toDay: 1, nCells: 2 })).toBeNull();
    rmSync(empty, { recursive: true });
  });

  it('refuses days outside the loaded range', async () => {
    const from = dayNumber('2024-01-01');
    const oracle = await loadOracle(dir, locate, { fromDay: from, toDay: from, nCells: 2 });
    await expect(oracle!.predict(denseMatrix(2, from + 1, from + 1, () => 0))).rejects.toThrow(/outside the loaded truth days/);
  });
});
