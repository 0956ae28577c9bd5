export { normalNormalModel, NormalNormalModel } from "./normal-normal";
export { betaBernoulliModel, BetaBernoulliModel } from "./beta-bernoulli";
export { squaredNormalModel, SquaredNormalModel, depressedCubicRoots } from "./squared-normal";
export { gaussianMixtureModel, GaussianMixtureModel } from "./gaussian-mixture";
export { summarizeData } from "./data";
export { hasQuadraticLogJoint } from "./quadratic";
export type { QuadraticLogJoint } from "./quadratic";
export type { DataSummary } from "./data";
export type {
  Model,
  ScalarModel,
  ModelSpec,
  NormalNormalSpec,
  SquaredNormalSpec,
  BetaBernoulliSpec,
  GaussianMixtureSpec,
} from "./types";
