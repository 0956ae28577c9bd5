export { main, runCli, USAGE, EXIT_USAGE, EXIT_INTERNAL } from "./main";
export type { CliIo } from "./main";
export { formatTable } from "./format";
