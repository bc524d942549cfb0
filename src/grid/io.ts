import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/files.ts';
import { join } from 'node:path';
import { z } from 'zod';
import { InputDataError } from '../util/errors.ts';
import type { Cell, Grid, GridDefinition, Ring } from './types.ts';

export const GRID_FILE = 'grid.json';
export const GRID_FORMAT = 'firerisk.grid/1';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

const definitionSchema = z
  .object({
    kind: z.enum(['square', 'h3']),
    crs: z.string(),
    proj4: z.string(),
    origin_x_m: finite.optional(),
    origin_y_m: finite.optional(),
    cell_size_m: z.number().positive().optional(),
    n_cols: z.number().int().positive().optional(),
    n_rows: z.number().int().positive().optional(),
    h3_resolution: z.number().int().min(0).max(15).optional(),
    metric_crs: z.string().optional(),
    metric_proj4: z.string().optional(),
    cell_count: z.number().int().min(0),
    boundary_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    boundary_source: z.enum(['file', 'derived']),
  })
  .strict()
  .refine((d) => d.kind !== 'square' || [d.origin_x_m, d.origin_y_m, d.cell_size_m, d.n_cols, d.n_rows].every((v) => v !== undefined), {
    message: 'a square grid needs origin_x_m, origin_y_m, cell_size_m, n_cols and n_rows',
  })
  .refine((d) => d.kind !== 'h3' || d.h3_resolution !== undefined, { message: 'an H3 grid needs h3_resolution' });

/** Column names of the cells table and the check each value must pass (a plain loop: 10^5 cells must read fast). */
const cellColumns = {
  cell_id: (v: unknown) => typeof v === 'string' && v.length > 0,
  row: (v: unknown) => Number.isInteger(v) && (v as number) >= 0,
  col: (v: unknown) => Number.isInteger(v) && (v as number) >= 0,
  centroid_lon: Number.isFinite,
  centroid_lat: Number.isFinite,
  centroid_x_m: Number.isFinite,
  centroid_y_m: Number.isFinite,
  area_km2: (v: unknown) => Number.isFinite(v) && (v as number) > 0,
  inside_share: (v: unknown) => Number.isFinite(v) && (v as number) > 0 && (v as number) <= 1,
  /** Each ring flattened: lon0, lat0, lon1, lat1, ... (closed). */
  ring: (v: unknown) => Array.isArray(v) && v.length >= 8 && v.length % 2 === 0 && v.every(Number.isFinite),
} as const;
const optionalColumns = new Set(['row', 'col']);

const cellsSchema = z
  .object(Object.fromEntries(Object.keys(cellColumns).map((name) => [name, optionalColumns.has(name) ? z.array(z.unknown()).optional() : z.array(z.unknown())])))
  .strict();

interface CellColumns {
  cell_id: string[];
  row?: number[];
  col?: number[];
  centroid_lon: number[];
  centroid_lat: number[];
  centroid_x_m: number[];
  centroid_y_m: number[];
  area_km2: number[];
  inside_share: number[];
  ring: number[][];
}

const fileSchema = z.object({ format: z.literal(GRID_FORMAT), definition: definitionSchema, cells: cellsSchema }).strict();

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** lon/lat to 1e-7 degrees (about 1 cm), metres to 1 mm. */
function serialise(grid: Grid): { format: string; definition: GridDefinition; cells: CellColumns } {
  const cells = grid.cells;
  const square = grid.definition.kind === 'square';
  return {
    format: GRID_FORMAT,
    definition: grid.definition,
    cells: {
      cell_id: cells.map((c) => c.cell_id),
      ...(square ? { row: cells.map((c) => c.row ?? -1), col: cells.map((c) => c.col ?? -1) } : {}),
      centroid_lon: cells.map((c) => round(c.centroid_lon, 7)),
      centroid_lat: cells.map((c) => round(c.centroid_lat, 7)),
      centroid_x_m: cells.map((c) => round(c.centroid_x_m, 3)),
      centroid_y_m: cells.map((c) => round(c.centroid_y_m, 3)),
      area_km2: cells.map((c) => Number(c.area_km2.toPrecision(12))),
      inside_share: cells.map((c) => Number(c.inside_share.toPrecision(9))),
      ring: cells.map((c) => c.ring.flatMap(([lon, lat]) => [round(lon, 7), round(lat, 7)])),
    },
  };
}

/** Writes `<dir>/grid.json` atomically (temporary file, then rename). */
export function writeGrid(grid: Grid, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const data = serialise(grid);
  if (grid.cells.some((c, i) => c.cell_index !== i)) throw new Error('grid: cells must be stored in cell_index order');
  const text = `{"format":${JSON.stringify(data.format)},\n"definition":${JSON.stringify(data.definition, null, 2)},\n"cells":${JSON.stringify(data.cells)}}\n`;
  const path = join(dir, GRID_FILE);
  writeFileAtomic(path, text);
  return path;
}

/** Reads and checks `<dir>/grid.json` (or a path to the file itself). */
export function readGrid(dirOrFile: string): Grid {
  const path = dirOrFile.endsWith('.json') ? dirOrFile : join(dirOrFile, GRID_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputDataError(`${path}: cannot read the grid (${(error as Error).message}); run \`firerisk grid\` first`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputDataError(`${path}: invalid grid at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const definition = parsed.data.definition;
  const cells = parsed.data.cells as unknown as CellColumns;
  const n = definition.cell_count;
  for (const [name, check] of Object.entries(cellColumns)) {
    const column = (cells as unknown as Record<string, unknown[] | undefined>)[name];
    if (column === undefined) continue;
    if (column.length !== n) throw new InputDataError(`${path}: cells.${name} has ${column.length} entries, cell_count is ${n}`);
    const bad = column.findIndex((v) => !check(v));
    if (bad >= 0) throw new InputDataError(`${path}: cells.${name}[${bad}] is invalid: ${JSON.stringify(column[bad]).slice(0, 80)}`);
  }
  if (definition.kind === 'square' && (!cells.row || !cells.col)) throw new InputDataError(`${path}: a square grid needs cells.row and cells.col`);
  const out: Cell[] = cells.cell_id.map((cell_id, i) => {
    const flat = cells.ring[i];
    const ring: Ring = [];
    for (let k = 0; k < flat.length; k += 2) ring.push([flat[k], flat[k + 1]]);
    return {
      cell_index: i,
      cell_id,
      ...(cells.row && cells.col ? { row: cells.row[i], col: cells.col[i] } : {}),
      centroid_lon: cells.centroid_lon[i],
      centroid_lat: cells.centroid_lat[i],
      centroid_x_m: cells.centroid_x_m[i],
      centroid_y_m: cells.centroid_y_m[i],
      area_km2: cells.area_km2[i],
      inside_share: cells.inside_share[i],
      ring,
    };
  });
  return { definition: definition as GridDefinition, cells: out };
}
