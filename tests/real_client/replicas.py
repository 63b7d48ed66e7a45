"""Two `sts_server` replicas behind one key ring, one directory file, one revocation file and one
Redis TOTP replay store, driven with boto3.

Usage: python3 replicas.py URL_A URL_B PID_A PID_B DIRECTORY_FILE REVOCATIONS_FILE

Checks that a TOTP code used at replica A is refused at B; that after the revocation file gains a
cut-off and both replicas get SIGHUP, a session issued before the cut-off is refused by both
while a new one works at both; that a user added to the directory file is known after the
reload; and that a file that does not parse leaves the replicas as they were. Prints one line per
check and a closing 'replicas: N passed, N failed' line; exits non-zero on any failure.
"""

import base64
import hashlib
import hmac
import json
import os
import signal
import struct
import sys
import time
from datetime import datetime, timezone

import boto3
import botocore.config
from botocore.exceptions import ClientError

URL_A, URL_B = sys.argv[1], sys.argv[2]
PIDS = [int(sys.argv[3]), int(sys.argv[4])]
DIRECTORY_FILE, REVOCATIONS_FILE = sys.argv[5], sys.argv[6]
# The demo directory's alice, her virtual MFA device and the deploy role she may assume.
ALICE = ("AKIADEMOALICE0000001", "DemoOnlyAliceSecret/NotForProduction+000")
ALICE_MFA = "arn:aws:iam::111111111111:mfa/alice"
ALICE_TOTP_SEED = "JBSWY3DPEHPK3PXP"
DEPLOY = "arn:aws:iam::222222222222:role/deploy"
CAROL = ("AKIACAROLEXAMPLE0001", "carolSecretKeyForTestsOnly00000000000000")
CONFIG = botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10)

passed = 0
failed = 0
state = {}


def sts(url, access_key, secret, token=None):
    return boto3.client(
        "sts",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=CONFIG,
    )


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200


def totp(seed_b32, t):
    """RFC 6238 with SHA-1, 30-second steps, 6 digits (what authenticator apps compute)."""
    mac = hmac.new(base64.b32decode(seed_b32), struct.pack(">Q", int(t) // 30), hashlib.sha1).digest()
    offset = mac[19] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def session_with_mfa(url, code):
    return sts(url, *ALICE).get_session_token(SerialNumber=ALICE_MFA, TokenCode=code, DurationSeconds=900)


def mfa_code_used_at_a_is_refused_at_b():
    code = totp(ALICE_TOTP_SEED, time.time())
    creds = session_with_mfa(URL_A, code)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA"), creds["AccessKeyId"]
    assert error_code(lambda: session_with_mfa(URL_B, code)) == ("AccessDenied", 403)
    assert error_code(lambda: session_with_mfa(URL_A, code)) == ("AccessDenied", 403)


def assume_deploy(url, name):
    creds = sts(url, *ALICE).assume_role(RoleArn=DEPLOY, RoleSessionName=name, ExternalId="demo-external-id")[
        "Credentials"
    ]
    return (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def caller_at(url, creds):
    return error_code(lambda: sts(url, *creds).get_caller_identity())


def a_session_from_a_works_at_both():
    state["old"] = assume_deploy(URL_A, "before-cutoff")
    for url in (URL_A, URL_B):
        assert caller_at(url, state["old"]) == (None, 200), url
    # Carol is not in the directory yet.
    assert caller_at(URL_A, CAROL) == ("InvalidClientTokenId", 403)


def reload_both():
    for pid in PIDS:
        os.kill(pid, signal.SIGHUP)


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def revocation_and_directory_reload_on_sighup():
    # A cut-off strictly after the old session's issue second (tokens carry whole seconds).
    cutoff = int(time.time()) + 1
    while time.time() < cutoff:
        time.sleep(0.05)
    stamp = datetime.fromtimestamp(cutoff, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_atomically(REVOCATIONS_FILE, f"# account role issued-before\n222222222222 deploy {stamp}\n")
    with open(DIRECTORY_FILE) as f:
        directory = json.load(f)
    directory["users"].append(
        {
            "arn": "arn:aws:iam::111111111111:user/carol",
            "access_keys": [{"id": CAROL[0], "secret": CAROL[1]}],
            "policies": [],
        }
    )
    write_atomically(DIRECTORY_FILE, json.dumps(directory))
    started = time.monotonic()
    reload_both()
    while True:
        answers = [caller_at(url, state["old"]) for url in (URL_A, URL_B)]
        if all(a == ("InvalidClientTokenId", 403) for a in answers):
            break
        assert time.monotonic() - started < 10, f"still accepted 10 s after SIGHUP: {answers}"
        time.sleep(0.05)
    print(f"     (revocation in force at both replicas {time.monotonic() - started:.3f} s after SIGHUP)")
    for url in (URL_A, URL_B):
        assert caller_at(url, CAROL) == (None, 200), url


def a_new_session_works_at_both():
    state["new"] = assume_deploy(URL_B, "after-cutoff")
    for url in (URL_A, URL_B):
        assert caller_at(url, state["new"]) == (None, 200), url
        assert caller_at(url, state["old"]) == ("InvalidClientTokenId", 403), url


def a_file_that_does_not_parse_keeps_the_running_state():
    write_atomically(REVOCATIONS_FILE, "222222222222 deploy yesterday\n")
    reload_both()
    time.sleep(1)
    for pid in PIDS:
        os.kill(pid, 0)  # both still running
    for url in (URL_A, URL_B):
        assert caller_at(url, state["old"]) == ("InvalidClientTokenId", 403), url
        assert caller_at(url, state["new"]) == (None, 200), url
        assert caller_at(url, CAROL) == (None, 200), url


for name, fn in [
    ("a TOTP code used at replica A is refused at replica B (shared Redis)", mfa_code_used_at_a_is_refused_at_b),
    ("a session issued at A works at A and B", a_session_from_a_works_at_both),
    ("SIGHUP: a cut-off in the shared file revokes the old session at both, the directory gains a user",
     revocation_and_directory_reload_on_sighup),
    ("a session issued after the cut-off works at both", a_new_session_works_at_both),
    ("a revocation file that does not parse keeps the running state", a_file_that_does_not_parse_keeps_the_running_state),
]:
    check(name, fn)

print(f"replicas: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
