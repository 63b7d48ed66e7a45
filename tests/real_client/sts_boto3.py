"""Drive a running tempcred `sts_server` with boto3, the real AWS SDK for Python.

Usage: python3 sts_boto3.py ENDPOINT   (the server loaded tests/data/directory.json)

Every step parses the server's answer with botocore, exactly as against AWS. Prints one line per
check and a closing 'N passed, N failed' line; exits non-zero on any failure.
"""

import sys
from datetime import datetime, timezone

import boto3
import botocore.config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]
ALICE = ("AKIAALICEEXAMPLE0001", "aliceSecretKeyForTestsOnly0000000000000A")
BOB = ("AKIABOBEXAMPLE000001", "bobSecretKeyForTestsOnly0000000000000000")
DEPLOY = "arn:aws:iam::222222222222:role/deploy"
READONLY = "arn:aws:iam::222222222222:role/readonly"
CONFIG = botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10)

passed = 0
failed = 0


def sts(access_key, secret, token=None, region="us-east-1", validate=True):
    config = CONFIG if validate else CONFIG.merge(botocore.config.Config(parameter_validation=False))
    return boto3.client(
        "sts",
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=config,
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


def expect_error(fn, code, status):
    try:
        fn()
    except ClientError as e:
        got = e.response["Error"]["Code"]
        got_status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert got == code, f"expected {code}, got {got}: {e.response['Error'].get('Message')}"
        assert got_status == status, f"expected HTTP {status}, got {got_status}"
        assert e.response["ResponseMetadata"].get("RequestId"), "no request ID in the error"
        return e.response["Error"]["Message"]
    raise AssertionError(f"expected {code}, but the call succeeded")


def temp(creds):
    return sts(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


state = {}


def assume_role():
    r = sts(*ALICE).assume_role(
        RoleArn=DEPLOY,
        RoleSessionName="boto3-test",
        ExternalId="partner-42",
        DurationSeconds=900,
        SourceIdentity="alice-source",
        Tags=[{"Key": "project", "Value": "apollo"}],
        TransitiveTagKeys=["project"],
    )
    c = r["Credentials"]
    assert c["AccessKeyId"].startswith("ASIA") and len(c["AccessKeyId"]) == 20
    assert len(c["SecretAccessKey"]) == 40
    assert r["AssumedRoleUser"]["Arn"] == "arn:aws:sts::222222222222:assumed-role/deploy/boto3-test"
    assert r["AssumedRoleUser"]["AssumedRoleId"].endswith(":boto3-test")
    assert r["SourceIdentity"] == "alice-source"
    assert 0 < r["PackedPolicySize"] <= 100
    lifetime = (c["Expiration"] - datetime.now(timezone.utc)).total_seconds()
    assert 800 < lifetime <= 900 + 5, lifetime
    state["deploy"] = c


def caller_identity_of_temp_creds():
    r = temp(state["deploy"]).get_caller_identity()
    assert r["Account"] == "222222222222", r
    assert r["Arn"] == "arn:aws:sts::222222222222:assumed-role/deploy/boto3-test", r
    assert r["UserId"].startswith("AROA") and r["UserId"].endswith(":boto3-test"), r


def caller_identity_of_long_term_keys():
    r = sts(*ALICE).get_caller_identity()
    assert r["Arn"] == "arn:aws:iam::111111111111:user/alice", r
    assert r["UserId"].startswith("AIDA"), r
    assert r["Account"] == "111111111111", r


def role_chaining():
    r = temp(state["deploy"]).assume_role(RoleArn=READONLY, RoleSessionName="chained")
    assert r["SourceIdentity"] == "alice-source", "source identity must carry along the chain"
    who = temp(r["Credentials"]).get_caller_identity()
    assert who["Arn"] == "arn:aws:sts::222222222222:assumed-role/readonly/chained", who
    state["readonly"] = r["Credentials"]


def chaining_over_one_hour_fails():
    msg = expect_error(
        lambda: temp(state["deploy"]).assume_role(
            RoleArn=READONLY, RoleSessionName="too-long", DurationSeconds=3601
        ),
        "ValidationError",
        400,
    )
    assert "chaining" in msg, msg


def changing_source_identity_in_a_chain_fails():
    expect_error(
        lambda: temp(state["deploy"]).assume_role(
            RoleArn=READONLY, RoleSessionName="other-si", SourceIdentity="mallory"
        ),
        "AccessDenied",
        403,
    )


def get_session_token():
    r = sts(*ALICE).get_session_token(DurationSeconds=900)
    c = r["Credentials"]
    assert c["AccessKeyId"].startswith("ASIA")
    who = temp(c).get_caller_identity()
    assert who["Arn"] == "arn:aws:iam::111111111111:user/alice", who
    state["session"] = c


def session_token_credentials_cannot_get_another():
    expect_error(lambda: temp(state["session"]).get_session_token(), "AccessDenied", 403)


def get_federation_token():
    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
    r = sts(*ALICE).get_federation_token(Name="fed-carol", Policy=policy, DurationSeconds=900)
    assert r["FederatedUser"]["Arn"] == "arn:aws:sts::111111111111:federated-user/fed-carol", r
    assert r["FederatedUser"]["FederatedUserId"] == "111111111111:fed-carol", r
    who = temp(r["Credentials"]).get_caller_identity()
    assert who["Arn"] == "arn:aws:sts::111111111111:federated-user/fed-carol", who
    state["federated"] = r["Credentials"]


def federated_credentials_cannot_assume_roles():
    expect_error(
        lambda: temp(state["federated"]).assume_role(RoleArn=DEPLOY, RoleSessionName="x1"),
        "AccessDenied",
        403,
    )


def bad_external_id_is_refused():
    msg = expect_error(
        lambda: sts(*ALICE).assume_role(RoleArn=DEPLOY, RoleSessionName="s2", ExternalId="wrong-id"),
        "AccessDenied",
        403,
    )
    assert "is not authorized to perform: sts:AssumeRole" in msg, msg


def missing_external_id_is_refused():
    expect_error(
        lambda: sts(*ALICE).assume_role(RoleArn=DEPLOY, RoleSessionName="s3"),
        "AccessDenied",
        403,
    )


def unknown_role_looks_like_an_untrusted_one():
    unknown = expect_error(
        lambda: sts(*ALICE).assume_role(
            RoleArn="arn:aws:iam::222222222222:role/nope", RoleSessionName="s4", ExternalId="partner-42"
        ),
        "AccessDenied",
        403,
    )
    assert "role/nope" in unknown, unknown


def untrusted_user_is_refused():
    expect_error(
        lambda: sts(*BOB).assume_role(RoleArn=DEPLOY, RoleSessionName="s5", ExternalId="partner-42"),
        "AccessDenied",
        403,
    )


def duration_over_role_maximum_is_a_validation_error():
    expect_error(
        lambda: sts(*ALICE).assume_role(
            RoleArn=DEPLOY, RoleSessionName="s6", ExternalId="partner-42", DurationSeconds=7200
        ),
        "ValidationError",
        400,
    )


def duration_under_minimum_is_a_validation_error():
    expect_error(
        # botocore would refuse 899 itself; let the server be the one to say no.
        lambda: sts(*ALICE, validate=False).get_session_token(DurationSeconds=899),
        "ValidationError",
        400,
    )


def bad_secret_is_signature_does_not_match():
    expect_error(
        lambda: sts(ALICE[0], "x" * 40).get_caller_identity(), "SignatureDoesNotMatch", 403
    )


def unknown_key_is_invalid_client_token_id():
    expect_error(
        lambda: sts("AKIAUNKNOWNEXAMPLE01", "y" * 40).get_caller_identity(),
        "InvalidClientTokenId",
        403,
    )


def tampered_session_token_is_refused():
    c = dict(state["deploy"])
    token = c["SessionToken"]
    c["SessionToken"] = token[:-2] + ("AA" if not token.endswith("AA") else "BA")
    expect_error(lambda: temp(c).get_caller_identity(), "InvalidClientTokenId", 403)


def other_region_signatures_work():
    r = sts(*ALICE, region="eu-west-3").get_caller_identity()
    assert r["Account"] == "111111111111"


for name, fn in [
    ("AssumeRole with long-term keys", assume_role),
    ("GetCallerIdentity with temporary credentials", caller_identity_of_temp_creds),
    ("GetCallerIdentity with long-term keys", caller_identity_of_long_term_keys),
    ("role chaining", role_chaining),
    ("role chaining over one hour fails", chaining_over_one_hour_fails),
    ("source identity cannot change in a chain", changing_source_identity_in_a_chain_fails),
    ("GetSessionToken", get_session_token),
    ("GetSessionToken credentials cannot call GetSessionToken", session_token_credentials_cannot_get_another),
    ("GetFederationToken", get_federation_token),
    ("federated credentials cannot AssumeRole", federated_credentials_cannot_assume_roles),
    ("AssumeRole with a bad external ID is refused", bad_external_id_is_refused),
    ("AssumeRole without the external ID is refused", missing_external_id_is_refused),
    ("an unknown role is refused like an untrusted one", unknown_role_looks_like_an_untrusted_one),
    ("a user the role does not trust is refused", untrusted_user_is_refused),
    ("DurationSeconds over the role maximum: ValidationError", duration_over_role_maximum_is_a_validation_error),
    ("DurationSeconds under 900: ValidationError", duration_under_minimum_is_a_validation_error),
    ("a wrong secret: SignatureDoesNotMatch", bad_secret_is_signature_does_not_match),
    ("an unknown access key: InvalidClientTokenId", unknown_key_is_invalid_client_token_id),
    ("a tampered session token is refused", tampered_session_token_is_refused),
    ("signatures scoped to another region", other_region_signatures_work),
]:
    check(name, fn)

print(f"boto3: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
