import { InvalidParameterError } from "../dists/errors";
import type { DiagNormal } from "../dists/diag-normal";
import { Normal } from "../dists/normal";
import { klNormalNormal } from "./kl-normal";

/**
 * KL(q ‖ p) for diagonal multivariate Normals of the same dimension: the sum over coordinates of
 * {@link klNormalNormal}, since both factorise.
 *
 * Edge cases: different dimensions throw (`klDiagNormal: p must have dimension 2 (as q), got 3`).
 *
 * @example klDiagNormal(new DiagNormal([0, 0], [1, 1]), new DiagNormal([1, 0], [2, 1])) // 0.4431471805599453
 */
export function klDiagNormal(q: DiagNormal, p: DiagNormal): number {
  if (q.dim !== p.dim) throw new InvalidParameterError("klDiagNormal", "p", `a DiagNormal of dimension ${q.dim} (as q)`, `dimension ${p.dim}`);
  let s = 0;
  for (let j = 0; j < q.dim; j++) s += klNormalNormal(new Normal(q.mean[j], q.sd[j]), new Normal(p.mean[j], p.sd[j]));
  return s;
}
