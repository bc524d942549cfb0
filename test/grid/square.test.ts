import { area } from '@turf/area';
import { booleanValid } from '@turf/boolean-valid';
import { polygon } from '@turf/helpers';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { buildGrid, gridAreaCheck, neighbourLists, resolveMetricCrs } from '../../src/grid/index.ts';
import { boundaryOf, signedAreaDeg2, squareParams } from './helpers.ts';

const utm = proj4('WGS84', '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs');

// Fixtures (test/fixtures/grid/make.ts) are laid out in UTM 48N metres:
// rectangle x 640100..645100, y 3300200..3304200 (5 km x 4 km = 20 km²);
// l-shape: the same without x > 642600 and y > 3302200 (15 km²).
// At 500 m the origin snaps to (640000, 3300000): 11 columns x 9 rows.
// Edge shares: west column 400/500 = 0.8, east 100/500 = 0.2, south row 300/500 = 0.6, north 200/500 = 0.4.

describe('square grid of the 5 km x 4 km rectangle at 500 m', () => {
  const boundary = boundaryOf('rectangle');
  const grid = buildGrid(boundary, squareParams(500), 'file');
  const byId = new Map(grid.cells.map((c) => [c.cell_id, c]));

  it('records its definition', () => {
    expect(grid.definition).toMatchObject({
      kind: 'square',
      crs: 'EPSG:32648',
      origin_x_m: 640000,
      origin_y_m: 3300000,
      cell_size_m: 500,
      n_cols: 11,
      n_rows: 9,
      cell_count: 99,
      boundary_source: 'file',
    });
    expect(grid.definition.boundary_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps every cell that intersects the rectangle, with hand-computed inside shares', () => {
    expect(grid.cells).toHaveLength(99);
    const expected: Array<[string, number]> = [
      ['r0000c0000', 0.8 * 0.6],
      ['r0000c0005', 0.6],
      ['r0000c0010', 0.2 * 0.6],
      ['r0004c0000', 0.8],
      ['r0004c0005', 1],
      ['r0004c0010', 0.2],
      ['r0008c0000', 0.8 * 0.4],
      ['r0008c0010', 0.2 * 0.4],
    ];
    for (const [id, share] of expected) expect(byId.get(id)?.inside_share, id).toBeCloseTo(share, 6);
    expect(grid.cells.every((c) => c.area_km2 === 0.25)).toBe(true);
  });

  it('numbers cells densely in (row, col) order with zero-padded ids', () => {
    grid.cells.forEach((c, i) => {
      expect(c.cell_index).toBe(i);
      expect(c.cell_id).toBe(`r${String(c.row).padStart(4, '0')}c${String(c.col).padStart(4, '0')}`);
    });
    expect(grid.cells[0].cell_id).toBe('r0000c0000');
    expect(grid.cells[11].cell_id).toBe('r0001c0000');
    expect(grid.cells[98].cell_id).toBe('r0008c0010');
  });

  it('covers the boundary area within 2% (inside-share weighted), full cells exceed it', () => {
    const check = gridAreaCheck(grid, boundary);
    expect(check.covered_area_km2).toBeCloseTo(20, 4); // exact in the UTM plane
    expect(Math.abs(check.relative_error)).toBeLessThan(0.02); // against turf's geodesic area
    expect(check.cells_area_km2).toBe(99 * 0.25);
    expect(check.cells_area_km2).toBeGreaterThan(area(boundary) / 1e6);
  });

  it('gives valid, closed, counter-clockwise WGS84 rings and centroids inside them', () => {
    for (const c of grid.cells) {
      expect(c.ring).toHaveLength(5);
      expect(c.ring[0]).toEqual(c.ring[4]);
      expect(signedAreaDeg2(c.ring)).toBeGreaterThan(0);
      expect(booleanValid(polygon([c.ring]))).toBe(true);
      const lons = c.ring.map((p) => p[0]);
      const lats = c.ring.map((p) => p[1]);
      expect(c.centroid_lon).toBeGreaterThan(Math.min(...lons));
      expect(c.centroid_lon).toBeLessThan(Math.max(...lons));
      expect(c.centroid_lat).toBeGreaterThan(Math.min(...lats));
      expect(c.centroid_lat).toBeLessThan(Math.max(...lats));
      expect(c.centroid_x_m).toBe(640000 + c.col! * 500 + 250);
      expect(c.centroid_y_m).toBe(3300000 + c.row! * 500 + 250);
    }
  });

  it('has the 8 queen neighbours for an interior cell, 3 in a corner, 5 on an edge', () => {
    const lists = neighbourLists(grid);
    const idsOf = (id: string) => lists[byId.get(id)!.cell_index].map((i) => grid.cells[i].cell_id);
    expect(idsOf('r0004c0005')).toEqual(['r0003c0004', 'r0003c0005', 'r0003c0006', 'r0004c0004', 'r0004c0006', 'r0005c0004', 'r0005c0005', 'r0005c0006']);
    expect(idsOf('r0000c0000')).toEqual(['r0000c0001', 'r0001c0000', 'r0001c0001']);
    expect(idsOf('r0000c0005')).toHaveLength(5);
    // Symmetric.
    lists.forEach((list, i) => list.forEach((j) => expect(lists[j]).toContain(i)));
  });
});

describe('square grid of the L-shape', () => {
  const boundary = boundaryOf('l-shape');
  const grid = buildGrid(boundary, squareParams(500), 'file');
  const byId = new Map(grid.cells.map((c) => [c.cell_id, c]));

  it('drops the cells of the missing quarter and clips the inner corner', () => {
    // Rows 0-3: 11 cells each; row 4 (y 3302000..3302500): all 11; rows 5-8: columns 0-5 only.
    expect(grid.cells).toHaveLength(44 + 11 + 24);
    expect(byId.has('r0005c0006')).toBe(false);
    expect(byId.has('r0008c0005')).toBe(true);
    // Inner corner (642600, 3302200) lies in r0004c0005 = [642500, 643000] x [3302000, 3302500]:
    // inside are x < 642600 over the full height (100 x 500) plus y < 3302200 to its east (400 x 200).
    expect(byId.get('r0004c0005')!.inside_share).toBeCloseTo((100 * 500 + 400 * 200) / 250000, 6);
    expect(byId.get('r0004c0007')!.inside_share).toBeCloseTo(0.4, 6);
    expect(byId.get('r0006c0005')!.inside_share).toBeCloseTo(0.2, 6);
    expect(gridAreaCheck(grid, boundary).covered_area_km2).toBeCloseTo(15, 4);
    expect(Math.abs(gridAreaCheck(grid, boundary).relative_error)).toBeLessThan(0.02);
  });

  it('gives ids that do not depend on the vertex order or start of the boundary ring', () => {
    const ring = (boundary as { coordinates: number[][][] }).coordinates[0];
    const open = ring.slice(0, -1);
    const reversed = [...open].reverse();
    const rotated = [...reversed.slice(3), ...reversed.slice(0, 3)];
    const other = buildGrid({ type: 'Polygon', coordinates: [[...rotated, rotated[0]]] }, squareParams(500), 'file');
    expect(other.cells.map((c) => c.cell_id)).toEqual(grid.cells.map((c) => c.cell_id));
    expect(other.cells.map((c) => c.inside_share)).toEqual(grid.cells.map((c) => c.inside_share));
    expect(other.definition.boundary_sha256).toBe(grid.definition.boundary_sha256);
    // And the same inputs give the same grid twice.
    expect(buildGrid(boundary, squareParams(500), 'file')).toEqual(grid);
  });

  it('notices a changed boundary in its hash', () => {
    const rectangle = buildGrid(boundaryOf('rectangle'), squareParams(500), 'file');
    expect(rectangle.definition.boundary_sha256).not.toBe(grid.definition.boundary_sha256);
  });
});

describe('square grid settings', () => {
  it('at 1 km over the rectangle: origin (640000, 3300000), 6 x 5 cells', () => {
    // x 640100..645100 -> columns 640000..646000; y 3300200..3304200 -> rows 3300000..3305000.
    const grid = buildGrid(boundaryOf('rectangle'), squareParams(1000), 'file');
    expect(grid.definition).toMatchObject({ origin_x_m: 640000, origin_y_m: 3300000, n_cols: 6, n_rows: 5, cell_count: 30 });
    expect(grid.cells.find((c) => c.cell_id === 'r0000c0000')!.inside_share).toBeCloseTo(0.9 * 0.8, 6);
  });

  it('rejects a crs whose UTM zone differs from the proj4 definition', () => {
    expect(() => buildGrid(boundaryOf('rectangle'), { ...squareParams(500), crs: 'EPSG:32649' }, 'file')).toThrow(/does not match proj4/);
  });

  it('rejects a cell size that would give millions of cells', () => {
    expect(() => buildGrid(boundaryOf('rectangle'), squareParams(1), 'file')).toThrow(/exceed/);
  });

  it('rejects a boundary that is not a polygon', () => {
    expect(() => buildGrid({ type: 'Point', coordinates: [106.4, 29.8] } as never, squareParams(500), 'file')).toThrow(/Polygon or MultiPolygon/);
    expect(() => buildGrid({ type: 'Polygon', coordinates: [[[106.4, 29.8], [106.5, 29.8], [106.4, 29.8]]] }, squareParams(500), 'file')).toThrow(/fewer than 3/);
  });
});

describe('boundaries with holes and several parts', () => {
  it('leaves out the hole of the donut', () => {
    // Hole x 641600..643100, y 3301200..3302700 (2.25 km²).
    const boundary = boundaryOf('donut');
    const grid = buildGrid(boundary, squareParams(500), 'file');
    const byId = new Map(grid.cells.map((c) => [c.cell_id, c]));
    // r0003c0004 = [642000, 642500] x [3301500, 3302000] lies in the hole.
    expect(byId.has('r0003c0004')).toBe(false);
    // r0002c0003 = [641500, 642000] x [3301000, 3301500]: the hole takes 400 x 300 m of it.
    expect(byId.get('r0002c0003')!.inside_share).toBeCloseTo(1 - (400 * 300) / 250000, 6);
    // Cells wholly in the hole: columns 4-5 (x 642000..643000) x rows 3-4 (y 3301500..3302500).
    expect(grid.cells).toHaveLength(99 - 4);
    expect(gridAreaCheck(grid, boundary).covered_area_km2).toBeCloseTo(17.75, 4);
  });

  it('counts overlapping parts of a MultiPolygon once and keeps separate parts apart', () => {
    const rectangle = (boundaryOf('rectangle') as { coordinates: number[][][] }).coordinates;
    const twice = buildGrid({ type: 'MultiPolygon', coordinates: [rectangle, rectangle] }, squareParams(500), 'file');
    expect(gridAreaCheck(twice, boundaryOf('rectangle')).covered_area_km2).toBeCloseTo(20, 4);
    expect(twice.cells).toHaveLength(99);
    // A second 1 km² island 10 km east of the rectangle (x 655000..656000 on grid lines: 4 full cells).
    const island = [[[655000, 3301000], [656000, 3301000], [656000, 3302000], [655000, 3302000], [655000, 3301000]].map(([x, y]) => utm.inverse([x, y]))];
    const both = buildGrid({ type: 'MultiPolygon', coordinates: [rectangle, island] }, squareParams(500), 'file');
    expect(both.cells).toHaveLength(99 + 4);
    expect(both.definition.n_cols).toBe(32); // 640000..656000
    expect(both.cells.filter((c) => c.col! >= 30).map((c) => [c.cell_id, Number(c.inside_share.toFixed(6))])).toEqual([
      ['r0002c0030', 1],
      ['r0002c0031', 1],
      ['r0003c0030', 1],
      ['r0003c0031', 1],
    ]);
  });
});

describe('metric CRS', () => {
  it("'auto' picks the boundary's UTM zone: 48N for Chongqing, 33N for Berlin", () => {
    const auto = buildGrid(boundaryOf('rectangle'), { ...squareParams(500), crs: 'auto' }, 'file');
    const fixed = buildGrid(boundaryOf('rectangle'), squareParams(500), 'file');
    expect(auto).toEqual(fixed);
    const berlin = { type: 'Polygon' as const, coordinates: [[[13.3, 52.45], [13.5, 52.45], [13.5, 52.55], [13.3, 52.55], [13.3, 52.45]]] };
    const grid = buildGrid(berlin, { ...squareParams(1000), crs: 'auto' }, 'file');
    expect(grid.definition.crs).toBe('EPSG:32633');
    expect(grid.definition.proj4).toBe('+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs');
    // 0.2° x 0.1° at 52.5°N: about 13.6 km x 11.1 km = 150 km².
    expect(Math.abs(gridAreaCheck(grid, berlin).relative_error)).toBeLessThan(0.005);
  });

  it('says when the configured UTM zone is not the boundary\'s own', () => {
    const berlin = { type: 'Polygon' as const, coordinates: [[[13.3, 52.45], [13.5, 52.45], [13.5, 52.55], [13.3, 52.55], [13.3, 52.45]]] };
    expect(resolveMetricCrs(berlin, squareParams(500)).mismatch).toMatch(/UTM zone 33 \(EPSG:32633\), not in the configured EPSG:32648/);
    expect(resolveMetricCrs(boundaryOf('rectangle'), squareParams(500)).mismatch).toBeUndefined();
  });
});
