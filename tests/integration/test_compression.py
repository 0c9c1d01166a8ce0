"""Answers compressed on the way out: an estimate's JSON in gzip or brotli as the client accepts,
byte for byte the identity answer once decoded, with the same ETag and Vary; the compressed bytes
of a version kept by its ETag; 304 and the binary exports untouched. Runs on SQLite, or on
PostgreSQL when ESTIMATE_TEST_DATABASE_URL says so."""
import gzip
import http.client
import os
import re
import subprocess
import unittest

from api_client import NORM, Org, add_user, import_demo_base, login
from harness import OwnDatabase, Service

XSD_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                       "samples", "xsd")
QUIET = {"RATE_LIMIT_LIMIT": "1000000", "GGE_XSD_DIR": XSD_DIR}
CODES = (NORM, "ГЭСН06-01-001-01", "ГЭСНм08-03-591-03", "ГЭСНр65-01-001-02",
         "ГЭСНп02-01-001-01", "ГЭСНмр38-01-001-01", "01.7.03.01-0001")


class Compression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        add_user(cls.db, "estimator@c.test", "estimator", org_name="Сметный отдел")
        cls.svc = Service(env=QUIET, database_url=cls.db.url, migrate=False)
        cls.token = login(cls.svc, "estimator@c.test")["access_token"]
        org = Org(cls.svc, cls.token)
        obj = org.object(org.project("Жилой дом"), "Корпус 1")
        cls.estimate = org.estimate(obj, codes=CODES, sections=2)
        cls.path = "/api/v1/estimates/%d" % cls.estimate["id"]

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def get(self, path, **headers):
        conn = http.client.HTTPConnection("127.0.0.1", self.svc.port, timeout=30)
        try:
            # http.client sends Accept-Encoding: identity unless told otherwise.
            conn.request("GET", path, headers=dict({"Authorization": "Bearer " + self.token},
                                                   **headers))
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def cache_hits(self):
        text = self.svc.metrics()
        m = re.search(r'^http_compression_cache_total\{result="hit"\} (\d+)', text, re.M)
        return int(m.group(1)) if m else 0

    def test_gzip_answer_decodes_to_the_identity_answer_with_the_same_etag(self):
        status, plain_headers, plain = self.get(self.path)
        self.assertEqual(status, 200)
        self.assertNotIn("content-encoding", plain_headers)
        self.assertEqual(plain_headers.get("vary"), "Accept-Encoding")
        self.assertGreater(len(plain), 1024)

        status, headers, body = self.get(self.path, **{"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("content-encoding"), "gzip")
        self.assertEqual(headers.get("vary"), "Accept-Encoding")
        self.assertEqual(headers.get("etag"), plain_headers.get("etag"))
        self.assertEqual(int(headers["content-length"]), len(body))
        self.assertLess(len(body) * 3, len(plain))
        self.assertEqual(gzip.decompress(body), plain)

    def test_a_second_read_of_the_version_is_served_from_the_cache(self):
        _, _, first = self.get(self.path, **{"Accept-Encoding": "gzip, deflate"})
        before = self.cache_hits()
        _, _, second = self.get(self.path, **{"Accept-Encoding": "gzip, deflate"})
        self.assertEqual(second, first)
        self.assertEqual(self.cache_hits(), before + 1)

    def test_brotli_when_accepted_as_curl_decodes_it(self):
        _, _, plain = self.get(self.path)
        for accept in ("br", "gzip, deflate, br"):
            out = subprocess.run(
                ["curl", "-s", "-D", "-", "-o", "-", "--compressed",
                 "-H", "Accept-Encoding: " + accept,
                 "-H", "Authorization: Bearer " + self.token,
                 "http://127.0.0.1:%d%s" % (self.svc.port, self.path)],
                capture_output=True, timeout=30, check=True).stdout
            head, _, body = out.partition(b"\r\n\r\n")
            self.assertIn(b"\r\ncontent-encoding: br", head.lower(), accept)
            self.assertEqual(body, plain, accept)

    def test_refused_codings_get_identity(self):
        _, _, plain = self.get(self.path)
        for accept in ("identity", "gzip;q=0, br;q=0", "deflate", "compress"):
            status, headers, body = self.get(self.path, **{"Accept-Encoding": accept})
            self.assertEqual(status, 200, accept)
            self.assertNotIn("content-encoding", headers, accept)
            self.assertEqual(body, plain, accept)

    def test_not_modified_stays_empty(self):
        _, headers, _ = self.get(self.path)
        status, h304, body = self.get(self.path, **{"Accept-Encoding": "gzip, br",
                                                    "If-None-Match": headers["etag"]})
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")
        self.assertNotIn("content-encoding", h304)

    def test_xml_export_is_compressed_and_pdf_is_not(self):
        status, plain_headers, plain = self.get(self.path + "/export?format=gge")
        self.assertEqual(status, 200, plain[:300])
        status, headers, body = self.get(self.path + "/export?format=gge",
                                         **{"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("content-encoding"), "gzip")
        self.assertEqual(headers.get("content-disposition"),
                         plain_headers.get("content-disposition"))
        self.assertEqual(gzip.decompress(body), plain)

        status, headers, body = self.get(self.path + "/export?format=pdf",
                                         **{"Accept-Encoding": "gzip, br"})
        self.assertEqual(status, 200)
        self.assertNotIn("content-encoding", headers)
        self.assertTrue(body.startswith(b"%PDF-"))


if __name__ == "__main__":
    unittest.main()
