"""boto3 and the AWS CLI sign with attenuated credentials (issue 18).

Usage: python3 attenuate_clients.py http://STS http://OBJECT_STORE ATTENUATE_BINARY SCRATCH_DIR

The demo user alice gets session credentials from `sts_server` (GetSessionToken); the
`attenuate` example narrows them offline to reads under `attn/job-42/` for ten minutes. boto3
(credentials passed in) and the AWS CLI and boto3 again (a `credential_process` profile that runs
`attenuate`, no code) then: may call GetCallerIdentity (the parent's ARN), may not AssumeRole,
may read within the prefix, may not write or delete anywhere. Prints one line per check and
'N passed, N failed'.
"""

import json
import os
import subprocess
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

STS_URL, S3_URL, ATTENUATE, SCRATCH = sys.argv[1:5]
KEY_ID = "AKIADEMOALICE0000001"
SECRET = "DemoOnlyAliceSecret/NotForProduction+000"
REGION = "us-east-1"
ALICE = "arn:aws:iam::111111111111:user/alice"
DEPLOY = "arn:aws:iam::222222222222:role/deploy"
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


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def clients(**creds):
    sts = boto3.client("sts", endpoint_url=STS_URL, region_name=REGION, **creds)
    s3 = boto3.client("s3", endpoint_url=S3_URL, region_name=REGION,
                      config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
                      **creds)
    return sts, s3


# The parent: alice's session credentials, which may do s3:* anywhere and AssumeRole.
alice_sts, alice_s3 = clients(aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)
parent = alice_sts.get_session_token(DurationSeconds=3600)["Credentials"]
parent_creds = {"aws_access_key_id": parent["AccessKeyId"],
                "aws_secret_access_key": parent["SecretAccessKey"],
                "aws_session_token": parent["SessionToken"]}
parent_sts, parent_s3 = clients(**parent_creds)
parent_s3.create_bucket(Bucket="attn")
parent_s3.put_object(Bucket="attn", Key="job-42/in.txt", Body=b"job 42 input")
parent_s3.put_object(Bucket="attn", Key="job-41/out.txt", Body=b"job 41 output")

policy_file = os.path.join(SCRATCH, "job-42.json")
with open(policy_file, "w") as f:
    json.dump({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::attn/job-42/*"}]}, f)
parent_file = os.path.join(SCRATCH, "parent.json")
with open(parent_file, "w") as f:
    json.dump({"Version": 1, "AccessKeyId": parent["AccessKeyId"],
               "SecretAccessKey": parent["SecretAccessKey"],
               "SessionToken": parent["SessionToken"],
               "Expiration": parent["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")}, f)


def attenuate_from_env():
    env = dict(os.environ, AWS_ACCESS_KEY_ID=parent["AccessKeyId"],
               AWS_SECRET_ACCESS_KEY=parent["SecretAccessKey"],
               AWS_SESSION_TOKEN=parent["SessionToken"])
    out = subprocess.run([ATTENUATE, "--policy", policy_file, "--duration", "600"], env=env,
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


child = attenuate_from_env()
child_creds = {"aws_access_key_id": child["AccessKeyId"],
               "aws_secret_access_key": child["SecretAccessKey"],
               "aws_session_token": child["SessionToken"]}
child_sts, child_s3 = clients(**child_creds)


def printed_document_is_credential_process_json():
    assert child["Version"] == 1, child
    assert child["AccessKeyId"].startswith("ASIA") and child["AccessKeyId"] != parent["AccessKeyId"]
    assert child["SecretAccessKey"] != parent["SecretAccessKey"]
    assert child["Expiration"] < parent["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ"), child


def boto3_get_caller_identity_is_the_parents():
    me = child_sts.get_caller_identity()
    assert me["Arn"] == ALICE, me
    assert me["UserId"] == parent_sts.get_caller_identity()["UserId"]


def boto3_assume_role_is_refused():
    request = dict(RoleArn=DEPLOY, RoleSessionName="escape", ExternalId="demo-external-id")
    assert parent_sts.assume_role(**request)["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert error_code(lambda: child_sts.assume_role(**request)) == "AccessDenied"


def boto3_reads_within_the_prefix():
    body = child_s3.get_object(Bucket="attn", Key="job-42/in.txt")["Body"].read()
    assert body == b"job 42 input", body


def boto3_cannot_write_or_delete():
    assert error_code(lambda: child_s3.put_object(Bucket="attn", Key="job-42/new.txt", Body=b"x")) \
        == "AccessDenied"
    assert error_code(lambda: child_s3.delete_object(Bucket="attn", Key="job-41/out.txt")) \
        == "AccessDenied"
    assert error_code(lambda: child_s3.get_object(Bucket="attn", Key="job-41/out.txt")) \
        == "AccessDenied"
    # The parent still may: the caveat narrowed the child only.
    assert parent_s3.get_object(Bucket="attn", Key="job-41/out.txt")["Body"].read() == b"job 41 output"


def boto3_parent_secret_with_child_token_is_refused():
    mixed = dict(child_creds, aws_secret_access_key=parent["SecretAccessKey"])
    _, s3 = clients(**mixed)
    assert error_code(lambda: s3.get_object(Bucket="attn", Key="job-42/in.txt")) \
        == "SignatureDoesNotMatch"


config_file = os.path.join(SCRATCH, "aws-config")
with open(config_file, "w") as f:
    f.write("[profile job-42]\n"
            f"credential_process = {ATTENUATE} --from-json {parent_file} "
            f"--policy {policy_file} --duration 600\n"
            f"region = {REGION}\n")


def cli_env():
    env = dict(os.environ, AWS_CONFIG_FILE=config_file, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(name, None)
    return env


def aws(*args, endpoint):
    return subprocess.run(["aws", "--profile", "job-42", "--endpoint-url", endpoint, *args],
                          env=cli_env(), capture_output=True, text=True, timeout=120)


def cli_get_caller_identity():
    out = aws("sts", "get-caller-identity", "--output", "json", endpoint=STS_URL)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["Arn"] == ALICE, out.stdout


def cli_assume_role_is_refused():
    out = aws("sts", "assume-role", "--role-arn", DEPLOY, "--role-session-name", "escape",
              "--external-id", "demo-external-id", endpoint=STS_URL)
    assert out.returncode != 0 and "AccessDenied" in out.stderr, out.stderr[-2000:]


def cli_reads_within_the_prefix():
    target = os.path.join(SCRATCH, "in.txt")
    out = aws("s3api", "get-object", "--bucket", "attn", "--key", "job-42/in.txt", target,
              endpoint=S3_URL)
    assert out.returncode == 0, out.stderr[-2000:]
    with open(target, "rb") as f:
        assert f.read() == b"job 42 input"


def cli_cannot_write_or_delete():
    out = aws("s3api", "put-object", "--bucket", "attn", "--key", "job-42/cli.txt",
              "--body", policy_file, endpoint=S3_URL)
    assert out.returncode != 0 and "AccessDenied" in out.stderr, out.stderr[-2000:]
    out = aws("s3api", "delete-object", "--bucket", "attn", "--key", "job-41/out.txt",
              endpoint=S3_URL)
    assert out.returncode != 0 and "AccessDenied" in out.stderr, out.stderr[-2000:]


def boto3_profile_with_credential_process():
    old = os.environ.copy()
    try:
        os.environ.clear()
        os.environ.update(cli_env())
        session = boto3.Session(profile_name="job-42")
        frozen = session.get_credentials().get_frozen_credentials()
        assert frozen.access_key.startswith("ASIA") and frozen.token, frozen.access_key
        sts = session.client("sts", endpoint_url=STS_URL)
        assert sts.get_caller_identity()["Arn"] == ALICE
        s3 = session.client("s3", endpoint_url=S3_URL,
                            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
        assert s3.get_object(Bucket="attn", Key="job-42/in.txt")["Body"].read() == b"job 42 input"
        assert error_code(lambda: s3.delete_object(Bucket="attn", Key="job-41/out.txt")) == "AccessDenied"
    finally:
        os.environ.clear()
        os.environ.update(old)


check("attenuate prints credential_process JSON with an earlier expiry", printed_document_is_credential_process_json)
check("boto3: GetCallerIdentity answers the parent's ARN", boto3_get_caller_identity_is_the_parents)
check("boto3: AssumeRole with attenuated credentials is AccessDenied", boto3_assume_role_is_refused)
check("boto3: GetObject within the caveat's prefix", boto3_reads_within_the_prefix)
check("boto3: PutObject/DeleteObject/GetObject outside are AccessDenied", boto3_cannot_write_or_delete)
check("boto3: the parent's secret with the child's token is refused", boto3_parent_secret_with_child_token_is_refused)
check("aws cli (credential_process): get-caller-identity", cli_get_caller_identity)
check("aws cli (credential_process): assume-role is AccessDenied", cli_assume_role_is_refused)
check("aws cli (credential_process): get-object within the prefix", cli_reads_within_the_prefix)
check("aws cli (credential_process): put-object/delete-object are AccessDenied", cli_cannot_write_or_delete)
check("boto3 profile (credential_process): STS and S3", boto3_profile_with_credential_process)
print(f"attenuate: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
