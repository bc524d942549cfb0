import type { Config } from '../config/schema.ts';
import { FireriskError } from '../util/errors.ts';

/** Metrics of one model on one evaluation window (what the gate compares). */
export interface GateMetrics {
  /** Mean Poisson deviance per cell-day (lower is better). */
  poisson_deviance?: number;
  /** Mean Poisson log-likelihood per cell-day (higher is better). */
  log_likelihood?: number;
  /** The evaluation window (YYYY-MM-DD); when both sides give one they must be the same. */
  window?: { from: string; to: string };
}

export interface GateDecision {
  promote: boolean;
  reason: string;
}

const fmt = (x: number) => (Math.abs(x) >= 0.01 ? x.toFixed(6) : x.toPrecision(6));

/**
 * Whether a newly trained model (the challenger) may replace the champion: yes when there is no champion,
 * or when the challenger is no worse than the champion on the same evaluation window, within a relative
 * tolerance on the configured metric. A challenger whose metric is missing or not finite is refused.
 */
export function gateDecision(challenger: GateMetrics, champion: GateMetrics | undefined, gate: Pick<Config['gate'], 'metric' | 'tolerance'>): GateDecision {
  const metric = gate.metric;
  const value = challenger[metric];
  if (value === undefined || !Number.isFinite(value)) {
    return { promote: false, reason: `challenger has no finite ${metric} (${String(value)}); not promoted` };
  }
  if (!champion) return { promote: true, reason: `no champion yet; challenger ${metric} ${fmt(value)}` };
  if (challenger.window && champion.window && (challenger.window.from !== champion.window.from || challenger.window.to !== champion.window.to)) {
    throw new FireriskError(
      `gate: challenger evaluated on ${challenger.window.from}..${challenger.window.to} but champion on ${champion.window.from}..${champion.window.to}; evaluate both on the same window`,
    );
  }
  const reference = champion[metric];
  if (reference === undefined || !Number.isFinite(reference)) {
    return { promote: true, reason: `champion has no finite ${metric} (${String(reference)}); challenger ${fmt(value)} replaces it` };
  }
  const slack = gate.tolerance * Math.abs(reference);
  const lowerIsBetter = metric === 'poisson_deviance';
  const limit = lowerIsBetter ? reference + slack : reference - slack;
  const ok = lowerIsBetter ? value <= limit : value >= limit;
  const change = reference !== 0 ? ((value - reference) / Math.abs(reference)) * 100 : 0;
  const comparison = `challenger ${metric} ${fmt(value)} vs champion ${fmt(reference)} (${change >= 0 ? '+' : ''}${change.toFixed(3)} %, tolerance ${(gate.tolerance * 100).toFixed(3)} %, ${lowerIsBetter ? 'lower' : 'higher'} is better)`;
  return ok ? { promote: true, reason: `no worse than the champion: ${comparison}` } : { promote: false, reason: `worse than the champion: ${comparison}` };
}
