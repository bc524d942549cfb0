import type { Config } from '../config/schema.ts';
import { UsageError } from '../util/errors.ts';

/**
 * The Chinese four-colour convention for early warnings: level I (red) is the highest, then
 * II orange, III yellow, IV blue; cells below level IV carry no warning. `risk_class` rises with
 * risk (0 none .. 4 red) so that tools can sort and style by a number.
 */
export type WarningLevel = 'I' | 'II' | 'III' | 'IV';
export type WarningColor = 'red' | 'orange' | 'yellow' | 'blue' | 'none';

export const WARNING_LEVELS: readonly WarningLevel[] = ['I', 'II', 'III', 'IV'];

export interface LevelStyle {
  level: WarningLevel | null;
  color: WarningColor;
  riskClass: number;
  /** Fill colour as #rrggbb (the QGIS style and the HTML map use the same values). */
  hex: string;
  label: string;
}

export const LEVEL_STYLES: readonly LevelStyle[] = [
  { level: 'I', color: 'red', riskClass: 4, hex: '#e60000', label: 'I red (highest)' },
  { level: 'II', color: 'orange', riskClass: 3, hex: '#ff8c00', label: 'II orange' },
  { level: 'III', color: 'yellow', riskClass: 2, hex: '#ffe600', label: 'III yellow' },
  { level: 'IV', color: 'blue', riskClass: 1, hex: '#1e64c8', label: 'IV blue' },
  { level: null, color: 'none', riskClass: 0, hex: '#d9d9d9', label: 'no warning' },
];

export const styleOfLevel = (level: WarningLevel | null): LevelStyle => LEVEL_STYLES.find((s) => s.level === level)!;

export type ScoreConfig = Config['score'];
export type WarningThresholds = ScoreConfig['warning_thresholds'];
export type WarningShares = ScoreConfig['warning_shares'];

/** How cells are put into levels: absolute daily probabilities, or fixed shares of the ranked cells. */
export type WarningRule =
  | { mode: 'absolute'; thresholds: WarningThresholds }
  | { mode: 'share'; shares: WarningShares };

export function warningRuleFromConfig(score: Pick<ScoreConfig, 'warning_mode' | 'warning_thresholds' | 'warning_shares'>): WarningRule {
  return score.warning_mode === 'share'
    ? { mode: 'share', shares: score.warning_shares }
    : { mode: 'absolute', thresholds: score.warning_thresholds };
}

export function checkWarningRule(rule: WarningRule): void {
  if (rule.mode === 'absolute') {
    const t = rule.thresholds;
    const values = WARNING_LEVELS.map((l) => t[l]);
    if (!values.every((v) => Number.isFinite(v) && v > 0 && v < 1)) {
      throw new UsageError(`score.warning_thresholds must be probabilities in (0, 1), got ${JSON.stringify(t)}`);
    }
    if (!(t.I > t.II && t.II > t.III && t.III > t.IV)) {
      throw new UsageError(`score.warning_thresholds must fall from I to IV (I > II > III > IV), got ${JSON.stringify(t)}`);
    }
  } else {
    const s = rule.shares;
    if (!(s.I <= s.II && s.II <= s.III && s.III <= s.IV && s.IV <= 1 && s.I >= 0)) {
      throw new UsageError(`score.warning_shares are cumulative and must rise from I to IV within [0, 1], got ${JSON.stringify(s)}`);
    }
  }
}

/** Level of a daily probability under absolute thresholds. */
export function levelOfRisk(risk: number, thresholds: WarningThresholds): WarningLevel | null {
  for (const level of WARNING_LEVELS) if (risk >= thresholds[level]) return level;
  return null;
}

/**
 * Level of the cell at `rank` (1 = highest) among `cellCount` cells under cumulative shares:
 * the top ceil(share_I * n) cells get I, the next ones up to ceil(share_II * n) get II, and so on.
 * Ties in risk are broken by the rank order (cell_id), so the counts are exact every day.
 */
export function levelOfRank(rank: number, cellCount: number, shares: WarningShares): WarningLevel | null {
  for (const level of WARNING_LEVELS) if (rank <= Math.ceil(shares[level] * cellCount - 1e-9)) return level;
  return null;
}
