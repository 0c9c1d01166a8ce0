"""A bill of quantities (ВОР) made into a draft estimate with the assistant (issue 14):
POST /api/v1/ai/boq suggests a norm for each line without a code, with its confidence and two
alternatives, and marks the lines the estimator should look at; POST /api/v1/ai/boq/draft
creates the draft with the norms the estimator accepted or chose instead (quantities brought to
the norm's unit) and records the choices, so that the next review of the same description in
the organization — and only in it — ranks the chosen norm first."""
import time
import unittest

from api_client import Org, add_user, import_demo_base, login
from harness import OwnDatabase, Service
from test_documents import multipart

SECRETS = {"JWT_SECRET": "s" * 40, "JWT_REFRESH_SECRET": "r" * 40, "RATE_LIMIT_LIMIT": "100000"}

# As estimators write them: word order changed, shorthand, figures in the norm's ranges.
VOR = (
    "№ п/п;Наименование работ;Ед. изм.;Кол-во;Шифр\n"
    "Раздел 1. Водопровод;;;;\n"
    "1;Прокладка водопровода из стальных оцинкованных труб Ду50;м;150;\n"
    "2;Монтаж водомера (счетчика воды) Ду32;шт;2;\n"
    "3;Кладка наружных стен из кирпича, этаж 3,3 м;м3;12,5;\n"
    "4;Разработка грунта экскаватором в отвал, грунт 2 группы;м3;850;ГЭСН 01-01-013-02\n"
    "5;Уборка строительного мусора вручную;т;3;\n"
)


class Boq(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        add_user(cls.db, "vera@boq.test", "estimator", org_name="Сметы")
        add_user(cls.db, "gleb@other.test", "estimator", org_name="Другие сметы")
        cls.svc = Service(env=SECRETS, database_url=cls.db.url, migrate=False)
        cls.org = Org(cls.svc, login(cls.svc, "vera@boq.test")["access_token"])
        cls.other = Org(cls.svc, login(cls.svc, "gleb@other.test")["access_token"])
        cls.object = cls.org.object(cls.org.project())

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def review(self, org=None, text=VOR):
        body, ctype = multipart({}, {"file": ("ВОР водопровод.csv", text.encode("utf-8"))})
        deadline = time.monotonic() + 300
        while True:
            r = (org or self.org).call("POST", "/api/v1/ai/boq", body, {"Content-Type": ctype})
            if r.status != 503:
                return r
            self.assertIn("retry-after", r.headers)
            self.assertLess(time.monotonic(), deadline, "the model never became ready")
            time.sleep(1)

    def test_a_review_suggests_norms_with_confidence_and_alternatives(self):
        r = self.review()
        self.assertEqual(r.status, 200, r)
        lines = r.json["lines"]
        self.assertEqual([l["name"][:10] for l in lines],
                         ["Прокладка ", "Монтаж вод", "Кладка нар", "Разработка", "Уборка стр"])
        by_row = {l["number"]: l for l in lines}
        self.assertEqual(by_row["1"]["suggestion"]["code"], "ГЭСН 16-02-005-05")
        self.assertEqual(by_row["2"]["suggestion"]["code"], "ГЭСН 16-06-005-01")
        self.assertEqual(by_row["3"]["suggestion"]["code"], "ГЭСН 08-02-001-01")
        # The file's own code is kept.
        self.assertEqual(by_row["4"]["suggestion"]["source"], "file")
        self.assertEqual(by_row["4"]["suggestion"]["code"], "ГЭСН 01-01-013-02")
        for n in ("1", "2", "3"):
            line = by_row[n]
            self.assertEqual(line["suggestion"]["source"], "assistant")
            self.assertIn(line["suggestion"]["confidence"], ("high", "medium", "low"))
            self.assertEqual(len(line["alternatives"]), 2, line)
            codes = [line["suggestion"]["code"]] + [a["code"] for a in line["alternatives"]]
            self.assertEqual(len(set(codes)), 3)
        # Nothing in the demo base is about cleaning up debris: the line is marked.
        self.assertTrue(by_row["5"]["low_confidence"], by_row["5"])
        self.assertFalse(by_row["4"]["low_confidence"])

    def test_the_draft_takes_the_choices_and_the_next_review_ranks_them_first(self):
        lines = self.review().json["lines"]
        by_row = {l["number"]: l for l in lines}
        # The estimator corrects line 1 (the 25 mm pipe instead of 50 mm), accepts 2 and 4,
        # leaves 3 and 5 without a norm.
        corrected = "ГЭСН 16-02-005-02"
        self.assertNotEqual(by_row["1"]["suggestion"]["code"], corrected)
        chosen = {"1": corrected, "2": by_row["2"]["suggestion"]["code"], "4": by_row["4"]["suggestion"]["code"]}
        draft = [dict(row=l["row"], number=l["number"], section=l["section"], name=l["name"],
                      unit=l["unit"], quantity=l["quantity"], code=chosen.get(l["number"]),
                      suggested=(l["suggestion"] or {}).get("code")) for l in lines]
        r = self.org.call("POST", "/api/v1/ai/boq/draft", {
            "object_id": self.object, "name": "Водопровод по ВОР", "region": "28", "zone": "1",
            "quarter": "2025-Q2", "lines": draft})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["priced"], 3)
        view = self.org.ok("GET", "/api/v1/estimates/%d" % r.json["estimate_id"]).json
        self.assertEqual(view["name"], "Водопровод по ВОР")
        positions = {p["number"]: p for s in view["sections"] for p in s["positions"]}
        self.assertEqual(positions["1"]["code"].replace(" ", ""), corrected.replace(" ", ""))
        # 150 м of a norm on «100 м».
        self.assertEqual(positions["1"]["quantity"], "1.5")
        self.assertEqual(positions["1"]["unit"], "100 м")
        self.assertTrue(positions["1"]["figures"]["total"] not in ("0", "0.00"))
        self.assertEqual(positions["2"]["quantity"], "2")
        self.assertEqual(positions["4"]["quantity"], "0.85")  # 850 м3 of a norm on «1000 м3»
        self.assertEqual(positions["3"]["type"], "resource")  # left without a norm: unpriced
        # The organization's choice now comes first, with its reason; the alternatives follow.
        again = {l["number"]: l for l in self.review().json["lines"]}
        first = again["1"]["suggestion"]
        self.assertEqual(first["code"], corrected)
        self.assertEqual(first["source"], "feedback")
        self.assertIn("выбрана", first["reason"])
        self.assertFalse(again["1"]["low_confidence"])
        # Another organization is not taught by this one.
        theirs = {l["number"]: l for l in self.review(self.other).json["lines"]}
        self.assertNotEqual(theirs["1"]["suggestion"]["source"], "feedback")

    def test_bad_uploads_and_drafts(self):
        body, ctype = multipart({}, {"file": ("пусто.csv", b"")})
        self.assertEqual(self.org.call("POST", "/api/v1/ai/boq", body, {"Content-Type": ctype}).status, 400)
        body, ctype = multipart({}, {"file": ("не ВОР.csv", "a;b\n1;2\n".encode())})
        r = self.org.call("POST", "/api/v1/ai/boq", body, {"Content-Type": ctype})
        self.assertEqual(r.status, 400, r)
        self.assertIn("не ВОР.csv", r.json["detail"])
        r = self.org.call("POST", "/api/v1/ai/boq/draft", {
            "object_id": self.object, "lines": [{"name": "x", "unit": "шт", "quantity": "1",
                                                 "code": "ГЭСН 99-99-999-99"}]})
        self.assertEqual(r.status, 400, r)
        self.assertIn("lines[0].code", r.json["detail"])
        # A line in another unit than its norm's is not guessed at.
        r = self.org.call("POST", "/api/v1/ai/boq/draft", {
            "object_id": self.object, "lines": [{"name": "Водопровод", "unit": "км", "quantity": "1.2",
                                                 "code": "ГЭСН 16-02-005-05"}]})
        self.assertEqual(r.status, 400, r)
        self.assertIn("lines[0].quantity", r.json["detail"])
        self.assertIn("«100 м»", r.json["detail"])
        r = self.other.call("POST", "/api/v1/ai/boq/draft", {
            "object_id": self.object, "lines": [{"name": "x", "unit": "шт", "quantity": "1"}]})
        self.assertEqual(r.status, 404, r)


if __name__ == "__main__":
    unittest.main()
