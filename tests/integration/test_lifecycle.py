"""Start-up, configuration, migrations, readiness across a database restart, graceful shutdown."""
import json
import os
import socket
import sqlite3
import tempfile
import threading
import time
import unittest

from harness import (Service, SilentListener, ThrowawayPostgres, base_env, free_port,
                     run_cli)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.env = base_env(self.tmp)

    def test_unknown_option_is_one_line_and_exit_2(self):
        for args in (["--bogus"], ["serve", "--bogus"], ["serve", "--port", "abc"],
                     ["serve", "--workers", "0"], ["calc", "x.json", "--format", "pdf"], []):
            r = run_cli(args, self.env, self.tmp)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, (args, r.stderr))
            self.assertEqual(r.stdout, "")

    def test_every_command_documents_its_options(self):
        for cmd, option in (("serve", "--read-timeout-ms"), ("migrate", "--help"),
                            ("version", "--help"), ("calc", "--format")):
            r = run_cli([cmd, "--help"], self.env, self.tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(option, r.stdout)

    def test_version(self):
        r = run_cli(["version"], self.env, self.tmp)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^estimate-service \d+\.\d+\.\d+ \(commit \w+")


class Configuration(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def serve_exit(self, extra, env_file=None):
        env = base_env(self.tmp, extra)
        args = ["serve", "--port", "0"]
        if env_file is not None:
            args = ["--env-file", env_file] + args
        return run_cli(args, env, self.tmp, timeout=20)

    def test_each_bad_value_is_named(self):
        r = self.serve_exit({"PORT": "70000", "LOG_FORMAT": "xml", "UPLOAD_MAX_SIZE": "lots",
                             "DATABASE_URL": "mysql://x", "REDIS_URL": "http://r",
                             "JWT_EXPIRES_IN": "soon", "PROMETHEUS_ENABLED": "maybe",
                             "FSBTS_UPDATE_SCHEDULE": "weekly", "CORS_ORIGIN": "ftp://x",
                             "RATE_LIMIT_LIMIT": "-1", "STORAGE_TYPE": "tape"})
        self.assertEqual(r.returncode, 2)
        for name in ("PORT", "LOG_FORMAT", "UPLOAD_MAX_SIZE", "DATABASE_URL", "REDIS_URL",
                     "JWT_EXPIRES_IN", "PROMETHEUS_ENABLED", "FSBTS_UPDATE_SCHEDULE",
                     "CORS_ORIGIN", "RATE_LIMIT_LIMIT", "STORAGE_TYPE"):
            self.assertRegex(r.stderr, r"(?m)^\s+" + name + ": ", name)

    def test_the_collectors_schedule_as_the_deployment_guide_writes_it(self):
        path = os.path.join(self.tmp, "guide.env")
        with open(path, "w") as f:
            f.write('FSBTS_UPDATE_SCHEDULE="0 25 * * *" # Daily at 2 AM\nFSBTS_TIME_ZONE=Mars/Olympus\n')
        r = self.serve_exit({}, env_file=path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("FSBTS_UPDATE_SCHEDULE: field 2 (hour): 25 is not in 0–23", r.stderr)
        self.assertIn('FSBTS_TIME_ZONE: time zone "Mars/Olympus" is not in the time zone database', r.stderr)

    def test_production_refuses_missing_or_short_jwt_secrets(self):
        r = self.serve_exit({"NODE_ENV": "production"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("JWT_SECRET: is missing", r.stderr)
        short = "x" * 31
        r = self.serve_exit({"NODE_ENV": "production", "JWT_SECRET": short,
                             "JWT_REFRESH_SECRET": "y" * 40})
        self.assertEqual(r.returncode, 2)
        self.assertIn("JWT_SECRET: is shorter than 32 bytes", r.stderr)
        self.assertNotIn(short, r.stderr)

    def test_production_starts_with_long_secrets(self):
        svc = Service(env={"NODE_ENV": "production", "JWT_SECRET": "a" * 32,
                           "JWT_REFRESH_SECRET": "b" * 32})
        try:
            self.assertEqual(svc.request("GET", "/health")[0], 200)
        finally:
            svc.stop()

    def test_env_file_is_read_and_environment_wins(self):
        path = os.path.join(self.tmp, "settings.env")
        with open(path, "w") as f:
            f.write("# comment\nexport LOG_FORMAT=json\nPORT='abc'\nnot an assignment\n")
        r = self.serve_exit({}, env_file=path)
        self.assertEqual(r.returncode, 2)
        self.assertIn('PORT: "abc"', r.stderr)
        self.assertIn("settings.env:4: not a KEY=VALUE line", r.stderr)
        r = self.serve_exit({"PORT": "not-a-port"}, env_file=path)
        self.assertIn('PORT: "not-a-port"', r.stderr)


class Migrations(unittest.TestCase):
    def test_migrate_records_versions_and_is_idempotent(self):
        tmp = tempfile.mkdtemp()
        db = os.path.join(tmp, "m.db")
        env = base_env(tmp, database_url="sqlite://" + db)
        self.assertEqual(run_cli(["migrate"], env, tmp).returncode, 0)
        self.assertEqual(run_cli(["migrate"], env, tmp).returncode, 0)
        with sqlite3.connect(db) as c:
            versions = [r[0] for r in c.execute("SELECT version FROM schema_migrations")]
            self.assertEqual(versions, sorted(set(versions)))
            self.assertGreaterEqual(len(versions), 1)
            self.assertEqual(c.execute("SELECT COUNT(*) FROM settings WHERE key='installation_id'")
                             .fetchone()[0], 1)

    def test_serve_without_migration_is_not_ready(self):
        tmp = tempfile.mkdtemp()
        svc = Service(migrate=False, database_url="sqlite://" + os.path.join(tmp, "n.db"))
        try:
            status, headers, doc = svc.get_json("/health/ready")
            self.assertEqual(status, 503)
            self.assertEqual(headers["content-type"], "application/problem+json")
            self.assertIn("migrate", doc["checks"]["database"]["reason"])
        finally:
            svc.stop()

    def test_serve_refuses_a_newer_schema(self):
        tmp = tempfile.mkdtemp()
        db = os.path.join(tmp, "new.db")
        env = base_env(tmp, database_url="sqlite://" + db)
        self.assertEqual(run_cli(["migrate"], env, tmp).returncode, 0)
        with sqlite3.connect(db) as c:
            c.execute("INSERT INTO schema_migrations VALUES (9999, '9999_future', 'x')")
        r = run_cli(["serve", "--port", "0"], env, tmp, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("newer than this program", r.stderr)
        r = run_cli(["migrate"], env, tmp)
        self.assertEqual(r.returncode, 1)
        self.assertIn("upgrade the program", r.stderr)


class Readiness(unittest.TestCase):
    def test_follows_postgresql_down_and_back_without_restart(self):
        pg = ThrowawayPostgres()
        try:
            svc = Service(database_url=pg.url)
            try:
                self.assertEqual(svc.get_json("/health/ready")[0], 200)
                pg.stop()
                status, _, doc = svc.get_json("/health/ready")
                self.assertEqual(status, 503)
                self.assertEqual(doc["checks"]["database"]["status"], "unavailable")
                self.assertTrue(doc["detail"].startswith("database: "))
                self.assertEqual(svc.get_json("/health")[0], 200)  # alive all the same
                pg.start()
                deadline = time.time() + 20
                status = None
                while time.time() < deadline:
                    status = svc.get_json("/health/ready")[0]
                    if status == 200:
                        break
                    time.sleep(0.3)
                self.assertEqual(status, 200)
                self.assertEqual(svc.proc.poll(), None)
            finally:
                svc.stop()
        finally:
            pg.destroy()

    def test_redis_unreachable_makes_it_unready(self):
        port = free_port()  # nothing listens there
        svc = Service(env={"REDIS_URL": "redis://127.0.0.1:%d/0" % port})
        try:
            status, _, doc = svc.get_json("/health/ready")
            self.assertEqual(status, 503)
            self.assertEqual(doc["checks"]["redis"]["status"], "unavailable")
            self.assertEqual(doc["checks"]["database"]["status"], "ok")
        finally:
            svc.stop()


class GracefulShutdown(unittest.TestCase):
    def test_in_flight_request_finishes_after_sigterm(self):
        # Readiness against a Redis that never answers stays in flight for its 1 s timeout.
        hang = SilentListener()
        svc = Service(env={"REDIS_URL": "redis://127.0.0.1:%d/0" % hang.port})
        try:
            result = {}

            def slow():
                result["answer"] = svc.request("GET", "/health/ready", timeout=15)

            t = threading.Thread(target=slow)
            started = time.time()
            t.start()
            time.sleep(0.3)
            svc.signal()
            time.sleep(0.2)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", svc.port), timeout=2).recv(1)
            t.join(15)
            status, headers, body = result["answer"]
            self.assertEqual(status, 503)
            self.assertIn("redis", json.loads(body)["checks"])
            self.assertGreater(time.time() - started, 0.9)
            self.assertEqual(svc.wait(15), 0)
            messages = [json.loads(l)["message"] for l in svc.log_lines]
            self.assertIn("shutting down: no new connections; finishing requests in flight",
                          messages)
            self.assertEqual(messages[-1], "stopped")
        finally:
            svc.stop()
            hang.close()

    def test_idle_connections_do_not_hold_shutdown(self):
        svc = Service(args=["--read-timeout-ms", "60000"])
        try:
            s = socket.create_connection(("127.0.0.1", svc.port))
            started = time.time()
            svc.signal()
            self.assertEqual(svc.wait(10), 0)
            self.assertLess(time.time() - started, 5)
            s.close()
        finally:
            svc.stop()


if __name__ == "__main__":
    unittest.main()
