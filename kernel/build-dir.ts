/**
 * The build folder a notebook writes files to (saved models): the runner's `--build` folder, which it
 * passes to its kernels as ELBO_LAB_BUILD_DIR, else `build/` at the project root (a notebook opened in
 * JupyterLab). So a run into another folder (`npm run test:variants` into build/variants) never
 * overwrites what the main run saved and its reference checks read.
 */
import * as path from "node:path";
import { projectRoot } from "./jupyter";
import { BUILD_DIR_ENV } from "./protocol";

/** Absolute path of the build folder, joined with `parts`. */
export function buildPath(...parts: string[]): string {
  const given = process.env[BUILD_DIR_ENV];
  return path.join(given ? path.resolve(given) : path.join(projectRoot(), "build"), ...parts);
}
