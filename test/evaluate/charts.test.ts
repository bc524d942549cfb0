import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/evaluate/backtest.ts';
import { niceCeiling, precisionRecallChart, reliabilityChart, renderSvg } from '../../src/evaluate/charts.ts';

/** Only what the reliability chart reads: the forecasters and their reliability bins. */
function resultWithBins(bins: Record<string, Array<{ mean_predicted: number; observed_frequency: number; count: number }>>): BacktestResult {
  const overall = Object.fromEntries(Object.entries(bins).map(([name, reliability]) => [name, { reliability }]));
  return { forecasters: Object.keys(bins), overall } as unknown as BacktestResult;
}

type Layer = { data: { values: Array<Record<string, unknown>> }; encoding: { x: { scale?: { type?: string; domain?: number[] } } } };

describe('reliability chart', () => {
  const result = resultWithBins({
    model: [
      { mean_predicted: 2e-5, observed_frequency: 0, count: 1000 },
      { mean_predicted: 3e-4, observed_frequency: 2.5e-4, count: 1000 },
      { mean_predicted: 4e-3, observed_frequency: 5e-3, count: 1000 },
      { mean_predicted: 0, observed_frequency: 0, count: 0 },
    ],
  });
  const spec = reliabilityChart(result) as unknown as { layer: Layer[] };
  const [, lines, points] = spec.layer;

  it('spans whole powers of ten around every measured value on log axes', () => {
    // smallest positive value 2e-5 -> floor 1e-5; largest 5e-3 -> top 1e-2
    expect(points.encoding.x.scale).toEqual({ type: 'log', domain: [1e-5, 1e-2] });
  });

  it('draws a bin with no fire seen on the bottom edge, marked, and leaves it out of the line', () => {
    const empty = points.data.values.find((p) => p.predicted === 2e-5)!;
    expect(empty).toMatchObject({ observed: 0, observed_drawn: 1e-5, predicted_drawn: 2e-5, seen: 'no fire seen' });
    expect(lines.data.values.map((p) => p.predicted)).toEqual([3e-4, 4e-3]);
  });

  it('leaves out bins that hold no cell-days', () => {
    expect(points.data.values).toHaveLength(3);
  });

  it('renders as SVG', async () => {
    const svg = await renderSvg(reliabilityChart(result));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('no fire seen');
  });
});

describe('precision–recall chart', () => {
  const yDomain = (points: Array<{ forecaster: string; x: number; y: number }>) =>
    (precisionRecallChart(points) as unknown as { layer: Array<{ encoding: { y: { scale: { domain: number[] } } } }> }).layer[0].encoding.y.scale.domain;

  it('ends the precision axis at a round number just above the highest precision', () => {
    // 0.052 * 1.05 = 0.0546 -> 0.1; 0.03 * 1.05 = 0.0315 -> 0.05
    expect(yDomain([{ forecaster: 'a', x: 0.1, y: 0.052 }, { forecaster: 'b', x: 0.5, y: 0.01 }])).toEqual([0, 0.1]);
    expect(yDomain([{ forecaster: 'a', x: 0.1, y: 0.03 }])).toEqual([0, 0.05]);
  });

  it('keeps the axis at 1 for precise forecasts and without points', () => {
    expect(yDomain([{ forecaster: 'a', x: 0.1, y: 0.98 }])).toEqual([0, 1]);
    expect(yDomain([])).toEqual([0, 1]);
  });

  it('niceCeiling: the smallest 1, 2 or 5 times a power of ten not below x', () => {
    expect([0.0003, 0.001, 0.0011, 0.15, 0.5, 0.51, 7].map(niceCeiling)).toEqual([0.0005, 0.001, 0.002, 0.2, 0.5, 1, 10]);
  });
});
