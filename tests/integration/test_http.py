"""The HTTP surface of the running binary: health, problem+json errors, request ids, limits."""
import json
import re
import socket
import subprocess
import time
import unittest

from harness import Service


class HttpSurface(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service(env={"UPLOAD_MAX_SIZE": "1kb"}, args=["--read-timeout-ms", "700"])

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def assertProblem(self, status, headers, body, expected_status):
        self.assertEqual(status, expected_status)
        self.assertEqual(headers["content-type"], "application/problem+json")
        doc = json.loads(body)
        self.assertEqual(doc["status"], expected_status)
        for field in ("type", "title", "detail"):
            self.assertIsInstance(doc[field], str)
            self.assertTrue(doc[field])
        return doc

    def test_health_answers_ok(self):
        status, headers, doc = self.svc.get_json("/health")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(doc, {"status": "ok"})

    def test_readiness_reports_each_dependency(self):
        status, _, doc = self.svc.get_json("/health/ready")
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["status"], "ok")
        self.assertEqual(doc["checks"]["database"]["status"], "ok")
        if "REDIS_URL" in self.svc.env:
            self.assertEqual(doc["checks"]["redis"]["status"], "ok")
        else:
            self.assertNotIn("redis", doc["checks"])

    def test_unknown_path_is_404_problem(self):
        status, headers, body = self.svc.request("GET", "/no/such/thing?x=1")
        doc = self.assertProblem(status, headers, body, 404)
        self.assertEqual(doc["instance"], "/no/such/thing")
        self.assertEqual(doc["request_id"], headers["x-request-id"])

    def test_wrong_method_is_405_with_allow(self):
        status, headers, body = self.svc.request("DELETE", "/health")
        self.assertProblem(status, headers, body, 405)
        self.assertEqual(headers["allow"], "GET, HEAD")

    def test_head_is_served_like_get_without_body(self):
        status, headers, body = self.svc.request("HEAD", "/health")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertEqual(headers["content-length"], str(len(b'{"status":"ok"}')))

    def test_request_id_is_kept_or_generated(self):
        _, headers, _ = self.svc.request("GET", "/health", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(headers["x-request-id"], "abc-123")
        _, headers, _ = self.svc.request("GET", "/health")
        self.assertRegex(headers["x-request-id"], r"^[0-9a-f]{32}$")
        _, headers, _ = self.svc.request("GET", "/health", headers={"X-Request-Id": "bad id\"x"})
        self.assertRegex(headers["x-request-id"], r"^[0-9a-f]{32}$")

    def test_malformed_request_line_is_400_and_closed(self):
        raw = self.svc.raw(b"THIS IS NOT HTTP\r\n\r\n")
        head, _, body = raw.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 400"), raw)
        self.assertIn(b"application/problem+json", head)
        self.assertIn(b"Connection: close", head)
        self.assertEqual(json.loads(body)["status"], 400)

    def test_target_that_is_not_a_path_is_400(self):
        raw = self.svc.raw(b"GET health HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(raw.startswith(b"HTTP/1.1 400"), raw)

    def test_body_over_upload_max_size_is_413_before_it_is_read(self):
        # Only the headers are sent: the declared length alone must be refused.
        raw = self.svc.raw(b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n")
        self.assertTrue(raw.startswith(b"HTTP/1.1 413"), raw)
        self.assertIn(b"UPLOAD_MAX_SIZE", raw)

    def test_curl_learns_of_the_413_before_it_sends_the_body(self):
        # curl asks with Expect: 100-continue for a large body and waits for the answer: the
        # refusal comes first, and not a byte of the 2 MB is sent.
        out = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_upload}",
             "-H", "Content-Type: application/json", "--data-binary", "@-",
             "http://127.0.0.1:%d/api/v1/calc" % self.svc.port],
            input=b"[" + b"0," * (1 << 20) + b"0]", capture_output=True, timeout=30, check=True)
        self.assertEqual(out.stdout, b"413 0")

    def test_oversized_headers_are_431(self):
        raw = self.svc.raw(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertTrue(raw.startswith(b"HTTP/1.1 431"), raw[:100])

    def test_slow_client_gets_408_and_is_disconnected(self):
        started = time.time()
        with socket.create_connection(("127.0.0.1", self.svc.port), timeout=5) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes the headers
            data = s.recv(65536)
            rest = s.recv(65536)
        self.assertTrue(data.startswith(b"HTTP/1.1 408"), data)
        self.assertEqual(rest, b"")
        self.assertLess(time.time() - started, 4)

    def test_idle_keep_alive_connection_is_closed_quietly(self):
        with socket.create_connection(("127.0.0.1", self.svc.port), timeout=5) as s:
            self.assertEqual(s.recv(100), b"")

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        conn = self.svc.connection()
        try:
            for _ in range(3):
                conn.request("GET", "/health")
                resp = conn.getresponse()
                self.assertEqual(resp.status, 200)
                resp.read()
                self.assertIsNotNone(conn.sock)
        finally:
            conn.close()

    def test_pipelined_requests_are_answered_in_order(self):
        raw = self.svc.raw(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                           b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        statuses = re.findall(rb"HTTP/1.1 (\d{3})", raw)
        self.assertEqual(statuses, [b"200", b"404"])


if __name__ == "__main__":
    unittest.main()
