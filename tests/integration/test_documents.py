"""Documents in and out over HTTP: the ГГЭ XML export of an estimate (validated by the service,
and again here by xmllint), the import of a real ГГЭ file as a new draft with its totals
reproduced, and malformed uploads (wrong type, XML with external entities, a body over
UPLOAD_MAX_SIZE) refused with nothing created."""
import os
import subprocess
import tempfile
import unittest
import uuid

from api_client import NORM, PROBLEM, Org, add_user, import_demo_base, login
from harness import ROOT, OwnDatabase, Service

SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
XSD_DIR = os.path.join(SHARED, "samples", "xsd")
PD12 = os.path.join(SHARED, "samples", "gge_lsr_rim_example_PD12.gge")


def multipart(fields, files):
    boundary = "----test" + uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary, name, value)).encode()
    for name, (filename, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


class Documents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        _, org = add_user(cls.db, "admin@d.test", "admin", org_name="Сметчики")
        add_user(cls.db, "viewer@d.test", "viewer", org_id=org)
        cls.svc = Service(env={"RATE_LIMIT_LIMIT": "1000000", "UPLOAD_MAX_SIZE": "10mb",
                               "GGE_XSD_DIR": XSD_DIR},
                          database_url=cls.db.url, migrate=False)
        cls.admin = Org(cls.svc, login(cls.svc, "admin@d.test")["access_token"])
        cls.viewer = Org(cls.svc, login(cls.svc, "viewer@d.test")["access_token"])
        cls.P = cls.admin.project("Школа")
        cls.O = cls.admin.object(cls.P, "Корпус 1")

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def upload(self, org, fields, files, headers=None):
        body, ctype = multipart(fields, files)
        h = {"Content-Type": ctype}
        h.update(headers or {})
        return org.call("POST", "/api/v1/imports", body, h)

    def estimates_of_object(self):
        return [e["id"] for e in self.admin.ok("GET", "/api/v1/objects/%d/estimates" % self.O).json]

    def test_an_estimate_exports_as_valid_gge_xml_with_its_totals(self):
        e = self.admin.estimate(self.O, codes=(NORM, "ГЭСН06-01-001-01"))
        total = self.admin.ok("GET", "/api/v1/estimates/%d" % e["id"]).json["totals"]["total"]
        r = self.viewer.call("GET", "/api/v1/estimates/%d/export?format=gge" % e["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "application/xml")
        self.assertIn("attachment", r.headers["content-disposition"])
        with tempfile.NamedTemporaryFile(suffix=".gge") as f:
            f.write(r.body)
            f.flush()
            lint = subprocess.run(["xmllint", "--noout", "--schema",
                                   os.path.join(XSD_DIR, "LocalEstimateResourceIndexMethod-3_01.xsd"),
                                   f.name], capture_output=True, text=True)
        self.assertEqual(lint.returncode, 0, lint.stderr)
        text = r.body.decode()
        price = text[text.index("<EstimatePrice>"):text.index("</EstimatePrice>")]
        self.assertIn("<Total>%s</Total>" % total, price)
        self.assertIn("<RegionName>Амурская область</RegionName>", text)
        # The printed form as Excel, read back with the standard library alone.
        x = self.viewer.call("GET", "/api/v1/estimates/%d/export?format=xlsx" % e["id"])
        self.assertEqual(x.status, 200, x)
        import io
        import zipfile
        with zipfile.ZipFile(io.BytesIO(x.body)) as z:
            strings = z.read("xl/sharedStrings.xml").decode()
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("ЛОКАЛЬНЫЙ СМЕТНЫЙ РАСЧЕТ", strings)
        self.assertIn("ИТОГИ ПО СМЕТЕ", strings)
        self.assertIn("<v>%s</v>" % total.rstrip("0").rstrip("."), sheet)
        # The newest schema (3.02 draft), validated by xmllint as well.
        draft = self.viewer.call("GET", "/api/v1/estimates/%d/export?format=gge-3.02" % e["id"])
        self.assertEqual(draft.status, 200, draft)
        with tempfile.NamedTemporaryFile(suffix=".gge") as f:
            f.write(draft.body)
            f.flush()
            lint = subprocess.run(["xmllint", "--noout", "--schema",
                                   os.path.join(XSD_DIR, "LocalEstimateResourceIndexMethod-3_02-draft.xsd"),
                                   f.name], capture_output=True, text=True)
        self.assertEqual(lint.returncode, 0, lint.stderr)
        bad = self.admin.call("GET", "/api/v1/estimates/%d/export?format=docx" % e["id"])
        self.assertEqual(bad.status, 400)
        self.assertIn("format", bad.json["detail"])

    def test_the_real_grand_smeta_file_imports_as_a_draft_with_its_totals(self):
        with open(PD12, "rb") as f:
            data = f.read()
        r = self.upload(self.admin, {"object_id": self.O}, {"file": ("ЛСР 09-01-01.gge", data)})
        self.assertEqual(r.status, 201, r)
        report = r.json
        self.assertTrue(report["reproduced"], report)
        self.assertEqual(report["totals"]["total"], "5957.22")
        self.assertGreaterEqual(report["compared"], 3)
        view = self.admin.ok("GET", "/api/v1/estimates/%d" % report["estimate_id"]).json
        self.assertEqual(view["status"], "draft")
        self.assertEqual(view["region"], "47")
        self.assertEqual(view["quarter"], "2025-Q3")
        # And it goes out again as valid ГГЭ XML.
        again = self.admin.call("GET", "/api/v1/estimates/%d/export?format=gge" % report["estimate_id"])
        self.assertEqual(again.status, 200, again)

    def test_a_file_whose_stated_total_is_wrong_imports_with_the_difference_named(self):
        # The report names each stated total the recomputation does not reproduce: where the
        # file states it, what it states and what the service computes (the contract's
        # ImportDifference; contract.py checks the answer against it).
        with open(PD12, "rb") as f:
            data = f.read().decode("utf-8")
        head, price, tail = data.partition("<EstimatePrice>")
        body, end, rest = tail.partition("</EstimatePrice>")
        edited = head + price + body.replace("<Total>5957.22</Total>", "<Total>6000.00</Total>") + end + rest
        r = self.upload(self.admin, {"object_id": self.O}, {"file": ("ЛСР с ошибкой.gge", edited.encode("utf-8"))})
        self.assertEqual(r.status, 201, r)
        report = r.json
        self.assertFalse(report["reproduced"], report)
        self.assertTrue(report["differences"], report)
        for d in report["differences"]:
            self.assertEqual(sorted(d), ["computed", "path", "stated"])
        self.assertIn(("6000.00", "5957.22"), [(d["stated"], d["computed"]) for d in report["differences"]])
        self.assertEqual(report["totals"]["total"], "5957.22")

    def test_a_base_index_estimate_imports_with_its_totals(self):
        with open(os.path.join(SHARED, "samples", "gge_lsr_bim_3.01_example1_GSS.gge"), "rb") as f:
            data = f.read()
        r = self.upload(self.admin, {"object_id": self.O}, {"file": ("bim.gge", data)})
        self.assertEqual(r.status, 201, r)
        self.assertTrue(r.json["reproduced"], r.json)
        view = self.admin.ok("GET", "/api/v1/estimates/%d" % r.json["estimate_id"]).json
        self.assertEqual(view["method"], "base-index")
        self.assertEqual(view["result"]["totals"]["total"]["current"]["total"], "36150662.20")
        # It goes out again as ГГЭ XML by the base-index method: the 3.01 shape of ГОССТРОЙСМЕТА
        # and the 3.02 draft, which xmllint validates; the totals are the file's.
        path = "/api/v1/estimates/%d/export?format=" % r.json["estimate_id"]
        v301 = self.viewer.call("GET", path + "gge")
        self.assertEqual(v301.status, 200, v301)
        self.assertIn(b"<Construction ", v301.body)
        self.assertIn("<IndexType>Индексы к элементам прямых затрат</IndexType>".encode(), v301.body)
        self.assertIn(b"<PriceCurrent>36150662.20</PriceCurrent>", v301.body)
        # What the file said besides its figures comes back too: the letter of the indices, its
        # GUID, the kind of works and the objects the indices are of.
        self.assertIn("33852-ИФ/09".encode(), v301.body)
        self.assertIn(b"<GUID>{3E9C9CDF-4FA3-4898-BBFE-F8ABA77C366B}</GUID>", v301.body)
        self.assertIn("<IndexIndustryType>Экономика в целом</IndexIndustryType>".encode(), v301.body)
        v302 = self.viewer.call("GET", path + "gge-3.02")
        self.assertEqual(v302.status, 200, v302)
        with tempfile.NamedTemporaryFile(suffix=".gge") as f:
            f.write(v302.body)
            f.flush()
            lint = subprocess.run(["xmllint", "--noout", "--schema",
                                   os.path.join(XSD_DIR, "LocalEstimateBaseIndexMethod-3_02-draft.xsd"),
                                   f.name], capture_output=True, text=True)
        self.assertEqual(lint.returncode, 0, lint.stderr)
        # New calculation options keep what travels with them (the indices, the imported header)
        # unless they name it.
        eid = r.json["estimate_id"]
        self.admin.ok("PATCH", "/api/v1/estimates/%d" % eid, {"options": {}},
                      {"If-Match": self.admin.etag(eid)})
        view = self.admin.ok("GET", "/api/v1/estimates/%d" % eid).json
        self.assertEqual(view["result"]["totals"]["total"]["current"]["total"], "36150662.20")
        again = self.viewer.call("GET", path + "gge")
        self.assertEqual(again.status, 200, again)
        self.assertIn("33852-ИФ/09".encode(), again.body)
        self.admin.ok("PATCH", "/api/v1/estimates/%d" % eid, {"options": {"header": None}},
                      {"If-Match": self.admin.etag(eid)})
        self.assertNotIn("header", self.admin.ok("GET", "/api/v1/estimates/%d" % eid).json["options"])
        # The printed form of the base-index method: PDF and XLSX with the file's total.
        pdf = self.viewer.call("GET", path + "pdf")
        self.assertEqual(pdf.status, 200, pdf)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf.body)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                                  text=True).stdout
        self.assertIn("базисно-индексным методом", text)
        self.assertIn("36 150 662,20", text)
        xlsx = self.viewer.call("GET", path + "xlsx")
        self.assertEqual(xlsx.status, 200, xlsx)
        self.assertTrue(xlsx.body.startswith(b"PK"))
        arps = self.viewer.call("GET", path + "arps")
        self.assertEqual(arps.status, 409, arps)
        self.assertIn("resource-index", arps.json["detail"])

    def test_pdf_and_arps_go_out_and_arps_comes_back_with_the_same_totals(self):
        e = self.admin.estimate(self.O, codes=(NORM, "ГЭСН06-01-001-01"))
        view = self.admin.ok("GET", "/api/v1/estimates/%d" % e["id"]).json
        pdf = self.viewer.call("GET", "/api/v1/estimates/%d/export?format=pdf" % e["id"])
        self.assertEqual(pdf.status, 200, pdf)
        self.assertEqual(pdf.headers["content-type"], "application/pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf.body)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                                  text=True).stdout
        self.assertIn("ИТОГИ ПО СМЕТЕ", text)
        total = view["totals"]["total"]
        rub, kop = total.split(".")
        groups = []
        while rub:
            groups.insert(0, rub[-3:])
            rub = rub[:-3]
        self.assertIn(" ".join(groups) + "," + kop, text)
        arps = self.admin.call("GET", "/api/v1/estimates/%d/export?format=arps" % e["id"])
        self.assertEqual(arps.status, 200, arps)
        self.assertTrue(arps.body.startswith(b"1#\x80\x90\x8f\x91 1.10#"), arps.body[:20])
        r = self.upload(self.admin, {"object_id": self.O}, {"file": ("back.arp", arps.body)})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["totals"]["total"], total)
        self.assertTrue(r.json["reproduced"], r.json)

    def test_object_and_summary_estimates_go_out_as_gge_xlsx_and_pdf(self):
        self.admin.estimate(self.O, codes=(NORM,))
        for path, xsd in (("/api/v1/objects/%d/object-estimate" % self.O, "ObjectEstimate-3_01.xsd"),
                          ("/api/v1/projects/%d/summary-estimate?contingency=2&date=2026-03-01"
                           % self.P, "SummaryEstimate-current.xsd")):
            sep = "&" if "?" in path else "?"
            gge = self.viewer.call("GET", path + sep + "format=gge")
            self.assertEqual(gge.status, 200, gge)
            with tempfile.NamedTemporaryFile(suffix=".gge") as f:
                f.write(gge.body)
                f.flush()
                lint = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(XSD_DIR, xsd),
                                       f.name], capture_output=True, text=True)
            self.assertEqual(lint.returncode, 0, lint.stderr)
            for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
                r = self.viewer.call("GET", path + sep + "format=" + fmt)
                self.assertEqual(r.status, 200, r)
                self.assertTrue(r.body.startswith(magic), (fmt, r.body[:10]))

    def test_a_bill_of_quantities_becomes_a_draft(self):
        with open(os.path.join(SHARED, "samples", "vor_example_2025-12-11.xlsx"), "rb") as f:
            data = f.read()
        r = self.upload(self.admin, {"object_id": self.O, "region": "28", "zone": "1",
                                     "quarter": "2025-Q2"}, {"file": ("ВОР.xlsx", data)})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["lines"], 20)
        view = self.admin.ok("GET", "/api/v1/estimates/%d" % r.json["estimate_id"]).json
        self.assertEqual(view["position_count"], 20)
        self.assertEqual(view["status"], "draft")
        # The ГГЭ XML bill of quantities, in either layout.
        for sample, lines in (("gge_vor_3.01_example.gge", 18),
                              ("gge_vor_minstroy_ns_example.gge", 18),
                              ("gge_svor_4.01_example.gge", 9)):  # the comparative ВОР: last volumes
            with open(os.path.join(SHARED, "samples", sample), "rb") as f:
                r = self.upload(self.admin, {"object_id": self.O}, {"file": (sample, f.read())})
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json["lines"], lines)
        # Other ГГЭ documents are not estimates: named and refused.
        with open(os.path.join(SHARED, "samples", "gge_ka_4.03_example1_GSS.gge"), "rb") as f:
            r = self.upload(self.admin, {"object_id": self.O}, {"file": ("ka.gge", f.read())})
        self.assertEqual(r.status, 400, r)
        self.assertIn("КА", r.json["detail"])
        csv = "№;Наименование работ;Ед. изм.;Количество;Шифр\n1;Разработка грунта;1000 м3;1,5;ГЭСН01-01-013-01\n"
        r = self.upload(self.admin, {"object_id": self.O, "region": "28", "zone": "1",
                                     "quarter": "2025-Q2"}, {"file": ("ВОР.csv", csv.encode("cp1251"))})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["priced"], 1)
        self.assertNotEqual(r.json["totals"]["total"], "0.00")

    def test_malformed_uploads_are_refused_and_nothing_is_created(self):
        before = self.estimates_of_object()
        with open(PD12, "rb") as f:
            pd12 = f.read()
        xxe = (b'<?xml version="1.0"?><!DOCTYPE Construction [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b"<Construction>&x;</Construction>")
        # A zip bomb: one entry of 200 MB of zeros, a few hundred kilobytes compressed.
        import io
        import zipfile
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/workbook.xml", b"<workbook/>")
            z.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
        cases = [
            (self.upload(self.admin, {"object_id": self.O}, {"file": ("bomb.xlsx", bomb.getvalue())}),
             400, "zip bomb"),
            (self.upload(self.admin, {"object_id": self.O}, {"file": ("x.gge", xxe)}), 400, "DOCTYPE"),
            (self.upload(self.admin, {"object_id": self.O}, {"file": ("x.gge", b"<a>")}), 400, "xml"),
            (self.upload(self.admin, {"object_id": self.O},
                         {"file": ("x.pdf", b"%PDF-1.4 not an estimate")}), 400, "file"),
            (self.upload(self.admin, {}, {"file": ("x.gge", pd12)}), 400, "object_id"),
            (self.upload(self.admin, {"object_id": self.O}, {}), 400, "file"),
            (self.admin.call("POST", "/api/v1/imports", {"file": "x"}), 415, "multipart"),
            (self.upload(self.viewer, {"object_id": self.O},
                         {"file": ("x.gge", pd12)}), 403, ""),
            (self.upload(self.admin, {"object_id": 999999},
                         {"file": ("x.gge", pd12)}), 404, ""),
        ]
        for r, status, word in cases:
            self.assertEqual(r.status, status, r)
            self.assertEqual(r.headers.get("content-type"), PROBLEM, r)
            self.assertIn(word, r.json["detail"], r)
        # 10 MB + 1 byte: refused from its Content-Length, before it is read.
        request = ("POST /api/v1/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n"
                   % (self.admin.token, 10 * 1024 * 1024 + 1)).encode()
        raw = self.svc.raw(request)
        self.assertTrue(raw.startswith(b"HTTP/1.1 413"), raw[:200])
        self.assertIn(b"UPLOAD_MAX_SIZE", raw)
        self.assertEqual(self.estimates_of_object(), before)


if __name__ == "__main__":
    unittest.main()
