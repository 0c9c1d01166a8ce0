"""The norm suggestion with its vectors in Chroma (CHROMA_URL, issue 14): the service fills a
collection of the release's model with the norms' vectors and asks Chroma for the nearest ones —
here a local server speaking Chroma's HTTP API v2 (collections, upsert, count, query), cosine by
brute force. The answers are those of the local index; a second start finds the collection full
and does not send it again; a Chroma gone silent leaves the suggestion working on the text."""
import http.server
import json
import math
import shutil
import tempfile
import unittest

from api_client import Org, add_user, call, import_demo_base, login, until_ready
from harness import OwnDatabase, Service, send_json, start_fake_server, stop_fake_server

SECRETS = {"JWT_SECRET": "s" * 40, "JWT_REFRESH_SECRET": "r" * 40, "RATE_LIMIT_LIMIT": "100000"}
PREFIX = "/api/v2/tenants/default_tenant/databases/default_database/collections"
TOKEN = "chroma-secret-token"


class FakeChroma:
    def __init__(self):
        self.collections = {}  # id → {"name", "records": {id: vector}}
        self.calls = []
        self.down = False
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body):
                send_json(self, status, body)

            def handle_any(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.calls.append((method, self.path, self.headers.get("x-chroma-token")))
                if fake.down:
                    return self.answer(503, {"error": "Unavailable", "message": "shutting down"})
                if self.headers.get("x-chroma-token") != TOKEN:
                    return self.answer(401, {"error": "AuthError", "message": "no token"})
                if method == "POST" and self.path == PREFIX:
                    for cid, c in fake.collections.items():
                        if c["name"] == body["name"]:
                            return self.answer(200, {"id": cid, "name": c["name"]})
                    cid = "c%d" % (len(fake.collections) + 1)
                    fake.collections[cid] = {"name": body["name"], "records": {}, "metadata": body.get("metadata")}
                    return self.answer(200, {"id": cid, "name": body["name"]})
                parts = self.path[len(PREFIX) + 1:].split("/")
                c = fake.collections.get(parts[0])
                if c is None:
                    return self.answer(404, {"error": "NotFoundError", "message": "no collection"})
                if method == "GET" and parts[1:] == ["count"]:
                    return self.answer(200, len(c["records"]))
                if method == "POST" and parts[1:] == ["upsert"]:
                    for i, v in zip(body["ids"], body["embeddings"]):
                        c["records"][i] = v
                    return self.answer(200, {})
                if method == "POST" and parts[1:] == ["query"]:
                    q = body["query_embeddings"][0]
                    qn = math.sqrt(sum(x * x for x in q)) or 1.0
                    scored = []
                    for i, v in c["records"].items():
                        vn = math.sqrt(sum(x * x for x in v)) or 1.0
                        scored.append((1.0 - sum(a * b for a, b in zip(q, v)) / (qn * vn), i))
                    scored.sort()
                    top = scored[:body["n_results"]]
                    return self.answer(200, {"ids": [[i for _, i in top]], "distances": [[d for d, _ in top]]})
                return self.answer(404, {"error": "NotFoundError", "message": self.path})

            def do_GET(self):
                self.handle_any("GET")

            def do_POST(self):
                self.handle_any("POST")

        self.server = start_fake_server(Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        stop_fake_server(self.server)


class SuggestWithChroma(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        add_user(cls.db, "nina@chroma.test", "estimator", org_name="Векторы")
        cls.chroma = FakeChroma()
        cls.cache = tempfile.mkdtemp(prefix="estimate-ai-chroma-")

    @classmethod
    def tearDownClass(cls):
        cls.chroma.close()
        cls.db.destroy()
        shutil.rmtree(cls.cache, ignore_errors=True)

    def serve(self, chroma=True):
        env = dict(SECRETS, AI_CACHE_DIR=self.cache)
        if chroma:
            env.update(CHROMA_URL=self.chroma.url, CHROMA_TOKEN=TOKEN)
        svc = Service(env=env, database_url=self.db.url, migrate=False)
        return svc, login(svc, "nina@chroma.test")["access_token"]

    def suggest(self, svc, token, text, unit=None):
        body = {"text": text, "limit": 5}
        if unit:
            body["unit"] = unit
        return until_ready(lambda: call(svc, "POST", "/api/v1/ai/suggest", body, token=token))

    def test_vectors_live_in_chroma_and_answer_as_the_local_index_does(self):
        questions = [("копка траншей лопатами, грунт 2 группы", "м3"), ("водомер Ду32", "шт"),
                     ("наплавляемая кровля в два слоя", "м2")]
        local, token = self.serve(chroma=False)
        try:
            expected = [[s["code"] for s in self.suggest(local, token, q, u).json["suggestions"]] for q, u in questions]
        finally:
            local.stop()
        svc, token = self.serve()
        try:
            got = [[s["code"] for s in self.suggest(svc, token, q, u).json["suggestions"]] for q, u in questions]
        finally:
            svc.stop()
        self.assertEqual([g[0] for g in got], [e[0] for e in expected])
        self.assertEqual(got[1][0], "16-06-005-01")
        self.assertEqual(len(self.chroma.collections), 1)
        collection = next(iter(self.chroma.collections.values()))
        self.assertTrue(collection["name"].startswith("estimate-norms-"), collection["name"])
        self.assertEqual(collection["metadata"], {"hnsw:space": "cosine"})
        self.assertEqual(len(collection["records"]), 16)  # the demo base's norms
        queries = [c for c in self.chroma.calls if c[1].endswith("/query")]
        self.assertGreaterEqual(len(queries), len(questions))
        self.assertTrue(all(c[2] == TOKEN for c in self.chroma.calls))

        # A second start finds the collection full: nothing is sent again.
        upserts = len([c for c in self.chroma.calls if c[1].endswith("/upsert")])
        again, token = self.serve()
        try:
            self.assertEqual(self.suggest(again, token, *questions[1]).status, 200)
            self.assertEqual(len([c for c in self.chroma.calls if c[1].endswith("/upsert")]), upserts)
            # Chroma gone: the suggestion still answers, on the words.
            self.chroma.down = True
            r = self.suggest(again, token, *questions[1])
            self.assertEqual(r.status, 200, r)
            self.assertTrue(r.json["suggestions"], r.json)
        finally:
            self.chroma.down = False
            again.stop()


if __name__ == "__main__":
    unittest.main()
