"""Attachments of an estimate (issue 16): the uploaded original of an import and exported
documents a user keeps, stored under STORAGE_PATH (STORAGE_TYPE=local) or in an S3-compatible
bucket (STORAGE_TYPE=s3). The S3 runs are against s3rver (npm, web/ devDependencies), a real S3
REST server on loopback, behind a proxy that checks every request's AWS Signature Version 4
with botocore (python3-botocore), AWS's own signer, because s3rver does not check V4 signatures.

Both storages: the import keeps its original byte for byte; an export kept now or from a done
job; listing, download and delete within the tenant; viewers read but may not keep or delete;
another organization sees 404; a damaged stored file is refused, not served; a storage that
cannot take the original refuses the import with nothing created; deleting the estimate removes
the files."""
import hashlib
import http.client
import http.server
import json
import os
import shutil
import socketserver
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

from api_client import NORM, Org, add_user, import_demo_base, login
from harness import ROOT, OwnDatabase, Service, free_port
from test_documents import multipart

SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
PD12 = os.path.join(SHARED, "samples", "gge_lsr_rim_example_PD12.gge")
S3RVER = os.path.join(ROOT, "web", "node_modules", ".bin", "s3rver")
ACCESS_KEY = SECRET_KEY = "S3RVER"  # s3rver's built-in account
BUCKET = "estimate-files"
REGION = "us-east-1"


class SigV4Proxy:
    """Forwards to s3rver the requests whose AWS SigV4 signature botocore computes the same from
    the secret key; answers 403 SignatureDoesNotMatch to the others. `checked` counts requests."""

    def __init__(self, upstream_port, secret):
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        proxy = self
        self.checked = 0
        self.refused = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                auth = self.headers.get("Authorization", "")
                ok = False
                if auth.startswith("AWS4-HMAC-SHA256 "):
                    fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
                    key, date, region, service, _ = fields["Credential"].split("/")
                    signed = fields["SignedHeaders"].split(";")
                    headers = {h: self.headers[h] for h in signed if self.headers.get(h) is not None}
                    request = AWSRequest(method=self.command,
                                         url="http://%s%s" % (self.headers["Host"], self.path),
                                         headers=headers, data=body)
                    request.context["timestamp"] = self.headers["x-amz-date"]
                    signer = S3SigV4Auth(Credentials(key, secret), service, region)
                    canonical = signer.canonical_request(request)
                    expected = signer.signature(signer.string_to_sign(request, canonical), request)
                    ok = expected == fields["Signature"] and \
                        self.headers.get("x-amz-content-sha256") == hashlib.sha256(body).hexdigest()
                proxy.checked += 1
                if not ok:
                    proxy.refused += 1
                    data = (b"<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code>"
                            b"<Message>The request signature we calculated does not match</Message></Error>")
                    self.send_response(403)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                    return
                c = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                try:
                    c.request(self.command, self.path, body=body if body else None,
                              headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
                    r = c.getresponse()
                    data = r.read()
                except OSError:  # s3rver stopped by the test: the storage is down
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                c.close()

            do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = _handle

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class S3rver:
    """s3rver on a loopback port with one bucket, its objects under `dir`."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="estimate-s3-")
        self.port = free_port()
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [S3RVER, "-d", self.dir, "-a", "127.0.0.1", "-p", str(self.port), "-s",
             "--configure-bucket", BUCKET],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/")
                c.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("s3rver did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def objects(self):
        """The keys stored in the bucket (s3rver keeps each object as KEY._S3rver_object)."""
        root = os.path.join(self.dir, BUCKET)
        out = []
        for base, _, names in os.walk(root):
            for n in names:
                if n.endswith("._S3rver_object"):
                    out.append(os.path.relpath(os.path.join(base, n[:-len("._S3rver_object")]), root))
        return sorted(out)

    def destroy(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class AttachmentsLocal(unittest.TestCase):
    """STORAGE_TYPE=local."""

    @classmethod
    def storage_env(cls):
        cls.files_dir = tempfile.mkdtemp(prefix="estimate-files-")
        return {"STORAGE_TYPE": "local", "STORAGE_PATH": cls.files_dir}

    @classmethod
    def stored(cls):
        """The keys stored now."""
        out = []
        for base, _, names in os.walk(cls.files_dir):
            out += [os.path.relpath(os.path.join(base, n), cls.files_dir) for n in names]
        return sorted(out)

    @classmethod
    def damage(cls, key):
        with open(os.path.join(cls.files_dir, key), "r+b") as f:
            f.seek(10)
            f.write(b"#")

    @classmethod
    def break_storage(cls):
        """Makes the storage refuse writes; returns a function that mends it."""
        hidden = cls.files_dir + ".away"
        os.rename(cls.files_dir, hidden)
        with open(cls.files_dir, "w") as f:
            f.write("not a folder")

        def mend():
            os.remove(cls.files_dir)
            os.rename(hidden, cls.files_dir)
        return mend

    @classmethod
    def cleanup_storage(cls):
        shutil.rmtree(cls.files_dir, ignore_errors=True)

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(PD12):
            raise unittest.SkipTest("../shared/samples is not beside the project")
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        _, org = add_user(cls.db, "admin@att.test", "admin", org_name="Сметчики")
        add_user(cls.db, "estimator@att.test", "estimator", org_id=org)
        add_user(cls.db, "viewer@att.test", "viewer", org_id=org)
        add_user(cls.db, "other@att.test", "admin", org_name="Чужие")
        env = {"RATE_LIMIT_LIMIT": "1000000", "UPLOAD_MAX_SIZE": "10mb",
               "GGE_XSD_DIR": os.path.join(SHARED, "samples", "xsd")}
        env.update(cls.storage_env())
        cls.svc = Service(env=env, database_url=cls.db.url, migrate=False)
        cls.admin = Org(cls.svc, login(cls.svc, "admin@att.test")["access_token"])
        cls.estimator = Org(cls.svc, login(cls.svc, "estimator@att.test")["access_token"])
        cls.viewer = Org(cls.svc, login(cls.svc, "viewer@att.test")["access_token"])
        cls.other = Org(cls.svc, login(cls.svc, "other@att.test")["access_token"])
        cls.O = cls.admin.object(cls.admin.project("Школа"), "Корпус 1")
        with open(PD12, "rb") as f:
            cls.original = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()
        cls.cleanup_storage()

    def upload(self, org, data, name="ЛСР 09-01-01.gge"):
        body, ctype = multipart({"object_id": self.O}, {"file": (name, data)})
        return org.call("POST", "/api/v1/imports", body, {"Content-Type": ctype})

    def imported(self):
        r = self.upload(self.estimator, self.original)
        self.assertEqual(r.status, 201, r)
        return r.json

    def estimates(self):
        return sorted(e["id"] for e in self.admin.ok("GET", "/api/v1/objects/%d/estimates" % self.O).json)

    def test_an_import_keeps_its_original_byte_for_byte(self):
        report = self.imported()
        original = report["original"]
        self.assertEqual(original["kind"], "import")
        self.assertEqual(original["file_name"], "ЛСР 09-01-01.gge")
        self.assertEqual(original["size"], len(self.original))
        self.assertEqual(original["sha256"], hashlib.sha256(self.original).hexdigest())
        self.assertEqual(original["estimate_id"], report["estimate_id"])
        listed = self.viewer.ok("GET", "/api/v1/estimates/%d/attachments" % report["estimate_id"]).json
        self.assertEqual([a["id"] for a in listed], [original["id"]])
        self.assertTrue(listed[0]["created_by_name"])
        got = self.viewer.call("GET", original["url"])
        self.assertEqual(got.status, 200, got)
        self.assertEqual(got.body, self.original)
        self.assertEqual(got.headers["content-type"], "application/xml")
        self.assertIn("attachment", got.headers["content-disposition"])
        self.assertIn("%D0%9B%D0%A1%D0%A0", got.headers["content-disposition"])  # «ЛСР», RFC 5987
        # The audit log names who kept what.
        audit = self.admin.ok("GET", "/api/v1/audit?entity_type=attachment&entity_id=%d" % original["id"]).json
        records = audit["records"] if isinstance(audit, dict) else audit
        self.assertEqual([r["action"] for r in records], ["create"])

    def test_an_export_is_kept_now_or_from_its_job(self):
        e = self.admin.estimate(self.O, codes=(NORM, "ГЭСН06-01-001-01"))
        r = self.estimator.call("POST", "/api/v1/estimates/%d/attachments" % e["id"], {"format": "xlsx"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["kind"], "export")
        self.assertTrue(r.json["file_name"].endswith(".xlsx"), r.json)
        self.assertEqual(r.headers["location"], r.json["url"])
        xlsx = self.viewer.call("GET", r.json["url"])
        self.assertEqual(xlsx.status, 200)
        self.assertTrue(xlsx.body.startswith(b"PK"))
        self.assertEqual(hashlib.sha256(xlsx.body).hexdigest(), r.json["sha256"])
        # A job's file: the export made in the background, then kept.
        job = self.estimator.call("GET", "/api/v1/estimates/%d/export?format=gge" % e["id"],
                                  headers={"Prefer": "respond-async"})
        self.assertEqual(job.status, 202, job)
        deadline = time.time() + 60
        while True:
            state = self.estimator.ok("GET", "/api/v1/jobs/%d" % job.json["id"]).json
            if state["status"] == "done":
                break
            self.assertIn(state["status"], ("queued", "running"), state)
            self.assertLess(time.time(), deadline, "the export job did not finish")
            time.sleep(0.2)
        kept = self.estimator.call("POST", "/api/v1/estimates/%d/attachments" % e["id"],
                                   {"job_id": job.json["id"]})
        self.assertEqual(kept.status, 201, kept)
        self.assertEqual(kept.json["content_type"], "application/xml")
        direct = self.estimator.call("GET", "/api/v1/jobs/%d/file" % job.json["id"])
        self.assertEqual(self.viewer.call("GET", kept.json["url"]).body, direct.body)
        # The job of this estimate only, and a job that is not there.
        e2 = self.admin.estimate(self.O)
        wrong = self.estimator.call("POST", "/api/v1/estimates/%d/attachments" % e2["id"],
                                    {"job_id": job.json["id"]})
        self.assertEqual(wrong.status, 400, wrong)
        self.assertIn("job_id", wrong.detail)
        missing = self.estimator.call("POST", "/api/v1/estimates/%d/attachments" % e2["id"], {"job_id": 999999})
        self.assertEqual(missing.status, 404, missing)
        listed = self.viewer.ok("GET", "/api/v1/estimates/%d/attachments" % e["id"]).json
        self.assertEqual([a["id"] for a in listed], [r.json["id"], kept.json["id"]])

    def test_bad_requests_name_the_field(self):
        e = self.admin.estimate(self.O)
        path = "/api/v1/estimates/%d/attachments" % e["id"]
        for body, field in (({}, "format"), ({"format": "pdf", "job_id": 1}, "format"),
                            ({"format": "docx"}, "format"), ({"job_id": "x"}, "job_id"),
                            ({"format": "xlsx", "keep": True}, "keep")):
            r = self.admin.call("POST", path, body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertIn(field, r.detail, body)
        self.assertEqual(self.admin.call("GET", path + "/999999").status, 404)
        self.assertEqual(self.admin.call("GET", "/api/v1/estimates/999999/attachments").status, 404)
        self.assertEqual(self.admin.call("POST", "/api/v1/estimates/999999/attachments",
                                         {"format": "xlsx"}).status, 404)

    def test_roles_and_organizations(self):
        report = self.imported()
        eid, url = report["estimate_id"], report["original"]["url"]
        path = "/api/v1/estimates/%d/attachments" % eid
        # Viewers read; they neither keep nor delete.
        self.assertEqual(self.viewer.call("GET", url).status, 200)
        self.assertEqual(self.viewer.call("POST", path, {"format": "xlsx"}).status, 403)
        self.assertEqual(self.viewer.call("DELETE", url).status, 403)
        # Another organization sees nothing of it.
        for method, p, body in (("GET", path, None), ("GET", url, None), ("DELETE", url, None),
                                ("POST", path, {"format": "xlsx"})):
            r = self.other.call(method, p, body)
            self.assertEqual(r.status, 404, (method, p, r))
        # Only who kept it, or an admin, deletes it.
        kept = self.admin.ok("POST", path, {"format": "xlsx"}).json
        self.assertEqual(self.estimator.call("DELETE", kept["url"]).status, 403)
        self.assertEqual(self.estimator.call("DELETE", url).status, 204)
        self.assertEqual(self.admin.call("DELETE", kept["url"]).status, 204)
        self.assertEqual(self.admin.call("GET", url).status, 404)
        self.assertEqual(self.admin.ok("GET", path).json, [])

    def test_a_deleted_attachment_and_a_deleted_estimate_leave_no_file(self):
        before = self.stored()
        report = self.imported()
        eid = report["estimate_id"]
        kept = self.estimator.ok("POST", "/api/v1/estimates/%d/attachments" % eid, {"format": "xlsx"}).json
        self.assertEqual(len(self.stored()), len(before) + 2)
        self.assertEqual(self.estimator.call("DELETE", kept["url"]).status, 204)
        self.assertEqual(len(self.stored()), len(before) + 1)
        r = self.estimator.call("DELETE", "/api/v1/estimates/%d" % eid,
                                headers={"If-Match": self.estimator.etag(eid)})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.stored(), before)

    def test_a_damaged_file_is_refused_not_served(self):
        report = self.imported()
        listed = self.admin.ok("GET", "/api/v1/estimates/%d/attachments" % report["estimate_id"]).json
        self.assertEqual(len(listed), 1)
        # The newest stored key is this original's.
        key = self.newest_key()
        self.damage(key)
        r = self.admin.call("GET", report["original"]["url"])
        self.assertEqual(r.status, 500, r)
        self.assertIn("attachment %d" % report["original"]["id"], r.detail)
        self.assertIn("differs", r.detail)

    def newest_key(self):
        keys = self.stored()
        return max(keys, key=lambda k: self.stored_time(k))

    def stored_time(self, key):
        return os.path.getmtime(os.path.join(self.files_dir, key))

    def test_a_storage_that_cannot_take_the_original_refuses_the_import(self):
        before = self.estimates()
        mend = self.break_storage()
        try:
            r = self.upload(self.estimator, self.original)
            self.assertEqual(r.status, 503, r)
            self.assertIn("nothing was imported", r.detail)
            self.assertEqual(self.estimates(), before)
            status, _, body = self.svc.request("GET", "/health/ready")
            self.assertEqual(json.loads(body)["checks"]["files"]["status"], "degraded", body)
        finally:
            mend()
        r = self.upload(self.estimator, self.original)
        self.assertEqual(r.status, 201, r)

    def refuse_attachment_rows(self, refuse):
        """A trigger that makes every new attachment row fail (the database refusing the row
        after the file was stored), or its removal."""
        if self.db.schema:
            if refuse:
                self.db._psql(
                    "CREATE FUNCTION %s.no_rows() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$BEGIN RAISE EXCEPTION 'attachments refused by the test'; END$$; "
                    "CREATE TRIGGER no_rows BEFORE INSERT ON %s.attachments "
                    "FOR EACH ROW EXECUTE FUNCTION %s.no_rows()" % ((self.db.schema,) * 3))
            else:
                self.db._psql("DROP TRIGGER no_rows ON %s.attachments; DROP FUNCTION %s.no_rows()"
                              % (self.db.schema, self.db.schema))
            return
        with sqlite3.connect(self.db.url[len("sqlite://"):]) as db:
            if refuse:
                db.execute("CREATE TRIGGER no_rows BEFORE INSERT ON attachments "
                           "BEGIN SELECT RAISE(ABORT, 'attachments refused by the test'); END")
            else:
                db.execute("DROP TRIGGER no_rows")

    def test_a_row_that_cannot_be_written_undoes_the_import_and_its_file(self):
        before, files = self.estimates(), self.stored()
        self.refuse_attachment_rows(True)
        try:
            r = self.upload(self.estimator, self.original)
            self.assertGreaterEqual(r.status, 400, r)
            self.assertIn("nothing was imported", r.detail)
            self.assertEqual(self.estimates(), before)
            self.assertEqual(self.stored(), files)
            e = self.admin.estimate(self.O)
            kept = self.admin.call("POST", "/api/v1/estimates/%d/attachments" % e["id"], {"format": "arps"})
            self.assertGreaterEqual(kept.status, 400, kept)
            self.assertEqual(self.stored(), files)
        finally:
            self.refuse_attachment_rows(False)

    def test_an_attachment_is_reached_only_through_its_own_estimate(self):
        report = self.imported()
        other = self.admin.estimate(self.O)
        path = "/api/v1/estimates/%d/attachments/%d" % (other["id"], report["original"]["id"])
        self.assertEqual(self.admin.call("GET", path).status, 404)
        self.assertEqual(self.admin.call("DELETE", path).status, 404)
        self.assertEqual(self.admin.call("GET", report["original"]["url"]).status, 200)

    def test_readiness_names_the_storage(self):
        status, _, body = self.svc.request("GET", "/health/ready")
        self.assertEqual(status, 200, body)
        checks = json.loads(body)["checks"]
        self.assertEqual(checks["files"]["status"], "ok", checks)


class AttachmentsS3(AttachmentsLocal):
    """STORAGE_TYPE=s3 against s3rver, every request's SigV4 signature checked."""

    @classmethod
    def storage_env(cls):
        if not os.path.exists(S3RVER):
            raise unittest.SkipTest("s3rver is not installed (make web-deps)")
        try:
            import botocore  # noqa: F401
        except ImportError:
            raise unittest.SkipTest("botocore is not installed (python3-botocore)")
        cls.s3 = S3rver()
        cls.proxy = SigV4Proxy(cls.s3.port, SECRET_KEY)
        return {"STORAGE_TYPE": "s3", "AWS_S3_BUCKET": BUCKET, "AWS_REGION": REGION,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_ENDPOINT": "http://127.0.0.1:%d" % cls.proxy.port}

    @classmethod
    def stored(cls):
        return cls.s3.objects()

    @classmethod
    def damage(cls, key):
        path = os.path.join(cls.s3.dir, BUCKET, key + "._S3rver_object")
        with open(path, "r+b") as f:
            f.seek(10)
            f.write(b"#")

    def stored_time(self, key):
        return os.path.getmtime(os.path.join(self.s3.dir, BUCKET, key + "._S3rver_object"))

    @classmethod
    def break_storage(cls):
        cls.s3.stop()
        return cls.s3.start

    @classmethod
    def cleanup_storage(cls):
        cls.proxy.close()
        cls.s3.destroy()

    def test_every_request_was_signed_right_and_a_wrong_secret_is_refused(self):
        self.imported()
        self.assertGreater(self.proxy.checked, 0)
        self.assertEqual(self.proxy.refused, 0)
        # The same storage with a wrong secret: not ready for files, and the import refused.
        svc = Service(env={"STORAGE_TYPE": "s3", "AWS_S3_BUCKET": BUCKET, "AWS_REGION": REGION,
                           "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": "not-the-secret",
                           "AWS_ENDPOINT": "http://127.0.0.1:%d" % self.proxy.port},
                      database_url=self.db.url, migrate=False)
        try:
            token = login(svc, "estimator@att.test")["access_token"]
            before = self.estimates()
            body, ctype = multipart({"object_id": self.O}, {"file": ("x.gge", self.original)})
            from api_client import call
            r = call(svc, "POST", "/api/v1/imports", body, token, {"Content-Type": ctype})
            self.assertEqual(r.status, 503, r)
            self.assertIn("nothing was imported", r.detail)
            # The client learns no server detail; the log has it, under the request's id.
            self.assertNotIn("SignatureDoesNotMatch", r.detail)
            self.assertIn(r.headers["x-request-id"], r.detail)
            def logged():
                return [json.loads(l) for l in list(svc.log_lines) if "file storage failed" in l]
            deadline = time.time() + 10  # the log is read from the service's pipe by a thread
            while not logged() and time.time() < deadline:
                time.sleep(0.1)
            self.assertTrue(any("SignatureDoesNotMatch" in l.get("reason", "") and
                                l.get("request_id") == r.headers["x-request-id"] for l in logged()), logged())
            self.assertFalse(any("not-the-secret" in l for l in svc.log_lines))
            self.assertEqual(self.estimates(), before)
            ready = json.loads(svc.request("GET", "/health/ready")[2])
            self.assertNotEqual(ready["checks"]["files"]["status"], "ok", ready)
        finally:
            svc.stop()
        self.assertGreater(self.proxy.refused, 0)


if __name__ == "__main__":
    unittest.main()
