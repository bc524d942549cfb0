import type { ValidationReport } from './dataset.ts';

/** Plain-text table of a validation report: per table rows read, accepted, quarantined, then counts per reason. */
export function formatValidationReport(report: ValidationReport): string {
  const lines: string[] = [];
  const name = (s: string) => s.padEnd(24);
  const num = (n: number) => String(n).padStart(10);
  lines.push(`${name('table')}${'read'.padStart(10)}${'accepted'.padStart(10)}${'quarantined'.padStart(12)}`);
  for (const t of report.tables) {
    if (!t.present) {
      lines.push(`${name(t.table)}${'(absent)'.padStart(10)}`);
      continue;
    }
    lines.push(`${name(t.file ?? t.table)}${num(t.read)}${num(t.accepted)}${String(t.quarantined).padStart(12)}`);
    for (const [reason, count] of Object.entries(t.reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      lines.push(`    ${String(count).padStart(8)}  ${reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
