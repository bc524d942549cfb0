import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import proj4 from 'proj4';
import { buildGrid, createCellLocator, locateCells } from '../../src/grid/index.ts';
import { pointInMultiPolygon } from '../../src/grid/geometry.ts';
import { boundaryOf, squareParams } from './helpers.ts';

const utm = proj4('WGS84', '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs');
const lonLat = (x: number, y: number) => utm.inverse([x, y]) as [number, number];

describe('cell locator of a square grid', () => {
  const grid = buildGrid(boundaryOf('l-shape'), squareParams(500), 'file');
  const locate = createCellLocator(grid);
  const id = (lon: number, lat: number) => {
    const i = locate(lon, lat);
    return i < 0 ? null : grid.cells[i].cell_id;
  };

  it('finds every cell from its centroid', () => {
    for (const c of grid.cells) expect(locate(c.centroid_lon, c.centroid_lat)).toBe(c.cell_index);
  });

  it('maps metric points to hand-computed cells', () => {
    expect(id(...lonLat(640101, 3300201))).toBe('r0000c0000');
    expect(id(...lonLat(642750, 3301600))).toBe('r0003c0005'); // col (642750-640000)/500 = 5.5, row 3.2
    expect(id(...lonLat(642400, 3304100))).toBe('r0008c0004');
  });

  it('returns -1 outside the kept cells and for non-finite input', () => {
    expect(locate(...lonLat(644000, 3304000))).toBe(-1); // the L's missing quarter: cell r0008c0008 was dropped
    expect(locate(...lonLat(639000, 3301000))).toBe(-1); // west of the grid
    expect(locate(...lonLat(641000, 3306000))).toBe(-1); // north of the grid
    expect(locate(0, 0)).toBe(-1);
    expect(locate(Number.NaN, 29.8)).toBe(-1);
  });

  it('batch location equals point location', () => {
    const lons = new Float64Array(500);
    const lats = new Float64Array(500);
    for (let i = 0; i < 500; i++) {
      [lons[i], lats[i]] = lonLat(639000 + ((i * 37) % 100) * 70, 3299000 + ((i * 53) % 100) * 60);
    }
    const batch = locateCells(grid, lons, lats);
    expect(batch).toBeInstanceOf(Int32Array);
    expect(Array.from(batch)).toEqual(Array.from(lons, (lon, i) => locate(lon, lats[i])));
    expect(batch.some((v) => v === -1)).toBe(true);
    expect(batch.some((v) => v >= 0)).toBe(true);
  });
});

describe('locator and rings agree', () => {
  it('a random point lies in the ring of the cell it is located to, and in no other ring', () => {
    const grid = buildGrid(boundaryOf('l-shape'), squareParams(500), 'file');
    const locate = createCellLocator(grid);
    fc.assert(
      fc.property(fc.double({ min: 639500, max: 646000, noNaN: true }), fc.double({ min: 3299500, max: 3305000, noNaN: true }), (x, y) => {
        const [lon, lat] = lonLat(x, y);
        const found = locate(lon, lat);
        const containing = grid.cells.filter((c) => pointInMultiPolygon(lon, lat, [[c.ring]])).map((c) => c.cell_index);
        // Rings are 4 projected corners joined by straight lon/lat lines; the true cell edge bends
        // by well under a millimetre here, so a point farther than that from any edge is unambiguous.
        const nearEdge = Math.min(...[x - 640000, y - 3300000].map((v) => Math.abs(v - Math.round(v / 500) * 500))) < 0.01;
        if (nearEdge) return;
        expect(containing).toEqual(found >= 0 ? [found] : []);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
