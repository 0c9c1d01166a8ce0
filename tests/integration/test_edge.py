"""The edge of the API: rate limiting (per client, shared through Redis), CORS, security headers."""
import os
import unittest

from harness import Service


class RateLimit(unittest.TestCase):
    def test_429_with_retry_after_once_the_budget_is_spent(self):
        # A window length no other test uses: with Redis configured (ESTIMATE_TEST_REDIS_URL) the
        # counters of 127.0.0.1 are shared with every test running beside this one.
        svc = Service(env={"RATE_LIMIT_LIMIT": "5", "RATE_LIMIT_TTL": "57s"})
        try:
            statuses = [svc.request("GET", "/api/v1/releases")[0] for _ in range(5)]
            self.assertEqual(statuses, [200] * 5)
            status, headers, body = svc.request("GET", "/api/v1/releases")
            if status == 200:  # the minute turned over between the requests; one more window
                for _ in range(5):
                    status, headers, body = svc.request("GET", "/api/v1/releases")
            self.assertEqual(status, 429)
            self.assertEqual(headers["content-type"], "application/problem+json")
            self.assertTrue(1 <= int(headers["retry-after"]) <= 57)
            self.assertIn(b"RATE_LIMIT_LIMIT", body)
            # Health and metrics are never limited: probes must see the service.
            self.assertEqual(svc.request("GET", "/health")[0], 200)
            self.assertIn("http_rate_limited_total", svc.metrics())
        finally:
            svc.stop()

    @unittest.skipUnless(os.environ.get("ESTIMATE_TEST_REDIS_URL"), "needs Redis")
    def test_instances_share_the_budget_through_redis(self):
        env = {"RATE_LIMIT_LIMIT": "6", "RATE_LIMIT_TTL": "3593s",
               "REDIS_URL": os.environ["ESTIMATE_TEST_REDIS_URL"]}
        # A window length no other test uses gives this test counters of its own.
        a = Service(env=env)
        b = Service(env=env, database_url=a.env["DATABASE_URL"], migrate=False)
        try:
            seen = []
            for i in range(8):
                svc = a if i % 2 == 0 else b
                seen.append(svc.request("GET", "/api/v1/releases")[0])
            # Other tests may have spent some of this hour's budget for 127.0.0.1 already.
            self.assertIn(429, seen)
            first_refusal = seen.index(429)
            self.assertTrue(all(s == 429 for s in seen[first_refusal:]), seen)
            self.assertLessEqual(first_refusal, 6)
        finally:
            a.stop()
            b.stop()


class Cors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service(env={"CORS_ORIGIN": "https://smeta.example.ru, http://localhost:5173"})

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def test_preflight_of_an_allowed_origin(self):
        status, headers, body = self.svc.request("OPTIONS", "/api/v1/calc", headers={
            "Origin": "https://smeta.example.ru", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type"})
        self.assertEqual(status, 204)
        self.assertEqual(headers["access-control-allow-origin"], "https://smeta.example.ru")
        self.assertIn("POST", headers["access-control-allow-methods"])
        self.assertIn("Authorization", headers["access-control-allow-headers"])
        self.assertIn("If-Match", headers["access-control-allow-headers"])
        self.assertIn("Prefer", headers["access-control-allow-headers"])  # export jobs
        self.assertEqual(body, b"")

    def test_other_origins_get_no_cors_headers(self):
        status, headers, _ = self.svc.request("GET", "/health", headers={"Origin": "https://evil.example"})
        self.assertEqual(status, 200)
        self.assertNotIn("access-control-allow-origin", headers)
        status, _, _ = self.svc.request("OPTIONS", "/api/v1/calc", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        self.assertEqual(status, 403)

    def test_simple_request_of_an_allowed_origin(self):
        _, headers, _ = self.svc.request("GET", "/health", headers={"Origin": "http://localhost:5173"})
        self.assertEqual(headers["access-control-allow-origin"], "http://localhost:5173")
        self.assertIn("X-Request-Id", headers["access-control-expose-headers"])
        self.assertIn("Location", headers["access-control-expose-headers"])  # a job's URL
        self.assertEqual(headers["vary"], "Origin")

    def test_security_headers_on_every_answer(self):
        for path in ("/health", "/nope"):
            _, headers, _ = self.svc.request("GET", path)
            self.assertEqual(headers["x-content-type-options"], "nosniff")
            self.assertEqual(headers["x-frame-options"], "DENY")
            self.assertEqual(headers["referrer-policy"], "no-referrer")
            self.assertIn("default-src 'none'", headers["content-security-policy"])


if __name__ == "__main__":
    unittest.main()
