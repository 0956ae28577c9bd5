#!/usr/bin/env bash
# One-time set-up (safe to run again): system packages, npm packages, build, kernel registration.
#
#   bash scripts/setup.sh          what users need: Jupyter, Chromium (static figures, PDF), npm deps
#   bash scripts/setup.sh --dev    also what the tests need (poppler-utils for PDF checks, NumPy/SciPy
#                                  for the reference checks of notebook records)
#
# Jupyter comes from, in order: an active conda env (see environment.yml), a python that already has
# it, or — on Debian/Ubuntu as root — Debian's packages. Otherwise it stops and says what to do.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
for a in "$@"; do
  case "$a" in
    --dev) dev=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup: unknown option '$a' (known: --dev)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '[setup] %s\n' "$*" >&2; exit 1; }

# --- Node -----------------------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js 20 or newer is required (https://nodejs.org, or 'conda env create -f environment.yml')."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: 20 or newer is required."

# --- what is missing --------------------------------------------------------------------------------
has_jupyter() {
  local py
  for py in ${ELBO_LAB_PYTHON:-} ${CONDA_PREFIX:+$CONDA_PREFIX/bin/python} python3 python /usr/bin/python3; do
    if "$py" -c 'import nbclient, jupyter_client, nbformat, nbconvert' >/dev/null 2>&1; then
      JUPYTER_PY=$py; return 0
    fi
    # An explicit ELBO_LAB_PYTHON is the only candidate.
    [ -n "${ELBO_LAB_PYTHON:-}" ] && return 1
  done
  return 1
}
find_chromium() {
  local c
  for c in "${ELBO_LAB_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && return 0
  done
  return 1
}

apt_pkgs=()
has_jupyter || apt_pkgs+=(jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel)
find_chromium || apt_pkgs+=(chromium)
if [ "$dev" = 1 ]; then
  command -v pdftoppm >/dev/null || apt_pkgs+=(poppler-utils)
  # Independent reference checks of notebook records (test/reference/*.py).
  /usr/bin/python3 -c 'import numpy, scipy' >/dev/null 2>&1 || [ -n "${ELBO_LAB_PYTHON:-}" ] || apt_pkgs+=(python3-numpy python3-scipy)
fi

if [ ${#apt_pkgs[@]} -gt 0 ]; then
  if [ -r /etc/debian_version ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${apt_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -q --no-install-recommends "${apt_pkgs[@]}" >/dev/null
  else
    missing_jupyter=0; has_jupyter || missing_jupyter=1
    if [ "$missing_jupyter" = 1 ]; then
      die "No Jupyter found (a python with nbclient, nbconvert, jupyter_client). Do one of:
    conda env create -f environment.yml && conda activate elbo-lab     # any OS
    sudo apt-get install -y --no-install-recommends ${apt_pkgs[*]}     # Debian/Ubuntu
    export ELBO_LAB_PYTHON=/path/to/python                             # a python that has Jupyter
then run this again."
    fi
    say "warning: not installed (needs root on Debian/Ubuntu): ${apt_pkgs[*]}"
    say "  without Chromium, figures are interactive only and the PDF export is skipped; set ELBO_LAB_CHROMIUM to a Chrome/Chromium binary to enable it."
  fi
fi
has_jupyter || die "Jupyter is still missing after the install; see the messages above."
say "Jupyter: $JUPYTER_PY ($("$JUPYTER_PY" -c 'import nbclient, nbconvert; print("nbclient", nbclient.__version__, "nbconvert", nbconvert.__version__)'))"

# --- npm packages, build, kernel ------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "building the library (tsc -> dist/)"
npm run --silent build
say "registering the kernel"
node dist/kernel/install.js
say "done. Next: 'npm start' runs every notebook and exports HTML/PDF to build/; 'npm test' runs the tests."
