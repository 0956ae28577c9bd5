/**
 * The launcher seen from Jupyter's own client (jupyter_client, as nbclient and JupyterLab use it),
 * now that it starts tslab's server itself (sockets first, then the converter): the first
 * kernel_info is answered with its status messages on IOPub, Jupyter's interrupt (SIGINT) stops a
 * waiting cell, and the kernel lives on and runs the next. (How much sooner it is ready is a speed
 * figure: see the bench's kernel start.)
 */
import { spawnSync } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { findChromium } from "./chromium";
import { findJupyterPython, projectRoot, writeKernelSpec } from "./jupyter";

const CLIENT = String.raw`
import json, sys, time
from queue import Empty
from jupyter_client.manager import KernelManager

def reply(kc, msg_id):
    while True:
        m = kc.get_shell_msg(timeout=30)
        if m["parent_header"].get("msg_id") == msg_id:
            return m

out = {}
km = KernelManager(kernel_name="tslab")
t0 = time.monotonic()
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    # One kernel_info request, as the first thing a client sends. Its reply comes once the
    # converter is built, and the status messages around it must reach IOPub. (Not
    # wait_for_ready: it re-asks after each second without a reply, so what one request gets
    # would depend on the machine's speed.)
    mid = kc.kernel_info()
    reply(kc, mid)
    out["readySeconds"] = time.monotonic() - t0
    states = []
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and states[-1:] != ["idle"]:
        try:
            m = kc.get_iopub_msg(timeout=0.2)
        except Empty:
            continue
        if m["msg_type"] == "status" and m["parent_header"].get("msg_id") == mid:
            states.append(m["content"]["execution_state"])
    out["kernelInfoStatuses"] = states
    t = time.monotonic()
    # Interrupt once the cell is inside its await (it printed), not after a fixed delay: on a busy
    # machine compiling the cell can take longer than any delay, and an interrupt that lands before
    # the cell runs has nothing to stop.
    mid = kc.execute('console.log("waiting");\nawait new Promise((r) => setTimeout(r, 30000));')
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == mid and "waiting" in m["content"]["text"]:
            break
    time.sleep(0.2)
    t = time.monotonic()
    km.interrupt_kernel()
    r = reply(kc, mid)
    out["interruptedStatus"] = r["content"]["status"]
    out["interruptSeconds"] = time.monotonic() - t
    out["aliveAfterInterrupt"] = km.is_alive()
    # tslab aborts whatever arrives within 200 ms of an error (cells queued behind it), as
    # ipykernel's stop_on_error does; a cell run after that runs.
    time.sleep(0.5)
    for code in ("1 + 1;", "const answer: number = 6 * 7;\nconsole.log(answer);"):
        mid = kc.execute(code)
        r = reply(kc, mid)
    out["nextStatus"] = r["content"]["status"]
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(out))
`;

test("jupyter_client: the first kernel_info is answered, with its status on IOPub; an interrupt stops a waiting cell and the kernel runs on", () => {
  const py = findJupyterPython().found;
  assert.ok(py, "a Jupyter python is needed for this test");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-launch-test-"));
  try {
    writeKernelSpec(dir, projectRoot());
    const r = spawnSync(py.python, ["-c", CLIENT], { env: { ...process.env, JUPYTER_PATH: dir }, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as Record<string, unknown>;
    assert.deepEqual(out.kernelInfoStatuses, ["busy", "idle"], `the first kernel_info's status messages did not all reach IOPub: ${JSON.stringify(out)}`);
    assert.equal(out.interruptedStatus, "error", JSON.stringify(out));
    assert.ok((out.interruptSeconds as number) < 10, `the interrupt took ${out.interruptSeconds} s`);
    assert.equal(out.aliveAfterInterrupt, true);
    assert.equal(out.nextStatus, "ok", JSON.stringify(out));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const EXITS = String.raw`
import json, os, re, signal, sys, time
from jupyter_client.manager import KernelManager

tmp = os.environ["TMPDIR"]
ours = re.compile(r"^(elbo-lab-render-|playwright|\.?org\.chromium\.)")

def leftovers():
    return sorted(n for n in os.listdir(tmp) if ours.match(n))

def browsers():
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                if tmp.encode() in f.read():
                    pids.append(int(p))
        except OSError:
            pass
    return pids

def run(kc, code):
    mid = kc.execute(code)
    while True:
        m = kc.get_shell_msg(timeout=120)
        if m["parent_header"].get("msg_id") == mid:
            return m["content"]["status"]

out = {}
for mode in sys.argv[1:]:
    km = KernelManager(kernel_name="tslab")
    km.start_kernel(cwd=os.environ["ELBO_LAB_ROOT"])
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    r = {}
    if mode == "sigterm-while-loading":
        # The browser starts and plotly.js loads from a page in elbo-lab-render-*: stop the kernel then.
        r["cell"] = run(kc, "void require('./dist/kernel').warmUp();")
        t = time.monotonic()
        while not any(n.startswith("elbo-lab-render-") for n in os.listdir(tmp)) and time.monotonic() - t < 60:
            time.sleep(0.01)
    else:
        r["cell"] = run(kc, "await require('./dist/kernel').warmUp();")
    r["during"] = leftovers()
    if mode == "shutdown":
        kc.shutdown()
    else:
        os.kill(km.provisioner.pid, signal.SIGTERM)
    t = time.monotonic()
    while km.is_alive() and time.monotonic() - t < 20:
        time.sleep(0.1)
    r["kernelAlive"] = km.is_alive()
    t = time.monotonic()
    while (browsers() or leftovers()) and time.monotonic() - t < 10:
        time.sleep(0.1)
    r["browsers"] = browsers()
    r["after"] = leftovers()
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=True)
    out[mode] = r
print(json.dumps(out))
`;

test(
  "a kernel that started its own Chromium leaves no browser and no temporary folder on shutdown, on SIGTERM, and on SIGTERM while plotly.js loads",
  { skip: findChromium().path ? false : "no Chromium" },
  () => {
    const py = findJupyterPython().found;
    assert.ok(py, "a Jupyter python is needed for this test");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-launch-test-"));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-tmp-")); // private: other processes' folders do not count
    try {
      writeKernelSpec(dir, projectRoot());
      const env = { ...process.env, JUPYTER_PATH: dir, TMPDIR: tmp, ELBO_LAB_ROOT: projectRoot() };
      const r = spawnSync(py.python, ["-c", EXITS, "shutdown", "sigterm", "sigterm-while-loading"], { env, encoding: "utf8", timeout: 400_000 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as Record<string, { cell: string; during: string[]; kernelAlive: boolean; browsers: number[]; after: string[] }>;
      for (const [mode, o] of Object.entries(out)) {
        // (The cell's status is not asserted: on a loaded machine plotly.js may take longer to load than
        // playwright's 30 s navigation limit; what matters is that the kernel's browser was started.)
        assert.ok(o.during.some((n) => n.startsWith("playwright")), `${mode}: the kernel started no browser of its own: ${JSON.stringify(o)}`);
        assert.equal(o.kernelAlive, false, `${mode}: ${JSON.stringify(o)}`);
        assert.deepEqual(o.browsers, [], `${mode}: a browser outlived the kernel`);
        assert.deepEqual(o.after, [], `${mode}: temporary folders left in ${tmp}`);
      }
      assert.ok(out["sigterm-while-loading"].during.some((n) => n.startsWith("elbo-lab-render-")), JSON.stringify(out));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);
