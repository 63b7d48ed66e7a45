//! Red-team review: StsEndpoint, SigV4 service binding, tower layer, workload endpoints, secrets
//! in output, panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::sync::Arc;
use tempcred::audit::MemoryAuditSink;
use tempcred::directory::InMemoryDirectory;
use tempcred::endpoint::{HttpRequest, StsEndpoint};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    presign, sign, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest,
    SigningParams,
};
use tempcred::{
    AssumeRoleRequest, CallEnv, Credentials, Issuer, KeyRing, RevokedSessions, SecretAccessKey,
    UnixTime, Verifier,
};

const T0: u64 = 1_800_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
const ALICE_SECRET: &str = "aliceSecretKeyForExamplesOnly00000000000";

const DIR: &str = r#"{"users":[{"arn":"arn:aws:iam::111111111111:user/alice","access_keys":[{"id":"AKIAALICEEXAMPLE0001","secret":"aliceSecretKeyForExamplesOnly00000000000"}],
 "policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]}],
 "roles":[{"arn":"arn:aws:iam::111111111111:role/src","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]},
   "policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]},
  {"arn":"arn:aws:iam::111111111111:role/a","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}},
  {"arn":"arn:aws:iam::111111111111:role/b","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}},
  {"arn":"arn:aws:iam::111111111111:role/svc","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}}]}"#;

fn ring() -> KeyRing {
    KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap()
}

fn issuer(ring: &KeyRing, revoked: RevokedSessions, audit: Option<Arc<MemoryAuditSink>>) -> Issuer {
    let d = Arc::new(InMemoryDirectory::from_json(DIR).unwrap());
    let mut b = Issuer::builder(d, ring.clone())
        .random(Arc::new(SeededRandom::new(3)))
        .revoked_sessions(revoked);
    if let Some(a) = audit {
        b = b.audit_sink(a);
    }
    b.build()
}

fn src_creds(iss: &Issuer) -> Credentials {
    let alice = iss.long_term_caller(&ALICE_KEY.parse().unwrap()).unwrap();
    iss.assume_role_at(
        &alice,
        &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "sess")
            .build()
            .unwrap(),
        &CallEnv::at(UnixTime::from_secs(T0)),
    )
    .unwrap()
    .credentials
}

struct Signed {
    headers: Vec<(String, String)>,
}

fn sign_post(
    body: &[u8],
    key: &str,
    secret: &SecretAccessKey,
    token: Option<&str>,
    service: &str,
    t: u64,
) -> Signed {
    let base = [
        ("host", "127.0.0.1:8080"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let req = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &base,
        payload: PayloadHash::Bytes(body),
    };
    let mut p = SigningParams::new(key, secret, "us-east-1", service, UnixTime::from_secs(t));
    if let Some(tok) = token {
        p = p.with_session_token(tok);
    }
    let out = match sign(&req, &p) {
        Ok(o) => o,
        Err(_) => {
            return Signed {
                headers: Vec::new(),
            }
        }
    };
    let mut headers: Vec<(String, String)> = base
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    headers.extend(out.headers.iter().map(|(a, b)| (a.to_string(), b.clone())));
    Signed { headers }
}

fn send(
    ep: &StsEndpoint,
    method: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
    t: u64,
) -> (u16, String) {
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = ep.handle(
        &HttpRequest {
            method,
            path: "/",
            query,
            headers: &h,
            body,
            source_ip: None,
        },
        UnixTime::from_secs(t),
    );
    (r.status, r.body.to_string())
}

const GCI: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";

#[test]
fn w_endpoint_uses_issuer_revocation_snapshot() {
    let r = ring();
    let plain = issuer(&r, RevokedSessions::default(), None);
    let c = src_creds(&plain);
    let s = sign_post(
        GCI,
        c.access_key_id.as_str(),
        &c.secret_access_key,
        Some(c.session_token.expose_secret()),
        "sts",
        T0 + 5,
    );
    // neighbour
    let (st, body) = send(
        &StsEndpoint::new(issuer(&r, RevokedSessions::default(), None)),
        "POST",
        "",
        &s.headers,
        GCI,
        T0 + 5,
    );
    assert_eq!(st, 200, "{body}");
    let mut rv = RevokedSessions::default();
    rv.revoke_role_sessions(
        "111111111111".parse().unwrap(),
        tempcred::principal::RoleName::new("src").unwrap(),
        UnixTime::from_secs(T0 + 1),
    );
    let (st, body) = send(
        &StsEndpoint::new(issuer(&r, rv, None)),
        "POST",
        "",
        &s.headers,
        GCI,
        T0 + 5,
    );
    assert_ne!(st, 200, "revoked session served: {body}");
}

#[test]
fn w_endpoint_refuses_other_service_signature() {
    let r = ring();
    let ep = StsEndpoint::new(issuer(&r, RevokedSessions::default(), None));
    let secret = SecretAccessKey::new(ALICE_SECRET).unwrap();
    for svc in ["s3", "execute-api", "STS", "sts "] {
        let s = sign_post(GCI, ALICE_KEY, &secret, None, svc, T0);
        let (st, _) = send(&ep, "POST", "", &s.headers, GCI, T0);
        assert_ne!(
            st, 200,
            "signature for {svc:?} accepted by the sts endpoint"
        );
    }
    // presigned for another service
    let req = SignableRequest {
        method: "GET",
        path: "/",
        query: "Action=GetCallerIdentity&Version=2011-06-15",
        headers: &[("host", "127.0.0.1:8080")],
        payload: PayloadHash::Bytes(b""),
    };
    let out = presign(
        &req,
        &SigningParams::new(
            ALICE_KEY,
            &secret,
            "us-east-1",
            "s3",
            UnixTime::from_secs(T0),
        ),
        300,
    )
    .unwrap();
    let (st, _) = send(
        &ep,
        "GET",
        &out.query,
        &[("host".into(), "127.0.0.1:8080".into())],
        b"",
        T0 + 1,
    );
    assert_ne!(st, 200);
    let out = presign(
        &req,
        &SigningParams::new(
            ALICE_KEY,
            &secret,
            "us-east-1",
            "sts",
            UnixTime::from_secs(T0),
        ),
        300,
    )
    .unwrap();
    let (st, body) = send(
        &ep,
        "GET",
        &out.query,
        &[("host".into(), "127.0.0.1:8080".into())],
        b"",
        T0 + 1,
    );
    assert_eq!(st, 200, "neighbour presigned sts: {body}");
    // A presigned GetCallerIdentity URL (handed to a third party, Vault-style) must not be usable
    // with a POST body that says something else.
    let evil = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fsrc&RoleSessionName=evil";
    for m in ["POST", "GET"] {
        let (st, body) = send(
            &ep,
            m,
            &out.query,
            &[("host".into(), "127.0.0.1:8080".into())],
            evil,
            T0 + 1,
        );
        assert!(
            !body.contains("AssumeRoleResult"),
            "{m} presigned GCI + body -> {st} {body}"
        );
    }
    // And the bare SigV4Verifier bound to s3 refuses an sts signature.
    let v = SigV4Verifier::new(Verifier::new(&r), NoLongTermKeys, SigV4Config::new("s3"));
    let c = src_creds(&issuer(&r, RevokedSessions::default(), None));
    let s = sign_post(
        GCI,
        c.access_key_id.as_str(),
        &c.secret_access_key,
        Some(c.session_token.expose_secret()),
        "sts",
        T0 + 5,
    );
    let h: Vec<(&str, &str)> = s
        .headers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let sr = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &h,
        payload: PayloadHash::Bytes(GCI),
    };
    assert!(v.verify(&sr, UnixTime::from_secs(T0 + 5)).is_err());
    let v2 = SigV4Verifier::new(Verifier::new(&r), NoLongTermKeys, SigV4Config::new("sts"));
    assert!(v2.verify(&sr, UnixTime::from_secs(T0 + 5)).is_ok());
    // Lower-level API: UntrustedRequest::check_at with an s3 config must refuse an sts scope.
    let u = tempcred::sigv4::UntrustedRequest::parse(&sr, &SigV4Config::new("s3"));
    if let Ok(u) = u {
        assert!(
            u.check_at(&SigV4Config::new("s3"), UnixTime::from_secs(T0 + 5))
                .is_err(),
            "UntrustedRequest::check_at ignores the service"
        );
    }
}

/// The query's signed meaning vs the Query API's meaning.
#[test]
fn w_query_duplicates_and_plus() {
    let r = ring();
    let ep = StsEndpoint::new(issuer(&r, RevokedSessions::default(), None));
    let secret = SecretAccessKey::new(ALICE_SECRET).unwrap();
    let host = [("host".to_owned(), "127.0.0.1:8080".to_owned())];
    let pres = |q: &str| {
        let req = SignableRequest {
            method: "GET",
            path: "/",
            query: q,
            headers: &[("host", "127.0.0.1:8080")],
            payload: PayloadHash::Bytes(b""),
        };
        presign(
            &req,
            &SigningParams::new(
                ALICE_KEY,
                &secret,
                "us-east-1",
                "sts",
                UnixTime::from_secs(T0),
            ),
            300,
        )
        .map(|o| o.query)
        .unwrap_or_else(|_| q.to_owned())
    };
    let ra = "arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fa";
    let rb = "arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fb";
    // A signed request with a duplicate key; reordering keeps the signature (sorted), so the
    // parser must refuse rather than pick one.
    let q = pres(&format!(
        "Action=AssumeRole&Version=2011-06-15&RoleSessionName=dup&RoleArn={ra}&RoleArn={rb}"
    ));
    let (st1, b1) = send(&ep, "GET", &q, &host, b"", T0 + 1);
    let swapped = q.replacen(
        &format!("RoleArn={ra}&RoleArn={rb}"),
        &format!("RoleArn={rb}&RoleArn={ra}"),
        1,
    );
    assert_ne!(swapped, q);
    let (st2, b2) = send(&ep, "GET", &swapped, &host, b"", T0 + 1);
    assert!(
        st1 != 200 && st2 != 200,
        "duplicate RoleArn accepted: {st1} {b1} / {st2} {b2}"
    );
    // Duplicate Action
    let q = pres("Action=GetCallerIdentity&Action=AssumeRole&Version=2011-06-15&RoleSessionName=dup&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fa");
    let (st, b) = send(&ep, "GET", &q, &host, b"", T0 + 1);
    assert_ne!(st, 200, "duplicate Action accepted: {b}");
    // Same key spelled with an encoded letter: %52oleArn == RoleArn after decoding.
    let q = pres(&format!(
        "Action=AssumeRole&Version=2011-06-15&RoleSessionName=dup&RoleArn={ra}&%52oleArn={rb}"
    ));
    let (st, b) = send(&ep, "GET", &q, &host, b"", T0 + 1);
    assert_ne!(st, 200, "encoded duplicate key accepted: {b}");
    // `+` vs `%2B`
    let q = pres("Action=AssumeRole&Version=2011-06-15&RoleSessionName=a%2Bb&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fa");
    let (st, b) = send(&ep, "GET", &q, &host, b"", T0 + 1);
    assert_eq!(st, 200, "neighbour: {b}");
    assert!(b.contains("assumed-role/a/a+b"), "{b}");
    let plus = q.replacen("a%2Bb", "a+b", 1);
    let (st, b) = send(&ep, "GET", &plus, &host, b"", T0 + 1);
    assert_ne!(st, 200, "`+` accepted for signed `%2B`: {b}");
    // encoded & and = inside a value stay data
    let q = pres("Action=GetCallerIdentity&Version=2011-06-15&X=a%26Action%3DAssumeRole");
    let (st, b) = send(&ep, "GET", &q, &host, b"", T0 + 1);
    assert!(!b.contains("AssumeRoleResult"), "{st} {b}");
    // non-UTF-8 bytes never panic
    for bad in ["%FF", "%C3%28", "%", "%G0", "a=%E2%82", "&&&===", "Action"] {
        let q = pres(&format!(
            "Action=GetCallerIdentity&Version=2011-06-15&X={bad}"
        ));
        let _ = send(&ep, "GET", &q, &host, b"", T0 + 1);
        let _ = send(&ep, "POST", bad, &host, bad.as_bytes(), T0 + 1);
    }
}

#[test]
fn w_no_secret_in_errors_debug_audit() {
    let r = ring();
    let audit = Arc::new(MemoryAuditSink::new());
    let iss = issuer(&r, RevokedSessions::default(), Some(audit.clone()));
    let c = src_creds(&iss);
    let tok = c.session_token.expose_secret().to_owned();
    let sec = c.secret_access_key.expose_secret().to_owned();
    let ep = StsEndpoint::new(iss);
    let s = sign_post(
        GCI,
        c.access_key_id.as_str(),
        &c.secret_access_key,
        Some(&tok),
        "sts",
        T0 + 5,
    );
    // tamper the signature
    let mut bad = s.headers.clone();
    let auth = bad.iter_mut().find(|(n, _)| n == "authorization").unwrap();
    let sig = auth.1.rsplit("Signature=").next().unwrap().to_owned();
    let wrong: String = sig.chars().rev().collect();
    auth.1 = auth.1.replace(&sig, &wrong);
    let mut outputs = Vec::new();
    let (st, body) = send(&ep, "POST", "", &bad, GCI, T0 + 5);
    assert_eq!(st, 403);
    outputs.push(body);
    // wrong token with right key id
    let mut bad2 = s.headers.clone();
    bad2.iter_mut()
        .find(|(n, _)| n == "x-amz-security-token")
        .unwrap()
        .1 = format!("{tok}x");
    outputs.push(send(&ep, "POST", "", &bad2, GCI, T0 + 5).1);
    // token in a query, MFA code in a body
    let code_body = b"Action=GetSessionToken&Version=2011-06-15&SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Falice&TokenCode=987123";
    let s3 = sign_post(
        code_body,
        ALICE_KEY,
        &SecretAccessKey::new(ALICE_SECRET).unwrap(),
        None,
        "sts",
        T0 + 5,
    );
    outputs.push(send(&ep, "POST", "", &s3.headers, code_body, T0 + 5).1);
    let h: Vec<(&str, &str)> = bad.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let q =
        format!("X-Amz-Security-Token={tok}&X-Amz-Signature={sig}&{tok}={sig}&TokenCode=987123");
    let hr = HttpRequest {
        method: "POST",
        path: "/",
        query: &q,
        headers: &h,
        body: code_body,
        source_ip: None,
    };
    outputs.push(format!("{hr:?}"));
    let sr = SignableRequest {
        method: "POST",
        path: "/",
        query: &q,
        headers: &h,
        payload: PayloadHash::Bytes(code_body),
    };
    outputs.push(format!("{sr:?}"));
    outputs.push(format!("{c:?}"));
    outputs.push(format!("{:?}", ep.handle(&hr, UnixTime::from_secs(T0 + 5))));
    let v = Verifier::new(&r);
    let vs = v.verify(&tok, UnixTime::from_secs(T0 + 5)).unwrap();
    outputs.push(format!("{vs:?} {v:?} {r:?}"));
    outputs.push(format!("{:?}", tempcred::Caller::from_session(vs)));
    outputs.push(format!(
        "{:?}",
        AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/a", "xx")
            .serial_number("arn:aws:iam::111111111111:mfa/alice")
            .token_code("987123")
            .build()
            .unwrap()
    ));
    outputs.push(format!("{:?}", tempcred::wire::parse_query(code_body)));
    outputs.push(format!("{:?}", tempcred::wire::parse_query(format!("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fa&RoleSessionName=ww&WebIdentityToken={tok}").as_bytes())));
    outputs.push(format!("{:?}", tempcred::wire::parse_query(format!("Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fa&PrincipalArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Asaml-provider%2Fx&SAMLAssertion={tok}").as_bytes())));
    // Verify errors of a bad token that contains the secret
    outputs.push(format!(
        "{:?}",
        v.verify(&format!("{tok}{sec}"), UnixTime::from_secs(T0 + 5))
    ));
    outputs.push(format!(
        "{:?}",
        tempcred::internal::PresignedQuery::parse(&q, 64)
    ));
    let sv = SigV4Verifier::new(Verifier::new(&r), NoLongTermKeys, SigV4Config::new("sts"));
    let sr2 = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &h,
        payload: PayloadHash::Bytes(GCI),
    };
    let e = sv.verify(&sr2, UnixTime::from_secs(T0 + 5)).map(drop);
    outputs.push(format!(
        "{e:?} {}",
        e.as_ref().err().map(|e| e.to_string()).unwrap_or_default()
    ));
    if let Ok(u) = tempcred::sigv4::UntrustedRequest::parse(&sr2, &SigV4Config::new("sts")) {
        outputs.push(format!("{u:?}"));
        outputs.push(format!("{:?}", u.verify_signature(&c.secret_access_key)));
    }
    let signed = sign(
        &SignableRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &[("host", "h")],
            payload: PayloadHash::Bytes(b""),
        },
        &SigningParams::new(
            c.access_key_id.as_str(),
            &c.secret_access_key,
            "us-east-1",
            "sts",
            UnixTime::from_secs(T0),
        )
        .with_session_token(&tok),
    )
    .unwrap();
    outputs.push(format!("{signed:?}"));
    let real_sig = signed.signature.to_string();
    for ev in audit.events() {
        outputs.push(serde_json::to_string(&ev).unwrap());
        outputs.push(format!("{ev:?}"));
    }
    for (i, o) in outputs.iter().enumerate() {
        for (what, secret) in [
            ("token", tok.as_str()),
            ("secret", sec.as_str()),
            ("signature", sig.as_str()),
            ("wrong signature", wrong.as_str()),
            ("sig2", real_sig.as_str()),
            ("mfa code", "987123"),
            ("alice secret", ALICE_SECRET),
        ] {
            assert!(!o.contains(secret), "output #{i} contains the {what}: {o}");
        }
        // also a long slice of the token
        assert!(
            !o.contains(&tok[..60]),
            "output #{i} contains a token prefix: {o}"
        );
    }
}
