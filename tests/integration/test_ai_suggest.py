"""The assistant's norm suggestion over HTTP (issue 14): POST /api/v1/ai/suggest on the real
ГЭСНп and ГЭСНмр files of ../shared. The model is prepared on a thread of its own when the
service starts: until it is ready the route answers 503 with Retry-After and never blocks; then
it ranks norms for plain descriptions with their reasons, and a restart loads the model kept
under AI_CACHE_DIR instead of training again. The ai role alone (no api role) serves it too,
with tokens of the same secret."""
import os
import shutil
import tempfile
import time
import unittest

from api_client import PROBLEM, add_user, call, login
from harness import ROOT, OwnDatabase, Service

SAMPLES = os.path.join(os.path.normpath(os.path.join(ROOT, "..", "shared")), "samples")
SECRETS = {"JWT_SECRET": "s" * 40, "JWT_REFRESH_SECRET": "r" * 40, "RATE_LIMIT_LIMIT": "100000"}


class Suggest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        r = cls.db.cli(["import", os.path.join(SAMPLES, "fsnb2022_dop15_GESNp.xml"),
                        os.path.join(SAMPLES, "fsnb2022_dop15_GESNmr.xml")], timeout=300)
        if r.returncode != 0:
            raise RuntimeError("import failed: " + r.stderr)
        add_user(cls.db, "ann@ai.test", "estimator", org_name="Сметчики")
        cls.cache = tempfile.mkdtemp(prefix="estimate-ai-cache-")
        # Not the assistant's: whatever AI_CACHE_DIR points at, these are never removed.
        os.makedirs(os.path.join(cls.cache, "uploads"))
        with open(os.path.join(cls.cache, "uploads", "keep.txt"), "w") as f:
            f.write("a user's file")
        cls.env = dict(SECRETS, AI_CACHE_DIR=cls.cache)
        cls.svc = Service(env=cls.env, database_url=cls.db.url, migrate=False)
        cls.token = login(cls.svc, "ann@ai.test")["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()
        shutil.rmtree(cls.cache, ignore_errors=True)

    def suggest(self, body, svc=None, token=None):
        return call(svc or self.svc, "POST", "/api/v1/ai/suggest", body,
                    token=token if token is not None else self.token)

    def ready(self, svc=None, token=None, timeout=300):
        """Asks until the model answers; every answer before is 503 with Retry-After."""
        deadline = time.monotonic() + timeout
        waited = 0
        while True:
            r = self.suggest({"text": "наладка насоса"}, svc, token)
            if r.status == 200:
                return waited
            self.assertEqual(r.status, 503, r)
            self.assertIn("retry-after", r.headers)
            self.assertIn("release", r.detail)
            waited += 1
            self.assertLess(time.monotonic(), deadline, "the model never became ready")
            time.sleep(1)

    def test_a_plain_description_gets_the_norm_of_its_range_with_reasons(self):
        self.ready()
        r = self.suggest({"text": "пусконаладка синхронного генератора 6,3 кВ мощностью 10 МВт",
                          "unit": "шт", "quantity": "1", "family": "gesnp", "limit": 5})
        self.assertEqual(r.status, 200, r)
        doc = r.json
        self.assertTrue(doc["release"]["current"])
        codes = [s["code"] for s in doc["suggestions"]]
        self.assertEqual(len(codes), 5)
        # «до 12 МВт» holds 10 MW; «до 2,5 МВт» does not.
        self.assertEqual(codes[0], "01-01-001-04", codes)
        best = doc["suggestions"][0]
        self.assertEqual(best["family"], "gesnp")
        kinds = {x["kind"] for x in best["reasons"]}
        self.assertTrue({"terms", "number", "unit", "collection", "meaning"} <= kinds, kinds)
        number = [x for x in best["reasons"] if x["kind"] == "number" and not x["against"]]
        self.assertTrue(any("«10 МВт» в диапазоне нормы «до 12 МВт»" in x["text"] for x in number),
                        best["reasons"])
        scores = [s["score"] for s in doc["suggestions"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertIn(best["confidence"], ("high", "medium", "low"))
        self.assertTrue(all(s["family"] == "gesnp" for s in doc["suggestions"]))

    def test_the_model_is_kept_and_nothing_else_in_its_folder_is_touched(self):
        self.ready()
        entries = sorted(os.listdir(self.cache))
        self.assertIn("uploads", entries)
        self.assertTrue(os.path.exists(os.path.join(self.cache, "uploads", "keep.txt")))
        models = [e for e in entries if len(e) == 16]
        self.assertEqual(len(models), 1, entries)
        self.assertEqual(sorted(os.listdir(os.path.join(self.cache, models[0]))),
                         ["complete", "model.bin", "model.bin.idf", "norms.hnsw", "norms.vec"])
        self.assertLess(os.path.getsize(os.path.join(self.cache, models[0], "model.bin")),
                        64 * 1024 * 1024)

    def test_a_line_pasted_from_a_bill_with_tabs_is_one_description(self):
        self.ready()
        r = self.suggest({"text": "1\tПНР синхронного генератора 10 МВт\tшт\t1"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["suggestions"])
        r = self.suggest({"text": "ж" * 2001})
        self.assertEqual(r.status, 400, r)
        self.assertIn("text", r.detail)

    def test_bad_requests_name_the_field(self):
        cases = [({"text": "  "}, "text"),
                 ({"text": "наладка", "family": "gesnx"}, "family"),
                 ({"text": "наладка", "limit": 0}, "limit"),
                 ({"text": "наладка", "quantity": "семь"}, "quantity"),
                 ({"text": "наладка", "colour": "red"}, "colour")]
        for body, field in cases:
            r = self.suggest(body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertEqual(r.headers["content-type"], PROBLEM)
            self.assertIn(field, r.detail, body)

    def test_a_token_is_needed(self):
        r = call(self.svc, "POST", "/api/v1/ai/suggest", {"text": "наладка насоса"})
        self.assertEqual(r.status, 401, r)

    def test_a_restart_loads_the_model_instead_of_training(self):
        self.ready()
        other = Service(env=self.env, database_url=self.db.url, migrate=False)
        try:
            token = login(other, "ann@ai.test")["access_token"]
            started = time.monotonic()
            self.ready(other, token)
            self.assertLess(time.monotonic() - started, 30)
            self.assertTrue(any("norm suggestion ready" in line and "loaded" in line
                                for line in other.log_lines), other.log_lines[-20:])
        finally:
            other.stop()

    def test_the_ai_role_alone_serves_it_with_the_same_tokens(self):
        self.ready()
        alone = Service(env=self.env, database_url=self.db.url, migrate=False,
                        args=["--roles", "ai"])
        try:
            self.ready(alone, self.token)
            r = self.suggest({"text": "ревизия задвижки Ду100"}, alone)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(call(alone, "POST", "/api/v1/auth/login", {}).status, 404)
        finally:
            alone.stop()


if __name__ == "__main__":
    unittest.main()
