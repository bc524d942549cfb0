import { area } from '@turf/area';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { buildGrid, deriveBoundary } from '../../src/grid/index.ts';
import { normalizeBoundary, pointInMultiPolygon, type PlanarMultiPolygon } from '../../src/grid/geometry.ts';
import { squareParams } from './helpers.ts';

const utm = proj4('WGS84', '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs');
const lonLat = (x: number, y: number) => utm.inverse([x, y]) as [number, number];
const inside = (b: ReturnType<typeof deriveBoundary>, [lon, lat]: [number, number]) =>
  pointInMultiPolygon(lon, lat, normalizeBoundary(b).coordinates as PlanarMultiPolygon);

describe('deriveBoundary', () => {
  // Incidents scattered over a 6 km x 3 km patch (UTM metres), extremes at x = 640000 and 646000.
  const points: Array<[number, number]> = [];
  for (let i = 0; i < 200; i++) points.push(lonLat(640000 + ((i * 7919) % 6001), 3300000 + ((i * 104729) % 3001)));
  points.push(lonLat(640000, 3301500), lonLat(646000, 3301500));

  it('contains every point, with the buffer around the extremes', () => {
    const b = deriveBoundary(points, 2000);
    for (const p of points) expect(inside(b, p)).toBe(true);
    expect(inside(b, lonLat(640000 - 1800, 3301500))).toBe(true);
    expect(inside(b, lonLat(640000 - 2200, 3301500))).toBe(false);
    expect(inside(b, lonLat(646000 + 1800, 3301500))).toBe(true);
    expect(inside(b, lonLat(646000 + 2200, 3301500))).toBe(false);
    // A buffer of r around a convex hull adds perimeter x r + pi r². The hull spans 6 km east-west
    // (perimeter >= 12 km) inside a 6 km x 3 km box (area <= 18 km², perimeter <= 18 km), so the
    // area lies between 12 x 2 + 4 pi = 36.6 km² and 18 + 18 x 2 + 4 pi = 66.6 km².
    const km2 = area(b) / 1e6;
    expect(km2).toBeGreaterThan(12 * 2 + Math.PI * 4);
    expect(km2).toBeLessThan(18 + 2 * 18 + Math.PI * 4 + 1);
  });

  it('gives a usable grid', () => {
    const grid = buildGrid(deriveBoundary(points, 2000), squareParams(500), 'derived');
    expect(grid.definition.boundary_source).toBe('derived');
    expect(grid.cells.length).toBeGreaterThan(150);
  });

  it('buffers a single point to a disc and collinear points to a capsule', () => {
    const disc = deriveBoundary([[106.45, 29.82]], 1000);
    expect(area(disc) / 1e6).toBeGreaterThan(Math.PI * 0.98);
    expect(area(disc) / 1e6).toBeLessThan(Math.PI);
    const line = deriveBoundary([lonLat(640000, 3300000), lonLat(642000, 3300000), lonLat(641000, 3300000)], 500);
    // 2 km x 1 km rectangle plus a 500 m disc: 2 + 0.785 km².
    expect(area(line) / 1e6).toBeCloseTo(2 + Math.PI * 0.25, 1);
  });

  it('refuses no points, bad points and a zero buffer around a line', () => {
    expect(() => deriveBoundary([], 1000)).toThrow(/no points/);
    expect(() => deriveBoundary([[200, 29]], 1000)).toThrow(/point 0/);
    expect(() => deriveBoundary([[106.4, 29.8], [106.5, 29.9]], 0)).toThrow(/collinear/);
  });
});
