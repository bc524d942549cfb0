/**
 * The Canadian Forest Fire Weather Index (FWI) System from daily weather: Van Wagner, C.E. 1987,
 * Development and structure of the Canadian Forest Fire Weather Index System, Forestry Technical
 * Report 35, Canadian Forestry Service, Ottawa (equation numbers below are the report's).
 *
 * Three moisture codes carry yesterday's state: FFMC (fine fuels, a memory of about two thirds of a
 * day), DMC (duff, about 12 days) and DC (deep drought, about 52 days); ISI, BUI and FWI combine them
 * with the wind. The standard inputs are noon readings; a daily record has none, so the daily maximum
 * temperature stands in for the noon temperature (as for the Nesterov index), the daily mean relative
 * humidity and wind for the noon ones, and the day's precipitation for the 24-hour rain. The day-length
 * factors are the standard ones of the system (46° N); the codes start from the standard 85 / 6 / 15.
 */

export interface FwiDay {
  temp_c: number;
  rel_humidity_pct: number;
  wind_kmh: number;
  rain_mm: number;
  /** 1..12 */
  month: number;
}

export interface FwiCodes {
  ffmc: number;
  dmc: number;
  dc: number;
  isi: number;
  bui: number;
  fwi: number;
}

export const FWI_START = { ffmc: 85, dmc: 6, dc: 15 } as const;

/** Effective day length for the DMC (hours) and day-length adjustment for the DC, January..December (Tables 1 and 2). */
const DMC_DAY_LENGTH = [6.5, 7.5, 9.0, 12.8, 13.9, 13.9, 12.4, 10.9, 9.4, 8.0, 7.0, 6.0];
const DC_DAY_LENGTH = [-1.6, -1.6, -1.6, 0.9, 3.8, 5.8, 6.4, 5.0, 2.4, 0.4, -1.6, -1.6];

/** Fine Fuel Moisture Code from yesterday's value (eqs. 1-10). */
export function fineFuelMoistureCode(previous: number, day: FwiDay): number {
  const T = day.temp_c;
  const H = Math.min(100, Math.max(0, day.rel_humidity_pct));
  const W = Math.max(0, day.wind_kmh);
  let mo = (147.2 * (101 - previous)) / (59.5 + previous);
  if (day.rain_mm > 0.5) {
    const rf = day.rain_mm - 0.5;
    const wetting = 42.5 * rf * Math.exp(-100 / (251 - mo)) * (1 - Math.exp(-6.93 / rf));
    mo = mo <= 150 ? mo + wetting : mo + wetting + 0.0015 * (mo - 150) ** 2 * Math.sqrt(rf);
    mo = Math.min(mo, 250);
  }
  const ed = 0.942 * H ** 0.679 + 11 * Math.exp((H - 100) / 10) + 0.18 * (21.1 - T) * (1 - Math.exp(-0.115 * H));
  let m: number;
  if (mo > ed) {
    const ko = 0.424 * (1 - (H / 100) ** 1.7) + 0.0694 * Math.sqrt(W) * (1 - (H / 100) ** 8);
    const kd = ko * 0.581 * Math.exp(0.0365 * T);
    m = ed + (mo - ed) * 10 ** -kd;
  } else {
    const ew = 0.618 * H ** 0.753 + 10 * Math.exp((H - 100) / 10) + 0.18 * (21.1 - T) * (1 - Math.exp(-0.115 * H));
    if (mo < ew) {
      const k1 = 0.424 * (1 - ((100 - H) / 100) ** 1.7) + 0.0694 * Math.sqrt(W) * (1 - ((100 - H) / 100) ** 8);
      const kw = k1 * 0.581 * Math.exp(0.0365 * T);
      m = ew - (ew - mo) * 10 ** -kw;
    } else {
      m = mo;
    }
  }
  return Math.min(101, Math.max(0, (59.5 * (250 - m)) / (147.2 + m)));
}

/** Duff Moisture Code from yesterday's value (eqs. 11-17). */
export function duffMoistureCode(previous: number, day: FwiDay): number {
  let po = previous;
  if (day.rain_mm > 1.5) {
    const re = 0.92 * day.rain_mm - 1.27;
    const mo = 20 + Math.exp(5.6348 - po / 43.43);
    const b = po <= 33 ? 100 / (0.5 + 0.3 * po) : po <= 65 ? 14 - 1.3 * Math.log(po) : 6.2 * Math.log(po) - 17.2;
    const mr = mo + (1000 * re) / (48.77 + b * re);
    po = Math.max(0, 244.72 - 43.43 * Math.log(mr - 20));
  }
  const T = Math.max(day.temp_c, -1.1);
  const H = Math.min(100, Math.max(0, day.rel_humidity_pct));
  const k = 1.894 * (T + 1.1) * (100 - H) * DMC_DAY_LENGTH[day.month - 1] * 1e-6;
  return Math.max(0, po + 100 * k);
}

/** Drought Code from yesterday's value (eqs. 18-23). */
export function droughtCode(previous: number, day: FwiDay): number {
  let d0 = previous;
  if (day.rain_mm > 2.8) {
    const rd = 0.83 * day.rain_mm - 1.27;
    const q0 = 800 * Math.exp(-d0 / 400);
    d0 = Math.max(0, 400 * Math.log(800 / (q0 + 3.937 * rd)));
  }
  const T = Math.max(day.temp_c, -2.8);
  const v = Math.max(0, 0.36 * (T + 2.8) + DC_DAY_LENGTH[day.month - 1]);
  return d0 + 0.5 * v;
}

/** Initial Spread Index from the FFMC and the wind (eqs. 24-26). */
export function initialSpreadIndex(ffmc: number, windKmh: number): number {
  const m = (147.2 * (101 - ffmc)) / (59.5 + ffmc);
  const fF = 91.9 * Math.exp(-0.1386 * m) * (1 + m ** 5.31 / 4.93e7);
  return 0.208 * Math.exp(0.05039 * Math.max(0, windKmh)) * fF;
}

/** Buildup Index from the DMC and the DC (eqs. 27a, 27b). */
export function buildupIndex(dmc: number, dc: number): number {
  if (dmc === 0 && dc === 0) return 0;
  const u = dmc <= 0.4 * dc ? (0.8 * dmc * dc) / (dmc + 0.4 * dc) : dmc - (1 - (0.8 * dc) / (dmc + 0.4 * dc)) * (0.92 + (0.0114 * dmc) ** 1.7);
  return Math.max(0, u);
}

/** Fire Weather Index from the ISI and the BUI (eqs. 28-30). */
export function fireWeatherIndex(isi: number, bui: number): number {
  const fD = bui <= 80 ? 0.626 * bui ** 0.809 + 2 : 1000 / (25 + 108.64 * Math.exp(-0.023 * bui));
  const b = 0.1 * isi * fD;
  return b > 1 ? Math.exp(2.72 * (0.434 * Math.log(b)) ** 0.647) : b;
}

/** The codes and indices of a run of consecutive days, each day starting from the previous one's codes. */
export function fireWeatherSeries(days: readonly FwiDay[], start: { ffmc: number; dmc: number; dc: number } = FWI_START): FwiCodes[] {
  let { ffmc, dmc, dc } = start;
  return days.map((day) => {
    ffmc = fineFuelMoistureCode(ffmc, day);
    dmc = duffMoistureCode(dmc, day);
    dc = droughtCode(dc, day);
    const isi = initialSpreadIndex(ffmc, day.wind_kmh);
    const bui = buildupIndex(dmc, dc);
    return { ffmc, dmc, dc, isi, bui, fwi: fireWeatherIndex(isi, bui) };
  });
}
