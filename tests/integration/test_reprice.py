"""Re-pricing an estimate into another price set (issue 15): POST /api/v1/estimates/{id}/reprice
takes every price of the estimate from the active release's prices of another quarter (here the
demo base's 2025-Q2 and a 2025-Q3 made from it, 10 % dearer, one material left out), as one
version: the totals are those `calc` computes of the re-priced document, a position whose price the
quarter lacks is kept as it was and listed, and re-pricing back gives the original figures to the
kopeck."""
import copy
import decimal
import json
import os
import shutil
import tempfile
import unittest

from api_client import DEMO, Org, add_user, login
from harness import ROOT, OwnDatabase, Service

SECRETS = {"JWT_SECRET": "s" * 40, "JWT_REFRESH_SECRET": "r" * 40, "RATE_LIMIT_LIMIT": "100000"}
LEFT_OUT = "01.7.07.29-0101"  # ветошь: no price in 2025-Q3


def dearer(text):
    d = decimal.Decimal(text) * decimal.Decimal("1.1")
    return str(d.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP))


class Reprice(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="estimate-reprice-")
        q2 = os.path.join(DEMO, "prices_28_1_2025-Q2")
        q3 = os.path.join(cls.tmp, "prices_28_1_2025-Q3")
        os.makedirs(q3)
        with open(os.path.join(q2, "current_prices.json"), encoding="utf-8") as f:
            prices = json.load(f)
        for group in prices["items"]:
            group["items"] = [dict(x, estimatedPrice=dearer(x["estimatedPrice"]))
                              for x in group["items"] if x["code"] != LEFT_OUT]
        with open(os.path.join(q3, "current_prices.json"), "w", encoding="utf-8") as f:
            json.dump(prices, f, ensure_ascii=False)
        with open(os.path.join(q2, "worker_salary.json"), encoding="utf-8") as f:
            salaries = json.load(f)
        for x in salaries["items"]:
            x["salary"] = dearer(x["salary"])
        with open(os.path.join(q3, "worker_salary.json"), "w", encoding="utf-8") as f:
            json.dump(salaries, f, ensure_ascii=False)
        cls.db = OwnDatabase()
        r = cls.db.cli(["import", DEMO, q3, "--region", "28", "--zone", "1", "--quarter", "2025-Q2"], timeout=300)
        if r.returncode != 0:
            raise RuntimeError("import failed: " + r.stderr)
        add_user(cls.db, "rita@reprice.test", "estimator", org_name="Переоценка")
        add_user(cls.db, "vova@reprice.test", "viewer", org_name="Переоценка")
        cls.svc = Service(env=SECRETS, database_url=cls.db.url, migrate=False)
        cls.org = Org(cls.svc, login(cls.svc, "rita@reprice.test")["access_token"])
        cls.object = cls.org.object(cls.org.project())

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def reprice(self, estimate_id, body, token=None):
        return self.org.call("POST", "/api/v1/estimates/%d/reprice" % estimate_id, body,
                             {"If-Match": self.org.etag(estimate_id)}, token=token)

    def calc_of_document(self, estimate_id):
        doc = self.org.ok("GET", "/api/v1/estimates/%d/document" % estimate_id).json
        r = self.org.call("POST", "/api/v1/calc", doc)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_into_another_quarter_and_back(self):
        e = self.org.estimate(self.object, codes=("ГЭСН16-02-005-05", "ГЭСН06-01-001-01", "ГЭСН16-06-005-01"),
                              quantity="2")
        before = self.org.ok("GET", "/api/v1/estimates/%d" % e["id"]).json
        r = self.reprice(e["id"], {"quarter": "2025-Q3"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["price_set"], {"release_id": r.json["price_set"]["release_id"], "region": "28",
                                               "zone": "1", "quarter": "2025-Q3"})
        # The water meter's norm uses the rag the new quarter lacks: kept as it was, and said.
        kept = r.json["kept"]
        self.assertEqual([k["position_id"] for k in kept], [e["positions"][2]])
        self.assertEqual(kept[0]["missing"], [LEFT_OUT])
        after = self.org.ok("GET", "/api/v1/estimates/%d" % e["id"]).json
        self.assertEqual(after["quarter"], "2025-Q3")
        self.assertNotEqual(after["totals"]["total"], before["totals"]["total"])
        # The figures are those calc gives of the re-priced document.
        calc = self.calc_of_document(e["id"])
        for key in ("ot", "em", "otm", "m", "overhead", "profit", "total"):
            self.assertEqual(after["totals"][key], calc["totals"][key], key)
        rows = {p["id"]: p for s in after["sections"] for p in s["positions"]}
        old_rows = {p["id"]: p for s in before["sections"] for p in s["positions"]}
        self.assertEqual(rows[e["positions"][2]]["figures"], old_rows[e["positions"][2]]["figures"])
        self.assertNotEqual(rows[e["positions"][0]]["figures"]["total"], old_rows[e["positions"][0]]["figures"]["total"])
        # The versions' diff names the changed positions.
        diff = self.org.ok("GET", "/api/v1/estimates/%d/diff?from=%d&to=%d" % (
            e["id"], r.json["from_version"], r.json["version"])).json
        self.assertTrue(diff)

        # Back into 2025-Q2: the original figures to the kopeck.
        back = self.reprice(e["id"], {"quarter": "2025-Q2"})
        self.assertEqual(back.status, 200, back)
        self.assertEqual(back.json["kept"], [])
        again = self.org.ok("GET", "/api/v1/estimates/%d" % e["id"]).json
        self.assertEqual(again["totals"], before["totals"])
        self.assertEqual({p["id"]: p["figures"] for s in again["sections"] for p in s["positions"]},
                         {p["id"]: p["figures"] for s in before["sections"] for p in s["positions"]})

    def test_every_estimate_of_an_object_or_project(self):
        obj = self.org.object(self.org.project("Квартал"), "Дом 2")
        draft = self.org.estimate(obj, codes=("ГЭСН06-01-001-01",))
        sent = self.org.estimate(obj, codes=("ГЭСН16-02-005-05",))
        self.org.set_status(sent["id"], "review")
        r = self.org.call("POST", "/api/v1/objects/%d/reprice" % obj, {"quarter": "2025-Q3"})
        self.assertEqual(r.status, 200, r)
        outcome = {e["estimate_id"]: e for e in r.json["estimates"]}
        self.assertEqual(outcome[draft["id"]]["outcome"], "repriced")
        self.assertEqual(outcome[sent["id"]]["outcome"], "skipped")
        self.assertIn("не черновик", outcome[sent["id"]]["detail"])
        self.assertEqual(self.org.ok("GET", "/api/v1/estimates/%d" % draft["id"]).json["quarter"], "2025-Q3")
        self.assertEqual(self.org.ok("GET", "/api/v1/estimates/%d" % sent["id"]).json["quarter"], "2025-Q2")
        project = self.org.ok("GET", "/api/v1/objects/%d" % obj).json["project_id"]
        r = self.org.call("POST", "/api/v1/projects/%d/reprice" % project, {"quarter": "2025-Q2"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual({e["estimate_id"]: e["outcome"] for e in r.json["estimates"]},
                         {draft["id"]: "repriced", sent["id"]: "skipped"})
        self.assertEqual(self.org.call("POST", "/api/v1/objects/999999/reprice", {"quarter": "2025-Q3"}).status, 404)

    def test_the_command_re_prices_a_document_as_the_api_does(self):
        e = self.org.estimate(self.object, codes=("ГЭСН16-02-005-05", "ГЭСН16-06-005-01"), quantity="3")
        doc = self.org.ok("GET", "/api/v1/estimates/%d/document" % e["id"]).json
        path = os.path.join(self.tmp, "doc-%d.json" % e["id"])
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        r = self.db.cli(["reprice", path, "--region", "28", "--quarter", "2025-Q3"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kept as it was: sections[0].positions[1]", r.stderr)
        self.assertIn(LEFT_OUT, r.stderr)
        repriced = json.loads(r.stdout)
        by_command = self.org.call("POST", "/api/v1/calc", repriced).json["totals"]
        self.assertEqual(self.reprice(e["id"], {"quarter": "2025-Q3"}).status, 200)
        by_api = self.org.ok("GET", "/api/v1/estimates/%d" % e["id"]).json["totals"]
        for key in ("ot", "em", "otm", "m", "overhead", "profit", "total"):
            self.assertEqual(by_command[key], by_api[key], key)
        r = self.db.cli(["reprice", path, "--region", "28", "--quarter", "2031-Q1"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("holds no prices of region 28, zone 1, quarter 2031-Q1", r.stderr)

    def test_refusals(self):
        e = self.org.estimate(self.object, codes=("ГЭСН16-02-005-05",))
        r = self.reprice(e["id"], {"quarter": "2031-Q1"})
        self.assertEqual(r.status, 404, r)
        self.assertIn("2031-Q1", r.json["detail"])
        r = self.reprice(e["id"], {"release_id": 999999})
        self.assertEqual(r.status, 409, r)
        stale = self.org.call("POST", "/api/v1/estimates/%d/reprice" % e["id"], {"quarter": "2025-Q3"},
                              {"If-Match": '"1"'})
        self.assertEqual(stale.status, 412, stale)
        viewer = login(self.svc, "vova@reprice.test")["access_token"]
        r = self.reprice(e["id"], {"quarter": "2025-Q3"}, token=viewer)
        self.assertEqual(r.status, 403, r)


if __name__ == "__main__":
    unittest.main()


# ---- the two ПК РИК estimates: into another price set and back ---------------------------------

GOLDEN = os.path.join(ROOT, "tests", "golden")
RIK = ("rik_02-01-02_remont_otopleniya", "rik_02-01-05_vodomernyi_uzel")


def rik_documents():
    out = []
    for case in RIK:
        with open(os.path.join(GOLDEN, case, "input.json"), encoding="utf-8") as f:
            doc = json.load(f)
        # The service refuses negative quantities (ЛСР 02-01-02 deducts joints in positions 14
        # and 35): re-priced without those two deductions, as test_estimate_check does.
        for i, s in enumerate(doc["sections"]):
            s["name"] = s.get("name") or "Раздел %d" % (i + 1)
            s["positions"] = [p for p in s["positions"] if not p.get("quantity", "0").startswith("-")]
        out.append(doc)
    return out


def rik_price_files(docs, folder, region, quarter, percent):
    """The price set the РИК estimates were priced in, read off their own lines, `percent` of it:
    current prices of the lines priced so, the labour and machinists' rates, and the index of each
    line priced by base × index (as ФГИС ЦС's ГОСР report gives it); codes priced two ways are
    left out (their positions are then kept as they were). Also the price book of the base prices
    (ФСБЦ XML). Returns the book's path."""
    current, labor, index, book, conflicts = {}, {}, {}, {}, set()

    def put(d, code, value):
        if d.get(code, value) != value:
            conflicts.add(code)
        d.setdefault(code, value)

    for doc in docs:
        for s in doc["sections"]:
            for p in s["positions"]:
                lines = p.get("resources", []) + p.get("extra", []) + ([p] if p.get("type") == "resource" else [])
                for r in lines:
                    code = r.get("code")
                    if not code or r.get("consumption") == "П":
                        continue
                    if r["kind"] == "labor" and "price" in r:
                        put(labor, code, r["price"])
                    elif "price" in r:
                        put(current, code, r["price"])
                    elif "base_price" in r and "index" in r:
                        put(book, code, (r["kind"], r["name"], r["unit"], r["base_price"]))
                        put(index, code, r["index"])
                    m = r.get("machinist")
                    if m and "price" in m:
                        put(labor, m["code"], m["price"])
    for d in (current, labor, index, book):
        for code in conflicts:
            d.pop(code, None)
    for code in set(current) & set(book):  # one code, two ways in different estimates
        current.pop(code)
        book.pop(code)
        index.pop(code)

    def scaled(text, places=2):
        d = decimal.Decimal(text) * decimal.Decimal(percent) / 100
        return str(d.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP))

    os.makedirs(folder)
    with open(os.path.join(folder, "current_prices.json"), "w", encoding="utf-8") as f:
        json.dump({"items": [{"id": 1, "items": [{"code": c, "estimatedPrice": scaled(v)} for c, v in sorted(current.items())]}],
                   "total": len(current)}, f, ensure_ascii=False)
    with open(os.path.join(folder, "worker_salary.json"), "w", encoding="utf-8") as f:
        json.dump({"items": [{"code": c, "salary": scaled(v)} for c, v in sorted(labor.items())],
                   "total": len(labor)}, f, ensure_ascii=False)
    from fake_fgis import indices_report
    with open(os.path.join(folder, "group_indices.xlsx"), "wb") as f:
        f.write(indices_report([[c, book[c][1], book[c][2], float(book[c][3]), 1, "Группа", scaled(v)]
                                for c, v in sorted(index.items())]))
    from xml.sax.saxutils import quoteattr
    book_file = os.path.join(os.path.dirname(folder), "fsbc_rik.xml")
    rows = []
    for code, (kind, name, unit, base) in sorted(book.items()):
        price = ('<Price SalaryMach="0" LabourMach="0" PriceCostWithoutSalary="%s" WithRelocation="false"/>' % base
                 if kind == "machine" else '<Price Cost="%s" OptCost="%s"/>' % (base, base))
        rows.append('<Resource Code=%s Name=%s MeasureUnit=%s><Prices>%s</Prices></Resource>'
                    % (quoteattr(code), quoteattr(name), quoteattr(unit), price))
    machines = [r for r in rows if 'Code="91.' in r]
    others = [r for r in rows if 'Code="91.' not in r]
    with open(book_file, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<ResourceCatalog><ResourcesDirectory>'
                '<ResourceCategory Type="Материалы"><Section Name="Ресурсы РИК" Code="01" Type="Книга">%s</Section></ResourceCategory>'
                '<ResourceCategory Type="МашиныМеханизмы"><Section Name="Машины РИК" Code="91" Type="Книга">%s</Section></ResourceCategory>'
                '</ResourcesDirectory></ResourceCatalog>\n' % ("".join(others), "".join(machines)))
    return book_file


class RikRoundTrip(unittest.TestCase):
    """The two ПК РИК estimates, stored from their documents with the price set they were made in
    (2026-Q2 of a region 77 made of their own prices), re-priced into 2026-Q3 (every price, rate
    and index 10 % higher): the totals equal `calc` of the re-priced documents; re-priced back into
    2026-Q2, every figure is the original to the kopeck."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="estimate-reprice-rik-")
        docs = rik_documents()
        book = rik_price_files(docs, os.path.join(cls.tmp, "prices_77_1_2026-Q2"), "77", "2026-Q2", 100)
        rik_price_files(docs, os.path.join(cls.tmp, "q3", "prices_77_1_2026-Q3"), "77", "2026-Q3", 110)
        cls.db = OwnDatabase()
        # A release of the РИК estimates' own price book and the two price sets (the demo base's
        # book gives some of the same codes other base prices).
        r = cls.db.cli(["import", book, os.path.join(cls.tmp, "prices_77_1_2026-Q2"),
                        os.path.join(cls.tmp, "q3", "prices_77_1_2026-Q3"), "--name", "Цены РИК"], timeout=300)
        if r.returncode != 0:
            raise RuntimeError("import failed: " + r.stderr + r.stdout)
        add_user(cls.db, "rik@reprice.test", "estimator", org_name="РИК")
        cls.svc = Service(env=SECRETS, database_url=cls.db.url, migrate=False)
        cls.org = Org(cls.svc, login(cls.svc, "rik@reprice.test")["access_token"])
        cls.object = cls.org.object(cls.org.project())
        cls.docs = dict(zip(RIK, docs))

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def figures(self, estimate_id):
        view = self.org.ok("GET", "/api/v1/estimates/%d" % estimate_id).json
        positions = [(p["number"], p["figures"]) for s in view["sections"] for p in s["positions"]]
        return view["totals"], positions

    def round_trip(self, case):
        header = {"region": "77", "zone": "1", "quarter": "2026-Q2", "date": "2026-05-01", "method": "resource-index"}
        doc = self.docs[case]
        e = self.org.ok("POST", "/api/v1/objects/%d/estimates" % self.object,
                        dict(header, name=doc["name"], document=doc)).json["id"]
        original = self.figures(e)

        r = self.org.call("POST", "/api/v1/estimates/%d/reprice" % e, {"quarter": "2026-Q3"},
                          {"If-Match": self.org.etag(e)})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["kept"], [], "every position has its prices in 2026-Q3")
        dearer = self.figures(e)
        self.assertNotEqual(dearer[0]["total"], original[0]["total"])
        document = self.org.ok("GET", "/api/v1/estimates/%d/document" % e).json
        calc = self.org.call("POST", "/api/v1/calc", document)
        self.assertEqual(calc.status, 200, calc)
        for key in ("ot", "em", "otm", "m", "overhead", "profit", "total"):
            self.assertEqual(dearer[0][key], calc.json["totals"][key], key)

        r = self.org.call("POST", "/api/v1/estimates/%d/reprice" % e, {"quarter": "2026-Q2"},
                          {"If-Match": self.org.etag(e)})
        self.assertEqual(r.status, 200, r)
        back = self.figures(e)
        self.assertEqual(back[0], original[0])
        self.assertEqual(back[1], original[1])

    def test_remont_otopleniya(self):
        self.round_trip("rik_02-01-02_remont_otopleniya")

    def test_vodomernyi_uzel(self):
        self.round_trip("rik_02-01-05_vodomernyi_uzel")
