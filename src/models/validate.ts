import { InvalidParameterError, requireFinite, requireFiniteArray, requirePositive } from "../dists/errors";

/** Validates the fields shared by the Gaussian-likelihood models; throws naming the field. */
export function validateGaussianFields(
  owner: string,
  p: { priorMean?: unknown; priorSd?: unknown; noiseSd?: unknown; data?: unknown },
): { priorMean: number; priorSd: number; noiseSd: number; data: Float64Array } {
  if (p === null || typeof p !== "object") throw new InvalidParameterError(owner, "options", "an object", p);
  return {
    priorMean: requireFinite(owner, "priorMean", p.priorMean),
    priorSd: requirePositive(owner, "priorSd", p.priorSd),
    noiseSd: requirePositive(owner, "noiseSd", p.noiseSd),
    data: requireFiniteArray(owner, "data", p.data, true),
  };
}
