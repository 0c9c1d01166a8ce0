"""Export jobs over HTTP (issue 13): an export asked for with `Prefer: respond-async` is 202 with
a job that runs to its file — the same PDF the synchronous export gives — seen only by its user
and the organization's admins; a long one is cancelled and keeps no file; a job holds its
heavy-work slot, so the per-organization cap still refuses a third document; an estimate large
enough to take over 5 s is a job without asking."""
import os
import subprocess
import tempfile
import time
import unittest

from api_client import (NORM, PROBLEM, Org, add_user, generated_estimate_body, import_demo_base,
                        login)
from harness import ROOT, OwnDatabase, Service

XSD_DIR = os.path.join(os.path.normpath(os.path.join(ROOT, "..", "shared")), "samples", "xsd")

PREFER = {"Prefer": "respond-async"}
ACTIVE = ("queued", "running")


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                              check=True).stdout.decode()


class ExportJobs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        _, org = add_user(cls.db, "admin@j.test", "admin", org_name="Сметчики")
        add_user(cls.db, "ann@j.test", "estimator", org_id=org)
        add_user(cls.db, "bob@j.test", "estimator", org_id=org)
        add_user(cls.db, "eve@j.test", "admin", org_name="Чужие")
        add_user(cls.db, "big@j.test", "admin", org_name="Большие")
        cls.svc = Service(env={"RATE_LIMIT_LIMIT": "1000000", "UPLOAD_MAX_SIZE": "64mb",
                               "GGE_XSD_DIR": XSD_DIR},
                          database_url=cls.db.url, migrate=False)
        token = lambda email: login(cls.svc, email)["access_token"]
        cls.admin = Org(cls.svc, token("admin@j.test"))
        cls.ann = Org(cls.svc, token("ann@j.test"))
        cls.bob = Org(cls.svc, token("bob@j.test"))
        cls.eve = Org(cls.svc, token("eve@j.test"))
        cls.big = Org(cls.svc, token("big@j.test"))
        cls.P = cls.admin.project("Школа")
        cls.O = cls.admin.object(cls.P, "Корпус 1")

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def poll(self, org, location, until=lambda job: job["status"] not in ACTIVE, timeout=180):
        deadline = time.monotonic() + timeout
        while True:
            job = org.ok("GET", location).json
            if until(job) or time.monotonic() > deadline:
                return job
            time.sleep(0.2)

    def test_a_pdf_job_runs_to_the_file_the_synchronous_export_gives(self):
        e = self.ann.estimate(self.O, codes=(NORM, "ГЭСН06-01-001-01"))
        path = "/api/v1/estimates/%d/export?format=pdf" % e["id"]
        r = self.ann.call("GET", path, headers=PREFER)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.headers["preference-applied"], "respond-async")
        job = r.json
        location = r.headers["location"]
        self.assertEqual(location, "/api/v1/jobs/%d" % job["id"])
        self.assertEqual((job["kind"], job["format"], job["content_type"]),
                         ("export", "pdf", "application/pdf"))
        self.assertIn(job["status"], ACTIVE + ("done",))
        self.assertTrue(job["file_name"].endswith(".pdf"))

        done = self.poll(self.ann, location)
        self.assertEqual(done["status"], "done", done)
        self.assertEqual(done["progress"], 100)
        self.assertIsNotNone(done["finished_at"])
        self.assertEqual(done["file_url"], location + "/file")
        file = self.ann.call("GET", done["file_url"])
        self.assertEqual(file.status, 200, file)
        self.assertEqual(file.headers["content-type"], "application/pdf")
        self.assertTrue(file.body.startswith(b"%PDF-"))

        sync = self.ann.call("GET", path)
        self.assertEqual(sync.status, 200, sync)
        self.assertEqual(file.headers["content-disposition"], sync.headers["content-disposition"])
        self.assertEqual(pdf_text(file.body), pdf_text(sync.body))
        self.assertIn("ГЭСН06-01-001-01", pdf_text(file.body))

        # Only its user and the organization's admins see the job; others as if it were not.
        self.assertEqual(self.admin.ok("GET", location).json["id"], job["id"])
        self.assertEqual(self.admin.call("GET", done["file_url"]).status, 200)
        for other in (self.bob, self.eve):
            for method, p in (("GET", location), ("GET", location + "/file"),
                              ("DELETE", location)):
                r = other.call(method, p)
                self.assertEqual(r.status, 404, (method, p, r))
                self.assertEqual(r.headers["content-type"], PROBLEM)
        self.assertEqual(self.ann.call("GET", "/api/v1/jobs/999999999").status, 404)
        # A done job keeps its end: cancelling it is a conflict, and the file stays.
        r = self.ann.call("DELETE", location)
        self.assertEqual(r.status, 409, r)
        self.assertEqual(self.ann.ok("GET", location).json["status"], "done")
        self.assertEqual(self.ann.call("GET", done["file_url"]).status, 200)

    def test_a_quick_export_without_prefer_is_the_file_at_once(self):
        e = self.ann.estimate(self.O)
        for fmt in ("pdf", "xlsx", "gge"):
            r = self.ann.call("GET", "/api/v1/estimates/%d/export?format=%s" % (e["id"], fmt))
            self.assertEqual(r.status, 200, (fmt, r))
            self.assertNotIn("preference-applied", r.headers)

    def test_an_object_estimate_and_a_summary_estimate_go_as_jobs_when_asked(self):
        self.ann.estimate(self.O)
        for path in ("/api/v1/objects/%d/object-estimate?format=xlsx" % self.O,
                     "/api/v1/projects/%d/summary-estimate?format=pdf" % self.P):
            r = self.ann.call("GET", path, headers=PREFER)
            self.assertEqual(r.status, 202, (path, r))
            done = self.poll(self.ann, r.headers["location"])
            self.assertEqual(done["status"], "done", done)
            file = self.ann.call("GET", done["file_url"])
            self.assertEqual(file.status, 200, file)
            self.assertEqual(file.headers["content-type"], done["content_type"])

    def test_a_refused_format_is_400_before_any_job(self):
        e = self.ann.estimate(self.O)
        r = self.ann.call("GET", "/api/v1/estimates/%d/export?format=docx" % e["id"],
                          headers=PREFER)
        self.assertEqual(r.status, 400, r)
        self.assertIn("format", r.json["detail"])

    def test_a_long_job_is_cancelled_keeps_no_file_and_held_its_slot(self):
        project = self.big.project("Большая стройка")
        obj = self.big.object(project, "Корпус")
        created = self.big.ok("POST", "/api/v1/objects/%d/estimates" % obj, generated_estimate_body(2500),
                              status=201).json
        path = "/api/v1/estimates/%d/export?format=pdf" % created["id"]
        # Large enough to be a job without asking (over 5 s expected).
        first = self.big.call("GET", path)
        self.assertEqual(first.status, 202, first)
        self.assertNotIn("preference-applied", first.headers)
        second = self.big.call("GET", path.replace("pdf", "xlsx"), headers=PREFER)
        self.assertEqual(second.status, 202, second)
        # Two documents of one organization at once: the third is refused, job or not.
        third = self.big.call("GET", path.replace("pdf", "gge"))
        self.assertEqual(third.status, 429, third)
        self.assertIn("retry-after", third.headers)

        for r in (first, second):
            location = r.headers["location"]
            self.assertEqual(self.big.call("DELETE", location).status, 204)
            job = self.big.ok("GET", location).json
            self.assertEqual(job["status"], "cancelled", job)
            self.assertIsNotNone(job["finished_at"])
            self.assertNotIn("file_url", job)
            file = self.big.call("GET", location + "/file")
            self.assertEqual(file.status, 409, file)
            self.assertEqual(file.headers["content-type"], PROBLEM)
            # Cancelling again changes nothing.
            self.assertEqual(self.big.call("DELETE", location).status, 204)
        # The workers stop; the jobs stay cancelled and the slots come back.
        time.sleep(1)
        deadline = time.monotonic() + 180
        while True:
            r = self.big.call("GET", path.replace("pdf", "arps"))
            if r.status != 429 or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertEqual(r.status, 200, r)
        for earlier in (first, second):
            job = self.big.ok("GET", earlier.headers["location"]).json
            self.assertEqual(job["status"], "cancelled", job)


if __name__ == "__main__":
    unittest.main()
