/**
 * Makes a high-volume test district from an existing data folder, for measuring the nightly run at a
 * large city's incident volume (a big city's fire brigade records on the order of 100,000 a year). Every incident
 * is copied `--copies` times: the original stays as it is, each copy gets its own id (`<id>-<k>`), a
 * position moved by a normal offset (`--offset-m`, standard deviation per axis) and a uniformly random
 * time on the date its timestamp is written with, in the same UTC offset (so the same local day wherever
 * the export writes local times). The other tables named below are
 * copied as they are; `truth/` is not, as the copies have no true intensity.
 *
 *   npx tsx scripts/busy-city.ts --from datasets/beibei --out /tmp/busy --copies 30 [--offset-m 300] [--seed 1]
 *   FIRERISK_PATHS__DATA=/tmp/busy FIRERISK_PATHS__OUT=/tmp/busy-out FIRERISK_PATHS__MODELS=/tmp/busy-models \
 *     /usr/bin/time -v node src/cli/bin.mjs nightly
 *
 * The copies lie within a few hundred metres of each other on the same day, so skill figures on such a
 * folder say little; it is for time and memory.
 */
import { copyFileSync, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify';
import { streamCsvTable } from '../src/contract/readers.ts';
import { createProjection, utmZoneOf, type Projection } from '../src/grid/geometry.ts';
import { Rng } from '../src/synth/rng.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: 'datasets/beibei' },
    out: { type: 'string' },
    copies: { type: 'string', default: '30' },
    'offset-m': { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
  },
});
if (!values.out) throw new Error('busy-city: --out DIR is required');
const copies = Number(values.copies);
const offsetM = Number(values['offset-m']);
if (!Number.isInteger(copies) || copies < 1) throw new Error(`busy-city: --copies must be a positive integer, got ${values.copies}`);
if (!(offsetM >= 0)) throw new Error(`busy-city: --offset-m must be a number >= 0, got ${values['offset-m']}`);

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A uniformly random time on the date `reportedAt` is written with, in the same notation of offset. */
function timeOnSameDay(reportedAt: string, rng: Rng): string {
  const match = LOCAL_TIME.exec(reportedAt.trim());
  if (!match) throw new Error(`busy-city: reported_at ${JSON.stringify(reportedAt)} is not an ISO 8601 local time`);
  const minute = rng.int(1440);
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return `${match[1]}T${hh}:${mm}:00${match[2] ?? ''}`;
}

const outDir = values.out;
mkdirSync(outDir, { recursive: true });
for (const file of ['weather.csv', 'boundary.geojson', 'stations.csv', 'pois.csv', 'zones.csv', 'crowd_flow.csv', 'facility_status.csv', 'events.csv']) {
  if (existsSync(join(values.from, file))) copyFileSync(join(values.from, file), join(outDir, file));
}

const rng = new Rng(Number(values.seed), 'busy-city');
const writer = stringify();
const done = new Promise<void>((resolve, reject) => {
  const file = createWriteStream(join(outDir, 'incidents.csv'));
  writer.pipe(file).on('finish', resolve).on('error', reject);
});
let columns: string[] = [];
let written = 0;
let projection: Projection | undefined;
await streamCsvTable(
  join(values.from, 'incidents.csv'),
  (header) => {
    columns = header;
    writer.write(header);
  },
  (raw) => {
    if (raw.problem) throw new Error(`busy-city: incidents.csv row ${raw.row}: ${raw.problem}`);
    const row = Object.fromEntries(columns.map((c) => [c, String(raw.values[c] ?? '')]));
    writer.write(columns.map((c) => row[c]));
    written++;
    // Offsets in metres in the UTM zone of the first incident (the same projection the grid uses by default).
    projection ??= createProjection(utmZoneOf(Number(row.lon), Number(row.lat)).proj4);
    const [x, y] = projection.forward(Number(row.lon), Number(row.lat));
    for (let k = 1; k < copies; k++) {
      const [lon, lat] = projection.inverse(x + rng.normal(0, offsetM), y + rng.normal(0, offsetM));
      const copy: Record<string, string> = {
        ...row,
        incident_id: `${row.incident_id}-${k}`,
        lon: lon.toFixed(6),
        lat: lat.toFixed(6),
        reported_at: timeOnSameDay(row.reported_at, rng),
      };
      writer.write(columns.map((c) => copy[c]));
      written++;
    }
  },
);
writer.end();
await done;
console.log(`busy-city: ${written} incidents (${copies} per original) written to ${join(outDir, 'incidents.csv')}`);
