import { intersection } from 'polyclip-ts';
import { FireriskError } from '../util/errors.ts';
import { boxRing, multiPolygonArea, pointInMultiPolygon, vertexCount, type Box, type PlanarMultiPolygon, type PlanarRing } from './geometry.ts';

/**
 * Inside shares of many small cells against one large boundary, in a metric plane.
 *
 * Clipping every cell against the whole district boundary would cost O(boundary vertices) per
 * cell. Instead the boundary is cut into a tree of boxes (each node holds the part of the boundary
 * inside its box, clipped with polyclip-ts) until a node's part is small. A cell is answered by the
 * smallest node whose box holds it: a node entirely inside or outside the boundary answers at once;
 * otherwise the cell is clipped against that node's small part only, and only when an edge of the
 * part comes near the cell (else the cell is wholly in or out, decided by its centre).
 */
export interface BoundaryIndexOptions {
  /** Stop splitting a node whose part has at most this many vertices. */
  leafVertices?: number;
  /** Where to cut [lo, hi] (return a value strictly inside, or NaN to stop splitting). */
  splitAt?: (lo: number, hi: number, axis: 'x' | 'y') => number;
}

interface Node {
  box: Box;
  /** 'full': the box lies inside the boundary; 'empty': outside; 'partial': the edge crosses it. */
  state: 'full' | 'empty' | 'partial';
  part: PlanarMultiPolygon;
  /** Bounding boxes of the part's edges, flattened as x0, y0, x1, y1 (partial leaves only). */
  edges?: Float64Array;
  children?: Node[];
}

const RELATIVE_AREA_EPS = 1e-9;

function clip(a: PlanarMultiPolygon, b: PlanarMultiPolygon | PlanarRing[]): PlanarMultiPolygon {
  try {
    return intersection(a as never, b as never) as PlanarMultiPolygon;
  } catch (error) {
    throw new FireriskError(`grid: polygon clipping failed (${(error as Error).message}); check the boundary for self-intersections`);
  }
}

export class BoundaryIndex {
  private readonly root: Node;
  private readonly leafVertices: number;
  private readonly splitAt: (lo: number, hi: number, axis: 'x' | 'y') => number;

  constructor(boundary: PlanarMultiPolygon, rootBox: Box, options: BoundaryIndexOptions = {}) {
    this.leafVertices = options.leafVertices ?? 48;
    this.splitAt = options.splitAt ?? ((lo, hi) => (lo + hi) / 2);
    this.root = this.makeNode(rootBox, clip(boundary, [boxRing(rootBox)]));
  }

  private makeNode(box: Box, part: PlanarMultiPolygon): Node {
    const boxArea = (box.x1 - box.x0) * (box.y1 - box.y0);
    const area = multiPolygonArea(part);
    if (area <= boxArea * RELATIVE_AREA_EPS) return { box, state: 'empty', part: [] };
    if (area >= boxArea * (1 - RELATIVE_AREA_EPS)) return { box, state: 'full', part: [] };
    const node: Node = { box, state: 'partial', part };
    if (vertexCount(part) > this.leafVertices) {
      const axis = box.x1 - box.x0 >= box.y1 - box.y0 ? 'x' : 'y';
      const lo = axis === 'x' ? box.x0 : box.y0;
      const hi = axis === 'x' ? box.x1 : box.y1;
      const cut = this.splitAt(lo, hi, axis);
      if (cut > lo && cut < hi) {
        const halves: Box[] = axis === 'x' ? [{ ...box, x1: cut }, { ...box, x0: cut }] : [{ ...box, y1: cut }, { ...box, y0: cut }];
        node.children = halves.map((half) => this.makeNode(half, clip(part, [boxRing(half)])));
        return node;
      }
    }
    node.edges = edgeBoxes(part);
    return node;
  }

  /**
   * Share (0..1) of a cell's area inside the boundary. `ring` is the cell's closed exterior ring in
   * the metric plane, `box` its bounding box, (cx, cy) a point strictly inside it, `area` its area.
   */
  insideShare(ring: PlanarRing, box: Box, cx: number, cy: number, area: number): number {
    let node = this.root;
    while (node.children) {
      const child = node.children.find((c) => c.box.x0 <= box.x0 && c.box.x1 >= box.x1 && c.box.y0 <= box.y0 && c.box.y1 >= box.y1);
      if (!child) break;
      node = child;
    }
    if (node.state === 'full') return 1;
    if (node.state === 'empty') return 0;
    if (!edgeNear(node, box)) return pointInMultiPolygon(cx, cy, node.part) ? 1 : 0;
    const share = multiPolygonArea(clip(node.part, [ring])) / area;
    if (share <= RELATIVE_AREA_EPS) return 0;
    return Math.min(1, share);
  }
}

function edgeBoxes(part: PlanarMultiPolygon): Float64Array {
  const out = new Float64Array(vertexCount(part) * 4);
  let k = 0;
  for (const polygon of part) {
    for (const ring of polygon) {
      for (let i = 0; i < ring.length; i++) {
        const [ax, ay] = ring[i];
        const [bx, by] = ring[(i + 1) % ring.length];
        out[k++] = Math.min(ax, bx);
        out[k++] = Math.min(ay, by);
        out[k++] = Math.max(ax, bx);
        out[k++] = Math.max(ay, by);
      }
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
