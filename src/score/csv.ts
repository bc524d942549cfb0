import { fieldsOf, recordOf, roundDecimals, type FieldValue } from './records.ts';
import type { ScoredDay } from './score.ts';

/**
 * The day's scores as CSV (RFC 4180 quoting, UTF-8, LF line ends, header row): the same columns
 * as the GeoJSON properties plus the cell centroid, so tabular users can place the cells.
 * Empty field = null (no warning, no driver). Booleans as true/false.
 */
export function scoredDayToCsv(day: ScoredDay): string {
  const fields = fieldsOf(day);
  const header = [...fields.map((f) => f.name), 'centroid_lon', 'centroid_lat'];
  const lines = [header.map(csvField).join(',')];
  for (const cell of day.cells) {
    const values: FieldValue[] = [...recordOf(day, cell), roundDecimals(cell.centroid_lon, 6), roundDecimals(cell.centroid_lat, 6)];
    lines.push(values.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function csvField(value: FieldValue): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
