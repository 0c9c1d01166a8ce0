"""Backups (issue 16): scripts/backup-db.sh → the database dropped → scripts/restore-db.sh gives
every estimate's figures back identical, on the SQLite default (SQLite's online backup API through
`estimate-service backup|restore`) and on PostgreSQL (pg_dump's custom format) — whichever
ESTIMATE_TEST_DATABASE_URL says; a damaged backup is refused by the restore with a clear message
and the database stays as it was; backups older than 30 days (by the date in their name) are
rotated away; the files' backup is listed back before it is kept."""
import copy
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from api_client import DEMO, HEADER, Org, add_user, login
from harness import BINARY, ROOT, OwnDatabase, Service

GOLDEN = os.path.join(ROOT, "tests", "golden")
SECRETS = {"JWT_SECRET": "b" * 40, "JWT_REFRESH_SECRET": "c" * 40, "RATE_LIMIT_LIMIT": "100000"}


def script(name, args, env, cwd, check=True):
    r = subprocess.run([os.path.join(ROOT, "scripts", name)] + args, env=env, cwd=cwd, capture_output=True,
                       text=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError("%s failed: %s%s" % (name, r.stdout, r.stderr))
    return r


class Backup(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        r = cls.db.cli(["import", DEMO, "--region", "28", "--zone", "1", "--quarter", "2025-Q2"])
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        add_user(cls.db, "keeper@backup.test", "estimator", org_name="Архив")
        cls.env = dict(cls.db.env, ESTIMATE_BINARY=BINARY)
        cls.backups = os.path.join(cls.db.tmp, "backups")

    @classmethod
    def tearDownClass(cls):
        cls.db.destroy()

    def figures(self):
        """Every estimate of the organization with its totals and positions' figures."""
        svc = Service(env=SECRETS, database_url=self.db.url, migrate=False)
        try:
            org = Org(svc, login(svc, "keeper@backup.test")["access_token"])
            out = {}
            def items(path):
                body = org.ok("GET", path).json
                return body["items"] if isinstance(body, dict) else body
            for p in items("/api/v1/projects"):
                for o in items("/api/v1/projects/%d/objects" % p["id"]):
                    for e in items("/api/v1/objects/%d/estimates" % o["id"]):
                        view = org.ok("GET", "/api/v1/estimates/%d" % e["id"]).json
                        out[e["id"]] = (view["version"], view["totals"],
                                        [(q["number"], q["figures"]) for s in view["sections"] for q in s["positions"]])
            return out
        finally:
            svc.stop()

    def make_estimates(self):
        svc = Service(env=SECRETS, database_url=self.db.url, migrate=False)
        try:
            org = Org(svc, login(svc, "keeper@backup.test")["access_token"])
            obj = org.object(org.project("Архивный объект"))
            for case in ("rik_02-01-05_vodomernyi_uzel", "rik_02-01-02_remont_otopleniya"):
                with open(os.path.join(GOLDEN, case, "input.json"), encoding="utf-8") as f:
                    doc = json.load(f)
                for i, s in enumerate(doc["sections"]):
                    s["name"] = s.get("name") or "Раздел %d" % (i + 1)
                    s["positions"] = [p for p in s["positions"] if not p.get("quantity", "0").startswith("-")]
                org.ok("POST", "/api/v1/objects/%d/estimates" % obj, dict(HEADER, name=doc["name"], document=doc))
            org.estimate(obj, name="ЛСР из базы")
        finally:
            svc.stop()

    def drop_database(self):
        if self.db.schema:
            self.db._psql("DROP SCHEMA %s CASCADE; CREATE SCHEMA %s" % (self.db.schema, self.db.schema))
        else:
            os.remove(self.db.url[len("sqlite://"):])

    def test_backup_drop_restore_gives_every_figure_back(self):
        self.make_estimates()
        before = self.figures()
        self.assertEqual(len(before), 3)
        before_files = set(os.listdir(self.backups)) if os.path.isdir(self.backups) else set()
        r = script("backup-db.sh", [self.backups], self.env, self.db.tmp)
        self.assertIn("verified", r.stdout)
        [backup] = [os.path.join(self.backups, f) for f in set(os.listdir(self.backups)) - before_files
                    if f.startswith("estimate-db-")]

        # A damaged copy is refused, and the database stays as it was.
        damaged = backup + ".damaged"
        with open(backup, "rb") as f:
            data = f.read()
        with open(damaged, "wb") as f:
            f.write(data[: len(data) // 2])
        r = script("restore-db.sh", [damaged], self.env, self.db.tmp, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"(not a usable backup|not a readable pg_dump backup)")
        self.assertEqual(self.figures(), before)

        self.drop_database()
        r = script("restore-db.sh", [backup], self.env, self.db.tmp)
        self.assertIn("restored from", r.stdout)
        self.assertEqual(self.figures(), before)

    def test_rotation_keeps_thirty_days_by_the_date_in_the_name(self):
        os.makedirs(self.backups, exist_ok=True)
        ext = "dump" if self.db.schema else "sqlite"
        old = os.path.join(self.backups, "estimate-db-20200101-020000." + ext)
        recent = os.path.join(self.backups, "estimate-db-%s-020000.%s" % (
            subprocess.run(["date", "-u", "-d", "-3 days", "+%Y%m%d"], capture_output=True, text=True).stdout.strip(), ext))
        for f in (old, recent):
            with open(f, "w") as out:
                out.write("x")
        r = script("backup-db.sh", [self.backups], self.env, self.db.tmp)
        self.assertIn("removed estimate-db-20200101-020000", r.stdout)
        self.assertFalse(os.path.exists(old))
        self.assertTrue(os.path.exists(recent))
        os.remove(recent)

    def test_files_backup_is_listed_back(self):
        files = os.path.join(self.db.tmp, "files-to-keep")
        os.makedirs(os.path.join(files, "a"), exist_ok=True)
        for name in ("a/ЛСР 02-01-05.xlsx", "b.pdf"):
            with open(os.path.join(files, name), "wb") as f:
                f.write(os.urandom(2048))
        r = script("backup-files.sh", [self.backups], dict(self.env, STORAGE_PATH=files), self.db.tmp)
        self.assertIn("(2 files), verified", r.stdout)


if __name__ == "__main__":
    unittest.main()
