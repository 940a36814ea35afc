#!/usr/bin/env bash
# Checks the autoscaler's kubernetes driver against a real cluster: a throwaway namespace with a
# one-replica Deployment, a Bulwark server outside the cluster driving it with the credentials of
# the current kubectl context, work that needs five replicas, and the Deployment's spec.replicas
# read back with kubectl. Cleans up after itself.
#
#   scripts/k8s-scale-check.sh [--context NAME] [--namespace NAME] [--port 18080] [--keep]
#
# Needs kubectl and a cluster you may create namespaces in (kind, minikube, k3d or a real one). The
# Deployment runs registry.k8s.io/pause, so nothing is scheduled that does work. Exit 0 when the
# Deployment reached the desired count; 1 otherwise, with the server's decisions printed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
context=""
namespace="bulwark-scale-check-$$"
port=18080
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --context) context="$2"; shift 2 ;;
    --namespace) namespace="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

command -v kubectl >/dev/null || { echo "kubectl is not on the PATH" >&2; exit 2; }
kc=(kubectl)
if [ -n "$context" ]; then
  kc+=(--context "$context")
fi
"${kc[@]}" version >/dev/null 2>&1 || { echo "kubectl cannot reach a cluster (context: ${context:-current})" >&2; exit 2; }

data=$(mktemp -d "${TMPDIR:-/tmp}/bulwark-scale-check.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "$keep" = 0 ]; then
    "${kc[@]}" delete namespace "$namespace" --wait=false >/dev/null 2>&1 || true
    rm -rf "$data"
  else
    echo "kept: namespace $namespace, data $data"
  fi
}
trap cleanup EXIT

echo "1. namespace $namespace with Deployment workers at 1 replica"
"${kc[@]}" create namespace "$namespace" >/dev/null
"${kc[@]}" -n "$namespace" create deployment workers --image=registry.k8s.io/pause:3.9 --replicas=1 >/dev/null

echo "2. a Bulwark server on 127.0.0.1:$port with the kubernetes driver (the context's credentials)"
# The server's client (fabric8) reads KUBECONFIG: a copy holding only the chosen context.
"${kc[@]}" config view --raw --minify >"$data/kubeconfig"
export KUBECONFIG="$data/kubeconfig"
"$root/bulwark" serve --port "$port" --data-dir "$data" \
  --scaling.autoscaler.enabled=true --scaling.autoscaler.driver=kubernetes \
  --scaling.autoscaler.kubernetes.namespace="$namespace" --scaling.autoscaler.kubernetes.deployment=workers \
  --scaling.autoscaler.interval=2s --scaling.autoscaler.queues=check --scaling.autoscaler.waitingJobsPerWorker=10 \
  --scaling.autoscaler.maxReplicas=5 --log.access=false >"$data/server.log" 2>&1 &
server_pid=$!
api="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -sf "$api/health/ready" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped:" >&2; tail -n 30 "$data/server.log" >&2; exit 1; }
  sleep 0.5
done

echo "3. 50 jobs waiting on a paused queue: ceil(1 x 50 / 10) = 5 replicas"
curl -sf -X POST "$api/api/v1/queues/check/pause" >/dev/null
for _ in $(seq 1 50); do
  curl -sf -H 'Content-Type: application/json' -d '{"queue":"check","type":"builtin.noop"}' "$api/api/v1/jobs" >/dev/null
done

echo "4. waiting for the Deployment's spec.replicas to be 5"
for _ in $(seq 1 60); do
  replicas=$("${kc[@]}" -n "$namespace" get deployment workers -o jsonpath='{.spec.replicas}')
  if [ "$replicas" = 5 ]; then
    echo "ok: the autoscaler scaled workers 1 -> 5 through the scale subresource"
    curl -sf "$api/api/v1/scaling/decisions?limit=5" | head -c 2000; echo
    exit 0
  fi
  sleep 1
done
echo "failed: spec.replicas is $replicas after a minute; the server's last decisions:" >&2
curl -sf "$api/api/v1/scaling/decisions?limit=5" >&2 || tail -n 30 "$data/server.log" >&2
exit 1
