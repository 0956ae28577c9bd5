/**
 * A quantity over two parameters (e.g. the ELBO over the mean and log-sd of q): a contour map, or a
 * 3-D surface. `z[i][j]` is the value at `x[j]`, `y[i]` (rows follow y, as in Plotly).
 *
 * @example contourFigure({ title: "ELBO over q's parameters", x: means, y: sds, z: elboGrid,
 *   xAxis: { label: "mean of q" }, yAxis: { label: "sd of q" }, zAxis: { label: "ELBO", unit: "nats" },
 *   marker: { x: postMean, y: postSd, name: "exact posterior" } })
 */
import { PALETTE } from "./palette";
import { axisTitle, baseLayout, tidy, tidyArray } from "./theme";
import type { AxisSpec, Figure, PlotlyTrace } from "./types";

export interface GridFigureSpec {
  title: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  z: ArrayLike<ArrayLike<number>>;
  xAxis: AxisSpec;
  yAxis: AxisSpec;
  zAxis: AxisSpec;
  /** A point to mark (the optimum, the exact posterior's parameters). */
  marker?: { x: number; y: number; name: string };
  height?: number;
}

/** Blues for the ELBO-like quantity: light (low) to the ELBO colour (high). */
const SCALE: Array<[number, string]> = [
  [0, "#F7FBFF"],
  [0.5, "#6BAED6"],
  [1, PALETTE.elbo],
];

function gridZ(spec: GridFigureSpec): Array<Array<number | null>> {
  const nx = spec.x.length;
  const ny = spec.y.length;
  if (spec.z.length !== ny) throw new RangeError(`figure "${spec.title}": z has ${spec.z.length} rows, expected ${ny} (one per y)`);
  return Array.from(spec.z, (row, i) => {
    if (row.length !== nx) throw new RangeError(`figure "${spec.title}": z row ${i} has ${row.length} values, expected ${nx} (one per x)`);
    return Array.from(row, (v) => tidy(v));
  });
}

export function contourFigure(spec: GridFigureSpec): Figure {
  const layout = baseLayout(spec.title, spec.xAxis, spec.yAxis, spec.height ?? 480);
  const data: PlotlyTrace[] = [
    {
      type: "contour",
      name: axisTitle(spec.zAxis),
      x: tidyArray(spec.x),
      y: tidyArray(spec.y),
      z: gridZ(spec),
      colorscale: SCALE,
      contours: { coloring: "heatmap", showlabels: true, labelfont: { size: 11, color: "#222222" } },
      colorbar: { title: { text: axisTitle(spec.zAxis), side: "right" } },
      line: { width: 0.5, color: "#FFFFFF" },
    },
  ];
  if (spec.marker) {
    data.push({
      type: "scatter",
      mode: "markers",
      name: spec.marker.name,
      x: [tidy(spec.marker.x)],
      y: [tidy(spec.marker.y)],
      marker: { color: PALETTE.posterior, size: 12, symbol: "x", line: { color: "#FFFFFF", width: 1 } },
    });
  }
  return { data, layout };
}

export function surfaceFigure(spec: GridFigureSpec): Figure {
  const layout = baseLayout(spec.title, spec.xAxis, spec.yAxis, spec.height ?? 520);
  delete layout.xaxis;
  delete layout.yaxis;
  layout.scene = {
    xaxis: { title: { text: axisTitle(spec.xAxis) } },
    yaxis: { title: { text: axisTitle(spec.yAxis) } },
    zaxis: { title: { text: axisTitle(spec.zAxis) } },
    camera: { eye: { x: 1.5, y: -1.6, z: 0.9 } },
  };
  const data: PlotlyTrace[] = [
    {
      type: "surface",
      name: axisTitle(spec.zAxis),
      x: tidyArray(spec.x),
      y: tidyArray(spec.y),
      z: gridZ(spec),
      colorscale: SCALE,
      colorbar: { title: { text: axisTitle(spec.zAxis), side: "right" } },
    },
  ];
  if (spec.marker) {
    // Place the marker on the surface: the z of the nearest grid point.
    const xs = Array.from(spec.x);
    const ys = Array.from(spec.y);
    const near = (a: number[], v: number) => a.reduce((best, u, i) => (Math.abs(u - v) < Math.abs(a[best] - v) ? i : best), 0);
    const zAt = spec.z[near(ys, spec.marker.y)][near(xs, spec.marker.x)];
    data.push({
      type: "scatter3d",
      mode: "markers",
      name: spec.marker.name,
      x: [tidy(spec.marker.x)],
      y: [tidy(spec.marker.y)],
      z: [tidy(zAt)],
      marker: { color: PALETTE.posterior, size: 6 },
    });
  }
  return { data, layout };
}
