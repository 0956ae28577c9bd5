/**
 * A figure whose curves depend on a parameter of q (its mean, its standard deviation…), with a
 * Plotly slider: every value is a frame, so a reader moves the slider in the exported HTML with no
 * kernel running. The static images (the print PNG and the PDF) show four of its frames side by side,
 * first and last included, each labelled with its step (./small-multiples.ts).
 *
 * @example sweepFigure({ title: "q slides over the posterior", x: { label: "z" }, y: { label: "density" },
 *   parameter: { label: "mean of q", values: [-2, -1, 0, 1, 2] },
 *   frame: (m) => [{ role: "posterior", x: z, y: post }, { role: "q", x: z, y: z.map((v) => normalPdf(v, m, 1)) }] })
 */
import { baseLayout, seriesTrace, tidy, type Series } from "./theme";
import type { AxisSpec, Figure, PlotlyFrame } from "./types";

export interface SweepFigureSpec {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  parameter: AxisSpec & { values: ArrayLike<number> };
  /** The series at one parameter value: the same number of series, in the same order, for every value. */
  frame: (value: number, index: number) => Series[];
  /** A line of text under the title for each value (e.g. the ELBO there). */
  caption?: (value: number, index: number) => string;
  /** Index of the value shown first (interactive views). Default: the middle one. */
  active?: number;
  height?: number;
}

function formatValue(v: number): string {
  const t = tidy(v);
  return t === null ? String(v) : String(Number(t.toPrecision(4)));
}

export function sweepFigure(spec: SweepFigureSpec): Figure {
  const values = Array.from(spec.parameter.values);
  if (values.length === 0) throw new RangeError(`sweep "${spec.title}": no parameter values`);
  const active = spec.active ?? Math.floor((values.length - 1) / 2);
  if (!(Number.isInteger(active) && active >= 0 && active < values.length)) {
    throw new RangeError(`sweep "${spec.title}": active index ${active} outside 0…${values.length - 1}`);
  }
  const names = values.map(formatValue);
  if (new Set(names).size !== names.length) throw new RangeError(`sweep "${spec.title}": parameter values are not distinct at 4 digits`);
  const titleAt = (i: number) => (spec.caption ? `${spec.title}<br><sup>${spec.caption(values[i], i)}</sup>` : spec.title);

  let count = -1;
  const frames: PlotlyFrame[] = values.map((v, i) => {
    const series = spec.frame(v, i);
    if (count >= 0 && series.length !== count) {
      throw new RangeError(`sweep "${spec.title}": frame ${i} has ${series.length} series, frame 0 had ${count}`);
    }
    count = series.length;
    const frame: PlotlyFrame = { name: names[i], data: series.map((s, k) => seriesTrace(s, k, undefined, "lines")) };
    if (spec.caption) frame.layout = { title: { text: titleAt(i), x: 0.02, xanchor: "left" } };
    return frame;
  });

  const layout = baseLayout(titleAt(active), spec.x, spec.y, (spec.height ?? 420) + 80);
  layout.margin = { ...layout.margin, b: 40 };
  layout.legend = { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" };
  layout.margin.t = 90;
  layout.sliders = [
    {
      active,
      currentvalue: { prefix: `${spec.parameter.unit ? `${spec.parameter.label} (${spec.parameter.unit})` : spec.parameter.label} = `, visible: true },
      pad: { t: 50 },
      len: 1,
      x: 0,
      steps: names.map((name) => ({
        label: name,
        method: "animate",
        args: [[name], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
      })),
    },
  ];
  return { data: frames[active].data.map((t) => ({ ...t })) as Figure["data"], layout, frames };
}

export type { Series };
