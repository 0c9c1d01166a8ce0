"""The deployment guide's `.env` as operators copy it (issue 16): read as its authors meant it —
quotes and trailing comments, RATE_LIMIT_TTL in milliseconds, JWT_EXPIRES_IN in seconds —; under
NODE_ENV=production its placeholder secrets are refused, each named and none echoed; with real
secrets and the hosts pointed at this machine it starts unchanged otherwise. `config check`
prints the configuration with the secrets masked."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import BINARY, ROOT, free_port

GUIDE_ENV = '''# .env
NODE_ENV=production
PORT=3000

# Database
DATABASE_URL="postgresql://estimate_user:secure_password@postgres:5432/estimate_db"
POSTGRES_USER=estimate_user
POSTGRES_PASSWORD=secure_password
POSTGRES_DB=estimate_db

# Redis
REDIS_URL="redis://redis:6379"

# JWT
JWT_SECRET=your-super-secret-jwt-key-256-bit
JWT_REFRESH_SECRET=your-super-secret-refresh-key-256-bit
JWT_EXPIRES_IN=3600
JWT_REFRESH_EXPIRES_IN=2592000

# OpenAI
OPENAI_API_KEY=sk-your-openai-api-key
OPENAI_MODEL=gpt-4

# Vector Database
CHROMA_URL=http://chroma:8000
CHROMA_API_KEY=your-chroma-api-key

# File Storage
STORAGE_TYPE=local # local | s3 | azure
UPLOAD_MAX_SIZE=10485760 # 10MB

# S3 Configuration (if using S3)
AWS_ACCESS_KEY_ID=your-aws-access-key
AWS_SECRET_ACCESS_KEY=your-aws-secret-key
AWS_REGION=us-east-1
AWS_S3_BUCKET=estimate-service-files

# Monitoring
PROMETHEUS_ENABLED=true
GRAFANA_ENABLED=true

# Logging
LOG_LEVEL=info
LOG_FORMAT=json

# Security
CORS_ORIGIN=https://your-frontend-domain.com
RATE_LIMIT_TTL=60000
RATE_LIMIT_LIMIT=1000

# Data Collection
FSBTS_UPDATE_SCHEDULE="0 2 * * *" # Daily at 2 AM
MINSTROYRF_API_KEY=your-minstroyrf-api-key
'''

PLACEHOLDERS = ["DATABASE_URL", "JWT_SECRET", "JWT_REFRESH_SECRET", "OPENAI_API_KEY", "CHROMA_API_KEY",
                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MINSTROYRF_API_KEY"]


class GuideEnv(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="estimate-guide-env-")
        # Only what a shell gives: the file says the rest.
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp}

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, text):
        path = os.path.join(self.tmp, ".env")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def run_cli(self, *args, timeout=60):
        return subprocess.run([BINARY] + list(args), env=self.env, cwd=self.tmp, capture_output=True,
                              text=True, timeout=timeout)

    def test_placeholders_are_refused_in_production_each_named_none_echoed(self):
        self.write(GUIDE_ENV)
        for command in (["config", "check"], ["serve", "--port", str(free_port())]):
            r = self.run_cli(*command)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            problems = [line.strip() for line in r.stderr.splitlines() if line.startswith("  ")]
            self.assertEqual(sorted(p.split(":")[0] for p in problems), sorted(PLACEHOLDERS), r.stderr)
            for secret in ("your-super-secret-jwt-key-256-bit", "sk-your-openai-api-key", "secure_password",
                           "your-aws-secret-key"):
                self.assertNotIn(secret, r.stderr + r.stdout)

    def test_config_check_reads_the_file_as_its_authors_meant(self):
        self.write(GUIDE_ENV.replace("NODE_ENV=production", "NODE_ENV=development"))
        r = self.run_cli("config", "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
        self.assertEqual(lines["FSBTS_UPDATE_SCHEDULE"], "0 2 * * *")
        self.assertEqual(lines["STORAGE_TYPE"], "local")
        self.assertEqual(lines["UPLOAD_MAX_SIZE"], "10485760")
        self.assertEqual(lines["RATE_LIMIT_TTL"], "60000")
        self.assertEqual(lines["JWT_SECRET"], "***")
        self.assertEqual(lines["DATABASE_URL"], "postgresql://estimate_user:***@postgres:5432/estimate_db")
        self.assertIn("POSTGRES_PASSWORD  (not read by the service: for the deployment files)", r.stdout)
        self.assertNotIn("secure_password", r.stdout)
        self.assertIn("configuration valid", r.stdout)

    def test_config_check_masks_every_password_of_a_url(self):
        self.write('DATABASE_URL=postgresql://db.example/estimate?user=app&password=TopSecret1\n'
                   'REDIS_URL=redis://:s3cr@tPart@redis.example:6379\n'
                   'OPENAI_BASE_URL=https://user:Hidden9@llm.example/v1\n')
        r = self.run_cli("config", "check")
        for secret in ("TopSecret1", "s3cr", "tPart", "Hidden9"):
            self.assertNotIn(secret, r.stdout + r.stderr)
        self.assertIn("DATABASE_URL=postgresql://db.example/estimate?user=app&password=***", r.stdout)
        self.assertIn("REDIS_URL=redis://:***@redis.example:6379", r.stdout)

    def test_rate_limit_ttl_in_old_seconds_is_refused_with_a_hint(self):
        self.write("RATE_LIMIT_TTL=3600\n")
        r = self.run_cli("config", "check")
        self.assertEqual(r.returncode, 2)
        self.assertIn("RATE_LIMIT_TTL", r.stderr)
        self.assertIn("3600s", r.stderr)
        self.write("RATE_LIMIT_TTL=1h\n")
        self.assertEqual(self.run_cli("config", "check").returncode, 0)

    def test_with_real_secrets_and_this_machines_hosts_it_starts_unchanged_otherwise(self):
        redis_dir = os.path.join(self.tmp, "redis")
        redis_url = os.environ.get("ESTIMATE_TEST_REDIS_URL")
        started_redis = False
        if not redis_url:
            redis_url = subprocess.run([os.path.join(ROOT, "scripts", "test-services.sh"), "redis-start", redis_dir,
                                        str(free_port())], capture_output=True, text=True, check=True).stdout.split()[-1]
            started_redis = True
        database = os.environ.get("ESTIMATE_TEST_DATABASE_URL") or "sqlite://" + os.path.join(self.tmp, "estimate.db")
        port = free_port()
        text = (GUIDE_ENV
                .replace('"postgresql://estimate_user:secure_password@postgres:5432/estimate_db"', '"%s"' % database)
                .replace('"redis://redis:6379"', '"%s"' % redis_url)
                .replace("PORT=3000", "PORT=%d" % port)
                .replace("http://chroma:8000", "http://127.0.0.1:%d" % free_port())
                .replace("your-super-secret-jwt-key-256-bit", "c2e1a3f0b9d84e7d9a0f6b1c4e8d2a7f3b5c9e0d1f")
                .replace("your-super-secret-refresh-key-256-bit", "9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5")
                .replace("sk-your-openai-api-key", "sk-test-0a1b2c3d4e5f")
                .replace("your-chroma-api-key", "chroma-test-token-1234")
                .replace("your-aws-access-key", "AKIATESTKEY123").replace("your-aws-secret-key", "aws-test-secret-xyz")
                .replace("your-minstroyrf-api-key", "minstroy-test-key"))
        self.write(text)
        proc = None
        try:
            r = self.run_cli("migrate")
            self.assertEqual(r.returncode, 0, r.stderr)
            proc = subprocess.Popen([BINARY, "serve", "--host", "127.0.0.1"], env=self.env, cwd=self.tmp,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            status = None
            deadline = time.time() + 30
            while time.time() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen("http://127.0.0.1:%d/health/ready" % port, timeout=2) as resp:
                        status = resp.status
                        break
                except Exception:
                    time.sleep(0.2)
            self.assertEqual(status, 200, proc.poll())
        finally:
            if proc:
                proc.terminate()
                proc.wait(timeout=30)
            if started_redis:
                subprocess.run([os.path.join(ROOT, "scripts", "test-services.sh"), "redis-stop", redis_dir],
                               capture_output=True)


class Schemas(unittest.TestCase):
    """The ГГЭ schemas travel with the deployment: the service says whether ГГЭ XML validation is
    available (at start and in /health/ready, as a degraded detail that leaves it ready), and the
    `export` command reads GGE_XSD_DIR from .env as the service does."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="estimate-xsd-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_readiness_names_missing_schemas_without_failing(self):
        from harness import Service
        svc = Service(env={"GGE_XSD_DIR": os.path.join(self.tmp, "nowhere")})
        try:
            status, _, body = svc.request("GET", "/health/ready")
            self.assertEqual(status, 200, body)
            import json
            check = json.loads(body)["checks"]["gge_schemas"]
            self.assertEqual(check["status"], "degraded")
            self.assertIn("LocalEstimateResourceIndexMethod-3_01.xsd", check["reason"])
        finally:
            svc.stop()
        svc = Service(env={"GGE_XSD_DIR": os.path.join(ROOT, "..", "shared", "samples", "xsd")})
        try:
            import json
            status, _, body = svc.request("GET", "/health/ready")
            self.assertEqual(json.loads(body)["checks"]["gge_schemas"], {"status": "ok"})
        finally:
            svc.stop()

    def test_export_reads_gge_xsd_dir_from_env_file(self):
        import json
        with open(os.path.join(ROOT, "tests", "golden", "contract_example", "input.json"), encoding="utf-8") as f:
            body = json.load(f)
        body["header"] = {"construction": {"name": "Жилой дом"}, "object": {"name": "Корпус 1"}, "number": "02-01-05",
                          "region": {"code": "28", "name": "Амурская область"},
                          "price_level": {"year": "2025", "quarter": "2"}}
        doc = os.path.join(self.tmp, "doc.json")
        with open(doc, "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp}
        with open(os.path.join(self.tmp, ".env"), "w") as f:
            f.write('GGE_XSD_DIR="%s" # the schemas\n' % os.path.join(ROOT, "..", "shared", "samples", "xsd"))
        r = subprocess.run([BINARY, "export", doc, "--format", "gge"], env=env, cwd=self.tmp, capture_output=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn(b"<Construction", r.stdout[:2000])
        with open(os.path.join(self.tmp, ".env"), "w") as f:
            f.write("GGE_XSD_DIR=%s\n" % os.path.join(self.tmp, "nowhere"))
        r = subprocess.run([BINARY, "export", doc, "--format", "gge"], env=env, cwd=self.tmp, capture_output=True,
                           timeout=120)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"nowhere", r.stderr)
