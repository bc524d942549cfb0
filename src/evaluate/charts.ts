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

function curveChart(title: string, xTitle: string, yTitle: string, points: Array<{ forecaster: string; x: number; y: number }>, diagonal: boolean): TopLevelSpec {
  const layers: unknown[] = [
    {
      data: { values: points },
      mark: { type: 'line', interpolate: 'linear', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: [0, 1] } },
        y: { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: [0, 1] } },
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

/** The chart files of a report: name → SVG text. */
export async function backtestCharts(result: BacktestResult): Promise<Record<string, string>> {
  const curvePoints = (pick: (name: string) => Array<{ x: number; y: number }>) =>
    result.forecasters.flatMap((forecaster) => pick(forecaster).map((p) => ({ forecaster, x: p.x, y: p.y })));
  const charts: Record<string, TopLevelSpec> = {
    'roc.svg': curveChart('ROC curve (any fire in a cell-day)', 'false-positive rate', 'true-positive rate', curvePoints((n) => result.overall[n].curves.roc), true),
    'precision-recall.svg': curveChart('Precision–recall (any fire in a cell-day)', 'recall', 'precision', curvePoints((n) => result.overall[n].curves.pr), false),
    'capture-rate.svg': curveChart('Capture-rate curve: share of fires in the top-ranked share of area', 'share of area (top-ranked cells each day)', 'share of fires captured', curvePoints((n) => result.overall[n].curves.capture), true),
  };
  const reliability = result.forecasters.flatMap((forecaster) =>
    result.overall[forecaster].reliability.map((b) => ({ forecaster, predicted: b.mean_predicted, observed: b.observed_frequency, count: b.count })),
  );
  const top = Math.max(1e-6, ...reliability.map((r) => Math.max(r.predicted, r.observed)));
  charts['reliability.svg'] = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Reliability diagram: P(any fire), quantile bins',
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: top, y: top }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: reliability },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'predicted', type: 'quantitative', title: 'mean predicted probability', scale: { domain: [0, top] } },
          y: { field: 'observed', type: 'quantitative', title: 'observed frequency', scale: { domain: [0, top] } },
          color: { field: 'forecaster', type: 'nominal' },
          order: { field: 'predicted', type: 'quantitative' },
        },
      },
    ],
  } as TopLevelSpec;
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
