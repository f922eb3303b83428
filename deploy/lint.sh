#!/usr/bin/env bash
# Checks deploy/ without a Docker engine or a Kubernetes cluster, with whatever of these is installed:
# bash -n and shellcheck (scripts), PyYAML (every YAML parses; the Kubernetes manifests hang together:
# selectors, probes, Secret and ConfigMap references, the cluster TLS files mounted where the settings say,
# NetworkPolicies that cover every pod and name real ports), yamllint, `kubectl kustomize`, and
# `docker compose config` or `docker-compose config` (with .env.example). Missing tools are named, not fatal.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
failed=0
skipped=()

run() {
    echo "== $*"
    "$@" || failed=1
}

have() {
    command -v "$1" >/dev/null || { skipped+=("$1"); return 1; }
}

for script in ./*.sh; do
    run bash -n "$script"
done
if have shellcheck; then run shellcheck ./*.sh; fi
if have yamllint; then
    run yamllint -s -d '{extends: default, rules: {line-length: {max: 160}, document-start: disable, truthy: {check-keys: false}}}' compose.yaml k8s/
fi
if have python3 && python3 -c 'import yaml' 2>/dev/null; then
    run python3 - <<'EOF'
import glob, sys, yaml

errors = []
docs = []
for path in sorted(glob.glob("k8s/*.yaml")) + ["compose.yaml"]:
    with open(path) as f:
        for doc in yaml.safe_load_all(f):
            if doc is not None:
                docs.append((path, doc))
k8s = [(p, d) for p, d in docs if p.startswith("k8s/") and d.get("kind") not in (None, "Kustomization")]

def need(cond, message):
    if not cond:
        errors.append(message)

secret_keys = {}
config_maps = set()
for path, d in k8s:
    need(d.get("apiVersion"), f"{path}: no apiVersion")
    need(d.get("metadata", {}).get("name"), f"{path}: {d['kind']} without metadata.name")
    if d["kind"] == "Secret":
        secret_keys[d["metadata"]["name"]] = set(d.get("stringData", {})) | set(d.get("data", {}))
    if d["kind"] == "ConfigMap":
        config_maps.add(d["metadata"]["name"])

kustomization = yaml.safe_load(open("k8s/kustomization.yaml"))
for resource in kustomization["resources"]:
    need(glob.glob(f"k8s/{resource}"), f"kustomization.yaml: missing resource {resource}")
need("secret.example.yaml" not in kustomization["resources"], "the Secret template must not be applied")

workloads = {}
for path, d in k8s:
    if d["kind"] not in ("Deployment", "StatefulSet"):
        continue
    name = d["metadata"]["name"]
    spec = d["spec"]
    selector = spec["selector"]["matchLabels"]
    labels = spec["template"]["metadata"]["labels"]
    workloads[name] = labels
    need(all(labels.get(k) == v for k, v in selector.items()), f"{name}: selector does not match the pod labels")
    pod = spec["template"]["spec"]
    need(pod.get("securityContext", {}).get("runAsNonRoot"), f"{name}: not runAsNonRoot")
    for c in pod["containers"]:
        need(c.get("image"), f"{name}/{c['name']}: no image")
        need(c.get("resources", {}).get("requests"), f"{name}/{c['name']}: no resource requests")
        need(c.get("securityContext", {}).get("allowPrivilegeEscalation") is False, f"{name}/{c['name']}: privilege escalation allowed")
        ports = {p["name"] for p in c.get("ports", [])}
        for probe in ("readinessProbe", "livenessProbe"):
            need(probe in c, f"{name}/{c['name']}: no {probe}")
            http = c.get(probe, {}).get("httpGet")
            if http:
                need(http["port"] in ports, f"{name}/{c['name']}: {probe} port {http['port']} is not a named port")
        for env in c.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                need(ref["key"] in secret_keys.get(ref["name"], set()), f"{name}: secret key {ref['name']}/{ref['key']} is not in the template")
        for source in c.get("envFrom", []):
            if "configMapRef" in source:
                need(source["configMapRef"]["name"] in config_maps, f"{name}: no ConfigMap {source['configMapRef']['name']}")
    if d["kind"] == "Deployment" and labels.get("app.kubernetes.io/component") == "silo":
        env = {e["name"]: e for c in pod["containers"] for e in c.get("env", [])}
        need(env.get("Rally__Cluster__AdvertisedIPAddress", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "status.podIP",
             f"{name}: silos must advertise their pod IP")

def selects(selector):
    return [n for n, labels in workloads.items() if all(labels.get(k) == v for k, v in selector.items())]

for path, d in k8s:
    if d["kind"] == "Service":
        need(selects(d["spec"]["selector"]), f"Service {d['metadata']['name']} selects no workload")
    if d["kind"] == "PodDisruptionBudget":
        need(selects(d["spec"]["selector"]["matchLabels"]), f"PodDisruptionBudget {d['metadata']['name']} selects no workload")

# Cluster TLS: the paths in the ConfigMap are files of a mounted Secret, in every pod that reads the ConfigMap.
pods = {d["metadata"]["name"]: d["spec"]["template"]["spec"] for _, d in k8s if d["kind"] in ("Deployment", "StatefulSet")}
config = {k: v for _, d in k8s if d["kind"] == "ConfigMap" for k, v in d.get("data", {}).items()}
tls_paths = [v for k, v in config.items() if k.startswith("Rally__Cluster__Tls__") and k.endswith("Path")]
need(tls_paths, "rally-config: cluster TLS is not turned on (Rally__Cluster__Tls__*Path)")
for name, pod in pods.items():
    secret_volumes = {v["name"]: v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
    for secret in secret_volumes.values():
        need(secret in secret_keys, f"{name}: mounts Secret {secret}, which is not in the template")
    for c in pod["containers"]:
        if not any(s.get("configMapRef", {}).get("name") == "rally-config" for s in c.get("envFrom", [])):
            continue
        mounts = {m["mountPath"]: secret_volumes.get(m["name"]) for m in c.get("volumeMounts", [])}
        for file in tls_paths:
            folder, _, key = file.rpartition("/")
            need(mounts.get(folder) and key in secret_keys.get(mounts[folder], set()),
                 f"{name}/{c['name']}: {file} is not a key of a Secret mounted at {folder}")

# NetworkPolicies: every pod is covered; each policy, and each peer it admits, selects a workload; named ports exist.
policies = [d for _, d in k8s if d["kind"] == "NetworkPolicy"]
need(any(p["spec"]["podSelector"] == {} and "Ingress" in p["spec"]["policyTypes"] and not p["spec"].get("ingress") for p in policies),
     "no default-deny NetworkPolicy (podSelector {}, Ingress, no rules)")
for p in policies:
    selector = p["spec"]["podSelector"].get("matchLabels", {})
    if not selector:
        continue
    targets = selects(selector)
    need(targets, f"NetworkPolicy {p['metadata']['name']} selects no workload")
    ports = {port["name"] for t in targets for c in pods[t]["containers"] for port in c.get("ports", [])}
    for rule in p["spec"].get("ingress", []):
        for peer in rule.get("from", []):
            if "podSelector" in peer:
                need(selects(peer["podSelector"].get("matchLabels", {})), f"NetworkPolicy {p['metadata']['name']}: a peer selects no workload")
        for port in rule.get("ports", []):
            need(isinstance(port["port"], int) or port["port"] in ports,
                 f"NetworkPolicy {p['metadata']['name']}: port {port['port']} is not a named port of {', '.join(targets)}")

# Compose: every silo and front has cluster TLS on, its files mounted where the settings say.
compose = yaml.safe_load(open("compose.yaml"))
for name, service in compose["services"].items():
    if service.get("image", "").startswith(("rally-silo", "rally-api")):
        env = service.get("environment", {})
        folders = {part for v in service.get("volumes", []) if isinstance(v, str) for part in v.split(":")[1:] if part.startswith("/")}
        paths = [v for k, v in env.items() if k.startswith("Rally__Cluster__Tls__") and k.endswith("Path")]
        need(paths, f"compose.yaml: {name} has cluster TLS off")
        need(all(p in folders or p.rpartition("/")[0] in folders for p in paths), f"compose.yaml: {name} does not mount its cluster TLS files")

print("\n".join(errors) if errors else f"{len(docs)} YAML documents parse; {len(k8s)} Kubernetes objects hang together")
sys.exit(1 if errors else 0)
EOF
else
    skipped+=("python3 with PyYAML")
fi
if have kubectl; then
    echo "== kubectl kustomize k8s"
    kubectl kustomize k8s > /dev/null || failed=1
fi
if docker compose version >/dev/null 2>&1; then
    run docker compose --env-file .env.example -f compose.yaml config -q
elif have docker-compose; then
    run docker-compose --env-file .env.example -f compose.yaml config -q
fi
if ((${#skipped[@]} > 0)); then
    echo "not installed, not checked: ${skipped[*]}"
fi
if ((failed)); then
    echo "deploy/lint.sh: FAILED"
    exit 1
fi
echo "deploy/lint.sh: OK"
