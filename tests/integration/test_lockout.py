"""The login throttle seen over HTTP: wrong passwords from one address lock that address out of
the account, not the account's owner, who signs in from another address (the outside probe's
finding: five failures from anywhere used to lock admin@example.com for 900 s); an address the
owner signed in from keeps working while guessing from many addresses holds the others back;
the lock and its end are in the audit log; unknown accounts are answered alike. The service
takes the client address from the socket (not X-Forwarded-For), so each test binds loopback
addresses of its own (127.x.y.z) as the connection's source."""
import random
import time
import unittest

from api_client import PASSWORD, PROBLEM, add_user, call, login
from harness import OwnDatabase, Service

WRONG = "Wrong-password-1"
QUIET = {"RATE_LIMIT_LIMIT": "1000000"}


def random_ip():
    """A loopback address of its own (127.0.0.0/8): per-address counts no other test shares."""
    return "127.%d.%d.%d" % (random.randrange(1, 255), random.randrange(0, 256),
                             random.randrange(2, 255))


def attempt(svc, email, password, ip):
    return call(svc, "POST", "/api/v1/auth/login", {"email": email, "password": password},
                source=ip)


def distinct_ips(n):
    out = set()
    while len(out) < n:
        out.add(random_ip())
    return list(out)


def fail_until_locked(svc, email, ip, limit=5):
    """Wrong passwords from `ip`, each as soon as the throttle allows it (the delay doubles after
    the first), until `limit` have been counted; returns the answers."""
    answers = []
    while True:
        r = attempt(svc, email, WRONG, ip)
        answers.append(r)
        if r.status not in (401, 429):
            raise AssertionError("sign-in of %s: %r" % (email, r))
        if len([a for a in answers if a.status == 401]) == limit:
            break
        wait = int(r.headers.get("retry-after", "0"))
        if wait > 60:
            raise AssertionError("locked before %d failures: %r" % (limit, answers))
        if wait:
            time.sleep(wait + 0.05)
    return answers


class Lockout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = OwnDatabase()
        _, cls.org = add_user(cls.db, "owner@lock.test", "admin", org_name="Блокировки")
        add_user(cls.db, "spread@lock.test", "estimator", org_id=cls.org)
        cls.svc = Service(env=QUIET, database_url=cls.db.url, migrate=False)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.db.destroy()

    def audit(self, token, action):
        r = call(self.svc, "GET", "/api/v1/audit?entity_type=session&limit=1000", token=token)
        self.assertEqual(r.status, 200, r)
        return [rec for rec in r.json if rec["action"] == action]

    def test_failures_from_one_address_lock_that_address_not_the_owner(self):
        attacker, owner, ghost_ip = distinct_ips(3)
        fail_until_locked(self.svc, "owner@lock.test", attacker)
        # The attacker's address is refused, even with the right password, for 15 minutes.
        r = attempt(self.svc, "owner@lock.test", PASSWORD, attacker)
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.headers.get("content-type"), PROBLEM)
        self.assertGreater(int(r.headers["retry-after"]), 800)
        # The owner, from elsewhere, signs in at once.
        r = attempt(self.svc, "owner@lock.test", PASSWORD, owner)
        self.assertEqual(r.status, 200, r)
        token = r.json["access_token"]
        # … which does not free the attacker.
        self.assertEqual(attempt(self.svc, "owner@lock.test", PASSWORD, attacker).status, 429)

        # The lock is in the audit log of the owner's organization: which key, which address,
        # until when; by the throttle, not by the owner.
        locks = [rec for rec in self.audit(token, "login_locked")
                 if rec["after"]["address"] == attacker]
        self.assertEqual(len(locks), 1, locks)
        self.assertEqual(locks[0]["after"]["key"], "pair")
        self.assertIsNone(locks[0]["actor_user_id"])
        self.assertRegex(locks[0]["after"]["until"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertGreaterEqual(len(self.audit(token, "login_failed")), 5)

        # An account that does not exist is answered the same way at every step.
        answers = fail_until_locked(self.svc, "ghost@lock.test", ghost_ip)
        self.assertEqual([a.status for a in answers], [401] * 5)
        r = attempt(self.svc, "ghost@lock.test", PASSWORD, ghost_ip)
        self.assertEqual(r.status, 429, r)
        self.assertGreater(int(r.headers["retry-after"]), 800)

    def test_guessing_from_many_addresses_holds_back_new_addresses_not_known_ones(self):
        office, newcomer = distinct_ips(2)
        token = login(self.svc, "spread@lock.test", source=office)["access_token"]
        # One wrong password from each of 13 addresses: no address and no pair reaches its
        # limit, but the account-wide count passes its free allowance (10), so addresses the
        # account never signed in from must wait, longer after each further failure.
        for ip in distinct_ips(13):
            r = attempt(self.svc, "spread@lock.test", WRONG, ip)
            while r.status == 429:  # the account-wide delay: honoured, as a patient guesser would
                wait = int(r.headers["retry-after"])
                self.assertLessEqual(wait, 60, "a delay, not a lock: %r" % r)
                time.sleep(wait + 0.05)
                r = attempt(self.svc, "spread@lock.test", WRONG, ip)
            self.assertEqual(r.status, 401, r)
        # The 13th failure set a 4 s wait for addresses the account does not know.
        r = attempt(self.svc, "spread@lock.test", PASSWORD, newcomer)
        self.assertEqual(r.status, 429, r)
        self.assertIn("retry-after", r.headers)
        # The office, where the owner signed in before, is not held back.
        r = attempt(self.svc, "spread@lock.test", PASSWORD, office)
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.json["access_token"], token)


if __name__ == "__main__":
    unittest.main()
