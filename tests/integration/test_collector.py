"""The data collector (issue 15) against a local ФГИС ЦС portal (fake_fgis.py) serving the real
files of ../shared/samples along the portal's paths:
- a first collection makes a draft release with the counts of the real files; a second finds
  nothing new and downloads nothing; a new quarter's prices make a draft whose diff names the
  prices that moved; the portal never sees more than 5 requests in a second;
- releases over HTTP: states and counts, the diff, activate and roll back (admins only, audited),
  «collect now» as a queued job the collector role runs;
- faults: 500s, a server that hangs, a cut download (resumed), a file changed between two
  attempts and between two runs, malformed XML and JSON, a server that trickles, a full disk —
  in every case the active release stays and no half release or download remains;
- two collectors at once: one works, the other waits (or skips with --if-idle) and says so."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from api_client import add_user, call, login
from fake_fgis import FSNB, SAMPLES, TECH_GROUPS, Portal, fsnb_archive, price_rows, zip_of, sample
from harness import BINARY, OwnDatabase, Service

FAST = {"FGIS_REQUESTS_PER_SECOND": "5", "FGIS_RETRY_DELAY": "100ms", "FGIS_ATTEMPTS": "3",
        "FGIS_STALL_TIMEOUT": "2s", "FGIS_CONNECT_TIMEOUT": "2s",
        "FGIS_BASE_DATASETS": "7707082071-fsnb," + TECH_GROUPS}


def count(pattern, name):
    return len(re.findall(pattern, sample(name)))


class Bench:
    """A database, a portal and the `collect` command between them."""

    def __init__(self, extra=None):
        self.portal = Portal().start()
        self.portal.publish_base()
        self.db = OwnDatabase()
        self.dir = os.path.join(self.db.tmp, "collector")
        self.env = dict(self.db.env, FGIS_BASE_URL=self.portal.url, COLLECTOR_DIR=self.dir, **FAST)
        self.env.update(extra or {})

    def collect(self, *args, env=None, timeout=300):
        r = subprocess.run([BINARY, "collect"] + list(args), env=dict(self.env, **(env or {})),
                           cwd=self.db.tmp, capture_output=True, text=True, timeout=timeout)
        m = re.search(r"Collector job (\d+): (\w+)", r.stdout)
        return r, (int(m.group(1)) if m else None), (m.group(2) if m else None)

    def releases(self):
        r = self.db.cli(["releases", "list", "--json"])
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def active_id(self):
        return next((x["id"] for x in self.releases() if x["active"]), None)

    def job_dirs(self):
        return [d for d in os.listdir(self.dir) if d.startswith("job-")] if os.path.isdir(self.dir) else []

    def close(self):
        self.portal.stop()
        self.db.destroy()


class Collection(unittest.TestCase):
    """One life: a first collection, nothing new, prices of two quarters, the API."""

    @classmethod
    def setUpClass(cls):
        cls.b = Bench({"FGIS_PRICE_TERRITORIES": "77:1"})

    @classmethod
    def tearDownClass(cls):
        cls.b.close()

    def test_1_first_collection_is_a_draft_with_the_real_counts(self):
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(status, "succeeded")
        self.assertIn("(draft)", r.stdout)
        [release] = self.b.releases()
        self.assertFalse(release["active"])
        self.assertEqual(release["counts"]["norms"], 425 + 2604)  # ГЭСНмр доп.15, ГЭСНп доп.15
        self.assertEqual(release["counts"]["norms_by_family"], {"gesnmr": 425, "gesnp": 2604})
        self.assertEqual(release["counts"]["machines"],
                         count(rb"<Resource Code=\"91\.", "fsnb2022_dop15_FSBC_Mash.xml"))
        self.assertEqual(release["counts"]["tech_groups"],
                         count(rb"<TechnologyGroup ", "fsnb2022_dop15_TechGroups.xml"))
        self.assertEqual(release["state"], "draft")
        self.assertTrue(all(s["name"].startswith("ФГИС ЦС/") for s in release["sources"]), release["sources"])
        self.assertIn(hashlib.sha256(sample("fsnb2022_dop15_GESNp.xml")).hexdigest(),
                      [s["sha256"] for s in release["sources"]])
        self.assertEqual(self.b.job_dirs(), [])
        self.__class__.release = release["id"]

    def test_2_second_run_finds_nothing_new_and_downloads_nothing(self):
        mark = len(self.b.portal.requests)
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(status, "nothing_new")
        self.assertEqual(len(self.b.releases()), 1)
        # The files are only asked again conditionally (If-None-Match): 304, no bytes.
        files = [(p, status) for _, p, status in self.b.portal.requests[mark:] if "GetFileContent" in p]
        self.assertEqual([status for _, status in files], [304, 304], files)

    def test_3_prices_of_a_new_quarter_make_a_draft_whose_diff_names_the_moved_prices(self):
        b = self.b
        self.assertEqual(b.db.cli(["releases", "activate", str(self.release)]).returncode, 0)
        q2 = price_rows(2500, 7)  # three pages of 1,000
        gravel = ["02.2.01.02-1042", "Гравий", "м3", 1174.99, 12, "Гравий", 2.7]
        crane = ["91.05.01-017", "Краны башенные", "маш.-ч", 622.62, 85, "Краны", 1.5]
        b.portal.publish_prices(191, 426, "2 квартал 2026 г.", q2, indices=[gravel, crane])
        r, job, status = b.collect("--what", "prices")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        q2_release = max(x["id"] for x in b.releases())
        info = next(x for x in b.releases() if x["id"] == q2_release)
        self.assertIn({"region": "77", "zone": "1", "quarter": "2026-Q2", "region_name": "г. Москва"},
                      info["territories"])
        self.assertEqual(info["counts"]["norms"], 3029)  # the active release's copy
        self.assertEqual(b.db.cli(["releases", "activate", str(q2_release)]).returncode, 0)
        # 2026-Q3: every tenth price 15 % dearer, the rest 2 %.
        q3 = [dict(x, estimatedPrice="%.2f" % (float(x["estimatedPrice"]) * (1.15 if i % 10 == 0 else 1.02)))
              for i, x in enumerate(q2)]
        b.portal.publish_prices(191, 427, "3 квартал 2026 г.", q3,
                                indices=[gravel[:6] + [3.24], crane])  # gravel's index +20 %
        mark = len(b.portal.requests)
        r, job, status = b.collect("--what", "prices")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.assertIn("изменилось на > 10 %: 251", r.stdout)
        stamps = [t for t, _, _ in b.portal.requests[mark:]]
        worst = max(sum(1 for u in stamps if t <= u < t + 1.0) for t in stamps)
        self.assertLessEqual(worst, 5, "requests in one second")
        q3_release = max(x["id"] for x in b.releases())
        self.assertEqual(b.active_id(), q2_release)  # a draft: the admin activates
        self.__class__.q2_release, self.__class__.q3_release = q2_release, q3_release
        # A run right after finds the quarter already there.
        r, job, status = b.collect("--what", "prices", "--region", "77", "--quarter", "2026-Q2")
        self.assertEqual(status, "nothing_new", r.stdout + r.stderr)

    def test_4_releases_over_http(self):
        b = self.b
        svc = Service(env=dict(b.env), database_url=b.db.url, migrate=False)
        try:
            _, org = add_user(b.db, "admin@collector.test", "admin", org_name="Сборщик")
            add_user(b.db, "estimator@collector.test", "estimator", org_id=org)
            admin = login(svc, "admin@collector.test")["access_token"]
            estimator = login(svc, "estimator@collector.test")["access_token"]
            r = call(svc, "GET", "/api/v1/releases", token=admin)
            self.assertEqual(r.status, 200, r)
            states = {x["id"]: x["state"] for x in r.json["items"]}
            self.assertEqual(states[self.q3_release], "draft")
            self.assertEqual(states[self.q2_release], "active")
            self.assertEqual(states[self.release], "retired")
            r = call(svc, "GET", "/api/v1/releases/%d/diff" % self.q3_release, token=estimator)
            self.assertEqual(r.status, 200, r)
            d = r.json
            self.assertEqual(d["against"]["id"], self.q2_release)
            [q3] = [s for s in d["price_sets"] if s["territory"]["quarter"] == "2026-Q3"]
            self.assertEqual(q3["compared_with"]["quarter"], "2026-Q2")
            self.assertEqual(q3["state"], "new_quarter")
            self.assertEqual(q3["moved"], 251)
            self.assertEqual(q3["changed"], 2501)
            moved = {x["code"]: x for x in q3["moved_prices"]}
            self.assertEqual(set(moved), {"01.7.%02d.%02d-%04d" % (i % 20, i % 7, i) for i in range(0, 2500, 10)}
                             | {"02.2.01.02-1042"})
            self.assertEqual((moved["02.2.01.02-1042"]["before"], moved["02.2.01.02-1042"]["after"],
                              moved["02.2.01.02-1042"]["percent"]), ("2.7", "3.24", "20.00"))
            self.assertTrue(all(x["percent"] in ("15.00", "14.99", "15.01") for c, x in moved.items()
                                if c != "02.2.01.02-1042"), q3["moved_prices"][:3])
            # Activation: admins only, audited, served at once.
            r = call(svc, "POST", "/api/v1/releases/%d/activate" % self.q3_release, token=estimator)
            self.assertEqual(r.status, 403, r)
            r = call(svc, "POST", "/api/v1/releases/%d/activate" % self.q3_release, token=admin)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["id"], self.q3_release)
            r = call(svc, "GET", "/api/v1/norms/gesnp/01-01-001-01?region=77&zone=1&quarter=2026-Q3", token=admin)
            self.assertNotEqual(r.status, 404, r)
            r = call(svc, "POST", "/api/v1/releases/rollback", token=admin)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["id"], self.q2_release)
            r = call(svc, "GET", "/api/v1/audit?entity_type=release", token=admin)
            self.assertEqual(r.status, 200, r)
            actions = [x["action"] for x in r.json]
            self.assertIn("activate", actions)
            self.assertIn("rollback", actions)
            # «Collect now»: queued by an admin, run by the collector role of this process.
            r = call(svc, "POST", "/api/v1/collector/jobs", {"what": "prices"}, token=estimator)
            self.assertEqual(r.status, 403, r)
            r = call(svc, "POST", "/api/v1/collector/jobs", {"what": "everything"}, token=admin)
            self.assertEqual(r.status, 400, r)
            self.assertIn("what", r.detail)
            r = call(svc, "POST", "/api/v1/collector/jobs", {"what": "prices"}, token=admin)
            self.assertEqual(r.status, 202, r)
            job = r.json["id"]
            deadline = time.time() + 60
            while time.time() < deadline:
                j = call(svc, "GET", "/api/v1/collector/jobs/%d" % job, token=admin).json
                if j["status"] not in ("queued", "running"):
                    break
                time.sleep(0.3)
            self.assertEqual(j["status"], "nothing_new", j)
            self.assertEqual(j["origin"], "manual")
            self.assertIn("already brought in (release %d)" % self.q3_release, j["log"])
            r = call(svc, "GET", "/api/v1/collector/jobs", token=admin)
            self.assertEqual(r.json["items"][0]["id"], job)
            self.assertIn("collector_last_success_timestamp_seconds", svc.metrics())
        finally:
            svc.stop()


    def test_5_prices_alone_may_be_activated_at_once(self):
        b = self.b
        q4 = price_rows(30, 11)
        b.portal.publish_prices(191, 428, "4 квартал 2026 г.", q4)
        r, job, status = b.collect("--what", "prices", env={"COLLECTOR_AUTO_ACTIVATE_PRICES": "true"})
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.assertIn("(activated)", r.stdout)
        newest = max(b.releases(), key=lambda x: x["id"])
        self.assertTrue(newest["active"])
        self.assertIn("2026-Q4", [t["quarter"] for t in newest["territories"]])


class Schedule(unittest.TestCase):
    def test_the_collector_role_collects_at_the_scheduled_minute(self):
        b = Bench()
        svc = None
        try:
            # Every minute, in another time zone than the machine's: the first whole minute after
            # the start collects.
            env = dict(b.env, FSBTS_UPDATE_SCHEDULE="* * * * *", FSBTS_TIME_ZONE="Asia/Vladivostok")
            svc = Service(env=env, database_url=b.db.url, migrate=False, args=["--roles", "collector"])
            deadline = time.time() + 75
            while time.time() < deadline and not b.releases():
                time.sleep(1)
            [release] = b.releases()
            self.assertEqual(release["state"], "draft")
            self.assertTrue(any('"collector: scheduled collection ended"' in line or "scheduled collection ended" in line
                                for line in svc.log_lines), svc.log_lines[-5:])
        finally:
            if svc:
                svc.stop()
            b.close()


class Faults(unittest.TestCase):
    """Each fault against a database whose active release came from a first collection; the
    portal then publishes a new version of the ФСНБ set (or prices), with the fault."""

    def setUp(self):
        self.b = Bench({"FGIS_PRICE_TERRITORIES": "77:1"})
        r, _, status = self.b.collect("--what", "base")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.active = self.b.releases()[0]["id"]
        self.assertEqual(self.b.db.cli(["releases", "activate", str(self.active)]).returncode, 0)
        # A new version of the ФСНБ set: one norm file more (ГЭСНмр of доп.10 beside доп.15 is
        # another family member file, so only a README is added to change the bytes).
        self.new_zip = zip_of({"ГЭСНмр.xml": sample("fsnb2022_dop15_GESNmr.xml"),
                               "ГЭСНп.xml": sample("fsnb2022_dop15_GESNp.xml"),
                               "ФСБЦ_Маш.xml": sample("fsbc_mash_91pr_2026-02-17.xml"),
                               "ФСБЦ_Мат&Оборуд.xml": sample("fsbc_materials_roofing_excerpt.xml")})
        self.b.portal.publish(FSNB, "data-20260212-structure-20240216.zip", self.new_zip)

    def tearDown(self):
        self.b.close()

    def assertUntouched(self, count=1):
        self.assertEqual(self.b.active_id(), self.active)
        self.assertEqual(len(self.b.releases()), count)
        self.assertEqual(self.b.job_dirs(), [])

    @staticmethod
    def retries(r):
        m = re.search(r"(\d+) retries", r.stdout)
        return int(m.group(1)) if m else -1

    def test_500s_are_retried(self):
        self.b.portal.faults = [{"path": "/values/GetFileContent", "kind": "500", "times": 2}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.assertGreaterEqual(self.retries(r), 2, r.stdout)
        self.assertUntouched(count=2)  # a draft beside the active one

    def test_500s_to_the_end_fail_the_job_with_the_reason(self):
        self.b.portal.faults = [{"path": "/values/GetFileContent", "kind": "500", "times": 100}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(status, "failed")
        self.assertIn("the server answered 500 (3 attempts)", r.stderr)
        self.assertIn("retry 2/3", r.stderr)
        self.assertUntouched()

    def test_a_server_that_hangs_times_out(self):
        self.b.portal.faults = [{"path": "/OpenData/GetByNumber", "kind": "hang", "times": 100}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "failed", r.stdout)
        self.assertRegex(r.stderr, r"(?i)timeout|timed out")
        self.assertUntouched()

    def test_a_cut_download_is_resumed(self):
        self.b.portal.faults = [{"path": "/values/GetFileContent", "kind": "cut", "times": 1}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.assertIn("resuming at byte", r.stderr)
        newest = max(self.b.releases(), key=lambda x: x["id"])
        self.assertIn(hashlib.sha256(sample("fsbc_mash_91pr_2026-02-17.xml")).hexdigest(),
                      [s["sha256"] for s in newest["sources"]])
        self.assertUntouched(count=2)

    def test_a_file_changed_between_two_attempts_starts_over(self):
        changed = zip_of({"ГЭСНмр.xml": sample("fsnb2022_dop15_GESNmr.xml"),
                          "ГЭСНп.xml": sample("fsnb2022_dop15_GESNp.xml"),
                          "ФСБЦ_Маш.xml": sample("fsbc_mash_299pr_2025-05-19.xml")})
        self.b.portal.faults = [{"path": "/values/GetFileContent", "kind": "cut", "times": 1,
                                 "then": lambda: self.b.portal.replace_bytes(FSNB, changed)}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.assertIn("started over", r.stderr)
        newest = max(self.b.releases(), key=lambda x: x["id"])
        self.assertIn(hashlib.sha256(sample("fsbc_mash_299pr_2025-05-19.xml")).hexdigest(),
                      [s["sha256"] for s in newest["sources"]])

    def test_a_file_changed_in_place_between_runs_is_a_flagged_draft(self):
        r, job, status = self.b.collect("--what", "base")  # takes the new version
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.b.portal.replace_bytes(FSNB, fsnb_archive())  # same version, other bytes
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.assertIn("изменился без новой версии", r.stdout)
        self.assertIn("changed without a new version", r.stderr)
        self.assertUntouched(count=3)

    def test_malformed_xml_fails_naming_the_file_and_line(self):
        broken = sample("fsnb2022_dop15_GESNmr.xml")[:400000]
        self.b.portal.publish(FSNB, "data-20260301-structure-20240216.zip",
                              zip_of({"ГЭСНмр.xml": broken}))
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "failed")
        self.assertRegex(r.stderr, r"ГЭСНмр\.xml:\d+")
        self.assertUntouched()

    def test_malformed_json_fails_naming_the_answer(self):
        self.b.portal.publish_prices(191, 426, "2 квартал 2026 г.", price_rows(10, 1))
        self.b.portal.faults = [{"path": "/EstimatedPrice/BuildingResources/Search/Materials",
                                 "kind": "garbage", "times": 100}]
        r, job, status = self.b.collect("--what", "prices")
        self.assertEqual(status, "failed")
        self.assertIn("Search/Materials", r.stderr)
        self.assertIn("not JSON", r.stderr)
        self.assertUntouched()

    def test_a_server_that_trickles_is_cut(self):
        self.b.portal.faults = [{"path": "/values/GetFileContent", "kind": "trickle", "times": 100}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "failed", r.stdout)
        self.assertIn("3 attempts", r.stderr)
        self.assertUntouched()

    def test_redirects_are_followed_only_on_the_portal(self):
        self.b.portal.faults = [{"path": "/values/GetFileContent", "kind": "redirect_here", "times": 1}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "succeeded", r.stdout + r.stderr)
        self.b.portal.publish(FSNB, "data-20260401-structure-20240216.zip", fsnb_archive())
        self.b.portal.faults = [{"path": "/values/GetFileContent", "kind": "redirect_away", "times": 1}]
        r, job, status = self.b.collect("--what", "base")
        self.assertEqual(status, "failed")
        self.assertIn("redirected to another host (http://169.254.169.254/latest/meta-data/); not followed", r.stderr)
        self.assertUntouched(count=2)

    def test_a_full_disk_fails_cleanly(self):
        r, job, status = self.b.collect("--what", "base", env={"COLLECTOR_MIN_FREE_SPACE": "1000gb"})
        self.assertEqual(status, "failed")
        self.assertIn("disk full", r.stderr)
        self.assertUntouched()


class TwoCollectors(unittest.TestCase):
    def test_one_works_the_other_waits_or_skips_and_says_so(self):
        b = Bench()
        try:
            b.portal.faults = [{"path": "/OpenData/GetByNumber", "kind": "slow", "seconds": 3, "times": 1}]
            results = {}

            def run(name, *args):
                results[name] = b.collect("--what", "base", *args)

            first = threading.Thread(target=run, args=("first",))
            first.start()
            time.sleep(1.0)  # the first holds the lock, waiting for the slow portal
            second = threading.Thread(target=run, args=("second",))
            second.start()
            run("idle", "--if-idle")
            first.join()
            second.join()
            statuses = sorted(results[k][2] for k in ("first", "second"))
            self.assertEqual(statuses, ["nothing_new", "succeeded"], results)
            self.assertEqual(results["idle"][2], "skipped", results["idle"])
            self.assertEqual(results["idle"][0].returncode, 0)
            self.assertIn("another collection is running (job", results["idle"][0].stderr)
            self.assertEqual(len(b.releases()), 1)
        finally:
            b.close()


if __name__ == "__main__":
    unittest.main()
