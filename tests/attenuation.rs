//! Offline attenuation (`Credentials::attenuate`, version-2 tokens) as an attacker sees it: for
//! each rule the narrowed use that works and the escape that does not, then property tests.
//!
//! Tokens the public API refuses to build (a later `NotAfter`, two source identities, an unknown
//! caveat kind, …) are built here by `Forge`, an independent implementation of the chain in
//! `manual::attenuation`, from the parent's secret: it shows that the verifier, not only the
//! encoder, refuses them, and that the construction is the documented one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use sha2::Sha256;
use std::sync::{Arc, OnceLock};
use tempcred::attenuate::{AttenuateError, Caveat};
use tempcred::audit::{AuditAction, MemoryAuditSink};
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::InMemoryDirectory;
use tempcred::endpoint::{HttpRequest, StsEndpoint};
use tempcred::hazmat::Seal;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::limits::MAX_CAVEATS;
use tempcred::sigv4::{sign, PayloadHash, SignableRequest, SigningParams};
use tempcred::token::MalformedToken;
use tempcred::{
    AccessKeyId, AssumeRoleRequest, Caller, Credentials, Decision, GetAccessKeyInfoRequest,
    GetFederationTokenRequest, GetSessionTokenRequest, GetWebIdentityTokenRequest, Issuer, KeyRing,
    ManualClock, RevokedSessions, SecretAccessKey, SourceIdentity, UnixTime, VerifiedSession,
    Verifier, VerifyError,
};

const NOW: u64 = 1_764_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";

const DIRECTORY: &str = r#"{
  "users": [{ "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForTestsOnly0000000000000A" }],
    "policies": [{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "sts:*", "Resource": "*" }] }] }],
  "roles": [
    { "arn": "arn:aws:iam::111111111111:role/builder",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
         "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] },
      "policies": [{ "Version": "2012-10-17", "Statement": [
         { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
           "Resource": "arn:aws:s3:::builds/*" },
         { "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::builds/protected/*" },
         { "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:GetWebIdentityToken", "sts:GetAccessKeyInfo",
             "sts:DecodeAuthorizationMessage"], "Resource": "*" }] }] },
    { "arn": "arn:aws:iam::111111111111:role/escape",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
         "Principal": { "AWS": "arn:aws:iam::111111111111:role/builder" }, "Action": "sts:AssumeRole" }] },
      "policies": [{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "s3:*", "Resource": "*" }] }] }
  ]
}"#;

const JOB_42_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::builds/job-42/*"}]}"#;

struct Fixture {
    directory: Arc<InMemoryDirectory>,
    ring: KeyRing,
    issuer: Issuer,
    audit: Arc<MemoryAuditSink>,
}

fn fixture() -> Fixture {
    let directory = Arc::new(InMemoryDirectory::from_json(DIRECTORY).unwrap());
    let ring = KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[0x51; 32]).unwrap(),
    )
    .unwrap();
    let audit = Arc::new(MemoryAuditSink::new());
    let issuer = build_issuer(&directory, &ring, &audit);
    Fixture {
        directory,
        ring,
        issuer,
        audit,
    }
}

fn build_issuer(
    directory: &Arc<InMemoryDirectory>,
    ring: &KeyRing,
    audit: &Arc<MemoryAuditSink>,
) -> Issuer {
    Issuer::builder(directory.clone(), ring.clone())
        .clock(Arc::new(ManualClock::new(now())))
        .random(Arc::new(SeededRandom::new(18)))
        .audit_sink(audit.clone())
        .build()
}

fn now() -> UnixTime {
    UnixTime::from_secs(NOW)
}

impl Fixture {
    /// A one-hour session of `role/builder`, named `session`.
    fn parent(&self, session: &str) -> Credentials {
        let alice = self
            .issuer
            .long_term_caller(&ALICE_KEY.parse().unwrap())
            .unwrap();
        let request = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/builder", session)
            .build()
            .unwrap();
        self.issuer
            .assume_role(&alice, &request)
            .unwrap()
            .credentials
    }

    fn verify(&self, creds: &Credentials) -> Result<VerifiedSession, VerifyError> {
        self.verify_text(creds.session_token.expose_secret())
    }

    fn verify_text(&self, token: &str) -> Result<VerifiedSession, VerifyError> {
        Verifier::new(&self.ring).verify(token, now())
    }

    fn decide(&self, session: &VerifiedSession, action: &str, resource: &str) -> Decision {
        Authorizer::new(self.directory.clone())
            .authorize(session, &AuthorizationRequest::new(action, resource), now())
            .unwrap()
    }

    fn caller(&self, creds: &Credentials) -> Caller {
        Caller::from_session(self.verify(creds).unwrap())
    }

    /// The STS Query API over an issuer sharing this one's directory, ring and audit sink.
    fn endpoint(&self) -> StsEndpoint {
        StsEndpoint::new(build_issuer(&self.directory, &self.ring, &self.audit))
    }
}

/// A SigV4-signed STS call through the Query API: status and body.
fn sts_call(
    endpoint: &StsEndpoint,
    id: &str,
    secret: &SecretAccessKey,
    token: &str,
    body: &str,
) -> (u16, String) {
    let mut headers = vec![
        ("host".to_owned(), "sts.example.com".to_owned()),
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let signed = {
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let req = SignableRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &h,
            payload: PayloadHash::Bytes(body.as_bytes()),
        };
        let p = SigningParams::new(id, secret, "us-east-1", "sts", now()).with_session_token(token);
        sign(&req, &p).unwrap().headers
    };
    headers.extend(signed.into_iter().map(|(n, v)| (n.to_owned(), v)));
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let response = endpoint.handle(
        &HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &h,
            body: body.as_bytes(),
            source_ip: None,
        },
        now(),
    );
    (response.status, response.body.to_string())
}

const GET_CALLER_IDENTITY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
const ASSUME_ESCAPE: &str = "Action=AssumeRole&Version=2011-06-15&RoleSessionName=out\
    &RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fescape";

fn b64(bytes: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .unwrap()
}

// ---- an independent implementation of the chain, to forge what the API will not build ----------

type H = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = <H as KeyInit>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// `kind ‖ body_len:u16 ‖ body`.
fn caveat(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut c = vec![kind];
    c.extend_from_slice(&(body.len() as u16).to_be_bytes());
    c.extend_from_slice(body);
    c
}

fn not_after(t: u64) -> Vec<u8> {
    caveat(1, &t.to_be_bytes())
}

fn policy(json: &str) -> Vec<u8> {
    caveat(2, json.as_bytes())
}

fn source_identity(s: &str) -> Vec<u8> {
    caveat(3, s.as_bytes())
}

/// The chain of `manual::attenuation` from `secret` over `caveats`: the last secret and tag.
fn chain(secret: &str, caveats: &[Vec<u8>]) -> (String, [u8; 32]) {
    let mut s = secret.to_owned();
    let mut tag = [0u8; 32];
    for c in caveats {
        let k = hmac(
            s.as_bytes(),
            &[b"tempcred/v1/attenuate", &(c.len() as u16).to_be_bytes(), c],
        );
        s = data_encoding::BASE64.encode(&hmac(&k, &[b"tempcred/v1/attenuate/secret"])[..30]);
        tag = hmac(&k, &[b"tempcred/v1/attenuate/tag"]);
    }
    (s, tag)
}

fn akid(tag: &[u8; 32]) -> AccessKeyId {
    format!("ASIA{}", data_encoding::BASE32_NOPAD.encode(&tag[..10]))
        .parse()
        .unwrap()
}

/// A credential triple built outside the crate.
struct Forged {
    token: String,
    access_key_id: AccessKeyId,
    secret: SecretAccessKey,
}

/// `2 ‖ parent_len ‖ parent ‖ count ‖ caveats ‖ tag ‖ extra`, with the tag of the chain over
/// `caveats` from `secret`.
fn forge(parent: &[u8], secret: &str, count: u8, caveats: &[Vec<u8>], extra: &[u8]) -> Forged {
    let (s, tag) = chain(secret, caveats);
    let mut t = vec![2];
    t.extend_from_slice(&(parent.len() as u16).to_be_bytes());
    t.extend_from_slice(parent);
    t.push(count);
    for c in caveats {
        t.extend_from_slice(c);
    }
    t.extend_from_slice(&tag);
    t.extend_from_slice(extra);
    Forged {
        token: b64(&t),
        access_key_id: akid(&tag),
        secret: SecretAccessKey::new(&s).unwrap(),
    }
}

fn v1_bytes(creds: &Credentials) -> Vec<u8> {
    let t = unb64(creds.session_token.expose_secret());
    assert_eq!(t[0], 1);
    t
}

/// The parts of a version-2 token: parent, caveats, tag.
fn parts(creds: &Credentials) -> (Vec<u8>, Vec<Vec<u8>>, Vec<u8>) {
    let t = unb64(creds.session_token.expose_secret());
    assert_eq!(t[0], 2);
    let plen = u16::from_be_bytes([t[1], t[2]]) as usize;
    let parent = t[3..3 + plen].to_vec();
    let count = t[3 + plen];
    let mut at = 4 + plen;
    let mut caveats = Vec::new();
    for _ in 0..count {
        let len = u16::from_be_bytes([t[at + 1], t[at + 2]]) as usize;
        caveats.push(t[at..at + 3 + len].to_vec());
        at += 3 + len;
    }
    let tag = t[at..].to_vec();
    assert_eq!(tag.len(), 32);
    (parent, caveats, tag)
}

/// A version-2 token from parts, with a given tag (no chain computed).
fn assemble(parent: &[u8], caveats: &[Vec<u8>], tag: &[u8]) -> String {
    let mut t = vec![2];
    t.extend_from_slice(&(parent.len() as u16).to_be_bytes());
    t.extend_from_slice(parent);
    t.push(caveats.len() as u8);
    for c in caveats {
        t.extend_from_slice(c);
    }
    t.extend_from_slice(tag);
    b64(&t)
}

fn job_42(f: &Fixture, parent: &Credentials) -> Credentials {
    let _ = f;
    parent
        .attenuate(
            &[
                Caveat::NotAfter(now().saturating_add(600)),
                Caveat::policy(JOB_42_READ),
            ],
            now(),
        )
        .unwrap()
}

// ---- the narrowed use works ----------------------------------------------------------------

#[test]
fn an_attenuated_credential_verifies_with_its_caveats_folded_in() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent);
    assert_ne!(child.access_key_id, parent.access_key_id);
    assert!(!child.secret_access_key.ct_eq(&parent.secret_access_key));
    assert_eq!(child.expiration, now().saturating_add(600));
    let session = f.verify(&child).unwrap();
    let parent_session = f.verify(&parent).unwrap();
    assert_eq!(session.access_key_id(), &child.access_key_id);
    assert_eq!(session.claims().expires_at, now().saturating_add(600));
    assert_eq!(session.caller_identity(), parent_session.caller_identity());
    let a = session.attenuation().unwrap();
    assert_eq!(a.caveat_count(), 2);
    assert_eq!(a.policies().len(), 1);
    assert_eq!(a.parent_expires_at(), parent.expiration);
    assert_eq!(a.parent_access_key_id(), &parent.access_key_id);
    assert!(!parent_session.is_attenuated());
    // The verifier re-derives the child's secret, not the parent's.
    let secret = Verifier::new(&f.ring).secret_access_key(&session).unwrap();
    assert!(secret.ct_eq(&child.secret_access_key));
    // The construction is the documented one: an independent implementation agrees.
    let (_, caveats, tag) = parts(&child);
    let (s, t) = chain(parent.secret_access_key.expose_secret(), &caveats);
    assert_eq!(s, child.secret_access_key.expose_secret());
    assert_eq!(t.to_vec(), tag);
    assert_eq!(akid(&t), child.access_key_id);
}

#[test]
fn attenuating_again_appends_a_caveat_and_keeps_the_earlier_ones() {
    let f = fixture();
    let child = job_42(&f, &f.parent("ci"));
    let grandchild = child
        .attenuate(&[Caveat::NotAfter(now().saturating_add(300))], now())
        .unwrap();
    let session = f.verify(&grandchild).unwrap();
    assert_eq!(session.attenuation().unwrap().caveat_count(), 3);
    assert_eq!(session.claims().expires_at, now().saturating_add(300));
    assert_eq!(
        f.decide(&session, "s3:GetObject", "arn:aws:s3:::builds/job-42/log"),
        Decision::Allow
    );
    assert_eq!(
        f.decide(&session, "s3:GetObject", "arn:aws:s3:::builds/job-43/log"),
        Decision::ImplicitDeny
    );
    // The middle caveat (the policy) cannot be dropped by the grandchild.
    let (parent, caveats, tag) = parts(&grandchild);
    let dropped = assemble(&parent, &[caveats[0].clone(), caveats[2].clone()], &tag);
    assert_eq!(
        f.verify_text(&dropped).unwrap_err(),
        VerifyError::BadSignature
    );
}

// ---- attacker: strip the policy caveat to regain s3:DeleteObject ------------------------------

#[test]
fn a_policy_caveat_narrows_the_parent_and_cannot_be_stripped() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent);
    let (ps, cs) = (f.verify(&parent).unwrap(), f.verify(&child).unwrap());
    let obj = "arn:aws:s3:::builds/job-42/out.tar";
    assert_eq!(f.decide(&cs, "s3:GetObject", obj), Decision::Allow);
    for action in ["s3:PutObject", "s3:DeleteObject"] {
        assert_eq!(f.decide(&ps, action, obj), Decision::Allow, "{action}");
        assert_eq!(
            f.decide(&cs, action, obj),
            Decision::ImplicitDeny,
            "{action}"
        );
    }
    // Strip the policy caveat, keep the tag: refused.
    let (p, caveats, tag) = parts(&child);
    let stripped = assemble(&p, &caveats[..1], &tag);
    assert_eq!(
        f.verify_text(&stripped).unwrap_err(),
        VerifyError::BadSignature
    );
    // Present the parent's token itself with the child's secret: the access key ID does not
    // match, and the parent's ID needs the parent's secret, which the child does not hold.
    let endpoint = f.endpoint();
    let (status, body) = sts_call(
        &endpoint,
        parent.access_key_id.as_str(),
        &child.secret_access_key,
        parent.session_token.expose_secret(),
        GET_CALLER_IDENTITY,
    );
    assert_eq!(status, 403, "{body}");
    let (status, body) = sts_call(
        &endpoint,
        child.access_key_id.as_str(),
        &child.secret_access_key,
        parent.session_token.expose_secret(),
        GET_CALLER_IDENTITY,
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("InvalidClientTokenId"), "{body}");
}

#[test]
fn a_deny_in_any_policy_caveat_wins_and_a_caveat_cannot_add_a_right() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = parent
        .attenuate(
            &[
                Caveat::policy(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                ),
                Caveat::policy(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#,
                ),
            ],
            now(),
        )
        .unwrap();
    let s = f.verify(&child).unwrap();
    let obj = "arn:aws:s3:::builds/a";
    assert_eq!(f.decide(&s, "s3:GetObject", obj), Decision::Allow);
    assert_eq!(f.decide(&s, "s3:PutObject", obj), Decision::ExplicitDeny);
    // "Allow *" in a caveat does not reach past the role's own policies.
    assert_eq!(
        f.decide(&s, "s3:GetObject", "arn:aws:s3:::elsewhere/a"),
        Decision::ImplicitDeny
    );
    assert_eq!(f.decide(&s, "iam:CreateUser", "*"), Decision::ImplicitDeny);
    // And the parent's explicit deny stays.
    assert_eq!(
        f.decide(&s, "s3:DeleteObject", "arn:aws:s3:::builds/protected/x"),
        Decision::ExplicitDeny
    );
    let refused = Authorizer::new(f.directory.clone())
        .require(&s, &AuthorizationRequest::new("s3:PutObject", obj), now())
        .unwrap_err();
    assert_eq!(refused.code_str(), "AccessDenied");
}

#[test]
fn a_source_ip_caveat_allows_only_from_its_network_and_fails_closed_without_an_address() {
    let f = fixture();
    let child = f
        .parent("ci")
        .attenuate(
            &[Caveat::policy(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
            )],
            now(),
        )
        .unwrap();
    let s = f.verify(&child).unwrap();
    let authorizer = Authorizer::new(f.directory.clone());
    let decide = |ip: Option<&str>| {
        let mut request = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::builds/a");
        request.source_ip = ip.map(|ip| ip.parse().unwrap());
        authorizer.authorize(&s, &request, now()).unwrap()
    };
    assert_eq!(decide(Some("10.1.2.3")), Decision::Allow);
    assert_eq!(decide(Some("192.0.2.1")), Decision::ImplicitDeny);
    assert_eq!(decide(None), Decision::ImplicitDeny);

    // The same allowlist as a Deny under NotIpAddress: AWS evaluates a negated operator on a
    // missing key as true ("IAM JSON policy elements: Condition operators"), so a request
    // without an address is refused too, explicitly.
    let child = f
        .parent("ci")
        .attenuate(
            &[Caveat::policy(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
            )],
            now(),
        )
        .unwrap();
    let s = f.verify(&child).unwrap();
    let decide = |ip: Option<&str>| {
        let mut request = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::builds/a");
        request.source_ip = ip.map(|ip| ip.parse().unwrap());
        authorizer.authorize(&s, &request, now()).unwrap()
    };
    assert_eq!(decide(Some("10.1.2.3")), Decision::Allow);
    assert_eq!(decide(Some("192.0.2.1")), Decision::ExplicitDeny);
    assert_eq!(decide(None), Decision::ExplicitDeny);
}

// ---- attacker: extend the expiry ---------------------------------------------------------------

#[test]
fn expiry_is_the_earliest_not_after_and_cannot_be_extended() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent);
    let leeway = Verifier::new(&f.ring).clock_skew_leeway();
    let v = Verifier::new(&f.ring);
    let text = child.session_token.expose_secret();
    assert!(v.verify(text, now().saturating_add(599 + leeway)).is_ok());
    assert_eq!(
        v.verify(text, now().saturating_add(600 + leeway))
            .unwrap_err(),
        VerifyError::Expired
    );
    // The API refuses a later NotAfter …
    assert_eq!(
        child
            .attenuate(&[Caveat::NotAfter(now().saturating_add(1200))], now())
            .unwrap_err(),
        AttenuateError::NotAfterBeyondExpiry
    );
    // … an equal one changes nothing …
    let same = child
        .attenuate(&[Caveat::NotAfter(now().saturating_add(600))], now())
        .unwrap();
    assert_eq!(same.expiration, now().saturating_add(600));
    // … and a forged later one (chain computed from the child's own secret) is folded as a
    // minimum: the earlier NotAfter still holds.
    let (p, caveats, _) = parts(&child);
    let mut longer = caveats.clone();
    longer.push(not_after(NOW + 3 * 3600));
    let forged = forge(
        &p,
        parent.secret_access_key.expose_secret(),
        3,
        &longer,
        &[],
    );
    let s = f.verify_text(&forged.token).unwrap();
    assert_eq!(s.claims().expires_at, now().saturating_add(600));
    // A NotAfter past the parent's expiry does not outlive the parent either.
    let past_parent = forge(
        &v1_bytes(&parent),
        parent.secret_access_key.expose_secret(),
        1,
        &[not_after(NOW + 48 * 3600)],
        &[],
    );
    let s = f.verify_text(&past_parent.token).unwrap();
    assert_eq!(s.claims().expires_at, parent.expiration);
    // Editing the NotAfter's bytes in place breaks the tag.
    let (p, mut caveats, tag) = parts(&child);
    caveats[0] = not_after(NOW + 3000);
    assert_eq!(
        f.verify_text(&assemble(&p, &caveats, &tag)).unwrap_err(),
        VerifyError::BadSignature
    );
}

// ---- attacker: assert a source identity ----------------------------------------------------

/// A holder must not choose the `aws:SourceIdentity` its parent's policies read: AWS sets one
/// only where the role's trust policy grants `sts:SetSourceIdentity` ("Monitor and control
/// actions taken with assumed roles", IAM User Guide). The first draft had such a caveat
/// (kind 3) and an independent review unlocked `aws:SourceIdentity` conditions with it; kind 3
/// is now refused however well it is chained, with or without a parent source identity.
#[test]
fn a_source_identity_assertion_is_refused_however_well_chained() {
    let f = fixture();
    let parent = f.parent("ci");
    let mut c = f.verify(&parent).unwrap().claims().clone();
    c.source_identity = Some(SourceIdentity::new("alice").unwrap());
    let with_si = c.seal(&f.ring).unwrap();
    for p in [&parent, &with_si] {
        for caveats in [
            vec![source_identity("bob1")],
            vec![not_after(NOW + 600), source_identity("alice")],
        ] {
            let forged = forge(
                &v1_bytes(p),
                p.secret_access_key.expose_secret(),
                u8::try_from(caveats.len()).unwrap(),
                &caveats,
                &[],
            );
            assert!(matches!(
                f.verify_text(&forged.token).unwrap_err(),
                VerifyError::Malformed(_)
            ));
        }
    }
    // What the API offers leaves the parent's source identity as it was.
    let child = with_si
        .attenuate(&[Caveat::NotAfter(UnixTime::from_secs(NOW + 600))], now())
        .unwrap();
    assert_eq!(
        f.verify(&child).unwrap().claims().source_identity,
        c.source_identity
    );
}

// ---- attacker: graft, reorder, drop ----------------------------------------------------------

#[test]
fn caveats_cannot_be_moved_onto_another_parent() {
    let f = fixture();
    let (p1, p2) = (f.parent("one"), f.parent("two"));
    let child = job_42(&f, &p1);
    let (_, caveats, tag) = parts(&child);
    let grafted = assemble(&v1_bytes(&p2), &caveats, &tag);
    assert_eq!(
        f.verify_text(&grafted).unwrap_err(),
        VerifyError::BadSignature
    );
    // p2's own holder can attenuate p2, which is no graft: it yields p2's identity.
    let own = job_42(&f, &p2);
    assert!(f
        .verify(&own)
        .unwrap()
        .caller_identity()
        .arn
        .ends_with("/two"));
}

#[test]
fn caveats_cannot_be_reordered_or_dropped() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = parent
        .attenuate(
            &[
                Caveat::NotAfter(now().saturating_add(900)),
                Caveat::policy(JOB_42_READ),
                Caveat::NotAfter(now().saturating_add(600)),
            ],
            now(),
        )
        .unwrap();
    assert!(f.verify(&child).is_ok());
    let (p, caveats, tag) = parts(&child);
    let orders: [[usize; 3]; 5] = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for order in orders {
        let shuffled: Vec<Vec<u8>> = order.iter().map(|&i| caveats[i].clone()).collect();
        assert_eq!(
            f.verify_text(&assemble(&p, &shuffled, &tag)).unwrap_err(),
            VerifyError::BadSignature,
            "{order:?}"
        );
    }
    for drop in 0..3 {
        let mut fewer = caveats.clone();
        fewer.remove(drop);
        assert_eq!(
            f.verify_text(&assemble(&p, &fewer, &tag)).unwrap_err(),
            VerifyError::BadSignature,
            "drop {drop}"
        );
    }
    // Dropping every caveat leaves the parent's token, whose key ID and secret the child lacks
    // (see `a_policy_caveat_narrows_the_parent_and_cannot_be_stripped`).
}

// ---- attacker: sign with the wrong half of a triple ------------------------------------------

#[test]
fn sigv4_accepts_the_child_triple_and_no_mix_of_parent_and_child() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent);
    let endpoint = f.endpoint();
    let (status, body) = sts_call(
        &endpoint,
        child.access_key_id.as_str(),
        &child.secret_access_key,
        child.session_token.expose_secret(),
        GET_CALLER_IDENTITY,
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("<Arn>arn:aws:sts::111111111111:assumed-role/builder/ci</Arn>"),
        "{body}"
    );
    // The parent's secret with the child's token and ID: the signature does not match.
    let (status, body) = sts_call(
        &endpoint,
        child.access_key_id.as_str(),
        &parent.secret_access_key,
        child.session_token.expose_secret(),
        GET_CALLER_IDENTITY,
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");
    // The parent's ID with the child's token.
    let (status, body) = sts_call(
        &endpoint,
        parent.access_key_id.as_str(),
        &parent.secret_access_key,
        child.session_token.expose_secret(),
        GET_CALLER_IDENTITY,
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("InvalidClientTokenId"), "{body}");
}

// ---- attacker: call STS to mint a credential outside the caveats ------------------------------

#[test]
fn attenuated_credentials_may_call_get_caller_identity_and_nothing_that_issues() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent);
    let caller = f.caller(&child);
    let me = f.issuer.get_caller_identity(&caller).unwrap();
    let parents = f.issuer.get_caller_identity(&f.caller(&parent)).unwrap();
    assert_eq!(
        (me.arn, me.user_id, me.account),
        (parents.arn, parents.user_id, parents.account)
    );

    let escape = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/escape", "out")
        .build()
        .unwrap();
    // The parent may chain into `escape`; the child may not.
    assert!(f.issuer.assume_role(&f.caller(&parent), &escape).is_ok());
    let refusals = [
        f.issuer
            .assume_role(&caller, &escape)
            .map(drop)
            .unwrap_err(),
        f.issuer
            .get_session_token(&caller, &GetSessionTokenRequest::builder().build().unwrap())
            .map(drop)
            .unwrap_err(),
        f.issuer
            .get_federation_token(
                &caller,
                &GetFederationTokenRequest::builder("fed").build().unwrap(),
            )
            .map(drop)
            .unwrap_err(),
        f.issuer
            .get_access_key_info(
                &caller,
                &GetAccessKeyInfoRequest::new(parent.access_key_id.as_str()).unwrap(),
            )
            .map(drop)
            .unwrap_err(),
        f.issuer
            .decode_authorization_message(
                &caller,
                &tempcred::DecodeAuthorizationMessageRequest::new("x").unwrap(),
            )
            .map(drop)
            .unwrap_err(),
        f.issuer
            .get_web_identity_token(
                &caller,
                &GetWebIdentityTokenRequest::builder("RS256")
                    .audience("https://api.example.com")
                    .build()
                    .unwrap(),
            )
            .map(drop)
            .unwrap_err(),
    ];
    for e in refusals {
        assert_eq!(e.code_str(), "AccessDenied", "{e}");
        assert!(e.to_string().contains("attenuated credentials"), "{e}");
    }
    // Through the Query API, signed with the child's triple.
    let endpoint = f.endpoint();
    let (status, body) = sts_call(
        &endpoint,
        child.access_key_id.as_str(),
        &child.secret_access_key,
        child.session_token.expose_secret(),
        ASSUME_ESCAPE,
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    let (status, body) = sts_call(
        &endpoint,
        parent.access_key_id.as_str(),
        &parent.secret_access_key,
        parent.session_token.expose_secret(),
        ASSUME_ESCAPE,
    );
    assert_eq!(status, 200, "{body}");
}

/// What the verifier hands the application is what the holder appended, in order, and what it
/// shows in logs names the caveats and the parent's (public) key ID, never a secret: an operator
/// reading a session's `Debug` must see why it was narrowed.
#[test]
fn the_verified_attenuation_lists_the_caveats_in_order_and_its_debug_shows_them_but_no_secret() {
    let f = fixture();
    let parent = f.parent("ci");
    let caveats = [
        Caveat::NotAfter(UnixTime::from_secs(NOW + 600)),
        Caveat::policy(JOB_42_READ),
    ];
    let child = parent.attenuate(&caveats, now()).unwrap();
    let session = f.verify(&child).unwrap();
    let attenuation = session.attenuation().unwrap();
    assert_eq!(attenuation.caveats(), &caveats);
    assert_eq!(attenuation.caveat_count(), 2);
    assert_eq!(attenuation.parent_access_key_id(), &parent.access_key_id);
    let debug = format!("{attenuation:?}");
    assert!(debug.contains("NotAfter"), "{debug}");
    assert!(debug.contains(parent.access_key_id.as_str()), "{debug}");
    for secret in [
        child.secret_access_key.expose_secret(),
        parent.secret_access_key.expose_secret(),
        child.session_token.expose_secret(),
    ] {
        assert!(!debug.contains(secret), "{debug}");
    }
}

#[test]
fn audit_events_record_the_attenuation_and_no_secret() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent);
    let caller = f.caller(&child);
    f.audit.take();
    let _ = f.issuer.get_caller_identity(&caller).unwrap();
    let escape = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/escape", "out")
        .build()
        .unwrap();
    let _ = f.issuer.assume_role(&caller, &escape).unwrap_err();
    let _ = f.issuer.get_caller_identity(&f.caller(&parent)).unwrap();
    let events = f.audit.take();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].action, AuditAction::GetCallerIdentity);
    assert_eq!(events[0].caller_caveats, Some(2));
    assert_eq!(events[1].action, AuditAction::AssumeRole);
    assert_eq!(events[1].caller_caveats, Some(2));
    assert_eq!(events[2].caller_caveats, None);
    // Which credential called: the child's access key ID, not the parent's (both public).
    assert_eq!(events[0].caller_access_key_id, Some(child.access_key_id));
    assert_eq!(events[2].caller_access_key_id, Some(parent.access_key_id));
    assert_ne!(child.access_key_id, parent.access_key_id);
    let json = serde_json::to_string(&events).unwrap();
    assert!(json.contains(r#""caller_caveats":2"#), "{json}");
    for secret in [
        child.secret_access_key.expose_secret(),
        child.session_token.expose_secret(),
        parent.secret_access_key.expose_secret(),
    ] {
        assert!(!json.contains(secret));
    }
    let debug = format!("{child:?} {:?}", f.verify(&child).unwrap());
    assert!(!debug.contains(child.secret_access_key.expose_secret()));
    assert!(!debug.contains(child.session_token.expose_secret()));
}

// ---- revocation of the parent reaches every child ---------------------------------------------

#[test]
fn revoking_the_parents_role_sessions_revokes_every_child() {
    let f = fixture();
    let child = job_42(&f, &f.parent("ci"));
    let grandchild = child
        .attenuate(&[Caveat::NotAfter(now().saturating_add(60))], now())
        .unwrap();
    let mut revoked = RevokedSessions::default();
    revoked.revoke_role_sessions(
        "111111111111".parse().unwrap(),
        tempcred::principal::RoleName::new("builder").unwrap(),
        now().saturating_add(1),
    );
    let v = Verifier::new(&f.ring).with_revoked_sessions(revoked.clone());
    for c in [&child, &grandchild] {
        assert_eq!(
            v.verify(c.session_token.expose_secret(), now())
                .unwrap_err(),
            VerifyError::Revoked
        );
    }
    // And a session verified before the cut-off is refused by the Authorizer that knows it.
    let s = f.verify(&child).unwrap();
    let e = Authorizer::new(f.directory.clone())
        .with_revoked_sessions(revoked)
        .authorize(
            &s,
            &AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::builds/job-42/a"),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.code_str(), "InvalidClientTokenId");
}

// ---- what `attenuate` refuses -------------------------------------------------------------------

#[test]
fn attenuate_refuses_caveats_that_could_never_narrow_and_bad_input() {
    let f = fixture();
    let parent = f.parent("ci");
    let nine = vec![Caveat::NotAfter(now().saturating_add(600)); MAX_CAVEATS + 1];
    let eight = vec![Caveat::NotAfter(now().saturating_add(600)); MAX_CAVEATS];
    assert!(parent.attenuate(&eight, now()).is_ok());
    assert_eq!(
        parent.attenuate(&nine, now()).unwrap_err(),
        AttenuateError::TooManyCaveats
    );
    let full = parent.attenuate(&eight, now()).unwrap();
    assert_eq!(
        full.attenuate(&[Caveat::NotAfter(now().saturating_add(60))], now())
            .unwrap_err(),
        AttenuateError::TooManyCaveats
    );
    assert_eq!(
        parent.attenuate(&[], now()).unwrap_err(),
        AttenuateError::NoCaveats
    );
    assert_eq!(
        parent
            .attenuate(&[Caveat::NotAfter(now())], now())
            .unwrap_err(),
        AttenuateError::NotAfterNotInFuture
    );
    assert_eq!(
        parent
            .attenuate(
                &[Caveat::NotAfter(parent.expiration.saturating_add(1))],
                now()
            )
            .unwrap_err(),
        AttenuateError::NotAfterBeyondExpiry
    );
    assert!(matches!(
        parent
            .attenuate(&[Caveat::policy(r#"{"Statement":[]"#)], now())
            .unwrap_err(),
        AttenuateError::Policy(_)
    ));
    let mut long = String::from(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["#,
    );
    for i in 0..80 {
        long.push_str(&format!(r#""arn:aws:s3:::builds/{i:04}/*","#));
    }
    long.push_str(r#""arn:aws:s3:::x"]}]}"#);
    assert!(long.len() > 2048);
    assert!(matches!(
        parent
            .attenuate(&[Caveat::policy(long)], now())
            .unwrap_err(),
        AttenuateError::Policy(_)
    ));
    // Two policies near the limit do not fit in 4096 bytes of token.
    let mut big = String::from(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["#,
    );
    while big.len() < 1900 {
        big.push_str(r#""arn:aws:s3:::builds/abcdefgh/*","#);
    }
    big.push_str(r#""arn:aws:s3:::x"]}]}"#);
    let e = parent
        .attenuate(&[Caveat::policy(big.clone()), Caveat::policy(big)], now())
        .unwrap_err();
    assert!(
        matches!(e, AttenuateError::TooLarge { size } if size > 4096),
        "{e:?}"
    );
    // Credentials whose ID does not go with the token.
    let mut mixed = parent.clone();
    mixed.access_key_id = f.parent("other").access_key_id;
    assert_eq!(
        mixed
            .attenuate(&[Caveat::NotAfter(now().saturating_add(60))], now())
            .unwrap_err(),
        AttenuateError::AccessKeyIdMismatch
    );
    assert_eq!(
        parent
            .attenuate(&[Caveat::NotAfter(parent.expiration)], parent.expiration)
            .unwrap_err(),
        AttenuateError::Expired
    );
}

#[test]
fn a_holder_rebuilds_its_credentials_from_the_three_strings_it_received() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent);
    for c in [&parent, &child] {
        let again = Credentials::from_parts(
            c.access_key_id.as_str().parse().unwrap(),
            SecretAccessKey::new(c.secret_access_key.expose_secret()).unwrap(),
            tempcred::SessionToken::new(c.session_token.expose_secret()).unwrap(),
        )
        .unwrap();
        assert_eq!(again.expiration, c.expiration);
        let narrower = again
            .attenuate(&[Caveat::NotAfter(now().saturating_add(60))], now())
            .unwrap();
        assert!(f.verify(&narrower).is_ok());
    }
    assert_eq!(
        Credentials::from_parts(
            parent.access_key_id,
            child.secret_access_key.clone(),
            child.session_token.clone(),
        )
        .unwrap_err(),
        AttenuateError::AccessKeyIdMismatch
    );
    for bad in ["", "a b", "a+b", "abc=", &"A".repeat(4097)] {
        assert!(tempcred::SessionToken::new(bad).is_err(), "{bad:?}");
    }
    assert!(matches!(
        Credentials::from_parts(
            child.access_key_id,
            child.secret_access_key.clone(),
            tempcred::SessionToken::new("AAAA").unwrap(),
        )
        .unwrap_err(),
        AttenuateError::Malformed(_)
    ));
}

// ---- strict, canonical decoding: refused even with a valid chain --------------------------------

#[test]
fn the_decoder_refuses_every_non_canonical_attenuated_token() {
    let f = fixture();
    let parent = f.parent("ci");
    let p = v1_bytes(&parent);
    let s = parent.secret_access_key.expose_secret();
    let na = not_after(NOW + 60);
    let ok = forge(&p, s, 1, std::slice::from_ref(&na), &[]);
    let session = f.verify_text(&ok.token).unwrap();
    assert_eq!(session.access_key_id(), &ok.access_key_id);
    assert!(Verifier::new(&f.ring)
        .secret_access_key(&session)
        .unwrap()
        .ct_eq(&ok.secret));
    let child = job_42(&f, &parent);
    let nested_parent = unb64(child.session_token.expose_secret());
    let cases: Vec<(&str, Forged)> = vec![
        ("unknown kind", forge(&p, s, 1, &[caveat(9, b"x")], &[])),
        ("kind 0", forge(&p, s, 1, &[caveat(0, b"")], &[])),
        ("zero caveats", forge(&p, s, 0, &[], &[])),
        (
            "count over the list",
            forge(&p, s, 2, std::slice::from_ref(&na), &[]),
        ),
        (
            "count under the list",
            forge(&p, s, 1, &[na.clone(), na.clone()], &[]),
        ),
        (
            "trailing bytes",
            forge(&p, s, 1, std::slice::from_ref(&na), &[0]),
        ),
        (
            "nested",
            forge(
                &nested_parent,
                child.secret_access_key.expose_secret(),
                1,
                std::slice::from_ref(&na),
                &[],
            ),
        ),
        (
            "not_after of 7 bytes",
            forge(&p, s, 1, &[caveat(1, &[0; 7])], &[]),
        ),
        (
            "not_after of 9 bytes",
            forge(&p, s, 1, &[caveat(1, &[0; 9])], &[]),
        ),
        (
            "not_after past year 9999",
            forge(&p, s, 1, &[not_after(u64::MAX)], &[]),
        ),
        (
            "policy not UTF-8",
            forge(&p, s, 1, &[caveat(2, &[0xff, 0xfe])], &[]),
        ),
        ("empty policy", forge(&p, s, 1, &[caveat(2, b"")], &[])),
        (
            "policy not a policy",
            forge(&p, s, 1, &[policy("not json")], &[]),
        ),
        (
            "source identity invalid",
            forge(&p, s, 1, &[source_identity("aws:me")], &[]),
        ),
        (
            "source identity empty",
            forge(&p, s, 1, &[caveat(3, b"")], &[]),
        ),
        (
            "two source identities",
            forge(
                &p,
                s,
                2,
                &[source_identity("ab"), source_identity("cd")],
                &[],
            ),
        ),
        (
            "over MAX_CAVEATS",
            forge(
                &p,
                s,
                (MAX_CAVEATS + 1) as u8,
                &vec![na.clone(); MAX_CAVEATS + 1],
                &[],
            ),
        ),
    ];
    for (what, forged) in cases {
        let e = f.verify_text(&forged.token).unwrap_err();
        assert!(matches!(e, VerifyError::Malformed(_)), "{what}: {e:?}");
    }
    // A parent that is not a well-formed version-1 token.
    let mut bad_parent = p.clone();
    bad_parent.push(0);
    assert!(f
        .verify_text(&forge(&bad_parent, s, 1, std::slice::from_ref(&na), &[]).token)
        .is_err());
    assert!(f.verify_text(&b64(&[2])).is_err());
    assert!(matches!(
        f.verify_text(&b64(&[2, 0, 0, 1])).unwrap_err(),
        VerifyError::Malformed(MalformedToken::Truncated | MalformedToken::InvalidField(_))
    ));
}

#[test]
fn every_byte_of_an_attenuated_token_and_every_character_of_its_secret_matter() {
    let f = fixture();
    let parent = f.parent("ci");
    let child = job_42(&f, &parent)
        .attenuate(&[Caveat::NotAfter(UnixTime::from_secs(NOW + 60))], now())
        .unwrap();
    let bytes = unb64(child.session_token.expose_secret());
    for i in 0..bytes.len() {
        for xor in [0x01, 0x80, 0xff] {
            let mut altered = bytes.clone();
            altered[i] ^= xor;
            assert!(
                f.verify_text(&b64(&altered)).is_err(),
                "byte {i} ^ {xor:#x} accepted"
            );
        }
    }
    let endpoint = f.endpoint();
    let secret = child.secret_access_key.expose_secret().as_bytes().to_vec();
    for i in 0..secret.len() {
        let mut altered = secret.clone();
        altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
        let wrong = SecretAccessKey::new(std::str::from_utf8(&altered).unwrap()).unwrap();
        let (status, body) = sts_call(
            &endpoint,
            child.access_key_id.as_str(),
            &wrong,
            child.session_token.expose_secret(),
            GET_CALLER_IDENTITY,
        );
        assert_eq!(status, 403, "secret character {i}: {body}");
    }
}

// ---- properties --------------------------------------------------------------------------------

struct Shared {
    f: Fixture,
    parent: Credentials,
    parent_session: VerifiedSession,
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        let f = fixture();
        let parent = f.parent("prop");
        let parent_session = f.verify(&parent).unwrap();
        Shared {
            f,
            parent,
            parent_session,
        }
    })
}

const ACTIONS: [&str; 5] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "iam:CreateUser",
];
const RESOURCES: [&str; 5] = [
    "arn:aws:s3:::builds/job-1/a",
    "arn:aws:s3:::builds/protected/a",
    "arn:aws:s3:::builds/b",
    "arn:aws:s3:::other/a",
    "*",
];
const PATTERNS: [&str; 5] = [
    "arn:aws:s3:::builds/*",
    "arn:aws:s3:::builds/job-1/*",
    "arn:aws:s3:::builds/protected/*",
    "arn:aws:s3:::other/*",
    "*",
];

fn statement() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::sample::subsequence(ACTIONS.to_vec(), 1..=3),
        prop::sample::select(PATTERNS.to_vec()),
    )
        .prop_map(|(allow, actions, resource)| {
            let actions: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
            format!(
                r#"{{"Effect":"{}","Action":[{}],"Resource":"{resource}"}}"#,
                if allow { "Allow" } else { "Deny" },
                actions.join(",")
            )
        })
}

fn policy_doc() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 1..=3).prop_map(|s| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            s.join(",")
        )
    })
}

/// `attenuate` refuses a `NotAfter` later than the expiry so far, so each one is clamped to the
/// earlier ones (equal is allowed).
fn narrowing(mut caveats: Vec<Caveat>) -> Vec<Caveat> {
    let mut min = u64::MAX;
    for c in &mut caveats {
        if let Caveat::NotAfter(t) = c {
            min = min.min(t.as_secs());
            *t = UnixTime::from_secs(min);
        }
    }
    caveats
}

fn caveat_list() -> impl Strategy<Value = Vec<Caveat>> {
    prop::collection::vec(
        prop_oneof![
            (1u64..3600).prop_map(|d| Caveat::NotAfter(now().saturating_add(d))),
            policy_doc().prop_map(Caveat::policy),
        ],
        1..=4,
    )
    .prop_map(narrowing)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_attenuated_credential_never_allows_what_its_parent_denies(
        docs in prop::collection::vec(policy_doc(), 1..=3),
        action in prop::sample::select(ACTIONS.to_vec()),
        resource in prop::sample::select(RESOURCES.to_vec()),
    ) {
        let sh = shared();
        let caveats: Vec<Caveat> = docs.iter().cloned().map(Caveat::policy).collect();
        let child = sh.parent.attenuate(&caveats, now()).unwrap();
        let s = sh.f.verify(&child).unwrap();
        let by_child = sh.f.decide(&s, action, resource);
        let by_parent = sh.f.decide(&sh.parent_session, action, resource);
        if by_child == Decision::Allow {
            prop_assert_eq!(by_parent, Decision::Allow);
            let mut ctx = tempcred::RequestContext::new(action).with_resource(resource);
            ctx.insert("aws:PrincipalArn", "arn:aws:iam::111111111111:role/builder");
            for d in &docs {
                let doc = tempcred::PolicyDocument::parse_session(d).unwrap();
                prop_assert_eq!(doc.evaluate(&ctx).decision, Decision::Allow);
            }
        }
        if by_parent == Decision::ExplicitDeny {
            prop_assert_eq!(by_child, Decision::ExplicitDeny);
        }
    }

    #[test]
    fn an_attenuated_credential_never_outlives_its_parent(
        caveats in caveat_list(),
        extra in 0u64..(48 * 3600),
    ) {
        let sh = shared();
        let child = sh.parent.attenuate(&caveats, now()).unwrap();
        let s = sh.f.verify(&child).unwrap();
        prop_assert!(s.claims().expires_at <= sh.parent.expiration);
        prop_assert_eq!(s.claims().expires_at, child.expiration);
        let leeway = Verifier::new(&sh.f.ring).clock_skew_leeway();
        let after = sh.parent.expiration.saturating_add(leeway + extra);
        prop_assert_eq!(
            Verifier::new(&sh.f.ring).verify(child.session_token.expose_secret(), after).unwrap_err(),
            VerifyError::Expired
        );
        // Even a forged later NotAfter, chained from the child's own secret.
        let (p, mut raw, _) = parts(&child);
        raw.push(not_after(sh.parent.expiration.as_secs() + extra + 1));
        if raw.len() <= MAX_CAVEATS {
            let forged = forge(&p, sh.parent.secret_access_key.expose_secret(), raw.len() as u8, &raw, &[]);
            let s = sh.f.verify_text(&forged.token).unwrap();
            prop_assert!(s.claims().expires_at <= child.expiration);
        }
    }

    #[test]
    fn dropping_reordering_or_grafting_caveats_is_refused(
        caveats in prop::collection::vec(
            (1u64..3600).prop_map(|d| Caveat::NotAfter(now().saturating_add(d))), 2..=4)
            .prop_map(narrowing),
        drop in any::<prop::sample::Index>(),
        swap in any::<(prop::sample::Index, prop::sample::Index)>(),
    ) {
        let sh = shared();
        let child = sh.parent.attenuate(&caveats, now()).unwrap();
        let (p, raw, tag) = parts(&child);
        let mut fewer = raw.clone();
        fewer.remove(drop.index(raw.len()));
        prop_assert_eq!(sh.f.verify_text(&assemble(&p, &fewer, &tag)).unwrap_err(), VerifyError::BadSignature);
        let (i, j) = (swap.0.index(raw.len()), swap.1.index(raw.len()));
        if raw[i] != raw[j] {
            let mut swapped = raw.clone();
            swapped.swap(i, j);
            prop_assert_eq!(sh.f.verify_text(&assemble(&p, &swapped, &tag)).unwrap_err(), VerifyError::BadSignature);
        }
        let other = sh.f.parent("graft");
        prop_assert_eq!(
            sh.f.verify_text(&assemble(&v1_bytes(&other), &raw, &tag)).unwrap_err(),
            VerifyError::BadSignature
        );
    }

    #[test]
    fn every_altered_byte_of_an_attenuated_token_is_refused(
        at in any::<prop::sample::Index>(),
        xor in 1u8..=255,
    ) {
        let sh = shared();
        let child = job_42(&sh.f, &sh.parent);
        let mut bytes = unb64(child.session_token.expose_secret());
        let i = at.index(bytes.len());
        bytes[i] ^= xor;
        let text = b64(&bytes);
        match Verifier::new(&sh.f.ring).verify(&text, now()) {
            Err(_) => {}
            Ok(s) => prop_assert!(false, "altered byte {} accepted: {:?}", i, s),
        }
    }

    #[test]
    fn every_altered_byte_of_the_attenuated_secret_is_refused(
        at in 0usize..40,
        with in prop::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".to_vec()),
    ) {
        let sh = shared();
        let child = job_42(&sh.f, &sh.parent);
        let mut secret = child.secret_access_key.expose_secret().as_bytes().to_vec();
        prop_assume!(secret[at] != with);
        secret[at] = with;
        let wrong = SecretAccessKey::new(std::str::from_utf8(&secret).unwrap()).unwrap();
        let endpoint = sh.f.endpoint();
        let (status, body) = sts_call(
            &endpoint,
            child.access_key_id.as_str(),
            &wrong,
            child.session_token.expose_secret(),
            GET_CALLER_IDENTITY,
        );
        prop_assert_eq!(status, 403);
        prop_assert!(body.contains("SignatureDoesNotMatch"), "{}", body);
    }
}
