"""Real S3 clients (boto3 and the AWS CLI) against the `object_store` example.

Usage: python3 s3_clients.py http://OBJECT_STORE http://STS SCRATCH_DIR

Uploads, downloads, lists and deletes in every payload mode the clients use: boto3's defaults
(over plain HTTP: the payload's SHA-256 plus an `x-amz-checksum-crc32` header),
`payload_signing_enabled=False` (`UNSIGNED-PAYLOAD`), boto3's HTTPS default
(`STREAMING-UNSIGNED-PAYLOAD-TRAILER` with `aws-chunked`, forced here over HTTP), presigned GET
and PUT URLs, a hand-built `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` upload (accepted, and refused
with one flipped byte), temporary credentials from `sts_server`, a 64 MiB upload with the
multipart threshold raised, and the AWS CLI. Prints one line per check and 'N passed, N failed'.
"""

import hashlib
import hmac
import io
import os
import subprocess
import sys
import types
import urllib.error
import urllib.request

import boto3
import botocore.httpchecksum
from boto3.s3.transfer import TransferConfig
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

S3_URL, STS_URL, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]
KEY_ID = "AKIADEMOALICE0000001"
SECRET = "DemoOnlyAliceSecret/NotForProduction+000"
REGION = "us-east-1"
passed = 0
failed = 0
sent = []


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {e}")


def record(request, **_):
    headers = {k.lower(): v for k, v in request.headers.items()}
    sent.append((request.method, request.url, headers))


def client(creds=None, **s3_config):
    creds = creds or {"aws_access_key_id": KEY_ID, "aws_secret_access_key": SECRET}
    c = boto3.client(
        "s3",
        endpoint_url=S3_URL,
        region_name=REGION,
        config=Config(s3={"addressing_style": "path", **s3_config}, retries={"max_attempts": 1}),
        **creds,
    )
    c.meta.events.register("before-send", record)
    return c


def last_sent(method):
    return [h for m, _, h in sent if m == method][-1]


def header(headers, name):
    v = headers.get(name)
    return v.decode() if isinstance(v, bytes) else v


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def http(method, url, headers=None, data=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


s3 = client()


def default_client_round_trip():
    s3.create_bucket(Bucket="demo")
    s3.put_object(Bucket="demo", Key="dir/hello.txt", Body=b"hello world")
    h = last_sent("PUT")
    assert header(h, "x-amz-content-sha256") == hashlib.sha256(b"hello world").hexdigest(), h
    assert s3.get_object(Bucket="demo", Key="dir/hello.txt")["Body"].read() == b"hello world"
    assert s3.head_object(Bucket="demo", Key="dir/hello.txt")["ContentLength"] == 11
    s3.put_object(Bucket="demo", Key="other key+&%.txt", Body=b"x")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="demo", Prefix="dir/").get("Contents", [])]
    assert keys == ["dir/hello.txt"], keys
    everything = [o["Key"] for o in s3.list_objects_v2(Bucket="demo")["Contents"]]
    assert everything == ["dir/hello.txt", "other key+&%.txt"], everything
    s3.delete_object(Bucket="demo", Key="dir/hello.txt")
    assert error_code(lambda: s3.get_object(Bucket="demo", Key="dir/hello.txt")) == "NoSuchKey"
    assert error_code(lambda: s3.get_object(Bucket="nobucket", Key="k")) == "NoSuchBucket"
    # A wrong checksum header is refused (S3 compares it with the bytes).
    assert error_code(lambda: s3.put_object(Bucket="demo", Key="bad-crc", Body=b"abc",
                                            ChecksumCRC32="AAAAAA==")) == "BadDigest"


def unsigned_payload():
    c = client(payload_signing_enabled=False)
    c.put_object(Bucket="demo", Key="unsigned.txt", Body=b"not hashed")
    assert header(last_sent("PUT"), "x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
    assert c.get_object(Bucket="demo", Key="unsigned.txt")["Body"].read() == b"not hashed"


def aws_chunked_unsigned_trailer():
    # boto3 sends aws-chunked with a trailing checksum only over HTTPS; make it believe the
    # endpoint is HTTPS while it sends over HTTP, so the bytes are exactly its HTTPS default.
    real = botocore.httpchecksum.urlparse
    botocore.httpchecksum.urlparse = lambda url: types.SimpleNamespace(scheme="https")
    try:
        data = os.urandom(3 * 1024 * 1024 + 17)  # four 1 MiB aws-chunked chunks
        s3.put_object(Bucket="demo", Key="chunked.bin", Body=data)
        h = last_sent("PUT")
        assert header(h, "x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER", h
        assert header(h, "content-encoding") == "aws-chunked", h
        assert header(h, "x-amz-trailer") == "x-amz-checksum-crc32", h
        got = s3.get_object(Bucket="demo", Key="chunked.bin")["Body"].read()
        assert got == data
        # CRC32C and SHA-256 trailers too.
        # (CRC32C and CRC64NVME need botocore[crt], which is not installed.)
        for algorithm in ["SHA256", "SHA1"]:
            s3.put_object(Bucket="demo", Key=f"chunked-{algorithm}", Body=data[:1000],
                          ChecksumAlgorithm=algorithm)
            h = last_sent("PUT")
            assert header(h, "x-amz-trailer") == f"x-amz-checksum-{algorithm.lower()}", h
            assert s3.get_object(Bucket="demo", Key=f"chunked-{algorithm}")["Body"].read() == data[:1000]
    finally:
        botocore.httpchecksum.urlparse = real


def presigned_urls():
    # SigV4 presigning (boto3 presigns S3 URLs with SigV2 unless told otherwise).
    v4 = boto3.client("s3", endpoint_url=S3_URL, region_name=REGION, aws_access_key_id=KEY_ID,
                      aws_secret_access_key=SECRET,
                      config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    put_url = v4.generate_presigned_url("put_object", Params={"Bucket": "demo", "Key": "presigned.txt"}, ExpiresIn=300)
    status, body = http("PUT", put_url, data=b"via a presigned URL")
    assert status == 200, (status, body)
    assert "X-Amz-Signature=" in put_url and "X-Amz-Content-Sha256" not in put_url, put_url
    get_url = v4.generate_presigned_url("get_object", Params={"Bucket": "demo", "Key": "presigned.txt"}, ExpiresIn=300)
    status, body = http("GET", get_url)
    assert (status, body) == (200, b"via a presigned URL"), (status, body)
    # A changed key in the URL is not what was signed.
    status, body = http("GET", get_url.replace("presigned.txt", "unsigned.txt"))
    assert status == 403 and b"SignatureDoesNotMatch" in body, (status, body)


def temporary_credentials():
    sts = boto3.client("sts", endpoint_url=STS_URL, region_name=REGION,
                       aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET)
    c = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert c["AccessKeyId"].startswith("ASIA")
    temp = client({"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                   "aws_session_token": c["SessionToken"]})
    temp.put_object(Bucket="demo", Key="temp.txt", Body=b"from a session")
    assert temp.get_object(Bucket="demo", Key="temp.txt")["Body"].read() == b"from a session"
    # Another secret with the same token does not verify.
    bad = client({"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": SECRET,
                  "aws_session_token": c["SessionToken"]})
    assert error_code(lambda: bad.get_object(Bucket="demo", Key="temp.txt")) == "SignatureDoesNotMatch"


def large_upload():
    data = os.urandom(64 * 1024 * 1024)
    config = TransferConfig(multipart_threshold=1024 ** 3)
    s3.upload_fileobj(io.BytesIO(data), "demo", "large.bin", Config=config)
    h = last_sent("PUT")
    assert "uploadId" not in sent[-1][1], "a multipart upload was attempted"
    out = io.BytesIO()
    s3.download_fileobj("demo", "large.bin", out, Config=config)
    assert hashlib.sha256(out.getvalue()).digest() == hashlib.sha256(data).digest()
    print(f"     64 MiB upload sent x-amz-content-sha256={header(h, 'x-amz-content-sha256')[:16]}...")


def signing_key(date):
    k = hmac.new(("AWS4" + SECRET).encode(), date.encode(), hashlib.sha256).digest()
    for part in (REGION, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def signed_chunked_put(key, pieces, flip_at=None):
    """A STREAMING-AWS4-HMAC-SHA256-PAYLOAD PUT: botocore signs the headers (the seed), the
    chunks are signed here; `flip_at` flips one byte of the encoded body after signing."""
    total = sum(len(p) for p in pieces)
    url = f"{S3_URL}/demo/{key}"
    request = AWSRequest(method="PUT", url=url, headers={
        "Content-Encoding": "aws-chunked",
        "X-Amz-Content-SHA256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "X-Amz-Decoded-Content-Length": str(total),
    })
    SigV4Auth(Credentials(KEY_ID, SECRET), "s3", REGION).add_auth(request)
    headers = dict(request.headers.items())
    seed = headers["Authorization"].rsplit("Signature=", 1)[1]
    amz_date = headers["X-Amz-Date"]
    scope = f"{amz_date[:8]}/{REGION}/s3/aws4_request"
    key_bytes = signing_key(amz_date[:8])
    previous = seed
    body = b""
    for piece in list(pieces) + [b""]:
        string_to_sign = "\n".join([
            "AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
            hashlib.sha256(b"").hexdigest(), hashlib.sha256(piece).hexdigest(),
        ])
        previous = hmac.new(key_bytes, string_to_sign.encode(), hashlib.sha256).hexdigest()
        body += f"{len(piece):x};chunk-signature={previous}\r\n".encode() + piece + b"\r\n"
    if flip_at is not None:
        body = bytearray(body)
        body[flip_at] ^= 0x01
        body = bytes(body)
    headers["Content-Length"] = str(len(body))
    return http("PUT", url, headers, body)


def signed_chunks_and_a_tampered_one():
    pieces = [b"a" * 65536, b"b" * 1024]
    status, body = signed_chunked_put("signed-chunks.bin", pieces)
    assert status == 200, (status, body)
    assert s3.get_object(Bucket="demo", Key="signed-chunks.bin")["Body"].read() == b"".join(pieces)
    # One flipped byte in the second chunk's data: refused, and nothing is stored.
    header_len = len(f"{65536:x};chunk-signature=".encode()) + 64 + 2
    at = header_len + 65536 + 2 + header_len + 10
    status, body = signed_chunked_put("tampered.bin", pieces, flip_at=at)
    assert status == 403 and b"SignatureDoesNotMatch" in body, (status, body)
    assert error_code(lambda: s3.head_object(Bucket="demo", Key="tampered.bin")) == "404"
    # A flipped byte in a chunk signature, and in a chunk size.
    for at in [header_len - 5, 1]:
        status, body = signed_chunked_put("tampered.bin", pieces, flip_at=at)
        assert status in (400, 403), (at, status, body)
    assert error_code(lambda: s3.head_object(Bucket="demo", Key="tampered.bin")) == "404"


def aws_cli(*args, config=None):
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET,
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": config or os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    out = subprocess.run(["aws", "--endpoint-url", S3_URL, *args], env=env,
                         capture_output=True, text=True, timeout=300)
    return out


def aws_cli_round_trip():
    path = os.path.join(SCRATCH, "cli.txt")
    with open(path, "wb") as f:
        f.write(b"from the aws cli")
    out = aws_cli("s3", "cp", path, "s3://demo/cli/cp.txt", "--debug")
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stderr.lower()
    modes = sorted({part.split("'")[0][:24] for part in log.split("'x-amz-content-sha256': b'")[1:]})
    print(f"     aws s3 cp over HTTP sent x-amz-content-sha256: {modes}; "
          f"aws-chunked: {'aws-chunked' in log}; checksum header: {'x-amz-checksum-crc32' in log}")
    out = aws_cli("s3api", "put-object", "--bucket", "demo", "--key", "cli/api.txt", "--body", path)
    assert out.returncode == 0, out.stderr[-2000:]
    target = os.path.join(SCRATCH, "cli-out.txt")
    out = aws_cli("s3api", "get-object", "--bucket", "demo", "--key", "cli/cp.txt", target)
    assert out.returncode == 0, out.stderr[-2000:]
    with open(target, "rb") as f:
        assert f.read() == b"from the aws cli"
    out = aws_cli("s3api", "list-objects-v2", "--bucket", "demo", "--prefix", "cli/",
                  "--query", "Contents[].Key", "--output", "text")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["cli/api.txt", "cli/cp.txt"], out.stdout
    out = aws_cli("s3api", "delete-object", "--bucket", "demo", "--key", "cli/api.txt")
    assert out.returncode == 0, out.stderr[-2000:]
    out = aws_cli("s3api", "head-object", "--bucket", "demo", "--key", "cli/api.txt")
    assert out.returncode != 0


def aws_cli_large_upload():
    config = os.path.join(SCRATCH, "aws-config")
    with open(config, "w") as f:
        f.write("[default]\n")
    env = dict(os.environ, AWS_CONFIG_FILE=config)
    subprocess.run(["aws", "configure", "set", "default.s3.multipart_threshold", "1GB"],
                   env=env, check=True)
    path = os.path.join(SCRATCH, "large.bin")
    data = os.urandom(64 * 1024 * 1024)
    with open(path, "wb") as f:
        f.write(data)
    out = aws_cli("s3", "cp", path, "s3://demo/cli/large.bin", config=config)
    assert out.returncode == 0, out.stderr[-2000:]
    head = s3.head_object(Bucket="demo", Key="cli/large.bin")
    assert head["ContentLength"] == len(data)


check("boto3 defaults: create, put, get, head, list, delete", default_client_round_trip)
check("boto3 payload_signing_enabled=False: UNSIGNED-PAYLOAD", unsigned_payload)
check("boto3 aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER with checksums", aws_chunked_unsigned_trailer)
check("presigned GET and PUT URLs through urllib", presigned_urls)
check("temporary credentials from sts_server", temporary_credentials)
check("64 MiB upload with the multipart threshold raised (boto3)", large_upload)
check("signed aws-chunked upload, and a tampered chunk refused", signed_chunks_and_a_tampered_one)
check("aws cli: s3 cp, s3api put/get/list/delete", aws_cli_round_trip)
check("aws cli: 64 MiB s3 cp with multipart_threshold 1GB", aws_cli_large_upload)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
