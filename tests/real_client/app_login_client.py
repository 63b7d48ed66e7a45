"""A real SigV4 client (botocore's own signer) against the `app_login` example.

Usage: python3 app_login_client.py http://ADDR

Logs in with a password, signs report requests with the credentials the application returned,
and checks what each user may read. Prints one line per check and 'N passed, N failed'.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BASE = sys.argv[1]
passed = 0
failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


def http(method, url, headers=None, data=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def login(user, password):
    body = urllib.parse.urlencode({"user": user, "password": password}).encode()
    return http("POST", f"{BASE}/login", {"content-type": "application/x-www-form-urlencoded"}, body)


def signed_get(creds, path):
    request = AWSRequest(method="GET", url=f"{BASE}{path}")
    SigV4Auth(creds, "execute-api", "us-east-1").add_auth(request)
    return http("GET", request.url, dict(request.headers.items()))


def credentials(user, password):
    status, body = login(user, password)
    assert status == 200, (status, body)
    doc = json.loads(body)
    assert doc["Version"] == 1 and doc["AccessKeyId"].startswith("ASIA"), doc
    return Credentials(doc["AccessKeyId"], doc["SecretAccessKey"], doc["SessionToken"])


def alice_reads_her_teams_reports():
    status, body = signed_get(credentials("alice", "alice-password"), "/reports/payments/q1")
    assert status == 200 and "report q1 of team payments" in body, (status, body)


def alice_is_refused_another_teams_reports():
    status, body = signed_get(credentials("alice", "alice-password"), "/reports/hr/salaries")
    assert status == 403 and "<Code>AccessDenied</Code>" in body, (status, body)


def bob_reads_hr_but_not_payments():
    bob = credentials("bob", "bob-password")
    assert signed_get(bob, "/reports/hr/salaries")[0] == 200
    assert signed_get(bob, "/reports/payments/q1")[0] == 403


def a_wrong_password_gets_no_credentials():
    assert login("alice", "bob-password")[0] == 401
    assert login("mallory", "x")[0] == 401


def unsigned_and_tampered_requests_are_refused():
    status, body = http("GET", f"{BASE}/reports/payments/q1")
    assert status == 403 and "MissingAuthenticationToken" in body, (status, body)
    alice = credentials("alice", "alice-password")
    request = AWSRequest(method="GET", url=f"{BASE}/reports/payments/q1")
    SigV4Auth(alice, "execute-api", "us-east-1").add_auth(request)
    status, body = http("GET", f"{BASE}/reports/payments/q2", dict(request.headers.items()))
    assert status == 403 and "SignatureDoesNotMatch" in body, (status, body)


check("alice logs in and reads her team's report", alice_reads_her_teams_reports)
check("alice is refused another team's report", alice_is_refused_another_teams_reports)
check("bob reads hr, not payments", bob_reads_hr_but_not_payments)
check("a wrong password gets no credentials", a_wrong_password_gets_no_credentials)
check("unsigned and tampered requests are refused", unsigned_and_tampered_requests_are_refused)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
