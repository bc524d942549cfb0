declare module 'lineclip' {
  /** Sutherland-Hodgman clip of a polygon ring to a bbox [minX, minY, maxX, maxY]. */
  export function clipPolygon(points: Array<[number, number]>, bbox: [number, number, number, number]): Array<[number, number]>;
  export function clipPolyline(points: Array<[number, number]>, bbox: [number, number, number, number], result?: Array<Array<[number, number]>>): Array<Array<[number, number]>>;
}
