import gcoordModule from 'gcoord';
import proj4 from 'proj4';

// gcoord ships CommonJS (`module.exports = { transform, WGS84, ... }`) with typings that declare an ES
// default export, so under NodeNext the typings put the object one `.default` too deep.
const gcoord = gcoordModule as unknown as (typeof gcoordModule)['default'];

/**
 * Source coordinate reference systems a mapping can name, and their conversion to WGS84 lon/lat.
 * GCJ-02 (Amap, Tencent) and BD-09 (Baidu) are converted by gcoord; a projected CRS is given by its
 * EPSG code plus its proj4 definition in the mapping itself, so nothing is looked up over a network.
 */
export type SourceCrs = 'WGS84' | 'GCJ02' | 'BD09' | `EPSG:${number}`;

export const epsgCode = /^EPSG:\d{4,6}$/;

export type ToWgs84 = (x: number, y: number) => [lon: number, lat: number];

/** A converter from the source CRS to WGS84 lon/lat; throws for an EPSG code without a usable proj4 definition. */
export function converterToWgs84(crs: string, proj4Definition?: string): ToWgs84 {
  switch (crs) {
    case 'WGS84':
    case 'EPSG:4326':
      return (x, y) => [x, y];
    case 'GCJ02':
      return (x, y) => gcoord.transform([x, y], gcoord.GCJ02, gcoord.WGS84) as [number, number];
    case 'BD09':
      return (x, y) => gcoord.transform([x, y], gcoord.BD09, gcoord.WGS84) as [number, number];
  }
  if (!epsgCode.test(crs)) throw new RangeError(`unknown coordinate reference "${crs}" (use WGS84, GCJ02, BD09 or EPSG:<code> with a proj4 definition)`);
  if (!proj4Definition) throw new RangeError(`${crs} needs its proj4 definition in the mapping (coordinates.proj4)`);
  const converter = proj4(proj4Definition, 'WGS84');
  return (x, y) => converter.forward([x, y]) as [number, number];
}

