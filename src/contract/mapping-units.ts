/**
 * Unit conversions used by source mappings: every converter takes a number in the source unit and
 * returns the contract unit (°C, m/s, %, mm). Units are grouped by the quantity they measure so a
 * mapping can be checked against the contract column it fills.
 */

export const temperatureUnits = ['degC', 'degF', 'K'] as const;
export const speedUnits = ['m/s', 'km/h', 'mph', 'knot', 'beaufort'] as const;
export const shareUnits = ['percent', 'fraction'] as const;
export const lengthUnits = ['mm', 'cm', 'inch'] as const;
export const units = [...temperatureUnits, ...speedUnits, ...shareUnits, ...lengthUnits] as const;
export type Unit = (typeof units)[number];
export type Quantity = 'temperature' | 'speed' | 'share' | 'length';

export function quantityOf(unit: Unit): Quantity {
  if ((temperatureUnits as readonly string[]).includes(unit)) return 'temperature';
  if ((speedUnits as readonly string[]).includes(unit)) return 'speed';
  if ((shareUnits as readonly string[]).includes(unit)) return 'share';
  return 'length';
}

/** The quantity a contract column holds, read from its unit suffix; undefined for columns without a physical unit. */
export function quantityOfColumn(column: string): Quantity | undefined {
  if (column.endsWith('_c')) return 'temperature';
  if (column.endsWith('_ms')) return 'speed';
  if (column.endsWith('_pct')) return 'share';
  if (column.endsWith('_mm')) return 'length';
  return undefined;
}

/**
 * Beaufort force -> wind speed range in m/s at 10 m. Forces 0-12 follow the WMO table (WMO-No. 306 /
 * WMO-No. 8); force 12 is open-ended there, so 12-17 use the closed ranges of China's national
 * standard GB/T 28591-2012 "Wind force scale", which agrees with WMO on 0-11.
 */
export const beaufortRangesMs: ReadonlyArray<readonly [number, number]> = [
  [0.0, 0.2],
  [0.3, 1.5],
  [1.6, 3.3],
  [3.4, 5.4],
  [5.5, 7.9],
  [8.0, 10.7],
  [10.8, 13.8],
  [13.9, 17.1],
  [17.2, 20.7],
  [20.8, 24.4],
  [24.5, 28.4],
  [28.5, 32.6],
  [32.7, 36.9],
  [37.0, 41.4],
  [41.5, 46.1],
  [46.2, 50.9],
  [51.0, 56.0],
  [56.1, 61.2],
];

/** Midpoint (m/s) of one Beaufort force. */
export function beaufortMidpointMs(force: number): number {
  const range = beaufortRangesMs[force];
  if (!Number.isInteger(force) || range === undefined) throw new RangeError(`Beaufort force must be an integer 0-${beaufortRangesMs.length - 1}, got ${force}`);
  return (range[0] + range[1]) / 2;
}

const beaufortText = /^\s*(\d{1,2})\s*(?:级)?\s*(?:(?:-|~|～|－|—|至|到)\s*(\d{1,2})\s*(?:级)?)?\s*$/;

/**
 * Wind speed (m/s) of a Beaufort text as weather exports write it: `3`, `3级`, or a range `3-4级` /
 * `3～4` / `3至4级`, whose speed is the middle of the lower force's lower bound and the upper force's
 * upper bound.
 */
export function beaufortTextToMs(text: string): number {
  const match = beaufortText.exec(text);
  if (!match) throw new RangeError('not a Beaufort force (expected e.g. 3, 3级, 3-4级)');
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  const lowRange = beaufortRangesMs[low];
  const highRange = beaufortRangesMs[high];
  if (lowRange === undefined || highRange === undefined || high < low) throw new RangeError(`Beaufort force out of range 0-${beaufortRangesMs.length - 1}`);
  return low === high ? beaufortMidpointMs(low) : (lowRange[0] + highRange[1]) / 2;
}

/** Converts a source number to the contract unit of its quantity (°C, m/s, %, mm). */
export function toContractUnit(value: number, unit: Unit): number {
  switch (unit) {
    case 'degC':
    case 'm/s':
    case 'percent':
    case 'mm':
      return value;
    case 'degF':
      return ((value - 32) * 5) / 9;
    case 'K':
      return value - 273.15;
    case 'km/h':
      return value / 3.6;
    case 'mph':
      return value * 0.44704;
    case 'knot':
      return (value * 1852) / 3600;
    case 'beaufort':
      return beaufortMidpointMs(value);
    case 'fraction':
      return value * 100;
    case 'cm':
      return value * 10;
    case 'inch':
      return value * 25.4;
  }
}
