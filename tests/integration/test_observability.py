"""Metrics accepted by promtool and moving with traffic; logs one JSON object per line; no secrets."""
import json
import shutil
import subprocess
import unittest

from harness import Service, metric_value

SECRET = "s3cr3t-refresh-token-value-that-must-not-be-logged-0123456789"


class Observability(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service(env={"JWT_SECRET": SECRET, "OPENAI_API_KEY": "sk-" + SECRET})

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def test_promtool_accepts_the_metrics(self):
        self.svc.request("GET", "/health")
        self.svc.request("GET", "/missing")
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool (Debian package prometheus) is required")
        r = subprocess.run([promtool, "check", "metrics"], input=self.svc.metrics(),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_metrics_carry_the_promised_families(self):
        text = self.svc.metrics()
        for family in ("http_requests_total", "http_request_duration_seconds",
                       "db_pool_connections", "db_pool_size", "process_cpu_seconds_total",
                       "process_resident_memory_bytes", "process_open_fds",
                       "estimate_service_build_info"):
            self.assertIn("# TYPE " + family + " ", text)
        self.assertGreater(metric_value(text, "process_resident_memory_bytes", {}), 1e6)
        self.assertGreater(metric_value(text, "process_open_fds", {}), 3)

    def test_request_counter_and_histogram_move(self):
        labels = {"method": "GET", "route": "/health", "status": "200"}
        before = metric_value(self.svc.metrics(), "http_requests_total", labels)
        count_before = metric_value(self.svc.metrics(), "http_request_duration_seconds_count",
                                    {"method": "GET", "route": "/health"})
        for _ in range(3):
            self.svc.request("GET", "/health")
        text = self.svc.metrics()
        self.assertEqual(metric_value(text, "http_requests_total", labels), before + 3)
        self.assertEqual(metric_value(text, "http_request_duration_seconds_count",
                                      {"method": "GET", "route": "/health"}), count_before + 3)
        self.assertGreaterEqual(metric_value(text, "http_requests_total",
                                             {"route": "unmatched", "status": "404"}), 0)

    def test_pool_gauge_sees_connections_after_readiness(self):
        self.svc.request("GET", "/health/ready")
        text = self.svc.metrics()
        self.assertEqual(metric_value(text, "db_pool_connections", {"state": "in_use"}), 0)
        self.assertGreaterEqual(metric_value(text, "db_pool_connections", {"state": "idle"}), 1)

    def test_logs_are_json_lines_with_request_fields(self):
        _, headers, _ = self.svc.request("GET", "/health/ready?token=" + SECRET,
                                         headers={"Authorization": "Bearer " + SECRET})
        rid = headers["x-request-id"]
        self.svc.request("GET", "/health")  # lets the access line of the first one flush
        records = []
        for line in list(self.svc.log_lines):
            rec = json.loads(line)  # every line parses
            for key in ("time", "level", "message"):
                self.assertIn(key, rec)
            records.append(rec)
        mine = [r for r in records if r.get("request_id") == rid]
        self.assertEqual(len(mine), 1, records[-5:])
        rec = mine[0]
        self.assertEqual(rec["method"], "GET")
        self.assertEqual(rec["route"], "/health/ready")
        self.assertEqual(rec["status"], 200)
        self.assertIsInstance(rec["duration_ms"], (int, float))
        self.assertRegex(rec["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$")

    def test_no_secret_reaches_the_log(self):
        self.svc.request("GET", "/health?access_token=" + SECRET,
                         headers={"Authorization": "Bearer " + SECRET})
        self.svc.request("GET", "/health")
        self.assertNotIn(SECRET, "\n".join(self.svc.log_lines))


class LogLevel(unittest.TestCase):
    def test_warn_level_drops_access_lines(self):
        svc = Service(env={"LOG_LEVEL": "warn"})
        try:
            svc.request("GET", "/health")
            svc.request("GET", "/health")
        finally:
            svc.stop()
        self.assertFalse([l for l in svc.log_lines if '"message":"request"' in l])

    def test_text_format_is_not_json(self):
        svc = None
        try:
            from harness import run_cli, base_env
            import tempfile
            tmp = tempfile.mkdtemp()
            env = base_env(tmp, {"LOG_FORMAT": "text"})
            r = run_cli(["migrate"], env, tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("migrations applied", r.stderr)
            self.assertFalse(r.stderr.lstrip().startswith("{"))
        finally:
            if svc:
                svc.stop()


if __name__ == "__main__":
    unittest.main()
