//! SigV4 verification through the public API: every check with an allowed and a refused case,
//! and property tests that signed requests verify and altered ones never do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use tempcred::hazmat::{Seal, SeededRandom};
use tempcred::keys::KeyId;
use tempcred::principal::*;
use tempcred::sigv4::*;
use tempcred::token::*;
use tempcred::*;

const T0: u64 = 1_700_000_000;

fn ring() -> KeyRing {
    KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap()
}

fn mint(ring: &KeyRing, session: &str, issued: u64, lifetime: u64) -> Credentials {
    let claims = Claims {
        token_id: TokenId([session.len() as u8; 16]),
        issued_at: UnixTime::from_secs(issued),
        expires_at: UnixTime::from_secs(issued + lifetime),
        operation: Operation::AssumeRole,
        partition: Partition::aws(),
        account: "123456789012".parse().unwrap(),
        principal: SessionPrincipal::AssumedRole {
            role_path: IamPath::root(),
            role_name: RoleName::new("deploy").unwrap(),
            role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
            session_name: RoleSessionName::new(session).unwrap(),
        },
        source_identity: None,
        mfa_authenticated_at: None,
        chain_depth: 0,
        tags: SessionTags::new(),
        session_policy: None,
        policy_arns: vec![],
    };
    claims.seal(ring).unwrap()
}

const ALICE_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const ALICE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

#[derive(Clone)]
struct Users(HashMap<AccessKeyId, (SecretAccessKey, String)>);

impl LongTermKeys for Users {
    type Owner = String;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, String)> {
        self.0.get(id).cloned()
    }
}

fn users() -> Users {
    let mut m = HashMap::new();
    m.insert(
        AccessKeyId::new(ALICE_ID).unwrap(),
        (
            SecretAccessKey::new(ALICE_SECRET).unwrap(),
            "arn:aws:iam::111111111111:user/alice".to_string(),
        ),
    );
    Users(m)
}

fn verifier(ring: &KeyRing, config: SigV4Config) -> SigV4Verifier<Users> {
    SigV4Verifier::new(Verifier::new(ring), users(), config)
}

/// A request with owned parts.
#[derive(Clone, Debug)]
struct Req {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn new() -> Self {
        Req {
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            headers: vec![
                ("Host".into(), "sts.example.com".into()),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: b"Action=GetCallerIdentity&Version=2011-06-15".to_vec(),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&SignableRequest<'_>) -> R) -> R {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        f(&SignableRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            payload: PayloadHash::Bytes(&self.body),
        })
    }

    fn header_mut(&mut self, name: &str) -> &mut String {
        &mut self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .unwrap()
            .1
    }
}

struct Who<'a> {
    id: &'a str,
    secret: &'a SecretAccessKey,
    token: Option<&'a str>,
}

fn sign_headers(req: &Req, who: &Who<'_>, region: &str, service: &str, at: u64) -> Req {
    let p = SigningParams::new(who.id, who.secret, region, service, UnixTime::from_secs(at));
    let p = match who.token {
        Some(t) => p.with_session_token(t),
        None => p,
    };
    let out = req.with(|r| sign(r, &p)).unwrap();
    let mut signed = req.clone();
    signed
        .headers
        .extend(out.headers.into_iter().map(|(n, v)| (n.to_string(), v)));
    signed
}

fn presign_query(req: &Req, who: &Who<'_>, at: u64, expires: u64) -> Req {
    let p = SigningParams::new(
        who.id,
        who.secret,
        "us-east-1",
        "sts",
        UnixTime::from_secs(at),
    );
    let p = match who.token {
        Some(t) => p.with_session_token(t),
        None => p,
    };
    let out = req.with(|r| presign(r, &p, expires)).unwrap();
    let mut signed = req.clone();
    signed.query = out.query;
    signed
}

/// Alice's long-term key, signing without a session token.
fn alice(secret: &SecretAccessKey) -> Who<'_> {
    Who {
        id: ALICE_ID,
        secret,
        token: None,
    }
}

fn alice_secret() -> SecretAccessKey {
    SecretAccessKey::new(ALICE_SECRET).unwrap()
}

fn verify<K: LongTermKeys>(
    v: &SigV4Verifier<K>,
    req: &Req,
    at: u64,
) -> Result<Authenticated<K::Owner>, SigV4Error> {
    req.with(|r| v.verify(r, UnixTime::from_secs(at)))
}

#[test]
fn temporary_and_long_term_credentials_verify_and_name_the_signer() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let creds = mint(&ring, "ci", T0, 3600);
    let temp = Who {
        id: creds.access_key_id.as_str(),
        secret: &creds.secret_access_key,
        token: Some(creds.session_token.expose_secret()),
    };
    let ok = verify(
        &v,
        &sign_headers(&Req::new(), &temp, "us-east-1", "sts", T0),
        T0,
    )
    .unwrap();
    assert_eq!(
        ok.session().unwrap().caller_identity().arn,
        "arn:aws:sts::123456789012:assumed-role/deploy/ci"
    );
    assert_eq!(ok.access_key_id(), &creds.access_key_id);
    assert_eq!((ok.region(), ok.service()), ("us-east-1", "sts"));
    assert_eq!(ok.scope_date(), "20231114");
    assert_eq!(ok.mode(), AuthMode::Header);

    let secret = alice_secret();
    let alice = alice(&secret);
    let ok = verify(
        &v,
        &sign_headers(&Req::new(), &alice, "eu-west-1", "sts", T0),
        T0,
    )
    .unwrap();
    assert_eq!(
        ok.long_term_owner().unwrap(),
        "arn:aws:iam::111111111111:user/alice"
    );
    assert!(ok.session().is_none());
}

/// A long-term key store whose one secret can be rotated.
struct Rotating(Mutex<SecretAccessKey>);

impl LongTermKeys for Rotating {
    type Owner = ();
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, ())> {
        (id.as_str() == ALICE_ID).then(|| (self.0.lock().unwrap().clone(), ()))
    }
}

#[test]
fn the_signing_key_cache_saves_derivation_and_never_a_check() {
    let ring = ring();
    let cache = NonZeroUsize::new(64).unwrap();
    let v = verifier(&ring, SigV4Config::new("sts")).with_signing_key_cache(cache);
    assert_eq!(
        verifier(&ring, SigV4Config::new("sts")).signing_key_cache_stats(),
        None
    );
    let creds = mint(&ring, "ci", T0, 3600);
    let temp = Who {
        id: creds.access_key_id.as_str(),
        secret: &creds.secret_access_key,
        token: Some(creds.session_token.expose_secret()),
    };
    let signed = sign_headers(&Req::new(), &temp, "us-east-1", "sts", T0);

    // A forged signature is refused and not remembered.
    let mut forged = signed.clone();
    let auth = forged.header_mut("authorization");
    *auth = flip_hex(auth);
    assert!(matches!(
        verify(&v, &forged, T0),
        Err(SigV4Error::SignatureDoesNotMatch)
    ));
    let stats = v.signing_key_cache_stats().unwrap();
    assert_eq!((stats.hits, stats.misses, stats.len), (0, 1, 0));

    // The genuine request: a miss that is remembered, then hits, also through a clone.
    let first = verify(&v, &signed, T0).unwrap();
    let again = verify(&v.clone(), &signed, T0 + 1).unwrap();
    assert_eq!(first.access_key_id(), again.access_key_id());
    let stats = v.signing_key_cache_stats().unwrap();
    assert_eq!((stats.hits, stats.misses, stats.len), (1, 2, 1));

    // With the key remembered, a forged signature is still refused, and so is an expired token.
    assert!(verify(&v, &forged, T0).is_err());
    assert!(matches!(
        verify(
            &v,
            &sign_headers(&Req::new(), &temp, "us-east-1", "sts", T0 + 4000),
            T0 + 4000
        ),
        Err(SigV4Error::ExpiredToken)
    ));

    // Another scope (region) is another key.
    verify(
        &v,
        &sign_headers(&Req::new(), &temp, "eu-west-1", "sts", T0),
        T0,
    )
    .unwrap();
    assert_eq!(v.signing_key_cache_stats().unwrap().len, 2);
}

#[test]
fn a_rotated_long_term_secret_is_not_served_from_the_cache() {
    let old = alice_secret();
    let new = SecretAccessKey::new("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
    let store = std::sync::Arc::new(Rotating(Mutex::new(old.clone())));
    let v = SigV4Verifier::new(
        Verifier::new(&ring()),
        store.clone(),
        SigV4Config::new("sts"),
    )
    .with_signing_key_cache(NonZeroUsize::new(16).unwrap());
    let by_old = sign_headers(&Req::new(), &alice(&old), "us-east-1", "sts", T0);
    let by_new = sign_headers(&Req::new(), &alice(&new), "us-east-1", "sts", T0);
    verify(&v, &by_old, T0).unwrap();
    verify(&v, &by_old, T0).unwrap();
    assert!(verify(&v, &by_new, T0).is_err());

    *store.0.lock().unwrap() = new.clone();
    // Same credential scope, but the key derived from the old secret must not be used.
    assert!(matches!(
        verify(&v, &by_old, T0),
        Err(SigV4Error::SignatureDoesNotMatch)
    ));
    verify(&v, &by_new, T0).unwrap();
    verify(&v, &by_new, T0).unwrap();
    // Hits: by_old again, by_new under the old secret (found, then refused), by_new again.
    // Misses: the first by_old, then each request after the rotation until by_new replaced it.
    let stats = v.signing_key_cache_stats().unwrap();
    assert_eq!(
        (stats.hits, stats.misses, stats.len),
        (3, 3, 1),
        "{stats:?}"
    );
}

#[test]
fn unknown_and_malformed_keys_are_invalid_client_token_ids() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let secret = alice_secret();
    for id in ["AKIAIOSFODNN7EXAMPLF", "AKIDEXAMPLE"] {
        let who = Who {
            id,
            secret: &secret,
            token: None,
        };
        let e = verify(
            &v,
            &sign_headers(&Req::new(), &who, "us-east-1", "sts", T0),
            T0,
        )
        .unwrap_err();
        assert_eq!(e, SigV4Error::InvalidClientTokenId, "{id}");
        assert_eq!(
            (e.aws_code(), e.http_status()),
            ("InvalidClientTokenId", 403)
        );
    }
    // A long-term key must not come with a session token.
    let creds = mint(&ring, "ci", T0, 3600);
    let who = Who {
        id: ALICE_ID,
        secret: &secret,
        token: Some(creds.session_token.expose_secret()),
    };
    let e = verify(
        &v,
        &sign_headers(&Req::new(), &who, "us-east-1", "sts", T0),
        T0,
    )
    .unwrap_err();
    assert_eq!(e, SigV4Error::InvalidClientTokenId);
}

#[test]
fn temporary_keys_need_their_own_valid_token() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let a = mint(&ring, "alpha", T0, 3600);
    let b = mint(&ring, "bravo-session", T0, 3600);
    fn with<'a>(a: &'a Credentials, token: Option<&'a str>) -> Who<'a> {
        Who {
            id: a.access_key_id.as_str(),
            secret: &a.secret_access_key,
            token,
        }
    }
    // Allowed: its own token.
    assert!(verify(
        &v,
        &sign_headers(
            &Req::new(),
            &with(&a, Some(a.session_token.expose_secret())),
            "us-east-1",
            "sts",
            T0
        ),
        T0
    )
    .is_ok());
    // Missing token.
    let e = verify(
        &v,
        &sign_headers(&Req::new(), &with(&a, None), "us-east-1", "sts", T0),
        T0,
    )
    .unwrap_err();
    assert_eq!(e, SigV4Error::InvalidClientTokenId);
    // Another session's (valid) token.
    let e = verify(
        &v,
        &sign_headers(
            &Req::new(),
            &with(&a, Some(b.session_token.expose_secret())),
            "us-east-1",
            "sts",
            T0,
        ),
        T0,
    )
    .unwrap_err();
    assert_eq!(e, SigV4Error::InvalidClientTokenId);
    // B's key ID and token, but signed with A's secret.
    let forged = Who {
        id: b.access_key_id.as_str(),
        secret: &a.secret_access_key,
        token: Some(b.session_token.expose_secret()),
    };
    let e = verify(
        &v,
        &sign_headers(&Req::new(), &forged, "us-east-1", "sts", T0),
        T0,
    )
    .unwrap_err();
    assert_eq!(e, SigV4Error::SignatureDoesNotMatch);
    // A token from another key ring.
    let other_ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(8)).unwrap();
    let c = mint(&other_ring, "alpha", T0, 3600);
    let who = Who {
        id: c.access_key_id.as_str(),
        secret: &c.secret_access_key,
        token: Some(c.session_token.expose_secret()),
    };
    let e = verify(
        &v,
        &sign_headers(&Req::new(), &who, "us-east-1", "sts", T0),
        T0,
    )
    .unwrap_err();
    assert_eq!(e, SigV4Error::InvalidClientTokenId);
    // An expired token, in a fresh request.
    let late = T0 + 3600 + 300;
    let e = verify(
        &v,
        &sign_headers(
            &Req::new(),
            &with(&a, Some(a.session_token.expose_secret())),
            "us-east-1",
            "sts",
            late,
        ),
        late,
    )
    .unwrap_err();
    assert_eq!(e, SigV4Error::ExpiredToken);
    assert_eq!((e.aws_code(), e.http_status()), ("ExpiredToken", 400));
    // Messages never show a token or a secret.
    for e in [SigV4Error::InvalidClientTokenId, SigV4Error::ExpiredToken] {
        let text = e.to_string();
        assert!(!text.contains(a.session_token.expose_secret()));
        assert!(!text.contains(a.secret_access_key.expose_secret()));
    }
}

#[test]
fn scope_date_must_be_the_request_date() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let secret = alice_secret();
    let who = alice(&secret);
    let signed = sign_headers(&Req::new(), &who, "us-east-1", "sts", T0);
    assert!(verify(&v, &signed, T0).is_ok());
    let mut bad = signed.clone();
    let auth = bad.header_mut("authorization");
    *auth = auth.replace("/20231114/", "/20231115/");
    let e = verify(&v, &bad, T0).unwrap_err();
    assert!(matches!(e, SigV4Error::ScopeDateMismatch { .. }), "{e:?}");
    assert_eq!(e.aws_code(), "SignatureDoesNotMatch");
    assert!(e.to_string().contains("'20231115' != '20231114'"), "{e}");
}

#[test]
fn the_skew_window_is_inclusive_at_five_minutes() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let secret = alice_secret();
    let who = alice(&secret);
    let signed = sign_headers(&Req::new(), &who, "us-east-1", "sts", T0);
    for now in [T0 - 300, T0, T0 + 300] {
        assert!(verify(&v, &signed, now).is_ok(), "{now}");
    }
    let e = verify(&v, &signed, T0 + 301).unwrap_err();
    assert!(matches!(e, SigV4Error::RequestTimeTooSkewed { .. }));
    assert_eq!(
        (e.aws_code(), e.http_status()),
        ("SignatureDoesNotMatch", 403)
    );
    assert_eq!(
        e.to_string(),
        "Signature expired: 20231114T221320Z is now earlier than 20231114T221321Z (20231114T221821Z - 5 min.)"
    );
    let e = verify(&v, &signed, T0 - 301).unwrap_err();
    assert!(
        e.to_string().starts_with("Signature not yet current"),
        "{e}"
    );
    // A wider window is an explicit choice.
    let wide = verifier(
        &ring,
        SigV4Config::new("sts").with_clock_skew_leeway(900).unwrap(),
    );
    assert!(verify(&wide, &signed, T0 + 900).is_ok());
    assert!(verify(&wide, &signed, T0 + 901).is_err());
}

#[test]
fn host_and_x_amz_date_must_be_signed() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let secret = alice_secret();
    let who = alice(&secret);
    let signed = sign_headers(&Req::new(), &who, "us-east-1", "sts", T0);
    assert!(verify(&v, &signed, T0).is_ok());
    let drop = |from: &str, to: &str| {
        let mut bad = signed.clone();
        let auth = bad.header_mut("authorization");
        assert!(auth.contains(from));
        *auth = auth.replace(from, to);
        verify(&v, &bad, T0).unwrap_err()
    };
    assert_eq!(
        drop(
            "SignedHeaders=content-type;host;x-amz-date",
            "SignedHeaders=content-type;x-amz-date"
        ),
        SigV4Error::HeaderNotSigned("host")
    );
    assert_eq!(
        drop(
            "SignedHeaders=content-type;host;x-amz-date",
            "SignedHeaders=content-type;host"
        ),
        SigV4Error::HeaderNotSigned("x-amz-date")
    );
    // An x-amz-date header that is missing altogether.
    let mut bad = signed.clone();
    bad.headers.retain(|(n, _)| n != "x-amz-date");
    assert_eq!(
        verify(&v, &bad, T0).unwrap_err(),
        SigV4Error::IncompleteSignature(Malformed::Date)
    );
}

#[test]
fn presigned_urls_expire_exactly_on_time() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let secret = alice_secret();
    let who = alice(&secret);
    let get = Req {
        method: "GET".into(),
        body: vec![],
        ..Req::new()
    };
    for expires in [1u64, 3600, 604_800] {
        let url = presign_query(&get, &who, T0, expires);
        let ok = verify(&v, &url, T0 + expires).unwrap();
        assert_eq!(
            ok.mode(),
            AuthMode::Presigned {
                expires_at: UnixTime::from_secs(T0 + expires)
            }
        );
        let e = verify(&v, &url, T0 + expires + 1).unwrap_err();
        assert_eq!(e, SigV4Error::PresignExpired);
        assert_eq!(e.aws_code(), "AccessDenied");
    }
    // Not yet valid beyond the skew window.
    let url = presign_query(&get, &who, T0, 3600);
    assert!(verify(&v, &url, T0 - 300).is_ok());
    assert!(matches!(
        verify(&v, &url, T0 - 301),
        Err(SigV4Error::RequestTimeTooSkewed { .. })
    ));
    // 604801 seconds is refused by the signer and by the verifier.
    assert_eq!(
        get.with(|r| presign(
            r,
            &SigningParams::new(
                ALICE_ID,
                &secret,
                "us-east-1",
                "sts",
                UnixTime::from_secs(T0)
            ),
            604_801
        ))
        .unwrap_err(),
        SigningError::InvalidExpires
    );
    let mut bad = presign_query(&get, &who, T0, 604_800);
    bad.query = bad
        .query
        .replace("X-Amz-Expires=604800", "X-Amz-Expires=604801");
    assert_eq!(
        verify(&v, &bad, T0).unwrap_err(),
        SigV4Error::MalformedPresign(Malformed::Expires)
    );
    // Temporary credentials in a presigned URL.
    let creds = mint(&ring, "ci", T0, 3600);
    let temp = Who {
        id: creds.access_key_id.as_str(),
        secret: &creds.secret_access_key,
        token: Some(creds.session_token.expose_secret()),
    };
    let url = presign_query(&get, &temp, T0, 600);
    assert!(verify(&v, &url, T0 + 600).unwrap().session().is_some());
    let mut no_token = url.clone();
    no_token.query = no_token
        .query
        .split('&')
        .filter(|p| !p.starts_with("X-Amz-Security-Token="))
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(
        verify(&v, &no_token, T0).unwrap_err(),
        SigV4Error::InvalidClientTokenId
    );
}

#[test]
fn service_and_region_policy() {
    let ring = ring();
    let v = verifier(
        &ring,
        SigV4Config::new("sts").with_regions(["us-east-1", "eu-west-1"]),
    );
    let secret = alice_secret();
    let who = alice(&secret);
    assert!(verify(
        &v,
        &sign_headers(&Req::new(), &who, "eu-west-1", "sts", T0),
        T0
    )
    .is_ok());
    let e = verify(
        &v,
        &sign_headers(&Req::new(), &who, "eu-west-1", "s3", T0),
        T0,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Credential should be scoped to correct service: 'sts'."
    );
    let e = verify(
        &v,
        &sign_headers(&Req::new(), &who, "ap-south-1", "sts", T0),
        T0,
    )
    .unwrap_err();
    assert_eq!(e, SigV4Error::WrongRegion);
}

#[test]
fn authentication_must_be_present_once() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let e = verify(&v, &Req::new(), T0).unwrap_err();
    assert_eq!(
        (e.aws_code(), e.http_status()),
        ("MissingAuthenticationToken", 403)
    );
    let secret = alice_secret();
    let who = alice(&secret);
    let signed = sign_headers(&Req::new(), &who, "us-east-1", "sts", T0);
    let mut twice = signed.clone();
    let auth = twice.header_mut("authorization").clone();
    twice.headers.push(("Authorization".into(), auth));
    assert_eq!(
        verify(&v, &twice, T0).unwrap_err(),
        SigV4Error::IncompleteSignature(Malformed::Duplicate("authorization"))
    );
    let mut both = presign_query(&Req::new(), &who, T0, 60);
    both.headers = signed.headers.clone();
    assert_eq!(
        verify(&v, &both, T0).unwrap_err(),
        SigV4Error::IncompleteSignature(Malformed::TwoMechanisms)
    );
    // Any one of the three presigning names makes the query an attempt at presigning, to be
    // refused as malformed rather than ignored.
    for name in ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"] {
        let lone = Req {
            query: format!("{name}=x"),
            ..Req::new()
        };
        let e = verify(&v, &lone, T0).unwrap_err();
        assert_eq!(
            e.aws_code(),
            "AuthorizationQueryParametersError",
            "{name}: {e:?}"
        );
    }
    let mut malformed = signed.clone();
    *malformed.header_mut("authorization") = "AWS4-HMAC-SHA256 Credential=x".into();
    assert_eq!(
        verify(&v, &malformed, T0).unwrap_err().aws_code(),
        "IncompleteSignature"
    );
}

#[test]
fn content_sha256_must_match_the_payload() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("s3"));
    let secret = alice_secret();
    let mut settings = SigningSettings::default();
    settings.content_sha256_header = true;
    let p = SigningParams::new(
        ALICE_ID,
        &secret,
        "us-east-1",
        "s3",
        UnixTime::from_secs(T0),
    )
    .with_settings(settings);
    let req = Req::new();
    let out = req.with(|r| sign(r, &p)).unwrap();
    let mut signed = req.clone();
    signed
        .headers
        .extend(out.headers.into_iter().map(|(n, v)| (n.to_string(), v)));
    assert!(verify(&v, &signed, T0).is_ok());
    let mut bad = signed.clone();
    bad.body.push(b'!');
    assert_eq!(
        verify(&v, &bad, T0).unwrap_err(),
        SigV4Error::ContentSha256Mismatch
    );
}

#[test]
fn size_limits_are_enforced_before_parsing() {
    let ring = ring();
    let mut limits = Limits::default();
    limits.max_headers = 4;
    limits.max_path_bytes = 16;
    limits.max_query_bytes = 16;
    limits.max_query_params = 2;
    let v = verifier(&ring, SigV4Config::new("sts").with_limits(limits));
    assert_eq!(v.config().limits(), &limits);
    let secret = alice_secret();
    let who = alice(&secret);
    let signed = sign_headers(&Req::new(), &who, "us-east-1", "sts", T0);
    assert!(verify(&v, &signed, T0).is_ok());
    let mut many = signed.clone();
    many.headers.push(("x-extra".into(), "1".into()));
    assert_eq!(
        verify(&v, &many, T0).unwrap_err(),
        SigV4Error::TooLarge(Limit::HeaderCount)
    );
    // Exactly at the path and query limits (16 bytes each): signed and verified.
    let at_limits = Req {
        path: "/abcdefghijklmno".into(),
        query: "aaaaaaa=bbbbbbbb".into(),
        ..Req::new()
    };
    let at_limits = sign_headers(&at_limits, &who, "us-east-1", "sts", T0);
    assert!(verify(&v, &at_limits, T0).is_ok());
    let mut long_path = signed.clone();
    long_path.path = "/".repeat(17);
    assert_eq!(
        verify(&v, &long_path, T0).unwrap_err(),
        SigV4Error::TooLarge(Limit::PathBytes)
    );
    let mut long_query = signed.clone();
    long_query.query = "a".repeat(17);
    assert_eq!(
        verify(&v, &long_query, T0).unwrap_err(),
        SigV4Error::TooLarge(Limit::QueryBytes)
    );
    let mut params = signed.clone();
    params.query = "a&b&c".into();
    assert_eq!(
        verify(&v, &params, T0).unwrap_err(),
        SigV4Error::TooLarge(Limit::QueryParams)
    );
    let mut huge = signed.clone();
    huge.headers[1].1 = "x".repeat(40_000);
    let v = verifier(&ring, SigV4Config::new("sts"));
    assert_eq!(
        verify(&v, &huge, T0).unwrap_err(),
        SigV4Error::TooLarge(Limit::HeaderBytes)
    );
}

#[test]
fn the_method_must_be_an_http_token_of_at_most_32_bytes() {
    let ring = ring();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let secret = alice_secret();
    let who = alice(&secret);
    // Any RFC 9110 token is a method, up to 32 bytes.
    let longest = "X".repeat(31) + "~";
    for method in ["PATCH", "M-SEARCH", longest.as_str()] {
        let req = Req {
            method: method.into(),
            ..Req::new()
        };
        let signed = sign_headers(&req, &who, "us-east-1", "sts", T0);
        assert!(verify(&v, &signed, T0).is_ok(), "{method}");
    }
    let signed = sign_headers(&Req::new(), &who, "us-east-1", "sts", T0);
    let too_long = "X".repeat(33);
    for bad in [
        "",
        "GET POST",
        "GET\n",
        "G\u{e9}T",
        "(GET)",
        too_long.as_str(),
    ] {
        let mut req = signed.clone();
        req.method = bad.into();
        assert_eq!(
            verify(&v, &req, T0).unwrap_err(),
            SigV4Error::TooLarge(Limit::Method),
            "{bad:?}"
        );
    }
}

#[test]
fn long_term_keys_can_be_looked_up_through_a_reference_or_an_arc() {
    let ring = ring();
    let secret = alice_secret();
    let who = alice(&secret);
    let signed = sign_headers(&Req::new(), &who, "us-east-1", "sts", T0);
    let owned = users();
    let by_ref = SigV4Verifier::new(Verifier::new(&ring), &owned, SigV4Config::new("sts"));
    let by_arc = SigV4Verifier::new(
        Verifier::new(&ring),
        std::sync::Arc::new(users()),
        SigV4Config::new("sts"),
    );
    let alice = "arn:aws:iam::111111111111:user/alice";
    assert_eq!(
        verify(&by_ref, &signed, T0)
            .unwrap()
            .long_term_owner()
            .unwrap(),
        alice
    );
    assert_eq!(
        verify(&by_arc, &signed, T0)
            .unwrap()
            .long_term_owner()
            .unwrap(),
        alice
    );
}

#[test]
fn s3_paths_are_signed_unnormalized() {
    let ring = ring();
    let secret = alice_secret();
    let mut settings = SigningSettings::default();
    settings.path_style = PathStyle::S3;
    let p = SigningParams::new(
        ALICE_ID,
        &secret,
        "us-east-1",
        "s3",
        UnixTime::from_secs(T0),
    )
    .with_settings(settings);
    let req = Req {
        method: "GET".into(),
        path: "/bucket//a/../key%20x".into(),
        body: vec![],
        ..Req::new()
    };
    let out = req.with(|r| sign(r, &p)).unwrap();
    assert!(out
        .canonical_request
        .starts_with("GET\n/bucket//a/../key%20x\n"));
    let mut signed = req.clone();
    signed
        .headers
        .extend(out.headers.into_iter().map(|(n, v)| (n.to_string(), v)));
    let s3 = verifier(&ring, SigV4Config::new("s3").with_path_style(PathStyle::S3));
    assert!(verify(&s3, &signed, T0).is_ok());
    let normalized = verifier(&ring, SigV4Config::new("s3").accept_unnormalized_paths());
    assert_eq!(
        verify(&normalized, &signed, T0).unwrap_err(),
        SigV4Error::SignatureDoesNotMatch
    );
}

/// A path ending in `/.` or `/..` is where SDKs disagree: botocore and the JS SDK sign `/a/..`
/// -> `/`, `/a/.` -> `/a` (no trailing slash), RFC 3986 `remove_dot_segments` and the Rust SDK
/// give `/a/`. The choice (documented in `SigV4Config::accept_unnormalized_paths`): by default
/// such a path is refused before any signature is checked, since its meaning depends on the
/// client; with unnormalized paths accepted, the RFC 3986 form is the one verified, so a
/// botocore-style signature over `/a` does not verify for `/a/.`.
#[test]
fn a_path_ending_in_a_dot_segment_is_refused_by_default_and_read_per_rfc_3986_when_allowed() {
    let ring = ring();
    let secret = alice_secret();
    let strict = verifier(&ring, SigV4Config::new("sts"));
    let relaxed = verifier(&ring, SigV4Config::new("sts").accept_unnormalized_paths());
    for (sent, rfc, botocore) in [("/a/.", "/a/", "/a"), ("/a/b/..", "/a/", "/a")] {
        let mut req = Req::new();
        req.path = sent.into();
        // Signed as the RFC (and tempcred's signer) canonicalize it.
        let ours = sign_headers(&req, &alice(&secret), "us-east-1", "sts", T0);
        assert_eq!(
            verify(&strict, &ours, T0).unwrap_err(),
            SigV4Error::UnnormalizedPath,
            "{sent}"
        );
        assert!(verify(&relaxed, &ours, T0).is_ok(), "{sent}");
        // The same request signed over the RFC form directly verifies too: one meaning.
        let mut direct = Req::new();
        direct.path = rfc.into();
        let mut direct = sign_headers(&direct, &alice(&secret), "us-east-1", "sts", T0);
        direct.path = sent.into();
        assert!(verify(&relaxed, &direct, T0).is_ok(), "{sent}");
        // Signed as botocore does (over `/a`), sent as `/a/.`: refused either way.
        let mut boto = Req::new();
        boto.path = botocore.into();
        let mut boto = sign_headers(&boto, &alice(&secret), "us-east-1", "sts", T0);
        boto.path = sent.into();
        assert_eq!(
            verify(&strict, &boto, T0).unwrap_err(),
            SigV4Error::UnnormalizedPath
        );
        assert_eq!(
            verify(&relaxed, &boto, T0).unwrap_err(),
            SigV4Error::SignatureDoesNotMatch,
            "{sent}"
        );
    }
}

// ---- property tests ----

#[derive(Clone, Debug)]
struct Case {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    extra_headers: Vec<(String, String)>,
    body: Vec<u8>,
    region: String,
    service: String,
    temporary: bool,
    presigned: bool,
    offset: i64,
}

fn component() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9 ._~+/=&%-]{0,12}").unwrap()
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
        proptest::string::string_regex("(/[A-Za-z0-9._~\u{e9} -]{0,8}){1,4}").unwrap(),
        prop::collection::vec((component(), component()), 0..4),
        prop::collection::vec(
            (
                proptest::string::string_regex("x-[a-z0-9-]{1,10}").unwrap(),
                proptest::string::string_regex("[ -~]{0,20}").unwrap(),
            ),
            0..4,
        ),
        prop::collection::vec(any::<u8>(), 0..64),
        prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2"]),
        prop::sample::select(vec!["sts", "s3", "execute-api"]),
        any::<bool>(),
        any::<bool>(),
        -300i64..=300,
    )
        .prop_map(
            |(
                method,
                path,
                query,
                extra_headers,
                body,
                region,
                service,
                temporary,
                presigned,
                offset,
            )| Case {
                method: method.into(),
                path,
                query,
                extra_headers,
                body,
                region: region.into(),
                service: service.into(),
                temporary,
                presigned,
                offset,
            },
        )
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Built {
    req: Req,
    creds: Credentials,
    other: Credentials,
}

fn build(ring: &KeyRing, c: &Case) -> Built {
    let mut req = Req {
        method: c.method.clone(),
        path: c.path.clone(),
        query: c
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&"),
        headers: vec![("Host".into(), "svc.example.com".into())],
        body: c.body.clone(),
    };
    req.headers.extend(c.extra_headers.iter().cloned());
    let creds = mint(ring, "prop-session", T0 - 100, 3600);
    let other = mint(ring, "other-session-x", T0 - 100, 3600);
    let secret = alice_secret();
    let (id, sec, token) = if c.temporary {
        (
            creds.access_key_id.as_str(),
            &creds.secret_access_key,
            Some(creds.session_token.expose_secret()),
        )
    } else {
        (ALICE_ID, &secret, None)
    };
    let p = SigningParams::new(id, sec, &c.region, &c.service, UnixTime::from_secs(T0));
    let p = match token {
        Some(t) => p.with_session_token(t),
        None => p,
    };
    let signed = if c.presigned {
        let out = req.with(|r| presign(r, &p, 900)).unwrap();
        Req {
            query: out.query,
            ..req.clone()
        }
    } else {
        let out = req.with(|r| sign(r, &p)).unwrap();
        let mut s = req.clone();
        s.headers
            .extend(out.headers.into_iter().map(|(n, v)| (n.to_string(), v)));
        s
    };
    Built {
        req: signed,
        creds,
        other,
    }
}

fn now(c: &Case) -> u64 {
    (T0 as i64 + c.offset) as u64
}

fn replace_param(query: &str, name: &str, f: impl Fn(&str) -> String) -> String {
    query
        .split('&')
        .map(|p| match p.strip_prefix(&format!("{name}=")) {
            Some(v) => format!("{name}={}", f(v)),
            None => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn flip_hex(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let last = chars.last_mut().unwrap();
    *last = if *last == '0' { '1' } else { '0' };
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn signed_requests_verify(c in case()) {
        let ring = ring();
        // Generated paths may have `.`, `..` and empty segments; the signature property holds
        // for them under the explicit relaxation (the default refuses them, see
        // `paths_that_sign_as_another_path_are_refused_by_default`).
        let v = verifier(
            &ring,
            SigV4Config::new(&c.service)
                .with_regions([c.region.as_str()])
                .accept_unnormalized_paths(),
        );
        let b = build(&ring, &c);
        let ok = verify(&v, &b.req, now(&c));
        prop_assert!(ok.is_ok(), "{:?}", ok.err());
        let ok = ok.unwrap();
        prop_assert_eq!(ok.session().is_some(), c.temporary);
        prop_assert_eq!(ok.region(), c.region.as_str());
    }

    #[test]
    fn altered_requests_are_refused(c in case(), which in 0usize..8, cached in any::<bool>()) {
        let ring = ring();
        let v = verifier(&ring, SigV4Config::new(&c.service).accept_unnormalized_paths());
        // With the signing-key cache warmed by the genuine request, the altered one must still be
        // refused: the cache saves derivation, never a check.
        let v = if cached { v.with_signing_key_cache(NonZeroUsize::new(64).unwrap()) } else { v };
        let b = build(&ring, &c);
        if cached {
            prop_assert!(verify(&v, &b.req, now(&c)).is_ok());
        }
        let mut r = b.req.clone();
        match which {
            0 => r.method = if r.method == "GET" { "POST".into() } else { "GET".into() },
            1 => r.path.push('z'),
            2 => r.query = if r.query.is_empty() { "zz=1".into() } else { format!("{}&zz=1", r.query) },
            3 => r.header_mut("host").push('x'),
            4 => r.body.push(b'!'),
            5 => {
                if c.presigned {
                    r.query = replace_param(&r.query, "X-Amz-Date", |d| d.replace("2213", "2214"));
                } else {
                    let d = r.header_mut("x-amz-date");
                    *d = d.replace("2213", "2214");
                }
            }
            6 => {
                let other = b.other.session_token.expose_secret().to_string();
                if c.presigned {
                    if c.temporary {
                        r.query = replace_param(&r.query, "X-Amz-Security-Token", |_| other.clone());
                    } else {
                        r.query = format!("{}&X-Amz-Security-Token={other}", r.query);
                    }
                } else if c.temporary {
                    *r.header_mut("x-amz-security-token") = other;
                } else {
                    r.headers.push(("X-Amz-Security-Token".into(), other));
                }
            }
            _ => {
                if c.presigned {
                    r.query = replace_param(&r.query, "X-Amz-Signature", flip_hex);
                } else {
                    let a = r.header_mut("authorization");
                    *a = flip_hex(a);
                }
            }
        }
        let _ = &b.creds;
        // Bodies of presigned requests are signed too (the payload hash is the body's), so every
        // alteration must be caught.
        let result = verify(&v, &r, now(&c));
        prop_assert!(result.is_err(), "alteration {} accepted", which);
    }

    /// Security issue 12 B: by default a path verifies only if it is the path that was signed;
    /// one with `.`, `..` or empty segments (which signs as its normalized form) is refused.
    #[test]
    fn paths_that_sign_as_another_path_are_refused_by_default(c in case()) {
        let ring = ring();
        let v = verifier(&ring, SigV4Config::new(&c.service));
        let b = build(&ring, &c);
        let aliased = c.path.contains("//")
            || c.path.split('/').any(|s| s == "." || s == "..");
        let result = verify(&v, &b.req, now(&c));
        if aliased {
            prop_assert_eq!(result.err(), Some(SigV4Error::UnnormalizedPath));
        } else {
            prop_assert!(result.is_ok(), "{:?}", result.err());
        }
    }

    #[test]
    fn arbitrary_requests_never_panic(
        method in "[ -~]{0,8}",
        path in "[ -~]{0,40}",
        query in "[ -~]{0,80}",
        auth in "[ -~]{0,200}",
        date in "[0-9TZ]{0,17}",
    ) {
        let ring = ring();
        let v = verifier(&ring, SigV4Config::new("sts"));
        let headers = [("host", "h"), ("authorization", auth.as_str()), ("x-amz-date", date.as_str())];
        let req = SignableRequest { method: &method, path: &path, query: &query, headers: &headers, payload: PayloadHash::Unsigned };
        prop_assert!(v.verify(&req, UnixTime::from_secs(T0)).is_err());
    }
}

/// Security issue 12 F: two services that trust the same keys must not accept each other's
/// captured requests. `SigV4Config::new` takes the service, so no verifier is built without one.
#[test]
fn a_request_signed_for_one_service_is_refused_by_another() {
    let ring = ring();
    let secret = alice_secret();
    let who = alice(&secret);
    let creds = mint(&ring, "ci", T0, 3600);
    let temp = Who {
        id: creds.access_key_id.as_str(),
        secret: &creds.secret_access_key,
        token: Some(creds.session_token.expose_secret()),
    };
    for (signed_for, verified_by) in [("s3", "sts"), ("sts", "s3"), ("execute-api", "sts")] {
        let v = verifier(&ring, SigV4Config::new(verified_by));
        for signer in [&who, &temp] {
            let captured = sign_headers(&Req::new(), signer, "us-east-1", signed_for, T0);
            assert_eq!(
                verify(&v, &captured, T0).unwrap_err(),
                SigV4Error::WrongService {
                    expected: verified_by.to_string()
                },
                "{signed_for} request accepted by {verified_by}"
            );
            // The legitimate neighbour: signed for the verifier's own service.
            let own = sign_headers(&Req::new(), signer, "us-east-1", verified_by, T0);
            assert!(verify(&v, &own, T0).is_ok(), "{verified_by}");
        }
        // Presigned too.
        let presigned = {
            let p = SigningParams::new(
                ALICE_ID,
                &secret,
                "us-east-1",
                signed_for,
                UnixTime::from_secs(T0),
            );
            let mut r = Req::new();
            r.query = Req::new().with(|q| presign(q, &p, 60)).unwrap().query;
            r
        };
        assert!(matches!(
            verify(&v, &presigned, T0),
            Err(SigV4Error::WrongService { .. })
        ));
    }
    assert_eq!(SigV4Config::new("sts").service(), "sts");
}

/// Security issue 12 B, for the verifier used directly: a request signed for `/public/report`
/// cannot be sent as another raw path that normalizes to it, and a second `Host` header (which
/// would be signed joined to the first, while the application reads one) is refused.
#[test]
fn the_verified_path_and_host_are_the_ones_the_application_reads() {
    let ring = ring();
    let secret = alice_secret();
    let v = verifier(&ring, SigV4Config::new("sts"));
    let mut req = Req::new();
    req.path = "/public/report".into();
    let signed = sign_headers(&req, &alice(&secret), "us-east-1", "sts", T0);
    assert!(verify(&v, &signed, T0).is_ok());
    for alias in [
        "/admin/../public/report",
        "//public/report",
        "/public/./report",
        "/public//report",
        "public/report",
    ] {
        let mut attack = signed.clone();
        attack.path = alias.into();
        assert_eq!(
            verify(&v, &attack, T0).unwrap_err(),
            SigV4Error::UnnormalizedPath,
            "{alias}"
        );
        // The relaxation verifies it against the normalized path, as the AWS suite does.
        let relaxed = verifier(&ring, SigV4Config::new("sts").accept_unnormalized_paths());
        assert!(verify(&relaxed, &attack, T0).is_ok(), "{alias}");
    }
    // Signing an unnormalized path signs the normalized one; sending it raw is refused too.
    let mut raw = Req::new();
    raw.path = "/admin/../public/report".into();
    let signed_raw = sign_headers(&raw, &alice(&secret), "us-east-1", "sts", T0);
    assert_eq!(
        verify(&v, &signed_raw, T0).unwrap_err(),
        SigV4Error::UnnormalizedPath
    );
    // Dots inside a segment, and encoded dots, are ordinary path bytes and verify.
    for fine in ["/a..b/.c", "/%2E%2E/x", "/trailing/"] {
        let mut r = Req::new();
        r.path = fine.into();
        let s = sign_headers(&r, &alice(&secret), "us-east-1", "sts", T0);
        assert!(verify(&v, &s, T0).is_ok(), "{fine}");
    }

    // Two Host headers: the signature covers "a,b", the application reads one of them.
    let mut two_hosts = Req::new();
    two_hosts
        .headers
        .push(("Host".into(), "tenant-b.example.com".into()));
    let signed_two = sign_headers(&two_hosts, &alice(&secret), "us-east-1", "sts", T0);
    assert_eq!(
        verify(&v, &signed_two, T0).unwrap_err(),
        SigV4Error::IncompleteSignature(tempcred::sigv4::Malformed::Duplicate("host"))
    );
}
