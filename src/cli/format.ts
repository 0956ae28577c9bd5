import type { EvaluateResult } from "../spec/evaluate";

function fmt(x: number, digits = 12): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e9 ? x.toFixed(digits).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "") : x.toExponential(digits - 2);
}

/** A standard error with two significant digits. */
function se(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(2) : String(x);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** Renders an evaluate result as the human-readable table `elbo-lab evaluate` prints by default. */
export function formatTable(r: EvaluateResult): string {
  const notes: string[] = [];
  const untrusted = (what: string, reason: string): string => {
    notes.push(`  ${what}: ${reason}.`);
    return `untrusted (note ${notes.length})`;
  };
  const m = r.model;
  const modelDesc =
    m.kind === "beta-bernoulli"
      ? `beta-bernoulli: z ~ Beta(${m.priorA}, ${m.priorB}), ${m.data.length} flips, ${m.data.filter((x) => x === 1).length} heads`
      : `${m.kind}: z ~ N(${m.priorMean}, ${m.priorSd}^2), x_i ~ N(${m.kind === "squared-normal" ? "z^2" : "z"}, ${m.noiseSd}^2), n = ${m.data.length}`;
  const qDesc = r.q.kind === "normal" ? `Normal(mean ${r.q.mean}, sd ${r.q.sd})` : `Beta(a ${r.q.a}, b ${r.q.b})`;
  const exact = r.method === "closed-form" ? "closed form" : r.method === "quadrature" ? "quadrature" : "closed form";
  const evHow = r.method === "closed-form" ? "closed form" : "quadrature";
  const rows: Array<[string, string, string]> = [
    ["log p(x)", fmt(r.logEvidence), evHow],
    ["ELBO", fmt(r.elbo), exact],
    ["  E_q[log p(x|z)]", fmt(r.expectedLogLik), exact],
    ["  KL(q || p(z))", fmt(r.klToPrior), exact],
    ["  E_q[log p(x,z)]", fmt(r.expectedLogJoint), exact],
    ["  H[q]", fmt(r.entropy), "closed form"],
    ["KL(q || p(z|x))", fmt(r.klToPosterior), r.method === "closed-form" ? "closed form" : "quadrature"],
    [`Monte Carlo ELBO`, r.mc.trusted ? `${fmt(r.mc.elbo, 6)} ± ${se(r.mc.stderr)}` : untrusted(`Monte Carlo ELBO`, r.mc.reason), `${r.mc.samples} draws, seed ${r.mc.seed}`],
    ...r.iwae.map((w): [string, string, string] => [
      `IWAE bound K=${w.k}`,
      w.trusted ? `${fmt(w.estimate, 6)} ± ${se(w.stderr)}` : untrusted(`IWAE bound K=${w.k}`, w.reason),
      `${w.groups} groups of ${w.k}`,
    ]),
  ];
  const p = r.posterior;
  const postDesc =
    p.kind === "normal"
      ? `Normal(mean ${fmt(p.mean)}, sd ${fmt(p.sd)})`
      : p.kind === "beta"
        ? `Beta(a ${fmt(p.a)}, b ${fmt(p.b)})`
        : `no closed form; modes ${p.modes.map((z) => fmt(z, 8)).join(", ")}; mean ${fmt(p.mean, 8)}, sd ${fmt(p.sd, 8)} (quadrature)`;
  const w0 = Math.max(...rows.map((x) => x[0].length)) + 2;
  const w1 = Math.max(...rows.map((x) => x[1].length)) + 2;
  const lines = [
    `model      ${modelDesc}`,
    `q          ${qDesc}`,
    `posterior  ${postDesc}`,
    "",
    `${pad("quantity", w0)}${pad("value", w1)}how`,
    ...rows.map(([a, b, c]) => `${pad(a, w0)}${pad(b, w1)}${c}`),
    "",
    "identities (should be ~0):",
    ...Object.entries(r.identities).map(([k, v]) => `  ${pad(k, 40)}${fmt(v, 3)}`),
    ...(notes.length > 0 ? ["", "estimates not shown (no number is given where the draws cannot be trusted):", ...notes.map((n, i) => n.replace(/^ {2}/, `  ${i + 1}. `))] : []),
  ];
  return lines.join("\n") + "\n";
}
