import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { scoredDayToGeoJson } from './geojson.ts';
import { LEVEL_STYLES } from './levels.ts';
import type { ScoredDay } from './score.ts';

/**
 * A self-contained HTML page with the day's grid on a Leaflet map: Leaflet's JS and CSS are
 * inlined from node_modules/leaflet/dist (its CSS images as data: URIs), the scores are the
 * published GeoJSON embedded as a JSON script block, and there is no tile layer and no URL
 * outside the file, so it opens offline and from file://. Cells are coloured by warning level;
 * a click shows the cell's numbers and drivers; a legend and the date and model version frame it.
 * Above CANVAS_ABOVE cells Leaflet draws on a canvas instead of SVG to stay responsive.
 */
export const CANVAS_ABOVE = 20_000;

let leafletAssets: { js: string; css: string } | null = null;

function loadLeaflet(): { js: string; css: string } {
  if (leafletAssets) return leafletAssets;
  const dist = join(dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');
  const js = readFileSync(join(dist, 'leaflet.js'), 'utf8').replace(/\/\/# sourceMappingURL=\S+/g, '');
  const css = readFileSync(join(dist, 'leaflet.css'), 'utf8').replace(/url\((images\/[\w.-]+\.png)\)/g, (_m, file: string) => {
    const data = readFileSync(join(dist, file)).toString('base64');
    return `url(data:image/png;base64,${data})`;
  });
  leafletAssets = { js, css };
  return leafletAssets;
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function scoredDayToHtml(day: ScoredDay): string {
  const { js, css } = loadLeaflet();
  // Inside a JSON script block only `<` can end the element early; \u003c is the same JSON string.
  const data = scoredDayToGeoJson(day).replace(/</g, '\\u003c');
  const styles = Object.fromEntries(LEVEL_STYLES.map((s) => [s.color, { hex: s.hex, label: s.label }]));
  const title = `Fire risk ${day.day} (model ${day.model_version})`;
  const counts = `I ${day.counts.I} · II ${day.counts.II} · III ${day.counts.III} · IV ${day.counts.IV} · none ${day.counts.none}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${css}
html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
#header { padding: 6px 10px; background: #f7f7f7; border-bottom: 1px solid #ccc; font-size: 14px; }
#map { position: absolute; top: 58px; bottom: 0; left: 0; right: 0; background: #fbfbf8; }
.legend { background: #fff; padding: 6px 8px; border-radius: 4px; box-shadow: 0 0 6px rgba(0,0,0,.3); font-size: 12px; line-height: 18px; }
.legend i { display: inline-block; width: 14px; height: 14px; margin-right: 6px; vertical-align: -2px; border: 1px solid #888; }
.cell-popup table { border-collapse: collapse; font-size: 12px; }
.cell-popup td { padding: 1px 6px 1px 0; }
</style>
</head>
<body>
<div id="header"><strong>Daily fire risk ${escapeHtml(day.day)}</strong>${day.time_zone ? ` (local day, ${escapeHtml(day.time_zone)})` : ''} · model <span id="model-version">${escapeHtml(day.model_version)}</span> · data up to ${escapeHtml(day.last_data_day)}<br>
<span id="counts">${day.cells.length} cells · warnings ${counts}</span> · click a cell for its numbers</div>
<div id="map"></div>
<script type="application/json" id="scores">${data}</script>
<script>
${js}
</script>
<script>
(function () {
  var STYLES = ${JSON.stringify(styles)};
  var data = JSON.parse(document.getElementById('scores').textContent);
  var cellCount = data.features.length;
  var map = L.map('map', { preferCanvas: cellCount > ${CANVAS_ABOVE}, attributionControl: false, zoomSnap: 0.25 });
  function esc(v) { return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  function row(k, v) { return '<tr><td>' + esc(k) + '</td><td><b>' + esc(v) + '</b></td></tr>'; }
  function popup(p) {
    var html = '<div class="cell-popup"><b>Cell ' + esc(p.cell_id) + '</b><table>';
    html += row('risk (P ≥ 1 fire)', (100 * p.risk).toPrecision(3) + ' %');
    html += row('expected fires', p.expected_fires);
    html += row('warning', p.warning_level ? p.warning_level + ' (' + p.warning_color + ')' : 'none');
    html += row('rank', p.rank + ' of ' + cellCount);
    html += row('percentile', p.percentile);
    for (var k = 1; ('driver_' + k) in p; k++) {
      if (p['driver_' + k] === null) continue;
      html += row('driver ' + k, p['driver_' + k] + ' ' + (p['driver_' + k + '_direction'] === 'up' ? '▲' : '▼') + ' ' + p['driver_' + k + '_effect']);
    }
    Object.keys(p).forEach(function (key) { if (key.indexOf('flag_') === 0 && p[key]) html += row(key.slice(5), 'yes'); });
    return html + '</table></div>';
  }
  var layer = L.geoJSON(data, {
    style: function (f) {
      return { fillColor: STYLES[f.properties.warning_color].hex, fillOpacity: 0.75, color: '#666', weight: 0.4 };
    },
    onEachFeature: function (f, l) { l.bindPopup(popup(f.properties)); }
  }).addTo(map);
  if (cellCount > 0) map.fitBounds(layer.getBounds()); else map.setView([0, 0], 2);
  var legend = L.control({ position: 'bottomright' });
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'legend');
    var counts = data.metadata.counts_by_warning_level;
    var keys = { red: 'I', orange: 'II', yellow: 'III', blue: 'IV', none: 'none' };
    div.innerHTML = '<b>Warning level</b><br>' + Object.keys(STYLES).map(function (c) {
      return '<i style="background:' + STYLES[c].hex + '"></i>' + esc(STYLES[c].label) + ' (' + counts[keys[c]] + ')';
    }).join('<br>');
    return div;
  };
  legend.addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  window.fireriskMap = { map: map, layer: layer, cellCount: cellCount };
})();
</script>
</body>
</html>
`;
}
