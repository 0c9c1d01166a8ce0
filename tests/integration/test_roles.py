"""`serve --roles api,ai,collector`: which roles a process runs, and what it serves for each."""
import tempfile
import unittest

from harness import Service, base_env, run_cli


class Roles(unittest.TestCase):
    def ready_roles(self, svc):
        status, _, doc = svc.get_json("/health/ready")
        self.assertEqual(status, 200, doc)
        return doc["roles"]

    def test_default_runs_every_role(self):
        svc = Service()
        try:
            self.assertEqual(self.ready_roles(svc), ["api", "ai", "collector"])
            self.assertEqual(svc.request("GET", "/api/docs/openapi.json")[0], 200)
            self.assertTrue(any('"roles":"api,ai,collector"' in line for line in svc.log_lines),
                            svc.log_lines)
        finally:
            svc.stop()

    def test_api_alone_serves_the_api(self):
        svc = Service(args=["--roles", "api"])
        try:
            self.assertEqual(self.ready_roles(svc), ["api"])
            self.assertEqual(svc.request("GET", "/api/docs/openapi.json")[0], 200)
            status, _, _ = svc.request("POST", "/api/v1/auth/login", body=b"{}",
                                       headers={"Content-Type": "application/json"})
            self.assertNotEqual(status, 404)
        finally:
            svc.stop()

    def test_without_api_only_health_and_metrics(self):
        svc = Service(args=["--roles", "collector, ai"])
        try:
            self.assertEqual(self.ready_roles(svc), ["ai", "collector"])
            self.assertEqual(svc.request("GET", "/health")[0], 200)
            self.assertIn("process_", svc.metrics())
            self.assertEqual(svc.request("GET", "/api/docs/openapi.json")[0], 404)
            status, _, _ = svc.request("POST", "/api/v1/auth/login", body=b"{}",
                                       headers={"Content-Type": "application/json"})
            self.assertEqual(status, 404)
        finally:
            svc.stop()

    def test_unknown_role_is_a_usage_error_naming_it(self):
        tmp = tempfile.mkdtemp()
        for roles in ("api,gateway", "gateway", ""):
            r = run_cli(["serve", "--roles", roles], base_env(tmp), tmp)
            self.assertEqual(r.returncode, 2, (roles, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, (roles, r.stderr))
            self.assertIn("--roles", r.stderr)
            if roles:
                self.assertIn('"gateway"', r.stderr)
            self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
