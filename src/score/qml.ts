import { LEVEL_STYLES, type LevelStyle } from './levels.ts';

/**
 * A QGIS layer style (.qml) for the published score layers: a categorized renderer on
 * `warning_level` with the four warning colours (I red, II orange, III yellow, IV blue) and a
 * light grey "all other values" category (empty value) for cells without a warning (NULL).
 * Symbol properties are written both as QGIS >= 3.26 `<Option>` maps and as older `<prop>`
 * elements, so QGIS 3.10 onwards reads the colours. Load it with Layer Properties > Symbology >
 * Style > Load Style, or drop it beside the GeoJSON with the same base name.
 */
export function warningLevelsQml(): string {
  const categories = LEVEL_STYLES.map(
    (s, k) => `      <category render="true" symbol="${k}" value="${s.level ?? ''}" label="${escapeXml(s.label)}" type="string"/>`,
  ).join('\n');
  const symbols = LEVEL_STYLES.map((s, k) => symbolXml(String(k), s, '      ')).join('\n');
  return `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0-Firenze" styleCategories="Symbology">
  <renderer-v2 type="categorizedSymbol" attr="warning_level" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">
    <categories>
${categories}
    </categories>
    <symbols>
${symbols}
    </symbols>
    <source-symbol>
${symbolXml('0', LEVEL_STYLES[LEVEL_STYLES.length - 1], '      ')}
    </source-symbol>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <layerGeometryType>2</layerGeometryType>
</qgis>
`;
}

function rgba(hex: string, alpha: number): string {
  const v = Number.parseInt(hex.slice(1), 16);
  return `${(v >> 16) & 255},${(v >> 8) & 255},${v & 255},${alpha}`;
}

function symbolXml(name: string, style: LevelStyle, indent: string): string {
  const props: Array<[string, string]> = [
    ['border_width_map_unit_scale', '3x:0,0,0,0,0,0'],
    ['color', rgba(style.hex, style.level ? 255 : 160)],
    ['joinstyle', 'bevel'],
    ['offset', '0,0'],
    ['offset_map_unit_scale', '3x:0,0,0,0,0,0'],
    ['offset_unit', 'MM'],
    ['outline_color', '110,110,110,255'],
    ['outline_style', 'solid'],
    ['outline_width', '0.1'],
    ['outline_width_unit', 'MM'],
    ['style', 'solid'],
  ];
  const options = props.map(([k, v]) => `${indent}      <Option type="QString" name="${k}" value="${v}"/>`).join('\n');
  const legacy = props.map(([k, v]) => `${indent}    <prop k="${k}" v="${v}"/>`).join('\n');
  return `${indent}<symbol type="fill" name="${name}" alpha="1" clip_to_extent="1" force_rhr="0" is_animated="0" frame_rate="10">
${indent}  <layer class="SimpleFill" enabled="1" locked="0" pass="0">
${indent}    <Option type="Map">
${options}
${indent}    </Option>
${legacy}
${indent}  </layer>
${indent}</symbol>`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
