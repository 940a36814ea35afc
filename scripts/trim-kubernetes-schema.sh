#!/usr/bin/env bash
# Regenerates bulwark-deploy's trimmed Kubernetes schema from the official OpenAPI v2 document.
#
#   scripts/trim-kubernetes-schema.sh swagger.json [v1.35.0]
#
# swagger.json is kubernetes/kubernetes' api/openapi-spec/swagger.json at that tag, e.g.
#   curl -sLO https://raw.githubusercontent.com/kubernetes/kubernetes/v1.35.0/api/openapi-spec/swagger.json
# (the same file is kubernetes-client/javascript's src/gen/swagger.json.unprocessed, whose `settings`
# names the tag). Keeps the definitions of the kinds `bulwark deploy generate` writes and everything
# they reference, without descriptions and vendor extensions other than x-kubernetes-group-version-kind
# and x-kubernetes-int-or-string; the strict transformation (additionalProperties: false) is applied
# when Bulwark loads the file, not here, so the file stays the upstream definitions. See
# bulwark-deploy/src/main/resources/io/bulwark/deploy/kubernetes/README.md.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 swagger.json [kubernetes-tag]" >&2
  exit 2
fi
tag=${2:-v1.35.0}
out="$(cd "$(dirname "$0")/.." && pwd)/bulwark-deploy/src/main/resources/io/bulwark/deploy/kubernetes/schema.json"

python3 - "$1" "$tag" "$out" <<'PY'
import json, sys

source, tag, out = sys.argv[1], sys.argv[2], sys.argv[3]
# group/version/kind of every object the kubernetes and istio targets and the Helm chart write.
KINDS = {
    ("", "v1", "ServiceAccount"), ("", "v1", "ConfigMap"), ("", "v1", "Service"), ("", "v1", "Secret"),
    ("apps", "v1", "Deployment"), ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("policy", "v1", "PodDisruptionBudget"), ("networking.k8s.io", "v1", "NetworkPolicy"),
    ("networking.k8s.io", "v1", "Ingress"), ("rbac.authorization.k8s.io", "v1", "Role"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
}
KEEP_EXTENSIONS = {"x-kubernetes-group-version-kind", "x-kubernetes-int-or-string"}

definitions = json.load(open(source))["definitions"]
roots = []
for name, d in definitions.items():
    for gvk in d.get("x-kubernetes-group-version-kind", []):
        if (gvk["group"], gvk["version"], gvk["kind"]) in KINDS:
            roots.append(name)
found = {(g["group"], g["version"], g["kind"]) for n in roots for g in definitions[n]["x-kubernetes-group-version-kind"]}
missing = KINDS - found
if missing:
    sys.exit("not in %s: %s" % (source, sorted(missing)))

def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v.split("/")[-1]
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)

def trim(node):
    if isinstance(node, dict):
        return {k: trim(v) for k, v in node.items()
                if k != "description" and (not k.startswith("x-") or k in KEEP_EXTENSIONS)}
    if isinstance(node, list):
        return [trim(v) for v in node]
    return node

keep, todo = set(), list(roots)
while todo:
    name = todo.pop()
    if name not in keep:
        keep.add(name)
        todo.extend(refs(definitions[name]))

doc = {
    "info": {
        "title": "Kubernetes " + tag + " definitions for bulwark deploy (trimmed)",
        "source": "https://raw.githubusercontent.com/kubernetes/kubernetes/" + tag + "/api/openapi-spec/swagger.json",
        "regenerate": "scripts/trim-kubernetes-schema.sh swagger.json " + tag,
        "kinds": sorted("/".join(filter(None, k)) for k in KINDS),
    },
    "definitions": {name: trim(definitions[name]) for name in sorted(keep)},
}
with open(out, "w") as f:
    json.dump(doc, f, indent=1, sort_keys=True)
    f.write("\n")
print("%s: %d definitions for %d kinds" % (out, len(keep), len(KINDS)))
PY
