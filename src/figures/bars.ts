/**
 * Bars for the ELBO's decompositions, one group per case (a q, a step, a model):
 *
 * - {@link elboGapFigure}: log p(x) = ELBO + KL(q ‖ p(z | x)), stacked: the ELBO bar ends at the ELBO, the
 *   KL bar sits on top of it and ends exactly at log p(x) (a black tick). The bars never overlap, also when
 *   the values are negative (the usual case): they rise from a common floor below every ELBO instead of from 0.
 * - {@link elboTermsFigure}: ELBO = E_q[log p(x | z)] − KL(q ‖ p(z)). The reconstruction bar, then
 *   the KL to the prior hanging down from its end, landing on the ELBO (a blue tick).
 * - {@link stackedBarFigure}: any terms stacked (Plotly's "relative" mode: positives up, negatives down).
 */
import { PALETTE, ROLE_NAME, type Role } from "./palette";
import { baseLayout, tidyArray } from "./theme";
import type { AxisSpec, Figure, PlotlyTrace } from "./types";

function checkLengths(title: string, n: number, parts: Record<string, ArrayLike<number> | undefined>): void {
  for (const [k, v] of Object.entries(parts)) {
    if (v && v.length !== n) throw new RangeError(`figure "${title}": ${k} has ${v.length} values, expected ${n} (one per case)`);
  }
}

function tick(name: string, role: Role, cases: string[], values: ArrayLike<number>): PlotlyTrace {
  return {
    type: "scatter",
    mode: "markers",
    name,
    x: cases,
    y: tidyArray(values),
    marker: { color: PALETTE[role], size: 26, symbol: "line-ew-open", line: { color: PALETTE[role], width: 3 } },
  };
}

function bar(name: string, role: Role, cases: string[], y: ArrayLike<number>, base?: ArrayLike<number>): PlotlyTrace {
  const t: PlotlyTrace = { type: "bar", name, x: cases, y: tidyArray(y), marker: { color: PALETTE[role] } };
  if (base) t.base = tidyArray(base) as number[];
  return t;
}

const NATS: AxisSpec = { label: "value", unit: "nats" };

export interface ElboGapSpec {
  title: string;
  cases: string[];
  elbo: ArrayLike<number>;
  klPosterior: ArrayLike<number>;
  /** Shown as a tick; defaults to ELBO + KL. */
  logEvidence?: ArrayLike<number>;
  caseAxis?: AxisSpec;
  valueAxis?: AxisSpec;
}

/**
 * A floor below every ELBO for the stacked bars: 0 when every ELBO is ≥ 0, else a round number about a
 * quarter of the plotted span below the lowest ELBO, so that each ELBO bar has a visible length and
 * ends, not starts, at its ELBO.
 */
export function stackFloor(elbo: ArrayLike<number>, top: ArrayLike<number>): number {
  const lo = Math.min(...Array.from(elbo));
  if (lo >= 0) return 0;
  const hi = Math.max(lo, ...Array.from(top));
  const span = Math.max(hi - lo, 1e-9 * Math.max(1, Math.abs(lo)));
  const step = 10 ** Math.floor(Math.log10(span / 4));
  return Math.floor((lo - span / 4) / step) * step;
}

export function elboGapFigure(spec: ElboGapSpec): Figure {
  const n = spec.cases.length;
  checkLengths(spec.title, n, { elbo: spec.elbo, klPosterior: spec.klPosterior, logEvidence: spec.logEvidence });
  const logpx = spec.logEvidence ?? Array.from(spec.elbo, (e, i) => e + spec.klPosterior[i]);
  const floor = stackFloor(spec.elbo, logpx);
  const layout = baseLayout(spec.title, spec.caseAxis ?? { label: "case" }, spec.valueAxis ?? NATS);
  layout.barmode = "overlay";
  layout.xaxis = { ...layout.xaxis, type: "category" };
  // ELBO bar: [floor, ELBO]; KL bar stacked on it: [ELBO, ELBO + KL]; the two meet at the ELBO and never overlap.
  const elboBar = bar(ROLE_NAME.elbo, "elbo", spec.cases, Array.from(spec.elbo, (e) => e - floor), Array.from(spec.elbo, () => floor));
  elboBar.customdata = tidyArray(spec.elbo);
  elboBar.hovertemplate = `${ROLE_NAME.elbo} = %{customdata:.6g}<extra></extra>`;
  const klBar = bar(ROLE_NAME.klPosterior, "klPosterior", spec.cases, spec.klPosterior, spec.elbo);
  klBar.hovertemplate = `${ROLE_NAME.klPosterior} = %{y:.6g}<extra></extra>`;
  return {
    data: [elboBar, klBar, tick(ROLE_NAME.logEvidence, "logEvidence", spec.cases, logpx)],
    layout,
  };
}

export interface ElboTermsSpec {
  title: string;
  cases: string[];
  reconstruction: ArrayLike<number>;
  klPrior: ArrayLike<number>;
  caseAxis?: AxisSpec;
  valueAxis?: AxisSpec;
}

export function elboTermsFigure(spec: ElboTermsSpec): Figure {
  const n = spec.cases.length;
  checkLengths(spec.title, n, { reconstruction: spec.reconstruction, klPrior: spec.klPrior });
  const elbo = Array.from(spec.reconstruction, (r, i) => r - spec.klPrior[i]);
  const layout = baseLayout(spec.title, spec.caseAxis ?? { label: "case" }, spec.valueAxis ?? NATS);
  layout.barmode = "overlay";
  layout.xaxis = { ...layout.xaxis, type: "category" };
  return {
    data: [
      bar(ROLE_NAME.reconstruction, "reconstruction", spec.cases, spec.reconstruction),
      bar(`− ${ROLE_NAME.klPrior}`, "klPrior", spec.cases, Array.from(spec.klPrior, (k) => -k), spec.reconstruction),
      tick(ROLE_NAME.elbo, "elbo", spec.cases, elbo),
    ],
    layout,
  };
}

export interface StackedBarSpec {
  title: string;
  cases: string[];
  terms: Array<{ values: ArrayLike<number>; role?: Role; name?: string; color?: string }>;
  /** A tick per case (e.g. the sum, or log p(x)). */
  total?: { values: ArrayLike<number>; role: Role; name?: string };
  caseAxis?: AxisSpec;
  valueAxis?: AxisSpec;
}

export function stackedBarFigure(spec: StackedBarSpec): Figure {
  const n = spec.cases.length;
  spec.terms.forEach((t, i) => checkLengths(spec.title, n, { [`terms[${i}]`]: t.values }));
  const layout = baseLayout(spec.title, spec.caseAxis ?? { label: "case" }, spec.valueAxis ?? NATS);
  layout.barmode = "relative";
  layout.xaxis = { ...layout.xaxis, type: "category" };
  const data: PlotlyTrace[] = spec.terms.map((t, i) => {
    const b = bar(t.name ?? (t.role ? ROLE_NAME[t.role] : `term ${i + 1}`), t.role ?? "prior", spec.cases, t.values);
    if (t.color || !t.role) b.marker = { color: t.color ?? PALETTE.prior };
    return b;
  });
  if (spec.total) {
    checkLengths(spec.title, n, { total: spec.total.values });
    data.push(tick(spec.total.name ?? ROLE_NAME[spec.total.role], spec.total.role, spec.cases, spec.total.values));
  }
  return { data, layout };
}
