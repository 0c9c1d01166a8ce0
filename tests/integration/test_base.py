"""The normative base end to end: CLI import (demo base and the real ФСНБ files of ../shared),
releases, and the /api/v1 norms and resources routes of the running binary. Runs on SQLite, or on
PostgreSQL when ESTIMATE_TEST_DATABASE_URL says so (CI runs both)."""
import json
import os
import subprocess
import tempfile
import unittest
import urllib.parse

from harness import ROOT, Service, base_env, run_cli

SHARED = os.path.join(os.path.dirname(ROOT), "shared", "samples")
DEMO = os.path.join(ROOT, "demo", "base")


def fresh_database(tmp):
    """A database of its own: a new SQLite file, or a new schema in the test PostgreSQL."""
    pg = os.environ.get("ESTIMATE_TEST_DATABASE_URL", "")
    if not pg.startswith("postgres"):
        return "sqlite://" + os.path.join(tmp, "base.db")
    schema = "it_" + os.path.basename(tmp).replace("-", "_").lower()
    subprocess.run(["psql", pg, "-qc", "CREATE SCHEMA " + schema], check=True, capture_output=True)
    sep = "&" if "?" in pg else "?"
    return pg + sep + "options=-csearch_path%3D" + schema


class Cli:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="estimate-base-")
        self.env = base_env(self.tmp, database_url=fresh_database(self.tmp))
        r = run_cli(["migrate"], self.env, self.tmp)
        assert r.returncode == 0, r.stderr

    def __call__(self, *args, timeout=600):
        return run_cli(list(args), self.env, self.tmp, timeout=timeout)

    def json(self, *args):
        r = self(*args, "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)


class RealFiles(unittest.TestCase):
    """The counts of ../shared/samples/README.md, through import and save in the database."""

    def test_real_files_import_with_their_counts(self):
        cli = Cli()
        cases = [("fsnb2022_dop15_FSBC_Mash.xml", "machines", 1711),
                 ("fsnb2022_dop15_GESNmr.xml", "norms", 425),
                 ("fsnb2022_dop15_GESNp.xml", "norms", 2604),
                 ("fsnb2022_dop15_TechGroups.xml", "tech_groups", 6572)]
        for name, field, count in cases:
            out = cli.json("import", os.path.join(SHARED, name))
            self.assertEqual(out["counts"][field], count, name)
            self.assertTrue(out["activated"])
        releases = cli.json("releases", "list")
        self.assertEqual(len(releases), len(cases))
        self.assertEqual(sum(1 for r in releases if r["active"]), 1)

    def test_norm_lines_of_gesnp_count_10505(self):
        cli = Cli()
        out = cli.json("import", os.path.join(SHARED, "fsnb2022_dop15_GESNp.xml"))
        self.assertEqual(out["counts"]["norm_resources"], 10505)


class MalformedImport(unittest.TestCase):
    def test_broken_file_names_its_line_and_changes_nothing(self):
        cli = Cli()
        first = cli.json("import", DEMO)
        before = cli.json("releases", "list")
        tmp = tempfile.mkdtemp()
        with open(os.path.join(DEMO, "norms_gesn.xml"), encoding="utf-8") as f:
            text = f.read()
        cases = {
            "truncated.xml": text[: len(text) // 2],
            "bad_number.xml": text.replace('Quantity="0.2971"', 'Quantity="0,29,71"'),
            "unknown_element.xml": text.replace("<Resources>", "<Resources><Bogus/>", 1),
        }
        for name, body in cases.items():
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)
            r = cli("import", path)
            self.assertNotEqual(r.returncode, 0, name)
            self.assertRegex(r.stderr, name.replace(".", r"\.") + r":\d+", name)
        cp1251 = os.path.join(tmp, "wrong_encoding.xml")
        with open(cp1251, "wb") as f:
            f.write(text.encode("utf-8").replace("Установка".encode("utf-8"), "Установка".encode("cp1251")))
        r = cli("import", cp1251)
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"wrong_encoding\.xml:\d+")
        self.assertEqual(cli.json("releases", "list"), before)
        self.assertTrue(first["activated"])


class BaseApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cli = Cli()
        out = cls.cli.json("import", DEMO)
        assert out["counts"]["norms"] == 16, out
        again = cls.cli.json("import", DEMO, "--skip-if-loaded")
        assert again["skipped"], again
        cls.svc = Service(database_url=cls.cli.env["DATABASE_URL"], migrate=False)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def get(self, path):
        return self.svc.get_json(path)

    def test_releases_lists_the_active_demo(self):
        status, _, doc = self.get("/api/v1/releases")
        self.assertEqual(status, 200)
        self.assertEqual(len(doc["items"]), 1)
        release = doc["items"][0]
        self.assertTrue(release["active"])
        self.assertTrue(all(len(s["sha256"]) == 64 for s in release["sources"]))
        # demo/base/prices_28_1_2025-Q2 names the region by code; the name is the official one.
        territories = [{"region": "28", "zone": "1", "quarter": "2025-Q2",
                        "region_name": "Амурская область"}]
        self.assertEqual(release["territories"], territories)
        # The CLI prints the API's shape.
        self.assertEqual(self.cli.json("releases", "list")[0]["territories"], territories)

    def test_norm_by_family_and_code_in_either_spelling(self):
        for family in ("gesn", urllib.parse.quote("ГЭСН")):
            status, _, doc = self.get("/api/v1/norms/%s/16-06-005-01" % family)
            self.assertEqual(status, 200, doc)
            self.assertEqual(doc["full_code"], "ГЭСН16-06-005-01")
            self.assertEqual(doc["unit"], "шт")
            self.assertEqual(doc["path"][0]["type"], "Сборник")
            codes = [r["code"] for r in doc["resources"]]
            self.assertIn("1-100-38", codes)

    def test_priced_norm_equals_what_calc_computes(self):
        status, _, doc = self.get("/api/v1/norms/gesn/16-02-005-02?region=28&zone=1&quarter=2025-Q2&quantity=0.35")
        self.assertEqual(status, 200, doc)
        priced = doc["priced"]
        self.assertEqual(priced["warnings"], [])
        document = {"format": "estimate-document/1", "name": "check",
                    "sections": [{"name": "1", "positions": [priced["position"]]}]}
        path = os.path.join(self.cli.tmp, "doc.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, ensure_ascii=False)
        r = self.cli("calc", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        result = json.loads(r.stdout)["positions"][0]
        for key in ("ot", "em", "otm", "m", "fot", "overhead", "profit", "total", "labor_hours"):
            self.assertEqual(result[key], priced["figures"][key], key)
        # Labour 1-100-40 in Амурская обл.: round2(477.54 × 1.34) = 639.90 per man-hour.
        labor = [r for r in priced["position"]["resources"] if r["code"] == "1-100-40"][0]
        self.assertEqual(labor["price"], "639.90")

    def test_priced_resource(self):
        status, _, doc = self.get("/api/v1/resources/23.3.06.04-0014?region=28&quarter=2025-Q2&quantity=10")
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["kind"], "material")
        self.assertEqual(doc["priced"]["figures"]["m"], "7788.70")  # round2(412.10 × 1.89) × 10

    def test_errors_name_what_is_wrong(self):
        status, headers, doc = self.get("/api/v1/norms/gesn/99-99-999-99")
        self.assertEqual(status, 404)
        self.assertEqual(headers["content-type"], "application/problem+json")
        status, _, doc = self.get("/api/v1/norms/fer/01-01-001-01")
        self.assertEqual(status, 404)
        self.assertIn("family", doc["detail"])
        status, _, doc = self.get("/api/v1/norms/gesn/16-06-005-01?region=28&quarter=2025-Q2&quantity=abc")
        self.assertEqual(status, 400)
        self.assertTrue(doc["detail"].startswith("quantity:"))
        status, _, doc = self.get("/api/v1/norms/gesn/16-06-005-01?region=28")
        self.assertEqual(status, 400)
        self.assertTrue(doc["detail"].startswith("quarter:"))
        status, _, doc = self.get("/api/v1/norms/gesn/16-06-005-01?region=99&quarter=2025-Q2")
        self.assertEqual(status, 404)

    def test_search_by_words_abbreviations_and_codes(self):
        q = urllib.parse.quote
        status, _, doc = self.get("/api/v1/norms?q=" + q("трубопроводов стальных"))
        self.assertEqual(status, 200, doc)
        self.assertIn("16-02-005-02", [h["code"] for h in doc["items"]])
        status, _, doc = self.get("/api/v1/norms?q=" + q("ПНР водоснабжения"))
        self.assertEqual(doc["items"][0]["family"], "gesnp")
        status, _, doc = self.get("/api/v1/norms?q=" + q("ГЭСН16-06"))
        self.assertEqual([h["code"] for h in doc["items"]], ["16-06-005-01"])
        status, _, doc = self.get("/api/v1/norms?q=" + q("кровель") + "&family=gesnp")
        self.assertEqual(doc["items"], [])
        status, _, doc = self.get("/api/v1/resources?q=" + q("91.05"))
        self.assertEqual(status, 200)
        self.assertTrue(doc["items"])
        self.assertTrue(all(h["code"].startswith("91.05") for h in doc["items"]))
        status, _, doc = self.get("/api/v1/norms?q=x&limit=abc")
        self.assertEqual(status, 400)
        self.assertTrue(doc["detail"].startswith("limit:"))

    def test_highlights_are_start_end_in_characters(self):
        # The browser marks the matched words by these offsets: [start, end) in characters
        # (UTF-16 code units), not the search's byte offsets and lengths.
        status, _, doc = self.get("/api/v1/norms?q=" + urllib.parse.quote("стальных трубопроводов"))
        self.assertEqual(status, 200, doc)
        hit = next(h for h in doc["items"] if h["code"] == "16-02-005-02")
        marked = [hit["name"][start:end] for start, end in hit["name_highlights"]]
        self.assertTrue(marked, hit)
        for word in marked:
            self.assertRegex(word.lower(), r"^(стальн|трубопровод)", hit["name_highlights"])
        plain = hit["name_highlighted"].replace("<mark>", "").replace("</mark>", "")
        self.assertEqual(plain, hit["name"])


if __name__ == "__main__":
    unittest.main()
