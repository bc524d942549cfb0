import type { Weather } from '../contract/schemas.ts';
import type { DayInfo } from './calendar.ts';
import { Rng } from './rng.ts';

/**
 * Daily weather of one district station, Chongqing-like: hot humid summers (July-August means near
 * 29 °C, heat waves over 38 °C), mild damp winters (January near 8 °C), ~1,100 mm of rain mostly
 * May-September, calm winds. AR(1) temperature anomalies, a Markov chain for wet days, gamma rain
 * amounts. The August 2022 heat wave and drought (which brought forest fires to Beibei) is replayed.
 * A dryness index (0..1) accumulates over warm, dry, low-humidity days and is reset by rain; it drives
 * the fire-weather term of the intensity model.
 */
export interface WeatherSeries {
  tmax: Float64Array;
  tmin: Float64Array;
  rh: Float64Array;
  wind: Float64Array;
  precip: Float64Array;
  /** 0..1, see above. */
  dryness: Float64Array;
}

const WET_PROB = [0.42, 0.42, 0.45, 0.5, 0.52, 0.52, 0.42, 0.36, 0.46, 0.55, 0.48, 0.42];
const WET_MEAN_MM = [2.2, 2.8, 4.2, 7.0, 10.5, 12.5, 14.0, 12.5, 10.0, 6.5, 3.6, 2.2];
const STATION = { id: 'BB-57511', lon: 106.43, lat: 29.83 };

export function simulateWeather(seed: number, days: readonly DayInfo[]): WeatherSeries {
  const rng = new Rng(seed, 'weather');
  const n = days.length;
  const s: WeatherSeries = { tmax: new Float64Array(n), tmin: new Float64Array(n), rh: new Float64Array(n), wind: new Float64Array(n), precip: new Float64Array(n), dryness: new Float64Array(n) };
  let anomaly = 0;
  let wet = false;
  let dryAcc = 2;
  let windAnomaly = 0;
  for (let i = 0; i < n; i++) {
    const d = days[i];
    const heatWave2022 = d.year === 2022 && d.month === 8 && d.iso <= '2022-08-26';
    const clim = 18.6 - 10.8 * Math.cos((2 * Math.PI * (d.doy - 16)) / 365.25);
    anomaly = 0.78 * anomaly + rng.normal(0, 1.6);
    const pWet = WET_PROB[d.month - 1] * (heatWave2022 ? 0.12 : 1);
    const pStay = Math.min(0.9, pWet + 0.22);
    wet = rng.bernoulli(wet ? pStay : pWet * 0.8);
    const precip = wet ? rng.gamma(0.75, WET_MEAN_MM[d.month - 1] / 0.75) : 0;
    const tmean = clim + anomaly + (heatWave2022 ? 5.5 : 0) - (precip > 5 ? 1.5 : 0);
    const range = Math.max(2, 7.5 - (wet ? 3.5 : 0) + 1.5 * Math.sin((2 * Math.PI * (d.doy - 100)) / 365.25) + rng.normal(0, 1));
    const summer = Math.max(0, -Math.cos((2 * Math.PI * (d.doy - 16)) / 365.25));
    const rh = Math.max(28, Math.min(100, 81 - 7 * summer + (wet ? 9 : -3) - 1.6 * (anomaly + (heatWave2022 ? 8 : 0)) + rng.normal(0, 5)));
    windAnomaly = 0.5 * windAnomaly + rng.normal(0, 0.35);
    const spring = d.month >= 3 && d.month <= 5 ? 0.25 : 0;
    const wind = Math.max(0.1, Math.min(18, 1.3 * Math.exp(windAnomaly + spring) + (precip > 20 ? rng.exponential(1.5) : 0)));
    const tmax = tmean + range / 2;
    dryAcc = Math.max(0, dryAcc * 0.96 + (Math.max(0, tmax - 12) * (100 - rh)) / 1000 - 0.18 * precip);
    s.tmax[i] = tmax;
    s.tmin[i] = tmean - range / 2;
    s.rh[i] = rh;
    s.wind[i] = wind;
    s.precip[i] = precip;
    s.dryness[i] = dryAcc / (dryAcc + 6);
  }
  return s;
}

const fix1 = (v: number) => Math.round(v * 10) / 10;

/** Observed rows for every day up to `lastObservedIndex`, then forecast rows: the true weather of those days plus noise growing with the lead time. */
export function weatherRows(seed: number, days: readonly DayInfo[], s: WeatherSeries, lastObservedIndex: number): Weather[] {
  const rng = new Rng(seed, 'forecast');
  const rows: Weather[] = [];
  for (let i = 0; i < days.length; i++) {
    const forecast = i > lastObservedIndex;
    const lead = i - lastObservedIndex;
    let tmax = s.tmax[i];
    let tmin = s.tmin[i];
    let rh = s.rh[i];
    let wind = s.wind[i];
    let precip = s.precip[i];
    if (forecast) {
      tmax += rng.normal(0, 0.8 + 0.5 * lead);
      tmin += rng.normal(0, 0.7 + 0.4 * lead);
      rh += rng.normal(0, 4 + 2 * lead);
      wind *= Math.exp(rng.normal(0, 0.2 + 0.08 * lead));
      precip = rng.bernoulli(0.08 * lead) ? (precip > 0 ? 0 : rng.exponential(3)) : precip * Math.exp(rng.normal(0, 0.3 + 0.15 * lead));
    }
    const tmaxR = fix1(tmax);
    const tminR = Math.min(fix1(tmin), tmaxR);
    rows.push({
      date: days[i].iso,
      station_id: STATION.id,
      lon: STATION.lon,
      lat: STATION.lat,
      temp_max_c: tmaxR,
      temp_min_c: tminR,
      rel_humidity_pct: Math.round(Math.max(5, Math.min(100, rh))),
      wind_speed_ms: fix1(Math.max(0, wind)),
      precip_mm: fix1(Math.max(0, precip)),
      is_forecast: forecast,
    });
  }
  return rows;
}
