#!/usr/bin/env bash
# One-time set-up (safe to run again; a rerun redoes only what changed). After it, `npm start` and `npm test` work.
#
#   bash scripts/setup.sh                 everything: system packages, the Python env, npm packages, native
#                                         TensorFlow, the build, the kernel
#   bash scripts/setup.sh --no-native-tf  skip the native TensorFlow build: TensorFlow.js runs on WebAssembly
#                                         (also ELBO_LAB_NATIVE_TF=0)
#   bash scripts/setup.sh --latex         also nbconvert's LaTeX route (`--to pdf`): XeLaTeX, pandoc and the DejaVu
#                                         fonts (Debian, about 570 MB and 6 minutes; also ELBO_LAB_LATEX=1)
#
# What it makes:
#   - the project's Python environment: .venv (or the active conda env made from environment.yml) with the pinned
#     requirements.txt: JupyterLab 4, Notebook 7, nbconvert 7 (webpdf), nbclient, plotly, NumPy/SciPy for tests;
#     the kernelspec "TypeScript (ELBO Lab)" is registered into it, so `.venv/bin/jupyter lab` shows it;
#   - node_modules (npm ci), with @tensorflow/tfjs-node built against pip's tensorflow-cpu (scripts/native-tf.sh);
#   - on Debian/Ubuntu as root: Chromium (static figures, PDFs), poppler-utils (the PDF tests), build tools.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

native_tf=${ELBO_LAB_NATIVE_TF:-1}
latex=${ELBO_LAB_LATEX:-0}
for a in "$@"; do
  case "$a" in
    --no-native-tf) native_tf=0 ;;
    --latex) latex=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "setup: unknown option '$a' (known: --no-native-tf, --latex)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '[setup] %s\n' "$*" >&2; exit 1; }

# --- Node -------------------------------------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js 20 or newer is required (https://nodejs.org, or the conda route: environment.yml)."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: 20 or newer is required."

# --- which Python makes the environment -------------------------------------------------------------------------
# An active conda env (from environment.yml) is used as it is; otherwise .venv is made from python3 (3.11 or newer:
# NumPy 2.4 and SciPy 1.17 need it).
if [ -n "${CONDA_PREFIX:-}" ] && [ -x "$CONDA_PREFIX/bin/python" ] && [ "${CONDA_DEFAULT_ENV:-}" != base ]; then
  ENV_DIR=$CONDA_PREFIX
else
  ENV_DIR=$ROOT/.venv
fi
PY=$ENV_DIR/bin/python
base_py=${ELBO_LAB_BASE_PYTHON:-python3}
py_ok() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

# --- system packages (Debian/Ubuntu, as root) --------------------------------------------------------------------
find_chromium() {
  local c
  for c in "${ELBO_LAB_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
    [ -n "$c" ] && [ "$c" != none ] && command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
  done
  return 1
}
apt_pkgs=()
[ "${ELBO_LAB_CHROMIUM:-}" = none ] || find_chromium >/dev/null || apt_pkgs+=(chromium)
command -v pdftoppm >/dev/null || apt_pkgs+=(poppler-utils)
if [ "$native_tf" = 1 ]; then
  command -v make >/dev/null || apt_pkgs+=(make)
  command -v g++ >/dev/null || apt_pkgs+=(g++)
fi
[ -x "$PY" ] || py_ok "$base_py" || apt_pkgs+=(python3-venv)
if [ "$latex" = 1 ]; then
  command -v xelatex >/dev/null || apt_pkgs+=(texlive-xetex texlive-fonts-recommended texlive-plain-generic)
  command -v pandoc >/dev/null || apt_pkgs+=(pandoc)
  # The project's LaTeX template (runner/export/nbconvert-templates/elbo-lab-latex) sets these fonts.
  fc-list 2>/dev/null | grep -q DejaVuMathTeXGyre || apt_pkgs+=(fonts-dejavu-core fonts-dejavu-extra)
fi
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ -r /etc/debian_version ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${apt_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -q --no-install-recommends "${apt_pkgs[@]}" >/dev/null
  else
    say "warning: not installed (needs root on Debian/Ubuntu, or your OS's packages): ${apt_pkgs[*]}"
    say "  without Chromium, figures are interactive only and PDFs are skipped (ELBO_LAB_CHROMIUM names another browser);"
    say "  without poppler-utils, npm test cannot check the PDFs."
  fi
fi

# --- the Python environment ---------------------------------------------------------------------------------------
if [ ! -x "$PY" ]; then
  py_ok "$base_py" || die "No Python 3.11+ with venv found as '$base_py' (set ELBO_LAB_BASE_PYTHON, or use the conda route: environment.yml)."
  say "creating the project's Python environment: $ENV_DIR"
  "$base_py" -m venv "$ENV_DIR"
fi
req_stamp=$ENV_DIR/.elbo-lab-requirements
req_sum=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$req_stamp" 2>/dev/null)" != "$req_sum" ]; then
  say "installing the pinned Python packages (requirements.txt) into $ENV_DIR"
  # PIP_RETRIES=0 unless set: where an index is unreachable, pip's default retries cost seconds per package.
  PIP_RETRIES=${PIP_RETRIES:-0} "$PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$req_sum" > "$req_stamp"
fi

# webpdf, as users run it (`jupyter nbconvert --to webpdf`), from this environment:
#  - webpdf prints page_render_timeout (100 ms) after Playwright's "networkidle", which waits neither for the
#    page's load nor for MathJax: on a busy machine PDFs stopped mid-page or kept raw TeX. webpdf uses the
#    project's template elbo-lab-webpdf (nbconvert's webpdf plus runner/export/nbconvert-templates/
#    elbo-lab-webpdf/print-hold.js, which keeps the network busy until MathJax has typeset the loaded page).
#  - nbconvert's templates load MathJax 2.7 from a CDN, so offline the equations stayed raw TeX: webpdf takes the
#    same MathJax from node_modules/mathjax (an npm dependency; the page is a local file, so a file URL loads).
#  - nbconvert ignores jupyter.source_hidden, so figure-only cells carry the hide-input tag, which the config removes.
#  - Playwright starts only a browser of its own build; where Chromium is installed (Debian's), the env points
#    Playwright at a browsers folder whose entries are that Chromium, so nothing is downloaded.
"$PY" - "$ENV_DIR" "$(find_chromium || true)" "$ROOT/node_modules/mathjax/MathJax.js" "$ROOT/runner/export/nbconvert-templates" <<'PY'
import json, os, re, subprocess, sys, sysconfig
env, chromium, mathjax, templates = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
conf_dir = os.path.join(env, "etc", "jupyter")
os.makedirs(conf_dir, exist_ok=True)
conf_file = os.path.join(conf_dir, "jupyter_nbconvert_config.json")
conf = json.load(open(conf_file)) if os.path.exists(conf_file) else {}
webpdf = conf.setdefault("WebPDFExporter", {})
# After the hold's release, 5 s more (nbconvert's default is 100 ms) for what a stalled machine still owes.
webpdf["page_render_timeout"] = 5000
webpdf["mathjax_url"] = "file://" + mathjax + "?config=TeX-AMS_CHTML-full,Safe"
webpdf["extra_template_basedirs"] = [templates]
webpdf["template_name"] = "elbo-lab-webpdf"
# `--to pdf` (LaTeX) and `--to latex`: nbconvert's template with fonts that have ✔ ≥ ∫ ‖ (Latin Modern lacks them).
latex = conf.setdefault("LatexExporter", {})
latex["extra_template_basedirs"] = [templates]
latex["template_name"] = "elbo-lab-latex"
# Figure-only cells are tagged hide-input (JupyterLab shows them collapsed); exports leave their code out.
tags = conf.setdefault("TagRemovePreprocessor", {}).setdefault("remove_input_tags", [])
tags += [t for t in ("hide-input", "remove-input") if t not in tags]
json.dump(conf, open(conf_file, "w"), indent=2)
pth = os.path.join(sysconfig.get_paths()["purelib"], "elbo_lab_playwright.pth")
if not chromium:
    if os.path.exists(pth):
        os.remove(pth)
    sys.exit(0)
browsers = os.path.join(env, "share", "elbo-lab", "playwright-browsers")
dry = subprocess.run([sys.executable, "-m", "playwright", "install", "--dry-run", "chromium"],
                     capture_output=True, text=True, check=True).stdout
exe = {"chromium-": "chrome-linux64/chrome",
       "chromium_headless_shell-": "chrome-headless-shell-linux64/chrome-headless-shell",
       "ffmpeg-": None}
for loc in re.findall(r"Install location:\s*(\S+)", dry):
    name = os.path.basename(loc)
    for prefix, rel in exe.items():
        if name.startswith(prefix):
            folder = os.path.join(browsers, name)
            if rel:
                os.makedirs(os.path.dirname(os.path.join(folder, rel)), exist_ok=True)
                link = os.path.join(folder, rel)
                if os.path.lexists(link):
                    os.remove(link)
                os.symlink(chromium, link)
            os.makedirs(folder, exist_ok=True)
            open(os.path.join(folder, "INSTALLATION_COMPLETE"), "w").close()
with open(pth, "w") as f:
    f.write("import os; os.environ.setdefault('PLAYWRIGHT_BROWSERS_PATH', %r)\n" % browsers)
PY
say "Python env: $ENV_DIR ($("$PY" -c 'import jupyterlab, notebook, nbconvert, nbclient; print(f"JupyterLab {jupyterlab.__version__}, Notebook {notebook.__version__}, nbconvert {nbconvert.__version__}, nbclient {nbclient.__version__}")'))"

# --- npm packages, native TensorFlow, build, kernel ---------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci; no install scripts, see .npmrc)"
  npm ci --no-audit --no-fund --loglevel=error
fi
tfjs_node=node_modules/@tensorflow/tfjs-node
backend=wasm
if [ "$native_tf" = 1 ]; then
  [ -L "$tfjs_node" ] && { rm "$tfjs_node"; npm ci --no-audit --no-fund --loglevel=error; }  # undo an earlier fallback
  set +e
  bash scripts/native-tf.sh "$PY"
  rc=$?
  set -e
  [ "$rc" = 0 ] && backend=tensorflow
else
  say "native TensorFlow skipped (--no-native-tf / ELBO_LAB_NATIVE_TF=0)"
fi
if [ "$backend" = wasm ] && [ ! -L "$tfjs_node" ]; then
  # danfojs-node requires @tensorflow/tfjs-node; without its addon, that name points at plain @tensorflow/tfjs
  # (one copy of tfjs-core either way), and src/tf/backend.ts picks WebAssembly. The next `npm ci` undoes it.
  rm -rf "$tfjs_node"
  ln -s tfjs "$tfjs_node"
  say "TensorFlow.js will run on WebAssembly (tfjs-backend-wasm); notebooks print the backend they ran on"
fi
say "building the library (tsc -> dist/)"
npm run --silent build
say "registering the kernel into $ENV_DIR"
ELBO_LAB_PYTHON=$PY node dist/kernel/install.js --quiet
say "done (TensorFlow.js backend: $backend). Next: 'npm start' runs every notebook and exports HTML/PDF to build/;"
say "  'npm test' runs the tests; '$(realpath --relative-to="$ROOT" "$ENV_DIR" 2>/dev/null || echo "$ENV_DIR")/bin/jupyter lab notebooks/' opens JupyterLab."
