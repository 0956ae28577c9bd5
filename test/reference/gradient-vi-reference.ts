/**
 * Typed access to `gradient-vi-reference.json`, written by `gradient_vi_reference.py`
 * (NumPy/SciPy, independent of the code under test). Used by the tests in src/tf, src/iwae.
 */
import * as fs from "fs";
import * as path from "path";

export interface GradientViReference {
  generatedBy: string;
  normalNormal: {
    mu0: number; tau0: number; sigma: number; x: number[];
    posteriorMean: number; posteriorSd: number; logEvidence: number;
    probe: { q: { mean: number; logSd: number }; elbo: number; dMean: number; dLogSd: number };
    iwaeProposal: { mean: number; sd: number };
    iwaeProposalElbo: number;
  };
  squaredNormal: { mu0: number; tau0: number; sigma: number; x: number[]; logEvidence: number; posteriorMassPositive: number };
}

/** The JSON lives in the source tree (test/reference), two levels above dist/test/reference. */
export function gradientViReference(): GradientViReference {
  const candidates = [
    path.resolve(__dirname, "gradient-vi-reference.json"),
    path.resolve(__dirname, "../../../test/reference/gradient-vi-reference.json"),
  ];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`gradient-vi-reference.json not found (looked in ${candidates.join(", ")})`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as GradientViReference;
}
