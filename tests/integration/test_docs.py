"""The OpenAPI document describes every route the program serves, and the docs page shows it."""
import json
import subprocess
import unittest

from harness import BINARY, Service


class OpenApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def test_every_route_is_in_the_document(self):
        status, headers, doc = self.svc.get_json("/api/docs/openapi.json")
        self.assertEqual(status, 200)
        self.assertTrue(doc["openapi"].startswith("3.1"))
        routes = subprocess.run([BINARY, "routes"], capture_output=True, text=True, check=True)
        listed = [line.split(" ", 1) for line in routes.stdout.splitlines()]
        self.assertGreaterEqual(len(listed), 10)
        missing = [f"{m} {p}" for m, p in listed if m.lower() not in doc["paths"].get(p, {})]
        self.assertEqual(missing, [], "routes missing from src/api/docs/openapi.json")
        documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
        self.assertEqual(documented - {tuple(x) for x in listed}, set(),
                         "documented routes the program does not serve")

    def test_references_resolve(self):
        _, _, doc = self.svc.get_json("/api/docs/openapi.json")
        text = json.dumps(doc)
        for ref in set(part.split('"')[0] for part in text.split('"$ref": "')[1:]):
            node = doc
            for key in ref.lstrip("#/").split("/"):
                node = node[key]
            self.assertIsInstance(node, dict, ref)

    def test_docs_page_is_html_and_may_run_its_script(self):
        status, headers, body = self.svc.request("GET", "/api/docs")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertIn(b"/api/docs/openapi.json", body)
        self.assertIn("script-src 'unsafe-inline'", headers["content-security-policy"])


if __name__ == "__main__":
    unittest.main()
