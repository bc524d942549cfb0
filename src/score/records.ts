import { FireriskError } from '../util/errors.ts';
import type { ScoredCell, ScoredDay } from './score.ts';

/**
 * The flat attribute record of one scored cell, shared by the GeoJSON, CSV and HTML writers so
 * that every output carries the same columns, names and rounding. Names are snake_case; drivers
 * are flattened as driver_1, driver_1_direction, driver_1_effect, ...
 */
export type FieldType = 'string' | 'integer' | 'real' | 'boolean';
export interface Field {
  name: string;
  type: FieldType;
  description: string;
}
export type FieldValue = string | number | boolean | null;

/** Rounds to `digits` significant digits (risk and rates span orders of magnitude). */
export function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

export function roundDecimals(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

export function fieldsOf(day: Pick<ScoredDay, 'drivers_count' | 'flag_names'>): Field[] {
  const fields: Field[] = [
    { name: 'cell_id', type: 'string', description: 'Stable id of the grid cell' },
    { name: 'cell_index', type: 'integer', description: 'Dense index of the cell in the grid' },
    { name: 'scored_date', type: 'string', description: 'Local day the scores are for (YYYY-MM-DD)' },
    { name: 'risk', type: 'real', description: 'Probability of at least one fire in the cell that day' },
    { name: 'expected_fires', type: 'real', description: 'Expected number of fires in the cell that day' },
    { name: 'warning_level', type: 'string', description: 'I (red, highest), II (orange), III (yellow), IV (blue), or empty' },
    { name: 'warning_color', type: 'string', description: 'red, orange, yellow, blue or none' },
    { name: 'risk_class', type: 'integer', description: '0 none, 1 blue, 2 yellow, 3 orange, 4 red' },
    { name: 'rank', type: 'integer', description: 'Rank in the district, 1 = highest risk' },
    { name: 'percentile', type: 'real', description: 'Share of cells (%) with risk at or below this cell' },
  ];
  for (let k = 1; k <= day.drivers_count; k++) {
    fields.push(
      { name: `driver_${k}`, type: 'string', description: `Feature with the ${ordinal(k)} largest effect on this cell's risk`.replace('  ', ' ') },
      { name: `driver_${k}_direction`, type: 'string', description: 'up: raises the risk; down: lowers it' },
      { name: `driver_${k}_effect`, type: 'real', description: 'Change in ln(expected fires) against the feature at its training mean' },
    );
  }
  for (const flag of day.flag_names) {
    fields.push({ name: `flag_${flag}`, type: 'boolean', description: `Feed flag ${flag} for this cell-day` });
  }
  fields.push({ name: 'model_version', type: 'string', description: 'Model that produced the scores' });
  return fields;
}

const ordinal = (k: number): string => (k === 1 ? '' : k === 2 ? '2nd' : k === 3 ? '3rd' : `${k}th`);

/** Values of one cell in the order of `fieldsOf(day)`, rounded so reruns give identical bytes. */
export function recordOf(day: ScoredDay, cell: ScoredCell): FieldValue[] {
  for (const [name, value] of [
    ['risk', cell.risk],
    ['expected_fires', cell.expected_fires],
    ['percentile', cell.percentile],
  ] as const) {
    if (!Number.isFinite(value)) throw new FireriskError(`cell ${cell.cell_id} on ${day.day}: ${name} is ${value}`);
  }
  const values: FieldValue[] = [
    cell.cell_id,
    cell.cell_index,
    day.day,
    roundSignificant(cell.risk, 6),
    roundSignificant(cell.expected_fires, 6),
    cell.warning_level,
    cell.warning_color,
    cell.risk_class,
    cell.rank,
    roundDecimals(cell.percentile, 2),
  ];
  for (let k = 0; k < day.drivers_count; k++) {
    const d = cell.drivers[k];
    values.push(d ? d.feature : null, d ? d.direction : null, d ? roundDecimals(d.effect, 4) : null);
  }
  for (const flag of day.flag_names) values.push(cell.flags[flag] ?? false);
  values.push(day.model_version);
  return values;
}
