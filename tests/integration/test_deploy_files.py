"""The deployment files (issue 16): both Compose files render with `docker-compose config` (Debian's
docker-compose) from .env.example; the image's Dockerfile runs as uid 1000 with a health check
and names only runtime packages Debian 12 has; `estimate-service health`, the container's health
check, answers 0 for a ready service and 1 for none."""
import os
import re
import shutil
import subprocess
import unittest

from harness import BINARY, ROOT, Service, free_port

DEPLOY = os.path.join(ROOT, "deploy")


class Compose(unittest.TestCase):
    @unittest.skipUnless(shutil.which("docker-compose"), "needs Debian's docker-compose")
    def test_both_compose_files_render(self):
        env = dict(os.environ, ENV_FILE="../.env.example", POSTGRES_USER="estimate_user", POSTGRES_PASSWORD="pw",
                   POSTGRES_DB="estimate_db", GRAFANA_ADMIN_PASSWORD="admin-pw")
        for name, services in (("docker-compose.yml", {"estimate-service", "migrate", "postgres", "redis"}),
                               ("docker-compose.prod.yml", {"migrate", "api-1", "api-2", "collector", "nginx", "postgres",
                                                            "redis", "postgres-exporter", "redis-exporter",
                                                            "prometheus", "grafana"})):
            r = subprocess.run(["docker-compose", "-f", os.path.join(DEPLOY, name), "config", "--services"],
                               env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(set(r.stdout.split()), services, name)
            r = subprocess.run(["docker-compose", "-f", os.path.join(DEPLOY, name), "config"], env=env,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            # Every instance of the service: read-only root, uid 1000.
            self.assertNotIn("read_only: false", r.stdout)
            self.assertIn("user: 1000:1000", r.stdout)

    def test_dockerfile_runs_as_uid_1000_with_a_health_check_and_debian_packages(self):
        with open(os.path.join(DEPLOY, "docker", "Dockerfile"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn("FROM debian:12 AS build", text)
        self.assertIn("FROM node:20-bookworm-slim AS web", text)
        self.assertIn("FROM debian:12-slim AS runtime", text)
        self.assertIn("USER 1000:1000", text)
        self.assertRegex(text, r"HEALTHCHECK .*\n\s+CMD \[\"/usr/local/bin/estimate-service\", \"health\"")
        self.assertIn('VOLUME ["/app/data"]', text)
        # The Kubernetes CronJob runs /app/scripts/backup-db.sh: the image carries it and pg_dump.
        self.assertIn("scripts/backup-db.sh", text)
        self.assertIn("/app/scripts/", text)
        with open(os.path.join(DEPLOY, "docker", "runtime-packages.txt"), encoding="utf-8") as f:
            packages = f.read().split()
        if shutil.which("apt-cache"):
            r = subprocess.run(["apt-cache", "show", "--no-all-versions"] + packages, capture_output=True, text=True)
            found = set(re.findall(r"^Package: (\S+)", r.stdout, re.M))
            self.assertEqual(sorted(set(packages) - found), [], "not packages of this Debian")
        self.assertIn("postgresql-client-15", packages)


class HealthCommand(unittest.TestCase):
    def test_ready_service_is_0_and_none_is_1(self):
        svc = Service()
        try:
            r = subprocess.run([BINARY, "health", "--url", "http://127.0.0.1:%d/health/ready" % svc.port],
                               env=svc.env, cwd=svc.tmp, capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(r.stdout.startswith("200 "), r.stdout)
        finally:
            svc.stop()
        r = subprocess.run([BINARY, "health", "--url", "http://127.0.0.1:%d/health/ready" % free_port()],
                           env=svc.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
