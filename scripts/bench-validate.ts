/**
 * Benchmark of `inspectDataset` (read + validate) on a generated folder of the synthetic
 * dataset's size: 30k incidents, 750k crowd-flow rows, 120k facility events, 10 years of weather.
 * Random values, not a district model: this measures the contract code only.
 *   npx tsx scripts/bench-validate.ts [dir]
 */
import { mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { inspectDataset } from '../src/contract/load.ts';
import { defaultConfig } from '../src/config/schema.ts';
import { createLogger } from '../src/util/log.ts';
import { isoDay, dayNumber } from '../src/util/days.ts';

const dir = process.argv[2] ?? join(tmpdir(), 'firerisk-bench-validate');
mkdirSync(dir, { recursive: true });

let seed = 12345;
/** mulberry32: a small seeded generator with a full 2^32 period. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const lon = () => (106.3 + random() * 0.25).toFixed(6);
const lat = () => (29.7 + random() * 0.25).toFixed(6);
const first = dayNumber('2016-01-01');
const days = 3653;

const boundary = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[] as number[][]] } };
for (let i = 0; i <= 64; i++) {
  const a = (2 * Math.PI * i) / 64;
  boundary.geometry.coordinates[0].push([106.43 + 0.2 * Math.cos(a), 29.82 + 0.2 * Math.sin(a)]);
}
boundary.geometry.coordinates[0][64] = boundary.geometry.coordinates[0][0];
writeFileSync(join(dir, 'boundary.geojson'), JSON.stringify(boundary));

const lines: string[] = ['incident_id,reported_at,lon,lat,category,cause,property_type,loss_cny,deaths,injuries'];
const categories = ['fire', 'rescue', 'assistance', 'other'];
for (let i = 0; i < 30_000; i++) {
  const day = isoDay(first + Math.floor(random() * days));
  const hh = String(Math.floor(random() * 24)).padStart(2, '0');
  lines.push(`I${i},${day}T${hh}:15:00+08:00,${lon()},${lat()},${categories[Math.floor(random() * 4)]},,residential,${Math.floor(random() * 5000)},0,0`);
}
writeFileSync(join(dir, 'incidents.csv'), `${lines.join('\n')}\n`);

lines.length = 0;
lines.push('date,temp_max_c,temp_min_c,rel_humidity_pct,wind_speed_ms,precip_mm,is_forecast');
for (let d = 0; d < days; d++) lines.push(`${isoDay(first + d)},${(20 + random() * 10).toFixed(1)},${(10 + random() * 5).toFixed(1)},${(50 + random() * 50).toFixed(0)},${(random() * 5).toFixed(1)},${(random() * 20).toFixed(1)},false`);
writeFileSync(join(dir, 'weather.csv'), `${lines.join('\n')}\n`);

lines.length = 0;
lines.push('zone_id,lon,lat,name');
for (let z = 0; z < 205; z++) lines.push(`Z${z},${106.43 + (random() - 0.5) * 0.2},${29.82 + (random() - 0.5) * 0.2},zone ${z}`);
writeFileSync(join(dir, 'zones.csv'), `${lines.join('\n')}\n`);

lines.length = 0;
lines.push('date,hour,zone_id,lon,lat,population');
for (let d = 0; d < days; d++) for (let z = 0; z < 205; z++) lines.push(`${isoDay(first + d)},,Z${z},,,${Math.floor(random() * 20000)}`);
writeFileSync(join(dir, 'crowd_flow.csv'), `${lines.join('\n')}\n`);

lines.length = 0;
lines.push('device_id,device_type,lon,lat,at,status');
const devices = Array.from({ length: 3000 }, (_, i) => ({ id: `D${i}`, lon: (106.43 + (random() - 0.5) * 0.2).toFixed(6), lat: (29.82 + (random() - 0.5) * 0.2).toFixed(6) }));
for (let i = 0; i < 120_000; i++) {
  const d = devices[Math.floor(random() * devices.length)];
  const ms = Date.parse('2016-01-01T00:00:00+08:00') + Math.floor(random() * days * 86_400) * 1000;
  lines.push(`${d.id},smoke_detector,${d.lon},${d.lat},${new Date(ms).toISOString().slice(0, 19)}+00:00,${random() < 0.9 ? 'normal' : 'fault'}`);
}
writeFileSync(join(dir, 'facility_status.csv'), `${lines.join('\n')}\n`);

const bytes = ['incidents', 'weather', 'zones', 'crowd_flow', 'facility_status'].map((t) => statSync(join(dir, `${t}.csv`)).size).reduce((a, b) => a + b, 0);
const started = performance.now();
const cpuStart = process.cpuUsage();
const { dataset } = await inspectDataset(dir, defaultConfig(), createLogger());
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rows = dataset.report.tables.reduce((s, t) => s + t.read, 0);
console.log(`validated ${rows} rows (${(bytes / 1e6).toFixed(1)} MB CSV) in ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU: ${Math.round(rows / seconds)} rows/s; peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
