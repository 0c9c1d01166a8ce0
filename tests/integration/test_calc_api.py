"""POST /api/v1/calc: the same computation as `estimate-service calc`, over HTTP."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from harness import ROOT, Service

GOLDEN = os.path.join(ROOT, "tests", "golden")


class CalcApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def post(self, body, query="", headers=None):
        return self.svc.request("POST", "/api/v1/calc" + query, body=body,
                                headers=headers or {"Content-Type": "application/json"})

    def test_golden_cases_compute_to_their_expected_figures(self):
        for case in ("rik_02-01-05_vodomernyi_uzel", "contract_example"):
            with open(os.path.join(GOLDEN, case, "input.json"), "rb") as f:
                status, headers, body = self.post(f.read())
            self.assertEqual(status, 200, body[:300])
            self.assertEqual(headers["content-type"], "application/json")
            with open(os.path.join(GOLDEN, case, "expected.json"), encoding="utf-8") as f:
                expected = json.load(f)
            got = json.loads(body)
            self.assertEqual(got["totals"]["total"], expected["totals"]["total"], case)
        self.assertEqual(json.loads(body)["format"], "estimate-result/1")

    def test_text_format_is_the_russian_table(self):
        with open(os.path.join(GOLDEN, "rik_02-01-05_vodomernyi_uzel", "input.json"), "rb") as f:
            status, headers, body = self.post(f.read(), "?format=text")
        self.assertEqual(status, 200)
        self.assertIn("ИТОГИ ПО СМЕТЕ", body.decode())
        self.assertIn("232 833,98", body.decode())

    def test_bad_document_is_422_naming_every_path(self):
        doc = {"format": "estimate-document/1", "name": "x", "sections": [{"name": "s", "positions": [
            {"number": "1", "type": "resource", "kind": "material", "quantity": "1,5", "price": 1}]}]}
        status, headers, body = self.post(json.dumps(doc).encode())
        self.assertEqual(status, 422)
        self.assertEqual(headers["content-type"], "application/problem+json")
        problem = json.loads(body)
        paths = " ".join(problem["problems"])
        self.assertIn("sections[0].positions[0].quantity", paths)
        self.assertIn("sections[0].positions[0].price", paths)

    def test_curl_with_its_default_headers_gets_100_continue_and_the_result(self):
        # A 3 MB document: curl sends Expect: 100-continue and waits (a second, if never
        # answered) for the interim answer before the body.
        with tempfile.TemporaryDirectory() as tmp:
            doc = os.path.join(tmp, "doc.json")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_calc_document.py"),
                            doc, "1200"], check=True, capture_output=True)
            self.assertGreater(os.path.getsize(doc), 2 << 20)
            out = subprocess.run(
                ["curl", "-sv", "-o", os.path.join(tmp, "out.json"), "-w", "%{http_code}",
                 "-H", "Content-Type: application/json", "--data-binary", "@" + doc,
                 "http://127.0.0.1:%d/api/v1/calc" % self.svc.port],
                capture_output=True, timeout=60, check=True)
            self.assertEqual(out.stdout, b"200")
            self.assertIn(b"> Expect: 100-continue", out.stderr)
            self.assertIn(b"< HTTP/1.1 100 Continue", out.stderr)
            with open(os.path.join(tmp, "out.json"), encoding="utf-8") as f:
                self.assertEqual(len(json.load(f)["positions"]), 1200)

    def test_not_json_is_refused(self):
        status, _, _ = self.post(b"<xml/>", headers={"Content-Type": "application/xml"})
        self.assertEqual(status, 415)
        status, _, body = self.post(b"{not json")
        self.assertEqual(status, 422)
        # A syntax error names its line and column (in characters: «Смета» is 5 of them).
        status, _, body = self.post('{"format": "estimate-document/1",\n "name": "Смета" "x"}'
                                    .encode())
        self.assertEqual(status, 422)
        self.assertIn("(document): not valid JSON at line 2, column 18: ",
                      json.loads(body)["detail"])
        status, _, body = self.post(b"{}", "?format=pdf")
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
