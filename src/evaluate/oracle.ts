/**
 * The oracle on synthetic data: the generator's true expected number of fires per cell-day.
 *
 * `<data>/truth/sources.csv` (source_id, lon, lat) places each source; `<data>/truth/intensity.parquet`
 * (source_id INTEGER, day DATE, expected_fires DOUBLE) gives its expected fires per day. Summing the
 * sources that fall in a cell gives the cell's true intensity. Real data has no truth folder: no oracle.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FeatureMatrix } from '../features/matrix.ts';
import type { Forecaster } from '../model/types.ts';
import { InputDataError } from '../util/errors.ts';
import { sqlString } from '../features/duck.ts';

export type CellLocator = (lon: number, lat: number) => number;

export interface OracleSummary {
  sources: number;
  /** Sources the locator placed outside every cell (their intensity is not on the grid). */
  sources_outside_grid: number;
  /** Intensity rows whose source_id is missing from sources.csv. */
  unknown_source_rows: number;
  /** Expected fires of the days read that fall outside the grid, of the total. */
  expected_fires_outside_grid: number;
  expected_fires_total: number;
}

export interface OracleOptions {
  fromDay: number;
  toDay: number;
  nCells: number;
}

export type Oracle = Forecaster & {
  summary: OracleSummary;
  /**
   * `oracle_cell_mean`: each cell's true intensity averaged over the loaded days, the same on every day.
   * It knows every cell's long-run rate exactly but nothing of the day-to-day changes, so the oracle's
   * advantage over it is the dynamic part, and its advantage over the best baseline the static part
   * (which a model must estimate from a few fires per cell).
   */
  cellMean: Forecaster;
};

/** Reads the truth folder; `null` when `<dataDir>/truth` does not exist. */
export async function loadOracle(dataDir: string, locate: CellLocator, options: OracleOptions): Promise<Oracle | null> {
  const truth = join(dataDir, 'truth');
  if (!existsSync(truth)) return null;
  const sourcesPath = join(truth, 'sources.csv');
  const intensityPath = join(truth, 'intensity.parquet');
  for (const path of [sourcesPath, intensityPath]) if (!existsSync(path)) throw new InputDataError(`${path}: missing (the truth folder exists, so the oracle needs it)`);
  const { fromDay, toDay, nCells } = options;
  const nDays = toDay - fromDay + 1;
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    let sources: unknown[][];
    try {
      sources = (await connection.runAndReadAll(`SELECT source_id::BIGINT, lon::DOUBLE, lat::DOUBLE FROM read_csv(${sqlString(sourcesPath)}, header = true)`)).getColumnsJS() as unknown[][];
    } catch (error) {
      throw new InputDataError(`${sourcesPath}: unreadable or missing column source_id/lon/lat (${(error as Error).message.split('\n')[0]})`);
    }
    const cellOfSource = new Map<number, number>();
    let outside = 0;
    const count = sources[0]?.length ?? 0;
    for (let r = 0; r < count; r++) {
      const id = Number(sources[0][r]);
      const lon = Number(sources[1][r]);
      const lat = Number(sources[2][r]);
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new InputDataError(`${sourcesPath}: row ${r + 2}, column lon/lat: not a number`);
      const cell = locate(lon, lat);
      if (cell >= nCells) throw new InputDataError(`${sourcesPath}: row ${r + 2}: located in cell ${cell}, but the grid has ${nCells} cells`);
      if (cell < 0) outside++;
      cellOfSource.set(id, cell);
    }
    let intensity: unknown[][];
    try {
      intensity = (
        await connection.runAndReadAll(
          `SELECT source_id::BIGINT AS source_id, (day::DATE - DATE '1970-01-01')::INTEGER AS day_number, SUM(expected_fires)::DOUBLE AS expected
           FROM read_parquet(${sqlString(intensityPath)})
           WHERE day::DATE BETWEEN DATE '1970-01-01' + ${fromDay}::INTEGER AND DATE '1970-01-01' + ${toDay}::INTEGER
           GROUP BY ALL
           ORDER BY source_id, day_number`,
        )
      ).getColumnsJS() as unknown[][];
    } catch (error) {
      throw new InputDataError(`${intensityPath}: unreadable or missing column source_id/day/expected_fires (${(error as Error).message.split('\n')[0]})`);
    }
    // Summed in a fixed order (ORDER BY above): DuckDB's parallel aggregation returns groups in any order, and
    // float sums in another order differ in the last digits, which a network trained on these rates amplifies.
    const rate = new Float32Array(nDays * nCells);
    const summary: OracleSummary = { sources: count, sources_outside_grid: outside, unknown_source_rows: 0, expected_fires_outside_grid: 0, expected_fires_total: 0 };
    const rows = intensity[0]?.length ?? 0;
    for (let r = 0; r < rows; r++) {
      const value = Number(intensity[2][r]);
      summary.expected_fires_total += value;
      const cell = cellOfSource.get(Number(intensity[0][r]));
      if (cell === undefined) {
        summary.unknown_source_rows++;
        continue;
      }
      if (cell < 0) {
        summary.expected_fires_outside_grid += value;
        continue;
      }
      rate[(Number(intensity[1][r]) - fromDay) * nCells + cell] += value;
    }
    const cellMean = new Float32Array(nCells);
    for (let k = 0; k < nDays; k++) for (let c = 0; c < nCells; c++) cellMean[c] += rate[k * nCells + c] / nDays;
    const checkDay = (name: string, d: number) => {
      if (d < fromDay || d > toDay) throw new RangeError(`${name}: day ${d} outside the loaded truth days ${fromDay}..${toDay}`);
    };
    return {
      name: 'oracle',
      summary,
      cellMean: {
        name: 'oracle_cell_mean',
        predict: async (matrix: FeatureMatrix) => {
          const out = new Float32Array(matrix.rows);
          for (let i = 0; i < matrix.rows; i++) {
            checkDay('oracle_cell_mean', matrix.day[i]);
            out[i] = cellMean[matrix.cellIndex[i]];
          }
          return out;
        },
      },
      predict: async (matrix: FeatureMatrix) => {
        const out = new Float32Array(matrix.rows);
        for (let i = 0; i < matrix.rows; i++) {
          const d = matrix.day[i];
          checkDay('oracle', d);
          out[i] = rate[(d - fromDay) * nCells + matrix.cellIndex[i]];
        }
        return out;
      },
    };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}
