import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMapping, mappingSchema } from '../../src/contract/mapping.ts';

/** Great-circle distance in metres (haversine, mean Earth radius). */
function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

const toWgs84 = (crs: string, x: number, y: number, proj4?: string) => {
  const mapping = mappingSchema.parse({ table: 'zones', columns: { zone_id: 'id' }, coordinates: { x: 'x', y: 'y', crs, proj4 } });
  const result = applyMapping(mapping, [{ id: 'z', x: String(x), y: String(y) }]);
  expect(result.rejected).toEqual([]);
  return [Number(result.rows[0].lon), Number(result.rows[0].lat)] as const;
};

// Published reference pairs. The GCJ-02 forward transform is the defined one, so a WGS84 point and
// its published GCJ-02 image are an exact pair; the inverse is what import has to get right.
// - coordtransform (wandergis) README: wgs84togcj02(116.404, 39.915) = [116.41024449916938, 39.91640428150164];
//   gcj02tobd09(116.404, 39.915) = [116.41036949371029, 39.92133699351021].
// - gcoord test suite: GCJ02 [123, 45] -> WGS84 [122.99395597, 44.99804071]; BD09 [123, 45] -> WGS84 [122.98762210, 44.99171540].
const gcjPairs = [
  { gcj: [116.41024449916938, 39.91640428150164], wgs: [116.404, 39.915] },
  { gcj: [123, 45], wgs: [122.99395597, 44.99804071] },
];
const bdPairs = [
  // BD-09 of GCJ-02 (116.404, 39.915); that GCJ-02 point is WGS84 (116.39775550083061, 39.91359571849836) per the same README.
  { bd: [116.41036949371029, 39.92133699351021], wgs: [116.39775550083061, 39.91359571849836] },
  { bd: [123, 45], wgs: [122.9876221, 44.9917154] },
];

describe('coordinate references', () => {
  it.each(gcjPairs)('GCJ-02 $gcj converts to WGS84 within 5 m of $wgs', ({ gcj, wgs }) => {
    const [lon, lat] = toWgs84('GCJ02', gcj[0], gcj[1]);
    expect(haversineM(lon, lat, wgs[0], wgs[1])).toBeLessThan(5);
  });

  it.each(bdPairs)('BD-09 $bd converts to WGS84 within 5 m of $wgs', ({ bd, wgs }) => {
    const [lon, lat] = toWgs84('BD09', bd[0], bd[1]);
    expect(haversineM(lon, lat, wgs[0], wgs[1])).toBeLessThan(5);
  });

  it('moves GCJ-02 points in Chongqing by the few hundred metres the offset amounts to', () => {
    const [lon, lat] = toWgs84('GCJ02', 106.44, 29.83);
    const shift = haversineM(lon, lat, 106.44, 29.83);
    expect(shift).toBeGreaterThan(200);
    expect(shift).toBeLessThan(800);
  });

  it('leaves WGS84 as it is', () => {
    expect(toWgs84('WGS84', 106.4412345, 29.8254321)).toEqual([106.4412345, 29.8254321]);
  });

  it('inverts a projected CRS given by its proj4 definition (CGCS2000 3-degree Gauss-Kruger, CM 105°E)', () => {
    const proj4 = '+proj=tmerc +lat_0=0 +lon_0=105 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs';
    // The false easting lies on the central meridian; the equator is northing 0.
    const [lon0, lat0] = toWgs84('EPSG:4544', 500000, 0, proj4);
    expect(lon0).toBeCloseTo(105, 9);
    expect(lat0).toBeCloseTo(0, 9);
    // One degree of latitude along the central meridian is about 110.6 km at the equator (GRS80 meridian arc).
    const [, lat1] = toWgs84('EPSG:4544', 500000, 110_574.4, proj4);
    expect(lat1).toBeCloseTo(1, 3);
  });

  it('rejects a half-empty or non-numeric coordinate pair and keeps a fully empty one empty', () => {
    const mapping = mappingSchema.parse({ table: 'crowd_flow', columns: { population: 'p', date: 'd' }, coordinates: { x: 'x', y: 'y', crs: 'GCJ02' } });
    const result = applyMapping(mapping, [
      { p: '1', d: '2024-01-01', x: '', y: '' },
      { p: '1', d: '2024-01-01', x: '106.4', y: '' },
      { p: '1', d: '2024-01-01', x: 'abc', y: '29.8' },
    ]);
    expect(result.rows).toEqual([{ date: '2024-01-01', lon: '', lat: '', population: '1' }]);
    expect(result.rejected.map((r) => [r.row, r.column])).toEqual([
      [2, 'y'],
      [3, 'x'],
    ]);
  });

  it('round-trips any Beibei point within 5 m (property)', async () => {
    const gcoord = (await import('gcoord')).default as unknown as { transform: (p: number[], from: string, to: string) => number[] };
    fc.assert(
      fc.property(fc.double({ min: 106.2, max: 106.8, noNaN: true }), fc.double({ min: 29.6, max: 30.1, noNaN: true }), (lon, lat) => {
        const [gx, gy] = gcoord.transform([lon, lat], 'WGS84', 'GCJ02');
        const [bx, by] = gcoord.transform([lon, lat], 'WGS84', 'BD09');
        const [glon, glat] = toWgs84('GCJ02', gx, gy);
        const [blon, blat] = toWgs84('BD09', bx, by);
        return haversineM(glon, glat, lon, lat) < 5 && haversineM(blon, blat, lon, lat) < 5;
      }),
      { numRuns: 200 },
    );
  });
});
