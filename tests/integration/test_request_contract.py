"""Request bodies are held to the request schemas of the OpenAPI document the program serves
(issue 11): a change without `op` or a quarter 2025-Q9 is a 400 naming the field and changes
nothing; valid requests still work; a request without a token is still 401, whatever its body."""
import unittest

from api_client import HEADER, NORM, PROBLEM, Org, add_user, call, import_demo_base, login
from harness import OwnDatabase, Service


class RequestContract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        _, org = add_user(cls.db, "admin@c.test", "admin", org_name="Контракт")
        add_user(cls.db, "estimator@c.test", "estimator", org_id=org)
        cls.svc = Service(env={"RATE_LIMIT_LIMIT": "1000000"}, database_url=cls.db.url,
                          migrate=False)
        cls.est = Org(cls.svc, login(cls.svc, "estimator@c.test")["access_token"])
        cls.P = cls.est.project("Контракт")
        cls.O = cls.est.object(cls.P, "Корпус")

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def assertProblem(self, r, status, *words):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.headers.get("content-type"), PROBLEM, r)
        for w in words:
            self.assertIn(w, r.detail, r)

    def estimates(self):
        return self.est.ok("GET", "/api/v1/objects/%d/estimates" % self.O).body

    def test_a_change_without_op_is_400_naming_op_and_changes_nothing(self):
        e = self.est.estimate(self.O)
        path = "/api/v1/estimates/%d" % e["id"]
        before = self.est.ok("GET", path).body
        r = self.est.call("POST", path + "/changes", {"changes": [
            {"op": "update_position", "position_id": e["positions"][0], "quantity": "3"},
            {"position_id": e["positions"][0], "quantity": "4"}]}, {"If-Match": e["etag"]})
        self.assertProblem(r, 400, "changes[1].op", "required")
        r = self.est.call("POST", path + "/changes", {"changes": [{"op": "explode"}]},
                          {"If-Match": e["etag"]})
        self.assertProblem(r, 400, "changes[0].op", "explode")
        self.assertEqual(self.est.ok("GET", path).body, before)

    def test_an_estimate_with_quarter_2025_q9_is_400_naming_quarter(self):
        before = self.estimates()
        r = self.est.call("POST", "/api/v1/objects/%d/estimates" % self.O,
                          dict(HEADER, name="Девятый квартал", quarter="2025-Q9"))
        self.assertProblem(r, 400, "quarter", "2025-Q9")
        self.assertEqual(self.estimates(), before)
        # The same on a change of the header.
        e = self.est.estimate(self.O)
        path = "/api/v1/estimates/%d" % e["id"]
        r = self.est.call("PATCH", path, {"quarter": "2025-Q9"}, {"If-Match": e["etag"]})
        self.assertProblem(r, 400, "quarter")
        self.assertEqual(self.est.ok("GET", path).json["quarter"], HEADER["quarter"])

    def test_valid_requests_still_work(self):
        r = self.est.call("POST", "/api/v1/objects/%d/estimates" % self.O,
                          dict(HEADER, name="Годная",
                               sections=[{"name": "Раздел 1"}]))
        self.assertEqual(r.status, 201, r)
        eid, sid, etag = r.json["id"], r.json["sections"][0]["id"], r.etag
        path = "/api/v1/estimates/%d" % eid
        r = self.est.call("POST", path + "/positions",
                          {"section_id": sid, "code": NORM, "quantity": "2"}, {"If-Match": etag})
        self.assertEqual(r.status, 201, r)
        pid = r.json["added_ids"][0]
        r = self.est.call("PATCH", path + "/positions/%d" % pid, {"quantity": "3"},
                          {"If-Match": r.etag})
        self.assertEqual(r.status, 200, r)
        r = self.est.call("POST", path + "/changes", {"changes": [
            {"op": "update_position", "position_id": pid, "quantity": "5"},
            {"op": "add_section", "name": "Раздел 2"}], "summary": "ok"}, {"If-Match": r.etag})
        self.assertEqual(r.status, 200, r)
        r = self.est.call("PATCH", path, {"quarter": "2025-Q2", "number": "7"},
                          {"If-Match": r.etag})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.est.ok("GET", path).json["number"], "7")
        # An empty quarter still clears it, as before.
        r = self.est.call("PATCH", path, {"quarter": ""}, {"If-Match": r.etag})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.est.ok("GET", path).json["quarter"], "")

    def test_an_upload_with_quarter_2025_q9_is_400_naming_quarter(self):
        before = self.estimates()
        boundary = "contract-test"
        body = b""
        for name, value in (("object_id", str(self.O)), ("quarter", "2025-Q9")):
            body += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                     % (boundary, name, value)).encode()
        body += ('--%s\r\nContent-Disposition: form-data; name="file"; filename="a.gge"\r\n'
                 'Content-Type: application/octet-stream\r\n\r\n' % boundary).encode()
        body += b"<a/>\r\n" + ("--%s--\r\n" % boundary).encode()
        r = self.est.call("POST", "/api/v1/imports", body,
                          {"Content-Type": "multipart/form-data; boundary=" + boundary})
        self.assertProblem(r, 400, "quarter", "2025-Q9")
        self.assertEqual(self.estimates(), before)

    def test_without_a_token_a_bad_body_is_still_401(self):
        for method, path, body in (
                ("POST", "/api/v1/estimates/1/changes", {"changes": [{"quantity": "1"}]}),
                ("POST", "/api/v1/objects/1/estimates", dict(HEADER, quarter="2025-Q9"))):
            r = call(self.svc, method, path, body, None, {"If-Match": '"1"'})
            with self.subTest(route=method + " " + path):
                self.assertProblem(r, 401)


if __name__ == "__main__":
    unittest.main()
