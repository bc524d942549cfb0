import { join } from 'node:path';
import type { CrowdFlow, FacilityStatus, Incident, MajorEvent, Poi, Station, Weather, Zone } from '../contract/schemas.ts';
import { addDays, dayNumber } from '../util/days.ts';
import type { Logger } from '../util/log.ts';
import { simulateAlarms } from './alarms.ts';
import { buildCalendar } from './calendar.ts';
import { crowdRows, simulateCrowd } from './crowd.ts';
import { eventRows, scheduleEvents } from './events.ts';
import { simulateFacilities } from './facilities.ts';
import { buildWorld, type World } from './geography.ts';
import { expectedResidentialShare, stampIncidents } from './incidents.ts';
import { intensityModel, KIND_SHARE, simulateFires, type IntensityResult } from './intensity.ts';
import { categories, publishedCounts, trendDescription, yearlyTarget } from './targets.ts';
import { weatherRows, simulateWeather } from './weather.ts';
import { boundaryGeoJson, csvTables, describeFile, GENERATOR, prepareOutput, toCsv, writeIntensityParquet, writeText, type FileEntry } from './writers.ts';

export interface SynthOptions {
  seed: number;
  /** First day of history, YYYY-MM-DD. */
  from: string;
  /** Last day of history, YYYY-MM-DD. */
  to: string;
  forecastDays: number;
}

export interface SynthDataset {
  options: SynthOptions;
  world: World;
  incidents: Incident[];
  weather: Weather[];
  crowdFlow: CrowdFlow[];
  zones: Zone[];
  facilityStatus: FacilityStatus[];
  stations: Station[];
  pois: Poi[];
  events: MajorEvent[];
  intensity: IntensityResult;
  firstDay: number;
  nObserved: number;
}

/** Generates the whole synthetic district in memory; a pure function of the options. */
export function generateSynthetic(options: SynthOptions, log?: Logger): SynthDataset {
  const firstDay = dayNumber(options.from);
  const lastDay = dayNumber(options.to);
  if (lastDay < firstDay) throw new RangeError(`synth: --to ${options.to} is before --from ${options.from}`);
  const nObserved = lastDay - firstDay + 1;
  const days = buildCalendar(firstDay, lastDay + options.forecastDays);
  const world = buildWorld(options.seed);
  log?.info('synth: world built', { sources: world.sources.length, pois: world.pois.length, zones: world.zones.length, devices: world.devices.length });
  const weather = simulateWeather(options.seed, days);
  const events = scheduleEvents(options.seed, days.slice(0, nObserved));
  const crowd = simulateCrowd(options.seed, world.zones, days, weather, events);
  const facilities = simulateFacilities(options.seed, world.devices, world.sources, firstDay, nObserved, dayNumber('2016-01-01'));
  const intensity = simulateFires({ seed: options.seed, sources: world.sources, days, nObserved, weather, crowd, facilities, events });
  log?.info('synth: fires drawn', { fires: intensity.fires.length });
  const alarms = simulateAlarms(options.seed, world, days, nObserved, weather, crowd);
  const incidents = stampIncidents(options.seed, days, world.sources, intensity.fires, alarms, world.stations);
  return {
    options,
    world,
    incidents,
    weather: weatherRows(options.seed, days, weather, nObserved - 1),
    crowdFlow: crowdRows(world.zones, days, crowd, nObserved),
    zones: world.zones.map((z) => ({ zone_id: z.zone_id, lon: z.lon, lat: z.lat, name: z.name })),
    facilityStatus: facilities.rows,
    stations: world.stations,
    pois: world.pois,
    events: eventRows(events),
    intensity,
    firstDay,
    nObserved,
  };
}

function yearlyTable(dataset: SynthDataset) {
  const realised = new Map<number, Record<string, number>>();
  let residential = 0;
  let fires = 0;
  for (const inc of dataset.incidents) {
    const year = Number(inc.reported_at.slice(0, 4));
    const r = realised.get(year) ?? { fire: 0, rescue: 0, assistance: 0, other: 0 };
    r[inc.category]++;
    realised.set(year, r);
    if (inc.category === 'fire') {
      fires++;
      if (inc.property_type === 'residential') residential++;
    }
  }
  const years = dataset.intensity.calibration.map((c) => {
    const r = realised.get(c.year) ?? { fire: 0, rescue: 0, assistance: 0, other: 0 };
    const daysInYear = (c.year % 4 === 0 && c.year % 100 !== 0) || c.year % 400 === 0 ? 366 : 365;
    const target = Object.fromEntries(categories.map((cat) => [cat, Math.round(((yearlyTarget(cat, c.year) * c.days) / daysInYear) * 10) / 10]));
    return {
      year: c.year,
      days: c.days,
      published: publishedCounts[c.year] ?? null,
      target,
      expected_fires: Math.round(c.expected * 10) / 10,
      calibration_factor: Number(c.scale.toPrecision(6)),
      calibration_passes: c.passes,
      realised: r,
    };
  });
  return { years, residentialShare: fires > 0 ? residential / fires : 0 };
}

export interface WriteSummary {
  outDir: string;
  files: Record<string, FileEntry>;
}

/** Writes the dataset folder atomically (temporary sibling folder, then rename). */
export async function writeSynthetic(dataset: SynthDataset, outDir: string, log?: Logger): Promise<WriteSummary> {
  const { tmp, publish } = prepareOutput(outDir);
  const { world } = dataset;
  const rows: Record<string, number | null> = {};
  const put = (name: string, text: string, count: number | null) => {
    writeText(tmp, name, text);
    rows[name] = count;
  };
  put('incidents.csv', csvTables.incidents(dataset.incidents), dataset.incidents.length);
  put('weather.csv', csvTables.weather(dataset.weather), dataset.weather.length);
  put('crowd_flow.csv', csvTables.crowd_flow(dataset.crowdFlow), dataset.crowdFlow.length);
  put('zones.csv', csvTables.zones(dataset.zones), dataset.zones.length);
  put('facility_status.csv', csvTables.facility_status(dataset.facilityStatus), dataset.facilityStatus.length);
  put('stations.csv', csvTables.stations(dataset.stations), dataset.stations.length);
  put('pois.csv', csvTables.pois(dataset.pois), dataset.pois.length);
  put('events.csv', csvTables.events(dataset.events), dataset.events.length);
  put('boundary.geojson', boundaryGeoJson(world.ringLonLat, { name: 'Beibei District (synthetic)', area_km2: Math.round(world.areaKm2 * 10) / 10 }), null);
  put('truth/sources.csv', toCsv(['source_id', 'lon', 'lat'], world.sources.map((s) => [String(s.id), s.lon.toFixed(6), s.lat.toFixed(6)])), world.sources.length);
  await writeIntensityParquet(join(tmp, 'truth', 'intensity.parquet'), dataset.intensity.truth, world.sources.length, dataset.firstDay, dataset.nObserved);
  rows['truth/intensity.parquet'] = world.sources.length * dataset.nObserved;

  const files: Record<string, FileEntry> = {};
  for (const name of Object.keys(rows).sort()) files[name] = describeFile(join(tmp, name), rows[name]);
  const { years, residentialShare } = yearlyTable(dataset);
  const kindCounts = Object.fromEntries(['urban', 'township', 'village', 'industrial', 'forest'].map((k) => [k, world.sources.filter((s) => s.kind === k).length]));
  const poiCounts: Record<string, number> = {};
  for (const p of world.pois) poiCounts[p.kind] = (poiCounts[p.kind] ?? 0) + 1;
  const deviceCounts: Record<string, number> = {};
  for (const d of world.devices) deviceCounts[d.device_type] = (deviceCounts[d.device_type] ?? 0) + 1;
  const manifest = {
    generator: GENERATOR,
    seed: dataset.options.seed,
    span: { from: dataset.options.from, to: dataset.options.to, days: dataset.nObserved, forecast_days: dataset.options.forecastDays, forecast_to: addDays(dataset.options.to, dataset.options.forecastDays) },
    timezone: 'Asia/Shanghai (UTC+08:00)',
    crs: 'EPSG:4326 (WGS84 lon/lat)',
    files,
    world: {
      area_km2: Math.round(world.areaKm2 * 10) / 10,
      built_up_km2: Math.round(world.builtUpKm2 * 10) / 10,
      centre: { lon: 106.43, lat: 29.82 },
      fire_sources: { total: world.sources.length, by_kind: kindCounts },
      pois: poiCounts,
      devices: deviceCounts,
      zones: world.zones.length,
      stations: world.stations.length,
    },
    truth: {
      description:
        'truth/intensity.parquet holds lambda(source, day): the exact expected number of `fire` incidents at each source location (truth/sources.csv) on each day, the intensity from which the fires were drawn (conditional on the history, through the near-repeat term). Every fire incident lies exactly at its source location, so summing the sources inside a grid cell gives that cell\'s true intensity (the oracle). Training must never read truth/.',
      rows: world.sources.length * dataset.nObserved,
    },
    intensity_model: intensityModel,
    kind_shares: KIND_SHARE,
    expected_residential_share_of_fires: Math.round(expectedResidentialShare(KIND_SHARE) * 1000) / 1000,
    realised_residential_share_of_fires: Math.round(residentialShare * 1000) / 1000,
    variance: dataset.intensity.variance,
    other_alarms:
      'rescue, assistance and other alarms: yearly totals fixed to the rounded targets and spread over days and places in proportion to their daily sub-kind intensities (a Poisson process conditioned on its total); see src/synth/alarms.ts',
    calibration: { source: 'Beibei District fire-rescue plan 2021-2025 (专栏2: alarms by category 2016-2020)', trend: trendDescription, years },
  };
  writeText(tmp, 'MANIFEST.json', `${JSON.stringify(manifest, null, 2)}\n`);
  publish();
  log?.info('synth: written', { out: outDir, incidents: dataset.incidents.length });
  return { outDir, files };
}
