export type { Cell, Grid, GridDefinition, Ring } from './types.ts';
export { buildGrid } from './build.ts';
export { createCellLocator, locateCells, type CellLocator } from './locate.ts';
export { neighbourLists } from './neighbours.ts';
export { deriveBoundary } from './derive.ts';
export { readGrid, writeGrid, GRID_FILE } from './io.ts';
export { gridAreaCheck, type GridAreaCheck } from './check.ts';
export { boundarySha256, normalizeBoundary, resolveMetricCrs } from './geometry.ts';
