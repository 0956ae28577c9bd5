import { test } from "node:test";
import assert from "node:assert/strict";
import { iwaeStudy, normalNormalLogJoint } from "./iwae";
import { gradientViReference } from "../../test/reference/gradient-vi-reference";

const nn = gradientViReference().normalNormal;

test("the importance-weighted bound tightens with K towards log p(x), and its variance falls", () => {
  const logJoint = normalNormalLogJoint(nn);
  const Ks = [1, 5, 50, 500];
  const rows = iwaeStudy(logJoint, nn.iwaeProposal, Ks, { repeats: 2000, seed: 3 });
  const logp = nn.logEvidence;
  // L_1 is the ELBO of the proposal (reference closed form); 5 standard errors.
  assert.ok(Math.abs(rows[0].mean - nn.iwaeProposalElbo) < 5 * rows[0].stdError, `L1 ${rows[0].mean} vs ELBO ${nn.iwaeProposalElbo}`);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    assert.ok(r.mean <= logp + 5 * r.stdError, `L_${r.K} = ${r.mean} above log p(x) ${logp}`);
    if (i > 0) {
      const p = rows[i - 1];
      assert.ok(r.mean > p.mean, `L_${r.K} = ${r.mean} not above L_${p.K} = ${p.mean}`);
      assert.ok(r.variance < p.variance, `variance at K=${r.K} ${r.variance} not below ${p.variance}`);
    }
  }
  assert.ok(logp - rows[3].mean < 0.05, `L_500 = ${rows[3].mean}, log p(x) = ${logp}`);
  assert.ok(logp - rows[0].mean > 1, "the proposal is far enough from the posterior for the demo");
});

test("with the exact posterior as proposal every estimate equals log p(x)", () => {
  const rows = iwaeStudy(normalNormalLogJoint(nn), { mean: nn.posteriorMean, sd: nn.posteriorSd }, [1, 10], { repeats: 50 });
  for (const r of rows) {
    assert.ok(Math.abs(r.mean - nn.logEvidence) < 1e-12 * 50, `K=${r.K}: ${r.mean}`);
    assert.ok(r.variance < 1e-20);
  }
});
