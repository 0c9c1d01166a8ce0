"""Estimates through the HTTP API: concurrent read-modify-write with If-Match (no lost update,
one version and one audit record per accepted write), bad input on every write route (4xx
problem+json naming the field, the estimate unchanged), figures equal to `estimate-service calc`
of the estimate's document, versions, diff, restore, duplicate, ОСР and ССР, and two instances
on one database and Redis. Runs on SQLite, or on PostgreSQL (and Redis) when
ESTIMATE_TEST_DATABASE_URL (and ESTIMATE_TEST_REDIS_URL) say so."""
import http.client
import json
import os
import subprocess
import threading
import time
import unittest
from decimal import ROUND_HALF_UP, Decimal

from api_client import (HEADER, NORM, PASSWORD, PROBLEM, Org, add_user, call, import_demo_base,
                        login)
from harness import BINARY, OwnDatabase, Service

QUIET = {"RATE_LIMIT_LIMIT": "1000000"}
CODES = (NORM, "ГЭСН06-01-001-01", "ГЭСНм08-03-591-03", "ГЭСНр65-01-001-02",
         "ГЭСНп02-01-001-01", "ГЭСНмр38-01-001-01", "01.7.03.01-0001")
ESTIMATOR_NAME = "Ирина Сметчица"
THREADS = 16
WRITES_PER_THREAD = 8


def kopecks(text):
    return Decimal(text).quantize(Decimal("0.01"))


def thousands(rubles):
    return (Decimal(rubles) / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Estimates(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        _, org = add_user(cls.db, "admin@e.test", "admin", org_name="Сметный отдел")
        cls.estimator_id, _ = add_user(cls.db, "estimator@e.test", "estimator", org_id=org,
                                       name=ESTIMATOR_NAME)
        # A small body limit of its own: the 413 test needs one, the others stay far below it.
        cls.svc = Service(env=dict(QUIET, UPLOAD_MAX_SIZE="64kb"), database_url=cls.db.url,
                          migrate=False)
        cls.admin = Org(cls.svc, login(cls.svc, "admin@e.test")["access_token"])
        cls.est = Org(cls.svc, login(cls.svc, "estimator@e.test")["access_token"])
        cls.P = cls.est.project("Жилой дом")
        cls.O = cls.est.object(cls.P, "Корпус 1")

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    # --- helpers -----------------------------------------------------------------------------

    def assertProblem(self, r, status, *words):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.headers.get("content-type"), PROBLEM, r)
        for w in words:
            self.assertIn(w, r.detail, r)

    def snapshot(self, estimate_id):
        path = "/api/v1/estimates/%d" % estimate_id
        view = self.est.ok("GET", path)
        return (view.etag, view.body, self.est.ok("GET", path + "/document").body,
                self.est.ok("GET", path + "/versions").body)

    def view(self, estimate_id):
        return self.est.ok("GET", "/api/v1/estimates/%d" % estimate_id)

    def calc(self, document):
        r = subprocess.run([BINARY, "calc", "-"], input=document, capture_output=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def new_estimate(self, codes=(NORM,), object_id=None, **kw):
        return self.est.estimate(object_id or self.O, codes=codes, **kw)

    # --- 5. concurrency ----------------------------------------------------------------------

    def test_concurrent_read_modify_write_loses_no_update(self):
        # An estimate whose content came with its creation: version 1 holds the position.
        template = self.new_estimate(quantity="10")
        doc = json.loads(self.est.ok("GET", "/api/v1/estimates/%d/document" % template["id"]).body)
        r = self.est.ok("POST", "/api/v1/objects/%d/estimates" % self.O,
                        dict(HEADER, name="Под нагрузкой",
                             sections=[{"name": s["name"], "positions": s["positions"]}
                                       for s in doc["sections"]]), status=201)
        eid = r.json["id"]
        self.assertEqual(r.etag, '"1"')
        pid = r.json["sections"][0]["positions"][0]["id"]
        path = "/api/v1/estimates/%d" % eid

        accepted, errors, conflicts = [], [], []
        lock = threading.Lock()

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=30)
            auth = {"Authorization": "Bearer " + self.est.token}

            def request(method, url, body=None, headers=None):
                nonlocal conn
                for attempt in range(3):
                    try:
                        conn.request(method, url, body=body, headers=dict(auth, **(headers or {})))
                        resp = conn.getresponse()
                        return resp.status, resp.getheader("ETag"), resp.read()
                    except (http.client.HTTPException, OSError):
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=30)
                        if attempt == 2:
                            raise

            done = 0
            try:
                while done < WRITES_PER_THREAD:
                    status, etag, body = request("GET", path)
                    if status != 200:
                        raise AssertionError("GET %d %s" % (status, body[:200]))
                    view = json.loads(body)
                    q = next(p["quantity"] for p in view["sections"][0]["positions"]
                             if p["id"] == pid)
                    status, new_etag, body = request(
                        "PATCH", path + "/positions/%d" % pid,
                        json.dumps({"quantity": str(int(Decimal(q)) + 1)}),
                        {"Content-Type": "application/json", "If-Match": etag})
                    if status == 200:
                        done += 1
                        with lock:
                            accepted.append(int(new_etag.strip('"')))
                    elif status == 412:
                        with lock:
                            conflicts.append(etag)
                    else:
                        raise AssertionError("PATCH %d %s" % (status, body[:300]))
            except Exception as e:  # reported below, in the test's thread
                with lock:
                    errors.append(repr(e))
            finally:
                conn.close()

        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        n = THREADS * WRITES_PER_THREAD
        self.assertEqual(len(accepted), n)
        # Each accepted write made one version: 2, 3, …, n + 1.
        self.assertEqual(sorted(accepted), list(range(2, n + 2)))
        final = self.view(eid)
        self.assertEqual(final.etag, '"%d"' % (n + 1))
        q = final.json["sections"][0]["positions"][0]["quantity"]
        self.assertEqual(Decimal(q), 10 + n)
        versions = self.est.ok("GET", path + "/versions").json
        self.assertEqual(len(versions), 1 + n)
        self.assertEqual([v["version"] for v in versions], list(range(1, n + 2)))
        # The audit log: one "update" per accepted write, read page by page.
        records, offset = [], 0
        while True:
            page = self.admin.ok("GET", "/api/v1/audit?entity_type=estimate&entity_id=%d"
                                 "&limit=25&offset=%d" % (eid, offset)).json
            records += page
            offset += 25
            if len(page) < 25:
                break
        self.assertEqual(len({r["id"] for r in records}), len(records))
        updates = [r for r in records if r["action"] == "update"]
        self.assertEqual(len(updates), n)
        self.assertEqual(sorted(r["after"]["version"] for r in updates), sorted(accepted))
        self.assertEqual([r["action"] for r in records if r["action"] != "update"], ["create"])
        everything = self.admin.ok("GET", "/api/v1/audit?entity_type=estimate&entity_id=%d"
                                   "&limit=1000" % eid).json
        self.assertEqual([r["id"] for r in everything], [r["id"] for r in records])
        self.assertProblem(self.admin.call("GET", "/api/v1/audit?limit=1001"), 400, "limit")
        self.assertGreater(len(conflicts), 0)  # the writers did meet

    def test_writes_need_a_current_if_match(self):
        e = self.new_estimate()
        path = "/api/v1/estimates/%d" % e["id"]
        pid, sid = e["positions"][0], e["sections"][0]
        writes = [("PATCH", path, {"name": "Другое"}),
                  ("DELETE", path, None),
                  ("POST", path + "/changes", {"changes": [
                      {"op": "update_position", "position_id": pid, "quantity": "3"}]}),
                  ("POST", path + "/sections", {"name": "Новый"}),
                  ("PATCH", path + "/sections/%d" % sid, {"name": "Новое имя"}),
                  ("DELETE", path + "/sections/%d" % sid, None),
                  ("POST", path + "/positions", {"section_id": sid, "code": NORM,
                                                 "quantity": "1"}),
                  ("PATCH", path + "/positions/%d" % pid, {"quantity": "3"}),
                  ("DELETE", path + "/positions/%d" % pid, None),
                  ("POST", path + "/status", {"status": "review"}),
                  ("POST", path + "/restore", {"version": 1})]
        before = self.snapshot(e["id"])
        stale = '"%d"' % (int(e["etag"].strip('"')) - 1)
        for method, url, body in writes:
            with self.subTest(route=method + " " + url):
                self.assertProblem(self.est.call(method, url, body), 428, "if-match")
                self.assertProblem(self.est.call(method, url, body, {"If-Match": stale}), 412)
                self.assertProblem(self.est.call(method, url, body, {"If-Match": '"banana"'}),
                                   400, "if-match")
        self.assertEqual(self.snapshot(e["id"]), before)
        # If-Match compares strongly (RFC 9110 §13.1.1): the weak form of the current ETag does
        # not match, the strong one does; If-None-Match gives 304.
        self.assertProblem(self.est.call("PATCH", path, {"number": "12-1"},
                                         {"If-Match": "W/" + e["etag"]}), 412, "weak")
        self.assertEqual(self.snapshot(e["id"]), before)
        r = self.est.call("PATCH", path, {"number": "12-1"}, {"If-Match": e["etag"]})
        self.assertEqual(r.status, 200, r)
        r = self.est.call("GET", path, headers={"If-None-Match": r.etag})
        self.assertEqual((r.status, r.body), (304, b""))

    # --- 6. bad input ------------------------------------------------------------------------

    def test_bad_input_on_every_write_route_names_the_field_and_changes_nothing(self):
        e = self.new_estimate(codes=(NORM, "ГЭСН06-01-001-01"), sections=2)
        eid, sid, pid = e["id"], e["sections"][1], e["positions"][0]
        E = "/api/v1/estimates/%d" % eid
        doc = json.loads(self.est.ok("GET", E + "/document").body)
        position = doc["sections"][1]["positions"][0]
        negative = dict(position, quantity="-1")
        uid = self.admin.ok("GET", "/api/v1/users").json[-1]["id"]
        P, O = "/api/v1/projects/%d" % self.P, "/api/v1/objects/%d" % self.O
        cases = [
            # (method, path, body, status, words)
            ("PATCH", E, {"name": 5}, 400, ["name"]),
            ("PATCH", E, {"name": "   "}, 400, ["name"]),
            ("PATCH", E, {"date": "2026-13-45"}, 400, ["date"]),
            ("PATCH", E, {"colour": "red"}, 400, ["colour"]),
            ("PATCH", E, {"method": "base-index"}, 400, ["method"]),
            ("PATCH", E, {"status": "approved"}, 400, ["status"]),
            ("PATCH", E, {"options": 5}, 400, ["options"]),
            ("PATCH", E, {"release_id": "1"}, 400, ["release_id"]),
            ("POST", E + "/changes", {}, 400, ["changes"]),
            ("POST", E + "/changes", {"changes": "all"}, 400, ["changes"]),
            ("POST", E + "/changes", {"changes": []}, 400, ["changes"]),
            ("POST", E + "/changes", {"changes": [5]}, 400, ["changes[0]"]),
            ("POST", E + "/changes", {"changes": [{"op": "explode"}]}, 400,
             ["changes[0].op", "explode"]),
            ("POST", E + "/changes", {"changes": [{"quantity": "1"}]}, 400, ["changes[0].op"]),
            # All or nothing: the first change is good, the second is not.
            ("POST", E + "/changes", {"changes": [
                {"op": "update_position", "position_id": pid, "quantity": "7"},
                {"op": "update_position", "position_id": pid, "quantity": "-7"}]}, 400,
             ["changes[1].quantity", "negative"]),
            ("POST", E + "/changes", {"changes": [
                {"op": "add_position", "section_id": sid, "code": "ГЭСН99-99-999-99",
                 "quantity": "1"}]}, 400, ["changes[0].code", "ГЭСН99-99-999-99"]),
            ("POST", E + "/sections", {}, 400, ["name"]),
            ("POST", E + "/sections", {"name": 7}, 400, ["name"]),
            ("POST", E + "/sections", {"name": "Раздел", "index": -1}, 400, ["index"]),
            ("PATCH", E + "/sections/%d" % sid, {"name": ""}, 400, ["name"]),
            ("PATCH", E + "/sections/%d" % sid, {"name": ["a"]}, 400, ["name"]),
            ("POST", E + "/positions", {"section_id": sid, "code": "ГЭСН99-99-999-99",
                                        "quantity": "1"}, 400, ["code", "ГЭСН99-99-999-99"]),
            ("POST", E + "/positions", {"section_id": sid, "code": NORM, "quantity": "-1"}, 400,
             ["quantity", "negative"]),
            ("POST", E + "/positions", {"section_id": sid, "code": NORM, "quantity": 1}, 400,
             ["quantity"]),
            ("POST", E + "/positions", {"section_id": sid, "code": NORM, "quantity": "много"},
             400, ["quantity"]),
            ("POST", E + "/positions", {"code": NORM, "quantity": "1"}, 400, ["section_id"]),
            ("POST", E + "/positions", {"section_id": "1", "code": NORM, "quantity": "1"}, 400,
             ["section_id"]),
            ("POST", E + "/positions", {"section_id": sid, "quantity": "1"}, 400, ["code"]),
            ("POST", E + "/positions", {"section_id": sid, "code": NORM, "quantity": "1",
                                        "colour": "red"}, 400, ["colour"]),
            ("POST", E + "/positions", {"section_id": sid, "position": 5}, 400, ["position"]),
            ("POST", E + "/positions", {"section_id": sid, "position": negative}, 400,
             ["quantity"]),
            ("PATCH", E + "/positions/%d" % pid, {"quantity": "-2"}, 400, ["quantity"]),
            ("PATCH", E + "/positions/%d" % pid, {"quantity": 3}, 400, ["quantity"]),
            ("PATCH", E + "/positions/%d" % pid, {"quantity": "три"}, 400, ["quantity"]),
            ("PATCH", E + "/positions/%d" % pid, {"colour": "red"}, 400, ["colour"]),
            ("PATCH", E + "/positions/%d" % pid, {"coefficients": [
                {"name": "k", "labor": "0"}]}, 400, ["coefficients"]),
            ("PATCH", E + "/positions/%d" % pid, {"section_id": 999999}, 400, ["section_id"]),
            ("PATCH", E + "/positions/%d" % pid, {"index": 0}, 400, ["section_id"]),
            ("PATCH", E + "/positions/%d" % pid, {"section_id": sid, "index": -3}, 400,
             ["index"]),
            ("POST", E + "/status", {}, 400, ["status"]),
            ("POST", E + "/status", {"status": 1}, 400, ["status"]),
            ("POST", E + "/status", {"status": "archived"}, 400, ["status"]),
            ("POST", E + "/restore", {}, 400, ["version"]),
            ("POST", E + "/restore", {"version": "1"}, 400, ["version"]),
            ("POST", E + "/restore", {"version": 0}, 400, ["version"]),
            ("POST", E + "/restore", {"version": 999}, 404, ["version"]),
            ("POST", E + "/duplicate", {"object_id": "x"}, 400, ["object_id"]),
            ("POST", E + "/duplicate", {"name": 5}, 400, ["name"]),
            ("POST", E + "/duplicate", {"name": "   "}, 400, ["name"]),
            ("POST", O + "/estimates", {}, 400, ["name"]),
            ("POST", O + "/estimates", dict(HEADER, name="x", method="fast"), 400, ["method"]),
            ("POST", O + "/estimates", dict(HEADER, name="x", date="1.1.2026"), 400, ["date"]),
            ("POST", O + "/estimates", dict(HEADER, name="x", region=28), 400, ["region"]),
            ("POST", O + "/estimates", dict(HEADER, name="x", release_id="1"), 400,
             ["release_id"]),
            ("POST", O + "/estimates", dict(HEADER, name="x", sections={}), 400, ["sections"]),
            ("POST", O + "/estimates", dict(HEADER, name="x", sections=[
                {"name": "s", "positions": [negative]}]), 400,
             ["sections[0].positions[0].quantity"]),
            ("POST", "/api/v1/projects", {}, 400, ["name"]),
            ("POST", "/api/v1/projects", {"name": 1}, 400, ["name"]),
            ("PATCH", P, {"name": ""}, 400, ["name"]),
            ("POST", P + "/objects", {"name": None}, 400, ["name"]),
            ("PATCH", O, {"name": 5}, 400, ["name"]),
        ]
        admin_cases = [
            ("POST", "/api/v1/users", {"email": "x@e.test", "password": "short", "role": "viewer"},
             400, ["password"]),
            ("POST", "/api/v1/users", {"email": "x@e.test", "password": PASSWORD, "role": "boss"},
             400, ["role"]),
            ("POST", "/api/v1/users", {"password": PASSWORD, "role": "viewer"}, 400, ["email"]),
            ("POST", "/api/v1/users", {"email": "не почта", "password": PASSWORD,
                                       "role": "viewer"}, 400, ["email"]),
            ("PATCH", "/api/v1/users/%d" % uid, {"role": "god"}, 400, ["role"]),
            ("PATCH", "/api/v1/users/%d" % uid, {}, 400, ["role"]),
        ]
        public_cases = [
            ("POST", "/api/v1/auth/login", {"email": 5, "password": "x"}, 400, ["email"]),
            ("POST", "/api/v1/auth/login", {"email": "a@e.test"}, 400, ["password"]),
            ("POST", "/api/v1/auth/login", {"email": "admin@e.test", "password": PASSWORD,
                                            "organization_id": "1"}, 400, ["organization_id"]),
            ("POST", "/api/v1/auth/refresh", {}, 400, ["refresh_token"]),
            ("POST", "/api/v1/auth/logout", {"refresh_token": 5}, 400, ["refresh_token"]),
        ]

        def world():
            return (self.snapshot(eid), self.est.ok("GET", O + "/estimates").body,
                    self.est.ok("GET", "/api/v1/projects").body,
                    self.est.ok("GET", P + "/objects").body,
                    self.admin.ok("GET", "/api/v1/users").body,
                    self.admin.ok("GET", "/api/v1/audit?limit=1").json[0]["id"])

        before = world()
        for org, group in ((self.est, cases), (self.admin, admin_cases), (None, public_cases)):
            for method, path, body, status, words in group:
                headers = {"If-Match": self.est.etag(eid)} if path.startswith(E + "/") or \
                    path == E else {}
                if method == "PATCH" and path in (P, O):
                    headers = {"If-Match": self.est.etag_of(path)}
                r = call(self.svc, method, path, body, org.token if org else None, headers)
                with self.subTest(route=method + " " + path, body=body):
                    self.assertProblem(r, status, *words)
        self.assertEqual(world(), before)

        # Bodies that are not JSON objects, and bodies that say they are not JSON, on every
        # route that reads one.
        body_routes = [(m, p) for m, p, _, _, _ in cases + admin_cases + public_cases]
        body_routes += [("POST", E + "/duplicate")]
        for method, path in sorted(set(body_routes)):
            org = self.admin if "/users" in path else self.est
            token = None if "/auth/" in path else org.token
            headers = {"If-Match": self.est.etag_of(path) if path in (P, O)
                       else self.est.etag(eid)}
            for raw, ctype, status, word in ((b"{not json", "application/json", 400, "body"),
                                             (b"[1, 2]", "application/json", 400, "body"),
                                             (b'{"name": "x"}', "text/plain", 415,
                                              "content-type")):
                r = call(self.svc, method, path, raw, token,
                         dict(headers, **{"Content-Type": ctype}))
                with self.subTest(route=method + " " + path, body=raw, content_type=ctype):
                    self.assertProblem(r, status, word)
        self.assertEqual(world(), before)

    def test_a_body_over_upload_max_size_is_413_and_changes_nothing(self):
        e = self.new_estimate()
        before = self.snapshot(e["id"])
        request = ("PATCH /api/v1/estimates/%d HTTP/1.1\r\nHost: x\r\n"
                   "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                   "If-Match: %s\r\nContent-Length: %d\r\n\r\n"
                   % (e["id"], self.est.token, e["etag"], 64 * 1024 + 1)).encode()
        raw = self.svc.raw(request)
        self.assertTrue(raw.startswith(b"HTTP/1.1 413"), raw[:200])
        self.assertIn(b"application/problem+json", raw)
        self.assertIn(b"UPLOAD_MAX_SIZE", raw)
        # A body just under the limit is read (and refused for what it says, not for its size).
        r = self.est.call("PATCH", "/api/v1/estimates/%d" % e["id"],
                          {"name": "x" * (60 * 1024)}, {"If-Match": e["etag"]})
        self.assertProblem(r, 400, "name")
        self.assertEqual(self.snapshot(e["id"]), before)

    # --- 7. results, history, roll-ups -------------------------------------------------------

    def test_figures_equal_the_calculation_of_the_estimates_document(self):
        e = self.new_estimate(codes=CODES, quantity="1.5")
        path = "/api/v1/estimates/%d" % e["id"]
        # Some edits on top: a coefficient, another quantity, a position moved.
        r = self.est.call("POST", path + "/changes", {"changes": [
            {"op": "update_position", "position_id": e["positions"][0],
             "coefficients": [{"name": "Стеснённые условия", "labor": "1.15",
                               "machines": "1.15"}]},
            {"op": "update_position", "position_id": e["positions"][1], "quantity": "0.37"}],
            "summary": "коэффициенты"}, {"If-Match": e["etag"]})
        self.assertEqual(r.status, 200, r)
        for version in (None, 2):
            query = "" if version is None else "?version=%d" % version
            document = self.est.ok("GET", path + "/document" + query).body
            expected = self.calc(document)
            shown = (self.view(e["id"]).json if version is None else
                     self.est.ok("GET", path + "/versions/%d" % version).json)
            with self.subTest(version=version):
                self.assertEqual(json.loads(document)["format"], "estimate-document/1")
                for key, value in expected["totals"].items():
                    if isinstance(value, str):
                        self.assertEqual(shown["totals"][key], value, key)
                self.assertEqual(kopecks(shown["totals"]["total"]),
                                 kopecks(expected["totals"]["total"]))
                self.assertEqual(shown["totals"]["by_work_kind"],
                                 expected["totals"]["by_work_kind"])
                if version is None:  # ГЭСНм is there since version 4
                    self.assertGreater(Decimal(shown["totals"]["installation"]), 0)
                positions = [p for s in shown["sections"] for p in s["positions"]]
                self.assertEqual(len(positions), len(expected["positions"]))
                for p, x in zip(positions, expected["positions"]):
                    self.assertEqual(p["number"], x["number"])
                    for key in ("ot", "em", "m", "overhead", "profit", "total"):
                        self.assertEqual(p["figures"][key], x[key], (p["number"], key))
                for s, x in zip(shown["sections"], expected["sections"]):
                    self.assertEqual(s["figures"]["total"], x["total"])
        # The edit response's totals are the view's.
        self.assertEqual(r.json["totals"], self.view(e["id"]).json["totals"])

    def test_versions_diff_and_restore(self):
        e = self.new_estimate(codes=(NORM, "ГЭСН06-01-001-01"))
        path = "/api/v1/estimates/%d" % e["id"]
        pid = e["positions"][0]
        v_before = int(e["etag"].strip('"'))
        old_position = self.est.ok("GET", path + "/positions/%d" % pid).json
        r = self.est.call("PATCH", path + "/positions/%d" % pid,
                          {"quantity": "4", "summary": "объём по акту"}, {"If-Match": e["etag"]})
        self.assertEqual(r.status, 200, r)
        v_after = int(r.etag.strip('"'))
        self.assertEqual(v_after, v_before + 1)
        new_position = self.est.ok("GET", path + "/positions/%d" % pid).json
        versions = self.est.ok("GET", path + "/versions").json
        self.assertEqual([v["version"] for v in versions], list(range(1, v_after + 1)))
        self.assertEqual(versions[-1]["summary"], "объём по акту")
        self.assertEqual(versions[-1]["change_count"], 1)
        # Who made each version, by name, for a member who is not an admin.
        self.assertEqual({(v["actor_user_id"], v["actor_name"]) for v in versions},
                         {(self.estimator_id, ESTIMATOR_NAME)})

        diff = self.est.ok("GET", path + "/diff?from=%d&to=%d" % (v_before, v_after)).json
        self.assertEqual((diff["from"], diff["to"], diff["header_fields"]),
                         (v_before, v_after, []))
        self.assertEqual(len(diff["items"]), 1)
        item = diff["items"][0]
        self.assertEqual((item["kind"], item["id"], item["op"]), ("position", pid, "changed"))
        self.assertEqual(item["before"]["document"]["quantity"], "2.5")
        self.assertEqual(item["after"]["document"]["quantity"], "4")
        self.assertEqual(item["before"]["figures"]["total"], old_position["figures"]["total"])
        self.assertEqual(item["after"]["figures"]["total"], new_position["figures"]["total"])
        self.assertNotEqual(item["before"]["figures"]["total"], item["after"]["figures"]["total"])
        self.assertProblem(self.est.call("GET", path + "/diff?from=1"), 400, "to")
        self.assertProblem(self.est.call("GET", path + "/diff?from=1&to=99"), 404, "99")

        # Restore: a new version whose content is the old one's.
        r = self.est.call("POST", path + "/restore", {"version": v_before},
                          {"If-Match": '"%d"' % v_after})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.etag, '"%d"' % (v_after + 1))
        old = json.loads(self.est.ok("GET", path + "/document?version=%d" % v_before).body)
        now = json.loads(self.est.ok("GET", path + "/document").body)
        self.assertEqual(now.pop("version"), v_after + 1)
        self.assertEqual(old.pop("version"), v_before)
        self.assertEqual(now, old)
        self.assertEqual(self.view(e["id"]).json["totals"],
                         self.est.ok("GET", path + "/versions/%d" % v_before).json["totals"])
        audit = self.admin.ok("GET", "/api/v1/audit?entity_type=estimate&entity_id=%d&limit=1"
                              % e["id"]).json[0]
        self.assertEqual((audit["action"], audit["after"]["restored_version"]),
                         ("restore", v_before))
        self.assertEqual((audit["actor_user_id"], audit["actor_name"]),
                         (self.estimator_id, ESTIMATOR_NAME))

    def test_the_audit_log_names_each_actor(self):
        self.est.project("Склад")
        mine = self.admin.ok("GET", "/api/v1/audit?actor=%d&limit=5" % self.estimator_id).json
        self.assertTrue(mine)
        self.assertEqual({(r["actor_user_id"], r["actor_name"]) for r in mine},
                         {(self.estimator_id, ESTIMATOR_NAME)})
        # `user add` of the CLI: the system, no user, no name.
        system = self.admin.ok("GET", "/api/v1/audit?entity_type=membership&limit=1000").json
        self.assertEqual({r["actor_name"] for r in system if r["actor_user_id"] is None}, {""})

    def test_duplicate_is_a_new_draft_with_the_same_totals(self):
        e = self.new_estimate(codes=(NORM, "ГЭСНм08-03-591-03"))
        r = self.est.call("POST", "/api/v1/estimates/%d/duplicate" % e["id"], {"name": "Копия"})
        self.assertEqual(r.status, 201, r)
        copy, original = r.json, self.view(e["id"]).json
        self.assertNotEqual(copy["id"], e["id"])
        self.assertEqual((copy["name"], copy["status"], copy["object_id"]),
                         ("Копия", "draft", self.O))
        self.assertEqual(copy["totals"], original["totals"])
        self.assertEqual(self.view(copy["id"]).json["totals"], original["totals"])
        self.assertEqual(copy["position_count"], original["position_count"])
        # Into another object of the project, with the name kept.
        other = self.est.object(self.P, "Корпус 2")
        r = self.est.call("POST", "/api/v1/estimates/%d/duplicate" % e["id"],
                          {"object_id": other})
        self.assertEqual((r.status, r.json["object_id"], r.json["name"]),
                         (201, other, original["name"]))
        # Without a body at all.
        r = self.est.call("POST", "/api/v1/estimates/%d/duplicate" % e["id"])
        self.assertEqual(r.status, 201, r)

    def test_object_and_summary_estimates(self):
        project = self.est.project("Школа")
        obj = self.est.object(project, "Главный корпус")
        a = self.new_estimate(codes=(NORM, "ГЭСНм08-03-591-03"), object_id=obj, name="ЛСР 02-01")
        totals = self.view(a["id"]).json["totals"]
        r = self.est.ok("GET", "/api/v1/objects/%d/object-estimate" % obj)
        result = r.json["result"]
        self.assertEqual(result["format"], "object-estimate-result/1")
        self.assertEqual(len(result["rows"]), 1)
        row = result["rows"][0]
        self.assertEqual(row["construction"], str(thousands(totals["construction"])))
        self.assertEqual(row["installation"], str(thousands(totals["installation"])))
        empty = self.est.object(project, "Пустой")
        self.assertProblem(self.est.call("GET", "/api/v1/objects/%d/object-estimate" % empty),
                           409, "no estimates")

        r = self.est.ok("GET", "/api/v1/projects/%d/summary-estimate?contingency=2&date=2026-03-01"
                        % project)
        ssr = r.json["result"]
        self.assertEqual(ssr["format"], "summary-estimate-result/1")
        self.assertEqual((ssr["vat_percent"], ssr["contingency_percent"]), ("22", "2"))
        base = Decimal(ssr["vat_base"]["total"])
        self.assertEqual(Decimal(ssr["vat"]["total"]),
                         (base * Decimal("0.22")).quantize(Decimal("0.01"), ROUND_HALF_UP))
        self.assertEqual(Decimal(ssr["total"]["total"]), base + Decimal(ssr["vat"]["total"]))
        chapter2 = next(c for c in ssr["chapters"] if c["chapter"] == "2")
        self.assertEqual(Decimal(chapter2["amounts"]["total"]), Decimal(row["total"]))
        self.assertEqual(
            Decimal(ssr["contingency"]["total"]),
            (Decimal(row["total"]) * Decimal("0.02")).quantize(Decimal("0.01"), ROUND_HALF_UP))
        # The rate follows the date: 20 % in 2025.
        r = self.est.ok("GET", "/api/v1/projects/%d/summary-estimate?date=2025-12-31" % project)
        self.assertEqual(r.json["result"]["vat_percent"], "20")
        self.assertProblem(self.est.call(
            "GET", "/api/v1/projects/%d/summary-estimate?contingency=120" % project), 400,
            "contingency")
        self.assertProblem(self.est.call(
            "GET", "/api/v1/projects/%d/summary-estimate?date=31.12.2025" % project), 400, "date")

    def test_projects_and_objects_rename_list_and_delete(self):
        p = self.est.project("Склад")
        P = "/api/v1/projects/%d" % p
        first = self.est.etag_of(P)
        self.assertEqual(first, '"1"')
        r = self.est.ok("PATCH", P, {"name": "Склад №2"}, {"If-Match": first})
        self.assertEqual((r.json["name"], r.etag, r.json["version"]), ("Склад №2", '"2"', 2))
        o = self.est.object(p, "Навес")
        O = "/api/v1/objects/%d" % o
        r = self.est.ok("PATCH", O, {"name": "Навес А"}, {"If-Match": self.est.etag_of(O)})
        self.assertEqual((r.json["name"], r.json["project_id"]), ("Навес А", p))
        self.assertEqual([x["id"] for x in self.est.ok("GET", "/api/v1/projects/%d/objects"
                                                       % p).json], [o])
        # Renames, like estimate writes, need If-Match (428), refuse a stale one (412) and a weak
        # tag (strong comparison, RFC 9110 §13.1.1), and change nothing then.
        for path in (P, O):
            self.assertProblem(self.est.call("PATCH", path, {"name": "Без версии"}), 428,
                               "if-match")
            self.assertProblem(self.est.call("PATCH", path, {"name": "Старая версия"},
                                             {"If-Match": '"1"'}), 412)
            self.assertProblem(self.est.call("PATCH", path, {"name": "Слабый тег"},
                                             {"If-Match": 'W/' + self.est.etag_of(path)}), 412)
        self.assertEqual(self.est.ok("GET", P).json["name"], "Склад №2")
        self.assertEqual(self.est.ok("GET", O).json["name"], "Навес А")
        # A project with objects, an object with estimates: 409, nothing removed.
        e = self.new_estimate(object_id=o)
        self.assertProblem(self.est.call("DELETE", "/api/v1/projects/%d" % p), 409)
        self.assertProblem(self.est.call("DELETE", "/api/v1/objects/%d" % o), 409)
        self.assertEqual(self.est.call("DELETE", "/api/v1/estimates/%d" % e["id"],
                                       headers={"If-Match": e["etag"]}).status, 204)
        self.assertProblem(self.est.call("GET", "/api/v1/estimates/%d" % e["id"]), 404)
        self.assertEqual(self.est.call("DELETE", "/api/v1/objects/%d" % o).status, 204)
        self.assertEqual(self.est.call("DELETE", "/api/v1/projects/%d" % p).status, 204)
        self.assertProblem(self.est.call("GET", "/api/v1/projects/%d" % p), 404)

    # --- bugs found while writing these tests --------------------------------------------------

    def test_the_view_shows_when_the_estimate_last_changed(self):
        # GET /estimates/{id} answers from the estimate kept in memory; its updated_at must move
        # with each change, as the store's (GET /objects/{id}/estimates) does.
        e = self.new_estimate()
        time.sleep(0.01)
        r = self.est.call("PATCH", "/api/v1/estimates/%d" % e["id"], {"number": "7"},
                          {"If-Match": e["etag"]})
        self.assertEqual(r.status, 200, r)
        listed = next(x for x in self.est.ok("GET", "/api/v1/objects/%d/estimates" % self.O).json
                      if x["id"] == e["id"])
        view = self.view(e["id"]).json
        self.assertEqual(view["number"], "7")
        self.assertEqual(view["version"], listed["version"])
        self.assertNotEqual(listed["updated_at"], listed["created_at"])
        self.assertEqual(view["updated_at"], listed["updated_at"])


class SectionsAddedThroughTheApi(unittest.TestCase):
    """POST /estimates/{id}/sections, then use of the new section. A service of each test's own:
    the second test has brought the whole process down (SIGSEGV)."""

    def setUp(self):
        self.db = OwnDatabase()
        import_demo_base(self.db)
        add_user(self.db, "s@e.test", "estimator", org_name="Разделы")
        self.svc = Service(env=QUIET, database_url=self.db.url, migrate=False)
        self.org = Org(self.svc, login(self.svc, "s@e.test")["access_token"])
        o = self.org.object(self.org.project())
        self.e = self.org.estimate(o)
        self.path = "/api/v1/estimates/%d" % self.e["id"]
        r = self.org.call("POST", self.path + "/sections", {"name": "Новый раздел"},
                          {"If-Match": self.e["etag"]})
        self.assertEqual(r.status, 201, r)
        self.sid = r.json["added_ids"][0]
        self.etag = r.etag

    def tearDown(self):
        self.svc.stop()
        self.db.destroy()

    def test_a_new_section_is_in_the_view(self):
        document = json.loads(self.org.ok("GET", self.path + "/document").body)
        self.assertEqual([s["name"] for s in document["sections"]], ["Раздел 1", "Новый раздел"])
        view = self.org.ok("GET", self.path).json
        self.assertEqual([s["id"] for s in view["sections"]], [self.e["sections"][0], self.sid])

    def test_a_new_section_takes_positions_and_the_service_stays_up(self):
        try:
            r = self.org.call("POST", self.path + "/positions",
                              {"section_id": self.sid, "code": NORM, "quantity": "1"},
                              {"If-Match": self.etag})
        except (http.client.HTTPException, OSError) as e:
            time.sleep(0.5)
            self.fail("no answer (%r); the service's exit status: %r" % (e, self.svc.proc.poll()))
        self.assertEqual(r.status, 201, r)
        view = self.org.ok("GET", self.path).json
        self.assertEqual(view["sections"][1]["positions"][0]["code"], NORM)


@unittest.skipUnless(os.environ.get("ESTIMATE_TEST_REDIS_URL"), "needs ESTIMATE_TEST_REDIS_URL")
class TwoInstances(unittest.TestCase):
    """Two instances on one database and one Redis: what one writes the other serves at once."""

    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        add_user(cls.db, "two@e.test", "estimator", org_name="Две копии")
        env = dict(QUIET, REDIS_URL=os.environ["ESTIMATE_TEST_REDIS_URL"])
        cls.a = Service(env=env, database_url=cls.db.url, migrate=False)
        cls.b = Service(env=env, database_url=cls.db.url, migrate=False)
        token = login(cls.a, "two@e.test")["access_token"]
        cls.on_a, cls.on_b = Org(cls.a, token), Org(cls.b, token)

    @classmethod
    def tearDownClass(cls):
        cls.a.stop()
        cls.b.stop()
        cls.db.destroy()

    def test_a_write_through_one_is_read_through_the_other(self):
        a, b = self.on_a, self.on_b
        e = a.estimate(a.object(a.project()), codes=(NORM, "ГЭСН06-01-001-01"))
        path = "/api/v1/estimates/%d" % e["id"]
        pid = e["positions"][0]
        self.assertEqual(b.ok("GET", path).etag, e["etag"])  # B holds it at this version now
        for i, (writer, reader) in enumerate([(a, b), (b, a), (a, b), (b, a)]):
            current = writer.ok("GET", path).etag
            r = writer.call("PATCH", path + "/positions/%d" % pid, {"quantity": str(11 + i)},
                            {"If-Match": current})
            self.assertEqual(r.status, 200, r)
            seen = reader.ok("GET", path)
            self.assertEqual(seen.etag, r.etag)
            self.assertEqual(seen.json["sections"][0]["positions"][0]["quantity"], str(11 + i))
            self.assertEqual(seen.json["totals"], r.json["totals"])
            self.assertEqual(seen.body, writer.ok("GET", path).body)
            self.assertEqual(reader.ok("GET", path + "/document").body,
                             writer.ok("GET", path + "/document").body)
            # The reader's copy is current for writes too: the old ETag is stale there.
            self.assertProblem(reader.call("PATCH", path + "/positions/%d" % pid,
                                           {"quantity": "1"}, {"If-Match": current}), 412)
            r304 = reader.call("GET", path, headers={"If-None-Match": r.etag})
            self.assertEqual(r304.status, 304)

    def test_concurrent_writers_on_both_instances_lose_no_update(self):
        a = self.on_a
        e = a.estimate(a.object(a.project()), quantity="1")
        path = "/api/v1/estimates/%d" % e["id"]
        pid = e["positions"][0]
        errors, accepted = [], []

        def worker(org):
            done = 0
            while done < 3 and not errors:
                view = org.call("GET", path)
                q = Decimal(view.json["sections"][0]["positions"][0]["quantity"])
                r = org.call("PATCH", path + "/positions/%d" % pid, {"quantity": str(q + 1)},
                             {"If-Match": view.etag})
                if r.status == 200:
                    done += 1
                    accepted.append(r.etag)
                elif r.status != 412:
                    errors.append(r)

        threads = [threading.Thread(target=worker, args=(org,))
                   for org in (self.on_a, self.on_b) * 3]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(len(set(accepted)), 18)
        for org in (self.on_a, self.on_b):
            view = org.ok("GET", path).json
            self.assertEqual(Decimal(view["sections"][0]["positions"][0]["quantity"]), 19)

    def assertProblem(self, r, status):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.headers.get("content-type"), PROBLEM)


if __name__ == "__main__":
    unittest.main()
