// Where @tensorflow/tfjs-node cannot be built, everything must run on wasm. Each case runs in a
// child node process whose `--require` preload changes how the name @tensorflow/tfjs-node
// resolves, as the layouts a user can end up with do:
//   absent   — the name does not resolve at all (MODULE_NOT_FOUND), e.g. an install without it;
//   fallback — the name is plain @tensorflow/tfjs, as scripts/setup.sh links it when the native
//              build is impossible (danfojs-node requires that name, so it must still work);
//   native   — unchanged: the real package where the set-up built it.
// In each, danfojs-node (where it can load) must run beside our backend with one copy of
// tfjs-core in the process and no "already registered" warnings on stderr.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_PASS_ONLY, NATIVE_AVAILABLE } from "./tested-backend";

const root = path.join(__dirname, "..", "..", "..");

const PRELOAD = `
const Module = require("module");
const mode = process.env.ELBO_LAB_TEST_TFJS_NODE;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "@tensorflow/tfjs-node" || request.startsWith("@tensorflow/tfjs-node/")) {
    if (mode === "absent") {
      const e = new Error("Cannot find module '" + request + "'");
      e.code = "MODULE_NOT_FOUND";
      throw e;
    }
    if (mode === "fallback") return resolve.call(this, "@tensorflow/tfjs" + request.slice("@tensorflow/tfjs-node".length), ...rest);
  }
  return resolve.call(this, request, ...rest);
};
`;

function child(mode: "absent" | "fallback" | "native", withDanfo: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-fallback-"));
  const preload = path.join(dir, "preload.js");
  fs.writeFileSync(preload, PRELOAD);
  const backendJs = path.join(__dirname, "backend.js");
  const script = `
    const tf = require("@tensorflow/tfjs");
    const { initBackend } = require(${JSON.stringify(backendJs)});
    initBackend().then((name) => {
      const y = tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])).dataSync()[0];
      let danfo = "not loaded";
      if (${withDanfo}) {
        const dfd = require("danfojs-node");
        const df = new dfd.DataFrame({ a: [1, 2, 3], b: [4, 5, 7] });
        danfo = String(df.column("b").max());
      }
      const cores = new Set(Object.keys(require.cache).map((k) => (k.match(/^(.*node_modules\\/@tensorflow\\/tfjs-core)\\//) || [])[1]).filter(Boolean));
      console.log(JSON.stringify({ name, y, danfo, cores: [...cores], backend: tf.getBackend() }));
    });`;
  const env: NodeJS.ProcessEnv = { ...process.env, ELBO_LAB_TEST_TFJS_NODE: mode };
  delete env.ELBO_LAB_BACKEND;
  const r = spawnSync(process.execPath, ["--require", preload, "-e", script], { cwd: root, encoding: "utf8", timeout: 120_000, env });
  fs.rmSync(dir, { recursive: true });
  assert.equal(r.status, 0, `${mode}: exit ${r.status} ${r.signal ?? ""}\n${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { name: string; y: number; danfo: string; cores: string[]; backend: string };
  return { out, stderr: r.stderr };
}

function checkStderr(mode: string, stderr: string): void {
  assert.doesNotMatch(stderr, /already registered/i, `${mode}: stderr ${stderr}`);
  assert.doesNotMatch(stderr, /elbo-lab:/, `${mode}: our own fallback warning (cpu) on stderr: ${stderr}`);
}

test("tfjs-node absent (MODULE_NOT_FOUND): initBackend falls back to wasm, no warnings", { skip: DEFAULT_PASS_ONLY }, () => {
  const { out, stderr } = child("absent", false);
  assert.equal(out.name, "wasm");
  assert.equal(out.backend, "wasm");
  assert.equal(out.y, 8);
  checkStderr("absent", stderr);
});

test("tfjs-node linked to plain tfjs (the set-up's fallback): wasm, danfojs-node works, one tfjs-core, no 'already registered'", { skip: DEFAULT_PASS_ONLY }, () => {
  const { out, stderr } = child("fallback", true);
  assert.equal(out.name, "wasm");
  assert.equal(out.y, 8);
  assert.equal(out.danfo, "7");
  assert.equal(out.cores.length, 1, `tfjs-core copies: ${out.cores}`);
  checkStderr("fallback", stderr);
});

test("native tfjs-node: tensorflow, danfojs-node uses the same package, one tfjs-core, no 'already registered'", { skip: DEFAULT_PASS_ONLY || (NATIVE_AVAILABLE ? false : "@tensorflow/tfjs-node is not built here") }, () => {
  const { out, stderr } = child("native", true);
  assert.equal(out.name, "tensorflow");
  assert.equal(out.y, 8);
  assert.equal(out.danfo, "7");
  assert.equal(out.cores.length, 1, `tfjs-core copies: ${out.cores}`);
  checkStderr("native", stderr);
});
