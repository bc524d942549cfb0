import type { DayInfo } from './calendar.ts';
import type { CrowdSeries } from './crowd.ts';
import type { EventSpan } from './events.ts';
import type { FacilityDrivers } from './facilities.ts';
import type { FireSource, SourceKind } from './geography.ts';
import { bucketByCell } from './geo.ts';
import { Rng } from './rng.ts';
import { yearlyTarget } from './targets.ts';
import type { WeatherSeries } from './weather.ts';

/**
 * The latent fire intensity: the expected number of `fire` incidents at source s on day d,
 *
 *   λ(s, d) = k(year) · B(s) · exp(Σ_j x_j(s, d)) · (1 + E(s, d))
 *
 * B(s): static base (kind share × residents, high-rises, old residential blocks, markets, key
 *   units / workers, factories, hazardous-chemicals units, warehouses / forest and heritage sites),
 * x_j: dynamic log-terms (season and heating, fire weather, festivals and holidays, crowd and major
 *   events, facility status), documented in `intensityModel` below,
 * E(s, d): self-exciting near-repeat term: every fire adds NR_KICK · exp(-distance / NR_SCALE_KM) to
 *   the sources within NR_RADIUS_KM (itself included), decaying by exp(-1 / NR_TAU_DAYS) per day,
 *   capped at NR_CAP,
 * B(s) is divided by the mean of exp(Σ_j x_j) over the span for its kind, so that the kind shares
 *   of expected fires hold on average while their day-to-day and year-to-year variation remains,
 * k(year): calibration factor set so that Σ_s Σ_d λ over each calendar year equals that year's
 *   target (published count, or trend; pro rata for partial years), found by re-running the year
 *   on a separate random stream; the fires are then drawn once at that k.
 * Fires are drawn as Poisson(λ(s, d)) independently per source and day, given the history.
 */
export const KIND_SHARE: Record<SourceKind, number> = { urban: 0.62, township: 0.09, village: 0.15, industrial: 0.06, forest: 0.08 };
export const NR_KICK = 1.2;
export const NR_SCALE_KM = 0.15;
export const NR_RADIUS_KM = 0.5;
export const NR_TAU_DAYS = 5;
/** Cap of E(s, d), so that the self-excitation stays well below criticality on extreme days. */
export const NR_CAP = 3;
export const EVENT_RADIUS_KM = 1.5;
const FACILITY_ALARM_FACTOR = 2.5;
const FACILITY_FAULT_FACTOR = 1.15;
const FACILITY_CAP = 6;
const CROWD_RATIO_CAP = 3;
const FOREST_WIND_CAP_MS = 8;

interface KindCoefficients {
  heat: number;
  hot: number;
  dry: number;
  wind: number;
  rain: number;
  fireworks: number;
  /** log-factor on Qingming day (decays as exp(-|days|/1.2)). */
  qingming: number;
  holiday: number;
  /** log-factor over the Spring Festival shutdown (days -7..12). */
  shutdown: number;
  crowd: number;
}

/** Coefficients of the dynamic log-terms per source kind (documented in `intensityModel`). */
export const KIND_COEFFICIENTS: Record<SourceKind, KindCoefficients> = {
  urban: { heat: 0.6, hot: 0.5, dry: 1.0, wind: 0.1, rain: 0, fireworks: 0.5, qingming: 0, holiday: Math.log(1.15), shutdown: 0, crowd: 1 },
  township: { heat: 0.6, hot: 0.5, dry: 1.3, wind: 0.15, rain: -0.2, fireworks: 1, qingming: 0, holiday: Math.log(1.15), shutdown: 0, crowd: 1 },
  village: { heat: 0.6, hot: 0.4, dry: 1.5, wind: 0.15, rain: -0.3, fireworks: 1, qingming: Math.log(1.4), holiday: Math.log(1.15), shutdown: 0, crowd: 1 },
  industrial: { heat: 0.2, hot: 0.4, dry: 0.5, wind: 0.05, rain: 0, fireworks: 0, qingming: 0, holiday: 0, shutdown: Math.log(0.6), crowd: 1 },
  forest: { heat: 0, hot: 0, dry: 3.0, wind: 0.3, rain: -1.0, fireworks: 1, qingming: Math.log(3.5), holiday: 0, shutdown: 0, crowd: 1.5 },
};

export const driverNames = ['season', 'fire_weather', 'festivals', 'crowd_events', 'facilities', 'near_repeat'] as const;
export type DriverName = (typeof driverNames)[number];

const coefficientText = Object.entries(KIND_COEFFICIENTS)
  .map(([kind, c]) => `${kind}: ${Object.entries(c).map(([k, v]) => `${k} ${Number(v.toFixed(3))}`).join(', ')}`)
  .join('; ');

export const intensityModel = {
  formula: 'lambda(s,d) = k(year) * B(s) / m(kind) * exp(season + fire_weather + festivals + crowd_events + facilities) * (1 + min(E(s,d), NR_CAP)); fires(s,d) ~ Poisson(lambda(s,d)) given the history',
  static_base:
    'B(s) = share(kind) * w(s) / sum of w over that kind; shares urban 0.62, township 0.09, village 0.15, industrial 0.06, forest 0.08. w: urban residents*(1+0.10*min(high_rise,8))*(1+0.25*min(old_residential,6))*(1+0.15*market+0.05*key_unit+0.10*high_risk_unit); township residents*(1+0.2*old_residential)*(1+0.15*market); village residents; industrial workers*(1+0.3*factory+0.6*hazardous_chemicals+0.3*warehouse); forest 1+0.5*heritage (POI counts within 300 m)',
  kind_normalisation: 'm(kind) = mean over the span and the sources of that kind of exp(season + fire_weather + festivals + crowd_events + facilities), so that the kind shares hold on average while day-to-day and year-to-year variation remains',
  coefficients: coefficientText,
  season: 'heat * h + hot * H with h = max(0, 12 - tmean)/6 (heating: electric heaters, blankets), H = max(0, tmax - 33)/4 (air-conditioning load); tmean = (tmax + tmin)/2',
  fire_weather: `dry * D + wind * v + rain * [precip > 2 mm]; D = dryness index 0..1 (weather.ts), v = wind speed m/s (capped at ${FOREST_WIND_CAP_MS} for forest)`,
  festivals:
    "fireworks * log F(days from Lunar New Year's Eve) with F = 3.0 (eve), 2.2 (day 1), 1.5 (days 2-4), 1.15 (5-14), 1.8 (Lantern Festival, day 15); + qingming * exp(-|days from Qingming|/1.2); + holiday on official public holidays; + shutdown over days -7..12 of the Spring Festival",
  crowd_events: `crowd * log(min(${CROWD_RATIO_CAP}, zone population present / normal level)) (crowd.ts ratio); + log(1 + attendance/25000 * exp(-distance/0.7 km)) for sources within ${EVENT_RADIUS_KM} km of a major event on its days`,
  facilities: `log ${FACILITY_ALARM_FACTOR} per electrical fire monitor in alarm + log ${FACILITY_FAULT_FACTOR} per monitoring device in fault/offline within 250 m at the start of the day, capped at log ${FACILITY_CAP}`,
  near_repeat: `E(s,d): each fire adds ${NR_KICK}*exp(-distance/${NR_SCALE_KM} km) to sources within ${NR_RADIUS_KM} km (itself included); E decays by exp(-1/${NR_TAU_DAYS}) per day; the factor is 1 + min(E, ${NR_CAP})`,
  calibration:
    "k(year): the sum of lambda over the year equals the yearly target (targets.ts) times the share of that year's days in the span; found by bisection on log k, re-simulating the year with a separate stream of random numbers (expected fires rise monotonically with k) until within 0.1 %; the fires are then drawn once with the main stream at that k, so the realised year sum of lambda differs from the target only through the near-repeat term (well under 1 %)",
};

export interface IntensityInputs {
  seed: number;
  sources: readonly FireSource[];
  days: readonly DayInfo[];
  /** Number of days with data (days beyond are forecast days; no fires are drawn there). */
  nObserved: number;
  weather: WeatherSeries;
  crowd: CrowdSeries;
  facilities: FacilityDrivers;
  events: readonly EventSpan[];
}

export interface FireDraw {
  source: number;
  dayIndex: number;
}

export interface YearCalibration {
  year: number;
  days: number;
  target: number;
  expected: number;
  scale: number;
  passes: number;
}

export interface VarianceReport {
  /** Over all source-days: variance of log λ, and the shares between sources (static) and within sources over time (dynamic, incl. the yearly calibration). */
  log_intensity_variance: number;
  static_share: number;
  dynamic_share: number;
  /** Mean within-source variance of each dynamic log-term, as a share of the within-source variance of log λ (terms co-vary, so the shares need not add to 1). */
  dynamic_terms_share: Record<DriverName | 'year_scale', number>;
  /** Same decomposition weighted by expected fires (what matters where fires happen). */
  fire_weighted: { static_share: number; dynamic_share: number };
  /** Expected log-likelihood gain per fire (nats) of the true λ over each source's time-averaged λ (the best static hot-spot map). */
  oracle_gain_over_static_nats_per_fire: number;
}

export interface IntensityResult {
  /** truth[s * nObserved + i] */
  truth: Float64Array;
  fires: FireDraw[];
  calibration: YearCalibration[];
  variance: VarianceReport;
  base: Float64Array;
}

export function staticBase(sources: readonly FireSource[]): Float64Array {
  const w = sources.map((s) => {
    const n = s.near;
    switch (s.kind) {
      case 'urban':
        return s.residents * (1 + 0.1 * Math.min(n.high_rise, 8)) * (1 + 0.25 * Math.min(n.old_residential, 6)) * (1 + 0.15 * n.market + 0.05 * n.key_unit + 0.1 * n.high_risk_unit);
      case 'township':
        return s.residents * (1 + 0.2 * n.old_residential) * (1 + 0.15 * n.market);
      case 'village':
        return s.residents;
      case 'industrial':
        return s.workers * (1 + 0.3 * n.factory + 0.6 * n.hazardous_chemicals + 0.3 * n.warehouse);
      case 'forest':
        return 1 + 0.5 * n.heritage;
    }
  });
  const totals: Record<SourceKind, number> = { urban: 0, township: 0, village: 0, industrial: 0, forest: 0 };
  sources.forEach((s, i) => (totals[s.kind] += w[i]));
  return Float64Array.from(sources, (s, i) => (totals[s.kind] > 0 ? (KIND_SHARE[s.kind] * w[i]) / totals[s.kind] : 0));
}

function fireworks(offset: number | undefined): number {
  if (offset === undefined || offset < 0) return 1;
  if (offset === 0) return 3.0;
  if (offset === 1) return 2.2;
  if (offset <= 4) return 1.5;
  if (offset <= 14) return 1.15;
  if (offset === 15) return 1.8;
  return 1;
}

const KIND_ORDER: readonly SourceKind[] = ['urban', 'township', 'village', 'industrial', 'forest'];
const N_TERMS = 5;

/** Precomputed per-source lookups for fast evaluation of the dynamic terms. */
interface TermContext {
  kindIndex: Uint8Array;
  zone: Int32Array;
  coefficients: KindCoefficients[];
  eventTargets: Array<{ firstDay: number; lastDay: number; ids: Int32Array; boosts: Float64Array }>;
  scratch: Float64Array;
}

function termContext(inp: IntensityInputs): TermContext {
  const { sources } = inp;
  return {
    kindIndex: Uint8Array.from(sources, (s) => KIND_ORDER.indexOf(s.kind)),
    zone: Int32Array.from(sources, (s) => s.zone),
    coefficients: KIND_ORDER.map((k) => KIND_COEFFICIENTS[k]),
    eventTargets: inp.events.map((e) => {
      const ids: number[] = [];
      const boosts: number[] = [];
      sources.forEach((src, s) => {
        const dist = Math.hypot(src.x - e.x, src.y - e.y);
        if (dist <= EVENT_RADIUS_KM) {
          ids.push(s);
          boosts.push(Math.log(1 + (e.attendance / 25000) * Math.exp(-dist / 0.7)));
        }
      });
      return { firstDay: e.firstDay, lastDay: e.lastDay, ids: Int32Array.from(ids), boosts: Float64Array.from(boosts) };
    }),
    scratch: new Float64Array(sources.length),
  };
}

/** Dynamic log-terms (without near repeat) of every source for day index i; writes terms[j * S + s]. */
function dynamicTerms(inp: IntensityInputs, ctx: TermContext, i: number, terms: Float64Array): void {
  const { weather, crowd, facilities } = inp;
  const S = ctx.kindIndex.length;
  const day = inp.days[i];
  const tmean = (weather.tmax[i] + weather.tmin[i]) / 2;
  const heat = Math.max(0, 12 - tmean) / 6;
  const hot = Math.max(0, weather.tmax[i] - 33) / 4;
  const dry = weather.dryness[i];
  const wind = weather.wind[i];
  const rain = weather.precip[i] > 2 ? 1 : 0;
  const fw = Math.log(fireworks(day.springFestivalOffset));
  const sf = day.springFestivalOffset;
  const shutdown = sf !== undefined && sf >= -7 && sf <= 12 ? 1 : 0;
  const qm = day.qingmingOffset === undefined ? 0 : Math.exp(-Math.abs(day.qingmingOffset) / 1.2);
  const holiday = day.publicHoliday ? 1 : 0;
  const perKind = ctx.coefficients.map((c, k) => ({
    season: c.heat * heat + c.hot * hot,
    fireWeather: c.dry * dry + c.wind * (KIND_ORDER[k] === 'forest' ? Math.min(wind, FOREST_WIND_CAP_MS) : wind) + c.rain * rain,
    festivals: c.fireworks * fw + c.qingming * qm + c.holiday * holiday + c.shutdown * shutdown,
    crowd: c.crowd,
  }));
  const eventBoost = ctx.scratch;
  eventBoost.fill(0);
  for (const e of ctx.eventTargets) if (e.firstDay <= day.day && e.lastDay >= day.day) for (let q = 0; q < e.ids.length; q++) eventBoost[e.ids[q]] += e.boosts[q];
  const nd = facilities.nDays;
  const logAlarm = Math.log(FACILITY_ALARM_FACTOR);
  const logFault = Math.log(FACILITY_FAULT_FACTOR);
  const logCap = Math.log(FACILITY_CAP);
  for (let s = 0; s < S; s++) {
    const k = perKind[ctx.kindIndex[s]];
    const a = facilities.alarms[s * nd + i];
    const f = facilities.faults[s * nd + i];
    terms[s] = k.season;
    terms[S + s] = k.fireWeather;
    terms[2 * S + s] = k.festivals;
    terms[3 * S + s] = k.crowd * Math.log(Math.min(CROWD_RATIO_CAP, crowd.ratio[ctx.zone[s] * crowd.nDays + i])) + eventBoost[s];
    terms[4 * S + s] = a === 0 && f === 0 ? 0 : Math.min(logCap, a * logAlarm + f * logFault);
  }
}

function neighbourLists(sources: readonly FireSource[]): Array<{ ids: Int32Array; kicks: Float64Array }> {
  const cell = NR_RADIUS_KM;
  const grid = bucketByCell(sources, cell);
  return sources.map((s) => {
    const ids: number[] = [];
    const kicks: number[] = [];
    const cx = Math.floor(s.x / cell);
    const cy = Math.floor(s.y / cell);
    for (let ix = cx - 1; ix <= cx + 1; ix++)
      for (let iy = cy - 1; iy <= cy + 1; iy++)
        for (const j of grid.get(`${ix}:${iy}`) ?? []) {
          const dist = Math.hypot(sources[j].x - s.x, sources[j].y - s.y);
          if (dist <= NR_RADIUS_KM) {
            ids.push(j);
            kicks.push(NR_KICK * Math.exp(-dist / NR_SCALE_KM));
          }
        }
    return { ids: Int32Array.from(ids), kicks: Float64Array.from(kicks) };
  });
}

export function simulateFires(inp: IntensityInputs): IntensityResult {
  const { sources, days, nObserved } = inp;
  const S = sources.length;
  const base = staticBase(sources);
  const ctx = termContext(inp);
  const terms = new Float64Array(N_TERMS * S);
  const K = N_TERMS + 2; // the dynamic terms, near repeat, year scale
  const acc = { n: nObserved, sum: new Float64Array(S), sumSq: new Float64Array(S), tSum: new Float64Array(S * K), tSumSq: new Float64Array(S * K), w: new Float64Array(S), wSum: new Float64Array(S), wSumSq: new Float64Array(S) };

  // One pass over the span: the sum of the dynamic log-terms per day and source (they do not depend on the fires),
  // their statistics for the variance report, and the mean multiplier per kind.
  const dynLog = new Float64Array(nObserved * S);
  const kindSum = new Float64Array(KIND_ORDER.length);
  const kindCount = new Float64Array(KIND_ORDER.length);
  for (let i = 0; i < nObserved; i++) {
    dynamicTerms(inp, ctx, i, terms);
    for (let s = 0; s < S; s++) {
      let x = 0;
      for (let j = 0; j < N_TERMS; j++) {
        const t = terms[j * S + s];
        x += t;
        acc.tSum[s * K + j] += t;
        acc.tSumSq[s * K + j] += t * t;
      }
      dynLog[i * S + s] = x;
      kindSum[ctx.kindIndex[s]] += Math.exp(x);
      kindCount[ctx.kindIndex[s]]++;
    }
  }
  const logBase = Float64Array.from(base, (b, s) => Math.log(b) - Math.log(kindSum[ctx.kindIndex[s]] / kindCount[ctx.kindIndex[s]]));

  const neighbours = neighbourLists(sources);
  const rng = new Rng(inp.seed, 'fires');
  const truth = new Float64Array(S * nObserved);
  const fires: FireDraw[] = [];
  const calibration: YearCalibration[] = [];
  const decay = Math.exp(-1 / NR_TAU_DAYS);
  let excitation = new Float64Array(S);

  const years: Array<{ year: number; from: number; to: number }> = [];
  for (let i = 0; i < nObserved; i++) {
    const y = days[i].year;
    if (years.length === 0 || years[years.length - 1].year !== y) years.push({ year: y, from: i, to: i });
    else years[years.length - 1].to = i;
  }
  for (const { year, from, to } of years) {
    const n = to - from + 1;
    const daysInYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
    const target = (yearlyTarget('fire', year) * n) / daysInYear;
    const mu = new Float64Array(n * S);
    let preSum = 0;
    for (let k = 0; k < n; k++)
      for (let s = 0; s < S; s++) {
        const m = Math.exp(logBase[s] + dynLog[(from + k) * S + s]);
        mu[k * S + s] = m;
        preSum += m;
      }
    // Runs the year at a given scale with the given random numbers, from the excitation at the start of the year.
    const excitationStart = excitation.slice();
    let yearFires: FireDraw[] = [];
    const runYear = (scale: number, draws: Rng): number => {
      excitation = excitationStart.slice();
      yearFires = [];
      let expected = 0;
      for (let k = 0; k < n; k++) {
        const i = from + k;
        const firesToday: number[] = [];
        for (let s = 0; s < S; s++) {
          const lambda = scale * mu[k * S + s] * (1 + Math.min(NR_CAP, excitation[s]));
          truth[s * nObserved + i] = lambda;
          expected += lambda;
          const u = draws.next();
          let p = Math.exp(-lambda);
          if (u > p) {
            let count = 1;
            let cdf = p;
            p *= lambda;
            cdf += p;
            while (u > cdf && count < 20) {
              count++;
              p *= lambda / count;
              cdf += p;
            }
            for (let c = 0; c < count; c++) {
              firesToday.push(s);
              yearFires.push({ source: s, dayIndex: i });
            }
          }
        }
        for (let s = 0; s < S; s++) excitation[s] *= decay;
        for (const j of firesToday) {
          const nb = neighbours[j];
          for (let q = 0; q < nb.ids.length; q++) excitation[nb.ids[q]] += nb.kicks[q];
        }
      }
      return expected;
    };
    // Find k(year) on a separate stream of random numbers (bisection on log k; expected fires rise monotonically
    // with k for fixed random numbers), then draw the year's fires once with the main stream at that k, so that
    // the realised fires are not selected together with k.
    const calibrationRng = new Rng(inp.seed, `fires-calibration-${year}`);
    const calibrationState = calibrationRng.snapshot();
    let scale = target / (preSum * 1.02);
    let passes = 0;
    let lo = 0;
    let hi = Infinity;
    for (;;) {
      passes++;
      calibrationRng.restore(calibrationState);
      const ratio = target / runYear(scale, calibrationRng);
      if (Math.abs(ratio - 1) < 0.001 || passes >= 40) break;
      if (ratio > 1) lo = scale;
      else hi = scale;
      scale = lo > 0 && Number.isFinite(hi) ? Math.sqrt(lo * hi) : scale * ratio;
    }
    const expected = runYear(scale, rng);
    fires.push(...yearFires);
    calibration.push({ year, days: n, target, expected, scale, passes });

    const logScale = Math.log(scale);
    for (let k = 0; k < n; k++) {
      const i = from + k;
      for (let s = 0; s < S; s++) {
        const lambda = truth[s * nObserved + i];
        const logLambda = Math.log(lambda);
        acc.sum[s] += logLambda;
        acc.sumSq[s] += logLambda * logLambda;
        acc.w[s] += lambda;
        acc.wSum[s] += lambda * logLambda;
        acc.wSumSq[s] += lambda * logLambda * logLambda;
        const nr = logLambda - logScale - Math.log(mu[k * S + s]);
        acc.tSum[s * K + N_TERMS] += nr;
        acc.tSumSq[s * K + N_TERMS] += nr * nr;
        acc.tSum[s * K + N_TERMS + 1] += logScale;
        acc.tSumSq[s * K + N_TERMS + 1] += logScale * logScale;
      }
    }
  }
  fires.sort((a, b) => a.dayIndex - b.dayIndex || a.source - b.source);
  return { truth, fires, calibration, variance: varianceReport(acc, K, truth, S, nObserved), base };
}

function varianceReport(
  acc: { n: number; sum: Float64Array; sumSq: Float64Array; tSum: Float64Array; tSumSq: Float64Array; w: Float64Array; wSum: Float64Array; wSumSq: Float64Array },
  K: number,
  truth: Float64Array,
  S: number,
  nObserved: number,
): VarianceReport {
  const N = acc.n;
  let grandSum = 0;
  let grandSq = 0;
  let within = 0;
  const termWithin = new Float64Array(K);
  for (let s = 0; s < S; s++) {
    grandSum += acc.sum[s];
    grandSq += acc.sumSq[s];
    const mean = acc.sum[s] / N;
    within += acc.sumSq[s] / N - mean * mean;
    for (let j = 0; j < K; j++) {
      const m = acc.tSum[s * K + j] / N;
      termWithin[j] += acc.tSumSq[s * K + j] / N - m * m;
    }
  }
  const grandMean = grandSum / (N * S);
  const total = grandSq / (N * S) - grandMean * grandMean;
  const withinMean = within / S;
  const names = [...driverNames.slice(0, 5), 'near_repeat', 'year_scale'] as const;
  const termsShare = {} as Record<DriverName | 'year_scale', number>;
  names.forEach((name, j) => (termsShare[name] = round4(termWithin[j] / S / withinMean)));

  // Fire-weighted decomposition.
  let wTotal = 0;
  let wSum = 0;
  let wSq = 0;
  let wWithin = 0;
  for (let s = 0; s < S; s++) {
    wTotal += acc.w[s];
    wSum += acc.wSum[s];
    wSq += acc.wSumSq[s];
    if (acc.w[s] > 0) {
      const m = acc.wSum[s] / acc.w[s];
      wWithin += acc.wSumSq[s] - m * m * acc.w[s];
    }
  }
  const wMean = wSum / wTotal;
  const wVar = wSq / wTotal - wMean * wMean;

  let gain = 0;
  let lambdaTotal = 0;
  for (let s = 0; s < S; s++) {
    let mean = 0;
    for (let i = 0; i < nObserved; i++) mean += truth[s * nObserved + i];
    mean /= nObserved;
    for (let i = 0; i < nObserved; i++) {
      const l = truth[s * nObserved + i];
      gain += l * Math.log(l / mean) - (l - mean);
      lambdaTotal += l;
    }
  }
  return {
    log_intensity_variance: round4(total),
    static_share: round4(1 - withinMean / total),
    dynamic_share: round4(withinMean / total),
    dynamic_terms_share: termsShare,
    fire_weighted: { static_share: round4(1 - wWithin / wTotal / wVar), dynamic_share: round4(wWithin / wTotal / wVar) },
    oracle_gain_over_static_nats_per_fire: round4(gain / lambdaTotal),
  };
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
