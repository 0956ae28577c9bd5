/** The library's version, as in package.json. @example VERSION // "0.1.0" */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const VERSION: string = (require("../../package.json") as { version: string }).version;
