export { BivariateNormal } from "./bivariate-normal";
export { klFactorisedToBivariate, klBivariateToFactorised, meanFieldOptimum, caviBivariateNormal } from "./mean-field-gaussian";
export type { CaviGaussianStep } from "./mean-field-gaussian";
export { linearRegression2d } from "./linear-regression-2d";
export type { LinearRegression2d, LinearRegression2dSpec } from "./linear-regression-2d";
export { caviGmm, gmmCaviElbo, gmmCaviUpdatePhi, gmmCaviUpdateMeans } from "./gmm-cavi";
export type { GmmCaviOptions, GmmCaviState, GmmCaviResult } from "./gmm-cavi";
export { gmmLogEvidenceExact } from "./gmm-exact-evidence";
