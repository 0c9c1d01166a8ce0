"""What the API tests share: calls with a bearer token, accounts made with the CLI, sign-in, and
estimates priced from the demo base (Python standard library, and python3-jsonschema for the
contract check of every answer, contract.py)."""
import http.client
import json
import os
import re
import subprocess

import contract
from harness import BINARY, ROOT

DEMO = os.path.join(ROOT, "demo", "base")
PASSWORD = "Integration-7-tests-password"
HEADER = {"region": "28", "zone": "1", "quarter": "2025-Q2", "date": "2026-03-01",
          "method": "resource-index"}
NORM = "ГЭСН01-01-013-01"
PROBLEM = "application/problem+json"


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def etag(self):
        return self.headers.get("etag")

    @property
    def detail(self):
        try:
            return self.json.get("detail", "")
        except (ValueError, AttributeError):
            return ""

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300].decode("utf-8", "replace"))


def call(svc, method, path, body=None, token=None, headers=None, source=None, timeout=30):
    """One request on a connection of its own. `body`: bytes as they are, anything else as JSON.
    `headers` entries set to None are left out (e.g. {"Content-Type": None})."""
    h = {}
    data = None
    if body is not None:
        if isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body, ensure_ascii=False).encode()
            h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = "Bearer " + token
    for k, v in (headers or {}).items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    conn = http.client.HTTPConnection("127.0.0.1", svc.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        got = {k.lower(): v for k, v in resp.getheaders()}
        contract.check(method, path, resp.status, got, payload, data, h)
        return Reply(resp.status, got, payload)
    finally:
        conn.close()


def generated_estimate_body(positions, name=None):
    """bench/make_calc_document.py's estimate of `positions` positions (12 resource lines per
    norm, prices stated) as the body of POST /api/v1/objects/{id}/estimates."""
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run(["python3", os.path.join(ROOT, "bench", "make_calc_document.py"), f.name,
                        str(positions)], check=True, capture_output=True)
        with open(f.name, encoding="utf-8") as text:
            doc = json.load(text)
    return dict(HEADER, name=name or "Смета, %d позиций" % positions, sections=doc["sections"])


def add_user(db, email, role, org_name=None, org_id=None, password=PASSWORD, name=None):
    """`estimate-service user add` against the database: (user id, organization id). Without
    `name` the display name is the part of the address before '@'."""
    args = ["user", "add", "--email", email, "--role", role, "--password-stdin"]
    args += ["--org-id", str(org_id)] if org_id else ["--org-name", org_name]
    args += ["--name", name] if name else []
    r = db.cli(args, stdin=password + "\n")
    if r.returncode != 0:
        raise RuntimeError("user add failed: " + r.stderr)
    m = re.search(r"user (\d+) \S+ is \w+ of organization (\d+)", r.stdout)
    return int(m.group(1)), int(m.group(2))


def import_demo_base(db):
    r = db.cli(["import", DEMO, "--region", "28", "--zone", "1", "--quarter", "2025-Q2"])
    if r.returncode != 0:
        raise RuntimeError("import failed: " + r.stderr)


def login(svc, email, password=PASSWORD, source=None):
    r = call(svc, "POST", "/api/v1/auth/login", {"email": email, "password": password},
             source=source)
    if r.status != 200:
        raise AssertionError("login of %s: %r" % (email, r))
    return r.json


def routes():
    """METHOD PATTERN of every route of the program."""
    out = subprocess.run([BINARY, "routes"], capture_output=True, text=True, check=True).stdout
    return [tuple(line.split(" ", 1)) for line in out.splitlines() if line.strip()]


class Org:
    """Projects, objects and estimates of one organization, made through the API."""

    def __init__(self, svc, token):
        self.svc = svc
        self.token = token

    def call(self, method, path, body=None, headers=None, token=None):
        return call(self.svc, method, path, body, token or self.token, headers)

    def ok(self, method, path, body=None, headers=None, status=None):
        r = self.call(method, path, body, headers)
        if not 200 <= r.status < 300 or (status and r.status != status):
            raise AssertionError("%s %s: %r" % (method, path, r))
        return r

    def project(self, name="Стройка"):
        return self.ok("POST", "/api/v1/projects", {"name": name}).json["id"]

    def object(self, project_id, name="Объект"):
        return self.ok("POST", "/api/v1/projects/%d/objects" % project_id, {"name": name}).json["id"]

    def estimate(self, object_id, codes=(NORM,), name="ЛСР", quantity="2.5", sections=1):
        """A draft priced from the demo base: {"id", "sections": [ids], "positions": [ids], "etag"}."""
        body = dict(HEADER, name=name,
                    sections=[{"name": "Раздел %d" % (i + 1)} for i in range(sections)])
        r = self.ok("POST", "/api/v1/objects/%d/estimates" % object_id, body)
        e = {"id": r.json["id"], "sections": [s["id"] for s in r.json["sections"]],
             "positions": [], "etag": r.etag}
        for code in codes:
            r = self.ok("POST", "/api/v1/estimates/%d/positions" % e["id"],
                        {"section_id": e["sections"][-1], "code": code, "quantity": quantity},
                        {"If-Match": e["etag"]})
            e["positions"] += r.json["added_ids"]
            e["etag"] = r.etag
        return e

    def etag(self, estimate_id):
        return self.ok("GET", "/api/v1/estimates/%d" % estimate_id).etag

    def etag_of(self, path):
        """The ETag of any versioned resource (a project, an object)."""
        return self.ok("GET", path).etag

    def set_status(self, estimate_id, status, token=None):
        r = self.call("POST", "/api/v1/estimates/%d/status" % estimate_id, {"status": status},
                      {"If-Match": self.etag(estimate_id)}, token=token)
        if r.status != 200:
            raise AssertionError("status %s: %r" % (status, r))
        return r


def until_ready(request, timeout=120):
    """`request()` repeated while the service answers 503 (the assistant's model of the release
    is being prepared); its first other answer. Fails the test after `timeout` seconds."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        r = request()
        if r.status != 503:
            return r
        if time.monotonic() > deadline:
            raise AssertionError("the model never became ready: %r" % r)
        time.sleep(0.5)

