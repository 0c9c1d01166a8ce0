"""The OpenAPI document as a contract: its shape (operation ids, security, declared statuses) and
its request schemas strict enough to validate requests by (a change without op fails, a quarter
must look like 2025-Q2). Every answer of the other suites is checked against it by contract.py."""
import glob
import json
import os
import re
import subprocess
import unittest

import contract
from harness import BINARY, ROOT

METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


class DocumentShape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(contract.DOCUMENT, encoding="utf-8") as f:
            cls.doc = json.load(f)

    def test_every_operation_has_a_unique_camel_case_id_and_security(self):
        ids = []
        for method, path, op in operations(self.doc):
            where = "%s %s" % (method.upper(), path)
            self.assertRegex(op.get("operationId", ""), r"^[a-z][a-zA-Z0-9]*$", where)
            ids.append(op["operationId"])
            self.assertIn("security", op, where)
        self.assertEqual(len(ids), len(set(ids)), "operation ids repeat")

    def test_every_operation_declares_the_generic_statuses(self):
        for method, path, op in operations(self.doc):
            declared = set(op["responses"])
            where = "%s %s" % (method.upper(), path)
            self.assertLessEqual({"400", "413", "500", "503"}, declared, where)
            if path.startswith("/api/"):
                self.assertIn("429", declared, where)
            if op["security"]:
                self.assertLessEqual({"401", "403"}, declared, where)
            if "requestBody" in op:
                self.assertIn("415", declared, where)
            params = [p.get("$ref", "") for p in op.get("parameters", [])]
            if any(p.endswith("/IfMatch") for p in params):
                self.assertLessEqual({"412", "428"}, declared, where)

    def test_no_schema_is_a_bare_object(self):
        """Every object schema names its properties (or its values): a generated client gets a
        type for each, never `Record<string, never>` or `unknown` by accident."""
        bare = []

        def walk(node, at):
            if isinstance(node, dict):
                if node.get("type") == "object" and not any(
                        k in node for k in ("properties", "additionalProperties", "oneOf", "$ref")):
                    bare.append(at)
                if node == {}:
                    bare.append(at)
                for k, v in node.items():
                    walk(v, at + "/" + k)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, "%s/%d" % (at, i))

        walk(self.doc["components"]["schemas"], "#/components/schemas")
        for method, path, op in operations(self.doc):
            walk(op, "%s %s" % (method.upper(), path))
        self.assertEqual(bare, [])

    def test_every_body_has_a_schema(self):
        for method, path, op in operations(self.doc):
            for status, resp in op["responses"].items():
                resp = contract._deref(resp, self.doc)
                for media, content in resp.get("content", {}).items():
                    self.assertIn("schema", content, "%s %s %s %s" % (method, path, status, media))
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                self.assertIn("schema", content, "%s %s request %s" % (method, path, media))


class RequestSchemas(unittest.TestCase):
    """The request schemas reject what the server rejects (a validating server may use them)."""

    def valid(self, schema_name, value):
        v = contract._validator("test|" + schema_name, {"$ref": "#/components/schemas/" + schema_name})
        return [e.message for e in v.iter_errors(value)]

    def test_a_change_needs_a_known_op_and_its_fields(self):
        self.assertEqual(self.valid("Change", {"op": "add_section", "name": "Раздел"}), [])
        self.assertEqual(self.valid("Change", {"op": "update_position", "position_id": 2,
                                               "quantity": "3", "coefficients": None}), [])
        self.assertNotEqual(self.valid("Change", {"name": "Раздел"}), [])
        self.assertNotEqual(self.valid("Change", {"op": "add_chapter", "name": "x"}), [])
        self.assertNotEqual(self.valid("Change", {"op": "rename_section", "name": "x"}), [])
        self.assertNotEqual(self.valid("Change", {"op": "remove_position", "position_id": 2,
                                                  "section_id": 1}), [])

    def test_decimals_are_strings(self):
        self.assertEqual(self.valid("PositionPatch", {"quantity": "2.5"}), [])
        self.assertNotEqual(self.valid("PositionPatch", {"quantity": 2.5}), [])
        self.assertNotEqual(self.valid("PositionPatch", {"quantity": "1,5"}), [])
        self.assertNotEqual(self.valid("PositionPatch", {"quantity": "1e2"}), [])

    def test_the_header_quarter_and_dates_have_their_form(self):
        self.assertEqual(self.valid("EstimateHeaderPatch", {"quarter": "2025-Q2", "date": "2026-03-01"}), [])
        self.assertEqual(self.valid("EstimateHeaderPatch", {"quarter": "", "date": ""}), [])
        self.assertNotEqual(self.valid("EstimateHeaderPatch", {"quarter": "2025-Q5"}), [])
        self.assertNotEqual(self.valid("EstimateHeaderPatch", {"quarter": "2 кв. 2025"}), [])
        self.assertNotEqual(self.valid("EstimateHeaderPatch", {"date": "01.03.2026"}), [])
        self.assertNotEqual(self.valid("EstimateHeaderPatch", {"status": "approved"}), [])
        self.assertNotEqual(self.valid("NewEstimate", {"region": "28"}), [], "name is required")

    def test_answers_outside_the_document_fail_with_the_operation_and_path(self):
        with self.assertRaises(contract.ContractError) as cm:
            contract.check("GET", "/api/v1/projects/7", 200, {"content-type": "application/json",
                                                            "x-request-id": "r", "etag": '"1"'},
                           b'{"id": 7, "name": "x", "version": 1, "created_at": "t", '
                           b'"updated_at": "t", "colour": "red"}')
        self.assertIn("getProject", str(cm.exception))
        self.assertIn("colour", str(cm.exception))
        with self.assertRaises(contract.ContractError) as cm:
            contract.check("GET", "/api/v1/projects/7", 418, {"x-request-id": "r"}, b"")
        self.assertIn("status 418 is not declared", str(cm.exception))
        with self.assertRaises(contract.ContractError) as cm:
            contract.check("GET", "/nowhere", 404, {"content-type": "application/problem+json"},
                           b'{"title": "Not Found", "status": 404}')
        self.assertRegex(str(cm.exception), re.compile("type|detail"))


class CalcDocuments(unittest.TestCase):
    """The golden documents (tests/golden/*/input.json) are valid calc requests, and what the
    program computes of them is a valid calc answer."""

    def test_golden_inputs_and_their_results_fit_the_document(self):
        request = contract._validator("test|CalcDocument", {"$ref": "#/components/schemas/CalcDocument"})
        answer = contract._validator("test|CalcResult", {"$ref": "#/components/schemas/CalcResult"})
        inputs = sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "*", "input.json")))
        self.assertGreaterEqual(len(inputs), 3)
        for path in inputs:
            case = os.path.basename(os.path.dirname(path))
            with open(path, encoding="utf-8") as f:
                errors = [contract._path_of(e) + ": " + e.message[:200]
                          for e in request.iter_errors(json.load(f))]
            self.assertEqual(errors, [], case + " input")
            out = subprocess.run([BINARY, "calc", path], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            errors = [contract._path_of(e) + ": " + e.message[:200]
                      for e in answer.iter_errors(json.loads(out.stdout))]
            self.assertEqual(errors, [], case + " result")


if __name__ == "__main__":
    unittest.main()
