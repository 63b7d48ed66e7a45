"""Unmodified AWS clients find credentials through tempcred's workload endpoints.

Usage: python3 workload_clients.py STS_ENDPOINT WORKLOAD_ADDR TOKEN_FILE [refresh]

The `instance_credentials` example serves role/instance of the demo directory at WORKLOAD_ADDR
(container endpoint at /v1/credentials, IMDSv2 under /latest/); `sts_server` at STS_ENDPOINT
shares its key ring. Each client runs with nothing but the environment variables the example
prints (no keys, no config files), exactly as a program on the instance or in the container would.

With `refresh`, the example re-issues credentials every few seconds and the client keeps calling
across several re-issues: no call may fail, and the client must have used more than one
credential. Prints one line per check and a closing 'N passed, N failed' line.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

STS, ADDR, TOKEN_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
REFRESH = len(sys.argv) > 4 and sys.argv[4] == "refresh"
ROLE_SESSION = "arn:aws:sts::222222222222:assumed-role/instance/instance-credentials"
EMPTY = tempfile.mkdtemp()

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


def clean_env(**extra):
    """The process environment without any AWS setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=EMPTY,
        AWS_CONFIG_FILE=os.path.join(EMPTY, "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(EMPTY, "credentials"),
        AWS_DEFAULT_REGION="us-east-1",
        AWS_MAX_ATTEMPTS="1",
    )
    env.update(extra)
    return env


CONTAINER = dict(
    AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://{ADDR}/v1/credentials",
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=TOKEN_FILE,
)
IMDS = dict(AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://{ADDR}/")

# boto3 runs in a child interpreter so that each provider sees only its own environment.
BOTO3 = """
import boto3, json, sys
session = boto3.Session()
creds = session.get_credentials()
method = creds.method
sts = session.client("sts", endpoint_url=sys.argv[1])
print(json.dumps({"arn": sts.get_caller_identity()["Arn"], "method": method}))
"""

BOTO3_LOOP = """
import boto3, json, sys, time
session = boto3.Session()
sts = session.client("sts", endpoint_url=sys.argv[1])
keys, calls, deadline = set(), 0, time.time() + float(sys.argv[2])
while time.time() < deadline:
    keys.add(session.get_credentials().get_frozen_credentials().access_key)
    assert sts.get_caller_identity()["Arn"].endswith("assumed-role/instance/instance-credentials")
    calls += 1
    time.sleep(0.5)
print(json.dumps({"keys": len(keys), "calls": calls}))
"""


def boto3_whoami(env):
    out = subprocess.run(
        [sys.executable, "-c", BOTO3, STS], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def cli_whoami(env):
    out = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--endpoint-url", STS, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)["Arn"]


def boto3_container():
    got = boto3_whoami(clean_env(**CONTAINER))
    assert got == {"arn": ROLE_SESSION, "method": "container-role"}, got


def boto3_imds():
    got = boto3_whoami(clean_env(**IMDS))
    assert got == {"arn": ROLE_SESSION, "method": "iam-role"}, got


def cli_container():
    assert cli_whoami(clean_env(**CONTAINER)) == ROLE_SESSION


def cli_imds():
    assert cli_whoami(clean_env(**IMDS)) == ROLE_SESSION


def wrong_token_finds_no_credentials():
    bad = os.path.join(EMPTY, "wrong-token")
    with open(bad, "w") as f:
        f.write("not-the-token-but-long-enough")
    env = clean_env(**dict(CONTAINER, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=bad))
    out = subprocess.run(
        [sys.executable, "-c", BOTO3, STS], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode != 0, out.stdout
    assert "Credential" in out.stderr or "credential" in out.stderr, out.stderr[-2000:]


def refreshed_without_the_client_noticing(env, min_keys):
    def run():
        out = subprocess.run(
            [sys.executable, "-c", BOTO3_LOOP, STS, "14"],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        got = json.loads(out.stdout)
        assert got["calls"] >= 10 and got["keys"] >= min_keys, got

    return run


if REFRESH:
    # The container provider refetches inside its refresh window, so it must pick up new keys.
    check(
        "boto3 container: new credentials picked up, no call fails",
        refreshed_without_the_client_noticing(clean_env(**CONTAINER), 2),
    )
    # botocore's IMDS provider extends credentials near expiry by a few minutes before it asks
    # again (its "static stability"), so within this run it may keep one credential: what must
    # hold is that no call fails while the server re-issues underneath.
    check(
        "boto3 IMDSv2: no call fails while the server re-issues",
        refreshed_without_the_client_noticing(clean_env(**IMDS), 1),
    )
else:
    check("boto3 finds container credentials and is the role session", boto3_container)
    check("boto3 finds IMDSv2 credentials and is the role session", boto3_imds)
    check("aws cli with container credentials", cli_container)
    check("aws cli with IMDSv2 credentials", cli_imds)
    check("a wrong container token gives the client no credentials", wrong_token_finds_no_credentials)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
