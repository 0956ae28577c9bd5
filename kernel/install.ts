/**
 * `npm run kernel:install` — registers the project's tslab kernel (kernelspec name `tslab`) with the
 * Jupyter that JupyterLab and nbconvert use, so notebooks opened there start this checkout's kernel.
 *
 * Where: into the env's sys.prefix when that Python is a conda env or virtualenv, else per user
 * (`~/.local/share/jupyter/kernels/tslab`). Running it again replaces the spec: harmless.
 * Flags: `--quiet` (one line only), `--check` (print what would be used, install nothing).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KERNEL_NAME, findJupyterPython, noJupyterMessage, projectRoot, writeKernelSpec } from "./jupyter";

const INSTALL_PY = `
import sys
from jupyter_client.kernelspec import KernelSpecManager
src, name, where = sys.argv[1], sys.argv[2], sys.argv[3]
dest = KernelSpecManager().install_kernel_spec(src, name, user=(where == 'user'), prefix=(sys.prefix if where == 'prefix' else None))
print(dest)
`;

export function installKernel(opts: { quiet?: boolean; check?: boolean } = {}): number {
  const root = projectRoot();
  const launcher = path.join(root, "dist", "kernel", "launch.js");
  if (!fs.existsSync(launcher)) {
    console.error(`elbo-lab: ${launcher} is missing; run \`npm run build\` first.`);
    return 1;
  }
  const { found, tried } = findJupyterPython();
  if (!found) {
    console.error(noJupyterMessage(tried));
    return 1;
  }
  const where = found.isEnv ? "prefix" : "user";
  if (opts.check) {
    console.log(`would install kernelspec '${KERNEL_NAME}' for ${found.python} (${where}) starting ${launcher}`);
    return 0;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-kernelspec-"));
  try {
    const specDir = writeKernelSpec(tmp, root);
    const r = spawnSync(found.python, ["-c", INSTALL_PY, specDir, KERNEL_NAME, where], { encoding: "utf8" });
    if (r.status !== 0) {
      console.error(`elbo-lab: installing the kernelspec with ${found.python} failed:\n${r.stderr}`);
      return 1;
    }
    const dest = r.stdout.trim();
    console.log(
      opts.quiet
        ? `kernel '${KERNEL_NAME}' -> ${dest}`
        : `Installed kernelspec '${KERNEL_NAME}' at ${dest}\n  Jupyter: ${found.python} (nbclient ${found.nbclient})\n  starts:  ${process.execPath} ${launcher}`,
    );
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  for (const a of args) {
    if (a !== "--quiet" && a !== "--check") {
      console.error(`elbo-lab kernel:install: unknown option ${JSON.stringify(a)} (known: --quiet, --check)`);
      process.exit(2);
    }
  }
  process.exit(installKernel({ quiet: args.includes("--quiet"), check: args.includes("--check") }));
}
