/**
 * A histogram of samples, scaled as a density (bar areas sum to the fraction of samples inside the
 * range), with optional vertical markers (an average, a bound) in their role colours and optional
 * curves (an exact density) drawn over it.
 *
 * @example histogramFigure({ title: "log-weights under q", x: { label: "log w", unit: "nats" },
 *   samples: logW, bins: 60, markers: [{ role: "elbo", at: meanLogW, name: "E_q[log w]" }] })
 */
import { PALETTE, ROLE_DASH, ROLE_NAME, type Role } from "./palette";
import { baseLayout, seriesTrace, tidy, tidyArray, type Series } from "./theme";
import type { AxisSpec, Figure, PlotlyTrace } from "./types";

export interface HistogramMarker {
  at: number;
  name?: string;
  role?: Role;
  color?: string;
}

export interface HistogramFigureSpec {
  title: string;
  x: AxisSpec;
  y?: AxisSpec;
  samples: ArrayLike<number>;
  bins: number;
  /** Binning range; default [min, max] of the finite samples. Samples outside are not drawn. */
  range?: [number, number];
  /** Legend name of the bars (default "samples"). */
  name?: string;
  color?: string;
  markers?: HistogramMarker[];
  /** Curves over the bars, e.g. an exact density (their own x values). */
  curves?: Series[];
  height?: number;
}

/** Bin centres, widths and density heights (count / (n · width)) of a histogram. */
export interface HistogramBins {
  centers: number[];
  width: number;
  density: number[];
  /** Samples inside the range (the bars' total area is inside / n). */
  inside: number;
  n: number;
}

/**
 * Equal-width bins over [lo, hi]; a sample equal to hi falls in the last bin. Non-finite samples are
 * counted in n but in no bin.
 *
 * @example histogramBins([0, 0.5, 1], 2, [0, 1]).density // [0.6666666666666666, 1.3333333333333333]
 */
export function histogramBins(samples: ArrayLike<number>, bins: number, range?: [number, number]): HistogramBins {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`histogramBins: bins must be an integer >= 1, got ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  if (range) {
    [lo, hi] = range;
  } else {
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    throw new RangeError(`histogramBins: the range must be finite with hi > lo, got [${lo}, ${hi}]`);
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  let inside = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (!(v >= lo && v <= hi)) continue;
    const k = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[k]++;
    inside++;
  }
  const n = samples.length;
  return {
    centers: counts.map((_, k) => lo + (k + 0.5) * width),
    width,
    density: counts.map((c) => c / (n * width)),
    inside,
    n,
  };
}

export function histogramFigure(spec: HistogramFigureSpec): Figure {
  const h = histogramBins(spec.samples, spec.bins, spec.range);
  const layout = baseLayout(spec.title, spec.x, spec.y ?? { label: "density" }, spec.height);
  layout.bargap = 0;
  const data: PlotlyTrace[] = [
    {
      type: "bar",
      name: spec.name ?? "samples",
      x: tidyArray(h.centers),
      y: tidyArray(h.density),
      width: tidy(h.width),
      marker: { color: spec.color ?? "#BBBBBB", line: { color: "#FFFFFF", width: 0.5 } },
    },
  ];
  (spec.curves ?? []).forEach((s, i) => data.push(seriesTrace(s, i + 1, undefined, "lines")));
  const top = Math.max(...h.density, ...(spec.curves ?? []).flatMap((s) => Array.from(s.y).filter(Number.isFinite)));
  (spec.markers ?? []).forEach((m, i) => {
    const color = m.color ?? (m.role ? PALETTE[m.role] : "#444444");
    data.push({
      type: "scatter",
      mode: "lines",
      name: m.name ?? (m.role ? ROLE_NAME[m.role] : `marker ${i + 1}`),
      x: [tidy(m.at), tidy(m.at)],
      y: [0, tidy(1.05 * top)],
      line: { color, width: 2.5, dash: m.role ? ROLE_DASH[m.role] : "solid" },
    });
  });
  return { data, layout };
}
