export { WidgetTree, type WidgetFormat, type WidgetRenderContext } from './widget-tree.js';
export { WidgetFrame, WidgetErrorBox, WidgetEmpty, widgetDomId, type HeadingLevel } from './widget-frame.js';
export { DEFAULT_WIDGET_LABELS, widgetLabels, type WidgetLabels } from './labels.js';
export { mapSvg, MAP_SVG_MAX_BYTES, type MapSvgOptions } from './map-svg.js';
export type { MapNode } from './map-projection.js';
export { WidgetView, widgetKey, parseWidgetKey, type WidgetOutcome, type WidgetPageContext } from './widget-view.js';
