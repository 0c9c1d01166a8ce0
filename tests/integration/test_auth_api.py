"""Who may do what through the API: sign-in and tokens (expiry, tampering, alg none, refresh
rotation and reuse, logout, wrong passwords and their throttle), the role × route matrix of
auth/policy.cpp over every guarded route, the status workflow's transitions by role, tenant
isolation between two organizations, and the per-user rate limit. Runs on SQLite, or on
PostgreSQL (and Redis) when ESTIMATE_TEST_DATABASE_URL (and ESTIMATE_TEST_REDIS_URL) say so."""
import base64
import hashlib
import hmac
import json
import random
import time
import os
import unittest

from harness import ROOT as _ROOT

PD12 = os.path.join(os.path.normpath(os.path.join(_ROOT, "..", "shared")), "samples",
                    "gge_lsr_rim_example_PD12.gge")

from api_client import (DEMO, HEADER, NORM, PASSWORD, PROBLEM, Org, add_user, call,
                        generated_estimate_body, import_demo_base, login, routes)
from harness import OwnDatabase, Service

ALL = frozenset({"admin", "estimator", "reviewer", "viewer"})
EDIT = frozenset({"admin", "estimator"})       # create_estimate, edit_draft, delete_draft, submit
REVIEW = frozenset({"admin", "reviewer"})      # approve_estimate, return_to_draft
ADMIN = frozenset({"admin"})                   # manage_users, read_audit, reopen_approved
ROLES = ("viewer", "reviewer", "estimator", "admin")  # least privileged first
UNGUARDED = {("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/refresh"),
             ("POST", "/api/v1/auth/logout")}
# Open to every signed-in role, about the caller's own account: test_security.Invitations.
OWN_ACCOUNT = {("POST", "/api/v1/auth/invitations/{organization_id}/accept")}
QUIET = {"RATE_LIMIT_LIMIT": "1000000"}
# Shared by every organization (the normative base and its collector): no tenant's ids.
SHARED = ("/api/v1/releases/", "/api/v1/collector/")


def random_ip():
    """A loopback address of its own (127.0.0.0/8): per-IP counters no other test shares."""
    return "127.%d.%d.%d" % (random.randrange(1, 255), random.randrange(0, 256),
                             random.randrange(2, 255))


def guarded_routes():
    """The routes this issue added: /api/v1/ except the base, calc and docs routes."""
    out = []
    for method, pattern in routes():
        if not pattern.startswith("/api/v1/"):
            continue
        if pattern == "/api/v1/releases" or pattern.startswith(
                ("/api/v1/norms", "/api/v1/resources", "/api/v1/calc")):
            continue
        out.append((method, pattern))
    return out


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def setUpModule():
    # The short-lived token's service starts first, so that its wait overlaps the other tests.
    global SHORT
    SHORT = ShortLivedTokens()


def tearDownModule():
    SHORT.stop()


class ShortLivedTokens:
    """A service whose access tokens live 1 s (JWT_EXPIRES_IN=1s; 5 s of leeway on top)."""

    def __init__(self):
        self.db = OwnDatabase()
        add_user(self.db, "short@a.test", "estimator", org_name="Краткие")
        self.svc = Service(env=dict(QUIET, JWT_EXPIRES_IN="1s"), database_url=self.db.url,
                           migrate=False)
        self.session = login(self.svc, "short@a.test")
        self.signed_in = time.time()

    def stop(self):
        self.svc.stop()
        self.db.destroy()


class Req:
    """One request of the matrix: path, body, headers, and the GETs that show what it touches."""

    def __init__(self, path, body=None, headers=None, watch=()):
        self.path = path
        self.body = body
        self.headers = headers or {}
        self.watch = list(watch)


class Fixture:
    """Organization A (admin, estimator, reviewer, viewer, and two spare members) and B (admin),
    each signed in; A's project P → object O → estimate E (three versions, two positions)."""

    def __init__(self, svc, db):
        self.svc = svc
        self.users = {}
        self.tokens = {}
        self.sessions = {}
        self.users["admin"], self.org_a = add_user(db, "admin@a.test", "admin",
                                                   org_name="Организация А")
        for role in ("estimator", "reviewer", "viewer"):
            self.users[role], _ = add_user(db, role + "@a.test", role, org_id=self.org_a)
        self.spare = [add_user(db, "spare%d@a.test" % i, "viewer", org_id=self.org_a)[0]
                      for i in range(3)]
        self.user_b, self.org_b = add_user(db, "admin@b.test", "admin", org_name="Организация Б")
        for role in ROLES:
            self.sessions[role] = login(svc, role + "@a.test")
            self.tokens[role] = self.sessions[role]["access_token"]
        self.token_b = login(svc, "admin@b.test")["access_token"]
        self.a = Org(svc, self.tokens["admin"])
        self.b = Org(svc, self.token_b)
        self.P = self.a.project("Стройка А")
        self.O = self.a.object(self.P, "Объект А")
        self.E = self.a.estimate(self.O, codes=(NORM, "ГЭСН06-01-001-01"))
        self.e = self.E["id"]


class Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        # A second release beside the active one, for activate and roll back.
        r = cls.db.cli(["import", DEMO, "--no-activate", "--name", "Демо-база (вторая)"])
        if r.returncode != 0:
            raise RuntimeError("import failed: " + r.stderr)
        cls.svc = Service(env=QUIET, database_url=cls.db.url, migrate=False)
        cls.fx = Fixture(cls.svc, cls.db)

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

    def world(self, org, watch):
        """What organization `org` holds, as its admin sees it: the newest audit record, the
        projects, the members, and the GETs of `watch` (status, ETag and body)."""
        audit = org.call("GET", "/api/v1/audit?limit=1")
        out = {"audit": audit.json[0]["id"] if audit.json else None,
               "projects": org.call("GET", "/api/v1/projects").body,
               "users": org.call("GET", "/api/v1/users").body}
        for path in watch:
            r = org.call("GET", path)
            out[path] = (r.status, r.etag, r.body)
        return out

    def matrix(self):
        """(method, pattern, roles allowed, make(role) → Req), one row per guarded route (and
        one per transition of POST …/status). Rows that change or remove their target make a
        new one for each call."""
        fx = self.fx

        def suggestion(role):
            # The assistant prepares the demo base's model when the service starts (503 until then).
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and call(
                    self.svc, "POST", "/api/v1/ai/suggest", {"text": "наладка"},
                    fx.tokens["admin"]).status == 503:
                time.sleep(1)
            return Req("/api/v1/ai/suggest", {"text": "разработка грунта в траншеях вручную"})
        def boq_review(role):
            suggestion(role)  # the model is ready
            boundary = "----matrix" + role
            body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vor.csv\"\r\n"
                    "Content-Type: text/csv\r\n\r\nНаименование;Ед. изм.;Кол-во\nМонтаж водомера;шт;2\r\n"
                    "--%s--\r\n" % (boundary, boundary)).encode("utf-8")
            return Req("/api/v1/ai/boq", body, {"Content-Type": "multipart/form-data; boundary=" + boundary})
        a = fx.a
        e = fx.e
        E = "/api/v1/estimates/%d" % e
        releases = call(self.svc, "GET", "/api/v1/releases").json["items"]
        first = next(x["id"] for x in releases if x["active"])
        second = next(x["id"] for x in releases if not x["active"])

        def rollback(role):
            if role == "admin":  # an activation to roll back (the same base, so nothing else moves)
                r = call(self.svc, "POST", "/api/v1/releases/%d/activate" % second, None, fx.tokens["admin"])
                self.assertEqual(r.status, 200, r)
            return Req("/api/v1/releases/rollback")

        def collector_job(role):
            r = call(self.svc, "POST", "/api/v1/collector/jobs", {"what": "prices"}, fx.tokens["admin"])
            self.assertEqual(r.status, 202, r)
            return Req("/api/v1/collector/jobs/%d" % r.json["id"])
        P = "/api/v1/projects/%d" % fx.P
        O = "/api/v1/objects/%d" % fx.O

        def match(path):
            return {"If-Match": a.etag(int(path.split("/")[4]))}

        def on_e(suffix, body=None):
            return lambda role: Req(E + suffix, body(role) if callable(body) else body,
                                    match(E), [E])

        def fresh_estimate(status=None, codes=()):
            est = a.estimate(fx.O, codes=codes, name="Новая")
            if status in ("review", "approved"):
                a.set_status(est["id"], "review")
            if status == "approved":
                a.set_status(est["id"], "approved", token=fx.tokens["admin"])
            return est

        def status_row(start, target):
            def make(role):
                est = fresh_estimate(start)
                path = "/api/v1/estimates/%d" % est["id"]
                return Req(path + "/status", {"status": target}, match(path), [path])
            return make

        def delete_project(role):
            path = "/api/v1/projects/%d" % a.project("Пустая")
            return Req(path, watch=[path])

        def delete_object(role):
            path = "/api/v1/objects/%d" % a.object(fx.P, "Пустой")
            return Req(path, watch=[path, P + "/objects"])

        def delete_estimate(role):
            path = "/api/v1/estimates/%d" % fresh_estimate()["id"]
            return Req(path, headers=match(path), watch=[path, O + "/estimates"])

        # Sections on estimates of their own: a section added by POST …/sections leaves the
        # in-memory estimate inconsistent (see test_estimates_api, SectionsAddedThroughTheApi).
        def add_section(role):
            path = "/api/v1/estimates/%d" % fresh_estimate()["id"]
            return Req(path + "/sections", {"name": "Раздел " + role}, match(path), [path])

        def delete_section(role):
            est = a.estimate(fx.O, codes=(), sections=2)
            path = "/api/v1/estimates/%d" % est["id"]
            return Req(path + "/sections/%d" % est["sections"][1], headers=match(path),
                       watch=[path])

        def delete_position(role):
            pid = a.ok("POST", E + "/positions",
                       {"section_id": fx.E["sections"][0], "code": NORM, "quantity": "1"},
                       {"If-Match": a.etag(e)}).json["added_ids"][0]
            return Req(E + "/positions/%d" % pid, headers=match(E), watch=[E])

        def restore(role):
            est = fresh_estimate(codes=(NORM,))
            path = "/api/v1/estimates/%d" % est["id"]
            return Req(path + "/restore", {"version": 1}, match(path), [path])

        def import_file(role):
            boundary = "b" + role
            with open(PD12, "rb") as f:
                data = f.read()
            body = ("--%s\r\nContent-Disposition: form-data; name=\"object_id\"\r\n\r\n%s\r\n"
                    "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.gge\"\r\n\r\n"
                    % (boundary, O.rsplit("/", 1)[1], boundary)).encode() + data + \
                ("\r\n--%s--\r\n" % boundary).encode()
            return Req("/api/v1/imports", body,
                       {"Content-Type": "multipart/form-data; boundary=" + boundary},
                       watch=[O + "/estimates"])

        # Export jobs: every role starts its own and sees, downloads and cancels it.

        def job_of(role, estimate, fmt):
            # The organization has two heavy-work slots: a cancelled PDF holds one until its
            # writer ends, so wait for a free one.
            deadline = time.monotonic() + 120
            while True:
                r = call(self.svc, "GET", estimate + "/export?format=" + fmt, None,
                         fx.tokens[role], {"Prefer": "respond-async"})
                if r.status != 429 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            self.assertEqual(r.status, 202, r)
            return r.headers["location"]

        def done_job(role):
            location = job_of(role, E, "arps")
            for _ in range(600):
                if call(self.svc, "GET", location, None, fx.tokens[role]).json["status"] == "done":
                    break
                time.sleep(0.1)
            return location

        def running_job(role):
            # A PDF of 150 positions takes over a second: still running when cancelled. An
            # estimate of its own for each role, since a file once written is served again
            # from the result cache at once.
            big = a.ok("POST", O + "/estimates", generated_estimate_body(150), status=201)
            return job_of(role, "/api/v1/estimates/%d" % big.json["id"], "pdf")

        COMMENT = frozenset({"admin", "estimator", "reviewer"})  # comment: keep, delete attachments

        def attachment(role):
            """An attachment of E kept by `role` (by the admin for a role that may not keep one)."""
            keeper = role if role in COMMENT else "admin"
            r = call(self.svc, "POST", E + "/attachments", {"format": "arps"}, fx.tokens[keeper])
            self.assertEqual(r.status, 201, r)
            return r.json["url"]

        qty = {"viewer": "4", "reviewer": "5", "estimator": "6", "admin": "7"}
        return [
            ("GET", "/api/v1/estimates/{id}/attachments", ALL, lambda role: Req(E + "/attachments")),
            ("POST", "/api/v1/estimates/{id}/attachments", COMMENT, lambda role: Req(
                E + "/attachments", {"format": "arps"}, watch=[E + "/attachments"])),
            ("GET", "/api/v1/estimates/{id}/attachments/{attachment_id}", ALL,
             lambda role: Req(attachment(role))),
            ("DELETE", "/api/v1/estimates/{id}/attachments/{attachment_id}", COMMENT,
             lambda role: Req(attachment(role), watch=[E + "/attachments"])),
            ("GET", "/api/v1/estimates/{id}/export", ALL, lambda role: Req(E + "/export?format=xlsx")),
            ("POST", "/api/v1/imports", EDIT, import_file),
            ("GET", "/api/v1/auth/me", ALL, lambda role: Req("/api/v1/auth/me")),
            ("GET", "/api/v1/users", ADMIN, lambda role: Req("/api/v1/users")),
            ("POST", "/api/v1/users", ADMIN, lambda role: Req(
                "/api/v1/users", {"email": "new-by-%s@a.test" % role, "password": PASSWORD,
                                  "role": "viewer"})),
            ("PATCH", "/api/v1/users/{id}", ADMIN, lambda role: Req(
                "/api/v1/users/%d" % fx.spare[0], {"role": "reviewer"})),
            ("DELETE", "/api/v1/users/{id}", ADMIN,
             lambda role: Req("/api/v1/users/%d" % fx.spare[1])),
            ("GET", "/api/v1/audit", ADMIN, lambda role: Req(
                "/api/v1/audit?entity_type=estimate&entity_id=%d" % e)),
            ("GET", "/api/v1/projects", ALL, lambda role: Req("/api/v1/projects")),
            ("POST", "/api/v1/projects", EDIT, lambda role: Req(
                "/api/v1/projects", {"name": "Стройка " + role})),
            ("GET", "/api/v1/projects/{id}", ALL, lambda role: Req(P)),
            ("PATCH", "/api/v1/projects/{id}", EDIT, lambda role: Req(
                P, {"name": "Стройка А, " + role}, {"If-Match": a.etag_of(P)}, watch=[P])),
            ("DELETE", "/api/v1/projects/{id}", EDIT, delete_project),
            ("GET", "/api/v1/projects/{id}/objects", ALL, lambda role: Req(P + "/objects")),
            ("POST", "/api/v1/projects/{id}/objects", EDIT, lambda role: Req(
                P + "/objects", {"name": "Объект " + role}, watch=[P + "/objects"])),
            ("GET", "/api/v1/projects/{id}/summary-estimate", ALL, lambda role: Req(
                P + "/summary-estimate?contingency=2&date=2026-03-01")),
            ("GET", "/api/v1/objects/{id}", ALL, lambda role: Req(O)),
            ("PATCH", "/api/v1/objects/{id}", EDIT, lambda role: Req(
                O, {"name": "Объект А, " + role}, {"If-Match": a.etag_of(O)}, watch=[O])),
            ("DELETE", "/api/v1/objects/{id}", EDIT, delete_object),
            ("GET", "/api/v1/objects/{id}/estimates", ALL, lambda role: Req(O + "/estimates")),
            ("POST", "/api/v1/objects/{id}/estimates", EDIT, lambda role: Req(
                O + "/estimates", dict(HEADER, name="ЛСР " + role), watch=[O + "/estimates"])),
            ("GET", "/api/v1/objects/{id}/object-estimate", ALL,
             lambda role: Req(O + "/object-estimate")),
            ("GET", "/api/v1/estimates/{id}", ALL, lambda role: Req(E)),
            ("GET", "/api/v1/estimates/{id}/document", ALL, lambda role: Req(E + "/document")),
            ("GET", "/api/v1/estimates/{id}/positions/{position_id}", ALL,
             lambda role: Req(E + "/positions/%d" % fx.E["positions"][0])),
            ("GET", "/api/v1/estimates/{id}/versions", ALL, lambda role: Req(E + "/versions")),
            ("GET", "/api/v1/estimates/{id}/versions/{version}", ALL,
             lambda role: Req(E + "/versions/1")),
            ("GET", "/api/v1/estimates/{id}/diff", ALL,
             lambda role: Req(E + "/diff?from=1&to=2")),
            ("PATCH", "/api/v1/estimates/{id}", EDIT, on_e("", lambda role: {"number": role})),
            ("DELETE", "/api/v1/estimates/{id}", EDIT, delete_estimate),
            ("POST", "/api/v1/estimates/{id}/changes", EDIT, on_e("/changes", lambda role: {
                "changes": [{"op": "update_position", "position_id": fx.E["positions"][0],
                             "quantity": qty[role]}]})),
            ("POST", "/api/v1/estimates/{id}/sections", EDIT, add_section),
            ("PATCH", "/api/v1/estimates/{id}/sections/{section_id}", EDIT,
             on_e("/sections/%d" % fx.E["sections"][0], lambda role: {"name": "Земля " + role})),
            ("DELETE", "/api/v1/estimates/{id}/sections/{section_id}", EDIT, delete_section),
            ("POST", "/api/v1/estimates/{id}/positions", EDIT, on_e("/positions", {
                "section_id": fx.E["sections"][0], "code": "ГЭСН08-02-001-01",
                "quantity": "1"})),
            ("PATCH", "/api/v1/estimates/{id}/positions/{position_id}", EDIT,
             on_e("/positions/%d" % fx.E["positions"][1],
                  lambda role: {"quantity": qty[role]})),
            ("DELETE", "/api/v1/estimates/{id}/positions/{position_id}", EDIT, delete_position),
            ("POST", "/api/v1/estimates/{id}/status", EDIT, status_row("draft", "review")),
            ("POST", "/api/v1/estimates/{id}/status", REVIEW, status_row("review", "approved")),
            ("POST", "/api/v1/estimates/{id}/status", REVIEW, status_row("review", "draft")),
            ("POST", "/api/v1/estimates/{id}/status", ADMIN, status_row("approved", "draft")),
            ("POST", "/api/v1/estimates/{id}/restore", EDIT, restore),
            ("POST", "/api/v1/estimates/{id}/reprice", EDIT, on_e("/reprice", {"quarter": "2025-Q2"})),
            ("POST", "/api/v1/objects/{id}/reprice", EDIT, lambda role: Req(
                O + "/reprice", {"quarter": "2025-Q2"}, watch=[O + "/estimates"])),
            ("POST", "/api/v1/projects/{id}/reprice", EDIT, lambda role: Req(
                P + "/reprice", {"quarter": "2025-Q2"}, watch=[O + "/estimates"])),
            ("POST", "/api/v1/estimates/{id}/duplicate", EDIT, lambda role: Req(
                E + "/duplicate", {"name": "Копия " + role}, watch=[O + "/estimates"])),
            ("GET", "/api/v1/jobs/{id}", ALL, lambda role: Req(done_job(role))),
            ("GET", "/api/v1/jobs/{id}/file", ALL, lambda role: Req(done_job(role) + "/file")),
            ("DELETE", "/api/v1/jobs/{id}", ALL, lambda role: Req(running_job(role))),
            ("GET", "/api/v1/releases/{id}/diff", ALL, lambda role: Req(
                "/api/v1/releases/%d/diff?against=%d" % (second, first))),
            ("POST", "/api/v1/releases/{id}/activate", ADMIN, lambda role: Req(
                "/api/v1/releases/%d/activate" % first)),
            ("POST", "/api/v1/releases/rollback", ADMIN, rollback),
            ("GET", "/api/v1/collector/jobs", ALL, lambda role: Req("/api/v1/collector/jobs")),
            ("GET", "/api/v1/collector/jobs/{id}", ALL, collector_job),
            ("POST", "/api/v1/collector/jobs", ADMIN, lambda role: Req(
                "/api/v1/collector/jobs", {"what": "prices"})),
            ("POST", "/api/v1/ai/suggest", ALL, suggestion),
            ("POST", "/api/v1/estimates/{id}/check", ALL, lambda role: Req(E + "/check")),
            ("POST", "/api/v1/ai/chat", ALL, lambda role: Req(
                "/api/v1/ai/chat", {"message": "где учитывать зимнее удорожание"})),
            ("POST", "/api/v1/ai/boq", ALL, boq_review),
            ("POST", "/api/v1/ai/boq/draft", EDIT, lambda role: Req(
                "/api/v1/ai/boq/draft", {"object_id": fx.O, "name": "ВОР " + role, "lines": [
                    {"name": "Монтаж водомера Ду32", "unit": "шт", "quantity": "2",
                     "code": "ГЭСН 16-06-005-01"}]}, watch=[O + "/estimates"])),
        ]

    # --- 1. every route answers; guarded ones want a token -----------------------------------

    def test_guarded_routes_without_a_valid_token_are_401_with_a_challenge(self):
        for method, pattern in guarded_routes():
            if (method, pattern) in UNGUARDED:
                continue
            path = pattern.replace("{id}", "1").replace("{position_id}", "1").replace("{attachment_id}", "1") \
                .replace("{section_id}", "1").replace("{version}", "1")
            body = b"{}" if method in ("POST", "PATCH") else None
            for auth, error in ((None, None), ("Basic YTpi", "invalid_request"),
                                ("Bearer not.a.token", "invalid_token")):
                headers = {"Content-Type": "application/json", "If-Match": '"1"'}
                if auth:
                    headers["Authorization"] = auth
                r = call(self.svc, method, path, body, headers=headers)
                with self.subTest(route=method + " " + pattern, auth=auth):
                    self.assertProblem(r, 401)
                    challenge = r.headers.get("www-authenticate", "")
                    self.assertTrue(challenge.startswith("Bearer realm="), challenge)
                    if error:
                        self.assertIn('error="%s"' % error, challenge)

    # --- 2. role × route ---------------------------------------------------------------------

    def test_each_role_gets_exactly_what_the_policy_allows_on_every_route(self):
        fx = self.fx
        answered = set()
        # The public routes: sign in, refresh, sign out.
        s = login(self.svc, "viewer@a.test")
        answered.add(("POST", "/api/v1/auth/login"))
        r = call(self.svc, "POST", "/api/v1/auth/refresh", {"refresh_token": s["refresh_token"]})
        self.assertEqual(r.status, 200, r)
        answered.add(("POST", "/api/v1/auth/refresh"))
        r = call(self.svc, "POST", "/api/v1/auth/logout", {"refresh_token": r.json["refresh_token"]})
        self.assertEqual(r.status, 204, r)
        answered.add(("POST", "/api/v1/auth/logout"))

        rows = self.matrix()
        for method, pattern, allowed, make in rows:
            for role in ROLES:
                req = make(role)
                before = self.world(fx.a, req.watch)
                r = call(self.svc, method, req.path, req.body, fx.tokens[role], req.headers)
                with self.subTest(route=method + " " + pattern, role=role, path=req.path):
                    if role in allowed:
                        self.assertTrue(200 <= r.status < 300, r)
                        answered.add((method, pattern))
                    else:
                        self.assertProblem(r, 403, "role " + role + " may not")
                        self.assertEqual(self.world(fx.a, req.watch), before)
        # The table covers every route of the program (but base, calc, docs), and each answered.
        self.assertEqual(sorted({(m, p) for m, p, _, _ in rows} | UNGUARDED | OWN_ACCOUNT),
                         sorted(set(guarded_routes())))
        self.assertEqual(sorted(answered | OWN_ACCOUNT), sorted(set(guarded_routes())))

    def test_status_workflow_by_role(self):
        fx = self.fx
        a = fx.a
        est = a.estimate(fx.O, name="Согласование")
        path = "/api/v1/estimates/%d" % est["id"]
        pid = est["positions"][0]

        def as_(role, method, suffix, body=None):
            return call(self.svc, method, path + suffix, body, fx.tokens[role],
                        {"If-Match": a.etag(est["id"])})

        self.assertEqual(as_("estimator", "POST", "/status", {"status": "review"}).json["status"],
                         "review")
        self.assertEqual(as_("reviewer", "POST", "/status", {"status": "approved"}).json["status"],
                         "approved")
        self.assertProblem(as_("estimator", "PATCH", "/positions/%d" % pid, {"quantity": "9"}),
                           409, "status", "approved")
        self.assertProblem(as_("estimator", "PATCH", "", {"name": "Другое"}), 409, "approved")
        self.assertProblem(as_("estimator", "DELETE", ""), 409, "approved")
        self.assertProblem(as_("estimator", "POST", "/status", {"status": "draft"}), 403,
                           "reopen_approved")
        self.assertProblem(as_("reviewer", "POST", "/status", {"status": "draft"}), 403,
                           "reopen_approved")
        # Not a transition of the lifecycle, whoever asks.
        self.assertProblem(as_("admin", "POST", "/status", {"status": "review"}), 409,
                           "approved", "review")
        self.assertProblem(as_("admin", "POST", "/status", {"status": "archived"}), 400, "status")
        r = as_("admin", "POST", "/status", {"status": "draft"})
        self.assertEqual((r.status, r.json["status"]), (200, "draft"))
        r = as_("estimator", "PATCH", "/positions/%d" % pid, {"quantity": "9"})
        self.assertEqual(r.status, 200, r)
        view = a.ok("GET", path).json
        self.assertEqual(view["status"], "draft")
        self.assertEqual(view["sections"][0]["positions"][0]["quantity"], "9")
        # Each change of status is a version with its audit record.
        audit = a.ok("GET", "/api/v1/audit?entity_type=estimate&entity_id=%d" % est["id"]).json
        self.assertEqual([x["action"] for x in audit].count("status_change"), 3)

    # --- 3. tenant isolation -----------------------------------------------------------------

    def test_another_organization_sees_404_for_every_id_of_this_one(self):
        fx = self.fx
        for method, pattern, _, make in self.matrix():
            if "{" not in pattern or pattern.startswith(SHARED):
                continue
            req = make("admin")
            before = self.world(fx.a, req.watch)
            r = call(self.svc, method, req.path, req.body, fx.token_b, req.headers)
            with self.subTest(route=method + " " + pattern, path=req.path):
                self.assertProblem(r, 404)
                self.assertEqual(self.world(fx.a, req.watch), before)

        # Lists and bodies naming A's ids show nothing of A and change nothing.
        before = self.world(fx.a, ["/api/v1/estimates/%d" % fx.e,
                                   "/api/v1/objects/%d/estimates" % fx.O])
        b = fx.b
        self.assertEqual(b.ok("GET", "/api/v1/projects").json, [])
        self.assertEqual(b.ok("GET", "/api/v1/audit?entity_type=estimate&entity_id=%d" % fx.e).json,
                         [])
        self.assertEqual([u["email"] for u in b.ok("GET", "/api/v1/users").json], ["admin@b.test"])
        self.assertEqual(b.ok("GET", "/api/v1/auth/me").json["organization"]["id"], fx.org_b)
        pb = b.project("Стройка Б")
        ob = b.object(pb)
        eb = b.estimate(ob)
        self.assertProblem(b.call("POST", "/api/v1/estimates/%d/duplicate" % eb["id"],
                                  {"object_id": fx.O}), 404)
        self.assertProblem(b.call("POST", "/api/v1/projects/%d/objects" % fx.P, {"name": "x"}), 404)
        self.assertProblem(b.call("POST", "/api/v1/objects/%d/estimates" % fx.O,
                                  dict(HEADER, name="x")), 404)
        upload = [m for m in self.matrix() if m[1] == "/api/v1/imports"][0][3]("admin")
        self.assertProblem(call(self.svc, "POST", upload.path, upload.body, fx.token_b,
                                upload.headers), 404)
        # B's projects and estimates are not A's either.
        self.assertNotIn(pb, [p["id"] for p in fx.a.ok("GET", "/api/v1/projects").json])
        self.assertProblem(fx.a.call("GET", "/api/v1/estimates/%d" % eb["id"]), 404)
        self.assertEqual(self.world(fx.a, ["/api/v1/estimates/%d" % fx.e,
                                           "/api/v1/objects/%d/estimates" % fx.O]), before)
        # Signing in to an organization one is not a member of is the wrong-credentials answer.
        r = call(self.svc, "POST", "/api/v1/auth/login",
                 {"email": "admin@b.test", "password": PASSWORD, "organization_id": fx.org_a},
                 source=random_ip())
        self.assertProblem(r, 401, "email or password is wrong")


class Tokens(unittest.TestCase):
    """Access and refresh tokens, sign-in failures."""

    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        cls.uid, cls.org = add_user(cls.db, "admin@t.test", "admin", org_name="Токены")
        cls.vid, _ = add_user(cls.db, "viewer@t.test", "viewer", org_id=cls.org)
        add_user(cls.db, "throttled@t.test", "viewer", org_id=cls.org)
        cls.svc = Service(env=QUIET, database_url=cls.db.url, migrate=False)
        cls.admin = login(cls.svc, "admin@t.test")
        cls.viewer = login(cls.svc, "viewer@t.test")

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def me(self, token):
        return call(self.svc, "GET", "/api/v1/auth/me", token=token)

    def assertRefused(self, r, *words):
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.headers.get("content-type"), PROBLEM)
        self.assertTrue(r.headers.get("www-authenticate", "").startswith("Bearer"), r.headers)
        for w in words:
            self.assertIn(w, r.detail)

    def refresh(self, token):
        return call(self.svc, "POST", "/api/v1/auth/refresh", {"refresh_token": token})

    def test_a_valid_token_speaks_for_its_user_organization_and_role(self):
        self.viewer = login(self.svc, "viewer@t.test")  # other tests end the class's sessions
        r = self.me(self.viewer["access_token"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["user"]["email"], r.json["role"], r.json["organization"]["id"]),
                         ("viewer@t.test", "viewer", self.org))
        self.assertEqual(self.viewer["token_type"], "Bearer")
        self.assertTrue(0 < self.viewer["expires_in"] <= 900)

    def test_an_expired_access_token_is_refused_and_the_refresh_token_still_works(self):
        svc = SHORT.svc
        wait = SHORT.signed_in + 7.5 - time.time()  # exp = iat + 1 s, then 5 s of leeway
        if wait > 0:
            time.sleep(wait)
        r = call(svc, "GET", "/api/v1/auth/me", token=SHORT.session["access_token"])
        self.assertRefused(r, "expired")
        self.assertIn('error="invalid_token"', r.headers["www-authenticate"])
        r = call(svc, "POST", "/api/v1/auth/refresh",
                 {"refresh_token": SHORT.session["refresh_token"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(call(svc, "GET", "/api/v1/auth/me", token=r.json["access_token"]).status,
                         200)

    def test_tampered_tokens_are_refused(self):
        token = login(self.svc, "viewer@t.test")["access_token"]
        header, payload, signature = token.split(".")
        # Another signature: one character in the middle changed.
        i = len(signature) // 2
        other = "A" if signature[i] != "A" else "B"
        self.assertRefused(self.me(".".join([header, payload,
                                             signature[:i] + other + signature[i + 1:]])))
        # The payload changed (viewer → admin), the signature kept.
        claims = json.loads(unb64(payload))
        self.assertEqual(claims["role"], "viewer")
        claims["role"] = "admin"
        forged = b64(json.dumps(claims, separators=(",", ":")).encode())
        self.assertRefused(self.me(".".join([header, forged, signature])), "signature")
        # alg none, with and without a signature.
        none = b64(b'{"alg":"none","typ":"JWT"}')
        self.assertRefused(self.me(".".join([none, forged, ""])))
        self.assertRefused(self.me(".".join([none, forged, signature])), "algorithm")
        # HS256 under a secret that is not the service's.
        signing_input = (header + "." + forged).encode()
        wrong = b64(hmac.new(b"not-the-secret-of-this-service-0123456789", signing_input,
                             hashlib.sha256).digest())
        self.assertRefused(self.me(".".join([header, forged, wrong])), "signature")
        # The original still works: nothing above was a lucky guess.
        self.assertEqual(self.me(token).status, 200)

    def test_refresh_and_access_tokens_are_not_interchangeable(self):
        self.assertRefused(self.me(self.viewer["refresh_token"]))
        self.assertRefused(self.refresh(self.viewer["access_token"]))
        self.assertRefused(self.refresh("not-a-token"))

    def test_refresh_rotates_and_reuse_revokes_the_whole_session(self):
        s1 = login(self.svc, "admin@t.test")
        r = self.refresh(s1["refresh_token"])
        self.assertEqual(r.status, 200, r)
        s2 = r.json
        self.assertNotEqual(s2["refresh_token"], s1["refresh_token"])
        self.assertNotEqual(s2["access_token"], s1["access_token"])
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        self.assertEqual(self.me(s2["access_token"]).status, 200)
        # The old refresh token again: refused, and the new one dies with it.
        self.assertRefused(self.refresh(s1["refresh_token"]), "reused")
        self.assertRefused(self.refresh(s2["refresh_token"]), "revoked")
        # Another session of the same user lives on.
        self.assertEqual(self.refresh(self.admin["refresh_token"]).status, 200)

    def test_logout_revokes_the_session(self):
        s = login(self.svc, "viewer@t.test")
        r = call(self.svc, "POST", "/api/v1/auth/logout", {"refresh_token": s["refresh_token"]})
        self.assertEqual(r.status, 204, r)
        self.assertRefused(self.refresh(s["refresh_token"]), "revoked")
        self.assertRefused(call(self.svc, "POST", "/api/v1/auth/logout",
                                {"refresh_token": "x.y.z"}))

    def test_a_role_change_ends_the_members_sessions(self):
        s = login(self.svc, "viewer@t.test")
        admin = login(self.svc, "admin@t.test")["access_token"]
        r = call(self.svc, "PATCH", "/api/v1/users/%d" % self.vid, {"role": "reviewer"},
                 token=admin)
        self.assertEqual((r.status, r.json["role"]), (200, "reviewer"))
        self.assertRefused(self.refresh(s["refresh_token"]), "revoked")
        # The access token of the ended session is refused at once, not when it expires.
        self.assertRefused(self.me(s["access_token"]), "session ended")
        s = login(self.svc, "viewer@t.test")
        self.assertEqual(s["role"], "reviewer")
        call(self.svc, "PATCH", "/api/v1/users/%d" % self.vid, {"role": "viewer"}, token=admin)

    def test_wrong_password_and_unknown_email_get_the_same_answer(self):
        ip = random_ip()
        wrong = call(self.svc, "POST", "/api/v1/auth/login",
                     {"email": "admin@t.test", "password": "Wrong-password-1"}, source=ip)
        unknown = call(self.svc, "POST", "/api/v1/auth/login",
                       {"email": "nobody@t.test", "password": "Wrong-password-1"}, source=ip)
        self.assertRefused(wrong)
        self.assertRefused(unknown)
        self.assertEqual(wrong.detail, unknown.detail)
        self.assertEqual({k: v for k, v in wrong.json.items() if k != "request_id"},
                         {k: v for k, v in unknown.json.items() if k != "request_id"})
        self.assertNotIn("access_token", wrong.body.decode())

    def test_repeated_failures_are_429_with_retry_after(self):
        ip = random_ip()
        statuses = []
        r = None
        for _ in range(6):
            second = int(time.time())
            r = call(self.svc, "POST", "/api/v1/auth/login",
                     {"email": "throttled@t.test", "password": "Wrong-password-1"}, source=ip)
            statuses.append(r.status)
            if r.status == 429:
                break
        self.assertEqual(statuses[0], 401)
        self.assertEqual(r.status, 429, statuses)
        self.assertEqual(r.headers.get("content-type"), PROBLEM)
        self.assertIn("too many", r.detail)
        self.assertGreaterEqual(int(r.headers["retry-after"]), 1)
        # While it lasts, the right password is refused too (the throttle counts whole
        # seconds: only when the second has not turned since the 429 is the answer certain).
        r = call(self.svc, "POST", "/api/v1/auth/login",
                 {"email": "throttled@t.test", "password": PASSWORD}, source=ip)
        if int(time.time()) == second:
            self.assertEqual(r.status, 429, r)
            self.assertIn("retry-after", r.headers)


class PerUserRateLimit(unittest.TestCase):
    def test_a_user_past_the_limit_gets_429_from_any_address(self):
        # Fixed windows of a length no other test uses, chosen so that this one does not end
        # during the test; each request from an address of its own, so that only the per-user
        # counter can refuse.
        now = int(time.time())
        ttl = random.randrange(2000, 3000)
        while ttl - now % ttl < 60:
            ttl = random.randrange(2000, 3000)
        db = OwnDatabase()
        svc = None
        try:
            _, org = add_user(db, "busy@r.test", "viewer", org_name="Лимиты")
            add_user(db, "calm@r.test", "viewer", org_id=org)
            svc = Service(env={"RATE_LIMIT_LIMIT": "5", "RATE_LIMIT_TTL": "%ds" % ttl},
                          database_url=db.url, migrate=False)
            busy = login(svc, "busy@r.test", source=random_ip())["access_token"]
            calm = login(svc, "calm@r.test", source=random_ip())["access_token"]
            statuses = [call(svc, "GET", "/api/v1/auth/me", token=busy, source=random_ip()).status
                        for _ in range(5)]
            self.assertEqual(statuses, [200] * 5)
            r = call(svc, "GET", "/api/v1/projects", token=busy, source=random_ip())
            self.assertEqual(r.status, 429, r)
            self.assertEqual(r.headers.get("content-type"), PROBLEM)
            self.assertIn("user", r.detail)
            self.assertTrue(1 <= int(r.headers["retry-after"]) <= ttl)
            # Another user is not held back by this one's budget.
            self.assertEqual(call(svc, "GET", "/api/v1/auth/me", token=calm,
                                  source=random_ip()).status, 200)
        finally:
            if svc:
                svc.stop()
            db.destroy()


if __name__ == "__main__":
    unittest.main()
