import { clipPolygon } from 'lineclip';
import { union } from 'polyclip-ts';
import { FireriskError } from '../util/errors.ts';
import { pointInMultiPolygon, signedRingArea, type Box, type PlanarMultiPolygon, type PlanarRing } from './geometry.ts';

/**
 * Inside shares of many small cells against one large boundary, in a metric plane.
 *
 * The boundary is first cleaned into disjoint polygons (polyclip-ts union: overlaps and
 * self-intersections resolved), oriented so that exteriors run counter-clockwise and holes
 * clockwise; then the area of any clipped piece is the plain sum of its rings' signed areas.
 * The cleaned boundary is cut into a tree of boxes (lineclip, Sutherland-Hodgman against a box)
 * until a box holds few vertices; boxes entirely inside or outside answer at once. A cell's area
 * inside is the sum over the leaves its bounding box touches: the overlap with a full leaf, or the
 * cell clipped against the leaf's few rings. Sutherland-Hodgman may leave zero-width seams along a
 * box side where a concave ring re-enters; they add no area, so areas stay exact.
 */
export interface BoundaryIndexOptions {
  /** Stop splitting a node whose rings have at most this many vertices. */
  leafVertices?: number;
  /** Where to cut [lo, hi] (return a value strictly inside, or NaN to stop splitting). */
  splitAt?: (lo: number, hi: number, axis: 'x' | 'y') => number;
}

/** A cell to measure: its closed counter-clockwise ring, bounding box, a point inside, its area. */
export interface CellShape {
  ring: PlanarRing;
  box: Box;
  cx: number;
  cy: number;
  area: number;
  /** True when the ring is its own bounding box (square cells): clipping is then a box clip. */
  isBox: boolean;
}

interface Node {
  box: Box;
  /** 'full': the box lies inside the boundary; 'empty': outside; 'partial': the edge crosses it. */
  state: 'full' | 'empty' | 'partial';
  rings: PlanarRing[];
  /** Bounding boxes of the rings' edges, flattened as x0, y0, x1, y1 (partial leaves only). */
  edges?: Float64Array;
  children?: Node[];
}

const RELATIVE_AREA_EPS = 1e-9;

const bboxOf = (b: Box): [number, number, number, number] => [b.x0, b.y0, b.x1, b.y1];
const ringsArea = (rings: PlanarRing[]) => rings.reduce((sum, ring) => sum + signedRingArea(ring), 0);
const countVertices = (rings: PlanarRing[]) => rings.reduce((n, ring) => n + ring.length, 0);
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0;
const within = (inner: Box, outer: Box) => inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;

/** Disjoint polygons of the boundary, exteriors counter-clockwise and holes clockwise, as one ring list. */
export function cleanRings(boundary: PlanarMultiPolygon): PlanarRing[] {
  let cleaned: PlanarMultiPolygon;
  try {
    cleaned = union(boundary as never) as PlanarMultiPolygon;
  } catch (error) {
    throw new FireriskError(`grid: cannot clean the boundary polygons (${(error as Error).message})`);
  }
  return cleaned.flatMap((polygon) =>
    polygon.map((ring, i) => {
      const ccw = signedRingArea(ring) > 0;
      return ccw === (i === 0) ? ring : [...ring].reverse();
    }),
  );
}

/** Sutherland-Hodgman clip of any ring by a convex counter-clockwise polygon (e.g. an H3 cell). */
export function clipRingToConvex(subject: PlanarRing, convexCcw: PlanarRing): PlanarRing {
  let points = subject;
  const n = convexCcw[0][0] === convexCcw[convexCcw.length - 1][0] && convexCcw[0][1] === convexCcw[convexCcw.length - 1][1] ? convexCcw.length - 1 : convexCcw.length;
  for (let e = 0; e < n && points.length; e++) {
    const [ax, ay] = convexCcw[e];
    const [bx, by] = convexCcw[(e + 1) % n];
    const side = (p: [number, number]) => (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax);
    const out: PlanarRing = [];
    let prev = points[points.length - 1];
    let prevSide = side(prev);
    for (const p of points) {
      const s = side(p);
      if (s >= 0 !== prevSide >= 0) {
        const t = prevSide / (prevSide - s);
        out.push([prev[0] + (p[0] - prev[0]) * t, prev[1] + (p[1] - prev[1]) * t]);
      }
      if (s >= 0) out.push(p);
      prev = p;
      prevSide = s;
    }
    points = out;
  }
  return points;
}

export class BoundaryIndex {
  private readonly root: Node;
  private readonly leafVertices: number;
  private readonly splitAt: (lo: number, hi: number, axis: 'x' | 'y') => number;

  constructor(boundary: PlanarMultiPolygon, rootBox: Box, options: BoundaryIndexOptions = {}) {
    this.leafVertices = options.leafVertices ?? 48;
    this.splitAt = options.splitAt ?? ((lo, hi) => (lo + hi) / 2);
    this.root = this.makeNode(rootBox, clipRings(cleanRings(boundary), rootBox));
  }

  private makeNode(box: Box, rings: PlanarRing[]): Node {
    const boxArea = (box.x1 - box.x0) * (box.y1 - box.y0);
    const area = ringsArea(rings);
    if (area <= boxArea * RELATIVE_AREA_EPS) return { box, state: 'empty', rings: [] };
    if (area >= boxArea * (1 - RELATIVE_AREA_EPS)) return { box, state: 'full', rings: [] };
    const node: Node = { box, state: 'partial', rings };
    if (countVertices(rings) > this.leafVertices) {
      const axis = box.x1 - box.x0 >= box.y1 - box.y0 ? 'x' : 'y';
      const lo = axis === 'x' ? box.x0 : box.y0;
      const hi = axis === 'x' ? box.x1 : box.y1;
      const cut = this.splitAt(lo, hi, axis);
      if (cut > lo && cut < hi) {
        const halves: Box[] = axis === 'x' ? [{ ...box, x1: cut }, { ...box, x0: cut }] : [{ ...box, y1: cut }, { ...box, y0: cut }];
        node.children = halves.map((half) => this.makeNode(half, clipRings(rings, half)));
        node.rings = [];
        return node;
      }
    }
    node.edges = edgeBoxes(rings);
    return node;
  }

  /** Share (0..1] of the cell's area inside the boundary; 0 when it only touches or misses it. */
  insideShare(cell: CellShape): number {
    const share = this.insideArea(this.root, cell) / cell.area;
    if (share <= RELATIVE_AREA_EPS) return 0;
    return Math.min(1, share);
  }

  private insideArea(node: Node, cell: CellShape): number {
    if (node.state === 'empty' || !overlaps(node.box, cell.box)) return 0;
    if (node.state === 'full') {
      if (within(cell.box, node.box)) return cell.area;
      if (cell.isBox) return (Math.min(node.box.x1, cell.box.x1) - Math.max(node.box.x0, cell.box.x0)) * (Math.min(node.box.y1, cell.box.y1) - Math.max(node.box.y0, cell.box.y0));
      return signedRingArea(clipPolygon(cell.ring, bboxOf(node.box)));
    }
    if (node.children) return node.children.reduce((sum, child) => sum + this.insideArea(child, cell), 0);
    if (within(cell.box, node.box) && !edgeNear(node, cell.box)) {
      return pointInMultiPolygon(cell.cx, cell.cy, [node.rings]) ? cell.area : 0;
    }
    let area = 0;
    for (const ring of node.rings) {
      area += signedRingArea(cell.isBox ? clipPolygon(ring, bboxOf(cell.box)) : clipRingToConvex(ring, cell.ring));
    }
    return area;
  }
}

function clipRings(rings: PlanarRing[], box: Box): PlanarRing[] {
  const bbox = bboxOf(box);
  const out: PlanarRing[] = [];
  for (const ring of rings) {
    const clipped = clipPolygon(ring, bbox);
    if (clipped.length >= 3) out.push(clipped);
  }
  return out;
}

function edgeBoxes(rings: PlanarRing[]): Float64Array {
  const out = new Float64Array(countVertices(rings) * 4);
  let k = 0;
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[(i + 1) % ring.length];
      out[k++] = Math.min(ax, bx);
      out[k++] = Math.min(ay, by);
      out[k++] = Math.max(ax, bx);
      out[k++] = Math.max(ay, by);
    }
  }
  return out;
}

function edgeNear(node: Node, box: Box): boolean {
  const edges = node.edges;
  if (!edges) return true;
  for (let k = 0; k < edges.length; k += 4) {
    if (edges[k] <= box.x1 && edges[k + 2] >= box.x0 && edges[k + 1] <= box.y1 && edges[k + 3] >= box.y0) return true;
  }
  return false;
}
