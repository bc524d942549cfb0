import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { loadDataset } from '../contract/load.ts';
import { readGrid, writeGrid, GRID_FILE } from '../grid/index.ts';
import { gridForDataset } from '../grid/forDataset.ts';
import type { Grid } from '../grid/types.ts';
import type { Dataset } from '../contract/dataset.ts';
import type { Logger } from '../util/log.ts';
import { buildFeatures, type FeatureBuildResult } from './build.ts';

/** The grid of `<outDir>/grid/grid.json`, or one built from the dataset's boundary (or incident extent) and written there. */
export function gridFor(dataset: Dataset, outDir: string, config: Config, log: Logger): Grid {
  const gridDir = join(outDir, 'grid');
  if (existsSync(join(gridDir, GRID_FILE))) return readGrid(gridDir);
  const { grid, warnings } = gridForDataset(dataset, config.grid);
  for (const warning of warnings) log.warn(warning);
  const path = writeGrid(grid, gridDir);
  log.info('features: no grid yet, built one', { path, cells: grid.cells.length, boundary: dataset.boundary ? 'file' : 'derived' });
  return grid;
}

/** `firerisk features`: dataset folder -> grid -> features under `<outDir>/features/`. */
export async function runFeatures(args: { dataDir: string; outDir: string; from?: string; to?: string; incremental?: boolean }, config: Config, log: Logger): Promise<FeatureBuildResult> {
  const dataset = await loadDataset(args.dataDir, config, log);
  const grid = gridFor(dataset, args.outDir, config, log);
  return buildFeatures(dataset, grid, { from: args.from, to: args.to, outDir: args.outDir, config, incremental: args.incremental }, log);
}
