"""Starts the real estimate-service binary and talks HTTP to it (Python standard library; every
answer is checked against the OpenAPI document by contract.py, with python3-jsonschema).

Environment:
  ESTIMATE_BINARY             the program under test (CMake passes it)
  ESTIMATE_TEST_DATABASE_URL  postgresql://… to run against PostgreSQL; default: a fresh SQLite file
  ESTIMATE_TEST_REDIS_URL     redis://… to include Redis in readiness

Every Service signs tokens with the fixed JWT_SECRET / JWT_REFRESH_SECRET of SERVICE_DEFAULTS
(unless the test gives its own), so that instances on one database accept each other's tokens.
"""
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

import contract

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("ESTIMATE_BINARY", os.path.join(ROOT, "build", "estimate-service"))
SERVICES = os.path.join(ROOT, "scripts", "test-services.sh")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The settings every Service starts with, under the test's own `env`. Not in base_env: the
# configuration tests check what the program says when the secrets are missing.
SERVICE_DEFAULTS = {
    "JWT_SECRET": "integration-tests-access-token-secret-0123456789",
    "JWT_REFRESH_SECRET": "integration-tests-refresh-token-secret-9876543210",
    # The collector role never reaches the real portal from a test: a closed local port (a
    # queued «collect now» fails at once), unless the test sets its own portal.
    "FGIS_BASE_URL": "http://127.0.0.1:9/api",
    "FGIS_ATTEMPTS": "1",
}


def base_env(tmp, extra=None, database_url=None):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "info",
        "NODE_ENV": "test",
        # Tests share one client address (and, on CI, one Redis): only the rate-limit tests
        # set a real limit.
        "RATE_LIMIT_LIMIT": "1000000",
        "DATABASE_URL": database_url
        or os.environ.get("ESTIMATE_TEST_DATABASE_URL")
        or "sqlite://" + os.path.join(tmp, "estimate.db"),
    }
    if os.environ.get("ESTIMATE_TEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["ESTIMATE_TEST_REDIS_URL"]
    env.update(extra or {})
    return {k: v for k, v in env.items() if v is not None}


def run_cli(args, env, cwd, timeout=60):
    return subprocess.run([BINARY] + args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


class Service:
    """One running `estimate-service serve` on a free port, with its stderr log collected."""

    def __init__(self, env=None, args=None, migrate=True, database_url=None, nofile=None):
        self.tmp = tempfile.mkdtemp(prefix="estimate-it-")
        self.env = base_env(self.tmp, dict(SERVICE_DEFAULTS, **(env or {})), database_url)
        if migrate:
            r = run_cli(["migrate"], self.env, self.tmp)
            if r.returncode != 0:
                raise RuntimeError("migrate failed: " + r.stderr)
        self.log_lines = []
        self.port = free_port()
        def limits():
            if nofile:  # `ulimit -n nofile` for the service alone
                import resource
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.proc = subprocess.Popen(
            [BINARY, "serve", "--host", "127.0.0.1", "--port", str(self.port)] + (args or []),
            env=self.env, cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, preexec_fn=limits if nofile else None)
        self._pumper = threading.Thread(target=self._pump, daemon=True)
        self._pumper.start()
        up = False
        deadline = time.time() + 30
        while time.time() < deadline and self.proc.poll() is None and not up:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                up = True
            except OSError:
                time.sleep(0.05)
        if not up:
            self.stop()
            raise RuntimeError("service did not start:\n" + "\n".join(self.log_lines))

    def _pump(self):
        with self.proc.stderr:
            for line in self.proc.stderr:
                self.log_lines.append(line.rstrip("\n"))

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            got = {k.lower(): v for k, v in resp.getheaders()}
            contract.check(method, path, resp.status, got, data, body, headers)
            return resp.status, got, data
        finally:
            conn.close()

    def get_json(self, path):
        status, headers, data = self.request("GET", path)
        return status, headers, json.loads(data) if data else None

    def raw(self, payload, read_timeout=5):
        """Sends raw bytes and returns everything the server sends until it closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout) as s:
            s.sendall(payload)
            chunks = []
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except socket.timeout:
                pass
            reply = b"".join(chunks)
            contract.check_raw(payload, reply)
            return reply

    def metrics(self):
        status, _, data = self.request("GET", "/metrics")
        assert status == 200
        return data.decode()

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def wait(self, timeout=30):
        """Waits for the process to exit and for its last log lines to be read."""
        code = self.proc.wait(timeout=timeout)
        self._pumper.join(timeout)  # stderr is read to its end, so log_lines is complete
        return code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


class OwnDatabase:
    """A migrated database of one test class: a new SQLite file, or a new schema in the test
    PostgreSQL (ESTIMATE_TEST_DATABASE_URL), dropped by destroy(). Its ids start at a random
    offset, so that Redis keys built from them (cached results, rate-limit counters) do not meet
    those of another test's database on a shared ESTIMATE_TEST_REDIS_URL."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="estimate-db-")
        self.pg = os.environ.get("ESTIMATE_TEST_DATABASE_URL", "")
        self.schema = None
        offset = random.randrange(10 ** 6, 10 ** 9)
        if self.pg.startswith("postgres"):
            self.schema = "it_" + os.path.basename(self.tmp).replace("-", "_").lower()
            self._psql("CREATE SCHEMA " + self.schema)
            sep = "&" if "?" in self.pg else "?"
            self.url = self.pg + sep + "options=-csearch_path%3D" + self.schema
        else:
            self.url = "sqlite://" + os.path.join(self.tmp, "estimate.db")
        self.env = base_env(self.tmp, database_url=self.url)
        r = run_cli(["migrate"], self.env, self.tmp)
        if r.returncode != 0:
            raise RuntimeError("migrate failed: " + r.stderr)
        if self.schema:
            self._psql("SELECT setval(format('%%I.%%I', schemaname, sequencename), %d) "
                       "FROM pg_sequences WHERE schemaname = '%s'" % (offset, self.schema))
        else:
            with sqlite3.connect(self.url[len("sqlite://"):]) as db:
                tables = [r[0] for r in db.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'")]
                for t in tables:
                    if db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?",
                                  (offset, t)).rowcount == 0:
                        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                                   (t, offset))

    def _psql(self, sql):
        subprocess.run(["psql", self.pg, "-qc", sql], check=True, capture_output=True, timeout=60)

    def cli(self, args, stdin=None, timeout=120):
        return subprocess.run([BINARY] + args, env=self.env, cwd=self.tmp, input=stdin,
                              capture_output=True, text=True, timeout=timeout)

    def destroy(self):
        if self.schema:
            try:
                self._psql("DROP SCHEMA %s CASCADE" % self.schema)
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def metric_value(text, name, labels):
    """The value of one sample, e.g. metric_value(t, 'http_requests_total', {'route': '/health'})."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(m.group(4))
    return 0.0


class SilentListener:
    """A TCP server that accepts connections and never answers: a dependency that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                return

    def close(self):
        self.stopped = True
        for c in self.conns:
            c.close()
        self.sock.close()


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own, which a test may stop and start."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="estimate-pg-")
        self.port = free_port()
        self.url = self._services("pg-start", str(self.port)).strip().splitlines()[-1]

    def _services(self, cmd, *args):
        return subprocess.run([SERVICES, cmd, self.dir] + list(args), check=True,
                              capture_output=True, text=True, timeout=120).stdout

    def stop(self):
        self._services("pg-stop")

    def start(self):
        self._services("pg-start", str(self.port))

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---- fakes of the services this one calls (a model API, Chroma) ------------------------------

def start_fake_server(handler_class):
    """A threaded HTTP server on a free loopback port serving `handler_class` (a
    BaseHTTPRequestHandler); its port is server.server_address[1]. Stop it with stop_fake_server."""
    import http.server
    import socketserver

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), handler_class)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_fake_server(server):
    server.shutdown()
    server.server_close()


def send_json(handler, status, body):
    """Answers a fake's request with `body` as JSON."""
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)

