import type { FacilityStatus } from '../contract/schemas.ts';
import type { Device, FireSource } from './geography.ts';
import { bucketByCell } from './geo.ts';
import { Rng } from './rng.ts';
import { localInstantOf } from './time.ts';

/**
 * IoT status events of fire facilities. Each device reports `normal` when it comes online (or at the
 * start of the data for older devices), then alternates between `normal` and episodes of `alarm`,
 * `fault`, `offline` or `disabled` (a renewal process per device type: onset rates per year and
 * log-normal durations). A device keeps its status until its next event.
 *
 * The intensity model reads, for each fire source and day, the devices within FACILITY_RADIUS_KM in a
 * given status at local midnight starting the day (what a model could know the evening before):
 * electrical fire monitors in `alarm` (leakage current or overheating found), and monitoring devices
 * in `fault`/`offline` (neglected maintenance).
 */
export const FACILITY_RADIUS_KM = 0.25;

type EpisodeStatus = 'alarm' | 'fault' | 'offline' | 'disabled';
interface EpisodeSpec {
  status: EpisodeStatus;
  perYear: number;
  medianDays: number;
  sigma: number;
}

const episodeSpecs: Record<Device['device_type'], EpisodeSpec[]> = {
  hydrant: [
    { status: 'fault', perYear: 0.45, medianDays: 12, sigma: 0.8 },
    { status: 'offline', perYear: 0.6, medianDays: 1.2, sigma: 0.9 },
    { status: 'disabled', perYear: 0.03, medianDays: 60, sigma: 0.5 },
  ],
  electrical_fire_monitor: [
    { status: 'alarm', perYear: 2.2, medianDays: 1.5, sigma: 0.9 },
    { status: 'fault', perYear: 0.7, medianDays: 5, sigma: 0.8 },
    { status: 'offline', perYear: 1.5, medianDays: 1.5, sigma: 1.0 },
  ],
  alarm_panel: [
    { status: 'alarm', perYear: 3, medianDays: 0.04, sigma: 0.8 },
    { status: 'fault', perYear: 1, medianDays: 4, sigma: 0.8 },
    { status: 'offline', perYear: 1, medianDays: 0.8, sigma: 1.0 },
  ],
  smoke_detector: [
    { status: 'alarm', perYear: 0.4, medianDays: 0.01, sigma: 0.5 },
    { status: 'offline', perYear: 1.2, medianDays: 8, sigma: 0.9 },
  ],
  sprinkler_pressure: [
    { status: 'fault', perYear: 0.6, medianDays: 10, sigma: 0.8 },
    { status: 'offline', perYear: 0.5, medianDays: 1, sigma: 1.0 },
  ],
};

export interface FacilityDrivers {
  /** Electrical fire monitors in alarm near source s at the start of day i: [s * nDays + i]. */
  alarms: Int16Array;
  /** Monitoring devices (not hydrants) in fault or offline near source s at the start of day i. */
  faults: Int16Array;
  nDays: number;
  rows: FacilityStatus[];
}

/** `firstDay`: day number of the first day; `nDays`: days of data (status events stop at the end). `epochDay2016`: day number of 2016-01-01. */
export function simulateFacilities(seed: number, devices: readonly Device[], sources: readonly FireSource[], firstDay: number, nDays: number, epochDay2016: number): FacilityDrivers {
  const rng = new Rng(seed, 'facilities');
  const S = sources.length;
  const diffAlarm = new Int32Array(S * (nDays + 1));
  const diffFault = new Int32Array(S * (nDays + 1));
  const cell = 0.5;
  const grid = bucketByCell(sources, cell);
  const nearby = (x: number, y: number) => {
    const out: number[] = [];
    for (let ix = Math.floor((x - FACILITY_RADIUS_KM) / cell); ix <= Math.floor((x + FACILITY_RADIUS_KM) / cell); ix++)
      for (let iy = Math.floor((y - FACILITY_RADIUS_KM) / cell); iy <= Math.floor((y + FACILITY_RADIUS_KM) / cell); iy++)
        for (const id of grid.get(`${ix}:${iy}`) ?? []) if (Math.hypot(sources[id].x - x, sources[id].y - y) <= FACILITY_RADIUS_KM) out.push(id);
    return out;
  };
  const events: Array<{ t: number; device: number; status: FacilityStatus['status'] }> = [];
  const end = firstDay + nDays;
  devices.forEach((device, di) => {
    const specs = episodeSpecs[device.device_type];
    const totalRate = specs.reduce((s, e) => s + e.perYear, 0) / 365.25;
    const installed = epochDay2016 + device.installedOffset;
    let t = installed < firstDay ? firstDay : installed + rng.uniform(0.35, 0.7);
    if (t >= end) return;
    events.push({ t, device: di, status: 'normal' });
    const near = device.device_type === 'hydrant' ? [] : nearby(device.x, device.y);
    for (;;) {
      t += rng.exponential(1 / totalRate);
      if (t >= end) break;
      const spec = specs[rng.weightedIndex(specs.map((s) => s.perYear))];
      const duration = rng.logNormal(spec.medianDays, spec.sigma);
      const t1 = t + duration;
      events.push({ t, device: di, status: spec.status });
      if (t1 < end) events.push({ t: t1, device: di, status: 'normal' });
      const counter = spec.status === 'alarm' && device.device_type === 'electrical_fire_monitor' ? diffAlarm : spec.status === 'fault' || spec.status === 'offline' ? diffFault : undefined;
      if (counter && near.length > 0) {
        const k0 = Math.ceil(t - firstDay);
        const k1 = Math.min(nDays, Math.ceil(t1 - firstDay));
        if (k1 > k0)
          for (const s of near) {
            counter[s * (nDays + 1) + k0]++;
            counter[s * (nDays + 1) + k1]--;
          }
      }
      t = t1;
      if (t >= end) break;
    }
  });
  const alarms = new Int16Array(S * nDays);
  const faults = new Int16Array(S * nDays);
  for (let s = 0; s < S; s++) {
    let a = 0;
    let f = 0;
    for (let i = 0; i < nDays; i++) {
      a += diffAlarm[s * (nDays + 1) + i];
      f += diffFault[s * (nDays + 1) + i];
      alarms[s * nDays + i] = a;
      faults[s * nDays + i] = f;
    }
  }
  // Timestamps are kept to the second; order by time, then device.
  const stamped = events.map((e) => ({ at: localInstantOf(e.t), device: e.device, status: e.status }));
  stamped.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.device - b.device));
  const rows: FacilityStatus[] = [];
  let lastKey = '';
  for (const e of stamped) {
    const d = devices[e.device];
    const key = `${d.device_id}|${e.at}`;
    if (key === lastKey) continue;
    lastKey = key;
    rows.push({ device_id: d.device_id, device_type: d.device_type, lon: d.lon, lat: d.lat, at: e.at, status: e.status });
  }
  return { alarms, faults, nDays, rows };
}
