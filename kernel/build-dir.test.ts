import { strict as assert } from "node:assert";
import * as path from "node:path";
import { test } from "node:test";
import { buildPath } from "./build-dir";
import { projectRoot } from "./jupyter";
import { BUILD_DIR_ENV } from "./protocol";

test("buildPath: the runner's build folder when it gave one, else build/ at the project root", () => {
  const saved = process.env[BUILD_DIR_ENV];
  try {
    delete process.env[BUILD_DIR_ENV];
    assert.equal(buildPath("models", "vae"), path.join(projectRoot(), "build", "models", "vae"));
    process.env[BUILD_DIR_ENV] = "some/relative/build";
    assert.equal(buildPath("models"), path.resolve("some/relative/build", "models"), "a relative folder is taken from the kernel's working directory");
    process.env[BUILD_DIR_ENV] = "/tmp/elbo-lab-variants";
    assert.equal(buildPath(), "/tmp/elbo-lab-variants");
  } finally {
    if (saved === undefined) delete process.env[BUILD_DIR_ENV];
    else process.env[BUILD_DIR_ENV] = saved;
  }
});
