/**
 * Generic line and scatter figures: several named series over one x axis.
 *
 * @example lineFigure({ title: "ELBO during training", x: { label: "step" }, y: { label: "ELBO", unit: "nats" },
 *   series: [{ role: "elbo", x: steps, y: elbos }, { role: "logEvidence", x: steps, y: steps.map(() => logpx) }] })
 */
import { baseLayout, seriesTrace, type Series } from "./theme";
import type { AxisSpec, Figure } from "./types";

export interface LineFigureSpec {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: Series[];
  /** Shared x values for series that give none. */
  xValues?: ArrayLike<number>;
  height?: number;
}

function build(spec: LineFigureSpec, mode: "lines" | "markers" | "lines+markers"): Figure {
  if (spec.series.length === 0) throw new RangeError(`figure "${spec.title}": no series`);
  return {
    data: spec.series.map((s, i) => seriesTrace(s, i, spec.xValues, mode)),
    layout: baseLayout(spec.title, spec.x, spec.y, spec.height),
  };
}

/** Lines through each series' points. */
export function lineFigure(spec: LineFigureSpec): Figure {
  return build(spec, "lines");
}

/** Markers only (samples, estimates); `mode: "lines+markers"` joins them. */
export function scatterFigure(spec: LineFigureSpec & { mode?: "markers" | "lines+markers" }): Figure {
  return build(spec, spec.mode ?? "markers");
}
