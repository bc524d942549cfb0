import type { Dataset } from '../contract/dataset.ts';
import { locateCells } from '../grid/locate.ts';
import type { Grid } from '../grid/types.ts';
import { dayNumber } from '../util/days.ts';
import type { Column } from './duck.ts';

/**
 * Staging in TypeScript: the typed Dataset rows become column arrays for DuckDB, with instants
 * turned into local day numbers (config.timezone) and points assigned to grid cells with the grid
 * locator. Records that fall outside the grid are counted per table, never silently dropped.
 * The SQL files take it from there (src/features/sql/).
 */
export interface StagedTable {
  table: string;
  columns: Column[];
}

export interface StagingResult {
  tables: StagedTable[];
  /** Records located outside every grid cell, per input table. */
  outOfGrid: Record<string, number>;
  /** Records read per input table (before the out-of-grid filter). */
  records: Record<string, number>;
  present: { crowd_flow: boolean; facility_status: boolean; stations: boolean; pois: boolean; events: boolean };
  /** First local day of any incident (day number), the start of the incident history. */
  historyStartDay: number | null;
  /** Last local day of any incident (day number). */
  lastIncidentDay: number | null;
}

/** Local day numbers of epoch-millisecond instants, with the zone offset looked up once per UTC hour. */
export function createLocalDayOf(timeZone: string): (epochMs: number) => number {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const offsetByHour = new Map<number, number>();
  const offsetAt = (epochMs: number): number => {
    const hour = Math.floor(epochMs / 3_600_000);
    let offset = offsetByHour.get(hour);
    if (offset === undefined) {
      const parts = Object.fromEntries(format.formatToParts(new Date(hour * 3_600_000)).map((p) => [p.type, p.value]));
      const localMs = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
      offset = localMs - hour * 3_600_000;
      offsetByHour.set(hour, offset);
    }
    return offset;
  };
  return (epochMs) => Math.floor((epochMs + offsetAt(epochMs)) / 86_400_000);
}

function locate(grid: Grid, rows: ReadonlyArray<{ lon: number; lat: number }>): Int32Array {
  const lons = new Float64Array(rows.length);
  const lats = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    lons[i] = r.lon;
    lats[i] = r.lat;
  });
  return locateCells(grid, lons, lats);
}

/** Keeps the rows whose cell is known; returns their indexes and the number dropped. */
function inGrid(cells: Int32Array): { keep: number[]; outside: number } {
  const keep: number[] = [];
  for (let i = 0; i < cells.length; i++) if (cells[i] >= 0) keep.push(i);
  return { keep, outside: cells.length - keep.length };
}

export function stageDataset(dataset: Dataset, grid: Grid, neighbours: number[][], timeZone: string): StagingResult {
  const localDayOf = createLocalDayOf(timeZone);
  const tables: StagedTable[] = [];
  const outOfGrid: Record<string, number> = {};
  const records: Record<string, number> = {};

  tables.push({
    table: 'stg_cells',
    columns: [
      { name: 'cell_index', type: 'INTEGER', values: grid.cells.map((c) => c.cell_index) },
      { name: 'cell_id', type: 'VARCHAR', values: grid.cells.map((c) => c.cell_id) },
      { name: 'lon', type: 'DOUBLE', values: grid.cells.map((c) => c.centroid_lon) },
      { name: 'lat', type: 'DOUBLE', values: grid.cells.map((c) => c.centroid_lat) },
      { name: 'inside_share', type: 'DOUBLE', values: grid.cells.map((c) => c.inside_share) },
      { name: 'area_km2', type: 'DOUBLE', values: grid.cells.map((c) => c.area_km2) },
    ],
  });
  const from: number[] = [];
  const to: number[] = [];
  neighbours.forEach((list, i) => list.forEach((j) => (from.push(i), to.push(j))));
  tables.push({
    table: 'stg_neighbours',
    columns: [
      { name: 'cell_index', type: 'INTEGER', values: from },
      { name: 'neighbour_index', type: 'INTEGER', values: to },
    ],
  });

  // Incidents: one row per incident inside the grid.
  const incidentCells = locate(grid, dataset.incidents);
  const inc = inGrid(incidentCells);
  records.incidents = dataset.incidents.length;
  outOfGrid.incidents = inc.outside;
  const incidentDays = dataset.incidents.map((r) => localDayOf(Date.parse(r.reported_at)));
  let historyStartDay: number | null = null;
  let lastIncidentDay: number | null = null;
  for (const d of incidentDays) {
    historyStartDay = historyStartDay === null ? d : Math.min(historyStartDay, d);
    lastIncidentDay = lastIncidentDay === null ? d : Math.max(lastIncidentDay, d);
  }
  tables.push({
    table: 'stg_incidents',
    columns: [
      { name: 'cell_index', type: 'INTEGER', values: inc.keep.map((i) => incidentCells[i]) },
      { name: 'day', type: 'INTEGER', values: inc.keep.map((i) => incidentDays[i]) },
      { name: 'is_fire', type: 'BOOLEAN', values: inc.keep.map((i) => dataset.incidents[i].category === 'fire') },
      {
        name: 'is_outdoor_fire',
        type: 'BOOLEAN',
        values: inc.keep.map((i) => dataset.incidents[i].category === 'fire' && dataset.incidents[i].property_type === 'outdoor'),
      },
    ],
  });

  // Weather: district-wide daily rows (station rows are averaged in SQL).
  records.weather = dataset.weather.length;
  tables.push({
    table: 'stg_weather',
    columns: [
      { name: 'day', type: 'INTEGER', values: dataset.weather.map((w) => dayNumber(w.date)) },
      { name: 'temp_max_c', type: 'DOUBLE', values: dataset.weather.map((w) => w.temp_max_c) },
      { name: 'temp_min_c', type: 'DOUBLE', values: dataset.weather.map((w) => w.temp_min_c) },
      { name: 'rel_humidity_pct', type: 'DOUBLE', values: dataset.weather.map((w) => w.rel_humidity_pct) },
      { name: 'wind_speed_ms', type: 'DOUBLE', values: dataset.weather.map((w) => w.wind_speed_ms) },
      { name: 'precip_mm', type: 'DOUBLE', values: dataset.weather.map((w) => w.precip_mm) },
      { name: 'is_forecast', type: 'BOOLEAN', values: dataset.weather.map((w) => w.is_forecast ?? false) },
    ],
  });

  // Crowd flow: rows keyed by zone (zone centroid from zones) or by their own point; both become "zones".
  const crowd = dataset.crowd_flow ?? [];
  records.crowd_flow = crowd.length;
  const zoneKeys = new Map<string, number>();
  const zoneLon: number[] = [];
  const zoneLat: number[] = [];
  const zoneById = new Map((dataset.zones ?? []).map((z) => [z.zone_id, z]));
  const crowdZone: number[] = [];
  const crowdDay: number[] = [];
  const crowdPop: number[] = [];
  let crowdUnplaced = 0;
  for (const row of crowd) {
    let key: string;
    let lon: number | undefined;
    let lat: number | undefined;
    if (row.zone_id !== undefined && zoneById.has(row.zone_id)) {
      key = `z:${row.zone_id}`;
      lon = zoneById.get(row.zone_id)!.lon;
      lat = zoneById.get(row.zone_id)!.lat;
    } else if (row.lon !== undefined && row.lat !== undefined) {
      key = `p:${row.lon},${row.lat}`;
      lon = row.lon;
      lat = row.lat;
    } else {
      crowdUnplaced++; // a zone_id without a zones row and without coordinates: cannot be placed
      continue;
    }
    let z = zoneKeys.get(key);
    if (z === undefined) {
      z = zoneLon.length;
      zoneKeys.set(key, z);
      zoneLon.push(lon);
      zoneLat.push(lat);
    }
    crowdZone.push(z);
    crowdDay.push(dayNumber(row.date));
    crowdPop.push(row.population);
  }
  outOfGrid.crowd_flow_unplaced_zone = crowdUnplaced;
  tables.push({
    table: 'stg_zones',
    columns: [
      { name: 'zone_key', type: 'INTEGER', values: zoneLon.map((_, i) => i) },
      { name: 'lon', type: 'DOUBLE', values: zoneLon },
      { name: 'lat', type: 'DOUBLE', values: zoneLat },
    ],
  });
  tables.push({
    table: 'stg_crowd',
    columns: [
      { name: 'zone_key', type: 'INTEGER', values: crowdZone },
      { name: 'day', type: 'INTEGER', values: crowdDay },
      { name: 'population', type: 'DOUBLE', values: crowdPop },
    ],
  });

  // Facility status events: the local day of each event; its status holds from the next day on.
  const facility = dataset.facility_status ?? [];
  records.facility_status = facility.length;
  const facilityCells = locate(grid, facility);
  const fac = inGrid(facilityCells);
  outOfGrid.facility_status = fac.outside;
  const deviceKeys = new Map<string, number>();
  const deviceKey = (id: string) => {
    let k = deviceKeys.get(id);
    if (k === undefined) deviceKeys.set(id, (k = deviceKeys.size));
    return k;
  };
  const facilityMs = fac.keep.map((i) => Date.parse(facility[i].at));
  tables.push({
    table: 'stg_facility',
    columns: [
      { name: 'device_key', type: 'INTEGER', values: fac.keep.map((i) => deviceKey(facility[i].device_id)) },
      { name: 'device_type', type: 'VARCHAR', values: fac.keep.map((i) => facility[i].device_type) },
      { name: 'cell_index', type: 'INTEGER', values: fac.keep.map((i) => facilityCells[i]) },
      { name: 'day', type: 'INTEGER', values: facilityMs.map((ms) => localDayOf(ms)) },
      { name: 'at_s', type: 'DOUBLE', values: facilityMs.map((ms) => ms / 1000) },
      { name: 'status', type: 'VARCHAR', values: fac.keep.map((i) => facility[i].status) },
    ],
  });

  // Stations keep their coordinates (distance is computed to every cell centroid).
  const stations = dataset.stations ?? [];
  records.stations = stations.length;
  tables.push({
    table: 'stg_stations',
    columns: [
      { name: 'lon', type: 'DOUBLE', values: stations.map((s) => s.lon) },
      { name: 'lat', type: 'DOUBLE', values: stations.map((s) => s.lat) },
      { name: 'opened_day', type: 'INTEGER', values: stations.map((s) => (s.opened_on ? dayNumber(s.opened_on) : null)) },
      { name: 'closed_day', type: 'INTEGER', values: stations.map((s) => (s.closed_on ? dayNumber(s.closed_on) : null)) },
    ],
  });

  const pois = dataset.pois ?? [];
  records.pois = pois.length;
  const poiCells = locate(grid, pois);
  const poi = inGrid(poiCells);
  outOfGrid.pois = poi.outside;
  tables.push({
    table: 'stg_pois',
    columns: [
      { name: 'cell_index', type: 'INTEGER', values: poi.keep.map((i) => poiCells[i]) },
      { name: 'kind', type: 'VARCHAR', values: poi.keep.map((i) => pois[i].kind) },
    ],
  });

  const events = dataset.events ?? [];
  records.events = events.length;
  const eventCells = locate(grid, events);
  const ev = inGrid(eventCells);
  outOfGrid.events = ev.outside;
  tables.push({
    table: 'stg_events',
    columns: [
      { name: 'cell_index', type: 'INTEGER', values: ev.keep.map((i) => eventCells[i]) },
      { name: 'start_day', type: 'INTEGER', values: ev.keep.map((i) => localDayOf(Date.parse(events[i].start))) },
      // An event ending exactly at midnight does not occupy the day that starts then.
      { name: 'end_day', type: 'INTEGER', values: ev.keep.map((i) => localDayOf(Date.parse(events[i].end) - 1)) },
      { name: 'attendance', type: 'DOUBLE', values: ev.keep.map((i) => events[i].expected_attendance) },
    ],
  });

  return {
    tables,
    outOfGrid,
    records,
    present: {
      crowd_flow: dataset.crowd_flow !== undefined && crowdZone.length > 0,
      facility_status: dataset.facility_status !== undefined,
      stations: dataset.stations !== undefined && stations.length > 0,
      pois: dataset.pois !== undefined,
      events: dataset.events !== undefined,
    },
    historyStartDay,
    lastIncidentDay,
  };
}
