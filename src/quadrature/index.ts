export { integrate, logIntegrate, refinePeak } from "./integrate";
export type { Peak, QuadratureOptions, QuadratureResult, LogQuadratureResult } from "./integrate";
export { expectation } from "./expectation";
export { gk15, XGK, WGK, WG } from "./gauss-kronrod";
export type { PanelResult } from "./gauss-kronrod";
