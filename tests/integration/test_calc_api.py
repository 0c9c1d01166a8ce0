"""POST /api/v1/calc: the same computation as `estimate-service calc`, over HTTP."""
import json
import os
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

    def test_not_json_is_refused(self):
        status, _, _ = self.post(b"<xml/>", headers={"Content-Type": "application/xml"})
        self.assertEqual(status, 415)
        status, _, body = self.post(b"{not json")
        self.assertEqual(status, 422)
        status, _, body = self.post(b"{}", "?format=pdf")
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
