import type { Poi, Station } from '../contract/schemas.ts';
import { distToPolyline, pointAlong, pointInRing, round6, signedAreaKm2, toLonLat, type Xy } from './geo.ts';
import { Rng } from './rng.ts';

/**
 * The static world: district boundary, built-up areas, river, forest ridges, fire sources (the points
 * whose latent intensity generates fires), points of interest, fire stations, crowd-flow zones and
 * IoT devices. Coordinates are kept in the local km plane (geo.ts) and converted to lon/lat at the end.
 */

export const DISTRICT_AREA_KM2 = 751.6;
export const BUILT_UP_AREA_KM2 = 45;
const URBAN_SPACING_KM = 0.23;

export type SourceKind = 'urban' | 'township' | 'village' | 'industrial' | 'forest';
export const sourceKinds: readonly SourceKind[] = ['urban', 'township', 'village', 'industrial', 'forest'];

export interface FireSource {
  id: number;
  kind: SourceKind;
  x: number;
  y: number;
  lon: number;
  lat: number;
  /** Residents in 2020 (0 for industrial and forest sources). */
  residents: number;
  /** Workers present on a working day (industrial sources). */
  workers: number;
  /** Built-up intensity 0..1 (urban sources; 0 elsewhere). */
  density: number;
  zone: number;
  /** POIs within NEAR_KM of the source, by kind. */
  near: Record<Poi['kind'], number>;
  place: string;
}

export interface ZoneInfo {
  zone_id: string;
  name: string;
  x: number;
  y: number;
  lon: number;
  lat: number;
  kind: 'urban' | 'university' | 'industrial' | 'tourist' | 'rural';
  residents: number;
  workers: number;
}

export interface Device {
  device_id: string;
  device_type: 'hydrant' | 'electrical_fire_monitor' | 'alarm_panel' | 'smoke_detector' | 'sprinkler_pressure';
  x: number;
  y: number;
  lon: number;
  lat: number;
  /** Day offset from 2016-01-01 on which the sensor came online (negative: before). */
  installedOffset: number;
}

export interface Place {
  name: string;
  x: number;
  y: number;
}

export interface World {
  ring: Xy[];
  ringLonLat: Array<[number, number]>;
  areaKm2: number;
  builtUpKm2: number;
  river: Xy[];
  ridges: Xy[][];
  sources: FireSource[];
  pois: Poi[];
  stations: Station[];
  zones: ZoneInfo[];
  devices: Device[];
  inside(x: number, y: number): boolean;
}

interface Blob {
  name: string;
  x: number;
  y: number;
  sx: number;
  sy: number;
  weight: number;
}

const blobs: Blob[] = [
  { name: '北碚老城', x: 0.6, y: 1.2, sx: 1.7, sy: 1.5, weight: 1 },
  { name: '蔡家', x: 2.0, y: -11.5, sx: 1.6, sy: 1.3, weight: 0.95 },
  { name: '水土', x: 8.0, y: -4.5, sx: 1.6, sy: 1.3, weight: 0.9 },
];

const townships: Array<Place & { residents: number }> = [
  { name: '歇马', x: -6.0, y: -1.5, residents: 30000 },
  { name: '澄江', x: -1.5, y: 7.5, residents: 20000 },
  { name: '静观', x: 3.5, y: 12.0, residents: 15000 },
  { name: '柳荫', x: 6.0, y: 13.5, residents: 12000 },
  { name: '金刀峡', x: 8.5, y: 9.0, residents: 10000 },
  { name: '三圣', x: 9.0, y: 3.0, residents: 10000 },
  { name: '天府', x: -5.0, y: 5.0, residents: 15000 },
  { name: '施家梁', x: -3.0, y: 12.0, residents: 15000 },
  { name: '复兴', x: 5.5, y: -0.5, residents: 20000 },
  { name: '童家溪', x: -1.0, y: -8.5, residents: 25000 },
  { name: '东阳', x: 3.2, y: -1.3, residents: 20000 },
];

const industrialParks: Array<Place & { count: number; sd: number }> = [
  { name: '蔡家组团工业园', x: 3.8, y: -13.0, count: 35, sd: 0.6 },
  { name: '童家溪工业园', x: -0.5, y: -10.2, count: 30, sd: 0.5 },
  { name: '水土高新园', x: 9.6, y: -6.2, count: 35, sd: 0.7 },
  { name: '歇马工业园', x: -6.6, y: -3.0, count: 15, sd: 0.4 },
  { name: '静观工业点', x: 4.6, y: 11.0, count: 10, sd: 0.4 },
];

const scenicSpots: Place[] = [
  { name: '北温泉', x: -1.0, y: 3.6 },
  { name: '缙云寺', x: -2.6, y: 3.4 },
  { name: '偏岩古镇', x: 7.5, y: 11.5 },
  { name: '金刀峡景区', x: 9.0, y: 9.7 },
];
const UNIVERSITY: Place = { name: '西南大学', x: 0.2, y: 1.9 };

const RIVER: Xy[] = [
  [-16, 13], [-11, 10.5], [-6.5, 8.8], [-3, 5.2], [-0.6, 3.0], [0.4, 1.5], [1.6, 0.2], [2.2, -2.2], [1.2, -5.5], [0.6, -8.6], [1.4, -11.0], [4.5, -14.5], [7, -20],
];
const RIDGES: Xy[][] = [
  [[-2.0, 6.5], [-3.5, 0.0], [-5.0, -5.0], [-5.8, -8.0]],
  [[7.0, 16.5], [11.0, 8.0], [11.6, 0.0], [10.8, -8.5]],
];

const NEAR_KM = 0.3;

function makeBoundary(rng: Rng): Xy[] {
  const keyPoints: Xy[] = [...blobs.map((b): Xy => [b.x, b.y]), ...townships.map((t): Xy => [t.x, t.y]), ...industrialParks.map((p): Xy => [p.x, p.y]), ...scenicSpots.map((p): Xy => [p.x, p.y])];
  for (let attempt = 0; attempt < 200; attempt++) {
    const harmonics = Array.from({ length: 10 }, (_, i) => ({ k: i + 2, amp: (rng.uniform(0.2, 1) * 0.08) / Math.sqrt(i + 2), phase: rng.uniform(0, 2 * Math.PI) }));
    const n = 144;
    const ring: Xy[] = [];
    for (let i = 0; i < n; i++) {
      const theta = (2 * Math.PI * i) / n;
      const ellipse = 1 / Math.sqrt((Math.cos(theta) / 12.6) ** 2 + (Math.sin(theta) / 19.0) ** 2);
      let factor = 1;
      for (const h of harmonics) factor += h.amp * Math.cos(h.k * theta + h.phase);
      ring.push([ellipse * factor * Math.cos(theta), -1.0 + ellipse * factor * Math.sin(theta)]);
    }
    const scale = Math.sqrt(DISTRICT_AREA_KM2 / signedAreaKm2(ring));
    const scaled = ring.map(([x, y]): Xy => [x * scale, (y + 1.0) * scale - 1.0]);
    if (keyPoints.every(([x, y]) => pointInRing(x, y, scaled) && distToPolyline(x, y, scaled, true) > 1.5)) return scaled;
  }
  throw new Error('synth: could not shape a boundary around the district layout');
}

class SpatialIndex {
  private readonly cells = new Map<string, number[]>();
  constructor(private readonly cellKm: number) {}
  private key(ix: number, iy: number) {
    return `${ix}:${iy}`;
  }
  add(id: number, x: number, y: number) {
    const k = this.key(Math.floor(x / this.cellKm), Math.floor(y / this.cellKm));
    const list = this.cells.get(k);
    if (list) list.push(id);
    else this.cells.set(k, [id]);
  }
  /** Ids in the cells overlapping the square of half-side r around (x, y), in insertion order per cell. */
  candidates(x: number, y: number, r: number): number[] {
    const out: number[] = [];
    for (let ix = Math.floor((x - r) / this.cellKm); ix <= Math.floor((x + r) / this.cellKm); ix++)
      for (let iy = Math.floor((y - r) / this.cellKm); iy <= Math.floor((y + r) / this.cellKm); iy++) {
        const list = this.cells.get(this.key(ix, iy));
        if (list) out.push(...list);
      }
    return out;
  }
}

export function blobDensity(x: number, y: number): { value: number; blob: number } {
  let value = 0;
  let blob = -1;
  blobs.forEach((b, i) => {
    const v = b.weight * Math.exp(-0.5 * (((x - b.x) / b.sx) ** 2 + ((y - b.y) / b.sy) ** 2));
    if (v > value) {
      value = v;
      blob = i;
    }
  });
  return { value, blob };
}

const emptyNear = (): Record<Poi['kind'], number> => ({
  high_rise: 0, key_unit: 0, high_risk_unit: 0, hazardous_chemicals: 0, old_residential: 0, market: 0, school: 0, elder_care: 0, hospital: 0, heritage: 0, factory: 0, warehouse: 0, other: 0,
});

export function buildWorld(seed: number): World {
  const rng = new Rng(seed, 'geography');
  const ring = makeBoundary(rng);
  const inside = (x: number, y: number) => pointInRing(x, y, ring) && distToPolyline(x, y, ring, true) > 0.15;
  const nearTownship = (x: number, y: number, km: number) => townships.some((t) => Math.hypot(x - t.x, y - t.y) < km);
  const nearRidge = (x: number, y: number) => Math.min(...RIDGES.map((r) => distToPolyline(x, y, r)));

  type Draft = Omit<FireSource, 'id' | 'lon' | 'lat' | 'zone' | 'near'>;
  const drafts: Draft[] = [];

  // Urban core: jittered lattice, the densest points up to the built-up area.
  const urbanCandidates: Array<{ x: number; y: number; value: number; blob: number }> = [];
  for (let gx = -6; gx <= 13; gx += URBAN_SPACING_KM)
    for (let gy = -16; gy <= 6; gy += URBAN_SPACING_KM) {
      const x = gx + rng.uniform(-0.06, 0.06);
      const y = gy + rng.uniform(-0.06, 0.06);
      const d = blobDensity(x, y);
      if (d.value > 0.15 && inside(x, y) && distToPolyline(x, y, RIVER) > 0.12) urbanCandidates.push({ x, y, ...d });
    }
  urbanCandidates.sort((a, b) => b.value - a.value || a.x - b.x || a.y - b.y);
  const urbanCount = Math.round(BUILT_UP_AREA_KM2 / (URBAN_SPACING_KM * URBAN_SPACING_KM));
  const urban = urbanCandidates.slice(0, urbanCount);
  const urbanResidents2020 = 560_000;
  const urbanWeightSum = urban.reduce((s, u) => s + u.value ** 1.5, 0);
  for (const u of urban)
    drafts.push({ kind: 'urban', x: u.x, y: u.y, residents: (urbanResidents2020 * u.value ** 1.5) / urbanWeightSum, workers: 0, density: u.value, place: blobs[u.blob].name });

  for (const t of townships) {
    const pts: Xy[] = [];
    for (let gx = -0.75; gx <= 0.75; gx += 0.25)
      for (let gy = -0.75; gy <= 0.75; gy += 0.25) {
        const r = Math.hypot(gx, gy);
        const x = t.x + gx + rng.uniform(-0.05, 0.05);
        const y = t.y + gy + rng.uniform(-0.05, 0.05);
        if (r <= 0.76 && inside(x, y)) pts.push([x, y]);
      }
    const weights = pts.map(([x, y]) => Math.exp(-(((x - t.x) ** 2 + (y - t.y) ** 2) / 0.35)));
    const wsum = weights.reduce((a, b) => a + b, 0);
    pts.forEach(([x, y], i) => drafts.push({ kind: 'township', x, y, residents: (t.residents * weights[i]) / wsum, workers: 0, density: 0, place: t.name }));
  }

  const villageTarget = 450;
  const villageResidents = 90_000;
  const villages: Array<{ x: number; y: number; w: number }> = [];
  for (let tries = 0; villages.length < villageTarget && tries < 200_000; tries++) {
    const x = rng.uniform(-16, 16);
    const y = rng.uniform(-22, 20);
    if (!inside(x, y) || blobDensity(x, y).value > 0.08 || nearTownship(x, y, 1.0) || nearRidge(x, y) < 1.0) continue;
    villages.push({ x, y, w: rng.logNormal(1, 0.5) });
  }
  const vsum = villages.reduce((s, v) => s + v.w, 0);
  for (const v of villages) drafts.push({ kind: 'village', x: v.x, y: v.y, residents: (villageResidents * v.w) / vsum, workers: 0, density: 0, place: '农村' });

  for (const park of industrialParks) {
    let made = 0;
    for (let tries = 0; made < park.count && tries < 10_000; tries++) {
      const x = park.x + rng.normal(0, park.sd);
      const y = park.y + rng.normal(0, park.sd);
      if (!inside(x, y) || distToPolyline(x, y, RIVER) < 0.15) continue;
      drafts.push({ kind: 'industrial', x, y, residents: 0, workers: Math.round(rng.logNormal(700, 0.6)), density: 0, place: park.name });
      made++;
    }
  }

  const forestTarget = 380;
  const ridgeLengths = RIDGES.map((r) => r.slice(1).reduce((s, p, i) => s + Math.hypot(p[0] - r[i][0], p[1] - r[i][1]), 0));
  let forestMade = 0;
  for (let tries = 0; forestMade < forestTarget && tries < 100_000; tries++) {
    const ridge = RIDGES[rng.weightedIndex(ridgeLengths)];
    const [px, py] = pointAlong(ridge, rng.next());
    const x = px + rng.normal(0, 1.0);
    const y = py + rng.normal(0, 1.0);
    if (!inside(x, y) || blobDensity(x, y).value > 0.1 || nearTownship(x, y, 0.9)) continue;
    drafts.push({ kind: 'forest', x, y, residents: 0, workers: 0, density: 0, place: ridge === RIDGES[0] ? '缙云山' : '华蓥山余脉' });
    forestMade++;
  }

  const sourceIndex = new SpatialIndex(0.5);
  drafts.forEach((d, i) => sourceIndex.add(i, d.x, d.y));
  const ofKind = (kind: SourceKind) => drafts.map((d, i) => ({ d, i })).filter(({ d }) => d.kind === kind);

  // Points of interest.
  const pois: Poi[] = [];
  const poiXy: Xy[] = [];
  const addPoi = (kind: Poi['kind'], x: number, y: number, name: string, floors?: number) => {
    pois.push({ poi_id: '', kind, lon: 0, lat: 0, name, floors });
    poiXy.push([x, y]);
  };
  const placeNear = (base: { x: number; y: number }, jitterKm: number): Xy => {
    for (let k = 0; k < 50; k++) {
      const x = base.x + rng.normal(0, jitterKm);
      const y = base.y + rng.normal(0, jitterKm);
      if (inside(x, y)) return [x, y];
    }
    return [base.x, base.y];
  };
  const sampleFrom = <T extends { d: Draft }>(list: T[], weight: (item: T) => number): T => list[rng.weightedIndex(list.map(weight))];
  const urbanList = ofKind('urban');
  const townshipList = ofKind('township');
  const villageList = ofKind('village');
  const industrialList = ofKind('industrial');
  const counter = new Map<string, number>();
  const nameFor = (place: string, label: string) => {
    const key = `${place}${label}`;
    const n = (counter.get(key) ?? 0) + 1;
    counter.set(key, n);
    return `${place}${label}${n}号`;
  };

  for (let i = 0; i < 1000; i++) {
    const s = sampleFrom(urbanList, ({ d }) => d.density ** 2 * (d.place === '蔡家' ? 1.6 : 1));
    const [x, y] = placeNear(s.d, 0.08);
    addPoi('high_rise', x, y, nameFor(s.d.place, '高层住宅'), Math.min(54, 10 + Math.round(rng.gamma(2, 6))));
  }
  for (let i = 0; i < 400; i++) {
    const fromTownship = rng.bernoulli(0.15);
    const s = fromTownship ? rng.pick(townshipList) : sampleFrom(urbanList, ({ d }) => (d.place === '北碚老城' ? d.density ** 3 : 0.02 * d.density));
    const [x, y] = placeNear(s.d, 0.06);
    addPoi('old_residential', x, y, nameFor(s.d.place, '老旧住宅'), 2 + rng.int(6));
  }
  const simple = (kind: Poi['kind'], label: string, count: number, pickSource: () => { d: Draft }, jitter = 0.08) => {
    for (let i = 0; i < count; i++) {
      const s = pickSource();
      const [x, y] = placeNear(s.d, jitter);
      addPoi(kind, x, y, nameFor(s.d.place, label));
    }
  };
  const urbanByDensity = () => sampleFrom(urbanList, ({ d }) => d.density);
  const urbanByDensity2 = () => sampleFrom(urbanList, ({ d }) => d.density ** 2);
  const mixed = (pUrban: number, pTownship: number) => () => {
    const u = rng.next();
    if (u < pUrban) return urbanByDensity();
    if (u < pUrban + pTownship) return rng.pick(townshipList);
    return rng.pick(villageList);
  };
  simple('market', '市场', 60, mixed(0.75, 0.25));
  simple('school', '学校', 120, mixed(0.65, 0.25));
  simple('elder_care', '养老院', 40, mixed(0.6, 0.3));
  simple('hospital', '医院', 20, mixed(0.7, 0.3));
  simple('key_unit', '重点单位', 311, urbanByDensity);
  simple('high_risk_unit', '火灾高危单位', 78, urbanByDensity2);
  simple('factory', '厂房', 300, () => rng.pick(industrialList), 0.12);
  simple('factory', '小作坊', 100, mixed(0.2, 0.6), 0.2);
  simple('warehouse', '仓库', 110, () => rng.pick(industrialList), 0.12);
  simple('warehouse', '物流仓储', 40, mixed(0.8, 0.2), 0.3);
  simple('hazardous_chemicals', '危化品单位', 70, () => rng.pick(industrialList), 0.12);
  simple('hazardous_chemicals', '加油加气站', 30, mixed(0.5, 0.5), 0.3);
  for (const spot of scenicSpots) {
    const [x, y] = placeNear(spot, 0.05);
    addPoi('heritage', x, y, spot.name);
  }
  simple('heritage', '民国建筑', 12, () => sampleFrom(urbanList, ({ d }) => (d.place === '北碚老城' ? d.density ** 4 : 0)), 0.05);
  simple('heritage', '古建筑', 14, mixed(0, 0.6), 0.2);
  pois.forEach((p, i) => {
    const [lon, lat] = toLonLat(poiXy[i]);
    p.poi_id = `P${String(i + 1).padStart(5, '0')}`;
    p.lon = round6(lon);
    p.lat = round6(lat);
  });

  // Zones: 2.5 km squares holding people.
  const zoneKm = 2.5;
  const zoneKey = (x: number, y: number) => `${Math.floor(x / zoneKm)}:${Math.floor(y / zoneKm)}`;
  const zoneAcc = new Map<string, { ix: number; iy: number; wx: number; wy: number; w: number; residents: number; workers: number; urban: number }>();
  for (const d of drafts) {
    if (d.kind === 'forest') continue;
    const key = zoneKey(d.x, d.y);
    const acc = zoneAcc.get(key) ?? { ix: Math.floor(d.x / zoneKm), iy: Math.floor(d.y / zoneKm), wx: 0, wy: 0, w: 0, residents: 0, workers: 0, urban: 0 };
    const w = d.residents + d.workers;
    acc.wx += d.x * w;
    acc.wy += d.y * w;
    acc.w += w;
    acc.residents += d.residents;
    acc.workers += d.workers;
    if (d.kind === 'urban') acc.urban += d.residents;
    zoneAcc.set(key, acc);
  }
  const zoneEntries = [...zoneAcc.entries()].sort((a, b) => b[1].iy - a[1].iy || a[1].ix - b[1].ix);
  const zoneIndexByKey = new Map<string, number>();
  const zones: ZoneInfo[] = zoneEntries.map(([key, acc], i) => {
    zoneIndexByKey.set(key, i);
    const x = acc.wx / acc.w;
    const y = acc.wy / acc.w;
    const inSquare = (p: Place) => zoneKey(p.x, p.y) === key;
    const kind: ZoneInfo['kind'] = inSquare(UNIVERSITY)
      ? 'university'
      : scenicSpots.some(inSquare)
        ? 'tourist'
        : acc.workers > acc.residents
          ? 'industrial'
          : acc.urban > 0.5 * acc.residents
            ? 'urban'
            : 'rural';
    const nearestPlace = [...blobs, ...townships].reduce((best, p) => (Math.hypot(p.x - x, p.y - y) < Math.hypot(best.x - x, best.y - y) ? p : best));
    const [lon, lat] = toLonLat([x, y]);
    return { zone_id: `Z${String(i + 1).padStart(3, '0')}`, name: `${nearestPlace.name}-${i + 1}`, x, y, lon: round6(lon), lat: round6(lat), kind, residents: acc.residents, workers: acc.workers };
  });

  // Sources with ids, zones and nearby POI counts.
  const poiIndex = new SpatialIndex(0.5);
  poiXy.forEach(([x, y], i) => poiIndex.add(i, x, y));
  const sources: FireSource[] = drafts.map((d, id) => {
    const near = emptyNear();
    for (const j of poiIndex.candidates(d.x, d.y, NEAR_KM)) if (Math.hypot(poiXy[j][0] - d.x, poiXy[j][1] - d.y) <= NEAR_KM) near[pois[j].kind]++;
    const nearestZoneKey = zoneKey(d.x, d.y);
    let zone = zoneIndexByKey.get(nearestZoneKey) ?? -1;
    if (zone < 0) zone = zones.reduce((best, z, i) => (Math.hypot(z.x - d.x, z.y - d.y) < Math.hypot(zones[best].x - d.x, zones[best].y - d.y) ? i : best), 0);
    const [lon, lat] = toLonLat([d.x, d.y]);
    return { ...d, id, lon: round6(lon), lat: round6(lat), zone, near };
  });

  // Fire stations: five in service before the data, the plan's new ones with their opening days.
  const stationDefs: Array<{ id: string; name: string; x: number; y: number; opened?: string; kind: string }> = [
    { id: 'BB01', name: '北碚消防救援站', x: 0.8, y: 1.5, kind: 'urban' },
    { id: 'BB02', name: '城南消防救援站', x: 0.4, y: -0.8, kind: 'urban' },
    { id: 'BB03', name: '云丰消防救援站', x: 2.3, y: -11.0, kind: 'urban' },
    { id: 'BB04', name: '水土消防救援站', x: 8.2, y: -4.2, kind: 'urban' },
    { id: 'BB05', name: '童家溪消防救援站', x: -0.8, y: -8.2, kind: 'urban' },
    { id: 'BB06', name: '歇马特勤消防救援站', x: -5.8, y: -1.6, opened: '2022-12-28', kind: 'special' },
    { id: 'BB07', name: '复兴特勤消防救援站', x: 5.6, y: -0.3, opened: '2022-10-31', kind: 'special' },
    { id: 'BB08', name: '澄江镇政府专职消防队', x: -1.4, y: 7.6, opened: '2023-06-30', kind: 'professional' },
    { id: 'BB09', name: '水陆消防救援站', x: 2.7, y: -0.4, opened: '2025-09-30', kind: 'water' },
  ];
  const stations: Station[] = stationDefs.map((s) => {
    const [lon, lat] = toLonLat([s.x, s.y]);
    return { station_id: s.id, name: s.name, lon: round6(lon), lat: round6(lat), opened_on: s.opened, closed_on: undefined, kind: s.kind };
  });

  const devices = makeDevices(rng, pois, poiXy, drafts, inside);
  return {
    ring,
    ringLonLat: ring.map((p) => toLonLat(p)),
    areaKm2: signedAreaKm2(ring),
    builtUpKm2: urbanCount * URBAN_SPACING_KM * URBAN_SPACING_KM,
    river: RIVER,
    ridges: RIDGES,
    sources,
    pois,
    stations,
    zones,
    devices,
    inside,
  };
}

function makeDevices(rng: Rng, pois: Poi[], poiXy: Xy[], drafts: Array<{ kind: SourceKind; x: number; y: number }>, inside: (x: number, y: number) => boolean): Device[] {
  const devices: Device[] = [];
  const prefix: Record<Device['device_type'], string> = { hydrant: 'HY', electrical_fire_monitor: 'EF', alarm_panel: 'AP', smoke_detector: 'SD', sprinkler_pressure: 'SP' };
  const counts: Record<string, number> = {};
  const add = (type: Device['device_type'], x0: number, y0: number, jitterKm: number, installedOffset: number) => {
    let x = x0;
    let y = y0;
    for (let k = 0; k < 20; k++) {
      const cx = x0 + rng.normal(0, jitterKm);
      const cy = y0 + rng.normal(0, jitterKm);
      if (inside(cx, cy)) {
        x = cx;
        y = cy;
        break;
      }
    }
    counts[type] = (counts[type] ?? 0) + 1;
    const [lon, lat] = toLonLat([x, y]);
    devices.push({ device_id: `${prefix[type]}-${String(counts[type]).padStart(5, '0')}`, device_type: type, x, y, lon: round6(lon), lat: round6(lat), installedOffset });
  };
  /** Before the data with probability pBefore, else a day between fromYear and toYear (offsets from 2016-01-01). */
  const install = (pBefore: number, fromYear: number, toYear: number) => (rng.bernoulli(pBefore) ? -1 : Math.floor(rng.uniform((fromYear - 2016) * 365.25, (toYear - 2016 + 1) * 365.25)));

  const hydrantWeights = drafts.map((d) => ({ urban: 1, township: 0.5, village: 0.015, industrial: 0.5, forest: 0 })[d.kind]);
  for (let i = 0; i < 1813; i++) {
    const d = drafts[rng.weightedIndex(hydrantWeights)];
    add('hydrant', d.x, d.y, 0.1, install(0.7, 2016, 2021));
  }
  pois.forEach((p, i) => {
    const [x, y] = poiXy[i];
    switch (p.kind) {
      case 'key_unit':
      case 'high_risk_unit':
        add('electrical_fire_monitor', x, y, 0.01, install(0.4, 2016, 2022));
        add('alarm_panel', x, y, 0.01, install(0.8, 2016, 2019));
        if (rng.bernoulli(0.3)) add('sprinkler_pressure', x, y, 0.01, install(0.7, 2016, 2020));
        break;
      case 'old_residential':
        add('electrical_fire_monitor', x, y, 0.01, install(0, 2018, 2021));
        add('smoke_detector', x, y, 0.01, install(0, 2019, 2024));
        add('smoke_detector', x, y, 0.02, install(0, 2019, 2024));
        break;
      case 'market':
        add('electrical_fire_monitor', x, y, 0.02, install(0.4, 2016, 2021));
        add('electrical_fire_monitor', x, y, 0.02, install(0.4, 2016, 2021));
        break;
      case 'high_rise':
        if (rng.bernoulli(0.4)) add('electrical_fire_monitor', x, y, 0.01, install(0.3, 2016, 2023));
        if (rng.bernoulli(0.15)) add('alarm_panel', x, y, 0.01, install(0.6, 2016, 2021));
        if (rng.bernoulli(0.4)) add('sprinkler_pressure', x, y, 0.01, install(0.7, 2016, 2020));
        break;
      case 'factory':
        if (rng.bernoulli(0.25)) add('electrical_fire_monitor', x, y, 0.01, install(0.3, 2016, 2023));
        break;
      case 'elder_care':
        add('electrical_fire_monitor', x, y, 0.01, install(0.3, 2016, 2021));
        for (let k = 0; k < 5; k++) add('smoke_detector', x, y, 0.02, install(0, 2019, 2024));
        break;
      default:
        break;
    }
  });
  drafts.forEach((d) => {
    if (d.kind === 'village' && rng.bernoulli(0.5)) add('smoke_detector', d.x, d.y, 0.05, install(0, 2020, 2025));
  });
  return devices;
}
