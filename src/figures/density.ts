/**
 * Densities over z on one axis: prior, likelihood, posterior, q (each in its fixed colour), plus any
 * extra named curves.
 *
 * @example densityFigure({ title: "Prior, likelihood and posterior", z, curves: { prior: pz, likelihood: lik, posterior: post } })
 */
import type { Role } from "./palette";
import { baseLayout, seriesTrace, type Series } from "./theme";
import type { AxisSpec, Figure } from "./types";

export interface DensityFigureSpec {
  title: string;
  /** The grid of z values. */
  z: ArrayLike<number>;
  /** Curves by role; drawn in the order prior, likelihood, posterior, q. */
  curves: Partial<Record<"prior" | "likelihood" | "posterior" | "q", ArrayLike<number>>>;
  /** More curves (e.g. a second q), each with its own name. */
  extra?: Series[];
  zAxis?: AxisSpec;
  densityAxis?: AxisSpec;
  height?: number;
}

const ORDER: Array<"prior" | "likelihood" | "posterior" | "q"> = ["prior", "likelihood", "posterior", "q"];

export function densityFigure(spec: DensityFigureSpec): Figure {
  const series: Series[] = [];
  for (const role of ORDER) {
    const y = spec.curves[role];
    if (y) series.push({ role: role as Role, y });
  }
  series.push(...(spec.extra ?? []));
  if (series.length === 0) throw new RangeError(`figure "${spec.title}": no curves`);
  return {
    data: series.map((s, i) => seriesTrace(s, i, spec.z, "lines")),
    layout: baseLayout(
      spec.title,
      spec.zAxis ?? { label: "latent variable z" },
      spec.densityAxis ?? { label: "density", unit: "per unit z" },
      spec.height,
    ),
  };
}
