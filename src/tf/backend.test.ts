import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { availableBackends, backendName, checkBackendChosen, initBackend } from "./backend";

test("without initBackend, tfjs's silent cpu default is reported (first test of this process)", () => {
  const warnings: string[] = [];
  checkBackendChosen((m) => warnings.push(m));
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /initBackend/);
});

test("the default is the fastest installed backend (or ELBO_LAB_BACKEND), never cpu when wasm exists", async () => {
  const avail = availableBackends();
  assert.ok(avail.includes("wasm") && avail.includes("cpu"), `available: ${avail}`);
  const warnings: string[] = [];
  const name = await initBackend({ warn: (m) => warnings.push(m) });
  const env = process.env.ELBO_LAB_BACKEND;
  assert.equal(name, env === "wasm" || env === "tensorflow" ? env : avail[0]);
  assert.notEqual(name, "cpu");
  assert.equal(backendName(), name);
  assert.equal(tf.getBackend(), name);
  assert.deepEqual(warnings, []);
});

test("tfjs-node is only used when the real package is installed", () => {
  // In this project's node_modules the name @tensorflow/tfjs-node is an npm alias of plain
  // @tensorflow/tfjs (danfojs override), which brings no native backend.
  let realNode = false;
  try {
    realNode = (require("@tensorflow/tfjs-node/package.json") as { name: string }).name === "@tensorflow/tfjs-node";
  } catch {
    realNode = false;
  }
  assert.equal(availableBackends().includes("tensorflow"), realNode);
});

test("falling back to cpu logs a warning; asking for cpu does not", async () => {
  const warnings: string[] = [];
  const name = await initBackend({ exclude: ["tensorflow", "wasm"], warn: (m) => warnings.push(m) });
  assert.equal(name, "cpu");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /cpu/);
  const quiet: string[] = [];
  assert.equal(await initBackend({ prefer: "cpu", warn: (m) => quiet.push(m) }), "cpu");
  assert.deepEqual(quiet, []);
  assert.equal(await initBackend({ prefer: "wasm" }), "wasm");
});
