/**
 * Minimal Plotly types: only what the project's figure builders set. A figure is plain JSON
 * (`{data, layout, frames?}`), the value of the MIME type `application/vnd.plotly.v1+json`.
 * Unknown keys are allowed (index signatures), so a notebook may add any Plotly attribute.
 */

export type Datum = number | string | null;

export interface PlotlyFont {
  family?: string;
  size?: number;
  color?: string;
}

export interface PlotlyLine {
  color?: string;
  width?: number;
  dash?: "solid" | "dot" | "dash" | "longdash" | "dashdot" | "longdashdot";
  shape?: "linear" | "spline" | "hv" | "vh";
}

export interface PlotlyMarker {
  color?: string | string[];
  size?: number;
  symbol?: string;
  line?: PlotlyLine;
  opacity?: number;
}

export interface PlotlyTrace {
  type: "scatter" | "bar" | "contour" | "surface" | "heatmap" | "scatter3d";
  name?: string;
  x?: Datum[];
  y?: Datum[];
  /** A grid (contour, surface: rows follow y) or, for scatter3d, one value per point. */
  z?: Array<Array<number | null>> | Datum[];
  mode?: "lines" | "markers" | "lines+markers" | "text" | "lines+text" | "markers+text";
  line?: PlotlyLine;
  marker?: PlotlyMarker;
  base?: number[];
  legendgroup?: string;
  showlegend?: boolean;
  hovertemplate?: string;
  [key: string]: unknown;
}

export interface PlotlyAxis {
  title?: { text: string; standoff?: number };
  range?: [number, number];
  type?: "linear" | "log" | "category";
  zeroline?: boolean;
  gridcolor?: string;
  linecolor?: string;
  showline?: boolean;
  ticks?: "" | "outside" | "inside";
  automargin?: boolean;
  [key: string]: unknown;
}

export interface PlotlySliderStep {
  label: string;
  method: "animate";
  args: [string[], Record<string, unknown>];
}

export interface PlotlySlider {
  active: number;
  steps: PlotlySliderStep[];
  currentvalue: { prefix: string; visible?: boolean; font?: PlotlyFont };
  pad?: { t?: number; b?: number; l?: number; r?: number };
  len?: number;
  x?: number;
  [key: string]: unknown;
}

export interface PlotlyLayout {
  title?: { text: string; x?: number; xanchor?: string; font?: PlotlyFont };
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  height?: number;
  width?: number;
  autosize?: boolean;
  margin?: { l?: number; r?: number; t?: number; b?: number; pad?: number };
  font?: PlotlyFont;
  paper_bgcolor?: string;
  plot_bgcolor?: string;
  legend?: Record<string, unknown>;
  barmode?: "group" | "stack" | "relative" | "overlay";
  colorway?: string[];
  sliders?: PlotlySlider[];
  scene?: Record<string, unknown>;
  hovermode?: "x" | "y" | "closest" | "x unified" | false;
  annotations?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface PlotlyFrame {
  name: string;
  data: Array<Partial<PlotlyTrace>>;
  traces?: number[];
  layout?: Partial<PlotlyLayout>;
}

/** What every builder returns: pure JSON, never rendered here (showing is the kernel's job). */
export interface Figure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  frames?: PlotlyFrame[];
}

/** An axis described in words: "z" with unit "nats" becomes the title "z (nats)". */
export interface AxisSpec {
  label: string;
  unit?: string;
  range?: [number, number];
  log?: boolean;
}
