"""Two instances behind a real nginx (Debian's), sharing PostgreSQL and Redis (issue 16): a write
through one is read through the other at once; the rate limit holds across both; stopping one
gracefully while requests run through nginx loses none that had started. Runs where CI provides
PostgreSQL and Redis (ESTIMATE_TEST_DATABASE_URL, ESTIMATE_TEST_REDIS_URL)."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from api_client import call, add_user, login
from harness import ROOT, OwnDatabase, Service, free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
PG = os.environ.get("ESTIMATE_TEST_DATABASE_URL", "").startswith("postgres")
REDIS = os.environ.get("ESTIMATE_TEST_REDIS_URL")


class Proxy:
    """nginx on a free loopback port in front of `ports`, retrying the next instance when one is
    gone (connection refused, 502)."""

    def __init__(self, ports):
        self.dir = tempfile.mkdtemp(prefix="estimate-nginx-")
        os.chmod(self.dir, 0o755)  # nginx's workers run as another user when the master is root
        self.port = free_port()
        servers = "".join("    server 127.0.0.1:%d max_fails=1 fail_timeout=5s;\n" % p for p in ports)
        conf = """worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %(d)s/body;
  proxy_temp_path %(d)s/proxy;
  fastcgi_temp_path %(d)s/fastcgi;
  uwsgi_temp_path %(d)s/uwsgi;
  scgi_temp_path %(d)s/scgi;
  client_max_body_size 64m;
  client_body_buffer_size 64m;  # bodies and answers in memory: no temporary files
  proxy_buffering off;
  upstream api {
%(servers)s    keepalive 8;
  }
  server {
    listen 127.0.0.1:%(port)d;
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # An instance stopping closes its idle keep-alive connections; a request nginx sent on one
      # just closed was never processed there, so it may go to the other one (as deploy/nginx).
      proxy_next_upstream error non_idempotent;
      proxy_next_upstream_tries 2;
      proxy_read_timeout 60s;
    }
  }
}
""" % {"d": self.dir, "servers": servers, "port": self.port}
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-c", os.path.join(self.dir, "nginx.conf"),
                                      "-e", os.path.join(self.dir, "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                import socket
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start: " + open(os.path.join(self.dir, "error.log")).read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class Front:
    """What api_client.call needs of a service: its port."""

    def __init__(self, port):
        self.port = port


@unittest.skipUnless(NGINX and PG and REDIS, "needs nginx, PostgreSQL and Redis (CI's second pass)")
class TwoInstancesBehindNginx(unittest.TestCase):
    def start(self, env):
        self.db = OwnDatabase()
        add_user(self.db, "admin@nginx.test", "admin", org_name="Две копии")
        env = dict(env, REDIS_URL=REDIS)
        self.a = Service(env=env, database_url=self.db.url, migrate=False)
        self.b = Service(env=env, database_url=self.db.url, migrate=False)
        self.proxy = Proxy([self.a.port, self.b.port])
        self.front = Front(self.proxy.port)

    def tearDown(self):
        for svc in (self.a, self.b):
            try:
                svc.stop()
            except Exception:
                pass
        self.proxy.stop()
        self.db.destroy()

    def test_a_write_through_one_is_read_through_the_other_at_once(self):
        self.start({"RATE_LIMIT_LIMIT": "100000"})
        token = login(self.front, "admin@nginx.test")["access_token"]
        for i in range(6):
            r = call(self.a if i % 2 == 0 else self.b, "POST", "/api/v1/projects", {"name": "Стройка %d" % i},
                     token=token)
            self.assertEqual(r.status, 201, r)
            pid = r.json["id"]
            other = self.b if i % 2 == 0 else self.a
            r = call(other, "GET", "/api/v1/projects/%d" % pid, token=token)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["name"], "Стройка %d" % i)
            r = call(self.front, "GET", "/api/v1/projects/%d" % pid, token=token)
            self.assertEqual(r.status, 200, r)

    def test_the_rate_limit_holds_across_both(self):
        # A window no other test uses: the counters of 127.0.0.1 in the shared Redis are this test's.
        self.start({"RATE_LIMIT_LIMIT": "10", "RATE_LIMIT_TTL": "3571s"})
        statuses = [call(self.front, "GET", "/api/v1/releases").status for _ in range(14)]
        self.assertIn(429, statuses)
        self.assertLessEqual(statuses.index(429), 10)
        self.assertTrue(all(s == 429 for s in statuses[statuses.index(429):]), statuses)

    def test_stopping_one_gracefully_loses_no_started_request(self):
        self.start({"RATE_LIMIT_LIMIT": "100000"})
        doc_path = os.path.join(self.db.tmp, "doc.json")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_calc_document.py"), doc_path, "3000"],
                       check=True, capture_output=True)
        with open(doc_path, "rb") as f:
            doc = f.read()
        results = []
        lock = threading.Lock()

        def worker():
            # Plain HTTP (the answers are large: the contract check of each would take longer than
            # the calculation).
            import http.client
            for _ in range(6):
                c = http.client.HTTPConnection("127.0.0.1", self.proxy.port, timeout=60)
                try:
                    c.request("POST", "/api/v1/calc", doc, {"Content-Type": "application/json"})
                    r = c.getresponse()
                    r.read()
                    status = r.status
                except OSError as e:
                    status = repr(e)
                finally:
                    c.close()
                with lock:
                    results.append(status)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.8)  # requests are running on both instances
        self.a.signal(signal.SIGTERM)
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(self.a.wait(timeout=30), 0)
        self.assertEqual(len(results), 24)
        self.assertEqual(sorted(set(map(str, results))), ["200"], results)


if __name__ == "__main__":
    unittest.main()
