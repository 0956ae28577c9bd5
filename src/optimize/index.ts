export { goldenSectionMax } from "./golden-section";
export type { GoldenSectionResult } from "./golden-section";
export { nelderMeadMax } from "./nelder-mead";
export type { NelderMeadOptions, NelderMeadResult } from "./nelder-mead";
