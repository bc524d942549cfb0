/**
 * Grid benchmark: builds square and H3 grids over an irregular ~750 km² district (2,000 boundary
 * vertices, the size of Beibei) and locates 1 M points. Prints wall times; asserts nothing.
 * Run: npx tsx scripts/bench-grid.ts
 */
import proj4 from 'proj4';
import { defaultConfig } from '../src/config/schema.ts';
import { buildGrid, createCellLocator, gridAreaCheck, locateCells, neighbourLists } from '../src/grid/index.ts';
import type { BoundaryGeometry } from '../src/contract/dataset.ts';

const utm = proj4('WGS84', '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs');
const [cx, cy] = utm.forward([106.43, 29.82]);
const vertices = 2000;
const shape = (t: number) => 1 + 0.25 * Math.sin(3 * t) + 0.1 * Math.sin(7 * t + 1) + 0.03 * Math.sin(31 * t);
// Area of r(t) = R shape(t) is R² / 2 ∫ shape²; scale R to 750 km².
let integral = 0;
for (let i = 0; i < 100000; i++) integral += shape((2 * Math.PI * i) / 100000) ** 2 * ((2 * Math.PI) / 100000);
const radius = Math.sqrt((750e6 * 2) / integral);
const ring: number[][] = [];
for (let i = 0; i < vertices; i++) {
  const t = (2 * Math.PI * i) / vertices;
  ring.push(utm.inverse([cx + radius * shape(t) * Math.cos(t), cy + radius * shape(t) * Math.sin(t)]));
}
ring.push(ring[0]);
const boundary: BoundaryGeometry = { type: 'Polygon', coordinates: [ring] };

const time = <T>(fn: () => T): [T, number] => {
  const started = performance.now();
  const value = fn();
  return [value, (performance.now() - started) / 1000];
};

const base = defaultConfig().grid;
const cases = [
  { label: 'square 500 m', params: { ...base, kind: 'square' as const, cell_size_m: 500 } },
  { label: 'square 250 m', params: { ...base, kind: 'square' as const, cell_size_m: 250 } },
  { label: 'square 100 m', params: { ...base, kind: 'square' as const, cell_size_m: 100 } },
  { label: 'h3 res 8', params: { ...base, kind: 'h3' as const, h3_resolution: 8 } },
  { label: 'h3 res 9', params: { ...base, kind: 'h3' as const, h3_resolution: 9 } },
];
const points = 1_000_000;
const lons = new Float64Array(points);
const lats = new Float64Array(points);
for (let i = 0; i < points; i++) {
  lons[i] = 106.2 + 0.5 * ((i * 0.6180339887) % 1);
  lats[i] = 29.6 + 0.45 * ((i * 0.7548776662) % 1);
}
for (const { label, params } of cases) {
  const [grid, buildS] = time(() => buildGrid(boundary, params, 'file'));
  const check = gridAreaCheck(grid, boundary);
  const [, neighboursS] = time(() => neighbourLists(grid));
  createCellLocator(grid);
  const [located, locateS] = time(() => locateCells(grid, lons, lats));
  const hits = located.reduce((n, v) => n + (v >= 0 ? 1 : 0), 0);
  console.log(
    `${label.padEnd(13)} cells ${String(grid.cells.length).padStart(6)}  build ${buildS.toFixed(2)} s  ` +
      `area ${check.covered_area_km2.toFixed(2)} / ${check.boundary_area_km2.toFixed(2)} km² (${(check.relative_error * 100).toFixed(3)} %)  ` +
      `neighbours ${neighboursS.toFixed(2)} s  locate 1M points ${locateS.toFixed(2)} s (${(points / locateS / 1e6).toFixed(2)} M/s, ${hits} in cells)`,
  );
}
