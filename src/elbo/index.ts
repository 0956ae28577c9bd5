export { elboParts, elboPartsByQuadrature, mixtureElboParts } from "./elbo-parts";
export type { ElboBreakdown, ElboBreakdown as ElboParts } from "./types";
export { pointwiseBayesBound, chibLogEvidence, jensenGap, jensenGapMonteCarlo } from "./bounds";
export type { PointwiseBound, JensenGap, JensenGapEstimate } from "./bounds";
export { SupportMismatchError, checkSupport } from "./support";
