/**
 * The project's one visual theme: every builder starts from {@link baseLayout}, so fonts, margins,
 * grid and legend placement are the same in every notebook and every export.
 */
import { EXTRA_COLORS, PALETTE, ROLE_DASH, ROLE_NAME, type Role } from "./palette";
import type { AxisSpec, PlotlyAxis, PlotlyLayout, PlotlyTrace } from "./types";

export const THEME = {
  font: { family: "Helvetica, Arial, sans-serif", size: 13, color: "#222222" },
  titleSize: 16,
  height: 420,
  /** Width used for static images (px); the interactive plot fills its container. */
  staticWidth: 760,
  lineWidth: 2.5,
  grid: "#E5E5E5",
  axisLine: "#444444",
} as const;

/** "z" + "nats" → "z (nats)"; no unit → just the label. */
export function axisTitle(spec: AxisSpec): string {
  return spec.unit ? `${spec.label} (${spec.unit})` : spec.label;
}

export function axis(spec: AxisSpec): PlotlyAxis {
  const a: PlotlyAxis = {
    title: { text: axisTitle(spec) },
    gridcolor: THEME.grid,
    linecolor: THEME.axisLine,
    showline: true,
    ticks: "outside",
    zeroline: false,
    automargin: true,
  };
  if (spec.range) a.range = [spec.range[0], spec.range[1]];
  if (spec.log) a.type = "log";
  return a;
}

/** The layout every figure starts from. */
export function baseLayout(title: string, x: AxisSpec, y: AxisSpec, height: number = THEME.height): PlotlyLayout {
  return {
    title: { text: title, x: 0.02, xanchor: "left", font: { size: THEME.titleSize } },
    xaxis: axis(x),
    yaxis: axis(y),
    height,
    autosize: true,
    margin: { l: 70, r: 20, t: 60, b: 60 },
    font: { ...THEME.font },
    paper_bgcolor: "#FFFFFF",
    plot_bgcolor: "#FFFFFF",
    // Below the x-axis title (at -0.2 it overlapped it); Plotly grows the bottom margin to fit it.
    legend: { orientation: "h", x: 0, y: -0.32, yanchor: "top" },
    hovermode: "closest",
    colorway: [...EXTRA_COLORS],
  };
}

/** A series of a line or scatter figure. `role` fixes colour, dash and (if no name) the legend name. */
export interface Series {
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  name?: string;
  role?: Role;
  color?: string;
  dash?: "solid" | "dot" | "dash" | "longdash" | "dashdot";
  /** Series shown dimmer (e.g. a reference curve). */
  faint?: boolean;
}

/** Rounds to 6 significant digits: shorter JSON, stable snapshots, no visible change. */
export function tidy(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return v === 0 ? 0 : Number(v.toPrecision(6));
}

export function tidyArray(a: ArrayLike<number>): Array<number | null> {
  return Array.from(a, tidy);
}

export function seriesTrace(s: Series, index: number, x: ArrayLike<number> | undefined, mode: "lines" | "markers" | "lines+markers"): PlotlyTrace {
  const xs = s.x ?? x;
  if (!xs) throw new TypeError(`series ${s.name ?? s.role ?? index}: no x values (give series.x or the figure's x)`);
  if (xs.length !== s.y.length) {
    throw new RangeError(`series ${s.name ?? s.role ?? index}: x has ${xs.length} values, y has ${s.y.length}`);
  }
  const color = s.color ?? (s.role ? PALETTE[s.role] : EXTRA_COLORS[index % EXTRA_COLORS.length]);
  const name = s.name ?? (s.role ? ROLE_NAME[s.role] : `series ${index + 1}`);
  const t: PlotlyTrace = { type: "scatter", mode, name, x: tidyArray(xs), y: tidyArray(s.y) };
  if (mode !== "markers") t.line = { color, width: THEME.lineWidth, dash: s.dash ?? (s.role ? ROLE_DASH[s.role] : "solid") };
  if (mode !== "lines") t.marker = { color, size: 7 };
  if (s.faint) t.opacity = 0.45;
  return t;
}
