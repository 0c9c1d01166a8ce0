"""A local ФГИС ЦС portal for the collector's tests: the paths and answer shapes of its public API
as ../shared/research/peers-and-formats.md §2.1–2.3 documents them and public clients read them
(the open-data passport /OpenData/GetByNumber/{number} with the ФСНБ set's leading-space number,
file bytes at /values/GetFileContent/{guid} with ETag, Range and If-Range, the region navigation
/EstimatedPrice/CountrySubjects → PriceZones → Periods, the paginated price searches and the labour
registry), serving the real files of ../shared/samples.

Faults are set per test on `portal.faults`: a list of dicts {"path": prefix, "kind": ..., "times": n}
with kind one of "500", "429" (with Retry-After: 1), "hang" (headers, then silence), "cut" (half
the announced bytes, then the connection closes), "trickle" (one byte a second), "garbage"
(a body that is not JSON), "slow" (the right answer after `seconds`), "redirect_away" (a 302 to
another host), "redirect_here" (a 307 to the same URL); "then": a function called
after a faulty file answer (to change the file between two attempts). Every request is recorded in `portal.requests` as [time, path, status]."""
import hashlib
import http.server
import io
import json
import os
import socketserver
import threading
import time
import urllib.parse
import zipfile

from harness import ROOT

SAMPLES = os.path.normpath(os.path.join(ROOT, "..", "shared", "samples"))
FSNB = " 7707082071-fsnb"  # as the portal registers it: with a leading space
TECH_GROUPS = "7707082071-TechGroups"


def zip_of(members):
    """A zip archive of {name: bytes}."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def sample(name):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return f.read()


def fsnb_archive():
    """The ФСНБ-2022 data set as the portal gives it: the norm files and ФСБЦ in one zip."""
    return zip_of({
        "ГЭСНмр.xml": sample("fsnb2022_dop15_GESNmr.xml"),
        "ГЭСНп.xml": sample("fsnb2022_dop15_GESNp.xml"),
        "ФСБЦ_Маш.xml": sample("fsnb2022_dop15_FSBC_Mash.xml"),
        "ФСБЦ_Мат&Оборуд.xml": sample("fsbc_materials_roofing_excerpt.xml"),
    })


def xlsx_of(sheets):
    """A minimal XLSX workbook of {sheet name: [rows of cell values]} (numbers as numeric cells,
    text as inline strings), as a spreadsheet program writes one."""
    from xml.sax.saxutils import escape

    def cell(ref, value):
        if isinstance(value, (int, float)):
            return '<c r="%s"><v>%s</v></c>' % (ref, repr(value))
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(str(value)))

    members = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % (i + 1)
                  for i in range(len(sheets))) + "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(name), i + 1, i + 1) for i, name in enumerate(sheets))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1)
                  for i in range(len(sheets))) + "</Relationships>",
    }
    for i, rows in enumerate(sheets.values()):
        xml = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
        for r, row in enumerate(rows, start=1):
            xml.append('<row r="%d">' % r + "".join(cell("%s%d" % ("ABCDEFGHIJ"[c], r), v) for c, v in enumerate(row) if v is not None) + "</row>")
        xml.append("</sheetData></worksheet>")
        members["xl/worksheets/sheet%d.xml" % (i + 1)] = "".join(xml)
    return zip_of({k: v.encode() for k, v in members.items()})


def indices_report(rows):
    """ФГИС ЦС's report of resource-group indices (GenerateCustomReport): title rows, then
    code | name | unit | base price 01.01.2022 | group | group name | index per row."""
    head = [["Индексы изменения сметной стоимости по группам однородных строительных ресурсов"],
            ["Код ресурса", "Наименование", "Ед. изм.", "Базисная цена на 01.01.2022", "№ группы", "Группа", "Индекс"],
            [1, 2, 3, 4, 5, 6, 7]]
    materials = [r for r in rows if not r[0].startswith("91.")]
    machines = [r for r in rows if r[0].startswith("91.")]
    return xlsx_of({"Материалы и оборудование": head + materials, "Машины и механизмы": head + machines})


def price_rows(count, seed, factor=1.0):
    """`count` material rows with prices that differ by `seed`; `factor` scales some of them."""
    rows = []
    for i in range(count):
        price = 100 + (i * 37 + seed) % 900
        rows.append({"code": "01.7.%02d.%02d-%04d" % (i % 20, i % 7, i), "name": "Материал %d" % i,
                     "unitName": "т", "estimatedPrice": "%.2f" % (price * factor), "ksrType": 1})
    return rows


class Portal:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.faults = []
        self.datasets = {}  # number → {"name", "guid", "bytes", "changed"}
        self.files = {}     # guid → bytes
        self.subjects = [{"id": 323, "name": "г. Москва"}, {"id": 331, "name": "Московская область"},
                         {"id": 342, "name": "Ростовская область"}]
        self.zones = {323: [{"id": 191, "name": "город Москва"}],
                      331: [{"id": 127, "name": "Московская область"}],
                      342: [{"id": 170, "name": "1 зона"}, {"id": 171, "name": "2 зона"}]}
        self.periods = {}   # zone id → [{"id", "name"}] newest first
        self.prices = {}    # (zone id, period id) → {"Materials": rows, "Machines": rows, "salary": rows}
        self.server = None

    # ---- content -------------------------------------------------------------------------
    def publish(self, number, name, data, changed="2026-08-12T14:51:00+03:00"):
        guid = hashlib.sha1(number.encode() + data).hexdigest()
        guid = "%s-%s-%s-%s-%s" % (guid[:8], guid[8:12], guid[12:16], guid[16:20], guid[20:32])
        with self.lock:
            self.datasets[number] = {"name": name, "guid": guid, "changed": changed}
            self.files[guid] = data
        return guid

    def replace_bytes(self, number, data):
        """The same version (guid, name) with other bytes: a file changed in place."""
        with self.lock:
            self.files[self.datasets[number]["guid"]] = data

    def publish_base(self):
        self.publish(FSNB, "data-20250818-structure-20240216.zip", fsnb_archive())
        self.publish(TECH_GROUPS, "data-20250818-structure-20240216.zip",
                     zip_of({"База ТГ.xml": sample("fsnb2022_dop15_TechGroups.xml")}))

    def publish_prices(self, zone, period_id, period_name, materials, machines=None, salary=None, indices=None):
        with self.lock:
            self.periods.setdefault(zone, [])
            self.periods[zone] = [p for p in self.periods[zone] if p["id"] != period_id]
            self.periods[zone].insert(0, {"id": period_id, "name": period_name})
            self.periods[zone].sort(key=lambda p: -p["id"])
            self.prices[(zone, period_id)] = {
                "Materials": materials,
                "Machines": machines if machines is not None else json.loads(
                    sample("fgiscs_api_current_prices_moscow_machines.json"))["items"][0]["items"],
                "salary": salary if salary is not None else json.loads(
                    sample("fgiscs_api_worker_salary_moscow.json"))["items"],
                "indices": indices_report(indices) if indices is not None else None,
            }

    # ---- serving -------------------------------------------------------------------------
    def start(self):
        portal = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                portal.handle(self)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that hung up on a faulty answer (the point of the fault)

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self):
        return "http://127.0.0.1:%d/api" % self.server.server_address[1]

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def fault_for(self, path):
        with self.lock:
            for f in self.faults:
                if path.startswith(f["path"]) and f.get("times", 1) > 0:
                    f["times"] = f.get("times", 1) - 1
                    return f
        return None

    def handle(self, h):
        parsed = urllib.parse.urlsplit(h.path)
        path = urllib.parse.unquote(parsed.path)
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        entry = [time.time(), path, 200]
        with self.lock:
            self.requests.append(entry)
        h.entry = entry
        if not path.startswith("/api/"):
            return self.send(h, 404, b"{}")
        path = path[len("/api"):]
        spec = self.fault_for(path)
        fault = spec["kind"] if spec else None
        if fault == "slow":
            time.sleep(spec.get("seconds", 3))
            fault = None
        if fault == "500":
            return self.send(h, 500, b'{"error":"internal"}')
        if fault == "429":
            return self.send(h, 429, b'{"error":"slow down"}', {"Retry-After": "1"})
        if fault == "hang":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "1000")
            h.end_headers()
            h.wfile.flush()
            time.sleep(8)
            h.close_connection = True
            return
        if fault == "redirect_away":
            return self.send(h, 302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
        if fault == "redirect_here":
            return self.send(h, 307, b"", {"Location": h.path})
        if fault == "garbage":
            return self.send(h, 200, b'{"items": [ {"code": "01.1', {"Content-Type": "application/json"})
        if path.startswith("/OpenData/GetByNumber/"):
            number = path[len("/OpenData/GetByNumber/"):]
            d = self.datasets.get(number)
            if d is None:
                return self.send(h, 404, b'{"message":"not found"}')
            return self.json(h, {"identificationNumber": number, "datasetName": "ФСНБ-2022",
                                 "datasetFile": {"path": d["guid"], "name": d["name"]},
                                 "lastChangeDate": d["changed"], "datasetVersionFiles": []})
        if path.startswith("/values/GetFileContent/"):
            self.file(h, path[len("/values/GetFileContent/"):], fault)
            if spec and spec.get("then"):
                spec["then"]()
            return
        if path == "/EstimatedPrice/CountrySubjects":
            return self.json(h, self.subjects)
        if path == "/EstimatedPrice/PriceZones":
            return self.json(h, self.zones.get(int(query.get("subjectId", "0")), []))
        if path == "/EstimatedPrice/Periods":
            return self.json(h, self.periods.get(int(query.get("priceZoneId", "0")), []))
        key = (int(query.get("priceZoneId", "0")), int(query.get("periodId", "0")))
        page, take = int(query.get("page", "1")), int(query.get("take", "25"))
        if path.startswith("/EstimatedPrice/BuildingResources/Search/"):
            kind = path.rsplit("/", 1)[1]
            rows = self.prices.get(key, {}).get(kind)
            if rows is None:
                return self.json(h, {"items": [], "total": 0})
            chunk = rows[(page - 1) * take: page * take]
            return self.json(h, {"items": [{"id": 1, "ksrType": 1, "items": chunk}] if chunk else [],
                                 "total": len(rows)})
        if path == "/IndicesForResourcesGroups/GenerateCustomReport":
            report = self.prices.get((int(query.get("priceZoneId", "0")), int(query.get("periodId", "0"))), {}).get("indices")
            if report is None:
                return self.send(h, 404, b'{"message":"no report"}')
            return self.send(h, 200, report, {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
        if path == "/EstimatedPrice/RimWorkerSalaryRegistry":
            rows = self.prices.get(key, {}).get("salary", [])
            return self.json(h, {"total": len(rows), "items": rows[(page - 1) * take: page * take]})
        return self.send(h, 404, b'{"message":"no such path"}')

    def file(self, h, guid, fault):
        data = self.files.get(guid)
        if data is None:
            return self.send(h, 404, b"{}")
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:32]
        headers = {"ETag": etag, "Content-Type": "application/zip",
                   "Last-Modified": "Tue, 12 Aug 2025 11:51:00 GMT"}
        if h.headers.get("If-None-Match") == etag:
            return self.send(h, 304, b"", headers)
        start = 0
        rng = h.headers.get("Range")
        if rng and rng.startswith("bytes=") and h.headers.get("If-Range", etag) == etag:
            start = int(rng[len("bytes="):].split("-")[0])
        body = data[start:]
        status = 206 if start > 0 else 200
        if status == 206:
            headers["Content-Range"] = "bytes %d-%d/%d" % (start, len(data) - 1, len(data))
        if fault in ("cut", "trickle"):
            # The whole length announced, then less of the body, or slowly.
            h.send_response(status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
        if fault == "cut":
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            h.close_connection = True
            return
        if fault == "trickle":
            try:
                for i in range(min(len(body), 30)):
                    h.wfile.write(body[i:i + 1])
                    h.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            h.close_connection = True
            return
        return self.send(h, status, body, headers)

    def json(self, h, body):
        return self.send(h, 200, json.dumps(body, ensure_ascii=False).encode(),
                         {"Content-Type": "application/json; charset=utf-8"})

    def send(self, h, status, body, headers=None):
        h.entry[2] = status
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body and h.command != "HEAD":
            try:
                h.wfile.write(body)
            except OSError:
                pass
