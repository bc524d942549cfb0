import type { CrowdFlow, FacilityStatus, Holiday, Incident, MajorEvent, Poi, Station, Weather, Zone, TableName } from './schemas.ts';

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
  /** The dataset's own holiday table, or the shipped table of Chinese public holidays. */
  holidays: Holiday[];
  boundary?: BoundaryGeometry;
  report: ValidationReport;
}
