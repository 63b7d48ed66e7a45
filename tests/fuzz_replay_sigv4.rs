//! Replays the committed `sigv4_authorization` fuzz corpus on the stable toolchain, through the
//! same property the fuzz target checks. `regenerate_sigv4_seed_corpus` (ignored) rewrites the
//! signed seeds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/sigv4_authorization.rs"]
mod check;
use crate::fuzz_corpus;

use tempcred::hazmat::Seal;
use tempcred::sigv4::{presign, sign, PayloadHash, SignableRequest, SigningParams};
use tempcred::UnixTime;

#[test]
fn replay_sigv4_authorization_corpus() {
    let mut n = 0;
    for (_, data) in fuzz_corpus::files("sigv4_authorization") {
        check::check(&data);
        n += 1;
    }
    assert!(n >= 10, "the seed corpus is missing ({n} files)");
}

#[test]
fn signed_seeds_reach_a_successful_verification() {
    // The seeds named `signed-*` must verify, so the fuzzer starts from deep inside the code.
    let verifier = tempcred::sigv4::SigV4Verifier::new(
        tempcred::Verifier::new(&check::ring()),
        check::OneKey,
        tempcred::sigv4::SigV4Config::new("sts").accept_unnormalized_paths(),
    );
    let mut n = 0;
    for (name, data) in fuzz_corpus::files("sigv4_authorization") {
        if !name.starts_with("signed-") {
            continue;
        }
        let [method, path, query, authorization, date, token, body] = check::fields(&data);
        let mut headers = vec![("host", "example.amazonaws.com")];
        for (n, v) in [
            ("Authorization", &authorization),
            ("X-Amz-Date", &date),
            ("X-Amz-Security-Token", &token),
        ] {
            if !v.is_empty() {
                headers.push((n, v.as_str()));
            }
        }
        let req = SignableRequest {
            method: &method,
            path: &path,
            query: &query,
            headers: &headers,
            payload: PayloadHash::Bytes(body.as_bytes()),
        };
        verifier
            .verify(&req, UnixTime::from_secs(check::FUZZ_NOW))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        n += 1;
    }
    assert!(n >= 4, "{n} signed seeds");
}

fn seed(
    method: &str,
    path: &str,
    query: &str,
    auth: &str,
    date: &str,
    token: &str,
    body: &str,
) -> Vec<u8> {
    [method, path, query, auth, date, token, body]
        .join("\n")
        .into_bytes()
}

#[test]
#[ignore = "rewrites the seed corpus"]
fn regenerate_sigv4_seed_corpus() {
    use tempcred::principal::*;
    use tempcred::token::*;
    use tempcred::*;
    let dir = fuzz_corpus::dir("sigv4_authorization");
    std::fs::create_dir_all(&dir).unwrap();
    let ring = check::ring();
    let claims = Claims {
        token_id: TokenId([4; 16]),
        issued_at: UnixTime::from_secs(check::FUZZ_NOW - 60),
        expires_at: UnixTime::from_secs(check::FUZZ_NOW + 3600),
        operation: Operation::AssumeRole,
        partition: Partition::aws(),
        account: "123456789012".parse().unwrap(),
        principal: SessionPrincipal::AssumedRole {
            role_path: IamPath::root(),
            role_name: RoleName::new("deploy").unwrap(),
            role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
            session_name: RoleSessionName::new("fuzz").unwrap(),
        },
        source_identity: None,
        mfa_authenticated_at: None,
        chain_depth: 0,
        tags: SessionTags::new(),
        session_policy: None,
        policy_arns: vec![],
    };
    let creds = claims.seal(&ring).unwrap();
    let long_secret = SecretAccessKey::new(check::FUZZ_SECRET).unwrap();
    let now = UnixTime::from_secs(check::FUZZ_NOW);
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    for (label, id, secret, token) in [
        ("long-term", check::FUZZ_KEY_ID, &long_secret, None),
        (
            "temporary",
            creds.access_key_id.as_str(),
            &creds.secret_access_key,
            Some(creds.session_token.expose_secret()),
        ),
    ] {
        let headers = [("host", "example.amazonaws.com")];
        for (method, path, query, payload) in [
            ("POST", "/", "", body),
            ("GET", "/a/b/../c d", "x=1&y=%2F", ""),
        ] {
            let req = SignableRequest {
                method,
                path,
                query,
                headers: &headers,
                payload: PayloadHash::Bytes(payload.as_bytes()),
            };
            let p = SigningParams::new(id, secret, "us-east-1", "sts", now);
            let p = match token {
                Some(t) => p.with_session_token(t),
                None => p,
            };
            let out = sign(&req, &p).unwrap();
            let get = |n: &str| {
                out.headers
                    .iter()
                    .find(|(h, _)| *h == n)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            seeds.push((
                format!("signed-header-{label}-{method}"),
                seed(
                    method,
                    path,
                    query,
                    &get("authorization"),
                    &get("x-amz-date"),
                    &get("x-amz-security-token"),
                    payload,
                ),
            ));
            let out = presign(&req, &p, 900).unwrap();
            seeds.push((
                format!("signed-presigned-{label}-{method}"),
                seed(method, path, &out.query, "", "", "", payload),
            ));
        }
    }
    let sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    let auth = format!("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20231114/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature={sig}");
    let malformed = [
        ("bad-signature", seed("GET", "/", "", &auth, "20231114T221320Z", "", "")),
        ("bad-algorithm", seed("GET", "/", "", &auth.replace("SHA256", "SHA1"), "20231114T221320Z", "", "")),
        ("bad-date", seed("GET", "/", "", &auth, "2023-11-14T22:13:20Z", "", "")),
        ("scope-mismatch", seed("GET", "/", "", &auth.replace("/20231114/", "/20231115/"), "20231114T221320Z", "", "")),
        ("unsorted-signed-headers", seed("GET", "/", "", &auth.replace("host;x-amz-date", "x-amz-date;host"), "20231114T221320Z", "", "")),
        ("temporary-without-token", seed("GET", "/", "", &auth.replace("AKIA", "ASIA"), "20231114T221320Z", "", "")),
        ("both-mechanisms", seed("GET", "/", "X-Amz-Signature=00", &auth, "20231114T221320Z", "", "")),
        ("presign-expires-too-long", seed("GET", "/", &format!("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20231114%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20231114T221320Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature={sig}"), "", "", "", "")),
        ("bad-escape", seed("GET", "/%zz", "a=%zz&b", "", "", "", "")),
        ("empty", Vec::new()),
    ];
    for (name, data) in malformed {
        seeds.push((name.to_string(), data));
    }
    for (name, data) in seeds {
        std::fs::write(dir.join(name), data).unwrap();
    }
}
