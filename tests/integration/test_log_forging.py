"""Log forging in the text log format (LOG_FORMAT=text): a request path is percent-decoded before
it is logged, so a client chooses its bytes. An outside probe's
GET /api/v1/projects/1%0a2026-12-06%2000:00:00.000%20critical%20FORGED wrote a line of its own
that read as a critical record; control characters are now escaped, and a value that could pass
for more key=value pairs is quoted."""
import re
import time
import unittest

from harness import Service

FORGED_TIME = "2026-12-06 00:00:00.000"
# A record of the text format: time, level, message, fields.
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \w+ ")


class TextLogForging(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service(env={"LOG_FORMAT": "text"})

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def lines_with(self, needle, timeout=5):
        """The log lines that hold `needle`, once there is at least one (the access line is
        written after the answer)."""
        deadline = time.time() + timeout
        while True:
            found = [l for l in list(self.svc.log_lines) if needle in l]
            if found or time.time() > deadline:
                return found
            time.sleep(0.05)

    def test_a_newline_in_the_path_does_not_start_a_record(self):
        status, _, _ = self.svc.request(
            "GET", "/api/v1/projects/1%0a2026-12-06%2000:00:00.000%20critical%20FORGED")
        self.assertIn(status, (401, 404))
        found = self.lines_with("FORGED")
        self.assertEqual(len(found), 1, found)
        self.assertIn('path="/api/v1/projects/1\\n' + FORGED_TIME + ' critical FORGED"', found[0])
        self.assertRegex(found[0], RECORD)
        lines = list(self.svc.log_lines)
        self.assertFalse([l for l in lines if l.startswith(FORGED_TIME)], lines[-5:])
        # Every line is a record of its own: none is the tail of another.
        self.assertEqual([l for l in lines if not RECORD.match(l)], [])

    def test_control_characters_are_escaped(self):
        self.svc.request("GET", "/api/v1/projects/2%0d%09%1b%5b31m%00%7fCTRL-MARK")
        found = self.lines_with("CTRL-MARK")
        self.assertEqual(len(found), 1, found)
        self.assertIn('path="/api/v1/projects/2\\r\\t\\x1b[31m\\x00\\x7fCTRL-MARK"', found[0])
        self.assertFalse(re.search(r"[\x00-\x1f\x7f]", found[0]), found[0])

    def test_a_value_cannot_add_fields(self):
        status, _, _ = self.svc.request(
            "GET", "/api/v1/projects/3%20status=200%20remote=10.0.0.1%20PAIR-MARK")
        self.assertNotEqual(status, 200)
        found = self.lines_with("PAIR-MARK")
        self.assertEqual(len(found), 1, found)
        line = found[0]
        self.assertIn('path="/api/v1/projects/3 status=200 remote=10.0.0.1 PAIR-MARK"', line)
        # The real fields, once each, outside the quotes.
        bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
        self.assertEqual(re.findall(r" status=(\S+)", bare), [str(status)])
        self.assertEqual(re.findall(r" remote=(\S+)", bare), ["127.0.0.1"])

    def test_cyrillic_stays_readable(self):
        self.svc.request("GET", "/api/v1/norms/%D0%93%D0%AD%D0%A1%D0%9D01-01-013-01?x=1")
        found = self.lines_with("ГЭСН01-01-013-01")
        self.assertEqual(len(found), 1, found)
        self.assertIn("path=/api/v1/norms/ГЭСН01-01-013-01 ", found[0])


if __name__ == "__main__":
    unittest.main()
