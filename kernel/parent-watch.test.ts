import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A middle process starts a grandchild that calls watchParent, then the middle process is killed
 * with SIGKILL (as the runner may be): the grandchild must notice and exit on its own.
 */
test("watchParent: a process whose parent is SIGKILLed notices within a few intervals and exits", async () => {
  const watch = path.join(__dirname, "parent-watch.js");
  const grandchild = `require(${JSON.stringify(watch)}).watchParent((from, to) => { process.stdout.write("orphaned " + from + " " + to + "\\n"); process.exit(3); }, 100); console.log("watching"); setInterval(() => {}, 1000);`;
  const middle = `const c = require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: ["ignore", "inherit", "inherit"] }); console.log("grandchild " + c.pid); setInterval(() => {}, 1000);`;
  const m = spawn(process.execPath, ["-e", middle], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  m.stdout!.on("data", (d) => (out += d));
  const pid = await new Promise<number>((resolve) => {
    const poll = setInterval(() => {
      const g = /grandchild (\d+)/.exec(out);
      if (g && out.includes("watching")) {
        clearInterval(poll);
        resolve(Number(g[1]));
      }
    }, 20);
  });
  m.kill("SIGKILL");
  // Alive and not a zombie (an exited child that its new parent has not reaped yet).
  const alive = () => {
    try {
      return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "latin1"));
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 5000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, "SIGKILL");
  assert.ok(!alive(), "the grandchild outlived its killed parent by 5 s");
});
