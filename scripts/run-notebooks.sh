#!/usr/bin/env bash
# Executes the notebooks in notebooks/ headless and saves them in place WITH their outputs (charts),
# so that they cannot rot: a cell that fails makes this script fail.
#
#   bash scripts/run-notebooks.sh            # all notebooks
#   bash scripts/run-notebooks.sh notebooks/explore-inputs.ipynb
#
# Kernel: tslab (TypeScript, npm dev dependency) registered with Jupyter from Debian packages
# (jupyter-nbconvert, python3-ipykernel; installed here with apt-get when missing, as root).
# Data: the small synthetic district of notebooks/pipeline.yaml under out/notebooks/ (synth, grid,
# features, train, evaluate), built on the first run and reused afterwards (delete out/notebooks to
# rebuild). About 5-10 minutes the first time on 2 cores, 2-3 minutes after; it is not part of
# `npm test` for that reason and because it needs the extra Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! [ -x /usr/bin/jupyter-nbconvert ] || ! /usr/bin/python3 -c 'import ipykernel' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-notebooks: needs the Debian packages jupyter-nbconvert and python3-ipykernel (run as root or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends jupyter-nbconvert python3-ipykernel jupyter-client python3-nbformat >/dev/null
fi
# Register the TypeScript kernel (idempotent); the kernel runs node_modules/.bin/tslab from PATH.
npx tslab install --python=/usr/bin/python3 >/dev/null 2>&1
export PATH="$PWD/node_modules/.bin:$PATH"

firerisk() { node src/cli/bin.mjs -c notebooks/pipeline.yaml "$@"; }
[ -f out/notebooks/data/incidents.csv ] || firerisk synth --out out/notebooks/data
[ -f out/notebooks/grid/grid.json ] || firerisk grid
[ -f out/notebooks/features/features.parquet ] || firerisk features
[ -f out/notebooks/evaluation/report.json ] || { firerisk train && firerisk evaluate; }

# Project modules are ES modules in TypeScript: the kernel's Node gets tsx's ESM hooks.
export NODE_OPTIONS="--import tsx/esm"
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)
for notebook in "${notebooks[@]}"; do
  echo "run-notebooks: executing $notebook" >&2
  started=$(date +%s)
  /usr/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=tslab "$notebook"
  echo "run-notebooks: $notebook done in $(( $(date +%s) - started )) s" >&2
done
