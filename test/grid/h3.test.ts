import { area } from '@turf/area';
import { booleanValid } from '@turf/boolean-valid';
import { polygon } from '@turf/helpers';
import { getResolution, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { buildGrid, createCellLocator, gridAreaCheck, neighbourLists } from '../../src/grid/index.ts';
import { pointInMultiPolygon } from '../../src/grid/geometry.ts';
import { boundaryOf, h3Params, signedAreaDeg2 } from './helpers.ts';

describe('H3 grid of the L-shape at resolution 8', () => {
  const boundary = boundaryOf('l-shape');
  const grid = buildGrid(boundary, h3Params(8), 'file');
  const ring = (boundary as { coordinates: number[][][] }).coordinates;

  it('records its definition and sorts cells by H3 index', () => {
    expect(grid.definition).toMatchObject({ kind: 'h3', crs: 'EPSG:4326', h3_resolution: 8, metric_crs: 'EPSG:32648', cell_count: grid.cells.length });
    const ids = grid.cells.map((c) => c.cell_id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(grid.cells.every((c, i) => c.cell_index === i && getResolution(c.cell_id) === 8)).toBe(true);
  });

  it('covers every point of the boundary, its vertices included', () => {
    const locate = createCellLocator(grid);
    const lons = ring[0].map((p) => p[0]);
    const lats = ring[0].map((p) => p[1]);
    const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    let tested = 0;
    for (let i = 0; i <= 60; i++) {
      for (let j = 0; j <= 60; j++) {
        const lon = w + ((e - w) * i) / 60;
        const lat = s + ((n - s) * j) / 60;
        if (!pointInMultiPolygon(lon, lat, [ring as Array<Array<[number, number]>>])) continue;
        tested++;
        expect(locate(lon, lat), `${lon},${lat}`).toBeGreaterThanOrEqual(0);
      }
    }
    expect(tested).toBeGreaterThan(2000);
    for (const [lon, lat] of ring[0]) expect(locate(lon, lat)).toBeGreaterThanOrEqual(0);
  });

  it('keeps only cells that overlap the boundary, with shares summing to its area within 2%', () => {
    const check = gridAreaCheck(grid, boundary);
    expect(Math.abs(check.relative_error)).toBeLessThan(0.02);
    expect(check.cells_area_km2).toBeGreaterThan(area(boundary) / 1e6);
    expect(grid.cells.every((c) => c.inside_share > 0 && c.inside_share <= 1)).toBe(true);
    // A resolution-8 cell is about 0.7 km²; 15 km² needs at least 21 of them.
    expect(grid.cells.length).toBeGreaterThan(21);
    expect(grid.cells.filter((c) => c.inside_share === 1).length).toBeGreaterThan(5);
  });

  it('gives valid, closed, counter-clockwise hexagons', () => {
    for (const c of grid.cells) {
      expect(c.ring).toHaveLength(7);
      expect(c.ring[0]).toEqual(c.ring[6]);
      expect(signedAreaDeg2(c.ring)).toBeGreaterThan(0);
      expect(booleanValid(polygon([c.ring]))).toBe(true);
    }
  });

  it('locates each centroid to its own cell and lists gridDisk(1) neighbours present in the grid', () => {
    const locate = createCellLocator(grid);
    for (const c of grid.cells) expect(locate(c.centroid_lon, c.centroid_lat)).toBe(c.cell_index);
    expect(locate(116.4, 39.9)).toBe(-1);
    const lists = neighbourLists(grid);
    const inGrid = new Set(grid.cells.map((c) => c.cell_id));
    grid.cells.forEach((c, i) => {
      const expected = gridDisk(c.cell_id, 1).filter((h) => h !== c.cell_id && inGrid.has(h)).sort();
      expect(lists[i].map((j) => grid.cells[j].cell_id).sort()).toEqual(expected);
      expect(lists[i].length).toBeLessThanOrEqual(6);
    });
    const full = grid.cells.find((c) => c.inside_share === 1 && lists[c.cell_index].length === 6);
    expect(full).toBeDefined();
  });

  it('is the same grid for the same boundary, and agrees with latLngToCell', () => {
    expect(buildGrid(boundary, h3Params(8), 'file')).toEqual(grid);
    const [lon, lat] = [grid.cells[0].centroid_lon, grid.cells[0].centroid_lat];
    expect(latLngToCell(lat, lon, 8)).toBe(grid.cells[0].cell_id);
  });
});

describe('H3 grid of the donut at resolution 9', () => {
  it('leaves out hexagons inside the hole and matches the area', () => {
    const boundary = boundaryOf('donut');
    const grid = buildGrid(boundary, h3Params(9), 'file');
    expect(gridAreaCheck(grid, boundary).covered_area_km2 / (area(boundary) / 1e6)).toBeCloseTo(1, 2);
    // The hole's centre (642350, 3301950 in UTM 48N) is about 750 m from its edges; a res-9 cell is ~200 m across.
    const locate = createCellLocator(grid);
    expect(locate(106.473487, 29.839845)).toBe(-1);
    expect(grid.cells.some((c) => c.inside_share === 1)).toBe(true);
  });
});
