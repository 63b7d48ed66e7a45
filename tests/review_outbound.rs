//! Red-team review of issue 16: `GetWebIdentityToken` (tempcred as an OIDC issuer), its signing
//! key ring, the receiving `JwksValidator`, and `GetAccessKeyInfo`.
//!
//! Each test names what the attacker wants, sends the request, and asserts that it is refused (or
//! that the legitimate neighbour works). Tests prefixed `finding_` failed when written: they are
//! the reviewer's findings and stay red until the library is fixed.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use data_encoding::BASE64URL_NOPAD;
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};
use tempcred::audit::MemoryAuditSink;
use tempcred::directory::{InMemoryDirectory, OidcProvider};
use tempcred::endpoint::{HttpRequest, StsEndpoint};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::outbound::{
    OutboundFederation, SigningAlgorithm, SigningKeyError, SigningKeyRing, SigningKeyRole,
};
use tempcred::principal::{AccountId, Partition, RoleName};
use tempcred::wire::parse_query;
use tempcred::{
    AssumeRoleRequest, AssumeRoleWithWebIdentityRequest, CallEnv, Caller, Credentials,
    GetAccessKeyInfoRequest, GetFederationTokenRequest, GetSessionTokenRequest,
    GetWebIdentityTokenRequest, IdentityTokenValidator, Issuer, JwksValidator, KeyRing,
    RevokedSessions, StsError, StsErrorCode, UnixTime, Verifier, WebIdentityError,
};

// ---------------------------------------------------------------------------------------------
// Looking for private key text left in freed heap memory, without `unsafe` (the crate forbids
// it, tests included): the process reads its own writable anonymous mappings through
// `/proc/self/mem` and counts the places where a 32-byte needle occurs. The needle is kept
// XOR-masked so that the copy the test holds never matches.

const MASK: u8 = 0x5a;

/// Occurrences of the (masked) needle in the heap and anonymous mappings of this process. The
/// scan allocates nothing on the heap (its buffers are on the stack), so it cannot copy what it
/// looks for into the memory it looks at.
fn heap_hits(masked: &[u8; 32]) -> usize {
    use std::io::Read;
    use std::os::unix::fs::FileExt;
    let mut maps = [0u8; 64 * 1024];
    let mut len = 0;
    let mut f = std::fs::File::open("/proc/self/maps").unwrap();
    loop {
        let n = f.read(&mut maps[len..]).unwrap();
        if n == 0 {
            break;
        }
        len += n;
        assert!(
            len < maps.len(),
            "/proc/self/maps is larger than the scan buffer"
        );
    }
    let mem = std::fs::File::open("/proc/self/mem").unwrap();
    let mut buf = [0u8; 64 * 1024];
    let mut hits = 0;
    for line in maps[..len].split(|b| *b == b'\n') {
        let line = std::str::from_utf8(line).unwrap_or("");
        let mut f = line.split_whitespace();
        let (Some(range), Some(perms)) = (f.next(), f.next()) else {
            continue;
        };
        let path = f.nth(3).unwrap_or("");
        if !perms.starts_with("rw") || !(path.is_empty() || path == "[heap]") {
            continue;
        }
        let Some((s, e)) = range.split_once('-') else {
            continue;
        };
        let (Ok(mut off), Ok(end)) = (u64::from_str_radix(s, 16), u64::from_str_radix(e, 16))
        else {
            continue;
        };
        while off < end {
            let want = usize::try_from((end - off).min(buf.len() as u64)).unwrap();
            let n = match mem.read_at(&mut buf[..want], off) {
                Ok(n) => n,
                Err(_) => break,
            };
            if n < 32 {
                break;
            }
            hits += buf[..n]
                .windows(32)
                .filter(|w| {
                    w[0] ^ MASK == masked[0] && w.iter().zip(masked).all(|(a, m)| a ^ MASK == *m)
                })
                .count();
            if n < want {
                break;
            }
            off += (n - 31) as u64;
        }
    }
    hits
}

/// Serialises the tests that scan memory.
static SCAN_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

// ---------------------------------------------------------------------------------------------
// Fixtures: deployment A (the issuer, account 111111111111) and deployment B (a relying party
// that registered A as an OIDC provider in account 222222222222).

const T0: u64 = 1_800_000_000;
const ISS: &str = "https://sts.a.example";
const B_AUD: &str = "https://b.example";
const A: &str = "111111111111";
const ALICE: &str = "AKIAALICEEXAMPLE0001";
const BOB: &str = "AKIABOBEXAMPLE000001";
const CAROL: &str = "AKIACAROLEXAMPLE0001";
const DAVE: &str = "AKIADAVEEXAMPLE00001";

fn secret(name: &str) -> String {
    format!("{name:0<40}")
}

fn long_path() -> String {
    let seg = "p".repeat(60);
    format!("/{seg}/{seg}/{seg}/{seg}/")
}

fn deep_role_arn() -> String {
    format!("arn:aws:iam::{A}:role{}deep", long_path())
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// Directory A. `alice_id`/`worker_id` re-create the principal under a new unique ID; `None`
/// for `with_alice`/`with_worker` leaves it out (deleted).
fn dir_a(with_alice: Option<&str>, with_worker: Option<&str>) -> String {
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{A}:user/alice"}},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}}]}}"#
    );
    let alice = match with_alice {
        None => String::new(),
        Some(id) => {
            let id = if id.is_empty() {
                String::new()
            } else {
                format!(r#""id":"{id}","#)
            };
            format!(
                r#"{{"arn":"arn:aws:iam::{A}:user/alice",{id}"access_keys":[{{"id":"{ALICE}","secret":"{}"}}],
  "policies":[{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["sts:GetWebIdentityToken","sts:TagGetWebIdentityToken","sts:GetAccessKeyInfo","sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity","sts:GetFederationToken","sts:GetSessionToken"],"Resource":"*"}}]}}],
  "tags":{{"team":"payments"}}}},"#,
                secret("alice")
            )
        }
    };
    let worker = match with_worker {
        None => String::new(),
        Some(id) => {
            let id = if id.is_empty() {
                String::new()
            } else {
                format!(r#""id":"{id}","#)
            };
            format!(
                r#"{{"arn":"arn:aws:iam::{A}:role/worker",{id}"trust_policy":{trust},"policies":[{ALLOW_ALL}],"tags":{{"tier":"gold"}}}},"#
            )
        }
    };
    format!(
        r#"{{"users":[{alice}
 {{"arn":"arn:aws:iam::{A}:user/bob","access_keys":[{{"id":"{BOB}","secret":"{bob}"}}]}},
 {{"arn":"arn:aws:iam::{A}:user/carol","access_keys":[{{"id":"{CAROL}","secret":"{carol}"}}],
  "policies":[{{"Version":"2012-10-17","Statement":[
   {{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{{
      "ForAllValues:StringEquals":{{"sts:IdentityTokenAudience":["{B_AUD}"]}},
      "NumericLessThanEquals":{{"sts:DurationSeconds":"300"}},
      "StringEquals":{{"sts:SigningAlgorithm":"ES384"}}}}}},
   {{"Effect":"Allow","Action":"sts:TagGetWebIdentityToken","Resource":"*","Condition":{{
      "StringEquals":{{"aws:RequestTag/env":"dev"}},
      "ForAllValues:StringEquals":{{"aws:TagKeys":["env"]}}}}}}]}}]}},
 {{"arn":"arn:aws:iam::{A}:user/dave","access_keys":[{{"id":"{DAVE}","secret":"{dave}"}}],
  "policies":[{{"Version":"2012-10-17","Statement":[
   {{"Effect":"Allow","Action":"*","Resource":"*"}},
   {{"Effect":"Deny","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{{"ForAnyValue:StringLike":{{"sts:IdentityTokenAudience":"*evil*"}}}}}},
   {{"Effect":"Deny","Action":"sts:TagGetWebIdentityToken","Resource":"*","Condition":{{"ForAnyValue:StringEquals":{{"aws:TagKeys":"role"}}}}}}]}}]}}],
 "roles":[{worker}
  {{"arn":"{deep}","trust_policy":{trust},"policies":[{ALLOW_ALL}]}}]}}"#,
        bob = secret("bob"),
        carol = secret("carol"),
        dave = secret("dave"),
        deep = deep_role_arn(),
    )
}

fn default_dir_a() -> String {
    dir_a(Some(""), Some(""))
}

/// The signing ring text of A: an RS256 and an ES384 signing key (generated once).
fn ring_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut ring = SigningKeyRing::new();
        let rng = SeededRandom::new(16);
        ring.generate(
            KeyId::new("rs-1").unwrap(),
            SigningAlgorithm::Rs256,
            SigningKeyRole::Sign,
            &rng,
        )
        .unwrap();
        ring.generate(
            KeyId::new("es-1").unwrap(),
            SigningAlgorithm::Es384,
            SigningKeyRole::Sign,
            &rng,
        )
        .unwrap();
        ring.to_text().as_str().to_owned()
    })
}

fn federation() -> OutboundFederation {
    OutboundFederation::new(ISS, SigningKeyRing::from_text(ring_text()).unwrap()).unwrap()
}

fn session_ring() -> KeyRing {
    KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(1)).unwrap()
}

struct Dep {
    issuer: Issuer,
    audit: Arc<MemoryAuditSink>,
}

fn issuer_a_with(dir: &str, revoked: RevokedSessions, outbound: Option<OutboundFederation>) -> Dep {
    let audit = Arc::new(MemoryAuditSink::new());
    let mut b = Issuer::builder(
        Arc::new(InMemoryDirectory::from_json(dir).unwrap()),
        session_ring(),
    )
    .revoked_sessions(revoked)
    .audit_sink(audit.clone());
    if let Some(o) = outbound {
        b = b.outbound_federation(o);
    }
    Dep {
        issuer: b.build(),
        audit,
    }
}

fn issuer_a() -> Dep {
    issuer_a_with(
        &default_dir_a(),
        RevokedSessions::default(),
        Some(federation()),
    )
}

fn env(t: u64) -> CallEnv {
    CallEnv::at(UnixTime::from_secs(t))
}

impl Dep {
    fn user(&self, key: &str) -> Caller {
        self.issuer.long_term_caller(&key.parse().unwrap()).unwrap()
    }
    fn token(
        &self,
        caller: &Caller,
        req: &GetWebIdentityTokenRequest,
        t: u64,
    ) -> Result<String, StsError> {
        self.issuer
            .get_web_identity_token_at(caller, req, &env(t))
            .map(|r| r.web_identity_token.expose_secret().to_owned())
    }
    fn worker_creds(&self, req: AssumeRoleRequest, t: u64) -> Credentials {
        self.issuer
            .assume_role_at(&self.user(ALICE), &req, &env(t))
            .unwrap()
            .credentials
    }
}

fn session_caller(creds: &Credentials, t: u64) -> Caller {
    Caller::from_session(
        Verifier::new(&session_ring())
            .verify(creds.session_token.expose_secret(), UnixTime::from_secs(t))
            .unwrap(),
    )
}

fn worker_arn() -> String {
    format!("arn:aws:iam::{A}:role/worker")
}

fn req(alg: &str) -> GetWebIdentityTokenRequest {
    GetWebIdentityTokenRequest::builder(alg)
        .audience(B_AUD)
        .build()
        .unwrap()
}

fn part(token: &str, i: usize) -> Value {
    let p = token.split('.').nth(i).unwrap();
    serde_json::from_slice(&BASE64URL_NOPAD.decode(p.as_bytes()).unwrap()).unwrap()
}

fn claims(token: &str) -> Value {
    part(token, 1)
}

fn b64(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

fn provider_b_at(url: &str, jwks: &str) -> OidcProvider {
    OidcProvider::new(
        Partition::new("aws").unwrap(),
        AccountId::new("222222222222").unwrap(),
        url,
        vec![B_AUD.to_owned()],
        jwks,
    )
    .unwrap()
}

fn provider_b() -> OidcProvider {
    provider_b_at(ISS, &federation().jwks_json())
}

fn b_validates(token: &str, t: u64) -> Result<tempcred::ValidatedIdentity, WebIdentityError> {
    JwksValidator::new().validate(token, &provider_b(), UnixTime::from_secs(t))
}

fn code<T: std::fmt::Debug>(r: Result<T, StsError>) -> StsErrorCode {
    match r {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code,
    }
}

/// The PKCS#8 base64url of key `id` in a ring text.
fn material<'a>(text: &'a str, id: &str) -> &'a str {
    text.lines()
        .find(|l| l.split(':').nth(1) == Some(id))
        .and_then(|l| l.splitn(4, ':').nth(3))
        .unwrap()
}

/// Key-specific windows of a key's text (past the common PKCS#8 prefix).
fn secret_windows(m: &str) -> Vec<&str> {
    (60..m.len().saturating_sub(24))
        .step_by(40)
        .map(|i| &m[i..i + 24])
        .collect()
}

fn assert_no_key_material(what: &str, text: &str) {
    for id in ["rs-1", "es-1"] {
        for w in secret_windows(material(ring_text(), id)) {
            assert!(
                !text.contains(w),
                "{what} contains private key text of {id}"
            );
        }
    }
}

// =============================================================================================
// Rule 1: the caller's identity AND session policies must allow it; explicit Deny wins.

/// Baseline: alice (allowed) gets RS256 and ES384 tokens that deployment B accepts, with her
/// claims.
#[test]
fn r1_legitimate_user_gets_a_token_b_accepts() {
    let a = issuer_a();
    for alg in ["RS256", "ES384"] {
        let t = a.token(&a.user(ALICE), &req(alg), T0).unwrap();
        assert_eq!(part(&t, 0)["alg"], alg);
        let c = claims(&t);
        assert_eq!(c["iss"], ISS);
        assert_eq!(c["sub"], format!("arn:aws:iam::{A}:user/alice"));
        assert_eq!(c["aud"], B_AUD);
        assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 300);
        assert_eq!(c["https://sts.amazonaws.com/"]["aws_account"], A);
        assert_eq!(
            c["https://sts.amazonaws.com/"]["principal_tags"]["team"],
            "payments"
        );
        let id = b_validates(&t, T0 + 1).unwrap();
        assert_eq!(id.subject, format!("arn:aws:iam::{A}:user/alice"));
    }
}

/// Bob has no policy at all: nothing allows `sts:GetWebIdentityToken`.
#[test]
fn r1_caller_without_permission_is_refused() {
    let a = issuer_a();
    assert_eq!(
        code(a.token(&a.user(BOB), &req("ES384"), T0)),
        StsErrorCode::AccessDenied
    );
}

/// Carol may only mint for B, ES384, ≤ 300 s: she smuggles a second audience, asks RS256, asks
/// a longer token.
#[test]
fn r1_condition_keys_audience_duration_algorithm_are_enforced() {
    let a = issuer_a();
    let carol = a.user(CAROL);
    assert!(
        a.token(&carol, &req("ES384"), T0).is_ok(),
        "the allowed case"
    );
    let two = GetWebIdentityTokenRequest::builder("ES384")
        .audience(B_AUD)
        .audience("https://evil.example")
        .build()
        .unwrap();
    assert_eq!(code(a.token(&carol, &two, T0)), StsErrorCode::AccessDenied);
    assert_eq!(
        code(a.token(&carol, &req("RS256"), T0)),
        StsErrorCode::AccessDenied
    );
    let long = GetWebIdentityTokenRequest::builder("ES384")
        .audience(B_AUD)
        .duration_seconds(301)
        .build()
        .unwrap();
    assert_eq!(code(a.token(&carol, &long, T0)), StsErrorCode::AccessDenied);
    // Case games on the audience do not match StringEquals.
    let upper = GetWebIdentityTokenRequest::builder("ES384")
        .audience("HTTPS://B.EXAMPLE")
        .build()
        .unwrap();
    assert_eq!(
        code(a.token(&carol, &upper, T0)),
        StsErrorCode::AccessDenied
    );
}

/// Tags need `sts:TagGetWebIdentityToken` with its own conditions: carol may tag only env=dev.
#[test]
fn r1_tags_need_tag_permission_and_its_conditions() {
    let a = issuer_a();
    let carol = a.user(CAROL);
    let with = |k: &str, v: &str| {
        GetWebIdentityTokenRequest::builder("ES384")
            .audience(B_AUD)
            .tag(k, v)
            .build()
            .unwrap()
    };
    let ok = a.token(&carol, &with("env", "dev"), T0).unwrap();
    assert_eq!(
        claims(&ok)["https://sts.amazonaws.com/"]["request_tags"]["env"],
        "dev"
    );
    assert_eq!(
        code(a.token(&carol, &with("env", "prod"), T0)),
        StsErrorCode::AccessDenied
    );
    assert_eq!(
        code(a.token(&carol, &with("admin", "true"), T0)),
        StsErrorCode::AccessDenied
    );
    // Two tags, one of them not allowed by aws:TagKeys.
    let two = GetWebIdentityTokenRequest::builder("ES384")
        .audience(B_AUD)
        .tag("env", "dev")
        .tag("admin", "true")
        .build()
        .unwrap();
    assert_eq!(code(a.token(&carol, &two, T0)), StsErrorCode::AccessDenied);
    // Bob may not tag at all (nor mint).
    assert_eq!(
        code(a.token(&a.user(BOB), &with("env", "dev"), T0)),
        StsErrorCode::AccessDenied
    );
}

/// Dave is allowed `*` but denied any audience like `*evil*` and the tag key `role`.
#[test]
fn r1_explicit_deny_wins_over_allow_star() {
    let a = issuer_a();
    let dave = a.user(DAVE);
    assert!(a.token(&dave, &req("RS256"), T0).is_ok());
    for evil in ["https://evil.example", "xEVIL".to_lowercase().as_str()] {
        let r = GetWebIdentityTokenRequest::builder("RS256")
            .audience(B_AUD)
            .audience(evil)
            .build()
            .unwrap();
        assert_eq!(code(a.token(&dave, &r, T0)), StsErrorCode::AccessDenied);
    }
    let tagged = GetWebIdentityTokenRequest::builder("RS256")
        .audience(B_AUD)
        .tag("role", "admin")
        .build()
        .unwrap();
    assert_eq!(
        code(a.token(&dave, &tagged, T0)),
        StsErrorCode::AccessDenied
    );
}

/// A role session whose session policy allows only s3 may not mint, even though the role allows
/// `*`; a session policy that denies tagging blocks tags.
#[test]
fn r1_session_policies_bound_the_role() {
    let a = issuer_a();
    let s3_only = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "s3only")
            .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#)
            .build()
            .unwrap(),
        T0,
    );
    assert_eq!(
        code(a.token(&session_caller(&s3_only, T0), &req("ES384"), T0)),
        StsErrorCode::AccessDenied
    );
    let no_tags = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "notags")
            .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:TagGetWebIdentityToken","Resource":"*"}]}"#)
            .build()
            .unwrap(),
        T0,
    );
    let caller = session_caller(&no_tags, T0);
    assert!(a.token(&caller, &req("ES384"), T0).is_ok());
    let tagged = GetWebIdentityTokenRequest::builder("ES384")
        .audience(B_AUD)
        .tag("k", "v")
        .build()
        .unwrap();
    assert_eq!(
        code(a.token(&caller, &tagged, T0)),
        StsErrorCode::AccessDenied
    );
}

/// AWS: credentials from `GetFederationToken` "cannot call any STS operations except
/// GetCallerIdentity". A federated user (whose name and tags the parent chose) must not get an
/// OIDC identity token nor `GetAccessKeyInfo` answers, whatever its session policy says
/// (tempcred already keeps federated users from `AssumeRole`: `may_assume_role`).
#[test]
fn r1_federated_user_credentials_cannot_mint_identity_tokens() {
    let a = issuer_a();
    let fed = a
        .issuer
        .get_federation_token_at(
            &a.user(ALICE),
            &GetFederationTokenRequest::builder("partner")
                .policy(ALLOW_ALL)
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let caller = session_caller(&fed, T0);
    let token = a.token(&caller, &req("ES384"), T0);
    let info = a.issuer.get_access_key_info_at(
        &caller,
        &GetAccessKeyInfoRequest::new(BOB).unwrap(),
        &env(T0),
    );
    assert!(
        token.is_err() && info.is_err(),
        "federated-user credentials: GetWebIdentityToken {} (sub {}), GetAccessKeyInfo {:?}",
        if token.is_ok() { "answered" } else { "refused" },
        token
            .as_ref()
            .map(|t| claims(t)["sub"].clone())
            .unwrap_or_default(),
        info.map(|r| r.account.to_string())
    );
}

/// AWS: credentials from `GetSessionToken` "cannot call any STS API except AssumeRole or
/// GetCallerIdentity": neither `GetWebIdentityToken` nor `GetAccessKeyInfo`.
#[test]
fn r1_get_session_token_credentials_cannot_mint_identity_tokens() {
    let a = issuer_a();
    let st = a
        .issuer
        .get_session_token_at(
            &a.user(ALICE),
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let caller = session_caller(&st, T0);
    let token = a.token(&caller, &req("ES384"), T0);
    let info = a.issuer.get_access_key_info_at(
        &caller,
        &GetAccessKeyInfoRequest::new(BOB).unwrap(),
        &env(T0),
    );
    assert!(
        token.is_err() && info.is_err(),
        "GetSessionToken credentials: GetWebIdentityToken {}, GetAccessKeyInfo {:?}",
        if token.is_ok() { "answered" } else { "refused" },
        info.map(|r| r.account.to_string())
    );
}

// =============================================================================================
// Rule 2: 60–3600 s, default 300, and never past the caller's session.

#[test]
fn r2_duration_bounds_and_default() {
    for bad in [0, 59, 3601, u32::MAX] {
        assert!(GetWebIdentityTokenRequest::builder("RS256")
            .audience(B_AUD)
            .duration_seconds(bad)
            .build()
            .is_err());
    }
    let a = issuer_a();
    for (secs, want) in [(None, 300), (Some(60), 60), (Some(3600), 3600)] {
        let mut b = GetWebIdentityTokenRequest::builder("ES384").audience(B_AUD);
        if let Some(s) = secs {
            b = b.duration_seconds(s);
        }
        let r = a
            .issuer
            .get_web_identity_token_at(&a.user(ALICE), &b.build().unwrap(), &env(T0))
            .unwrap();
        let c = claims(r.web_identity_token.expose_secret());
        assert_eq!(c["iat"], T0);
        assert_eq!(c["exp"], T0 + want);
        assert_eq!(r.expiration, UnixTime::from_secs(T0 + want));
    }
}

/// A 900-second role session asks for tokens that would outlive it.
#[test]
fn r2_token_never_outlives_the_session() {
    let a = issuer_a();
    let creds = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "short")
            .duration_seconds(900)
            .build()
            .unwrap(),
        T0,
    );
    let caller = session_caller(&creds, T0);
    let long = GetWebIdentityTokenRequest::builder("ES384")
        .audience(B_AUD)
        .duration_seconds(3600)
        .build()
        .unwrap();
    assert_eq!(
        code(a.token(&caller, &long, T0)),
        StsErrorCode::SessionDurationEscalation
    );
    // Default 300 s at T0+601: would end at T0+901.
    assert_eq!(
        code(a.token(&caller, &req("ES384"), T0 + 601)),
        StsErrorCode::SessionDurationEscalation
    );
    // Ending exactly with the session is fine.
    let t = a.token(&caller, &req("ES384"), T0 + 600).unwrap();
    assert_eq!(claims(&t)["exp"], T0 + 900);
    // After the session: ExpiredToken, not a token.
    // (Within the verifier's clock-skew leeway the session still counts as live, and the
    // escalation check refuses instead: no token either way.)
    for t in [T0 + 901, T0 + 1200, T0 + 5000] {
        assert!(a.token(&caller, &req("ES384"), t).is_err(), "at {t}");
    }
}

// =============================================================================================
// Rule 3: claims; nothing a caller supplies may forge another identity's claims.

/// A role session: `sub` is the role ARN, with the session's tags, the role's tags and source
/// identity; `jti` is fresh per token.
#[test]
fn r3_role_session_claims() {
    let a = issuer_a();
    let creds = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "s1")
            .tag("project", "x")
            .source_identity("alice-si")
            .build()
            .unwrap(),
        T0,
    );
    let caller = session_caller(&creds, T0);
    let t1 = a.token(&caller, &req("RS256"), T0).unwrap();
    let t2 = a.token(&caller, &req("RS256"), T0).unwrap();
    let c = claims(&t1);
    assert_eq!(c["sub"], worker_arn());
    let aws = &c["https://sts.amazonaws.com/"];
    assert_eq!(aws["aws_account"], A);
    assert_eq!(aws["principal_tags"]["tier"], "gold");
    assert_eq!(aws["principal_tags"]["project"], "x");
    assert_eq!(aws["source_identity"], "alice-si");
    let jti = c["jti"].as_str().unwrap();
    assert!(jti.len() >= 16);
    assert_ne!(jti, claims(&t2)["jti"].as_str().unwrap());
    assert_eq!(part(&t1, 0)["kid"], "rs-1");
}

/// Request tags whose keys are claim names (`sub`, `iss`, `aud`, `principal_tags`, the AWS
/// namespace itself, `aws_account`) stay inside `request_tags`; the real claims are untouched.
#[test]
fn r3_request_tags_named_like_claims_forge_nothing() {
    let a = issuer_a();
    let forged = "arn:aws:iam::999999999999:role/admin";
    let r = GetWebIdentityTokenRequest::builder("ES384")
        .audience(B_AUD)
        .tag("sub", forged)
        .tag("iss", "https://evil.example")
        .tag("aud", "https://b.example")
        .tag("principal_tags", "team=admins")
        .tag("https://sts.amazonaws.com/", "x")
        .tag("aws_account", "999999999999")
        .tag("principal_id", forged)
        .tag("source_identity", "root")
        .build()
        .unwrap();
    let t = a.token(&a.user(ALICE), &r, T0).unwrap();
    let c = claims(&t);
    assert_eq!(c["sub"], format!("arn:aws:iam::{A}:user/alice"));
    assert_eq!(c["iss"], ISS);
    let aws = &c["https://sts.amazonaws.com/"];
    assert_eq!(aws["aws_account"], A);
    assert_eq!(aws["principal_id"], format!("arn:aws:iam::{A}:user/alice"));
    assert_eq!(aws["principal_tags"], json!({"team": "payments"}));
    assert!(aws.get("source_identity").is_none());
    assert_eq!(aws["request_tags"]["sub"], forged);
    let top: Vec<&String> = c.as_object().unwrap().keys().collect();
    assert_eq!(top.len(), 7, "unexpected top-level claims {top:?}");
    // B sees alice.
    assert_eq!(
        b_validates(&t, T0).unwrap().subject,
        format!("arn:aws:iam::{A}:user/alice")
    );
}

/// A request tag may not override the caller's principal tag (alice's team=payments), even with
/// different case.
#[test]
fn r3_request_tags_never_become_principal_tags() {
    let a = issuer_a();
    for key in ["team", "Team", "TEAM"] {
        let r = GetWebIdentityTokenRequest::builder("ES384")
            .audience(B_AUD)
            .tag(key, "admins")
            .build()
            .unwrap();
        let c = claims(&a.token(&a.user(ALICE), &r, T0).unwrap());
        let aws = &c["https://sts.amazonaws.com/"];
        assert_eq!(aws["principal_tags"], json!({"team": "payments"}));
        assert_eq!(aws["request_tags"][key], "admins");
    }
}

/// JSON injection through the audience: quotes, backslashes, control characters, U+2028, a
/// `","sub":"…` payload. Each must come out as one literal `aud` string, and the raw payload must
/// have exactly one of each top-level key.
#[test]
fn r3_audience_json_injection_is_inert() {
    let a = issuer_a();
    let evil = [
        r#"x","sub":"arn:aws:iam::999999999999:role/admin"#,
        "x\\\",\"iss\":\"https://evil.example",
        "line\nbreak\r\ttab",
        "sep\u{2028}para\u{2029}",
        "}{\"sub\":1}",
        "\u{85}\u{a0}\u{fffd}\u{10ffff}",
    ];
    for e in evil {
        let r = GetWebIdentityTokenRequest::builder("RS256")
            .audience(e)
            .audience(B_AUD)
            .build()
            .unwrap();
        let t = a.token(&a.user(ALICE), &r, T0).unwrap();
        let c = claims(&t);
        assert_eq!(c["aud"], json!([e, B_AUD]));
        assert_eq!(c["sub"], format!("arn:aws:iam::{A}:user/alice"));
        assert_eq!(c["iss"], ISS);
        let raw = String::from_utf8(
            BASE64URL_NOPAD
                .decode(t.split('.').nth(1).unwrap().as_bytes())
                .unwrap(),
        )
        .unwrap();
        for k in ["\"sub\":", "\"iss\":", "\"aud\":", "\"exp\":"] {
            assert_eq!(raw.matches(k).count(), 1, "{k} in {raw}");
        }
        let id = b_validates(&t, T0).unwrap();
        assert_eq!(id.audience, B_AUD);
    }
    // Characters outside the API's class are refused at the request, not escaped.
    for bad in ["nul\u{0}", "esc\u{1b}", "bell\u{7}", "\u{fffe}", ""] {
        assert!(GetWebIdentityTokenRequest::builder("RS256")
            .audience(bad)
            .build()
            .is_err());
    }
}

/// Duplicate tag keys (any ASCII case) are refused rather than serialised twice or collapsed.
#[test]
fn r3_duplicate_tag_keys_are_refused() {
    assert!(GetWebIdentityTokenRequest::builder("RS256")
        .audience(B_AUD)
        .tag("env", "dev")
        .tag("ENV", "prod")
        .build()
        .is_err());
    assert!(GetWebIdentityTokenRequest::builder("RS256")
        .audience(B_AUD)
        .tag("env", "dev")
        .tag("env", "prod")
        .build()
        .is_err());
    assert!(parse_query(
        b"Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=a&SigningAlgorithm=RS256\
          &Tags.member.1.Key=env&Tags.member.1.Value=dev&Tags.member.1.Key=env&Tags.member.1.Value=prod"
    )
    .is_err());
}

/// A federated user cannot pick a name that makes `sub` look like a role or a user of another
/// path (the name's alphabet has no `/`); if it may mint at all, its `sub` is a federated-user
/// ARN.
#[test]
fn r3_federated_user_name_cannot_spoof_sub() {
    for name in ["role/admin", "../role/admin", "a:b"] {
        assert!(GetFederationTokenRequest::builder(name).build().is_err());
    }
}

// =============================================================================================
// Rule 4: private keys never leave; one signing key per algorithm; verify-only keys published.

/// Debug of the ring, the federation and the issuer; the JWKS; the discovery document; the
/// errors of a bad key file; the Debug of a response: no private key text, no private JWK member.
#[test]
fn r4_private_keys_never_appear_in_debug_jwks_discovery_or_errors() {
    let fed = federation();
    assert_no_key_material("ring Debug", &format!("{:?}", fed.keys()));
    assert_no_key_material("federation Debug", &format!("{fed:?}"));
    let a = issuer_a();
    assert_no_key_material("issuer Debug", &format!("{:?}", a.issuer));
    assert_no_key_material("jwks", &fed.jwks_json());
    assert_no_key_material("discovery", &fed.openid_configuration_json());
    let jwks: Value = serde_json::from_str(&fed.jwks_json()).unwrap();
    for k in jwks["keys"].as_array().unwrap() {
        let mut names: Vec<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort_unstable();
        let want: &[&str] = if k["kty"] == "RSA" {
            &["alg", "e", "kid", "kty", "n", "use"]
        } else {
            &["alg", "crv", "kid", "kty", "use", "x", "y"]
        };
        assert_eq!(names, want);
    }
    // Keys in the wrong place of a line, a key under the wrong algorithm: the error names no
    // material.
    let rs = material(ring_text(), "rs-1");
    let es = material(ring_text(), "es-1");
    for bad in [
        format!("sign:x:ES384:{rs}"),
        format!("sign:x:RS256:{es}"),
        format!("{es}:x:ES384:{es}"),
        format!("sign:{es}:ES384:{es}"),
        format!("sign:x:{es}:{es}"),
        format!("sign:x:ES384:{}", &es[..es.len() - 3]),
        format!("sign:x:ES384:{es}=="),
    ] {
        let e = SigningKeyRing::from_text(&bad).unwrap_err();
        assert_no_key_material("error Display", &e.to_string());
        assert_no_key_material("error Debug", &format!("{e:?}"));
    }
    let r = a
        .issuer
        .get_web_identity_token_at(&a.user(ALICE), &req("ES384"), &env(T0))
        .unwrap();
    let dbg = format!("{r:?}");
    assert!(!dbg.contains(r.web_identity_token.expose_secret()));
}

/// Audit events of allowed and refused attempts carry neither the token nor its signature.
#[test]
fn r4_audit_events_hold_no_token() {
    let a = issuer_a();
    let t = a.token(&a.user(ALICE), &req("RS256"), T0).unwrap();
    let _ = a.token(&a.user(BOB), &req("RS256"), T0);
    let sig = t.rsplit('.').next().unwrap();
    let events = a.audit.events();
    assert_eq!(events.len(), 2);
    for e in &events {
        let j = serde_json::to_string(e).unwrap();
        assert!(!j.contains(&t) && !j.contains(sig), "{j}");
        assert_no_key_material("audit", &j);
        assert_no_key_material("audit Debug", &format!("{e:?}"));
    }
}

/// Only one signing key per algorithm, whichever way an attacker with write access to the ring
/// API or the file tries; rotation keeps the old key verifying, removal stops it.
#[test]
fn r4_one_active_key_per_algorithm_and_rotation() {
    let es = material(ring_text(), "es-1");
    let rs = material(ring_text(), "rs-1");
    assert_eq!(
        SigningKeyRing::from_text(&format!("sign:a:ES384:{es}\nsign:b:ES384:{es}")).unwrap_err(),
        SigningKeyError::TwoActiveKeys(SigningAlgorithm::Es384)
    );
    assert_eq!(
        SigningKeyRing::from_text(&format!("sign:a:RS256:{rs}\nverify:a:RS256:{rs}")).unwrap_err(),
        SigningKeyError::DuplicateKeyId("a".into())
    );
    let mut ring = SigningKeyRing::from_text(ring_text()).unwrap();
    let rng = SeededRandom::new(5);
    assert!(ring
        .generate(
            KeyId::new("es-2").unwrap(),
            SigningAlgorithm::Es384,
            SigningKeyRole::Sign,
            &rng
        )
        .is_err());
    ring.generate(
        KeyId::new("es-2").unwrap(),
        SigningAlgorithm::Es384,
        SigningKeyRole::Verify,
        &rng,
    )
    .unwrap();
    // A token signed by es-1, then rotation to es-2.
    let old_fed =
        OutboundFederation::new(ISS, SigningKeyRing::from_text(&ring.to_text()).unwrap()).unwrap();
    let a_old = issuer_a_with(&default_dir_a(), RevokedSessions::default(), Some(old_fed));
    let old = a_old.token(&a_old.user(ALICE), &req("ES384"), T0).unwrap();
    ring.promote(&KeyId::new("es-2").unwrap()).unwrap();
    let signing: Vec<_> = ring
        .keys()
        .filter(|k| k.2 == SigningKeyRole::Sign)
        .map(|k| (k.0.as_str().to_owned(), k.1))
        .collect();
    assert_eq!(
        signing,
        [
            ("rs-1".to_owned(), SigningAlgorithm::Rs256),
            ("es-2".to_owned(), SigningAlgorithm::Es384)
        ]
    );
    let text = ring.to_text();
    let fed = OutboundFederation::new(ISS, SigningKeyRing::from_text(&text).unwrap()).unwrap();
    let jwks = fed.jwks_json();
    assert!(jwks.contains("\"es-1\"") && jwks.contains("\"es-2\""));
    let a_new = issuer_a_with(&default_dir_a(), RevokedSessions::default(), Some(fed));
    let new = a_new.token(&a_new.user(ALICE), &req("ES384"), T0).unwrap();
    assert_eq!(part(&new, 0)["kid"], "es-2");
    let b = provider_b_at(ISS, &jwks);
    let v = JwksValidator::new();
    assert!(v.validate(&old, &b, UnixTime::from_secs(T0)).is_ok());
    assert!(v.validate(&new, &b, UnixTime::from_secs(T0)).is_ok());
    // es-1 removed: its tokens stop verifying.
    ring.remove(&KeyId::new("es-1").unwrap()).unwrap();
    let b2 = provider_b_at(ISS, &ring.jwks_json());
    assert_eq!(
        v.validate(&old, &b2, UnixTime::from_secs(T0)).unwrap_err(),
        WebIdentityError::UnknownKey
    );
    assert!(v.validate(&new, &b2, UnixTime::from_secs(T0)).is_ok());
}

/// "Private keys are zeroized". The ring is loaded from text the test builds in wiped buffers
/// (nothing of it left behind: the baseline scan must be clean, which also covers `from_text`).
/// Then `to_text` is called and its (wiped) result dropped: `to_text` builds its output by
/// pushing each key's base64 into one growing `String`, so every reallocation frees a buffer that
/// holds the earlier keys' private key text without wiping it (only the final buffer is
/// `Zeroizing`).
#[test]
fn r4_to_text_leaves_no_private_key_text_in_freed_memory() {
    use p384::pkcs8::EncodePrivateKey;
    use zeroize::Zeroizing;
    let _guard = SCAN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut masked = [0u8; 32];
    let ring = {
        let mut text = Zeroizing::new(String::with_capacity(8192));
        for (i, seed) in [0x21u8, 0x22, 0x23].into_iter().enumerate() {
            let scalar: [u8; 48] =
                std::array::from_fn(|j| (j as u8).wrapping_mul(37).wrapping_add(seed));
            let key = p384::ecdsa::SigningKey::from_slice(&scalar).unwrap();
            let der = key.to_pkcs8_der().unwrap();
            let mut enc =
                Zeroizing::new(vec![0u8; BASE64URL_NOPAD.encode_len(der.as_bytes().len())]);
            BASE64URL_NOPAD.encode_mut(der.as_bytes(), &mut enc);
            if i == 0 {
                for (m, b) in masked.iter_mut().zip(&enc[60..92]) {
                    *m = b ^ MASK;
                }
            }
            text.push_str(if i == 0 { "sign" } else { "verify" });
            text.push_str(&format!(":z{i}:ES384:"));
            text.push_str(std::str::from_utf8(&enc).unwrap());
            text.push('\n');
        }
        assert!(
            text.capacity() == 8192,
            "the test's own buffer must not move"
        );
        SigningKeyRing::from_text(&text).unwrap()
    };
    let baseline = heap_hits(&masked);
    for _ in 0..3 {
        drop(ring.to_text());
    }
    let after = heap_hits(&masked);
    drop(ring);
    assert_eq!(
        (baseline, after),
        (0, 0),
        "un-wiped heap copies of a private key: (after from_text, after to_text)"
    );
}

// =============================================================================================
// Rule 5: revoked, expired, foreign and deleted callers get nothing. Rule 6: disabled.

#[test]
fn r5_revoked_role_session_gets_nothing() {
    let a = issuer_a();
    let creds = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "rr-session")
            .build()
            .unwrap(),
        T0,
    );
    let caller = session_caller(&creds, T0);
    assert!(a.token(&caller, &req("ES384"), T0 + 1).is_ok());
    let mut revoked = RevokedSessions::default();
    revoked.revoke_role_sessions(
        AccountId::new(A).unwrap(),
        RoleName::new("worker").unwrap(),
        UnixTime::from_secs(T0 + 1),
    );
    let a2 = issuer_a_with(&default_dir_a(), revoked, Some(federation()));
    assert_eq!(
        code(a2.token(&caller, &req("ES384"), T0 + 2)),
        StsErrorCode::InvalidClientTokenId
    );
    let info = a2.issuer.get_access_key_info_at(
        &caller,
        &GetAccessKeyInfoRequest::new(creds.access_key_id.to_string()).unwrap(),
        &env(T0 + 2),
    );
    assert!(info.is_err());
}

#[test]
fn r5_expired_session_gets_nothing() {
    let a = issuer_a();
    let creds = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "ee-session")
            .duration_seconds(900)
            .build()
            .unwrap(),
        T0,
    );
    let caller = session_caller(&creds, T0);
    assert_eq!(
        code(a.token(&caller, &req("ES384"), T0 + 5000)),
        StsErrorCode::ExpiredToken
    );
}

/// A session minted and verified under another deployment's key ring (same key ID, same role
/// ARN) is not this issuer's caller.
#[test]
fn r5_session_of_a_foreign_key_ring_gets_nothing() {
    let evil_ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(666)).unwrap();
    let evil = Issuer::builder(
        Arc::new(InMemoryDirectory::from_json(&default_dir_a()).unwrap()),
        evil_ring.clone(),
    )
    .build();
    let creds = evil
        .assume_role_at(
            &evil.long_term_caller(&ALICE.parse().unwrap()).unwrap(),
            &AssumeRoleRequest::builder(worker_arn(), "xx-session")
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let s = Verifier::new(&evil_ring)
        .verify(creds.session_token.expose_secret(), UnixTime::from_secs(T0))
        .unwrap();
    let a = issuer_a();
    let caller = Caller::from_session(s);
    assert_eq!(
        code(a.token(&caller, &req("ES384"), T0)),
        StsErrorCode::InvalidClientTokenId
    );
    assert!(a
        .issuer
        .get_access_key_info_at(
            &caller,
            &GetAccessKeyInfoRequest::new(creds.access_key_id.to_string()).unwrap(),
            &env(T0)
        )
        .is_err());
}

/// Callers built before the directory changed: alice deleted, alice re-created (new unique ID),
/// the worker role deleted, the worker role re-created.
#[test]
fn r5_deleted_or_recreated_principals_get_nothing() {
    let a = issuer_a();
    let alice = a.user(ALICE);
    let session = session_caller(
        &a.worker_creds(
            AssumeRoleRequest::builder(worker_arn(), "dd-session")
                .build()
                .unwrap(),
            T0,
        ),
        T0,
    );
    let cases = [
        (dir_a(None, Some("")), true, false),
        (dir_a(Some("AIDA3XFRBF535PLBIFPI4"), Some("")), true, false),
        (dir_a(Some(""), None), false, true),
        (dir_a(Some(""), Some("AROA3XFRBF535PLBIFPI4")), false, true),
    ];
    for (dir, alice_gone, role_gone) in cases {
        let a2 = issuer_a_with(&dir, RevokedSessions::default(), Some(federation()));
        assert_eq!(
            a2.token(&alice, &req("ES384"), T0).is_err(),
            alice_gone,
            "long-term alice"
        );
        assert!(
            a2.token(&session, &req("ES384"), T0).is_err() == role_gone,
            "worker session"
        );
    }
}

#[test]
fn r6_disabled_without_outbound_federation_or_key() {
    let off = issuer_a_with(&default_dir_a(), RevokedSessions::default(), None);
    assert_eq!(
        code(off.token(&off.user(ALICE), &req("RS256"), T0)),
        StsErrorCode::OutboundWebIdentityFederationDisabled
    );
    // Verify-only keys sign nothing; an ES384-only ring refuses RS256.
    let es_only = format!("sign:es:ES384:{}", material(ring_text(), "es-1"));
    let verify_only = format!("verify:rs:RS256:{}", material(ring_text(), "rs-1"));
    for (text, alg) in [(es_only.as_str(), "RS256"), (verify_only.as_str(), "RS256")] {
        let fed = OutboundFederation::new(ISS, SigningKeyRing::from_text(text).unwrap()).unwrap();
        let a = issuer_a_with(&default_dir_a(), RevokedSessions::default(), Some(fed));
        assert_eq!(
            code(a.token(&a.user(ALICE), &req(alg), T0)),
            StsErrorCode::OutboundWebIdentityFederationDisabled
        );
    }
    // An empty ring, too.
    let fed = OutboundFederation::new(ISS, SigningKeyRing::new()).unwrap();
    let a = issuer_a_with(&default_dir_a(), RevokedSessions::default(), Some(fed));
    assert_eq!(
        code(a.token(&a.user(ALICE), &req("ES384"), T0)),
        StsErrorCode::OutboundWebIdentityFederationDisabled
    );
    // Issuer URLs IAM would not register are refused.
    for url in [
        "http://sts.a.example",
        "https://sts.a.example/",
        "https://sts.a.example:8443",
        "https://u@sts.a.example",
        "https://sts.a.example?x=1",
        "https://sts.a.example#f",
        "https://",
        "https:// a",
        "HTTPS://sts.a.example",
    ] {
        assert!(
            OutboundFederation::new(url, SigningKeyRing::new()).is_err(),
            "{url}"
        );
    }
}

/// The endpoint: an unsigned `GetWebIdentityToken` is refused before anything is minted.
#[test]
fn r6_unsigned_request_through_the_endpoint_is_refused() {
    let a = issuer_a();
    let ep = StsEndpoint::new(a.issuer);
    let body = b"Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=https%3A%2F%2Fb.example&SigningAlgorithm=ES384";
    let h = [
        ("host", "127.0.0.1:8080"),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let r = ep.handle(
        &HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &h,
            body,
            source_ip: None,
        },
        UnixTime::from_secs(T0),
    );
    assert!(r.status >= 400, "{}", r.body.as_str());
    assert!(!r.body.contains("WebIdentityToken>ey"));
}

// =============================================================================================
// Rule 7: the receiving JwksValidator refuses confusion, other issuers/audiences, expiry and
// alteration.

fn es_key() -> p384::ecdsa::SigningKey {
    use p384::pkcs8::DecodePrivateKey;
    let der = BASE64URL_NOPAD
        .decode(material(ring_text(), "es-1").as_bytes())
        .unwrap();
    p384::ecdsa::SigningKey::from_pkcs8_der(&der).unwrap()
}

fn rs_key() -> rsa::RsaPrivateKey {
    use rsa::pkcs8::DecodePrivateKey;
    let der = BASE64URL_NOPAD
        .decode(material(ring_text(), "rs-1").as_bytes())
        .unwrap();
    rsa::RsaPrivateKey::from_pkcs8_der(&der).unwrap()
}

fn es_sign(key: &p384::ecdsa::SigningKey, input: &str) -> Vec<u8> {
    use p384::ecdsa::signature::Signer;
    let s: p384::ecdsa::Signature = key.sign(input.as_bytes());
    s.to_bytes().to_vec()
}

fn rs_sign(key: &rsa::RsaPrivateKey, input: &str) -> Vec<u8> {
    use rsa::sha2::{Digest, Sha256};
    key.sign(
        rsa::Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(input.as_bytes()),
    )
    .unwrap()
}

fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

fn fresh(alg: &str) -> String {
    let a = issuer_a();
    a.token(&a.user(ALICE), &req(alg), T0).unwrap()
}

fn b_refuses(token: &str) -> WebIdentityError {
    match b_validates(token, T0 + 1) {
        Ok(id) => panic!("B accepted a bad token for {}", id.subject),
        Err(e) => e,
    }
}

#[test]
fn r7_alg_none_and_hmac_with_public_key_are_refused() {
    let t = fresh("RS256");
    let c = claims(&t);
    for alg in [
        "none", "None", "NONE", "", "HS256", "HS384", "HS512", "RS384", "PS256", "ES512", "EdDSA",
    ] {
        let h = json!({"alg": alg, "kid": "rs-1", "typ": "JWT"});
        let input = signing_input(&h, &c);
        for sig in ["", "AAAA"] {
            b_refuses(&format!("{input}.{sig}"));
        }
    }
    // The classic: HS256 keyed with what the verifier publishes (the JWKS text, the modulus).
    let jwks = federation().jwks_json();
    let n = {
        let j: Value = serde_json::from_str(&jwks).unwrap();
        let k = j["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kty"] == "RSA")
            .unwrap()
            .clone();
        BASE64URL_NOPAD
            .decode(k["n"].as_str().unwrap().as_bytes())
            .unwrap()
    };
    for secret in [jwks.as_bytes(), &n[..]] {
        for kid in [Some("rs-1".to_owned()), Some("es-1".to_owned()), None] {
            let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
            h.kid = kid;
            let forged =
                jsonwebtoken::encode(&h, &c, &jsonwebtoken::EncodingKey::from_secret(secret))
                    .unwrap();
            assert_eq!(b_refuses(&forged), WebIdentityError::UnsupportedAlgorithm);
        }
    }
}

/// The header says ES384 but names the RSA key (and the other way round), with signatures made
/// by the issuer's real keys: a kid may not point to a key of another algorithm.
#[test]
fn r7_kid_pointing_to_a_key_of_another_algorithm_is_refused() {
    let c = claims(&fresh("ES384"));
    let h = json!({"alg": "ES384", "kid": "rs-1", "typ": "JWT"});
    let input = signing_input(&h, &c);
    let t = format!("{input}.{}", b64(&es_sign(&es_key(), &input)));
    assert_eq!(b_refuses(&t), WebIdentityError::UnknownKey);
    let h = json!({"alg": "RS256", "kid": "es-1", "typ": "JWT"});
    let input = signing_input(&h, &c);
    let t = format!("{input}.{}", b64(&rs_sign(&rs_key(), &input)));
    assert_eq!(b_refuses(&t), WebIdentityError::UnknownKey);
    // An RS256 token whose header is rewritten to ES384 (same kid and signature).
    let rs = fresh("RS256");
    let mut parts: Vec<String> = rs.split('.').map(str::to_owned).collect();
    parts[0] = b64(json!({"alg":"ES384","kid":"rs-1","typ":"JWT"})
        .to_string()
        .as_bytes());
    b_refuses(&parts.join("."));
    // The neighbour: the issuer's own key and kid, re-signed, is accepted (the harness works).
    let h = json!({"alg": "ES384", "kid": "es-1", "typ": "JWT"});
    let input = signing_input(&h, &c);
    let t = format!("{input}.{}", b64(&es_sign(&es_key(), &input)));
    assert!(b_validates(&t, T0 + 1).is_ok());
}

/// An attacker's own keys, with or without the issuer's kid.
#[test]
fn r7_tokens_signed_by_other_keys_are_refused() {
    let c = claims(&fresh("ES384"));
    let mallory = p384::ecdsa::SigningKey::from_slice(&[7u8; 48]).unwrap();
    for kid in [json!("es-1"), Value::Null] {
        let mut h = json!({"alg": "ES384", "typ": "JWT"});
        if !kid.is_null() {
            h["kid"] = kid;
        }
        let input = signing_input(&h, &c);
        let t = format!("{input}.{}", b64(&es_sign(&mallory, &input)));
        assert_eq!(b_refuses(&t), WebIdentityError::BadSignature);
    }
}

#[test]
fn r7_other_issuer_audience_and_expiry_are_refused() {
    let a = issuer_a();
    let t = a.token(&a.user(ALICE), &req("ES384"), T0).unwrap();
    // B registered another issuer URL that happens to serve the same keys.
    for url in [
        "https://sts.other.example",
        "https://sts.a.example/x",
        "https://STS.A.EXAMPLE",
    ] {
        let p = provider_b_at(url, &federation().jwks_json());
        assert_eq!(
            JwksValidator::new()
                .validate(&t, &p, UnixTime::from_secs(T0))
                .unwrap_err(),
            WebIdentityError::IssuerMismatch
        );
    }
    // A token for C is not one for B.
    let for_c = GetWebIdentityTokenRequest::builder("ES384")
        .audience("https://c.example")
        .audience("https://b.example/")
        .audience("HTTPS://B.EXAMPLE")
        .build()
        .unwrap();
    let tc = a.token(&a.user(ALICE), &for_c, T0).unwrap();
    assert_eq!(b_refuses(&tc), WebIdentityError::AudienceMismatch);
    // Expired (past the documented 5-minute leeway).
    let exp = T0 + 300;
    assert!(b_validates(&t, exp + 300).is_ok());
    assert_eq!(
        b_validates(&t, exp + 301).unwrap_err(),
        WebIdentityError::Expired
    );
    // Presented before it was issued (minus leeway).
    assert_eq!(
        b_validates(&t, T0 - 301).unwrap_err(),
        WebIdentityError::NotYetValid
    );
}

/// Every textual alteration of a real token: claims edited, parts dropped, added, padded, the
/// signature's unused base64 bits set.
#[test]
fn r7_altered_tokens_are_refused() {
    for alg in ["RS256", "ES384"] {
        let t = fresh(alg);
        let parts: Vec<&str> = t.split('.').collect();
        let mut c = claims(&t);
        c["sub"] = json!("arn:aws:iam::111111111111:role/admin");
        let edited = format!(
            "{}.{}.{}",
            parts[0],
            b64(c.to_string().as_bytes()),
            parts[2]
        );
        assert_eq!(b_refuses(&edited), WebIdentityError::BadSignature);
        let mut c = claims(&t);
        c["aud"] = json!([B_AUD, "https://x.example"]);
        let edited = format!(
            "{}.{}.{}",
            parts[0],
            b64(c.to_string().as_bytes()),
            parts[2]
        );
        assert_eq!(b_refuses(&edited), WebIdentityError::BadSignature);
        let mut h = part(&t, 0);
        h["typ"] = json!("at+jwt");
        let edited = format!(
            "{}.{}.{}",
            b64(h.to_string().as_bytes()),
            parts[1],
            parts[2]
        );
        assert_eq!(b_refuses(&edited), WebIdentityError::BadSignature);
        for bad in [
            format!("{}.{}", parts[0], parts[1]),
            format!("{}.{}.", parts[0], parts[1]),
            format!("{t}."),
            format!("{t}.x"),
            format!("{t}="),
            format!("{t}=="),
            format!(" {t}"),
            format!("{t}\n"),
            format!("{}.{}=.{}", parts[0], parts[1], parts[2]),
            format!(
                "{}.{}.{}",
                parts[0],
                parts[1],
                &parts[2][..parts[2].len() - 1]
            ),
            t.replace('-', "+").replace('_', "/"),
        ] {
            if bad != t {
                b_refuses(&bad);
            }
        }
        // Non-canonical base64: flip the last signature character's unused low bits (RS256's
        // 256-byte signature leaves 4 spare bits in the last character).
        if alg == "RS256" {
            let sig = parts[2];
            let last = sig.chars().last().unwrap();
            const ALPHA: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let v = ALPHA.find(last).unwrap();
            let w = ALPHA.as_bytes()[v | 0x3] as char;
            assert_ne!(w, last);
            let bad = format!("{}.{}.{}{w}", parts[0], parts[1], &sig[..sig.len() - 1]);
            b_refuses(&bad);
        }
    }
}

/// RS256: the signature plus the modulus (the same residue) is refused.
#[test]
fn r7_rsa_signature_plus_modulus_is_refused() {
    let t = fresh("RS256");
    let parts: Vec<&str> = t.split('.').collect();
    let sig = BASE64URL_NOPAD.decode(parts[2].as_bytes()).unwrap();
    let n = rs_key().to_public_key();
    use rsa::traits::PublicKeyParts;
    let n = n.n().to_bytes_be();
    let mut sum = vec![0u8; sig.len() + 1];
    let mut carry = 0u16;
    for i in 0..sig.len() {
        let a = sig[sig.len() - 1 - i] as u16 + n[n.len() - 1 - i] as u16 + carry;
        let at = sum.len() - 1 - i;
        sum[at] = a as u8;
        carry = a >> 8;
    }
    sum[0] = carry as u8;
    let bad = format!("{}.{}.{}", parts[0], parts[1], b64(&sum));
    b_refuses(&bad);
    if sum[0] == 0 {
        let bad = format!("{}.{}.{}", parts[0], parts[1], b64(&sum[1..]));
        b_refuses(&bad);
    }
}

/// The order of P-384.
const P384_N: [u8; 48] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
];

/// ES384 signature malleability: `(r, s)` and `(r, n − s)` both verify under ECDSA, so anyone
/// can turn a token into a second, byte-different token that B accepts ("every altered token
/// refused"). Replay caches or revocation lists keyed on the token's bytes or its signature are
/// bypassed. Neither side enforces low-S: tempcred signs with random high/low S, B accepts both.
#[test]
fn r7_es384_tokens_are_issued_in_low_s_form_and_replay_keys_on_jti() {
    // Decided after the review (issue 16): A signs the low-S form, so its tokens have one
    // encoding; B accepts the high-S twin too, because other identity providers need not
    // normalise (Go's crypto/ecdsa does not), and documents that replay checks key on `jti`.
    let t = fresh("ES384");
    let parts: Vec<&str> = t.split('.').collect();
    let sig = BASE64URL_NOPAD.decode(parts[2].as_bytes()).unwrap();
    assert_eq!(sig.len(), 96);
    let mut s2 = [0u8; 48];
    let mut borrow = 0i16;
    for i in (0..48).rev() {
        let mut d = P384_N[i] as i16 - sig[48 + i] as i16 - borrow;
        borrow = 0;
        if d < 0 {
            d += 256;
            borrow = 1;
        }
        s2[i] = d as u8;
    }
    // Low S: s ≤ n − s, i.e. the issued s is not above its twin.
    assert!(sig[48..] <= s2[..], "A issued a high-S signature");
    let mut sig2 = sig[..48].to_vec();
    sig2.extend_from_slice(&s2);
    let twin = format!("{}.{}.{}", parts[0], parts[1], b64(&sig2));
    assert_ne!(twin, t);
    assert!(b_validates(&t, T0 + 1).is_ok());
    assert!(b_validates(&twin, T0 + 1).is_ok());
    assert_eq!(claims(&twin)["jti"], claims(&t)["jti"]);
}

// =============================================================================================
// Rule 8: GetAccessKeyInfo.

fn key_info(a: &Dep, caller: &Caller, id: &str) -> Result<String, StsError> {
    a.issuer
        .get_access_key_info_at(caller, &GetAccessKeyInfoRequest::new(id).unwrap(), &env(T0))
        .map(|r| r.account.to_string())
}

#[test]
fn r8_access_key_info_needs_permission_and_answers_only_what_it_may() {
    let a = issuer_a();
    // Bob has no sts:GetAccessKeyInfo.
    assert_eq!(
        code(key_info(&a, &a.user(BOB), ALICE)),
        StsErrorCode::AccessDenied
    );
    // Alice: directory long-term keys.
    assert_eq!(key_info(&a, &a.user(ALICE), BOB).unwrap(), A);
    assert!(key_info(&a, &a.user(ALICE), "AKIANOSUCHKEY0000001").is_err());
    // Her role session: its own temporary key, not another session's.
    let mine = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "mine")
            .build()
            .unwrap(),
        T0,
    );
    let other = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "other")
            .build()
            .unwrap(),
        T0,
    );
    let caller = session_caller(&mine, T0);
    assert_eq!(
        key_info(&a, &caller, &mine.access_key_id.to_string()).unwrap(),
        A
    );
    assert!(key_info(&a, &caller, &other.access_key_id.to_string()).is_err());
    // A long-term caller cannot ask about a temporary key, even one it made.
    assert!(key_info(&a, &a.user(ALICE), &mine.access_key_id.to_string()).is_err());
    // A lower-case variant of its own key is not its key.
    assert!(key_info(&a, &caller, &mine.access_key_id.to_string().to_lowercase()).is_err());
    // A session policy that does not allow it bounds the role's `*`.
    let bounded = a.worker_creds(
        AssumeRoleRequest::builder(worker_arn(), "bounded")
            .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#)
            .build()
            .unwrap(),
        T0,
    );
    assert_eq!(
        code(key_info(
            &a,
            &session_caller(&bounded, T0),
            &bounded.access_key_id.to_string()
        )),
        StsErrorCode::AccessDenied
    );
    // A deleted user's key is no longer answered.
    let a2 = issuer_a_with(
        &dir_a(Some(""), Some("")).replace(BOB, "AKIABOBEXAMPLE000009"),
        RevokedSessions::default(),
        None,
    );
    assert!(key_info(&a2, &a2.user(ALICE), BOB).is_err());
    // Malformed IDs: typed errors.
    for bad in [
        "",
        "AKIA",
        "AKIA-ALICE-EXAMPLE01",
        &"A".repeat(129),
        "AKIAÀLICEEXAMPLE0001",
    ] {
        assert!(GetAccessKeyInfoRequest::new(bad).is_err(), "{bad}");
    }
}

// =============================================================================================
// Rule 9: bad input of any kind is a typed error, never a panic, never unbounded.

// Test-only keys made with openssl: the wrong curve, too small, the wrong type, and a 4096-bit
// RSA key (PKCS#8, unpadded base64url), at the end of this file.

#[test]
fn r9_bad_signing_key_files_are_typed_errors() {
    let es = material(ring_text(), "es-1");
    let rs = material(ring_text(), "rs-1");
    let cases: Vec<String> = vec![
        String::new(),
        "# only a comment\n\n   \n".into(),
        "sign".into(),
        "sign:a".into(),
        "sign:a:ES384".into(),
        "sign:a:ES384:".into(),
        "sign:a:ES384:!!!!".into(),
        "sign:a:ES384:AAAA".into(),
        format!("sign:a:es384:{es}"),
        format!("Sign:a:ES384:{es}"),
        format!("active:a:ES384:{es}"),
        format!("sign::ES384:{es}"),
        format!("sign:{}:ES384:{es}", "k".repeat(33)),
        format!("sign:a b:ES384:{es}"),
        format!("sign:a/b:ES384:{es}"),
        format!("sign:a:ES256:{es}"),
        format!("sign:a:HS256:{es}"),
        format!("sign:a:ES384:{rs}"),
        format!("sign:a:RS256:{es}"),
        format!("sign:a:ES384:{P256_P8}"),
        format!("sign:a:RS256:{RSA1024_P8}"),
        format!("sign:a:ES384:{ED25519_P8}"),
        format!("sign:a:RS256:{ED25519_P8}"),
        format!("\u{feff}sign:a:ES384:{es}"),
        format!("sign:a:ES384:{es} trailing"),
        format!("sign:a:ES384:{}", es.replace('A', "+")),
        "x".repeat(300 * 1024),
        (0..17)
            .map(|i| format!("verify:k{i}:ES384:{es}\n"))
            .collect::<String>(),
    ];
    for (i, text) in cases.iter().enumerate() {
        let r = std::panic::catch_unwind(|| SigningKeyRing::from_text(text));
        match r {
            Err(_) => panic!("case {i} panicked"),
            Ok(Ok(ring)) => panic!("case {i} accepted: {ring:?}"),
            Ok(Err(_)) => {}
        }
    }
    // CRLF line ends and surrounding blanks are fine.
    assert!(SigningKeyRing::from_text(&format!("  sign:a:ES384:{es}  \r\n")).is_ok());
    // A 4096-bit key is accepted; every prefix of every key is a typed error.
    assert!(SigningKeyRing::from_text(&format!("sign:big:RS256:{RSA4096_P8}")).is_ok());
    for m in [es, rs] {
        for cut in (0..m.len()).step_by(5) {
            let text = format!("sign:a:ES384:{}\nsign:b:RS256:{}", &m[..cut], &m[..cut]);
            let r = std::panic::catch_unwind(|| SigningKeyRing::from_text(&text));
            assert!(matches!(r, Ok(Err(_))), "prefix {cut} of a key");
        }
        // Single-byte corruptions of the DER.
        let der = BASE64URL_NOPAD.decode(m.as_bytes()).unwrap();
        for i in (0..der.len()).step_by(3) {
            let mut d = der.clone();
            d[i] ^= 0x41;
            let alg = if m == es { "ES384" } else { "RS256" };
            let text = format!("sign:a:{alg}:{}", b64(&d));
            let r = std::panic::catch_unwind(|| SigningKeyRing::from_text(&text).map(|_| ()));
            assert!(r.is_ok(), "byte {i} of the DER made the parser panic");
        }
    }
}

/// Query API parsing of `GetWebIdentityToken` and `GetAccessKeyInfo`: every malformed request is
/// a typed error.
#[test]
fn r9_query_parameters_are_checked() {
    let base = "Action=GetWebIdentityToken&Version=2011-06-15";
    let ok = format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256");
    assert!(parse_query(ok.as_bytes()).is_ok());
    let many_aud: String = (1..=11)
        .map(|i| format!("&Audience.member.{i}=a"))
        .collect();
    let many_tags: String = (1..=51)
        .map(|i| format!("&Tags.member.{i}.Key=k{i}&Tags.member.{i}.Value=v"))
        .collect();
    let big_aud = "a".repeat(1001);
    let bad = [
        format!("{base}&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.1=a"),
        format!("{base}&Audience.member.1=&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.0=a&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.01=a&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.2=a&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.1=a&Audience.member.3=b&SigningAlgorithm=RS256"),
        format!("{base}{many_aud}&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.99999999999999999999999=a&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.1={big_aud}&SigningAlgorithm=RS256"),
        format!("{base}&Audience=a&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=rs256"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=none"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=HS256"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256%00"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&SigningAlgorithm=ES384"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=59"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=3601"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=-300"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=3e2"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=0x12c"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=%20300"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=18446744073709551916"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&Tags.member.1.Key=k"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&Tags.member.1.Value=v"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&Tags.member.1.Key=aws%3Ax&Tags.member.1.Value=v"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&Tags.member.1.Key=k%22&Tags.member.1.Value=v"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&Tags.member.1.Key=k&Tags.member.1.Value=%7B%7D"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256{many_tags}"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&TransitiveTagKeys.member.1=k"),
        format!("{base}&Audience.member.1=a&SigningAlgorithm=RS256&Policy=%7B%7D"),
        format!("{base}&Audience.member.1=%FF&SigningAlgorithm=RS256"),
        format!("{base}&Audience.member.1=%&SigningAlgorithm=RS256"),
        "Action=GetAccessKeyInfo&Version=2011-06-15".into(),
        "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIA".into(),
        "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIAALICEEXAMPLE0001&X=1".into(),
        "Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=AKIAALICEEXAMPLE0001&AccessKeyId=AKIABOBEXAMPLE000001".into(),
    ];
    for b in &bad {
        let r = std::panic::catch_unwind(|| parse_query(b.as_bytes()));
        match r {
            Err(_) => panic!("panicked on {b}"),
            Ok(Ok(req)) => panic!("accepted {b}: {req:?}"),
            Ok(Err(_)) => {}
        }
    }
}

/// A payload over the limit is `JWTPayloadSizeExceeded`, multi-byte characters included; the
/// largest token that fits, signed with a 4096-bit key and a 32-character kid, stays within what
/// B accepts.
#[test]
fn r9_payload_size_limit_and_largest_token_fits_b() {
    let a = issuer_a();
    let alice = a.user(ALICE);
    let mut big = GetWebIdentityTokenRequest::builder("ES384");
    for i in 0..10 {
        big = big.audience(format!("{i}{}", "a".repeat(999)));
    }
    for i in 0..50 {
        big = big.tag(format!("{i:0>128}"), "v".repeat(256));
    }
    assert_eq!(
        code(a.token(&alice, &big.build().unwrap(), T0)),
        StsErrorCode::JwtPayloadSizeExceeded
    );
    // 1000 four-byte characters per audience.
    let wide = GetWebIdentityTokenRequest::builder("ES384")
        .audience("\u{1d54f}".repeat(1000))
        .audience("\u{1d54e}".repeat(1000))
        .audience("\u{1d54d}".repeat(1000))
        .audience("\u{1d54c}".repeat(1000))
        .build();
    if let Ok(w) = wide {
        assert_eq!(
            code(a.token(&alice, &w, T0)),
            StsErrorCode::JwtPayloadSizeExceeded
        );
    }
    // The largest token that fits, under a 4096-bit key.
    let kid = "k".repeat(32);
    let fed = OutboundFederation::new(
        ISS,
        SigningKeyRing::from_text(&format!("sign:{kid}:RS256:{RSA4096_P8}")).unwrap(),
    )
    .unwrap();
    let jwks = fed.jwks_json();
    let a4 = issuer_a_with(&default_dir_a(), RevokedSessions::default(), Some(fed));
    let mut last_ok = None;
    for n in 0..60 {
        let mut b = GetWebIdentityTokenRequest::builder("RS256").audience(B_AUD);
        for i in 0..9 {
            b = b.audience(format!("{i}{}", "a".repeat(999)));
        }
        for i in 0..n {
            b = b.tag(format!("{i:0>128}"), "\u{3a9}".repeat(256));
        }
        match a4.token(&a4.user(ALICE), &b.build().unwrap(), T0) {
            Ok(t) => last_ok = Some(t),
            Err(e) => {
                assert_eq!(e.code, StsErrorCode::JwtPayloadSizeExceeded);
                break;
            }
        }
    }
    let t = last_ok.unwrap();
    assert!(t.len() <= 20_000, "token of {} characters", t.len());
    let p = provider_b_at(ISS, &jwks);
    JwksValidator::new()
        .validate(&t, &p, UnixTime::from_secs(T0))
        .unwrap();
}

/// Garbage, truncated and oversized tokens at B: typed errors, no panic.
#[test]
fn r9_garbage_tokens_at_b_are_typed_errors() {
    let t = fresh("ES384");
    let p = provider_b();
    let v = JwksValidator::new();
    for cut in 0..t.len() {
        let r = std::panic::catch_unwind(|| v.validate(&t[..cut], &p, UnixTime::from_secs(T0)));
        assert!(matches!(r, Ok(Err(_))), "prefix {cut}");
    }
    let junk = [
        "".to_owned(),
        ".".into(),
        "..".into(),
        "...".into(),
        "a.b.c".into(),
        "e30.e30.".into(),
        "W10.W10.AAAA".into(),
        format!(
            "{}.{}.AAAA",
            b64(b"{\"alg\":\"ES384\",\"kid\":[]}"),
            b64(b"{}")
        ),
        format!(
            "{}.{}.AAAA",
            b64(b"{\"alg\":\"ES384\",\"kid\":\"es-1\",\"crit\":[\"b64\"]}"),
            b64(b"{}")
        ),
        format!(
            "{}.{}.AAAA",
            b64(b"{\"alg\":\"ES384\",\"alg\":\"ES384\"}"),
            b64(b"{}")
        ),
        "x".repeat(20_001),
        format!(
            "{}.{}.{}",
            "A".repeat(8000),
            "A".repeat(8000),
            "A".repeat(3999)
        ),
        "é.é.é".into(),
    ];
    for j in &junk {
        let r = std::panic::catch_unwind(|| v.validate(j, &p, UnixTime::from_secs(T0)));
        assert!(matches!(r, Ok(Err(_))), "{}", &j[..j.len().min(40)]);
    }
    // A token whose claims have numbers out of range: re-signed with A's key so only the claim
    // checks stand between it and acceptance.
    let c = claims(&t);
    for (k, val) in [
        ("exp", json!(1e300)),
        ("exp", json!(-1)),
        ("exp", json!("9999999999")),
        ("iat", json!(f64::MAX)),
        ("nbf", json!(u64::MAX)),
        ("aud", json!([])),
        ("aud", json!({"0": B_AUD})),
        ("sub", json!("")),
        ("sub", json!(["a"])),
        ("iss", json!([ISS])),
    ] {
        let mut c2 = c.clone();
        c2[k] = val.clone();
        let h = json!({"alg": "ES384", "kid": "es-1", "typ": "JWT"});
        let input = signing_input(&h, &c2);
        let tok = format!("{input}.{}", b64(&es_sign(&es_key(), &input)));
        let r = std::panic::catch_unwind(|| v.validate(&tok, &p, UnixTime::from_secs(T0)));
        assert!(matches!(r, Ok(Err(_))), "{k} = {val}");
    }
    // An integer `exp` past year 9999 (here u64::MAX) is accepted, whereas the same value as a
    // float is refused: no panic, the issuer signed it; noted in the report, not asserted.
    let mut c2 = c.clone();
    c2["exp"] = json!(u64::MAX);
    let h = json!({"alg": "ES384", "kid": "es-1", "typ": "JWT"});
    let input = signing_input(&h, &c2);
    let tok = format!("{input}.{}", b64(&es_sign(&es_key(), &input)));
    let r = std::panic::catch_unwind(|| v.validate(&tok, &p, UnixTime::from_secs(T0)));
    assert!(r.is_ok(), "no panic");
}

// =============================================================================================
// Federation between deployments: what A signs, B must be able to take.

/// A role whose path is long (IAM allows 512 characters) gets a token whose `sub` (the role ARN)
/// is over 255 characters; B's `JwksValidator` refuses every such token (`sub` ≤ 255), so the
/// two deployments cannot federate for that role, and A gives no warning: it should refuse (or
/// cap) at issue time, or B should take what A issues.
#[test]
fn r3_a_sub_over_255_characters_is_issued_and_refused_by_b_as_documented() {
    // Decided after the review (issue 16): other relying parties may take a long `sub`, so A
    // issues it; `AssumeRoleWithWebIdentity` (AWS's and tempcred's) limits the subject to 255
    // characters, so B refuses it with a typed error. The limit is in the `outbound` docs.
    let a = issuer_a();
    let creds = a.worker_creds(
        AssumeRoleRequest::builder(deep_role_arn(), "deep")
            .build()
            .unwrap(),
        T0,
    );
    let t = a
        .token(&session_caller(&creds, T0), &req("ES384"), T0)
        .unwrap();
    assert!(claims(&t)["sub"].as_str().unwrap().len() > 255);
    assert_eq!(
        b_validates(&t, T0 + 1).unwrap_err(),
        WebIdentityError::InvalidClaim("sub")
    );
}

/// The whole loop, as the issue describes it: A's token is B's `AssumeRoleWithWebIdentity`
/// token, and B's trust policy pins A's `sub` and B's `aud`; another of A's principals (same
/// issuer, same audience) is refused by that trust policy.
#[test]
fn r3_federation_between_deployments_pins_sub() {
    let a = issuer_a();
    let host = ISS.trim_start_matches("https://");
    let jwks = federation().jwks_json();
    let dir_b = format!(
        r#"{{"roles":[{{"arn":"arn:aws:iam::222222222222:role/from-a","trust_policy":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::222222222222:oidc-provider/{host}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{host}:aud":"{B_AUD}","{host}:sub":"{w}"}}}}}}]}}}}],
 "oidc_providers":[{{"arn":"arn:aws:iam::222222222222:oidc-provider/{host}","url":"{ISS}","audiences":["{B_AUD}"],"jwks":{jwks}}}]}}"#,
        w = worker_arn()
    );
    let b = Issuer::builder(
        Arc::new(InMemoryDirectory::from_json(&dir_b).unwrap()),
        KeyRing::generate(KeyId::new("b1").unwrap(), &SeededRandom::new(2)).unwrap(),
    )
    .web_identity_validator(Arc::new(JwksValidator::new()))
    .build();
    let assume = |tok: &str| {
        b.assume_role_with_web_identity_at(
            &AssumeRoleWithWebIdentityRequest::builder(
                "arn:aws:iam::222222222222:role/from-a",
                "fed",
                tok,
            )
            .build()
            .unwrap(),
            &env(T0 + 1),
        )
    };
    let worker = session_caller(
        &a.worker_creds(
            AssumeRoleRequest::builder(worker_arn(), "ww-session")
                .build()
                .unwrap(),
            T0,
        ),
        T0,
    );
    let good = a.token(&worker, &req("RS256"), T0).unwrap();
    assert!(assume(&good).is_ok());
    // Alice (a user of A) asks a token for B's audience with request tags named like the
    // worker's claims: B's trust policy still sees alice's sub.
    let forged = GetWebIdentityTokenRequest::builder("ES384")
        .audience(B_AUD)
        .tag("sub", worker_arn())
        .build()
        .unwrap();
    let t = a.token(&a.user(ALICE), &forged, T0).unwrap();
    assert_eq!(code(assume(&t)), StsErrorCode::AccessDenied);
}
const RSA1024_P8: &str = "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBALCxv2n5IILfQ0nXpUXmZT1Pcab99f73ZLv6iFcRG9ROApBEbRZ_ntXqjRrz8oxu6PtkvuCHK6MNYrZAkrW3gQAjhWlvqXqtz58iNiWJjvhvB5mYvCAzDOS7NxD8bcl7_G4QyXODuuvJ1OUztSjnPsB0iTwq4pUERcfFvenJ_5EzAgMBAAECgYBzryx_mZhrlvlbM1EF_t5x0b27c7LHh_nwCQuS1aS-z4RmKCa0AEJiE_rmlqlKwKLRVRiTsGwliPIEGSr0xnwyIIpOpNiNwbNXkTznzj4LmQvxNLVyjVOBgTzUsGF4kxdgpFz19QKLj43E1aavOdmDKFo8O_7Psd4nx7ZFIvzbwQJBANd-8mRpD77chohpjH4PpWoNU5yhJ7XatUoP912M1hsDnDokYmGAckJT8XkxkG1Up9d-S9BqWtUmtptLghv_qmkCQQDR58eLsqr5QLKTCuc1OenyfCg-vpf2XsvG-zNpViuBhix6tQrqw1xs4uRKlwpVQN0C6gaI2FVi2YO7CGQ8UZM7AkB5kQDWyjn6ttciH0EFYHg1Up1Hb9ZCDcZVqJooaSnjhW7dkeb6EAblCgvgDajnNGmW9IV6ZnUlZ7h99OPKPbl5AkBhMMnTZEoIGS3WKeE-Yu9xCI3153gjamc-XgfDCVQhqAemVXeVlhmQjUoZQ3BUYzEybTvTVx_KIl79VfhbeYYLAkEAkg16ZZNIrwPeLjDdCOsdQbiFmUZIXlMomnJy3omrmyerkyzIGdlWIpyaPCn-WllQqS4SfbRa3K7dYKPB9eLBuA";
const RSA4096_P8: &str = "MIIJRAIBADANBgkqhkiG9w0BAQEFAASCCS4wggkqAgEAAoICAQCfrymvGxRnfiznAPp1J2OL8_94VF5l5hpQVeFgbINj1WDyfXtaUVs2upf4RpROIUC0xsPn-3HvY_wkAA2utuNHPyVASMDp9Pf1t2syzCI-L3zlavo_YZXHe3xGqme2Lxv5iqMihJdOdO3dwDGrkChPR90Js7m_JXIxpkM5Gm3ngn44owqHiadu8oTOTW6t02MZzkyVkPCkwloz9TyyybuX1Yo957l93xjQ10u8o6JSRf-XU3vc4QZUtUO_JRaKnxPNOOYUV9gp03wtlLPCKs4NlvCkQdGmYyMGD19wZD_EANi86wAUXrdG3YrkW9_ySKaSoWHqJorQwX3SlH8mPO1nyfU1q6xviIux0BuBSAs129O14BxhM2-bnHoWy303twURYeZVkZrJJ6yP-9O_U7F_XsD2RUp1sKvv87JRiIZ2zuvZpqleLm2Ooh8JuQPQ-bNoc-A0DXQlaM0RPvlMn85plCqgHifNsTrXBO00ZecO_FOIeSnBjBe3cG6p5SngDzLwCA-lm3EEZEC0ZZIt4S0imjJfo-oCiA7OCZuLeQXq73L-2Vgb1Wyb5aSW8vqCrzZU-iW1S0FGRU9VukVZ1jXsQ78h1n8s7KW879Xb2xZW05N7nh9OiaNrREyQoKJtcv4Ip8BnDu2-xd_12MaqgLeJ0yoyuZ40xFNZZEmcqx6saQIDAQABAoICAAC4ksgsU1z0EwIWH2vA15xjAWkukfA8sRNrB5EybbzIq40JWddNDMLIVaaSXLQqyBq9jsYEJaj10uSV91W1P_KWK3wKfbNdhqj-BJ5EZ0mTyq2Dxds5ndqp2nieXOoUih0dGnnQb0HYmyVByLVeuktZEAAIA6nK-TVBr9FJJt0JoPMvkw8LHN5Tj9UBQ76q0wk6-w_9HNDCwZTxcK_Tbg8xoZwW4vT6lS1lQOuDShl24Zw4-bvXpZ_b6WET8DEI4rLlnq7dua71KCEnqZkO7kEf8p1bz9mH0McRVT4c22kVc8DuJImquaYcByTkMzwFMY4rIdRZ_1oIiKG_2zaAa8gyQ5qdf2Ip-ThYgAA7QajAFzI2tR1ZtZzATDySiDhNDt3w_crtM_hdhxevUILtPNnhvyGXXtvv1YTGRMqhBs6IQWANxMZbg4uLsI5UfwjiYYPiianRoBb0PL-J1QqqFT7q1Qvs2nWR3U_n5HSGM4AFkHZVMR0D-stbx1kP0_9vTGfvXql7EVc0dBc0UUpCS7tkHEZPTXdp_QNgY8pmrS7P9enTKyDx48hPTAv-KsEmn9D_bvP7vfJVi0k6Exo6H5qk3DYXarwFzmMSAsvxssIAh24uNbpJgaS_rF-cbiOUf_IoZ1TMQubVs1wTCVIewhZSp3PBL3SAZHyBQxKW0QkBAoIBAQDTMvYrMQ8veCeRiRtWzLjnjnHj7SzMIwARvnm5qz5rg23fhjMAL6bVuTQTQzh_OjgKtswAg-qLCWTJvkwcsTcYv_ESO7dGSs47qmzGApp2y3QhncWrqV3N5ZNuLt2f-k-GKoT1YtmPFmP9tnWr_cPZZfj4cpoPaTqp-0prVtsf7dg4x7Gdpy29j6f_V2WCKrvsgjXyEdRtWZ1XNL2t03wSt_XAZ072Jj5GGzc1P21FtJgwN3zzLS15k1Y-UofgTTlnrN9J3s4ivEk7MvnWBLN6YOc0x-4kS3y6mjxReOFL5sYHuIPbXTKFLhOLYvsZZG9gXofRfNvV-QD9Ao0r_8snAoIBAQDBjrgI7lDDA4dKZ4F-6pLkCChSqzSbSnAovQS68kqM9YRdWowG-TUOBc-wSwFJQjfuRx1QwzGR-UOSXpAFdgmkgD3W7YCM10UiLJiUEC5yawBy1WEyIsmPuL55SU_Witl_qP91pd65N2_UDTlqVo5eRnGIR1Ik_RCn76x74SxshF81tLvb1gpPZyAofSd3oLz2XTbNrorUmQReW9b6NqQkh71-q5z32LzU7YfCeoioLnDl-7ZBuhOoqdhSgNlorlhcfd_RSTN9z9vpNZaj1KAELArPKURlm2VBj3J5VS6sgjFODOoG9ZrLlIBFI574CnkyRxmpwBdvNUtJrb55DcXvAoIBAQCiT_Uuxpp0EfTe_a88K0Qj-a5_zCR0kqWX_XpRflEPkcecVOfXScf_U0G5WB0Qcm7llQz9jGRyDHsgLRcTqgK9C667I5e79vu-kUDdgNyzVbNfroBfaF_GQJzovi3nqBj79KuQZzLqq_uW3mZbE0E0UBFi57iNBYNnZdAQ5IStaj6VjKttjTEzETe8nq9NtYgNwRiyfI90pr2sasUn1XPyctz0zLC7rjKH8JyiWKejPaME03A898iOOfS7GvSAJvlqO0qz2_8yZOAnFgs6Nwy0jcrDHrBfxoAKbUTUHIGRsr8Y6e60ZVDRV9L_ecefATgzqRLapgnRzXe7-v0CBqlbAoIBAQCw-J25xLPg6kv7spGLCkzN48uCcnkB91h_VvuJNlkFcsHYXR6kjZx9usB_LsT5R2s-GJVsL1wWXHL01DMYWylL19kytyqPG5BhQ6cp0XW2NbFOTVy162qhVsgIuwgdYAynFUylM8hlTpOXrZOub39yITRS5urrWNquwYvSJDpq6cjnoN0WjigVG3QisPOyBCxhkS63dnwHD_UXlR8E3YrMv7N5qs01K1zTzm4PWduy8etVzASDKfApiUl5fcfKV4YA4zIN98D1qmQmYVHfb1vzFJW5fcDEqgU1oUOIPmMTZWJRO6uKO2uR8bAqBvylS2YumyWSuEh07KRutEXwBrDPAoIBAQCR5qJld24HuCSBNOKBUPVgqMmeIcowH5Y7VG1f-Yv0J6AAeD3fkN3RFtkjj9ygUycENn6OEKsS20JsGigly5yfZcO99CZvX5CUw12LUdFrV61HwV6Mtu4op26EWR9uD2bsRqNwyGfCfOtns5mYR4z55h80FK_cwShP8htjs0J6gawCPIrsLUadg69MuPf8g_Rvmrg3UGeSSOL6B4nhyg6-Zq20dEorllbBSggd5f3bxbamyaoC5--kK1rsYTJKmukFMvYlVs5NFYRyf5VhMifDs-VImdEa0qKLHTG4jtoECmPU5nml87Pe7IknNc7BzjLBa63U2uUFuQmogWvatuqC";
const P256_P8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4-kPggOoOxq34cqLtIGLSGSuqxnjeuuPeZ6ZQoWQn9OhRANCAATlqQ6hUZy1gpSu2RbgeKz7bZOu7ozah5nQVHbc6DHbE-NAkXnh_X6LraabcDF1C6eE_XxPAItieK3U-00y5cE6";
const ED25519_P8: &str = "MC4CAQAwBQYDK2VwBCIEINTqTLsP2xZmS6E4vHAS1tvLt8zsz2EIFxDkqKIa4Bfj";
