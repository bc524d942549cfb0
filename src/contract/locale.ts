import tzLookup from '@photostructure/tz-lookup';
import { iso1A2Code } from '@rapideditor/country-coder';
import { boundaryBbox } from './boundary.ts';
import type { BoundaryGeometry } from './dataset.ts';

/**
 * Where the district is, as far as local days and holidays are concerned: its IANA time zone
 * (local calendar days, the day an alarm belongs to) and its country (which holidays and festivals
 * apply). Both are looked up offline from the district's centre unless configured.
 */
export interface DistrictLocale {
  /** [lon, lat] the time zone was looked up at: the boundary's bounding-box centre, else (or when that is at sea) the incidents' median location. */
  centre: [number, number] | null;
  timeZone: string;
  timeZoneSource: 'configured' | 'location' | 'fallback';
  /** ISO 3166-1 alpha-2 code at territory level (Hong Kong is HK, not CN); null when unknown or configured 'none'. */
  country: string | null;
  countrySource: 'configured' | 'location' | 'unknown';
}

export interface LocaleSettings {
  /** IANA zone, or 'auto'. */
  timezone: string;
  /** ISO 3166-1 alpha-2 code, 'auto' or 'none'. */
  holidays_country: string;
}

/** Zone used when 'auto' has nothing to look up (no boundary and no incident location). */
export const FALLBACK_TIME_ZONE = 'UTC';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * The points the locale is looked up at, in order of preference: the centre of the boundary's
 * bounding box, then the median incident location (where people are, so on land even when the
 * boundary's centre lies in open sea, as that of a chain of islands may).
 */
export function districtCentres(boundary: BoundaryGeometry | undefined, points: ReadonlyArray<{ lon: number; lat: number }>): Array<[number, number]> {
  const centres: Array<[number, number]> = [];
  if (boundary) {
    const [x0, y0, x1, y1] = boundaryBbox(boundary);
    centres.push([(x0 + x1) / 2, (y0 + y1) / 2]);
  }
  const finite = points.filter((p) => Number.isFinite(p.lon) && Number.isFinite(p.lat));
  if (finite.length > 0) centres.push([median(finite.map((p) => p.lon)), median(finite.map((p) => p.lat))]);
  return centres;
}

/** Zones tz-lookup gives for open sea (Etc/GMT+n): a fixed offset, no daylight saving, so only a last resort. */
const isSeaZone = (zone: string) => zone.startsWith('Etc/');

/** The zone and country at the first of `centres` where each is found on land; `centre` is where the zone was found. */
export function resolveLocale(settings: LocaleSettings, centres: ReadonlyArray<[number, number]>): DistrictLocale {
  let centre: [number, number] | null = centres[0] ?? null;
  let timeZone: string;
  let timeZoneSource: DistrictLocale['timeZoneSource'];
  if (settings.timezone.trim().toLowerCase() !== 'auto') {
    timeZone = settings.timezone;
    timeZoneSource = 'configured';
  } else if (centre) {
    const found = centres.map((c) => ({ c, zone: tzLookup(c[1], c[0]) }));
    const onLand = found.find((f) => !isSeaZone(f.zone)) ?? found[0];
    centre = onLand.c;
    timeZone = onLand.zone;
    timeZoneSource = 'location';
  } else {
    timeZone = FALLBACK_TIME_ZONE;
    timeZoneSource = 'fallback';
  }

  const wanted = settings.holidays_country.trim();
  let country: string | null = null;
  let countrySource: DistrictLocale['countrySource'] = 'unknown';
  if (wanted.toLowerCase() === 'none') {
    countrySource = 'configured';
  } else if (wanted.toLowerCase() !== 'auto') {
    country = wanted.toUpperCase();
    countrySource = 'configured';
  } else {
    for (const c of centres) {
      country = iso1A2Code(c, { level: 'territory' }) ?? null;
      if (country) {
        countrySource = 'location';
        break;
      }
    }
  }
  return { centre, timeZone, timeZoneSource, country, countrySource };
}

/** One line for the run log. */
export function describeLocale(locale: DistrictLocale): string {
  const at = locale.centre ? ` at (${locale.centre[0].toFixed(3)}, ${locale.centre[1].toFixed(3)})` : '';
  const zone =
    locale.timeZoneSource === 'configured'
      ? `time zone ${locale.timeZone} (configured)`
      : locale.timeZoneSource === 'location'
        ? `time zone ${locale.timeZone} (from the district's location${at}; set timezone to override)`
        : `time zone ${locale.timeZone} (no location to look it up from; set timezone)`;
  const country = locale.country ? `country ${locale.country} (${locale.countrySource === 'configured' ? 'configured' : 'from the location'})` : 'no country: no holidays unless a holidays table is given';
  return `${zone}, ${country}`;
}
