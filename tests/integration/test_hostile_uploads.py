"""Hostile XML uploads over HTTP. A probe sent POST /api/v1/imports a 3.4 MB ГГЭ file x.gge of
<Construction a0="1" … a299999="1"/>, and the server spent 439 s of CPU on it before answering
400 (libxml2 checks each attribute against all earlier ones). The same works inside the sheet of
an .xlsx. Both are now refused from the bytes, before libxml2 parses them: 400 whose detail
names the attribute limit, well within the client's timeout, and nothing is created."""
import io
import time
import unittest
import uuid
import zipfile

from api_client import PROBLEM, Org, add_user, call, login
from harness import OwnDatabase, Service

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Generous: the request must not hang, not be fast on this machine in particular.
TIMEOUT = 30


def attributes(n):
    return b"".join(b' a%d="1"' % i for i in range(n))


def multipart(fields, files):
    boundary = "----test" + uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                % (boundary, name, value)).encode()
    for name, (filename, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n"
                % (boundary, name, filename)).encode()
        out += data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


def xlsx(sheet):
    """A minimal workbook of one sheet (a ВОР as far as the zip and its parts go)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   b'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml",
                   ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="http://'
                    'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                    '<sheet name="ВОР" sheetId="1" r:id="rId1"/></sheets></workbook>'
                    % MAIN).encode())
        z.writestr("xl/_rels/workbook.xml.rels",
                   b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                   b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


class HostileUploads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        add_user(cls.db, "admin@h.test", "admin", org_name="Сметчики")
        cls.svc = Service(env={"RATE_LIMIT_LIMIT": "1000000", "UPLOAD_MAX_SIZE": "10mb"},
                          database_url=cls.db.url, migrate=False)
        cls.admin = Org(cls.svc, login(cls.svc, "admin@h.test")["access_token"])
        cls.O = cls.admin.object(cls.admin.project("Школа"), "Корпус 1")

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def upload(self, fields, files):
        body, ctype = multipart(fields, files)
        started = time.monotonic()
        r = call(self.svc, "POST", "/api/v1/imports", body, self.admin.token,
                 {"Content-Type": ctype}, timeout=TIMEOUT)
        print("\n  %s: %d in %.3f s" % (list(files.values())[0][0], r.status,
                                        time.monotonic() - started))
        return r

    def estimates(self):
        return self.admin.ok("GET", "/api/v1/objects/%d/estimates" % self.O).json

    def assert_refused(self, r, *words):
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.headers.get("content-type"), PROBLEM, r)
        for word in words:
            self.assertIn(word, r.json["detail"], r)

    def test_a_gge_file_of_300000_attributes_is_refused_naming_the_limit(self):
        before = self.estimates()
        bomb = (b'<?xml version="1.0" encoding="utf-8"?>\n<Construction' + attributes(300000)
                + b"/>")
        self.assertGreater(len(bomb), 3 * 1024 * 1024)
        r = self.upload({"object_id": self.O}, {"file": ("x.gge", bomb)})
        self.assert_refused(r, "x.gge", "line 2",
                            "element <Construction> has more than 256 attributes")
        self.assertEqual(self.estimates(), before)
        # The server is free again at once.
        self.assertEqual(self.svc.request("GET", "/health")[0], 200)

    def test_the_same_bomb_inside_an_xlsx_bill_of_quantities_is_refused(self):
        before = self.estimates()
        sheet = (('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="%s"><sheetData>\n'
                  % MAIN).encode() + b"<row" + attributes(300000) + b"/></sheetData></worksheet>")
        r = self.upload({"object_id": self.O, "region": "28", "zone": "1", "quarter": "2025-Q2"},
                        {"file": ("ВОР.xlsx", xlsx(sheet))})
        self.assert_refused(r, "xl/worksheets/sheet1.xml", "line 3",
                            "element <row> has more than 256 attributes")
        self.assertEqual(self.estimates(), before)

    def test_deep_nesting_and_a_doctype_with_attribute_defaults_are_refused(self):
        deep = b"<Construction>" + b"<a>" * 100000
        self.assert_refused(self.upload({"object_id": self.O}, {"file": ("deep.gge", deep)}),
                            "nested deeper than 256 levels")
        # libxml2 would give each <C/> the 20,000 defaults, checking each against the others.
        dtd = (b'<?xml version="1.0"?>\n<!DOCTYPE Construction [<!ATTLIST C'
               + b"".join(b' a%d CDATA "1"' % i for i in range(20000)) + b">]><Construction>"
               + b"<C/>" * 1000 + b"</Construction>")
        self.assert_refused(self.upload({"object_id": self.O}, {"file": ("dtd.gge", dtd)}),
                            "DOCTYPE")


if __name__ == "__main__":
    unittest.main()
