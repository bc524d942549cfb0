import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readBoundary } from '../../contract/boundary.ts';
import { boundaryFileName } from '../../contract/schemas.ts';
import { buildGrid, deriveBoundary, gridAreaCheck, resolveMetricCrs, writeGrid } from '../../grid/index.ts';
import { readIncidentPoints } from '../../grid/points.ts';
import { UsageError } from '../../util/errors.ts';
import { contextFrom } from '../context.ts';

interface GridOptions {
  data?: string;
  out?: string;
  kind?: string;
  cellSize?: string;
  h3Resolution?: string;
}

const numberOption = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${name}: expected a number, got '${value}'`);
  return n;
};

export function registerGrid(program: Command): void {
  program
    .command('grid')
    .description('Build the district grid (square cells in a metric CRS, or H3) from boundary.geojson, or from the incident extent when there is none; writes <out>/grid/grid.json')
    .option('--data <dir>', 'dataset folder (default: paths.data)')
    .option('--out <dir>', 'output root (default: paths.out)')
    .option('--kind <kind>', 'square or h3 (default: grid.kind)')
    .option('--cell-size <m>', 'side of a square cell in metres (default: grid.cell_size_m)')
    .option('--h3-resolution <r>', 'H3 resolution (default: grid.h3_resolution)')
    .action(async function (this: Command, options: GridOptions) {
      const { config, log } = contextFrom(this);
      if (options.kind !== undefined && options.kind !== 'square' && options.kind !== 'h3') throw new UsageError(`--kind: expected square or h3, got '${options.kind}'`);
      const params = {
        ...config.grid,
        ...(options.kind ? { kind: options.kind as 'square' | 'h3' } : {}),
        ...(options.cellSize !== undefined ? { cell_size_m: numberOption('--cell-size', options.cellSize) } : {}),
        ...(options.h3Resolution !== undefined ? { h3_resolution: numberOption('--h3-resolution', options.h3Resolution) } : {}),
      } as typeof config.grid;
      const dataDir = options.data ?? config.paths.data;
      const outDir = join(options.out ?? config.paths.out, 'grid');
      const boundaryPath = join(dataDir, boundaryFileName);

      let boundary;
      let source: 'file' | 'derived';
      if (existsSync(boundaryPath)) {
        boundary = readBoundary(boundaryPath);
        source = 'file' as const;
      } else {
        const read = await readIncidentPoints(dataDir);
        if (read.skipped > 0) log.warn(`${read.file}: ${read.skipped} rows without a valid lon/lat left out of the extent`, { first_row: read.firstSkippedRow });
        boundary = deriveBoundary(read.points, params.boundary_buffer_m);
        source = 'derived' as const;
        log.warn(`no ${boundaryFileName} in ${dataDir}: study area derived from the convex hull of ${read.points.length} incident locations buffered by ${params.boundary_buffer_m} m; add a boundary file for a grid that follows the district line`);
      }
      const { mismatch } = resolveMetricCrs(boundary, params);
      if (mismatch) log.warn(`grid: ${mismatch}`);
      const started = Date.now();
      const grid = buildGrid(boundary, params, source);
      const check = gridAreaCheck(grid, boundary);
      const path = writeGrid(grid, outDir);
      log.info('grid written', { path, cells: grid.definition.cell_count, seconds: (Date.now() - started) / 1000 });
      if (Math.abs(check.relative_error) > 0.02) log.warn('grid area differs from the boundary area by more than 2%', { relative_error: check.relative_error });
      process.stdout.write(`${JSON.stringify({ path, definition: grid.definition, area_check: check }, null, 2)}\n`);
    });
}
