"""GetWebIdentityToken end to end, with clients nobody here wrote: boto3 asks deployment A for a
token, PyJWT verifies it with the keys A's OIDC discovery document points to, and deployment B,
which knows A only by its issuer URL and public JWKS, takes it in AssumeRoleWithWebIdentity.

Usage: python3 outbound_federation.py URL_A URL_B ISSUER
  URL_A: sts_server started with --issuer ISSUER --signing-keys FILE (the demo directory)
  URL_B: sts_server whose directory lists ISSUER as an OIDC provider with A's JWKS

ISSUER is `https://sts-a.tempcred.test`: an identifier, not a reachable host; the discovery
documents are fetched from A at the paths the issuer URL gives them, which is what a relying
party does once the name resolves to A.

Prints one line per check and 'outbound: N passed, N failed'; exits non-zero on any failure.
"""

import json
import sys
import urllib.parse
import urllib.request

import boto3
import botocore
import botocore.config
import jwt
from botocore.exceptions import ClientError

URL_A, URL_B, ISSUER = sys.argv[1], sys.argv[2], sys.argv[3]
ALICE = ("AKIADEMOALICE0000001", "DemoOnlyAliceSecret/NotForProduction+000")
ALICE_ARN = "arn:aws:iam::111111111111:user/alice"
FROM_A = "arn:aws:iam::999999999999:role/from-a"
CONFIG = botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=20)

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


def sts(url, creds=None, validate=True):
    """A client for `url` signing with `creds` (key, secret[, token]); unsigned without."""
    config = CONFIG if validate else CONFIG.merge(botocore.config.Config(parameter_validation=False))
    if creds is None:
        config = config.merge(botocore.config.Config(signature_version=botocore.UNSIGNED))
        creds = ("unused", "unused")
    access_key, secret, *token = creds
    return boto3.client(
        "sts",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token[0] if token else None,
        config=config,
    )


def expect_error(fn, code, status):
    try:
        fn()
    except ClientError as e:
        got = e.response["Error"]["Code"]
        got_status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert got == code, f"expected {code}, got {got}: {e.response['Error'].get('Message')}"
        assert got_status == status, f"expected HTTP {status}, got {got_status}"
        return
    raise AssertionError(f"expected {code}, the call succeeded")


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers.get("content-type", "").startswith("application/json"), r.headers
        return json.load(r)


def at_a(published_url):
    """The URL a relying party would fetch, served by A (the issuer's name is not resolvable)."""
    parts = urllib.parse.urlsplit(published_url)
    assert f"{parts.scheme}://{parts.netloc}" == ISSUER, published_url
    return URL_A + parts.path


alice_a = sts(URL_A, ALICE)
tokens = {}


def discovery_and_jwks():
    d = fetch_json(at_a(ISSUER + "/.well-known/openid-configuration"))
    assert d["issuer"] == ISSUER, d
    assert d["jwks_uri"] == ISSUER + "/.well-known/jwks.json", d
    assert set(d["id_token_signing_alg_values_supported"]) == {"RS256", "ES384"}, d
    jwks = fetch_json(at_a(d["jwks_uri"]))
    assert all("d" not in k for k in jwks["keys"]), "a private key is published"
    tokens["jwks"] = jwt.PyJWKSet.from_dict(jwks)


def pyjwt_verify(token, audience):
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in tokens["jwks"].keys if k.key_id == kid)
    return jwt.decode(
        token,
        key.key,
        algorithms=["RS256", "ES384"],
        audience=audience,
        issuer=ISSUER,
        options={"require": ["exp", "iat", "iss", "sub", "aud", "jti"]},
    )


def get_token(alg):
    def run():
        r = alice_a.get_web_identity_token(
            Audience=["tempcred-b"],
            SigningAlgorithm=alg,
            DurationSeconds=600,
            Tags=[{"Key": "job", "Value": "ci-42"}],
        )
        token = r["WebIdentityToken"]
        assert jwt.get_unverified_header(token)["alg"] == alg
        claims = pyjwt_verify(token, "tempcred-b")
        assert claims["sub"] == ALICE_ARN, claims
        assert claims["exp"] - claims["iat"] == 600, claims
        assert int(r["Expiration"].timestamp()) == claims["exp"], (r["Expiration"], claims["exp"])
        aws = claims["https://sts.amazonaws.com/"]
        assert aws["aws_account"] == "111111111111", aws
        assert aws["request_tags"] == {"job": "ci-42"}, aws
        assert aws["principal_tags"] == {"team": "payments"}, aws
        tokens[alg] = token

    return run


def altered_tokens_are_refused_by_pyjwt():
    token = tokens["ES384"]
    head, payload, sig = token.split(".")
    forged = json.loads(jwt.utils.base64url_decode(payload))
    forged["sub"] = "arn:aws:iam::111111111111:user/mallory"
    forged_payload = jwt.utils.base64url_encode(json.dumps(forged).encode()).decode()
    for bad in (f"{head}.{forged_payload}.{sig}", f"{head}.{payload}.{sig[:-2]}AA"):
        try:
            pyjwt_verify(bad, "tempcred-b")
        except jwt.InvalidTokenError:
            continue
        raise AssertionError("PyJWT accepted an altered token")
    try:
        pyjwt_verify(token, "someone-else")
    except jwt.InvalidAudienceError:
        return
    raise AssertionError("PyJWT accepted the token for another audience")


def refusals_in_aws_terms():
    raw = sts(URL_A, ALICE, validate=False)
    # Past the API's 3600 seconds: the server's own validation, as AWS answers it.
    expect_error(
        lambda: raw.get_web_identity_token(Audience=["tempcred-b"], SigningAlgorithm="ES384", DurationSeconds=3601),
        "ValidationError",
        400,
    )
    expect_error(
        lambda: raw.get_web_identity_token(Audience=["tempcred-b"], SigningAlgorithm="HS256"),
        "ValidationError",
        400,
    )
    # A role session whose policies do not allow sts:GetWebIdentityToken.
    deploy = alice_a.assume_role(
        RoleArn="arn:aws:iam::222222222222:role/deploy",
        RoleSessionName="ci",
        ExternalId="demo-external-id",
    )["Credentials"]
    role = sts(URL_A, (deploy["AccessKeyId"], deploy["SecretAccessKey"], deploy["SessionToken"]))
    expect_error(
        lambda: role.get_web_identity_token(Audience=["tempcred-b"], SigningAlgorithm="ES384"),
        "AccessDenied",
        403,
    )


def b_accepts_a_token_by_a_public_keys(alg):
    def run():
        b = sts(URL_B)
        r = b.assume_role_with_web_identity(
            RoleArn=FROM_A, RoleSessionName="from-a", WebIdentityToken=tokens[alg]
        )
        assert r["SubjectFromWebIdentityToken"] == ALICE_ARN, r
        # API reference: for OIDC tokens, `Provider` is the token's `iss`.
        assert r["Provider"] == ISSUER, r
        c = r["Credentials"]
        session_b = sts(URL_B, (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]))
        who = session_b.get_caller_identity()
        assert who["Arn"] == "arn:aws:sts::999999999999:assumed-role/from-a/from-a", who
        # B was started without --issuer: its GetWebIdentityToken is disabled, as AWS models it.
        expect_error(
            lambda: session_b.get_web_identity_token(Audience=["x"], SigningAlgorithm="ES384"),
            "OutboundWebIdentityFederationDisabledException",
            403,
        )

    return run


def b_refuses_altered_and_misdirected_tokens():
    b = sts(URL_B)
    token = tokens["RS256"]
    head, payload, sig = token.split(".")
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    expect_error(
        lambda: b.assume_role_with_web_identity(RoleArn=FROM_A, RoleSessionName="x1", WebIdentityToken=f"{head}.{payload}.{flipped}"),
        "InvalidIdentityToken",
        400,
    )
    other = alice_a.get_web_identity_token(Audience=["https://api.example.com"], SigningAlgorithm="ES384")
    try:
        b.assume_role_with_web_identity(RoleArn=FROM_A, RoleSessionName="x2", WebIdentityToken=other["WebIdentityToken"])
        raise AssertionError("B accepted a token for another audience")
    except ClientError as e:
        assert e.response["Error"]["Code"] in ("InvalidIdentityToken", "IDPRejectedClaim"), e.response["Error"]


def access_key_info():
    r = alice_a.get_access_key_info(AccessKeyId=ALICE[0])
    assert r["Account"] == "111111111111", r
    expect_error(lambda: alice_a.get_access_key_info(AccessKeyId="AKIANOBODYHASTHIS001"), "InvalidParameterValue", 400)


check("discovery document and JWKS at the issuer's well-known paths", discovery_and_jwks)
check("boto3 get_web_identity_token RS256, verified by PyJWT", get_token("RS256"))
check("boto3 get_web_identity_token ES384, verified by PyJWT", get_token("ES384"))
check("PyJWT refuses altered tokens and other audiences", altered_tokens_are_refused_by_pyjwt)
check("refusals in AWS's terms", refusals_in_aws_terms)
check("deployment B takes A's RS256 token by A's public keys", b_accepts_a_token_by_a_public_keys("RS256"))
check("deployment B takes A's ES384 token by A's public keys", b_accepts_a_token_by_a_public_keys("ES384"))
check("deployment B refuses altered and misdirected tokens", b_refuses_altered_and_misdirected_tokens)
check("boto3 get_access_key_info", access_key_info)

print(f"outbound: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
