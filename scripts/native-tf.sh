#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node's addon against the TensorFlow C library of pip's `tensorflow-cpu` wheel, so
# TensorFlow.js runs on native TensorFlow (backend "tensorflow") instead of WebAssembly. Called by setup.sh.
#
#   bash scripts/native-tf.sh PYTHON     PYTHON: the interpreter whose pip fetches the wheel (the project's env)
#
# Why not tfjs-node's own install script: it downloads libtensorflow 2.9.1 from a host outside the npm registry,
# which fails without internet; this path works the same with and without it (pip reaches PyPI or a mirror).
#
# The library (~850 MB unpacked) lives in a cache outside node_modules, so `npm ci` does not throw it away and a
# rerun does not unpack it again: $ELBO_LAB_CACHE, else $XDG_CACHE_HOME/elbo-lab, else ~/.cache/elbo-lab.
# Only node_modules/@tensorflow/tfjs-node/deps (links into the cache) and the addon are redone after `npm ci`.
#
# Exit status: 0 when `require("@tensorflow/tfjs-node")` works afterwards; 3 when the native build is not possible
# here (another OS or CPU, too little disk); 1 when an attempt failed. The message is one line on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

TF_VERSION=2.21.0
WHEEL_PLATFORM=manylinux_2_27_x86_64
PY=${1:?usage: native-tf.sh PYTHON}
PKG=node_modules/@tensorflow/tfjs-node
CACHE=${ELBO_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/elbo-lab}
LIB=$CACHE/libtensorflow-$TF_VERSION-cpu-linux-x86_64
NEED_MB=1500   # the wheel (270 MB) and what is unpacked from it (850 MB), with room to spare

say() { printf '\033[1m[native-tf]\033[0m %s\n' "$*"; }
cannot() { printf '[native-tf] %s\n' "$*" >&2; exit 3; }
fail() { printf '[native-tf] %s\n' "$*" >&2; exit 1; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
  cannot "native TensorFlow is built only on Linux x86-64 (this is $(uname -s)-$(uname -m))"
[ -f "$PKG/package.json" ] || fail "$PKG is missing; run npm ci first"

# --- 1. the C library, unpacked once into the cache -----------------------------------------------------------
STAMP="tensorflow-cpu $TF_VERSION $WHEEL_PLATFORM, layout 2"   # change the layout number when the unpacking changes
if [ "$(cat "$LIB/.complete" 2>/dev/null)" != "$STAMP" ]; then
  mkdir -p "$CACHE"
  free_mb=$(df -Pm "$CACHE" | awk 'NR==2 {print $4}')
  [ "${free_mb:-0}" -ge "$NEED_MB" ] ||
    cannot "only ${free_mb} MB free in $CACHE; the TensorFlow library needs about $NEED_MB MB"
  tmp=$(mktemp -d "$CACHE/.unpack-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  say "fetching tensorflow-cpu==$TF_VERSION with pip (for its C library; ~270 MB)"
  # --platform/--python-version: the wheel's library does not depend on the interpreter that fetches it.
  # PIP_RETRIES=0 unless set: where an index is unreachable, pip's default retries cost seconds per request.
  PIP_RETRIES=${PIP_RETRIES:-0} "$PY" -m pip download --quiet --no-deps --only-binary=:all: --platform "$WHEEL_PLATFORM" \
    --python-version 3.11 --implementation cp -d "$tmp/wheel" "tensorflow-cpu==$TF_VERSION" ||
    fail "pip could not fetch tensorflow-cpu==$TF_VERSION (see above)"
  say "unpacking libtensorflow_cc and its C headers into $LIB"
  "$PY" - "$tmp/wheel"/tensorflow_cpu-*.whl "$tmp/out" <<'PY'
import sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
keep = ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2")
with zipfile.ZipFile(whl) as z:
    names = [n for n in z.namelist() if n in keep
             # the C API headers and what they include (g++ -MM over tfjs-node's binding/*.cc)
             or n.startswith(("tensorflow/include/tensorflow/c/", "tensorflow/include/xla/tsl/c/",
                              "tensorflow/include/tensorflow/core/platform/ctstring",
                              "tensorflow/include/tsl/platform/ctstring"))]
    missing = [k for k in keep if k not in names]
    if missing:
        sys.exit(f"the wheel has no {missing}")
    for n in names:
        z.extract(n, out)
PY
  mkdir -p "$tmp/lib"
  mv "$tmp/out/tensorflow/libtensorflow_cc.so.2" "$tmp/out/tensorflow/libtensorflow_framework.so.2" "$tmp/lib/"
  mv "$tmp/out/tensorflow/include" "$tmp/include"
  echo "$STAMP" > "$tmp/.complete"
  rm -rf "$LIB" "$tmp/wheel" "$tmp/out"
  mv "$tmp" "$LIB"
  trap - EXIT
fi

# --- 2. stage tfjs-node's deps/ as links into the cache ------------------------------------------------------
# The addon links -ltensorflow -ltensorflow_framework and finds them at run time through its rpath
# $ORIGIN/../../deps/lib, by the sonames libtensorflow_cc.so.2 and libtensorflow_framework.so.2. The marker
# libtensorflow.so.2.9.1 is the file tfjs-node's own scripts look for before they would download.
deps=$PKG/deps
rm -rf "$deps"
mkdir -p "$deps/lib"
ln -s "$LIB/include" "$deps/include"
ln -s "$LIB/lib/libtensorflow_cc.so.2" "$deps/lib/libtensorflow_cc.so.2"
ln -s "$LIB/lib/libtensorflow_framework.so.2" "$deps/lib/libtensorflow_framework.so.2"
ln -s libtensorflow_cc.so.2 "$deps/lib/libtensorflow.so"
ln -s libtensorflow_framework.so.2 "$deps/lib/libtensorflow_framework.so"
: > "$deps/lib/libtensorflow.so.2.9.1"

# --- 3. the addon, compiled from source (node-gyp; about 15 s) ------------------------------------------------
probe() {
  TF_CPP_MIN_LOG_LEVEL=2 node -e '
    const tf = require("@tensorflow/tfjs-node");
    const s = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).sum().dataSync()[0];
    if (tf.getBackend() !== "tensorflow" || s !== 12) throw new Error(`backend ${tf.getBackend()}, sum ${s}`);
  ' >/dev/null 2>&1
}
if probe; then
  say "native TensorFlow already built (addon loads, backend 'tensorflow')"
  exit 0
fi
pregyp=$(node -p 'require.resolve("@mapbox/node-pre-gyp/bin/node-pre-gyp", { paths: [process.argv[1]] })' "$PWD/$PKG") ||
  fail "node-pre-gyp (a dependency of tfjs-node) is missing; run npm ci"
say "compiling the tfjs-node addon against TensorFlow $TF_VERSION (node-gyp)"
# node-gyp needs Node's headers: npm's `nodedir` setting where there is one (as on Debian's nodejs), else node-gyp
# fetches them for this Node version (with internet).
nodedir=$(npm config get nodedir 2>/dev/null || true)
case "$nodedir" in ""|undefined|null) ;; *) export npm_config_nodedir=$nodedir ;; esac
log=$(mktemp)
if ! (cd "$PKG" && TF_CPP_MIN_LOG_LEVEL=2 node "$pregyp" install --build-from-source) >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  rm -f "$log"
  fail "compiling the tfjs-node addon failed (needs make, g++ and Python 3 for node-gyp); output above"
fi
rm -f "$log"
probe || fail "the tfjs-node addon was built but does not load; try: node -e 'require(\"@tensorflow/tfjs-node\")'"
say "native TensorFlow ready: TensorFlow.js backend 'tensorflow' on libtensorflow $TF_VERSION"
