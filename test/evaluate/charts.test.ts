import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '../../src/evaluate/backtest.ts';
import { reliabilityChart, renderSvg } from '../../src/evaluate/charts.ts';

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
