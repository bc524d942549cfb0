import proj4 from 'proj4';
import type { Dataset } from '../../src/contract/dataset.ts';
import type { DistrictLocale } from '../../src/contract/locale.ts';
import type { Holiday, Incident, Weather } from '../../src/contract/schemas.ts';
import type { Cell, Grid } from '../../src/grid/types.ts';
import { addDays, dayRange } from '../../src/util/days.ts';

/**
 * Hand-made fixtures for the feature tests: a square grid of nRows x nCols cells of 500 m in UTM
 * 48N near Beibei, points placed at known cells, and a Dataset with only the tables a test needs.
 */
const UTM48 = '+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs';
const ORIGIN_X = 640_000;
const ORIGIN_Y = 3_300_000;
const SIZE = 500;
const toLonLat = (x: number, y: number) => proj4(UTM48, 'WGS84', [x, y]) as [number, number];

export function tinyGrid(nRows: number, nCols: number): Grid {
  const cells: Cell[] = [];
  for (let row = 0; row < nRows; row++) {
    for (let col = 0; col < nCols; col++) {
      const x0 = ORIGIN_X + col * SIZE;
      const y0 = ORIGIN_Y + row * SIZE;
      const [lon, lat] = toLonLat(x0 + SIZE / 2, y0 + SIZE / 2);
      cells.push({
        cell_index: cells.length,
        cell_id: `r${String(row).padStart(4, '0')}c${String(col).padStart(4, '0')}`,
        row,
        col,
        centroid_lon: lon,
        centroid_lat: lat,
        centroid_x_m: x0 + SIZE / 2,
        centroid_y_m: y0 + SIZE / 2,
        area_km2: 0.25,
        inside_share: 1,
        ring: [toLonLat(x0, y0), toLonLat(x0 + SIZE, y0), toLonLat(x0 + SIZE, y0 + SIZE), toLonLat(x0, y0 + SIZE), toLonLat(x0, y0)],
      });
    }
  }
  return {
    definition: {
      kind: 'square',
      crs: 'EPSG:32648',
      proj4: UTM48,
      origin_x_m: ORIGIN_X,
      origin_y_m: ORIGIN_Y,
      cell_size_m: SIZE,
      n_cols: nCols,
      n_rows: nRows,
      cell_count: nRows * nCols,
      boundary_sha256: 'test',
      boundary_source: 'file',
    },
    cells,
  };
}

/** A point inside cell (row, col) of tinyGrid, offset (fx, fy) in [0, 1) within the cell. */
export function pointIn(row: number, col: number, fx = 0.5, fy = 0.5): { lon: number; lat: number } {
  const [lon, lat] = toLonLat(ORIGIN_X + (col + fx) * SIZE, ORIGIN_Y + (row + fy) * SIZE);
  return { lon, lat };
}

/** A point outside the grid. */
export const outsidePoint = (): { lon: number; lat: number } => pointIn(-3, -3);

let incidentCounter = 0;
/** An incident at local noon (+08:00) of `day` in cell (row, col). */
export function incident(day: string, row: number, col: number, category: Incident['category'] = 'fire', time = '12:00:00'): Incident {
  return {
    incident_id: `i${++incidentCounter}`,
    reported_at: `${day}T${time}+08:00`,
    ...pointIn(row, col),
    category,
    property_type: 'residential',
    loss_cny: 0,
    deaths: 0,
    injuries: 0,
  } as Incident;
}

export function weatherRow(date: string, values: Partial<Weather> = {}): Weather {
  return { date, temp_max_c: 20, temp_min_c: 10, rel_humidity_pct: 70, wind_speed_ms: 2, precip_mm: 0, is_forecast: false, ...values } as Weather;
}

/** Constant mild dry weather every day from `from` to `to`. */
export function weatherDays(from: string, to: string, values: Partial<Weather> = {}): Weather[] {
  return dayRange(from, to).map((d) => weatherRow(d, values));
}

/** The tiny worlds lie in Beibei: Shanghai time, Chinese calendar. */
export const beibeiLocale: DistrictLocale = { centre: [106.4, 29.8], timeZone: 'Asia/Shanghai', timeZoneSource: 'configured', country: 'CN', countrySource: 'configured' };

export function dataset(parts: Partial<Dataset> & { incidents: Incident[]; weather: Weather[] }): Dataset {
  const holidays: Holiday[] = parts.holidays ?? [];
  return {
    dir: 'memory',
    report: { tables: [], quarantine: [] },
    locale: beibeiLocale,
    ...parts,
    holidays,
  };
}

export { addDays };
