import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, assertRel, EPS } from "../testing/assert-close";
import { loadReference } from "../testing/reference";
import { createRng } from "../random/rng";
import { Normal } from "../dists/normal";
import { Beta } from "../dists/beta";
import { Categorical } from "../dists/categorical";
import { DiagNormal } from "../dists/diag-normal";
import { NormalMixture } from "../dists/normal-mixture";
import { Bernoulli } from "../dists/bernoulli";
import { klNormalNormal } from "./kl-normal";
import { klBetaBeta } from "./kl-beta";
import { klCategorical, klBernoulli } from "./kl-categorical";
import { klDiagNormal } from "./kl-diag-normal";
import { klMonteCarlo } from "./kl-monte-carlo";
import { klQuadrature } from "./kl-quadrature";
import { kl } from "./kl";

const ref = loadReference().kl;

test("klNormalNormal matches mpmath at 50 digits, including scales equal to 1e-10 (full relative accuracy)", () => {
  for (const c of ref.normalNormal) {
    const v = klNormalNormal(new Normal(c.q[0], c.q[1]), new Normal(c.p[0], c.p[1]));
    // 16 eps relative even for KL = 1e-20: the expm1mx form has no cancellation
    assertRel(v, c.value, 16 * EPS, c);
  }
  assertRel(klNormalNormal(new Normal(0, 1), new Normal(1, 2)), ref.normalNormalQuadCheck, 1e-12, "scipy quad cross-check");
  assert.equal(klNormalNormal(new Normal(3, 2), new Normal(3, 2)), 0);
});

test("klBetaBeta, klCategorical, klDiagNormal match mpmath / scipy.stats.entropy", () => {
  for (const c of ref.betaBeta) {
    const v = klBetaBeta(new Beta(c.q[0], c.q[1]), new Beta(c.p[0], c.p[1]));
    // absolute accuracy of ψ and ln B differences: 256 eps times the size of the ln B terms
    const scale = Math.max(1, Math.abs(new Beta(c.q[0], c.q[1]).logNormalizer));
    assertClose(v, c.value, 256 * EPS * scale, c);
  }
  for (const c of ref.categorical) assertRel(klCategorical(new Categorical(c.q), new Categorical(c.p)), c.value, 8 * EPS, c, 1e-300);
  const d = ref.diagNormal;
  assertRel(klDiagNormal(new DiagNormal(d.q[0], d.q[1]), new DiagNormal(d.p[0], d.p[1])), d.value, 8 * EPS, d);
  assert.equal(klCategorical(new Categorical([0.5, 0.5]), new Categorical([1, 0])), Infinity);
  assertRel(klBernoulli(new Bernoulli(0.5), new Bernoulli(0.9)), klCategorical(new Categorical([0.5, 0.5]), new Categorical([0.9, 0.1])), 4 * EPS);
  assert.throws(() => kl(new Normal(0, 1), new Beta(1, 1)), /no closed form for KL\(normal ‖ beta\)/);
});

test("forward and reverse KL between a bimodal mixture and a Normal (quadrature, scipy reference)", () => {
  const c = ref.kl === undefined ? ref.mixtureVsNormal : ref.mixtureVsNormal;
  const mix = new NormalMixture(c.mixture.weights, c.mixture.means, c.mixture.sds);
  const nrm = new Normal(c.normal[0], c.normal[1]);
  assertRel(klQuadrature(mix, nrm).value, c.klMixtureToNormal, 1e-10, "KL(mixture ‖ normal)");
  assertRel(klQuadrature(nrm, mix).value, c.klNormalToMixture, 1e-10, "KL(normal ‖ mixture)");
  assertRel(klQuadrature(new Beta(3, 2), new Beta(6, 4)).value, klBetaBeta(new Beta(3, 2), new Beta(6, 4)), 1e-10);
});

test("klMonteCarlo is within 5 standard errors of the closed form, both directions", () => {
  // k = 5: deterministic seeds; a 5-sigma miss would signal a bias, not bad luck (p ≈ 6e-7)
  const pairs: Array<[Normal | Beta, Normal | Beta]> = [
    [new Normal(0, 1), new Normal(1, 2)],
    [new Normal(1, 2), new Normal(0, 1)],
    [new Beta(3, 2), new Beta(6, 4)],
    [new Beta(6, 4), new Beta(3, 2)],
  ];
  const rng = createRng(31);
  for (const [q, p] of pairs) {
    const r = klMonteCarlo(q, p, rng, 50_000);
    const exact = kl(q, p);
    assertClose(r.estimate, exact, 5 * r.stderr, { q: q.toJSON(), p: p.toJSON(), ...r, exact });
  }
});
