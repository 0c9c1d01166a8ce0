"""The built web application at / (WEB_ROOT): its files, index.html for the client routes, caching,
precompressed siblings, the page's content security policy, and no way out of the folder. The
API beside it is never shadowed."""
import gzip
import json
import os
import shutil
import tempfile
import time
import unittest

from harness import Service, metric_value

INDEX = b'<!doctype html><html><head><script type="module" src="/assets/index-3f9a1c2b.js">' \
        b'</script></head><body><div id="root"></div></body></html>'
JS = b"console.log('estimate-service');\n" * 40
CSS = b"body{margin:0}"
SECRET = b"SECRET=never served"
JS_PATH = "/assets/index-3f9a1c2b.js"
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
           "form-action 'self'; frame-ancestors 'none'")
PROBLEM = "application/problem+json"


def build_app(root):
    """What `vite build` writes, with the precompressed siblings. The .br files hold marker bytes
    (no brotli encoder in the Python standard library): the server sends them unread."""
    dist = os.path.join(root, "dist")
    os.makedirs(os.path.join(dist, "assets"))
    files = {
        "index.html": INDEX,
        "index.html.gz": gzip.compress(INDEX),
        "index.html.br": b"br:index",
        "assets/index-3f9a1c2b.js": JS,
        "assets/index-3f9a1c2b.js.gz": gzip.compress(JS),
        "assets/index-3f9a1c2b.js.br": b"br:js",
        "assets/index-ab12cd34.css": CSS,
        "favicon.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        ".env": SECRET,
    }
    for name, data in files.items():
        with open(os.path.join(dist, name), "wb") as f:
            f.write(data)
    with open(os.path.join(root, "secret.txt"), "wb") as f:
        f.write(SECRET)
    os.symlink(os.path.join(root, "secret.txt"), os.path.join(dist, "leak.txt"))
    return dist


class WebApp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="estimate-web-")
        cls.svc = Service(env={"WEB_ROOT": build_app(cls.root),
                               "CORS_ORIGIN": "http://localhost:5173"})

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        shutil.rmtree(cls.root, ignore_errors=True)

    def assert_page(self, path, headers=None):
        status, got, body = self.svc.request("GET", path, headers=headers)
        self.assertEqual(status, 200, path)
        self.assertEqual(body, INDEX, path)
        self.assertEqual(got["content-type"], "text/html; charset=utf-8")
        self.assertEqual(got["cache-control"], "no-cache")
        self.assertTrue(got["etag"].startswith('"'), got)
        self.assertEqual(got["content-security-policy"], APP_CSP)
        self.assertEqual(got["vary"], "Accept-Encoding")
        self.assertEqual(got["x-content-type-options"], "nosniff")
        self.assertEqual(got["x-frame-options"], "DENY")
        self.assertEqual(got["referrer-policy"], "no-referrer")
        return got

    def test_root_and_client_routes_get_the_page(self):
        for path in ("/", "/index.html", "/projects/12", "/estimates/7", "/admin/users",
                     "/projects/12?tab=versions", "/apis", "/healthz"):
            self.assert_page(path)
        self.assertEqual([r["message"] for r in app_log(self.svc)], ["web application served at /"])

    def test_the_api_health_and_metrics_are_never_shadowed(self):
        for path in ("/api/v1/nope", "/api", "/api/", "/health/nope", "/metrics/nope"):
            status, got, body = self.svc.request("GET", path)
            self.assertEqual(status, 404, path)
            self.assertEqual(got["content-type"], PROBLEM, path)
            self.assertEqual(json.loads(body)["status"], 404)
        status, got, body = self.svc.request("GET", "/health")
        self.assertEqual((status, json.loads(body)["status"]), (200, "ok"))
        self.assertEqual(self.svc.request("GET", "/api/v1/releases")[0], 200)
        self.assertIn("http_requests_total", self.svc.metrics())
        status, got, _ = self.svc.request("GET", "/api/docs")
        self.assertEqual(status, 200)
        self.assertIn("script-src 'unsafe-inline'", got["content-security-policy"])
        # An API answer keeps the edge's strict default policy.
        _, got, _ = self.svc.request("GET", "/api/v1/releases")
        self.assertEqual(got["content-security-policy"], "default-src 'none'; frame-ancestors 'none'")

    def test_files_with_their_type_and_caching(self):
        status, got, body = self.svc.request("GET", JS_PATH)
        self.assertEqual((status, body), (200, JS))
        self.assertEqual(got["content-type"], "text/javascript; charset=utf-8")
        self.assertEqual(got["cache-control"], "public, max-age=31536000, immutable")
        self.assertEqual(got["vary"], "Accept-Encoding")
        self.assertEqual(got["content-security-policy"], "default-src 'none'; frame-ancestors 'none'")
        status, got, body = self.svc.request("GET", "/assets/index-ab12cd34.css")
        self.assertEqual((status, got["content-type"], body), (200, "text/css; charset=utf-8", CSS))
        status, got, _ = self.svc.request("GET", "/favicon.svg")
        self.assertEqual((status, got["content-type"]), (200, "image/svg+xml"))
        self.assertEqual(got["cache-control"], "no-cache")
        self.assertIn("etag", got)

    def test_a_missing_asset_is_a_404_problem_not_the_page(self):
        for path in ("/assets/index-00000000.js", "/assets/", JS_PATH + ".br"):
            status, got, body = self.svc.request("GET", path)
            self.assertEqual(status, 404, path)
            self.assertEqual(got["content-type"], PROBLEM)
            self.assertIn("request_id", json.loads(body))

    def test_precompressed_siblings_by_accept_encoding(self):
        status, got, body = self.svc.request("GET", JS_PATH,
                                             headers={"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual((status, got["content-encoding"], body), (200, "br", b"br:js"))
        self.assertEqual(got["content-type"], "text/javascript; charset=utf-8")
        self.assertEqual(int(got["content-length"]), len(b"br:js"))
        status, got, body = self.svc.request("GET", JS_PATH,
                                             headers={"Accept-Encoding": "br;q=0, GZIP"})
        self.assertEqual((status, got["content-encoding"]), (200, "gzip"))
        self.assertEqual(gzip.decompress(body), JS)
        _, got, body = self.svc.request("GET", JS_PATH, headers={"Accept-Encoding": "*;q=0"})
        self.assertNotIn("content-encoding", got)
        self.assertEqual(body, JS)
        _, got, body = self.svc.request("GET", "/projects/12", headers={"Accept-Encoding": "gzip"})
        self.assertEqual((got["content-encoding"], gzip.decompress(body)), ("gzip", INDEX))
        self.assertEqual(got["content-security-policy"], APP_CSP)

    def test_if_none_match_is_answered_304(self):
        tag = self.assert_page("/estimates/7")["etag"]
        for path in ("/", "/admin/users"):
            status, got, body = self.svc.request("GET", path, headers={"If-None-Match": tag})
            self.assertEqual((status, body), (304, b""), path)
            self.assertEqual(got["etag"], tag)
            self.assertEqual(got["cache-control"], "no-cache")
            self.assertEqual(got["content-security-policy"], APP_CSP)
            self.assertNotIn("content-length", got)
        # The gzip representation has a tag of its own.
        status, _, _ = self.svc.request("GET", "/", headers={"If-None-Match": tag,
                                                             "Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        status, got, _ = self.svc.request("GET", JS_PATH, headers={"If-None-Match": '"stale"'})
        self.assertEqual(status, 200)
        status, _, body = self.svc.request("GET", JS_PATH, headers={"If-None-Match": got["etag"]})
        self.assertEqual((status, body), (304, b""))

    def test_head_and_other_methods(self):
        status, got, body = self.svc.request("HEAD", JS_PATH)
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(int(got["content-length"]), len(JS))
        status, got, body = self.svc.request("HEAD", "/projects/12")
        self.assertEqual((status, body, int(got["content-length"])), (200, b"", len(INDEX)))
        for method in ("POST", "PUT", "DELETE"):
            status, got, body = self.svc.request(method, "/projects/12", body=b"{}",
                                                 headers={"Content-Type": "application/json"})
            self.assertEqual(status, 405, method)
            self.assertEqual(got["allow"], "GET, HEAD")
            self.assertEqual(got["content-type"], PROBLEM)
        status, _, _ = self.svc.request("POST", "/api/v1/nope", body=b"{}",
                                        headers={"Content-Type": "application/json"})
        self.assertEqual(status, 404)

    def test_no_path_leaves_the_folder(self):
        targets = ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2E%2E/secret.txt",
                   "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt",
                   "/assets%5c..%5c..%5csecret.txt", "/%252e%252e/secret.txt",
                   "/index.html%00.png", "/%00", "/.env", "/%2eenv", "/leak.txt",
                   "/assets/..%2f..%2f..%2fsecret.txt"]
        for target in targets:
            reply = self.svc.raw(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                  % target).encode())
            status = int(reply.split(b" ", 2)[1])
            self.assertNotIn(SECRET, reply, target)
            # Refused, or (a path naming no file outside /assets) the page itself.
            self.assertTrue(status in (400, 404) or (status == 200 and INDEX in reply),
                            (target, reply[:200]))
        for target in ("/../secret.txt", "/%2e%2e/secret.txt", "/.env", "/index.html%00.png"):
            self.assertEqual(self.svc.request("GET", target)[0], 404, target)

    def test_cors_adds_origin_to_vary(self):
        _, got, _ = self.svc.request("GET", JS_PATH, headers={"Origin": "http://localhost:5173"})
        self.assertEqual(got["vary"], "Accept-Encoding, Origin")
        self.assertEqual(got["access-control-allow-origin"], "http://localhost:5173")

    def test_requests_are_counted_under_one_route(self):
        self.svc.request("GET", "/projects/99")
        self.assertGreater(metric_value(self.svc.metrics(), "http_requests_total",
                                        {"route": "/*", "status": "200"}), 0)


def app_log(svc):
    """The log records about the web application, once the start's lines have been read."""
    deadline = time.time() + 10
    while time.time() < deadline and not any('"listening"' in line for line in svc.log_lines):
        time.sleep(0.05)
    return [json.loads(line) for line in svc.log_lines
            if line.startswith("{") and '"web application' in line]


class WithoutApp(unittest.TestCase):

    def test_no_built_app_warns_once_and_serves_the_api(self):
        svc = Service()  # WEB_ROOT=web/dist under the working directory: not built there
        try:
            self.assertEqual(svc.request("GET", "/health")[0], 200)
            status, got, _ = svc.request("GET", "/")
            self.assertEqual((status, got["content-type"]), (404, PROBLEM))
            self.assertEqual(svc.request("GET", "/projects/12")[0], 404)
            self.assertEqual(svc.request("GET", "/api/docs/openapi.json")[0], 200)
            records = app_log(svc)
            self.assertEqual(len(records), 1, svc.log_lines)
            self.assertEqual(records[0]["level"], "warning")
            self.assertTrue(records[0]["message"].startswith("web application not served"))
            self.assertIn("web/dist", records[0]["reason"])
        finally:
            svc.stop()

    def test_empty_web_root_serves_no_app_without_a_warning(self):
        svc = Service(env={"WEB_ROOT": ""})
        try:
            self.assertEqual(svc.request("GET", "/")[0], 404)
            self.assertEqual([(r["level"], r["message"]) for r in app_log(svc)],
                             [("info", "web application not served: WEB_ROOT is empty")])
        finally:
            svc.stop()

    def test_only_the_api_role_serves_the_app(self):
        root = tempfile.mkdtemp(prefix="estimate-web-")
        svc = Service(env={"WEB_ROOT": build_app(root)}, args=["--roles", "ai,collector"])
        try:
            self.assertEqual(svc.request("GET", "/")[0], 404)
            self.assertEqual(svc.request("GET", "/health")[0], 200)
        finally:
            svc.stop()
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
