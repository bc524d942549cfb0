import { describe, expect, it } from 'vitest';
import { gateDecision } from '../../src/model/gate.ts';

const gate = { metric: 'poisson_deviance' as const, tolerance: 0.002 };
const window = { from: '2025-01-01', to: '2025-12-31' };

describe('gateDecision', () => {
  it('promotes the first model when there is no champion', () => {
    const decision = gateDecision({ poisson_deviance: 0.0151, window }, undefined, gate);
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(/no champion/);
  });

  it('refuses a deliberately worse challenger and says why', () => {
    const decision = gateDecision({ poisson_deviance: 0.0160, window }, { poisson_deviance: 0.0150, window }, gate);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/worse than the champion/);
    expect(decision.reason).toContain('+6.667 %');
  });

  it('accepts a challenger within the tolerance and refuses one just beyond it', () => {
    // champion 0.0150: limit 0.0150 · 1.002 = 0.015030
    expect(gateDecision({ poisson_deviance: 0.015029 }, { poisson_deviance: 0.015 }, gate).promote).toBe(true);
    expect(gateDecision({ poisson_deviance: 0.015031 }, { poisson_deviance: 0.015 }, gate).promote).toBe(false);
    expect(gateDecision({ poisson_deviance: 0.014 }, { poisson_deviance: 0.015 }, gate).promote).toBe(true);
  });

  it('treats log-likelihood as higher-is-better', () => {
    const ll = { metric: 'log_likelihood' as const, tolerance: 0.01 };
    // champion −0.100: limit −0.101
    expect(gateDecision({ log_likelihood: -0.1009 }, { log_likelihood: -0.1 }, ll).promote).toBe(true);
    expect(gateDecision({ log_likelihood: -0.1011 }, { log_likelihood: -0.1 }, ll).promote).toBe(false);
  });

  it('refuses a challenger without a finite metric', () => {
    expect(gateDecision({ poisson_deviance: Number.NaN }, undefined, gate).promote).toBe(false);
    expect(gateDecision({}, { poisson_deviance: 0.01 }, gate).promote).toBe(false);
  });

  it('will not compare metrics from different evaluation windows', () => {
    expect(() => gateDecision({ poisson_deviance: 0.01, window }, { poisson_deviance: 0.01, window: { from: '2024-01-01', to: '2024-12-31' } }, gate)).toThrow(/same window/);
  });
});
