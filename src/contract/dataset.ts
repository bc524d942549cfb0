import type { CrowdFlow, FacilityStatus, Holiday, Incident, MajorEvent, Poi, Station, Weather, Zone, TableName } from './schemas.ts';
import type { DistrictLocale } from './locale.ts';

/** GeoJSON geometry of the district boundary (WGS84). */
export type BoundaryGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

export interface QuarantineEntry {
  table: TableName;
  file: string;
  /** 1-based data row number in the file (the header is row 0), or Parquet row number. */
  row: number;
  column: string | null;
  reason: string;
  raw: Record<string, unknown>;
}

export interface TableReport {
  table: TableName;
  file: string | null;
  present: boolean;
  read: number;
  accepted: number;
  quarantined: number;
  reasons: Record<string, number>;
  /** Timestamps without an offset, read as wall-clock time in the district's time zone. */
  local_times?: number;
}

export interface ValidationReport {
  tables: TableReport[];
  quarantine: QuarantineEntry[];
}

/** A validated district dataset: typed rows of every table found; optional tables may be absent. */
export interface Dataset {
  dir: string;
  incidents: Incident[];
  weather: Weather[];
  crowd_flow?: CrowdFlow[];
  zones?: Zone[];
  facility_status?: FacilityStatus[];
  stations?: Station[];
  pois?: Poi[];
  events?: MajorEvent[];
  /** The dataset's own holiday table, else the holidays of the district's country (see holidaysForCountry). */
  holidays: Holiday[];
  boundary?: BoundaryGeometry;
  /** The district's time zone and country (configured, or looked up from its location). */
  locale: DistrictLocale;
  report: ValidationReport;
}
