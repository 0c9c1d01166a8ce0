"""Monitoring as deployed (issue 16): deploy/monitoring's Prometheus configuration and alert rules
pass `promtool check`; every metric the alerts and the Grafana dashboard name is one the service
exports; a real Prometheus (Debian's) scrapes a running instance: the target is up and the request
counter it stores moves with the requests made."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

from harness import ROOT, Service, free_port

MONITORING = os.path.join(ROOT, "deploy", "monitoring")
PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")
# PromQL's own words, not metric names.
PROMQL = {"sum", "rate", "by", "le", "histogram_quantile", "clamp_min", "max", "min", "increase", "and", "or",
          "time", "route", "status", "state", "result", "instance", "job", "up", "without", "on", "ignoring",
          "avg", "count", "irate", "delta", "abs", "bool", "unless", "e"}


def expressions():
    """Every PromQL expression of the alert rules and the dashboard."""
    out = []
    with open(os.path.join(MONITORING, "alerts.yml"), encoding="utf-8") as f:
        text = f.read()
    out += re.findall(r"expr: \|\n((?:\s{10}.*\n)+)", text)
    out += [e for e in re.findall(r"expr: (.+)", text) if e.strip() != "|"]
    with open(os.path.join(MONITORING, "grafana", "estimate-service.json"), encoding="utf-8") as f:
        dash = json.load(f)
    for panel in dash["panels"]:
        out += [t["expr"] for t in panel["targets"]]
    return out


def metric_names(expr):
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (label values, regexes)
    expr = re.sub(r'\{[^}]*\}', "", expr)           # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)          # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)  # label lists
    names = set(re.findall(r"[a-zA-Z_][a-zA-Z0-9_]*", expr))
    return {n for n in names if n not in PROMQL and not re.fullmatch(r"\d*e\d*", n)}


@unittest.skipUnless(PROMETHEUS and PROMTOOL, "needs Debian's prometheus (promtool)")
class Monitoring(unittest.TestCase):
    def test_promtool_accepts_the_configuration_and_the_rules(self):
        r = subprocess.run([PROMTOOL, "check", "config", os.path.join(MONITORING, "prometheus.yml")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = subprocess.run([PROMTOOL, "check", "rules", os.path.join(MONITORING, "alerts.yml")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_every_metric_of_the_alerts_and_the_dashboard_is_exported_and_scraped(self):
        svc = Service(env={"RATE_LIMIT_LIMIT": "100000"})
        tmp = tempfile.mkdtemp(prefix="estimate-prometheus-")
        prom = None
        try:
            for _ in range(5):
                svc.request("GET", "/api/v1/releases")
            exported = set()
            for line in svc.metrics().splitlines():
                if line.startswith("# TYPE "):
                    name, kind = line.split()[2:4]
                    exported.add(name)
                    if kind == "histogram":
                        exported |= {name + "_bucket", name + "_sum", name + "_count"}
            wanted = set()
            for e in expressions():
                wanted |= metric_names(e)
            wanted.discard("up")
            self.assertTrue(wanted, "no metric found in the expressions")
            self.assertEqual(sorted(wanted - exported), [], "named by alerts or dashboard, not exported")

            # A real Prometheus scraping the instance, with this repository's rules.
            with open(os.path.join(MONITORING, "prometheus.yml"), encoding="utf-8") as f:
                config = f.read()
            config = config.replace('["api-1:9100", "api-2:9100", "collector:9100"]', '["127.0.0.1:%d"]' % svc.port)
            config = config.replace("scrape_interval: 15s", "scrape_interval: 1s")
            config = re.sub(r"  - job_name: postgres\n(.*\n){2}  - job_name: redis\n(.*\n){2}", "", config)
            with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
                f.write(config)
            shutil.copy(os.path.join(MONITORING, "alerts.yml"), tmp)
            port = free_port()
            prom = subprocess.Popen([PROMETHEUS, "--config.file=" + os.path.join(tmp, "prometheus.yml"),
                                     "--storage.tsdb.path=" + os.path.join(tmp, "data"),
                                     "--web.listen-address=127.0.0.1:%d" % port],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            def query(q):
                url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (port, urllib.parse.quote(q))
                with urllib.request.urlopen(url, timeout=5) as r:
                    return json.load(r)["data"]["result"]

            def value(q):
                try:
                    result = query(q)
                except OSError:
                    return None
                return float(result[0]["value"][1]) if result else None

            deadline = time.time() + 60
            while time.time() < deadline and value('up{job="estimate-service"}') != 1.0:
                time.sleep(0.5)
            self.assertEqual(value('up{job="estimate-service"}'), 1.0, "the target is up")
            q = 'sum(http_requests_total{route="/api/v1/releases"})'
            first = None
            while time.time() < deadline and first is None:
                first = value(q)
                time.sleep(0.5)
            self.assertIsNotNone(first)
            for _ in range(7):
                svc.request("GET", "/api/v1/releases")
            later = first
            while time.time() < deadline and later < first + 7:
                time.sleep(0.5)
                later = value(q) or later
            self.assertGreaterEqual(later, first + 7, "the request counter moved")
        finally:
            if prom:
                prom.terminate()
                prom.wait(timeout=30)
            svc.stop()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
