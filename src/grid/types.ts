/**
 * A district grid: square cells in a metric CRS, or H3 hexagons. Cells are numbered densely
 * (`cell_index` 0..n-1, in a stable order) and carry a stable string id that does not change
 * between runs on the same grid definition, so that scores of different days line up.
 */
export type Ring = Array<[number, number]>;

export interface GridDefinition {
  kind: 'square' | 'h3';
  /** Metric CRS of square cells (e.g. EPSG:32648) and its proj4 string; 'EPSG:4326' for H3. */
  crs: string;
  proj4: string;
  /** Square grids: lower-left corner of cell (row 0, col 0) in CRS metres, and the cell side. */
  origin_x_m?: number;
  origin_y_m?: number;
  cell_size_m?: number;
  n_cols?: number;
  n_rows?: number;
  h3_resolution?: number;
  /** H3 grids: the metric CRS used for `centroid_x_m`/`centroid_y_m` and for the inside shares. */
  metric_crs?: string;
  metric_proj4?: string;
  cell_count: number;
  /** sha256 of the boundary the grid was clipped to, so a changed boundary is noticed. */
  boundary_sha256: string;
  /** Where the boundary came from: the boundary file, or derived from the incident extent. */
  boundary_source: 'file' | 'derived';
}

export interface Cell {
  cell_index: number;
  /** Square: `r{row}c{col}` zero-padded (e.g. r0042c0017); H3: the H3 index. */
  cell_id: string;
  /** Square grids: row (0 = southernmost) and column (0 = westernmost) from the grid origin. */
  row?: number;
  col?: number;
  centroid_lon: number;
  centroid_lat: number;
  /** Centroid in the metric CRS (square grids; H3 cells get the same via the grid's CRS projection). */
  centroid_x_m: number;
  centroid_y_m: number;
  area_km2: number;
  /** Share of the cell's area inside the boundary (0..1]. */
  inside_share: number;
  /** Exterior ring in WGS84 lon/lat, closed, counter-clockwise (RFC 7946). */
  ring: Ring;
}

export interface Grid {
  definition: GridDefinition;
  cells: Cell[];
}
