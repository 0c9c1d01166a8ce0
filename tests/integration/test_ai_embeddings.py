"""The norm suggestion's meaning from an OpenAI-compatible /embeddings endpoint
(OPENAI_EMBEDDING_MODEL with OPENAI_API_KEY, issue 14) instead of fastText: the norms' texts are
embedded once, in batches, and kept under AI_CACHE_DIR; each description is embedded when it is
asked; a restart reads the norms' vectors from the cache; a provider that fails on a description
leaves the suggestion ranking on the words. The provider is a local server speaking the protocol
(POST /v1/embeddings: {"model", "input": [...]} → {"data": [{"index", "embedding"}]})."""
import hashlib
import http.server
import json
import math
import re
import shutil
import tempfile
import unittest

from api_client import add_user, call, import_demo_base, login, until_ready
from harness import OwnDatabase, Service, send_json, start_fake_server, stop_fake_server

SECRETS = {"JWT_SECRET": "s" * 40, "JWT_REFRESH_SECRET": "r" * 40, "RATE_LIMIT_LIMIT": "100000"}
KEY = "sk-embeddings-test-key"
DIM = 48


def embed(text):
    """Words hashed into DIM buckets, by their first five letters: texts sharing words are near."""
    v = [0.0] * DIM
    for w in re.findall(r"\w+", text.lower()):
        v[int(hashlib.md5(w[:5].encode()).hexdigest(), 16) % DIM] += 1.0
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / n for x in v]


class FakeEmbeddings:
    def __init__(self):
        self.requests = []
        self.fail = False
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                if fake.fail:
                    status, payload = 500, {"error": {"message": "overloaded", "type": "server_error"}}
                else:
                    status, payload = 200, {"object": "list", "model": body["model"], "data": [
                        {"object": "embedding", "index": i, "embedding": embed(t)} for i, t in enumerate(body["input"])]}
                send_json(self, status, payload)

        self.server = start_fake_server(Handler)
        self.url = "http://127.0.0.1:%d/v1" % self.server.server_address[1]

    def close(self):
        stop_fake_server(self.server)


class RemoteEmbeddings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        add_user(cls.db, "ilya@embed.test", "estimator", org_name="Смыслы")
        cls.api = FakeEmbeddings()
        cls.cache = tempfile.mkdtemp(prefix="estimate-ai-embed-")

    @classmethod
    def tearDownClass(cls):
        cls.api.close()
        cls.db.destroy()
        shutil.rmtree(cls.cache, ignore_errors=True)

    def serve(self):
        env = dict(SECRETS, AI_CACHE_DIR=self.cache, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=self.api.url,
                   OPENAI_EMBEDDING_MODEL="local-embedder")
        svc = Service(env=env, database_url=self.db.url, migrate=False)
        return svc, login(svc, "ilya@embed.test")["access_token"]

    def suggest(self, svc, token, text, unit):
        return until_ready(lambda: call(svc, "POST", "/api/v1/ai/suggest",
                                        {"text": text, "unit": unit, "limit": 5}, token=token))

    def test_the_meaning_comes_from_the_embeddings_api_and_is_kept(self):
        svc, token = self.serve()
        try:
            r = self.suggest(svc, token, "монтаж водомера Ду32", "шт")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["suggestions"][0]["code"], "16-06-005-01")
            meaning = [x for x in r.json["suggestions"][0]["reasons"] if x["kind"] == "meaning"]
            self.assertTrue(meaning, r.json["suggestions"][0]["reasons"])
        finally:
            svc.stop()
        batches = [q for q in self.api.requests if len(q["body"]["input"]) > 1]
        self.assertTrue(batches)
        self.assertEqual(sum(len(q["body"]["input"]) for q in batches), 16)  # the demo base's norms
        for q in self.api.requests:
            self.assertEqual(q["path"], "/v1/embeddings")
            self.assertEqual(q["auth"], "Bearer " + KEY)
            self.assertEqual(q["body"]["model"], "local-embedder")
        self.assertIn(["монтаж водомера Ду32"], [q["body"]["input"] for q in self.api.requests])

        # Restarted: the norms' vectors come from the cache; only the descriptions are asked.
        before = len(self.api.requests)
        svc, token = self.serve()
        try:
            self.assertEqual(self.suggest(svc, token, "водомер Ду32", "шт").status, 200)
            asked = self.api.requests[before:]
            self.assertEqual([q["body"]["input"] for q in asked], [["водомер Ду32"]])
            # The provider failing on a description: the words still rank.
            self.api.fail = True
            r = self.suggest(svc, token, "установка счетчика воды", "шт")
            self.assertEqual(r.status, 200, r)
            self.assertTrue(r.json["suggestions"])
        finally:
            self.api.fail = False
            svc.stop()
        for line in svc.log_lines:
            self.assertNotIn(KEY, line)


if __name__ == "__main__":
    unittest.main()
