"""The Kubernetes manifests (issue 16): `kubectl kustomize` renders the staging and production
overlays (with the secrets files an operator writes from the examples); every rendered object has
its kind, version and name; every pod runs under the restricted Pod Security profile (non-root, no
privilege escalation, read-only root, all capabilities dropped, RuntimeDefault seccomp) with
requests and limits; the service's containers have their probes; the collector runs alone and is
replaced by Recreate; the api scales 3–10 at 70 % CPU behind a disruption budget; the network
policies, the TLS Ingress and the backup CronJob are there; the ConfigMap and the Secret hold only
variables the service reads, and no secret sits in the ConfigMap."""
import os
import shutil
import subprocess
import tempfile
import unittest

import yaml

from harness import BINARY, ROOT

K8S = os.path.join(ROOT, "deploy", "k8s")
KUBECTL = shutil.which("kubectl")


def service_variables():
    """Every variable the service reads, and which of them are secrets (masked by config check)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    names = subprocess.run([BINARY, "config", "check"], env=env, capture_output=True, text=True).stdout
    every = [line.split("=", 1)[0] for line in names.splitlines() if "=" in line and not line.startswith(" ")]
    masked = subprocess.run([BINARY, "config", "check"], env=dict(env, **{n: "x" for n in every}),
                            capture_output=True, text=True).stdout
    secrets = {line.split("=", 1)[0] for line in masked.splitlines() if line.endswith("=***")}
    return set(every), secrets


@unittest.skipUnless(KUBECTL, "needs kubectl (kustomize)")
class Manifests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="estimate-k8s-")
        tree = os.path.join(cls.tmp, "k8s")
        shutil.copytree(K8S, tree)
        cls.rendered = {}
        for overlay in ("staging", "production"):
            d = os.path.join(tree, "overlays", overlay)
            shutil.copy(os.path.join(tree, "overlays", "secrets.env.example"), os.path.join(d, "secrets.env"))
            shutil.copy(os.path.join(tree, "overlays", "postgres.env.example"), os.path.join(d, "postgres.env"))
            r = subprocess.run([KUBECTL, "kustomize", d], capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                raise RuntimeError("kustomize %s: %s" % (overlay, r.stderr))
            cls.rendered[overlay] = [o for o in yaml.safe_load_all(r.stdout) if o]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def objects(self, overlay, kind=None):
        return [o for o in self.rendered[overlay] if kind is None or o["kind"] == kind]

    def one(self, overlay, kind, name):
        found = [o for o in self.objects(overlay, kind) if o["metadata"]["name"] == name]
        self.assertEqual(len(found), 1, (kind, name))
        return found[0]

    def test_every_object_is_well_formed(self):
        for overlay in self.rendered:
            kinds = sorted(o["kind"] for o in self.objects(overlay))
            for kind in ("Namespace", "ConfigMap", "Secret", "StatefulSet", "Deployment", "Service", "Ingress",
                         "NetworkPolicy", "HorizontalPodAutoscaler", "PodDisruptionBudget", "CronJob",
                         "PersistentVolumeClaim"):
                self.assertIn(kind, kinds, overlay)
            for o in self.objects(overlay):
                self.assertTrue(o.get("apiVersion"), o)
                self.assertTrue(o["metadata"].get("name"), o)
                if o["kind"] != "Namespace":
                    self.assertTrue(o["metadata"].get("namespace"), (overlay, o["kind"], o["metadata"]["name"]))

    def pod_specs(self, overlay):
        for o in self.objects(overlay):
            if o["kind"] in ("Deployment", "StatefulSet"):
                yield o, o["spec"]["template"]["spec"]
            elif o["kind"] == "CronJob":
                yield o, o["spec"]["jobTemplate"]["spec"]["template"]["spec"]

    def test_every_pod_is_restricted_with_requests_and_limits(self):
        for overlay in self.rendered:
            for o, spec in self.pod_specs(overlay):
                where = (overlay, o["kind"], o["metadata"]["name"])
                pod = spec.get("securityContext", {})
                self.assertTrue(pod.get("runAsNonRoot"), where)
                self.assertEqual(pod.get("seccompProfile", {}).get("type"), "RuntimeDefault", where)
                for c in spec["containers"]:
                    sc = c.get("securityContext", {})
                    self.assertIs(sc.get("allowPrivilegeEscalation"), False, where)
                    self.assertIs(sc.get("readOnlyRootFilesystem"), True, where)
                    self.assertEqual(sc.get("capabilities", {}).get("drop"), ["ALL"], where)
                    self.assertTrue(c.get("resources", {}).get("requests"), where)
                    self.assertTrue(c.get("resources", {}).get("limits"), where)
                    if c["name"] == "estimate-service":
                        self.assertEqual(c["livenessProbe"]["httpGet"]["path"], "/health", where)
                        self.assertEqual(c["readinessProbe"]["httpGet"]["path"], "/health/ready", where)
                        self.assertTrue(c["image"].startswith("registry.example.com/estimate-service:"), where)

    def test_roles_scaling_and_policies(self):
        for overlay in self.rendered:
            collector = self.one(overlay, "Deployment", "estimate-collector")
            self.assertEqual(collector["spec"]["replicas"], 1)
            self.assertEqual(collector["spec"]["strategy"]["type"], "Recreate")
            self.assertEqual(self.one(overlay, "StatefulSet", "postgres")["spec"]["volumeClaimTemplates"][0]
                             ["spec"]["accessModes"], ["ReadWriteOnce"])
            hpa = self.one(overlay, "HorizontalPodAutoscaler", "estimate-api")["spec"]
            self.assertEqual(hpa["maxReplicas"], 10)
            self.assertEqual(hpa["metrics"][0]["resource"]["target"]["averageUtilization"], 70)
            ingress = self.one(overlay, "Ingress", "estimate-api")
            self.assertIn("cert-manager.io/cluster-issuer", ingress["metadata"]["annotations"])
            self.assertTrue(ingress["spec"]["tls"])
            policies = {p["metadata"]["name"] for p in self.objects(overlay, "NetworkPolicy")}
            self.assertEqual(policies, {"api-from-ingress", "postgres-from-service", "redis-from-service"})
        self.assertEqual(self.one("production", "HorizontalPodAutoscaler", "estimate-api")["spec"]["minReplicas"], 3)

    def test_config_and_secret_hold_only_what_the_service_reads(self):
        every, secrets = service_variables()
        self.assertIn("JWT_SECRET", secrets)
        for overlay in self.rendered:
            config = [o for o in self.objects(overlay, "ConfigMap") if o["metadata"]["name"].startswith("estimate-config")]
            secret = [o for o in self.objects(overlay, "Secret") if o["metadata"]["name"].startswith("estimate-secrets")]
            self.assertEqual((len(config), len(secret)), (1, 1))
            config_keys = set(config[0]["data"])
            secret_keys = set(secret[0]["data"])
            self.assertEqual(sorted(config_keys - every), [], "ConfigMap keys the service does not read")
            self.assertEqual(sorted(secret_keys - every), [], "Secret keys the service does not read")
            self.assertEqual(sorted(config_keys & secrets), [], "secrets in the ConfigMap")
            self.assertEqual(sorted(secrets - secret_keys), [], "secrets missing from the Secret")
