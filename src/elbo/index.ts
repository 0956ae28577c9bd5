export { elboParts, elboPartsByQuadrature, mixtureElboParts } from "./elbo-parts";
export type { ElboBreakdown, ElboBreakdown as ElboParts } from "./types";
export { pointwiseBayesBound, chibLogEvidence, jensenGap, jensenGapMonteCarlo } from "./bounds";
export type { PointwiseBound, JensenGap, JensenGapEstimate } from "./bounds";
export { SupportMismatchError, checkSupport } from "./support";
export { bestNormalQ } from "./best-normal-q";
export type { BestNormalQ } from "./best-normal-q";
export { squaredNormalElboTerms } from "./squared-normal-elbo";
