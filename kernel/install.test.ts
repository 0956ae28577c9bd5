import { spawnSync } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { findJupyterPython, projectRoot } from "./jupyter";

test("kernel:install registers 'tslab' starting this checkout's launcher, and twice is harmless", () => {
  const root = projectRoot();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-jupyter-data-"));
  const env: NodeJS.ProcessEnv = { ...process.env, JUPYTER_DATA_DIR: dataDir, JUPYTER_PATH: "" };
  delete env.CONDA_PREFIX; // per-user install into JUPYTER_DATA_DIR, not into an env
  try {
    const py = findJupyterPython(env).found;
    assert.ok(py, "a Jupyter python is needed for this test");
    if (py.isEnv) return; // inside a conda env/venv the spec goes to sys.prefix; not this machine's case
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(process.execPath, [path.join(root, "dist", "kernel", "install.js"), "--quiet"], { env, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
    }
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, "kernels", "tslab", "kernel.json"), "utf8"));
    assert.deepEqual(spec.argv, [process.execPath, path.join(root, "dist", "kernel", "launch.js"), "--config-path", "{connection_file}"]);
    // What Jupyter itself resolves the name to (Debian lacks the `jupyter kernelspec` entry point).
    const probe = "import json; from jupyter_client.kernelspec import KernelSpecManager as K; print(json.dumps(K().find_kernel_specs()))";
    const list = spawnSync(py.python, ["-c", probe], { env, encoding: "utf8" });
    assert.equal(list.status, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).tslab, path.join(dataDir, "kernels", "tslab"));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("kernel:install rejects unknown options", () => {
  const r = spawnSync(process.execPath, [path.join(projectRoot(), "dist", "kernel", "install.js"), "--bogus"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option "--bogus"/);
});
