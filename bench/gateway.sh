#!/usr/bin/env bash
# bench/gateway.sh: what genui adds over calling the upstream directly, with validation and repair running.
# Starts `genui serve` (workers: $WORKERS, default 2) forwarding to the shared fake upstream, which answers with
# a realistic 2 KB UI (bench/ui_answer_2k.json), then runs ../shared/bench/gateway_overhead.sh against it.
# Knobs are the shared script's (LATENCY_MS, CONC, DURATION, STREAM, ...) plus WORKERS, PORT, SHARED.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared/bench}"
PY="${PY:-$ROOT/.venv/bin/python}"
[[ -x "$PY" ]] || PY=python3
PORT="${PORT:-8080}"
WORKERS="${WORKERS:-2}"
UPSTREAM_PORT="${UPSTREAM_PORT:-18000}"
# A model pinned before v-20260331 answers in v1, the format of the fake upstream's answer (no conversion);
# MODEL=c1/bench/fake-upstream/v-20261121 measures the same answer converted to C1 v2.
MODEL="${MODEL:-c1/bench/fake-upstream/v-20251230}"
WORK="$(mktemp -d)"
trap 'kill "$GENUI_PID" 2>/dev/null || true; wait "$GENUI_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat > "$WORK/genui.toml" <<TOML
data_dir = "$WORK/data"
log_level = "warning"
workers = $WORKERS

[providers.bench]
kind = "openai"
base_url = "http://127.0.0.1:$UPSTREAM_PORT/v1"
api_key = "sk-bench"
constrain = "none"
max_retries = 0

[[models]]
name = "$MODEL"
provider = "bench"
upstream_model = "fake-model"
TOML

KEY="$("$PY" -m genui.cli keys create --name bench --config "$WORK/genui.toml" 2>/dev/null | tail -n 1)"
"$PY" -m genui.cli serve --port "$PORT" --config "$WORK/genui.toml" > "$WORK/genui.log" 2>&1 &
GENUI_PID=$!
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/readyz" && break
  sleep 0.1
done
echo "genui pid $GENUI_PID, $WORKERS worker(s), model $MODEL" >&2

PY="$PY" API_KEY="$KEY" GATEWAY_PID="$GENUI_PID" UPSTREAM_PORT="$UPSTREAM_PORT" \
  CONTENT_FILE="${CONTENT_FILE:-$HERE/ui_answer_2k.json}" OUT_DIR="${OUT_DIR:-$HERE/results/gateway-$(date +%Y%m%d-%H%M%S)}" \
  bash "$SHARED/gateway_overhead.sh" "http://127.0.0.1:$PORT" "$MODEL"
