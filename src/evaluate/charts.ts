/**
 * SVG charts of a backtest, drawn with Vega-Lite and rendered headlessly by Vega (no browser, no canvas).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { BacktestResult } from './backtest.ts';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: the two libraries take over a second to import, which every CLI command would pay.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const WIDTH = 480;
const HEIGHT = 360;

function curveChart(title: string, xTitle: string, yTitle: string, points: Array<{ forecaster: string; x: number; y: number }>, diagonal: boolean, yTop = 1): TopLevelSpec {
  const layers: unknown[] = [
    {
      data: { values: points },
      mark: { type: 'line', interpolate: 'linear', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: [0, 1] } },
        y: { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: [0, yTop] } },
        color: { field: 'forecaster', type: 'nominal', title: 'forecaster' },
        order: { field: 'x', type: 'quantitative' },
      },
    },
  ];
  if (diagonal) {
    layers.unshift({
      data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
      mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
  }
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, width: WIDTH, height: HEIGHT, layer: layers } as TopLevelSpec;
}

/**
 * Precision with fires in about one cell-day in a thousand stays far below 1 at every recall, so the
 * precision axis ends just above the highest precision drawn rather than at 1.
 */
export function precisionRecallChart(points: Array<{ forecaster: string; x: number; y: number }>): TopLevelSpec {
  const highest = Math.max(0, ...points.map((p) => p.y));
  const yTop = highest > 0 ? Math.min(1, niceCeiling(highest * 1.05)) : 1;
  return curveChart('Precision–recall (any fire in a cell-day)', 'recall', 'precision', points, false, yTop);
}

/** mantissa × 10^exponent as written in decimal: Number('1e-5') is exactly 1e-5, where 10 ** -5 is not. */
const decimal = (mantissa: number, exponent: number) => Number(`${mantissa}e${exponent}`);

/** The smallest of 1, 2 or 5 times a power of ten that is at least x (x > 0). */
export function niceCeiling(x: number): number {
  const exponent = Math.floor(Math.log10(x));
  for (const e of [exponent, exponent + 1]) for (const m of [1, 2, 5]) if (decimal(m, e) >= x) return decimal(m, e);
  return decimal(1, exponent + 2);
}

/** The chart files of a report: name → SVG text. */
export async function backtestCharts(result: BacktestResult): Promise<Record<string, string>> {
  const curvePoints = (pick: (name: string) => Array<{ x: number; y: number }>) =>
    result.forecasters.flatMap((forecaster) => pick(forecaster).map((p) => ({ forecaster, x: p.x, y: p.y })));
  const charts: Record<string, TopLevelSpec> = {
    'roc.svg': curveChart('ROC curve (any fire in a cell-day)', 'false-positive rate', 'true-positive rate', curvePoints((n) => result.overall[n].curves.roc), true),
    'precision-recall.svg': precisionRecallChart(curvePoints((n) => result.overall[n].curves.pr)),
    'capture-rate.svg': curveChart('Capture-rate curve: share of fires in the top-ranked share of area', 'share of area (top-ranked cells each day)', 'share of fires captured', curvePoints((n) => result.overall[n].curves.capture), true),
  };
  charts['reliability.svg'] = reliabilityChart(result);
  const importance = result.feature_importance.slice(0, 30);
  charts['feature-importance.svg'] = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Permutation importance (${result.model_name}, last test month)`,
    width: WIDTH,
    height: Math.max(120, 16 * importance.length),
    data: { values: importance.length ? importance : [{ feature: '(no features)', deviance_increase: 0 }] },
    mark: 'bar',
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: '-x', title: null },
      x: { field: 'deviance_increase', type: 'quantitative', title: 'increase of mean Poisson deviance when shuffled' },
    },
  } as TopLevelSpec;
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(charts)) out[name] = await renderSvg(spec);
  return out;
}

const SEEN = 'fires seen';
const NONE_SEEN = 'no fire seen';

/**
 * The reliability diagram on log scales: with fires in about one cell-day in a thousand, quantile bins of
 * the predicted probability span three or four orders of magnitude, and on linear axes all but the top bin
 * sit in one corner. A bin in which no fire was seen has no place on a log axis; it is drawn on the
 * bottom edge with a hollow marker, so that it is neither lost nor mistaken for a measured frequency.
 */
export function reliabilityChart(result: BacktestResult): TopLevelSpec {
  const bins = result.forecasters.flatMap((forecaster) =>
    result.overall[forecaster].reliability.filter((b) => b.count > 0).map((b) => ({ forecaster, predicted: b.mean_predicted, observed: b.observed_frequency, count: b.count })),
  );
  const positive = bins.flatMap((b) => [b.predicted, b.observed]).filter((v) => v > 0);
  const topExponent = Math.ceil(Math.log10(Math.max(1e-6, ...positive)));
  const floorExponent = Math.min(topExponent - 1, positive.length > 0 ? Math.floor(Math.log10(Math.min(...positive))) : topExponent - 1);
  const top = decimal(1, topExponent);
  const floor = decimal(1, floorExponent);
  const points = bins.map((b) => ({
    ...b,
    predicted_drawn: Math.max(b.predicted, floor),
    observed_drawn: Math.max(b.observed, floor),
    seen: b.observed > 0 ? SEEN : NONE_SEEN,
  }));
  const axis = (field: string, title: string) => ({ field, type: 'quantitative', title, scale: { type: 'log', domain: [floor, top] }, axis: { format: '.0e' } });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Reliability diagram: P(any fire), quantile bins, log scales', subtitle: 'hollow triangles: bins in which no fire was seen, drawn on the bottom edge' },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ x: floor, y: floor }, { x: top, y: top }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'y', type: 'quantitative', scale: { type: 'log' } } },
      },
      {
        data: { values: points.filter((p) => p.observed > 0) },
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.7 },
        encoding: {
          x: axis('predicted_drawn', 'mean predicted probability'),
          y: axis('observed_drawn', 'observed frequency'),
          color: { field: 'forecaster', type: 'nominal' },
          order: { field: 'predicted', type: 'quantitative' },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', size: 40 },
        encoding: {
          x: axis('predicted_drawn', 'mean predicted probability'),
          y: axis('observed_drawn', 'observed frequency'),
          color: { field: 'forecaster', type: 'nominal' },
          shape: { field: 'seen', type: 'nominal', title: 'bin', scale: { domain: [SEEN, NONE_SEEN], range: ['circle', 'triangle-down'] } },
          fill: { condition: { test: `datum.seen === '${SEEN}'`, field: 'forecaster', type: 'nominal' }, value: 'transparent' },
          tooltip: [{ field: 'forecaster' }, { field: 'predicted', format: '.2e' }, { field: 'observed', format: '.2e' }, { field: 'count' }],
        },
      },
    ],
  } as TopLevelSpec;
}
