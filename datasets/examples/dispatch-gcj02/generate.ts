/**
 * Writes the foreign-shaped example: raw exports as a Chinese fire-dispatch system, a weather bureau
 * and a key-unit register would hand them over (Chinese headers, GBK, GCJ-02 / BD-09 coordinates,
 * °F, Beaufort forces, humidity as 0-1), and the contract tables those exports must become.
 *
 * The expected tables are built here from the generator's own truth by the published definitions
 * (°F -> °C, WMO Beaufort midpoints, gcoord for the Chinese datums), independently of
 * src/contract/mapping.ts; the generator also checks that every converted point lies within 5 m of
 * the WGS84 point it started from. The data are invented (seeded), shaped like Beibei District.
 *
 * Run: npx tsx datasets/examples/dispatch-gcj02/generate.ts   (rewrites raw/ and expected/)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import gcoordModule from 'gcoord';
import iconv from 'iconv-lite';

const gcoord = gcoordModule as unknown as { transform: (p: number[], from: string, to: string) => number[] };
const here = dirname(fileURLToPath(import.meta.url));

let seed = 20240607;
function random(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[], weights?: readonly number[]): T => {
  const w = weights ?? items.map(() => 1);
  let u = random() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((u -= w[i]) <= 0) return items[i];
  return items[items.length - 1];
};
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const poisson = (mean: number) => {
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = random();
  while (u > s) {
    k += 1;
    p *= mean / k;
    s += p;
  }
  return k;
};
const num = (value: number, decimals = 6) => {
  const r = Number(value.toFixed(decimals));
  return String(Object.is(r, -0) ? 0 : r);
};
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csv = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
const haversineM = (lon1: number, lat1: number, lon2: number, lat2: number) => {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
};
const pad = (n: number) => String(n).padStart(2, '0');

const days: Date[] = [];
for (let t = Date.UTC(2023, 0, 1); t <= Date.UTC(2024, 11, 31); t += 86_400_000) days.push(new Date(t));
const forecastDays = [1, 2, 3].map((d) => new Date(Date.UTC(2025, 0, d)));

// ---------------------------------------------------------------- weather (UTF-8 with BOM)
const beaufortMid = [0.1, 0.9, 2.45, 4.4, 6.7, 9.35, 12.3];
const beaufortLow = [0.0, 0.3, 1.6, 3.4, 5.5, 8.0, 10.8];
const beaufortHigh = [0.2, 1.5, 3.3, 5.4, 7.9, 10.7, 13.8];
const weatherRaw: string[][] = [];
const weatherExpected: string[][] = [];
for (const [i, day] of [...days, ...forecastDays].entries()) {
  const forecast = i >= days.length;
  const doy = (day.getTime() - Date.UTC(day.getUTCFullYear(), 0, 1)) / 86_400_000;
  const seasonal = 18.5 - 10.5 * Math.cos((2 * Math.PI * (doy - 15)) / 365);
  const maxC = Math.round((seasonal + 4 + 2.5 * normal()) * 10) / 10;
  const minC = Math.round((maxC - 6 - 2 * random()) * 10) / 10;
  const maxF = Math.round((maxC * 9) / 5 * 10 + 320) / 10;
  const minF = Math.round((minC * 9) / 5 * 10 + 320) / 10;
  const humidity = Math.round(Math.min(0.98, Math.max(0.35, 0.74 + 0.12 * normal())) * 100) / 100;
  const wet = random() < 0.38;
  const precip = wet ? Math.round(-Math.log(1 - random()) * 9 * 10) / 10 : 0;
  const range = random() < 0.2;
  const force = pick([1, 2, 3, 4], [3, 5, 3, 1]);
  const windText = range ? `${force}-${force + 1}级` : `${force}级`;
  const windMs = range ? (beaufortLow[force] + beaufortHigh[force + 1]) / 2 : beaufortMid[force];
  const dateText = `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日`;
  const iso = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
  weatherRaw.push(['57511', '北碚', dateText, maxF.toFixed(1), minF.toFixed(1), humidity.toFixed(2), windText, precip.toFixed(1), forecast ? '预报' : '实况']);
  weatherExpected.push([
    iso,
    '57511',
    num(((maxF - 32) * 5) / 9),
    num(((minF - 32) * 5) / 9),
    num(humidity * 100),
    num(windMs),
    num(precip),
    forecast ? 'true' : 'false',
  ]);
}

// ---------------------------------------------------------------- incidents (GBK, GCJ-02)
const centres = [
  { name: '北碚城区', lon: 106.437, lat: 29.825, sd: 0.012, weight: 5, roads: ['天生路', '中山路', '云清路', '碚峡路', '新华路'] },
  { name: '蔡家岗街道', lon: 106.476, lat: 29.737, sd: 0.012, weight: 4, roads: ['同兴路', '嘉运大道', '蔡云路'] },
  { name: '水土街道', lon: 106.502, lat: 29.781, sd: 0.01, weight: 2, roads: ['云汉大道', '方正大道'] },
  { name: '歇马街道', lon: 106.378, lat: 29.768, sd: 0.01, weight: 1.5, roads: ['歇马路', '卢作孚大道'] },
  { name: '澄江镇', lon: 106.452, lat: 29.872, sd: 0.01, weight: 1, roads: ['澄江路', '运河路'] },
  { name: '童家溪镇', lon: 106.428, lat: 29.712, sd: 0.008, weight: 1, roads: ['童家溪路', '同德路'] },
];
const categories = [
  { label: '火灾扑救', code: 'fire', weight: 35 },
  { label: '抢险救援', code: 'rescue', weight: 30 },
  { label: '社会救助', code: 'assistance', weight: 25 },
  { label: '其他出动', code: 'other', weight: 10 },
];
const places = [
  { label: '住宅', code: 'residential', weight: 45 },
  { label: '商业场所', code: 'commercial', weight: 15 },
  { label: '工业厂房', code: 'industrial', weight: 8 },
  { label: '交通工具', code: 'vehicle', weight: 12 },
  { label: '室外', code: 'outdoor', weight: 15 },
  { label: '其他场所', code: 'other', weight: 5 },
];
const causes = ['电气故障', '用火不慎', '吸烟', '玩火', '自燃', '其他原因'];
const squads = ['北碚中队', '蔡家中队', '水土中队', '歇马中队', '城南中队'];

interface Alarm {
  raw: string[];
  expected: string[] | null;
}
const alarms: Alarm[] = [];
let serial = 0;
let worstM = 0;
for (const day of days) {
  const doy = (day.getTime() - Date.UTC(day.getUTCFullYear(), 0, 1)) / 86_400_000;
  const winter = 1 + 0.35 * Math.cos((2 * Math.PI * (doy - 15)) / 365);
  const count = poisson(0.52 * winter);
  const times = Array.from({ length: count }, () => Math.floor(random() * 86_400)).sort((a, b) => a - b);
  for (const seconds of times) {
    serial += 1;
    const year = day.getUTCFullYear();
    const id = `BB${year}${String(serial).padStart(6, '0')}`;
    const centre = pick(centres, centres.map((c) => c.weight));
    const lonW = Math.round((centre.lon + centre.sd * normal()) * 1e7) / 1e7;
    const latW = Math.round((centre.lat + centre.sd * normal()) * 1e7) / 1e7;
    const [gx, gy] = gcoord.transform([lonW, latW], 'WGS84', 'GCJ02');
    const gLon = gx.toFixed(6);
    const gLat = gy.toFixed(6);
    const [backLon, backLat] = gcoord.transform([Number(gLon), Number(gLat)], 'GCJ02', 'WGS84');
    worstM = Math.max(worstM, haversineM(backLon, backLat, lonW, latW));
    const falseAlarm = random() < 0.04;
    const category = falseAlarm ? { label: '虚假警情', code: '', weight: 0 } : pick(categories, categories.map((c) => c.weight));
    const place = pick(places, places.map((p) => p.weight));
    const cause = category.code === 'fire' ? pick(causes) : '';
    const loss = category.code === 'fire' ? (random() < 0.6 ? Math.round(-Math.log(1 - random()) * 8000 / 100) * 100 : 0) : 0;
    const injuries = category.code === 'fire' && random() < 0.05 ? 1 : 0;
    const deaths = category.code === 'fire' && random() < 0.005 ? 1 : 0;
    const dateText = `${year}/${day.getUTCMonth() + 1}/${day.getUTCDate()}`;
    const timeText = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
    const address = `重庆市北碚区${centre.name}${pick(centre.roads)}${1 + Math.floor(random() * 300)}号`;
    const lossText = loss >= 1000 ? loss.toLocaleString('en-US') : String(loss);
    const raw = [id, dateText, timeText, category.label, place.label, cause, gLon, gLat, address, lossText, String(deaths), String(injuries), pick(squads)];
    const expected = falseAlarm
      ? null
      : [
          id,
          `${year}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}T${timeText}+08:00`,
          num(backLon, 7),
          num(backLat, 7),
          category.code,
          cause,
          place.code,
          String(loss),
          String(deaths),
          String(injuries),
        ];
    alarms.push({ raw, expected });
  }
}
if (worstM > 5) throw new Error(`GCJ-02 round trip off by ${worstM} m`);

// Rows a real export carries and the import must account for: two alarms whose time was never
// entered (mapping rejects them), one without coordinates and one entered twice (the contract
// quarantines them; they stay in the written table).
const realAt = (from: number) => {
  let i = from;
  while (alarms[i].expected === null) i += 1;
  return i;
};
const noTime = [realAt(40), realAt(211)];
const noPlace = realAt(97);
const twice = realAt(150);
for (const i of noTime) {
  alarms[i].raw[2] = '待补录';
  alarms[i].expected = null;
}
alarms[noPlace].raw[6] = '';
alarms[noPlace].raw[7] = '';
alarms[noPlace].expected![2] = '';
alarms[noPlace].expected![3] = '';
alarms.splice(twice + 1, 0, { raw: [...alarms[twice].raw], expected: [...alarms[twice].expected!] });

// ---------------------------------------------------------------- key units (UTF-8, BD-09, no id)
const unitKinds = [
  { label: '高层建筑', code: 'high_rise', floors: [18, 33] },
  { label: '重点单位', code: 'key_unit', floors: [3, 12] },
  { label: '易燃易爆单位', code: 'hazardous_chemicals', floors: [1, 3] },
  { label: '老旧小区', code: 'old_residential', floors: [5, 7] },
  { label: '集贸市场', code: 'market', floors: [1, 3] },
  { label: '学校', code: 'school', floors: [3, 6] },
  { label: '养老机构', code: 'elder_care', floors: [2, 6] },
  { label: '医院', code: 'hospital', floors: [4, 16] },
  { label: '文物古迹', code: 'heritage', floors: [1, 2] },
];
const unitRaw: string[][] = [];
const unitExpected: string[][] = [];
for (let i = 0; i < 48; i++) {
  const centre = pick(centres, centres.map((c) => c.weight));
  const kind = pick(unitKinds);
  const lonW = centre.lon + centre.sd * normal();
  const latW = centre.lat + centre.sd * normal();
  const [bx, by] = gcoord.transform([lonW, latW], 'WGS84', 'BD09');
  const bLon = bx.toFixed(6);
  const bLat = by.toFixed(6);
  const [backLon, backLat] = gcoord.transform([Number(bLon), Number(bLat)], 'BD09', 'WGS84');
  if (haversineM(backLon, backLat, lonW, latW) > 5) throw new Error('BD-09 round trip off by more than 5 m');
  const name = `${centre.name}${kind.label}${i + 1}号`;
  const floors = kind.floors[0] + Math.floor(random() * (kind.floors[1] - kind.floors[0] + 1));
  unitRaw.push([name, kind.label, bLon, bLat, String(floors), pick(['是', '否'])]);
  // id: { column: poi_id, from: [单位名称, 百度经度, 百度纬度], prefix: 'poi-' } -> sha256 of the JSON array of those cells, first 16 hex digits.
  const id = `poi-${createHash('sha256').update(JSON.stringify([name, bLon, bLat])).digest('hex').slice(0, 16)}`;
  unitExpected.push([id, kind.code, num(backLon, 7), num(backLat, 7), name, String(floors)]);
}

// ---------------------------------------------------------------- write
mkdirSync(join(here, 'raw'), { recursive: true });
mkdirSync(join(here, 'expected'), { recursive: true });
const dispatchHeader = ['警情编号', '报警日期', '报警时间', '警情类型', '场所类型', '起火原因', '经度', '纬度', '发生地址', '财产损失(元)', '死亡人数', '受伤人数', '出动中队'];
writeFileSync(join(here, 'raw', '警情记录_2023-2024.csv'), iconv.encode(csv(dispatchHeader, alarms.map((a) => a.raw)), 'gbk'));
writeFileSync(
  join(here, 'raw', '气象日报.csv'),
  '\uFEFF' + csv(['区站号', '站名', '日期', '最高气温(℉)', '最低气温(℉)', '平均相对湿度', '风力', '降水量(mm)', '数据类型'], weatherRaw),
);
writeFileSync(join(here, 'raw', '重点单位名录.csv'), csv(['单位名称', '单位类别', '百度经度', '百度纬度', '建筑层数', '是否设有消防控制室'], unitRaw));

const lf = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
writeFileSync(
  join(here, 'expected', 'incidents.csv'),
  lf(['incident_id', 'reported_at', 'lon', 'lat', 'category', 'cause', 'property_type', 'loss_cny', 'deaths', 'injuries'], alarms.flatMap((a) => (a.expected ? [a.expected] : []))),
);
writeFileSync(join(here, 'expected', 'weather.csv'), lf(['date', 'station_id', 'temp_max_c', 'temp_min_c', 'rel_humidity_pct', 'wind_speed_ms', 'precip_mm', 'is_forecast'], weatherExpected));
writeFileSync(join(here, 'expected', 'pois.csv'), lf(['poi_id', 'kind', 'lon', 'lat', 'name', 'floors'], unitExpected));
console.log(
  `alarms ${alarms.length} (false alarms ${alarms.filter((a) => a.raw[3] === '虚假警情').length}, no time ${noTime.length}), weather ${weatherRaw.length}, key units ${unitRaw.length}; worst GCJ-02 round trip ${worstM.toFixed(4)} m`,
);
