#!/usr/bin/env node
"use strict";
// The `elbo-lab` command. The logic lives in src/cli (compiled to dist/src/cli); build first with `npm run build`.
let cli;
try {
  cli = require("../dist/src/cli/main.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND") {
    process.stderr.write("elbo-lab: the library is not built (dist/src/cli/main.js is missing); run `npm run build` first\n");
    process.exit(1);
  }
  throw e;
}
cli.runCli(process.argv.slice(2));
