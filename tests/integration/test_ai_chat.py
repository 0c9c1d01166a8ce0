"""The assistant's chat over HTTP (issue 14): POST /api/v1/ai/chat answers with server-sent events.
Without OPENAI_API_KEY the sources found (methodology notes, the base's technical parts, the
estimate at hand) are the answer, labelled as such, and the service makes no connection to the
configured model server at all. With a key it calls an OpenAI-compatible chat API — here a local
server speaking that protocol (streamed chat completions) — and streams the answer with the
citations; a provider's failure is an `error` event with its message, never the key, in any
answer or log line; tokens and answers are counted on /metrics."""
import http.server
import json
import time
import unittest

from api_client import DEMO, Org, add_user, import_demo_base, login
from harness import (OwnDatabase, Service, SilentListener, metric_value, send_json, start_fake_server,
                     stop_fake_server)

SECRETS = {"JWT_SECRET": "s" * 40, "JWT_REFRESH_SECRET": "r" * 40, "RATE_LIMIT_LIMIT": "100000"}
KEY = "sk-test-very-secret-key-0123456789"
QUESTION = "Какой коэффициент применять при ремонте в помещениях эксплуатируемого здания?"


def events(body):
    """The (event, data) pairs of a text/event-stream body."""
    out = []
    for block in body.decode("utf-8").split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                data.append(line[len("data: "):])
        out.append((name, json.loads("\n".join(data))))
    return out


class FakeModel:
    """An OpenAI-compatible server: POST /v1/chat/completions with "stream": true answers with
    server-sent events (choices[0].delta.content …, usage in the last, then [DONE]); `status`
    other than 200 answers an OpenAI error object instead."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.delay = 0.0  # seconds between pieces
        self.pieces = ["При ремонте ", "в эксплуатируемом здании ", "применяется коэффициент 1,2 [1]."]
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if fake.status != 200:
                    send_json(self, fake.status, {"error": {"message": "Incorrect API key provided: " + KEY,
                                                            "type": "invalid_request_error"}})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in fake.pieces:
                    time.sleep(fake.delay)
                    chunk = {"id": "c1", "object": "chat.completion.chunk",
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(("data: " + json.dumps(chunk, ensure_ascii=False) + "\n\n").encode())
                    self.wfile.flush()
                last = {"id": "c1", "object": "chat.completion.chunk",
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 812, "completion_tokens": 21, "total_tokens": 833}}
                self.wfile.write(("data: " + json.dumps(last) + "\n\ndata: [DONE]\n\n").encode())
                self.wfile.flush()

        self.server = start_fake_server(Handler)
        self.port = self.server.server_address[1]

    def close(self):
        stop_fake_server(self.server)


class ChatWithoutModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        add_user(cls.db, "ivan@chat.test", "estimator", org_name="Чат")
        add_user(cls.db, "olga@other.test", "estimator", org_name="Другие")
        # The model server is configured, but no key: nothing may connect to it.
        cls.listener = SilentListener()
        cls.svc = Service(env=dict(SECRETS, OPENAI_BASE_URL="http://127.0.0.1:%d/v1" % cls.listener.port),
                          database_url=cls.db.url, migrate=False)
        cls.org = Org(cls.svc, login(cls.svc, "ivan@chat.test")["access_token"])
        cls.other = login(cls.svc, "olga@other.test")["access_token"]
        cls.estimate = cls.org.estimate(cls.org.object(cls.org.project()),
                                        codes=("ГЭСН16-02-005-05", "ГЭСН16-06-005-01"))

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.listener.close()
        cls.db.destroy()

    def chat(self, body, token=None):
        return self.org.call("POST", "/api/v1/ai/chat", body, token=token)

    def test_the_sources_are_the_answer_labelled_and_nothing_is_called(self):
        r = self.chat({"message": QUESTION})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["content-type"].startswith("text/event-stream"), r.headers)
        got = events(r.body)
        names = [e for e, _ in got]
        self.assertEqual(names[0], "meta")
        self.assertEqual(names[-1], "done")
        self.assertNotIn("delta", names)
        meta = got[0][1]
        self.assertEqual(meta["mode"], "passages")
        self.assertIsNone(meta["model"])
        self.assertIn("Языковая модель не подключена", meta["notice"])
        sources = [d for e, d in got if e == "source"]
        self.assertTrue(sources)
        self.assertEqual([s["n"] for s in sources], list(range(1, len(sources) + 1)))
        # The rule that answers the question, with where it comes from.
        best = sources[0]
        self.assertEqual(best["kind"], "methodology")
        self.assertIn("приложение 10", best["citation"])
        self.assertIn("1,2", best["text"])
        done = got[-1][1]
        self.assertEqual(done["mode"], "passages")
        self.assertEqual(done["outcome"], "ok")
        self.assertEqual(done["citations"], [s["n"] for s in sources])
        self.assertEqual(self.listener.conns, [], "the chat connected to the model server without a key")

    def test_the_estimate_at_hand_is_a_source(self):
        r = self.chat({"message": "Сколько стоит прокладка трубопроводов в смете?",
                       "estimate_id": self.estimate["id"]})
        self.assertEqual(r.status, 200, r)
        got = events(r.body)
        sources = [d for e, d in got if e == "source"]
        kinds = [s["kind"] for s in sources]
        self.assertIn("estimate", kinds)
        header = next(s for s in sources if s["kind"] == "estimate")
        self.assertIn("Итоги: всего", header["text"])
        lines = [s for s in sources if s["kind"] == "estimate" and s["position_id"]]
        self.assertTrue(lines, sources)
        self.assertIn(lines[0]["position_id"], self.estimate["positions"])
        self.assertIn("16-02-005-05", lines[0]["title"])
        self.assertEqual(self.listener.conns, [])

    def test_bad_questions_and_other_estimates(self):
        self.assertEqual(self.chat({"message": "   "}).status, 400)
        self.assertEqual(self.chat({}).status, 400)
        self.assertEqual(self.chat({"message": "x" * 5000}).status, 400)
        r = self.chat({"message": QUESTION, "estimate_id": self.estimate["id"]}, token=self.other)
        self.assertEqual(r.status, 404, r)
        r = self.org.call("POST", "/api/v1/ai/chat", {"message": QUESTION}, token="nope")
        self.assertEqual(r.status, 401)

    def test_answers_are_counted(self):
        self.chat({"message": QUESTION})
        text = self.svc.metrics()
        self.assertGreaterEqual(
            metric_value(text, "ai_chat_answers_total", {"mode": "passages", "outcome": "ok"}), 1)


class ChatWithModel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        import_demo_base(cls.db)
        add_user(cls.db, "petr@chat.test", "estimator", org_name="Чат")
        cls.model = FakeModel()
        cls.svc = Service(env=dict(SECRETS, OPENAI_API_KEY=KEY, OPENAI_MODEL="local-llama",
                                   OPENAI_BASE_URL="http://127.0.0.1:%d/v1" % cls.model.port),
                          database_url=cls.db.url, migrate=False)
        cls.org = Org(cls.svc, login(cls.svc, "petr@chat.test")["access_token"])

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.model.close()
        cls.db.destroy()

    def test_the_answer_streams_with_its_citations_and_tokens(self):
        self.model.status = 200
        self.model.requests.clear()
        r = self.org.call("POST", "/api/v1/ai/chat", {"message": QUESTION})
        self.assertEqual(r.status, 200, r)
        got = events(r.body)
        meta = got[0][1]
        self.assertEqual(meta["mode"], "model")
        self.assertEqual(meta["model"], "local-llama")
        deltas = "".join(d["text"] for e, d in got if e == "delta")
        self.assertEqual(deltas, "".join(self.model.pieces))
        done = got[-1]
        self.assertEqual(done[0], "done")
        self.assertEqual(done[1]["citations"], [1])
        self.assertEqual(done[1]["prompt_tokens"], 812)
        self.assertEqual(done[1]["completion_tokens"], 21)
        # What the provider got: the key, the model, a stream, the sources numbered in the
        # instructions and the question as the user's message.
        self.assertEqual(len(self.model.requests), 1)
        req = self.model.requests[0]
        self.assertEqual(req["path"], "/v1/chat/completions")
        self.assertEqual(req["headers"]["Authorization"], "Bearer " + KEY)
        body = req["body"]
        self.assertEqual(body["model"], "local-llama")
        self.assertTrue(body["stream"])
        self.assertEqual(body["messages"][0]["role"], "system")
        self.assertIn("[1]", body["messages"][0]["content"])
        self.assertIn("приложение 10", body["messages"][0]["content"])
        self.assertEqual(body["messages"][-1], {"role": "user", "content": QUESTION})
        text = self.svc.metrics()
        self.assertGreaterEqual(metric_value(text, "ai_chat_tokens_total", {"kind": "completion"}), 21)
        self.assertGreaterEqual(metric_value(text, "ai_chat_tokens_total", {"kind": "prompt"}), 812)
        self.assertIn("ai_chat_first_text_seconds_count", text)

    def test_each_piece_reaches_the_client_as_the_model_sends_it(self):
        # The model waits 0.7 s before each piece: the first piece must be read before the last
        # is written, i.e. nothing waits for the whole answer on the way.
        self.model.delay = 0.7
        try:
            conn = self.svc.connection(timeout=30)
            body = json.dumps({"message": QUESTION}, ensure_ascii=False).encode()
            conn.request("POST", "/api/v1/ai/chat", body, {"Authorization": "Bearer " + self.org.token,
                                                          "Content-Type": "application/json"})
            started = time.monotonic()
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
            first_delta = done = None
            while True:
                line = resp.fp.readline()
                if not line:
                    break
                if line.startswith(b"event: delta") and first_delta is None:
                    first_delta = time.monotonic() - started
                if line.startswith(b"event: done"):
                    done = time.monotonic() - started
                    break  # the connection stays open for the next request
            conn.close()
        finally:
            self.model.delay = 0.0
        self.assertIsNotNone(first_delta)
        self.assertIsNotNone(done)
        self.assertLess(first_delta, done - 1.0, (first_delta, done))

    def test_a_provider_failure_is_an_error_event_without_the_key(self):
        self.model.status = 401
        try:
            r = self.org.call("POST", "/api/v1/ai/chat", {"message": QUESTION})
        finally:
            self.model.status = 200
        self.assertEqual(r.status, 200, r)
        got = events(r.body)
        errors = [d for e, d in got if e == "error"]
        self.assertEqual(len(errors), 1, got)
        self.assertIn("127.0.0.1", errors[0]["detail"])
        self.assertIn("Incorrect API key", errors[0]["detail"])
        self.assertNotIn(KEY, r.body.decode("utf-8"))
        # The sources still came, and the end says what happened.
        self.assertTrue([d for e, d in got if e == "source"])
        self.assertEqual(got[-1][1]["outcome"], "provider_error")
        for line in self.svc.log_lines:
            self.assertNotIn(KEY, line)
            self.assertNotIn(QUESTION, line)
        text = self.svc.metrics()
        self.assertGreaterEqual(
            metric_value(text, "ai_chat_answers_total", {"mode": "model", "outcome": "provider_error"}), 1)


if __name__ == "__main__":
    unittest.main()
