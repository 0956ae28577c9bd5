/**
 * `node dist/runner/check-records.js` — runs the independent reference checkers over build/records.json
 * after the notebook runner (the last step of `npm test`). They recompute what notebooks recorded with
 * NumPy/SciPy/mpmath, outside the code under test. Needs a Python with numpy, scipy and mpmath: the project's environment
 * (`bash scripts/setup.sh` installs them from requirements.txt), or `$ELBO_LAB_PYTHON`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot, pythonCandidates } from "../kernel/jupyter";

const CHECKERS = [
  "test/reference/check_walkthrough_records.py",
  "test/reference/check_notebook_records.py",
  "test/reference/check_three_roads_records.py",
  "test/reference/check_mean_field_records.py",
  "test/reference/check_fit_theta_records.py",
  "test/reference/check_gradient_vi_records.py",
  "test/reference/check_vae_records.py",
  "test/reference/check_inside_vae_records.py",
];

function findScientificPython(): string | null {
  for (const py of pythonCandidates()) {
    const r = spawnSync(py, ["-c", "import numpy, scipy, mpmath"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

function main(): number {
  const root = projectRoot();
  const records = path.join(root, "build", "records.json");
  if (!fs.existsSync(records)) {
    console.error(`check-records: ${path.relative(root, records)} is missing: run the notebooks first`);
    return 1;
  }
  const py = findScientificPython();
  if (!py) {
    console.error("check-records: no Python with numpy, scipy and mpmath (run `bash scripts/setup.sh`, or set ELBO_LAB_PYTHON)");
    return 1;
  }
  let failed = 0;
  for (const script of CHECKERS) {
    const r = spawnSync(py, [path.join(root, script), records], { stdio: "inherit" });
    if (r.status !== 0) failed++;
  }
  console.log(`reference checks: ${CHECKERS.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exit(main());
