/**
 * `illustrate(what, values)` — shows numbers that illustrate a step which holds by construction
 * (the Monte Carlo average of a constant, a quantity compared with the formula it was computed
 * from). It is deliberately not a check: it never fails, the runner does not count it, and it is
 * printed with a hollow mark so that a reader does not mistake it for one:
 *
 *     ○ illustration (not a check): E_q[log p(x)] of the constant log p(x) · -7.41, -7.41
 *
 * The values are kept in `build/records.json` under `illustrations`.
 */
import { emitRecord, toJsonSafe } from "./record";

export interface IllustrationRecord {
  what: string;
  values: Record<string, unknown>;
}

function short(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * @example illustrate("∫ q(z) dz · log p(x), with ∫ q = 1 by quadrature", { integral: 1, product: -7.41 })
 */
export function illustrate(what: string, values: Record<string, unknown>): void {
  if (typeof what !== "string" || what.length === 0) throw new TypeError(`illustrate: what must be a non-empty string, got ${JSON.stringify(what)}`);
  const safe = toJsonSafe(values, "illustration") as Record<string, unknown>;
  const shown = Object.entries(safe).map(([k, v]) => `${k} = ${short(v)}`).join(", ");
  const rec: IllustrationRecord = { what, values: safe };
  emitRecord({ name: "illustrations", value: rec, kind: "illustration" }, `○ illustration (not a check): ${what}${shown ? ` · ${shown}` : ""}`);
}
