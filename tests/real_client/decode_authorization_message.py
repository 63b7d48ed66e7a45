"""boto3 and the AWS CLI read a refusal's encoded authorization message (issue 16, part 2).

Usage: python3 decode_authorization_message.py http://OBJECT_STORE http://STS

`object_store` and `sts_server` share one key ring and the built-in demo directory. A session
of role `readonly` (account 222222222222) is refused `s3:PutObject` by `object_store`; the
refusal's message ends in `Encoded authorization failure message: …`. boto3's
`decode_authorization_message` then decodes it through `sts_server` for a session of `deploy`
(allowed `sts:DecodeAuthorizationMessage`), and is refused for the `readonly` session itself
(`AccessDenied`), for alice of account 111111111111 and for an altered message (both
`InvalidAuthorizationMessageException`, which botocore maps to its modeled exception class).
The AWS CLI decodes it too. Prints one line per check and 'N passed, N failed'.
"""

import json
import os
import subprocess
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

S3_URL, STS_URL = sys.argv[1], sys.argv[2]
KEY_ID = "AKIADEMOALICE0000001"
SECRET = "DemoOnlyAliceSecret/NotForProduction+000"
REGION = "us-east-1"
MARKER = "Encoded authorization failure message: "
passed = 0
failed = 0
state = {}


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


def creds_of(c):
    return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
            "aws_session_token": c["SessionToken"]}


def sts(creds):
    return boto3.client("sts", endpoint_url=STS_URL, region_name=REGION,
                        config=Config(retries={"max_attempts": 1}), **creds)


def s3(creds):
    return boto3.client("s3", endpoint_url=S3_URL, region_name=REGION,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
                        **creds)


ALICE = {"aws_access_key_id": KEY_ID, "aws_secret_access_key": SECRET}


def sessions():
    deploy = sts(ALICE).assume_role(RoleArn="arn:aws:iam::222222222222:role/deploy",
                                    RoleSessionName="operator", ExternalId="demo-external-id")
    state["deploy"] = creds_of(deploy["Credentials"])
    readonly = sts(state["deploy"]).assume_role(RoleArn="arn:aws:iam::222222222222:role/readonly",
                                                RoleSessionName="reader")
    state["readonly"] = creds_of(readonly["Credentials"])
    s3(state["deploy"]).create_bucket(Bucket="demo-bucket")


def refusal_carries_an_encoded_message():
    try:
        s3(state["readonly"]).put_object(Bucket="demo-bucket", Key="denied.txt", Body=b"no")
    except ClientError as e:
        err = e.response["Error"]
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response
        assert err["Code"] == "AccessDenied", err
        message = err["Message"]
        assert message.startswith(
            "User: arn:aws:sts::222222222222:assumed-role/readonly/reader is not authorized to "
            "perform: s3:PutObject on resource: arn:aws:s3:::demo-bucket/denied.txt. "), message
        encoded = message.split(MARKER, 1)[1]
        assert 0 < len(encoded) <= 10240, len(encoded)
        assert "PutObject" not in encoded and "readonly" not in encoded
        state["encoded"] = encoded
        print(f"     encoded message: {len(encoded)} characters")
        return
    raise AssertionError("the put was allowed")


def deploy_decodes_it():
    out = sts(state["deploy"]).decode_authorization_message(EncodedMessage=state["encoded"])
    decoded = json.loads(out["DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False, decoded
    assert decoded["matchedStatements"] == {"items": []}, decoded
    assert decoded["failures"] == {"items": []}, decoded
    ctx = decoded["context"]
    assert ctx["principal"]["arn"] == "arn:aws:sts::222222222222:assumed-role/readonly/reader", ctx
    assert ctx["principal"]["id"].startswith("AROA") and ctx["principal"]["id"].endswith(":reader")
    assert ctx["action"] == "s3:PutObject", ctx
    assert ctx["resource"] == "arn:aws:s3:::demo-bucket/denied.txt", ctx
    keys = {c["key"]: [v["value"] for v in c["values"]["items"]] for c in ctx["conditions"]["items"]}
    assert keys["aws:PrincipalArn"] == ["arn:aws:iam::222222222222:role/readonly"], keys
    assert keys["aws:PrincipalAccount"] == ["222222222222"], keys


def readonly_may_not_decode():
    try:
        sts(state["readonly"]).decode_authorization_message(EncodedMessage=state["encoded"])
    except ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDenied", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        return
    raise AssertionError("readonly decoded a message")


def another_account_and_an_altered_message_are_invalid():
    client = sts(ALICE)
    try:
        client.decode_authorization_message(EncodedMessage=state["encoded"])
        raise AssertionError("account 111111111111 decoded a message of 222222222222")
    except client.exceptions.InvalidAuthorizationMessageException as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    deploy = sts(state["deploy"])
    encoded = state["encoded"]
    i = len(encoded) // 2
    altered = encoded[:i] + ("A" if encoded[i] != "A" else "B") + encoded[i + 1:]
    try:
        deploy.decode_authorization_message(EncodedMessage=altered)
        raise AssertionError("an altered message decoded")
    except deploy.exceptions.InvalidAuthorizationMessageException:
        pass


def aws_cli_decodes_it():
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": state["deploy"]["aws_access_key_id"],
                "AWS_SECRET_ACCESS_KEY": state["deploy"]["aws_secret_access_key"],
                "AWS_SESSION_TOKEN": state["deploy"]["aws_session_token"],
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    env.pop("AWS_PROFILE", None)
    out = subprocess.run(["aws", "--endpoint-url", STS_URL, "sts", "decode-authorization-message",
                          "--encoded-message", state["encoded"], "--output", "json"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    decoded = json.loads(json.loads(out.stdout)["DecodedMessage"])
    assert decoded["context"]["action"] == "s3:PutObject", decoded


check("sessions of deploy and (chained) readonly, and a bucket", sessions)
check("object_store refuses readonly's PutObject with an encoded message", refusal_carries_an_encoded_message)
check("boto3: deploy decodes it into AWS's JSON", deploy_decodes_it)
check("boto3: readonly itself may not decode (AccessDenied)", readonly_may_not_decode)
check("boto3: another account and an altered message are InvalidAuthorizationMessageException",
      another_account_and_an_altered_message_are_invalid)
check("aws cli: sts decode-authorization-message", aws_cli_decodes_it)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
