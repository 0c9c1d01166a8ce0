#!/usr/bin/env python3
"""Figures of issue 10's probe, against the built program (Python standard library only):
  - /health during 400 idle connections with `ulimit -n 256` (latency of 20 requests, the
    «accept failed» lines and all lines the log gained);
  - the time to refuse the 300,000-attribute ГГЭ upload (3.4 MB), as .gge and inside an .xlsx.
Usage: bench/hostile_probe.py [BUILD_DIR]   (default: build)"""
import io
import os
import socket
import sys
import time
import uuid
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
build = sys.argv[1] if len(sys.argv) > 1 else "build"
os.environ["ESTIMATE_BINARY"] = os.path.join(ROOT, build, "estimate-service")

import harness  # noqa: E402  (after ESTIMATE_BINARY is set)
from api_client import Org, add_user, call, login  # noqa: E402


FAILURES = []  # answers that make a figure meaningless: the probe exits 1 after printing them


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def idle_connections():
    db = harness.OwnDatabase()
    svc = harness.Service(env={"RATE_LIMIT_LIMIT": "1000000"}, database_url=db.url,
                          migrate=False, nofile=256)
    socks = []
    try:
        lines_before = len(svc.log_lines)
        for _ in range(400):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", svc.port))
            socks.append(s)
        time.sleep(1.0)
        times, statuses = [], []
        for _ in range(20):
            t = time.perf_counter()
            statuses.append(call(svc, "GET", "/health", timeout=10).status)
            times.append((time.perf_counter() - t) * 1000)
        time.sleep(0.5)
        accept = sum("accept failed" in l for l in svc.log_lines)
        print("RESULT health during 400 idle connections at ulimit -n 256: statuses %s, "
              "p50 %.1f ms, max %.1f ms; 'accept failed' lines %d, log lines added %d"
              % (sorted(set(statuses)), percentile(times, 50), max(times), accept,
                 len(svc.log_lines) - lines_before))
        if set(statuses) != {200}:
            FAILURES.append("GET /health answered %s, not only 200" % sorted(set(statuses)))
    finally:
        for s in socks:
            s.close()
        svc.stop()
        db.destroy()


def attribute_bomb():
    db = harness.OwnDatabase()
    add_user(db, "probe@example.test", "estimator", org_name="Проба")
    svc = harness.Service(env={"RATE_LIMIT_LIMIT": "1000000"}, database_url=db.url, migrate=False)
    try:
        org = Org(svc, login(svc, "probe@example.test")["access_token"])
        obj = org.object(org.project("Проба"))
        attrs = " ".join('a%d="1"' % i for i in range(300000))
        bomb = ('<?xml version="1.0" encoding="UTF-8"?>\n<Construction %s/>' % attrs).encode()
        sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                 'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row %s/></sheetData>'
                 '</worksheet>' % attrs).encode()
        xlsx = io.BytesIO()
        with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                       'openxmlformats.org/package/2006/content-types"/>')
            z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.'
                       'openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="ВОР" '
                       'sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships"/></sheets></workbook>')
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (("x.gge", bomb), ("x.xlsx", xlsx.getvalue())):
            boundary = uuid.uuid4().hex
            body = b"".join([
                b"--%s\r\nContent-Disposition: form-data; name=\"object_id\"\r\n\r\n%d\r\n"
                % (boundary.encode(), obj),
                b"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                b"Content-Type: application/octet-stream\r\n\r\n" % (boundary.encode(),
                                                                       name.encode()),
                data, b"\r\n--%s--\r\n" % boundary.encode()])
            t = time.perf_counter()
            r = call(svc, "POST", "/api/v1/imports", body, org.token,
                     {"Content-Type": "multipart/form-data; boundary=" + boundary}, timeout=600)
            ms = (time.perf_counter() - t) * 1000
            print("RESULT 300,000-attribute upload %s (%.1f MB): %d in %.0f ms — %s"
                  % (name, len(data) / 1e6, r.status, ms, r.detail[:120]))
            # A refusal is the expected answer: a 4xx; a success or a 5xx is not what is measured.
            if not 400 <= r.status < 500:
                FAILURES.append("the %s upload answered %d, not a refusal (4xx)" % (name, r.status))
    finally:
        svc.stop()
        db.destroy()


if __name__ == "__main__":
    idle_connections()
    attribute_bomb()
    for failure in FAILURES:
        print("BENCH FAILED: " + failure, file=sys.stderr)
    sys.exit(1 if FAILURES else 0)
