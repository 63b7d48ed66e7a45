//! Red-team review: offline attenuation (`Credentials::attenuate`), attacked through the public
//! API only, from the feature's rules (without reading the authors' attenuation tests).
//!
//! Every test asserts that a rule HOLDS: a failing test is a hole. Hand-made tokens use an
//! independent implementation of the chain (from `manual::attenuation`), checked first against
//! what `attenuate` builds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::sync::Arc;
use tempcred::attenuate::{AttenuateError, Caveat};
use tempcred::audit::MemoryAuditSink;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    sign, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest, SigningParams,
};
use tempcred::token::MalformedToken;
use tempcred::{
    AccessKeyId, AssumeRoleRequest, CallEnv, Caller, Credentials, Decision,
    GetFederationTokenRequest, GetSessionTokenRequest, InMemoryDirectory, Issuer, KeyRing,
    RevokedSessions, SecretAccessKey, SessionToken, UnixTime, VerifiedSession, Verifier,
    VerifyError,
};

const T0: u64 = 1_800_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
const ALICE_SECRET: &str = "aliceSecretKeyForExamplesOnly00000000000";
const ROOT_KEY: &str = "AKIAROOTEXAMPLE00001";
const ROOT_SECRET: &str = "rootSecretKeyForExamplesOnly000000000000";

/// Role `src`: what the parent may do, including rules keyed on `aws:SourceIdentity` (the
/// AWS-recommended "require a source identity" deny, an allow that needs one, and a per-identity
/// home prefix through a policy variable).
const SRC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"},
 {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bucket/protected/*"},
 {"Effect":"Allow","Action":["sts:*"],"Resource":"*"},
 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::vault/*",
  "Condition":{"StringEquals":{"aws:SourceIdentity":"admin"}}},
 {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:SourceIdentity}/*"},
 {"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"},
 {"Effect":"Deny","Action":"kms:Decrypt","Resource":"*","Condition":{"Null":{"aws:SourceIdentity":"true"}}}
]}"#;

fn directory_json() -> String {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}"#;
    let broad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:*","s3:*","kms:*"],"Resource":"*"},
      {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bucket/protected/*"}]}"#;
    format!(
        r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/alice","access_keys":[{{"id":"{ALICE_KEY}","secret":"{ALICE_SECRET}"}}],"policies":[{broad}]}}],
 "roots":[{{"account":"111111111111","access_keys":[{{"id":"{ROOT_KEY}","secret":"{ROOT_SECRET}"}}]}}],
 "roles":[{{"arn":"arn:aws:iam::111111111111:role/src","trust_policy":{trust},"policies":[{SRC_POLICY}]}},
          {{"arn":"arn:aws:iam::111111111111:role/other","trust_policy":{trust},"policies":[{SRC_POLICY}]}}]}}"#
    )
}

struct World {
    ring: KeyRing,
    dir: Arc<InMemoryDirectory>,
    iss: Issuer,
    audit: Arc<MemoryAuditSink>,
}

fn world() -> World {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let dir = Arc::new(InMemoryDirectory::from_json(&directory_json()).expect("directory"));
    let audit = Arc::new(MemoryAuditSink::new());
    let iss = Issuer::builder(dir.clone(), ring.clone())
        .random(Arc::new(SeededRandom::new(3)))
        .audit_sink(audit.clone())
        .build();
    World {
        ring,
        dir,
        iss,
        audit,
    }
}

fn env(t: u64) -> CallEnv {
    CallEnv::at(UnixTime::from_secs(t))
}

fn at(t: u64) -> UnixTime {
    UnixTime::from_secs(t)
}

impl World {
    fn alice(&self) -> Caller {
        self.iss
            .long_term_caller(&ALICE_KEY.parse().unwrap())
            .unwrap()
    }

    fn role_session(&self, role: &str, session: &str, si: Option<&str>) -> Credentials {
        let mut b =
            AssumeRoleRequest::builder(format!("arn:aws:iam::111111111111:role/{role}"), session);
        if let Some(si) = si {
            b = b.source_identity(si);
        }
        self.iss
            .assume_role_at(&self.alice(), &b.build().unwrap(), &env(T0))
            .unwrap()
            .credentials
    }

    fn verify(&self, token: &str, t: u64) -> Result<VerifiedSession, VerifyError> {
        Verifier::new(&self.ring).verify(token, at(t))
    }

    fn decide(&self, c: &Credentials, action: &str, resource: &str, t: u64) -> Decision {
        let s = self.verify(c.session_token.expose_secret(), t).unwrap();
        Authorizer::new(self.dir.clone())
            .authorize(&s, &AuthorizationRequest::new(action, resource), at(t))
            .unwrap()
    }
}

fn pol(json: &str) -> Caveat {
    Caveat::policy(json)
}

fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    )
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

// ---------------------------------------------------------------- an independent chain

type H = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = <H as KeyInit>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// One link: (next secret, tag).
fn step(secret: &str, enc: &[u8]) -> (String, [u8; 32]) {
    let len = u16::try_from(enc.len()).unwrap().to_be_bytes();
    let k = hmac(secret.as_bytes(), &[b"tempcred/v1/attenuate", &len, enc]);
    let s = hmac(&k, &[b"tempcred/v1/attenuate/secret"]);
    let t = hmac(&k, &[b"tempcred/v1/attenuate/tag"]);
    (data_encoding::BASE64.encode(&s[..30]), t)
}

fn enc(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![kind];
    v.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    v.extend_from_slice(body);
    v
}

fn not_after(t: u64) -> Vec<u8> {
    enc(1, &t.to_be_bytes())
}

fn b64d(s: &str) -> Vec<u8> {
    data_encoding::BASE64URL_NOPAD.decode(s.as_bytes()).unwrap()
}

fn b64e(b: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(b)
}

/// A version-2 token over `parent_v1` (bytes) with `caveats`, chained from `parent_secret`:
/// (token text, secret). `count` overrides the count byte.
fn forge_raw(
    parent_v1: &[u8],
    parent_secret: &str,
    caveats: &[Vec<u8>],
    count: Option<u8>,
) -> (String, String) {
    let mut secret = parent_secret.to_owned();
    let mut tag = [0u8; 32];
    for c in caveats {
        let (s, t) = step(&secret, c);
        secret = s;
        tag = t;
    }
    let mut out = vec![2u8];
    out.extend_from_slice(&u16::try_from(parent_v1.len()).unwrap().to_be_bytes());
    out.extend_from_slice(parent_v1);
    out.push(count.unwrap_or(u8::try_from(caveats.len()).unwrap()));
    for c in caveats {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&tag);
    (b64e(&out), secret)
}

fn forge(parent: &Credentials, caveats: &[Vec<u8>]) -> (String, String) {
    forge_raw(
        &b64d(parent.session_token.expose_secret()),
        parent.secret_access_key.expose_secret(),
        caveats,
        None,
    )
}

/// The parts of a version-2 token: (parent bytes, caveat encodings, tag).
fn parse_v2(token: &str) -> (Vec<u8>, Vec<Vec<u8>>, Vec<u8>) {
    let b = b64d(token);
    assert_eq!(b[0], 2);
    let plen = usize::from(u16::from_be_bytes([b[1], b[2]]));
    let parent = b[3..3 + plen].to_vec();
    let mut i = 3 + plen;
    let n = b[i];
    i += 1;
    let mut cs = Vec::new();
    for _ in 0..n {
        let len = usize::from(u16::from_be_bytes([b[i + 1], b[i + 2]]));
        cs.push(b[i..i + 3 + len].to_vec());
        i += 3 + len;
    }
    (parent, cs, b[i..].to_vec())
}

fn build_v2(parent: &[u8], caveats: &[Vec<u8>], tag: &[u8]) -> String {
    let mut out = vec![2u8];
    out.extend_from_slice(&u16::try_from(parent.len()).unwrap().to_be_bytes());
    out.extend_from_slice(parent);
    out.push(u8::try_from(caveats.len()).unwrap());
    for c in caveats {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(tag);
    b64e(&out)
}

// ---------------------------------------------------------------- SigV4

fn sigv4(
    w: &World,
    key_id: &str,
    secret: &SecretAccessKey,
    token: &str,
    t: u64,
) -> Result<VerifiedSession, String> {
    let headers = [("host", "svc.local")];
    let req = SignableRequest {
        method: "GET",
        path: "/bucket/a/x",
        query: "",
        headers: &headers,
        payload: PayloadHash::Bytes(b""),
    };
    let p = SigningParams::new(key_id, secret, "us-east-1", "execute-api", at(t))
        .with_session_token(token);
    let out = sign(&req, &p).map_err(|e| format!("sign: {e:?}"))?;
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.extend(out.headers.iter().map(|(n, v)| (*n, v.as_str())));
    let req = SignableRequest {
        headers: &all,
        ..req
    };
    let v = SigV4Verifier::new(
        Verifier::new(&w.ring),
        NoLongTermKeys,
        SigV4Config::new("execute-api"),
    );
    v.verify(&req, at(t))
        .map_err(|e| format!("{e:?}"))
        .map(|a| a.session().cloned().expect("a session"))
}

// ================================================================ the independent chain is right

#[test]
fn a00_independent_chain_matches_attenuate() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let cav = [
        Caveat::NotAfter(at(T0 + 600)),
        pol(&allow("s3:GetObject", "*")),
    ];
    let child = p.attenuate(&cav, at(T0 + 1)).unwrap();
    let (tok, sec) = forge(
        &p,
        &[
            not_after(T0 + 600),
            enc(2, allow("s3:GetObject", "*").as_bytes()),
        ],
    );
    assert_eq!(tok, child.session_token.expose_secret());
    assert_eq!(sec, child.secret_access_key.expose_secret());
    // And chaining twice = one list, the holder's own secret as the key.
    let grand = child
        .attenuate(&[pol(&allow("s3:*", "*"))], at(T0 + 2))
        .unwrap();
    let (tok2, sec2) = forge(
        &p,
        &[
            not_after(T0 + 600),
            enc(2, allow("s3:GetObject", "*").as_bytes()),
            enc(2, allow("s3:*", "*").as_bytes()),
        ],
    );
    assert_eq!(tok2, grand.session_token.expose_secret());
    assert_eq!(sec2, grand.secret_access_key.expose_secret());
    let s = w.verify(&tok2, T0 + 5).unwrap();
    assert_eq!(s.access_key_id(), &grand.access_key_id);
}

// ================================================================ rule 1: a caveat never adds

#[test]
fn r1_policy_caveat_never_adds_a_right_in_the_authorizer() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let t = T0 + 10;
    // Parent: bucket/* allowed, protected deletes explicitly denied, elsewhere nothing.
    assert_eq!(
        w.decide(&p, "s3:GetObject", "arn:aws:s3:::bucket/a", t),
        Decision::Allow
    );
    assert_eq!(
        w.decide(&p, "s3:GetObject", "arn:aws:s3:::elsewhere/a", t),
        Decision::ImplicitDeny
    );
    assert_eq!(
        w.decide(&p, "s3:DeleteObject", "arn:aws:s3:::bucket/protected/x", t),
        Decision::ExplicitDeny
    );

    let not_forms = r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","NotAction":"s3:ListBucket","NotResource":"arn:aws:s3:::nothing"}]}"#;
    for cav in [ALLOW_ALL, not_forms] {
        let c = p.attenuate(&[pol(cav)], at(t)).unwrap();
        assert_eq!(
            w.decide(&c, "s3:GetObject", "arn:aws:s3:::elsewhere/a", t),
            Decision::ImplicitDeny,
            "{cav}"
        );
        assert_eq!(
            w.decide(&c, "iam:CreateUser", "*", t),
            Decision::ImplicitDeny,
            "{cav}"
        );
        assert_eq!(
            w.decide(&c, "s3:DeleteObject", "arn:aws:s3:::bucket/protected/x", t),
            Decision::ExplicitDeny,
            "{cav}"
        );
        assert_eq!(
            w.decide(&c, "s3:GetObject", "arn:aws:s3:::bucket/a", t),
            Decision::Allow,
            "{cav}"
        );
    }
    // Narrowing: GetObject under bucket/a/ only; a Deny caveat wins over an Allow caveat.
    let c = p
        .attenuate(
            &[
                pol(&allow("s3:GetObject", "arn:aws:s3:::bucket/a/*")),
                pol(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                       {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/a/secret*"}]}"#),
            ],
            at(t),
        )
        .unwrap();
    assert_eq!(
        w.decide(&c, "s3:GetObject", "arn:aws:s3:::bucket/a/x", t),
        Decision::Allow
    );
    assert_eq!(
        w.decide(&c, "s3:PutObject", "arn:aws:s3:::bucket/a/x", t),
        Decision::ImplicitDeny
    );
    assert_eq!(
        w.decide(&c, "s3:GetObject", "arn:aws:s3:::bucket/b/x", t),
        Decision::ImplicitDeny
    );
    assert_eq!(
        w.decide(&c, "s3:GetObject", "arn:aws:s3:::bucket/a/secret1", t),
        Decision::ExplicitDeny
    );
    // A Deny-only caveat allows nothing (intersection, not subtraction).
    let d = p
        .attenuate(
            &[pol(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#)],
            at(t),
        )
        .unwrap();
    assert_ne!(
        w.decide(&d, "s3:GetObject", "arn:aws:s3:::bucket/a/x", t),
        Decision::Allow
    );
    // Attenuating the child again never widens it back.
    let e = c.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap();
    assert_eq!(
        w.decide(&e, "s3:PutObject", "arn:aws:s3:::bucket/a/x", t),
        Decision::ImplicitDeny
    );
    // require() agrees with authorize().
    let s = w.verify(e.session_token.expose_secret(), t).unwrap();
    let err = Authorizer::new(w.dir.clone())
        .require(
            &s,
            &AuthorizationRequest::new("s3:PutObject", "arn:aws:s3:::bucket/a/x"),
            at(t),
        )
        .unwrap_err();
    assert_eq!(err.code_str(), "AccessDenied");
}

#[test]
fn r1_source_identity_caveat_must_not_unlock_parent_conditions() {
    // The parent has no source identity. Its role's policies (a) allow vault/* only with
    // aws:SourceIdentity = admin, (b) allow home/${aws:SourceIdentity}/*, (c) explicitly deny
    // kms:Decrypt when no source identity is present (AWS's recommended "require a source
    // identity" rule). A child that asserts a source identity must not gain any of these.
    //
    // This attack broke the first draft (a `Caveat::SourceIdentity` kind 3, whose value the
    // parent's own policies then read). The caveat kind is gone from the API; a hand-forged,
    // correctly chained kind-3 caveat must be refused by every reader.
    let w = world();
    let p = w.role_session("src", "sess", None);
    let t = T0 + 10;
    assert_eq!(
        w.decide(&p, "s3:GetObject", "arn:aws:s3:::vault/x", t),
        Decision::ImplicitDeny
    );
    assert_ne!(
        w.decide(&p, "s3:GetObject", "arn:aws:s3:::home/admin/x", t),
        Decision::Allow
    );
    assert_eq!(w.decide(&p, "kms:Decrypt", "*", t), Decision::ExplicitDeny);

    let (token, secret) = forge(&p, &[enc(3, b"admin")]);
    assert!(
        matches!(w.verify(&token, t), Err(VerifyError::Malformed(_))),
        "a source-identity assertion verified"
    );
    let secret = SecretAccessKey::new(&secret).unwrap();
    let id = tempcred::AccessKeyId::new(&format!(
        "ASIA{}",
        data_encoding::BASE32_NOPAD.encode(&b64d(&token)[b64d(&token).len() - 32..][..10])
    ))
    .unwrap();
    assert!(sigv4(&w, id.as_str(), &secret, &token, t).is_err());
    assert!(Credentials::from_parts(id, secret, SessionToken::new(token).unwrap()).is_err());
}

#[test]
fn r1_parent_kinds_get_session_token_federation_root_and_cross_account() {
    let w = world();
    let t = T0 + 10;
    let alice = w.alice();
    let gst = w
        .iss
        .get_session_token_at(
            &alice,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let fed = w
        .iss
        .get_federation_token_at(
            &alice,
            &GetFederationTokenRequest::builder("bob")
                .policy(ALLOW_ALL)
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let root = w
        .iss
        .long_term_caller(&ROOT_KEY.parse().unwrap())
        .expect("root caller");
    let rootsess = w
        .iss
        .get_session_token_at(
            &root,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    for (name, p) in [("gst", &gst), ("fed", &fed), ("root", &rootsess)] {
        assert_eq!(
            w.decide(p, "s3:PutObject", "arn:aws:s3:::bucket/a/x", t),
            Decision::Allow,
            "{name}"
        );
        let c = p
            .attenuate(
                &[pol(&allow("s3:GetObject", "arn:aws:s3:::bucket/a/*"))],
                at(t),
            )
            .unwrap();
        assert_eq!(
            w.decide(&c, "s3:GetObject", "arn:aws:s3:::bucket/a/x", t),
            Decision::Allow,
            "{name}"
        );
        assert_ne!(
            w.decide(&c, "s3:PutObject", "arn:aws:s3:::bucket/a/x", t),
            Decision::Allow,
            "{name}"
        );
        assert_ne!(
            w.decide(&c, "iam:DeleteUser", "*", t),
            Decision::Allow,
            "{name}"
        );
        // Cross-account: the resource in another account is never allowed to a child with Allow *.
        let all = p.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap();
        let s = w.verify(all.session_token.expose_secret(), t).unwrap();
        let mut req = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::foreign/x");
        req.resource_account = Some("999999999999".parse().unwrap());
        let parent_s = w.verify(p.session_token.expose_secret(), t).unwrap();
        let pd = Authorizer::new(w.dir.clone())
            .authorize(&parent_s, &req, at(t))
            .unwrap();
        let cd = Authorizer::new(w.dir.clone())
            .authorize(&s, &req, at(t))
            .unwrap();
        assert!(
            !(pd != Decision::Allow && cd == Decision::Allow),
            "{name}: cross-account widened"
        );
        // A caller built with Caller::from_sigv4 from a signed request carries the caveats too.
        let sess = sigv4(
            &w,
            c.access_key_id.as_str(),
            &c.secret_access_key,
            c.session_token.expose_secret(),
            t,
        )
        .unwrap();
        let caller = Caller::from_session(sess);
        let r = Authorizer::new(w.dir.clone()).require_caller(
            &caller,
            &AuthorizationRequest::new("s3:PutObject", "arn:aws:s3:::bucket/a/x"),
            at(t),
        );
        assert!(r.is_err(), "{name}: require_caller ignored a caveat");
    }
}

// ================================================================ rule 2: expiry

#[test]
fn r2_never_outlives_parent_nor_not_after() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let pexp = p.expiration.as_secs();
    let t = T0 + 10;
    // The API: a later NotAfter than the current expiry is refused, the earliest one wins.
    assert_eq!(
        p.attenuate(&[Caveat::NotAfter(at(pexp + 1))], at(t))
            .unwrap_err(),
        AttenuateError::NotAfterBeyondExpiry
    );
    assert_eq!(
        p.attenuate(&[Caveat::NotAfter(at(t))], at(t)).unwrap_err(),
        AttenuateError::NotAfterNotInFuture
    );
    let c = p
        .attenuate(&[Caveat::NotAfter(at(T0 + 600))], at(t))
        .unwrap();
    assert_eq!(c.expiration, at(T0 + 600));
    let r = c.attenuate(&[Caveat::NotAfter(at(T0 + 900))], at(t));
    assert!(
        r.is_err(),
        "a later NotAfter on a child must be refused: {r:?}"
    );
    let s = w.verify(c.session_token.expose_secret(), t).unwrap();
    assert_eq!(s.claims().expires_at, at(T0 + 600));
    // Every verifier, leeway 0: refused at the NotAfter; default leeway: refused after it.
    let v0 = Verifier::new(&w.ring).with_clock_skew_leeway(0).unwrap();
    assert!(v0
        .verify(c.session_token.expose_secret(), at(T0 + 599))
        .is_ok());
    assert_eq!(
        v0.verify(c.session_token.expose_secret(), at(T0 + 600))
            .unwrap_err(),
        VerifyError::Expired
    );
    let leeway = Verifier::new(&w.ring).clock_skew_leeway();
    assert!(w
        .verify(c.session_token.expose_secret(), T0 + 600 + leeway)
        .is_err());
    // Documented behaviour, not a hole: a NotAfter gets the verifier's clock-skew leeway like
    // any expiry (default 300 s), so a "60-second" child works for up to 360 s.
    assert!(w
        .verify(c.session_token.expose_secret(), T0 + 600 + leeway - 1)
        .is_ok());
    // SigV4 and the Authorizer (a kept session) re-check it.
    assert!(sigv4(
        &w,
        c.access_key_id.as_str(),
        &c.secret_access_key,
        c.session_token.expose_secret(),
        T0 + 600 + leeway
    )
    .is_err());
    let err = Authorizer::new(w.dir.clone())
        .authorize(
            &s,
            &AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::bucket/a"),
            at(T0 + 600 + leeway),
        )
        .unwrap_err();
    assert_eq!(err.code_str(), "ExpiredToken");
    // The issuer (GetCallerIdentity) too.
    assert!(w
        .iss
        .get_caller_identity_at(&Caller::from_session(s.clone()), &env(T0 + 600 + leeway))
        .is_err());

    // Forged by hand (the holder has its secret): a NotAfter beyond the parent's expiry, a
    // NotAfter before issued_at, and NotAfters out of order. The minimum always wins.
    let (tok, _) = forge(&p, &[not_after(pexp + 100_000)]);
    let s = w.verify(&tok, t).unwrap();
    assert_eq!(
        s.claims().expires_at,
        at(pexp),
        "a forged later NotAfter extended the lifetime"
    );
    assert!(w.verify(&tok, pexp + leeway).is_err());
    let (tok, _) = forge(
        &p,
        &[
            not_after(T0 + 900),
            not_after(T0 + 300),
            not_after(T0 + 2000),
        ],
    );
    assert_eq!(w.verify(&tok, t).unwrap().claims().expires_at, at(T0 + 300));
    let (tok, _) = forge(&p, &[not_after(T0 - 1000)]);
    for when in [T0 - 2000, T0 - 1000, T0 - 500, T0, T0 + 10, pexp] {
        assert!(
            w.verify(&tok, when).is_err(),
            "NotAfter before issued_at verified at {when}"
        );
    }
    let (tok, _) = forge(&p, &[not_after(0)]);
    assert!(w.verify(&tok, t).is_err());
    let (tok, _) = forge(&p, &[not_after(u64::MAX)]);
    assert!(matches!(w.verify(&tok, t), Err(VerifyError::Malformed(_))));
    // Attenuating an expired parent is refused; a child of it never verifies anyway.
    assert_eq!(
        p.attenuate(&[pol(ALLOW_ALL)], at(pexp)).unwrap_err(),
        AttenuateError::Expired
    );
    let (tok, _) = forge(&p, &[enc(2, ALLOW_ALL.as_bytes())]);
    assert!(w.verify(&tok, pexp + leeway).is_err());
}

// ================================================================ rule 3: drop, reorder, graft, halves

#[test]
fn r3_caveats_cannot_be_dropped_reordered_modified_or_grafted() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let q = w.role_session("src", "s2", None);
    let other = w.role_session("other", "sess", None);
    let t = T0 + 10;
    let a = pol(&allow("s3:GetObject", "arn:aws:s3:::bucket/a/*"));
    let b = Caveat::NotAfter(at(T0 + 600));
    let c1 = p.attenuate(std::slice::from_ref(&a), at(t)).unwrap();
    let c2 = c1.attenuate(std::slice::from_ref(&b), at(t)).unwrap();
    let c3 = c2
        .attenuate(&[Caveat::NotAfter(at(T0 + 500))], at(t))
        .unwrap();
    assert!(w.verify(c3.session_token.expose_secret(), t).is_ok());
    let (parent, cs, tag) = parse_v2(c3.session_token.expose_secret());
    assert_eq!(cs.len(), 3);
    let (_, _, tag2) = parse_v2(c2.session_token.expose_secret());
    let mut tries: Vec<(&str, String)> = vec![
        (
            "drop middle",
            build_v2(&parent, &[cs[0].clone(), cs[2].clone()], &tag),
        ),
        ("drop last", build_v2(&parent, &cs[..2], &tag)),
        ("drop first", build_v2(&parent, &cs[1..], &tag)),
        (
            "drop all but first, c3 tag",
            build_v2(&parent, &cs[..1], &tag),
        ),
        (
            "reorder",
            build_v2(
                &parent,
                &[cs[1].clone(), cs[0].clone(), cs[2].clone()],
                &tag,
            ),
        ),
        (
            "reorder 2",
            build_v2(
                &parent,
                &[cs[0].clone(), cs[2].clone(), cs[1].clone()],
                &tag,
            ),
        ),
        (
            "duplicate",
            build_v2(
                &parent,
                &[cs[0].clone(), cs[0].clone(), cs[1].clone(), cs[2].clone()],
                &tag,
            ),
        ),
        (
            "graft onto sibling",
            build_v2(&b64d(q.session_token.expose_secret()), &cs, &tag),
        ),
        (
            "graft onto other role",
            build_v2(&b64d(other.session_token.expose_secret()), &cs, &tag),
        ),
        ("c2 tag with c3 caveats", build_v2(&parent, &cs, &tag2)),
    ];
    // Modified caveat: a wider policy and a later NotAfter with the same tag.
    let mut wider = cs.clone();
    wider[0] = enc(2, allow("s3:*", "*").as_bytes());
    tries.push(("modified policy", build_v2(&parent, &wider, &tag)));
    let mut later = cs.clone();
    later[1] = not_after(T0 + 3000);
    tries.push(("modified NotAfter", build_v2(&parent, &later, &tag)));
    for (name, tok) in &tries {
        let r = w.verify(tok, t);
        assert!(
            r.is_err(),
            "{name}: accepted: {:?}",
            r.map(|s| s.attenuation().map(|a| a.caveats().to_vec()))
        );
    }
    // The holder of c3 forging with c3's secret builds only longer chains (append), never
    // shorter ones: chaining c3's secret over a subset gives a tag the verifier refuses.
    let (tok, _) = forge_raw(
        &parent,
        c3.secret_access_key.expose_secret(),
        &cs[..1],
        None,
    );
    assert!(w.verify(&tok, t).is_err());
    // Grafting with the API: attenuate credentials made of one parent's token and another's secret.
    let franken = Credentials::from_parts(
        q.access_key_id,
        p.secret_access_key.clone(),
        q.session_token.clone(),
    )
    .unwrap();
    let g = franken.attenuate(std::slice::from_ref(&a), at(t)).unwrap();
    assert!(sigv4(
        &w,
        g.access_key_id.as_str(),
        &g.secret_access_key,
        g.session_token.expose_secret(),
        t
    )
    .is_err());
    // from_parts refuses the wrong key ID for a token (both directions).
    assert_eq!(
        Credentials::from_parts(
            p.access_key_id,
            c1.secret_access_key.clone(),
            c1.session_token.clone()
        )
        .unwrap_err(),
        AttenuateError::AccessKeyIdMismatch
    );
    assert_eq!(
        Credentials::from_parts(
            c1.access_key_id,
            p.secret_access_key.clone(),
            p.session_token.clone()
        )
        .unwrap_err(),
        AttenuateError::AccessKeyIdMismatch
    );
}

#[test]
fn r3_wrong_halves_of_a_triple_never_sign() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let t = T0 + 10;
    let c = p
        .attenuate(&[pol(&allow("s3:GetObject", "*"))], at(t))
        .unwrap();
    let g = c
        .attenuate(&[Caveat::NotAfter(at(T0 + 900))], at(t))
        .unwrap();
    assert_ne!(p.access_key_id, c.access_key_id);
    assert!(!p.secret_access_key.ct_eq(&c.secret_access_key));
    let ok = sigv4(
        &w,
        c.access_key_id.as_str(),
        &c.secret_access_key,
        c.session_token.expose_secret(),
        t,
    )
    .unwrap();
    assert!(ok.is_attenuated());
    assert_eq!(ok.access_key_id(), &c.access_key_id);
    assert_eq!(
        ok.attenuation().unwrap().parent_access_key_id(),
        &p.access_key_id
    );
    let (pk, ck, gk) = (
        p.access_key_id.as_str(),
        c.access_key_id.as_str(),
        g.access_key_id.as_str(),
    );
    let (ps, cs, gs) = (
        &p.secret_access_key,
        &c.secret_access_key,
        &g.secret_access_key,
    );
    let (pt, ct, gt) = (
        p.session_token.expose_secret(),
        c.session_token.expose_secret(),
        g.session_token.expose_secret(),
    );
    let combos: [(&str, &str, &SecretAccessKey, &str); 12] = [
        ("child key, parent secret, child token", ck, ps, ct),
        ("parent key, parent secret, child token", pk, ps, ct),
        ("parent key, child secret, child token", pk, cs, ct),
        ("child key, child secret, parent token", ck, cs, pt),
        ("parent key, child secret, parent token", pk, cs, pt),
        ("child key, parent secret, parent token", ck, ps, pt),
        ("grandchild key, child secret, grandchild token", gk, cs, gt),
        ("child key, child secret, grandchild token", ck, cs, gt),
        ("grandchild key, grandchild secret, child token", gk, gs, ct),
        ("child key, grandchild secret, child token", ck, gs, ct),
        (
            "parent key, grandchild secret, grandchild token",
            pk,
            gs,
            gt,
        ),
        (
            "grandchild key, parent secret, grandchild token",
            gk,
            ps,
            gt,
        ),
    ];
    for (name, k, s, tok) in combos {
        assert!(sigv4(&w, k, s, tok, t).is_err(), "{name}: verified");
    }
    // No token at all with the child's key and secret.
    let headers = [("host", "svc.local")];
    let req = SignableRequest {
        method: "GET",
        path: "/",
        query: "",
        headers: &headers,
        payload: PayloadHash::Bytes(b""),
    };
    let out = sign(
        &req,
        &SigningParams::new(ck, cs, "us-east-1", "execute-api", at(t)),
    )
    .unwrap();
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.extend(out.headers.iter().map(|(n, v)| (*n, v.as_str())));
    let req = SignableRequest {
        headers: &all,
        ..req
    };
    let v = SigV4Verifier::new(
        Verifier::new(&w.ring),
        NoLongTermKeys,
        SigV4Config::new("execute-api"),
    );
    assert!(v.verify(&req, at(t)).is_err());
    // The child's secret is not derivable by the verifier of another ring.
    let ring2 = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(8)).unwrap();
    assert!(Verifier::new(&ring2).verify(ct, at(t)).is_err());
    // The verifier derives exactly the child's secret, never the parent's, for the child.
    let vs = w.verify(ct, t).unwrap();
    let derived = Verifier::new(&w.ring).secret_access_key(&vs).unwrap();
    assert!(derived.ct_eq(cs));
    assert!(!derived.ct_eq(ps));
}

// ================================================================ rule 4: every byte, every character

#[test]
fn r4_every_altered_byte_and_character_is_refused() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let t = T0 + 10;
    let c = p
        .attenuate(
            &[
                pol(&allow("s3:GetObject", "arn:aws:s3:::bucket/a/*")),
                Caveat::NotAfter(at(T0 + 900)),
                Caveat::NotAfter(at(T0 + 800)),
            ],
            at(t),
        )
        .unwrap();
    let text = c.session_token.expose_secret().to_owned();
    let bytes = b64d(&text);
    let v = Verifier::new(&w.ring);
    let mut accepted = Vec::new();
    for i in 0..bytes.len() {
        for x in [0x01u8, 0x80, 0xff, 0x20] {
            let mut b = bytes.clone();
            b[i] ^= x;
            if v.verify(&b64e(&b), at(t)).is_ok() {
                accepted.push(format!("byte {i} ^ {x:#x}"));
            }
        }
    }
    // Every character of the text, to two other characters (non-canonical trailing bits too).
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for i in 0..text.len() {
        let orig = text.as_bytes()[i];
        let pos = alphabet.iter().position(|&a| a == orig).unwrap();
        for d in [1usize, 32] {
            let mut tb = text.as_bytes().to_vec();
            tb[i] = alphabet[(pos + d) % 64];
            let s = String::from_utf8(tb).unwrap();
            if v.verify(&s, at(t)).is_ok() {
                accepted.push(format!("char {i} +{d}"));
            }
        }
    }
    // Appended / removed text.
    for s in [
        format!("{text}A"),
        format!("{text}AA"),
        format!("{text}AAAA"),
        text[..text.len() - 1].to_owned(),
        format!("{text}="),
        format!(" {text}"),
    ] {
        if v.verify(&s, at(t)).is_ok() {
            accepted.push(format!("edited text of len {}", s.len()));
        }
    }
    assert!(accepted.is_empty(), "altered tokens verified: {accepted:?}");

    // Every character of the secret.
    let secret = c.secret_access_key.expose_secret().to_owned();
    let salpha = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut signed = Vec::new();
    for i in 0..secret.len() {
        let orig = secret.as_bytes()[i];
        let pos = salpha.iter().position(|&a| a == orig).unwrap();
        let mut sb = secret.as_bytes().to_vec();
        sb[i] = salpha[(pos + 1) % 64];
        let s = SecretAccessKey::new(std::str::from_utf8(&sb).unwrap()).unwrap();
        if sigv4(&w, c.access_key_id.as_str(), &s, &text, t).is_ok() {
            signed.push(i);
        }
    }
    assert!(
        signed.is_empty(),
        "altered secrets verified at positions {signed:?}"
    );
    assert!(sigv4(&w, c.access_key_id.as_str(), &c.secret_access_key, &text, t).is_ok());
}

// ================================================================ rule 5: source identity

#[test]
fn r5_no_caveat_sets_a_source_identity_and_the_parents_is_kept() {
    // Rule 5 as first written ("a source identity caveat only where none is set") was replaced
    // by "no caveat asserts": see r1_source_identity_caveat_must_not_unlock_parent_conditions.
    let w = world();
    let t = T0 + 10;
    let with = w.role_session("src", "sess", Some("alice-si"));
    let without = w.role_session("src", "s2", None);
    for (name, (tok, _)) in [
        ("SI over the parent's", forge(&with, &[enc(3, b"mallory")])),
        (
            "same SI as the parent's",
            forge(&with, &[enc(3, b"alice-si")]),
        ),
        ("an SI where none is set", forge(&without, &[enc(3, b"aa")])),
        (
            "an SI after a policy",
            forge(&without, &[enc(2, ALLOW_ALL.as_bytes()), enc(3, b"bb")]),
        ),
        (
            "an invalid SI",
            forge(&without, &[enc(3, b"bad identity\n")]),
        ),
        ("an empty SI", forge(&without, &[enc(3, b"")])),
        ("non-UTF-8 SI", forge(&without, &[enc(3, &[0xff, 0xfe])])),
    ] {
        let r = w.verify(&tok, t);
        assert!(
            r.is_err(),
            "{name}: accepted with SI {:?}",
            r.map(|s| s.claims().source_identity)
        );
    }
    // A policy caveat leaves the parent's source identity as it was.
    let c = with.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap();
    let s = w.verify(c.session_token.expose_secret(), t).unwrap();
    assert_eq!(
        s.claims().source_identity.map(|x| x.as_str().to_owned()),
        Some("alice-si".into())
    );
    let c = without.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap();
    let s = w.verify(c.session_token.expose_secret(), t).unwrap();
    assert_eq!(s.claims().source_identity, None);
}

// ================================================================ rule 6: the STS

fn sts_op(
    w: &World,
    caller: &Caller,
    query: &str,
    t: u64,
) -> Result<tempcred::StsResponse, tempcred::StsError> {
    let req = tempcred::wire::parse_query(query.as_bytes()).unwrap();
    w.iss.handle(Some(caller), &req, &env(t))
}

#[test]
fn r6_attenuated_may_only_get_caller_identity() {
    let w = world();
    let t = T0 + 10;
    let alice = w.alice();
    let role = w.role_session("src", "sess", None);
    let gst = w
        .iss
        .get_session_token_at(
            &alice,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let fed = w
        .iss
        .get_federation_token_at(
            &alice,
            &GetFederationTokenRequest::builder("bob")
                .policy(ALLOW_ALL)
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    // An authorization message to decode (refusal for the role session, sealed with our ring).
    #[cfg(feature = "authorization-messages")]
    let message = {
        let a = Authorizer::new(w.dir.clone()).with_authorization_messages(
            tempcred::authorization_message::AuthorizationMessages::new(w.ring.clone()),
        );
        let s = w.verify(role.session_token.expose_secret(), t).unwrap();
        a.require(&s, &AuthorizationRequest::new("iam:DeleteRole", "*"), at(t))
            .unwrap_err()
            .encoded_authorization_message()
            .unwrap()
            .to_owned()
    };
    #[cfg(not(feature = "authorization-messages"))]
    let message = String::from("x");
    let ops: Vec<(&str, String)> = vec![
        ("AssumeRole", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fother&RoleSessionName=xx".into()),
        ("AssumeRole self", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fsrc&RoleSessionName=yy".into()),
        ("GetSessionToken", "Action=GetSessionToken&Version=2011-06-15".into()),
        ("GetFederationToken", "Action=GetFederationToken&Version=2011-06-15&Name=eve&Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D".into()),
        ("GetWebIdentityToken", "Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=https%3A%2F%2Fexample.com&SigningAlgorithm=RS256".into()),
        ("DecodeAuthorizationMessage", format!("Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage={}", urlenc(&message))),
        ("GetAccessKeyInfo", format!("Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId={}", role.access_key_id.as_str())),
        ("GetAccessKeyInfo long-term", format!("Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId={ALICE_KEY}")),
    ];
    for (pname, parent) in [("role", &role), ("gst", &gst), ("fed", &fed)] {
        let expect_arn = w
            .iss
            .get_caller_identity_at(
                &Caller::from_session(w.verify(parent.session_token.expose_secret(), t).unwrap()),
                &env(t),
            )
            .unwrap();
        for cav in [
            vec![pol(ALLOW_ALL)],
            vec![Caveat::NotAfter(at(T0 + 900))],
            vec![Caveat::NotAfter(at(T0 + 800)), pol(ALLOW_ALL)],
        ] {
            let child = parent.attenuate(&cav, at(t)).unwrap();
            // Through SigV4, as the endpoint does.
            let sess = sigv4(
                &w,
                child.access_key_id.as_str(),
                &child.secret_access_key,
                child.session_token.expose_secret(),
                t,
            )
            .unwrap();
            let caller = Caller::from_session(sess);
            let gci = w.iss.get_caller_identity_at(&caller, &env(t)).unwrap();
            assert_eq!(gci.arn, expect_arn.arn, "{pname}");
            assert_eq!(gci.account, expect_arn.account);
            assert_eq!(gci.user_id, expect_arn.user_id);
            for (op, q) in &ops {
                let r = sts_op(&w, &caller, q, t);
                match r {
                    Ok(_) => panic!("{pname} child {cav:?}: {op} was ALLOWED"),
                    Err(e) => {
                        assert_eq!(e.code_str(), "AccessDenied", "{pname} child: {op}: {e:?}")
                    }
                }
            }
        }
    }
    // The typed API too (not only the Query API).
    let child = role.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap();
    let caller = Caller::from_session(w.verify(child.session_token.expose_secret(), t).unwrap());
    let e = w
        .iss
        .assume_role_at(
            &caller,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/other", "xx")
                .build()
                .unwrap(),
            &env(t),
        )
        .unwrap_err();
    assert_eq!(e.code_str(), "AccessDenied");
    let e = w
        .iss
        .get_session_token_at(
            &caller,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(t),
        )
        .unwrap_err();
    assert_eq!(e.code_str(), "AccessDenied");
    // Audit: calls with the child carry caller_caveats.
    let ev = w.audit.events();
    let last = ev.last().unwrap();
    assert_eq!(last.caller_caveats, Some(1));
}

fn urlenc(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

#[test]
fn r6_over_http_endpoint() {
    let w = world();
    let t = T0 + 10;
    let role = w.role_session("src", "sess", None);
    let child = role.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap();
    let ep = tempcred::endpoint::StsEndpoint::new(w.iss);
    let call = |body: &str| {
        let headers = [
            ("host", "sts.local"),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        let req = SignableRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            payload: PayloadHash::Bytes(body.as_bytes()),
        };
        let p = SigningParams::new(
            child.access_key_id.as_str(),
            &child.secret_access_key,
            "us-east-1",
            "sts",
            at(t),
        )
        .with_session_token(child.session_token.expose_secret());
        let out = sign(&req, &p).unwrap();
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        all.extend(out.headers.iter().map(|(n, v)| (*n, v.as_str())));
        let http = tempcred::endpoint::HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &all,
            body: body.as_bytes(),
            source_ip: None,
        };
        let r = ep.handle(&http, at(t));
        (r.status, r.body.to_string())
    };
    let (st, body) = call("Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("assumed-role/src/sess"), "{body}");
    for q in [
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fother&RoleSessionName=xx",
        "Action=GetSessionToken&Version=2011-06-15",
        "Action=GetFederationToken&Version=2011-06-15&Name=eve",
    ] {
        let (st, body) = call(q);
        assert_eq!(st, 403, "{q}: {body}");
        assert!(body.contains("AccessDenied"), "{body}");
        assert!(!body.contains("SecretAccessKey"), "{body}");
    }
}

// ================================================================ rule 7: decoding

#[test]
fn r7_strict_decoding_typed_errors_never_panic() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let t = T0 + 10;
    let pv1 = b64d(p.session_token.expose_secret());
    let ps = p.secret_access_key.expose_secret().to_owned();
    let v = Verifier::new(&w.ring);
    let malformed = |tok: &str, what: &str| match v.verify(tok, at(t)) {
        Err(VerifyError::Malformed(_)) => {}
        other => panic!(
            "{what}: expected Malformed, got {:?}",
            other.map(|s| s.attenuation().map(|a| a.caveat_count()))
        ),
    };
    let na = not_after(T0 + 900);
    // Validly chained but refused after the chain (the holder can compute these).
    let nine: Vec<Vec<u8>> = (0..9).map(|i| not_after(T0 + 900 - i)).collect();
    malformed(&forge_raw(&pv1, &ps, &nine, None).0, "9 caveats");
    let eight: Vec<Vec<u8>> = (0..8).map(|i| not_after(T0 + 900 - i)).collect();
    assert!(
        v.verify(&forge_raw(&pv1, &ps, &eight, None).0, at(t))
            .is_ok(),
        "8 caveats is the maximum"
    );
    assert_eq!(tempcred::limits::MAX_CAVEATS, 8);
    malformed(&forge_raw(&pv1, &ps, &[], None).0, "0 caveats");
    malformed(&forge_raw(&pv1, &ps, &[enc(4, b"x")], None).0, "kind 4");
    malformed(&forge_raw(&pv1, &ps, &[enc(0, b"x")], None).0, "kind 0");
    malformed(
        &forge_raw(&pv1, &ps, &[enc(1, &[0; 7])], None).0,
        "NotAfter of 7 bytes",
    );
    malformed(
        &forge_raw(&pv1, &ps, &[enc(1, &[0; 9])], None).0,
        "NotAfter of 9 bytes",
    );
    malformed(
        &forge_raw(&pv1, &ps, &[enc(2, b"")], None).0,
        "empty policy",
    );
    malformed(&forge_raw(&pv1, &ps, &[enc(2, b"{")], None).0, "bad policy");
    malformed(
        &forge_raw(&pv1, &ps, &[enc(2, &[0xff])], None).0,
        "non-UTF-8 policy",
    );
    malformed(&forge_raw(&pv1, &ps, &[enc(2, br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#)], None).0, "policy with Principal");
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"*","Resource":"*"}}]}}"#,
        "a".repeat(2100)
    );
    malformed(
        &forge_raw(&pv1, &ps, &[enc(2, big.as_bytes())], None).0,
        "policy over 2048 chars",
    );
    assert!(matches!(
        p.attenuate(&[pol(&big)], at(t)).unwrap_err(),
        AttenuateError::Policy(_)
    ));
    // Count byte not matching the list.
    malformed(
        &forge_raw(&pv1, &ps, std::slice::from_ref(&na), Some(2)).0,
        "count 2 for 1",
    );
    malformed(
        &forge_raw(&pv1, &ps, &[na.clone(), na.clone()], Some(1)).0,
        "count 1 for 2",
    );
    // Nested: a version-2 parent (the holder's own child), chained from the child's secret.
    let c = p
        .attenuate(&[Caveat::NotAfter(at(T0 + 900))], at(t))
        .unwrap();
    let cv2 = b64d(c.session_token.expose_secret());
    let (nested, _) = forge_raw(
        &cv2,
        c.secret_access_key.expose_secret(),
        std::slice::from_ref(&na),
        None,
    );
    malformed(&nested, "nested v2 parent");
    assert!(matches!(
        v.verify(&nested, at(t)),
        Err(VerifyError::Malformed(MalformedToken::InvalidField(_)))
    ));
    // Trailing / truncated / wrong version / parent_len off by one.
    let good = b64d(&forge_raw(&pv1, &ps, std::slice::from_ref(&na), None).0);
    assert!(v.verify(&b64e(&good), at(t)).is_ok());
    let mut tr = good.clone();
    tr.push(0);
    malformed(&b64e(&tr), "trailing byte");
    for n in 0..good.len() {
        // Every truncation: an error, never a panic.
        assert!(v.verify(&b64e(&good[..n]), at(t)).is_err(), "prefix {n}");
    }
    for d in [-1i32, 1] {
        let mut b = good.clone();
        let l = i32::from(u16::from_be_bytes([b[1], b[2]])) + d;
        b[1..3].copy_from_slice(&u16::try_from(l).unwrap().to_be_bytes());
        assert!(v.verify(&b64e(&b), at(t)).is_err());
    }
    let mut b = good.clone();
    b[1..3].copy_from_slice(&u16::MAX.to_be_bytes());
    malformed(&b64e(&b), "parent_len 65535");
    // Over 4096 bytes of text, and unreadable text.
    malformed(&"A".repeat(4097), "4097 chars");
    malformed(&"A".repeat(100_000), "100k chars");
    malformed("Ag", "2 alone");
    malformed("", "empty");
    malformed("!!!!", "not base64");
    // Every single-byte header after the version, and random structures: errors, no panic.
    let mut seed = 0x1234_5678_9abc_def0u64;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let mut b = good.clone();
        let k = (rnd() % 4) as usize + 1;
        for _ in 0..k {
            let i = (rnd() as usize) % b.len();
            b[i] = rnd() as u8;
        }
        if rnd() % 3 == 0 {
            let n = (rnd() as usize) % b.len();
            b.truncate(n);
        }
        let _ = v.verify(&b64e(&b), at(t));
        // The holder's side too: from_parts and attenuate never panic on garbage.
        if let Ok(st) = SessionToken::new(b64e(&b)) {
            let _ = Credentials::from_parts(c.access_key_id, c.secret_access_key.clone(), st);
        }
    }
    // The holder's API on malformed tokens: typed errors.
    for bad in [
        b64e(&tr),
        nested.clone(),
        b64e(&good[..good.len() - 1]),
        "AAAA".into(),
    ] {
        let r = Credentials::from_parts(
            c.access_key_id,
            c.secret_access_key.clone(),
            SessionToken::new(bad).unwrap(),
        );
        assert!(r.is_err());
    }
    // attenuate: over 8, and over 4096 bytes.
    let mut cs: Vec<Caveat> = (0..8).map(|i| Caveat::NotAfter(at(T0 + 900 - i))).collect();
    let full = p.attenuate(&cs, at(t)).unwrap();
    assert_eq!(
        full.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap_err(),
        AttenuateError::TooManyCaveats
    );
    cs.push(pol(ALLOW_ALL));
    assert_eq!(
        p.attenuate(&cs, at(t)).unwrap_err(),
        AttenuateError::TooManyCaveats
    );
    assert_eq!(
        p.attenuate(&[], at(t)).unwrap_err(),
        AttenuateError::NoCaveats
    );
    let near = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"*","Resource":"*"}}]}}"#,
        "a".repeat(1900)
    );
    let r = p.attenuate(&[pol(&near), pol(&near)], at(t));
    assert!(matches!(r, Err(AttenuateError::TooLarge { .. })), "{r:?}");
    // Forged: two big policies (each legal) making a token over 4096 chars: refused as TooLong.
    let (tok, _) = forge_raw(
        &pv1,
        &ps,
        &[enc(2, near.as_bytes()), enc(2, near.as_bytes())],
        None,
    );
    assert!(tok.len() > 4096);
    malformed(&tok, "over 4096 by forging");
}

// ================================================================ rule 8: revocation

#[test]
fn r8_revoking_the_parents_role_revokes_children() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let t = T0 + 10;
    let c = p
        .attenuate(&[pol(ALLOW_ALL), Caveat::NotAfter(at(T0 + 1200))], at(t))
        .unwrap();
    let g = c
        .attenuate(&[Caveat::NotAfter(at(T0 + 1000))], at(t))
        .unwrap();
    let mut rv = RevokedSessions::default();
    rv.revoke_role_sessions(
        "111111111111".parse().unwrap(),
        tempcred::principal::RoleName::new("SRC").unwrap(),
        at(T0 + 1),
    );
    let v = Verifier::new(&w.ring).with_revoked_sessions(rv.clone());
    for (n, x) in [("child", &c), ("grandchild", &g)] {
        assert_eq!(
            v.verify(x.session_token.expose_secret(), at(t))
                .unwrap_err(),
            VerifyError::Revoked,
            "{n}"
        );
        // Attenuating a revoked parent offline works, but the result is refused.
        let more = x
            .attenuate(&[Caveat::NotAfter(at(T0 + 800))], at(t))
            .unwrap();
        assert_eq!(
            v.verify(more.session_token.expose_secret(), at(t))
                .unwrap_err(),
            VerifyError::Revoked
        );
        // A session verified before the cut-off is refused by a revoking Authorizer and Issuer.
        let s = w.verify(x.session_token.expose_secret(), t).unwrap();
        assert!(Authorizer::new(w.dir.clone())
            .with_revoked_sessions(rv.clone())
            .authorize(
                &s,
                &AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::bucket/a"),
                at(t)
            )
            .is_err());
        let iss = Issuer::builder(w.dir.clone(), w.ring.clone())
            .revoked_sessions(rv.clone())
            .build();
        assert!(iss
            .get_caller_identity_at(&Caller::from_session(s), &env(t))
            .is_err());
    }
    // The sibling role is untouched.
    let o = w
        .role_session("other", "sess", None)
        .attenuate(&[pol(ALLOW_ALL)], at(t))
        .unwrap();
    assert!(v.verify(o.session_token.expose_secret(), at(t)).is_ok());
}

// ================================================================ rule 9: secrets never shown

#[test]
fn r9_secrets_never_in_debug_errors_or_audit() {
    let w = world();
    let p = w.role_session("src", "sess", None);
    let t = T0 + 10;
    let c = p
        .attenuate(&[pol(ALLOW_ALL), Caveat::NotAfter(at(T0 + 800))], at(t))
        .unwrap();
    let secrets: Vec<String> = vec![
        p.secret_access_key.expose_secret().into(),
        c.secret_access_key.expose_secret().into(),
        p.session_token.expose_secret().into(),
        c.session_token.expose_secret().into(),
        // The v1 parent inside the child is a bearer token too: its base64 (and any 24-char window).
        p.session_token.expose_secret()[..40].into(),
        c.session_token.expose_secret()[8..48].into(),
    ];
    let check = |what: &str, text: &str| {
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{what} leaks a secret: {text}");
        }
    };
    check("Credentials Debug", &format!("{c:?}"));
    check("Credentials Debug (parent)", &format!("{p:?}"));
    let s = w.verify(c.session_token.expose_secret(), t).unwrap();
    check("VerifiedSession Debug", &format!("{s:?}"));
    check("Attenuation Debug", &format!("{:?}", s.attenuation()));
    // Errors of attenuate, from_parts and verify.
    let errs = [
        format!(
            "{:?} {}",
            p.attenuate(&[Caveat::NotAfter(at(0))], at(t)).unwrap_err(),
            p.attenuate(&[Caveat::NotAfter(at(0))], at(t)).unwrap_err()
        ),
        {
            let e = Credentials::from_parts(
                p.access_key_id,
                c.secret_access_key.clone(),
                c.session_token.clone(),
            )
            .unwrap_err();
            format!("{e:?} {e}")
        },
        {
            let mut tok = c.session_token.expose_secret().to_owned();
            tok.push('A');
            let e = SessionToken::new(tok.clone()).map(|st| {
                Credentials::from_parts(c.access_key_id, c.secret_access_key.clone(), st)
            });
            format!("{e:?}")
        },
        format!(
            "{:?}",
            w.verify(c.session_token.expose_secret(), T0 + 100_000)
                .unwrap_err()
        ),
        format!(
            "{:?}",
            sigv4(
                &w,
                c.access_key_id.as_str(),
                &p.secret_access_key,
                c.session_token.expose_secret(),
                t
            )
            .unwrap_err()
        ),
    ];
    for e in &errs {
        check("error", e);
    }
    // Audit of a GetCallerIdentity and a refused AssumeRole by the child.
    let caller = Caller::from_session(s);
    w.iss.get_caller_identity_at(&caller, &env(t)).unwrap();
    let _ = w.iss.assume_role_at(
        &caller,
        &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/other", "xx")
            .build()
            .unwrap(),
        &env(t),
    );
    let ev = w.audit.events();
    let mine: Vec<_> = ev.iter().filter(|e| e.caller_caveats.is_some()).collect();
    assert_eq!(mine.len(), 2, "{ev:?}");
    for e in &mine {
        assert_eq!(e.caller_caveats, Some(2));
        check("audit Debug", &format!("{e:?}"));
        check("audit JSON", &serde_json::to_string(e).unwrap());
    }
    // Parent calls carry no caller_caveats.
    let ps = w.verify(p.session_token.expose_secret(), t).unwrap();
    w.iss
        .get_caller_identity_at(&Caller::from_session(ps), &env(t))
        .unwrap();
    assert_eq!(w.audit.events().last().unwrap().caller_caveats, None);
}

// ================================================================ the tower layer

#[cfg(feature = "tower")]
mod layer {
    use super::*;
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use tempcred::tower::{RequestedAction, SigV4Layer};
    use tower_layer::Layer;
    use tower_service::Service;

    #[derive(Clone)]
    struct Ok200;
    impl Service<http::Request<tempcred::tower::SigV4Body>> for Ok200 {
        type Response = http::Response<Full<Bytes>>;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<Self::Response, Self::Error>>;
        fn poll_ready(
            &mut self,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Self::Error>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn call(&mut self, _: http::Request<tempcred::tower::SigV4Body>) -> Self::Future {
            std::future::ready(Ok(http::Response::new(Full::new(Bytes::from_static(
                b"INNER",
            )))))
        }
    }

    fn status(w: &World, c: &Credentials, action: &'static str, path: &str, t: u64) -> u16 {
        let headers = [("host", "svc.local")];
        let req = SignableRequest {
            method: "GET",
            path,
            query: "",
            headers: &headers,
            payload: PayloadHash::Bytes(b""),
        };
        let p = SigningParams::new(
            c.access_key_id.as_str(),
            &c.secret_access_key,
            "us-east-1",
            "execute-api",
            at(t),
        )
        .with_session_token(c.session_token.expose_secret());
        let out = sign(&req, &p).unwrap();
        let sv = SigV4Verifier::new(
            Verifier::new(&w.ring),
            NoLongTermKeys,
            SigV4Config::new("execute-api"),
        );
        let layer = SigV4Layer::new(sv)
            .clock(Arc::new(tempcred::ManualClock::new(at(t))))
            .authorize_with(Arc::new(Authorizer::new(w.dir.clone())), move |parts| {
                Some(RequestedAction {
                    action: action.into(),
                    resource: format!("arn:aws:s3:::{}", parts.uri.path().trim_start_matches('/')),
                })
            });
        let mut svc = layer.layer(Ok200);
        let mut b = http::Request::builder()
            .method("GET")
            .uri(path)
            .header("host", "svc.local")
            .extension(tempcred::tower::ClientAddr([192, 0, 2, 10].into()));
        for (n, v) in &out.headers {
            b = b.header(*n, v.as_str());
        }
        let req = b.body(Full::new(Bytes::new())).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            std::future::poll_fn(|cx| {
                <_ as Service<http::Request<Full<Bytes>>>>::poll_ready(&mut svc, cx)
            })
            .await
            .unwrap();
            let resp = svc.call(req).await.unwrap();
            let st = resp.status().as_u16();
            let body = resp
                .into_body()
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            if st == 200 {
                assert_eq!(&body[..], b"INNER");
            }
            st
        })
    }

    #[test]
    fn r1_tower_layer_applies_caveats() {
        let w = world();
        let t = T0 + 10;
        let p = w.role_session("src", "sess", None);
        let c = p
            .attenuate(
                &[pol(&allow("s3:GetObject", "arn:aws:s3:::bucket/a/*"))],
                at(t),
            )
            .unwrap();
        assert_eq!(status(&w, &p, "s3:GetObject", "/bucket/b/x", t), 200);
        assert_eq!(status(&w, &c, "s3:GetObject", "/bucket/a/x", t), 200);
        assert_eq!(status(&w, &c, "s3:GetObject", "/bucket/b/x", t), 403);
        assert_eq!(status(&w, &c, "s3:PutObject", "/bucket/a/x", t), 403);
        let all = p.attenuate(&[pol(ALLOW_ALL)], at(t)).unwrap();
        assert_eq!(status(&w, &all, "s3:GetObject", "/elsewhere/x", t), 403);
        // An expired child through the layer.
        let short = p
            .attenuate(&[Caveat::NotAfter(at(T0 + 60))], at(t))
            .unwrap();
        assert_ne!(
            status(&w, &short, "s3:GetObject", "/bucket/a/x", T0 + 60 + 900),
            200
        );
    }

    #[test]
    fn r1_tower_layer_refuses_a_forged_source_identity_assertion() {
        let w = world();
        let t = T0 + 10;
        let p = w.role_session("src", "sess", None);
        assert_eq!(status(&w, &p, "s3:GetObject", "/vault/x", t), 403);
        // The API has no such caveat; a forged one never reaches a decision.
        let (token, _) = forge(&p, &[enc(3, b"admin")]);
        assert!(w.verify(&token, t).is_err());
    }
}

#[allow(dead_code)]
fn _unused(_: AccessKeyId) {}

// ================================================================ more rule-1 angles

#[test]
fn r1_source_identity_assertion_must_not_escape_the_parents_own_session_policy() {
    // The parent was issued with an inline session policy that explicitly denies everything
    // while no source identity is set (an issuer-side "this session must name a person").
    let w = world();
    let t = T0 + 10;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
      {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:SourceIdentity":"true"}}}]}"#;
    let p = w
        .iss
        .assume_role_at(
            &w.alice(),
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "sess")
                .policy(policy)
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    assert_eq!(
        w.decide(&p, "s3:GetObject", "arn:aws:s3:::bucket/a", t),
        Decision::ExplicitDeny
    );
    // Every caveat the API offers keeps the Deny; a forged assertion is refused outright.
    let c = p
        .attenuate(&[pol(ALLOW_ALL), Caveat::NotAfter(at(T0 + 800))], at(t))
        .unwrap();
    assert_ne!(
        w.decide(&c, "s3:GetObject", "arn:aws:s3:::bucket/a", t),
        Decision::Allow
    );
    let (token, _) = forge(&p, &[enc(3, b"anyone")]);
    assert!(w.verify(&token, t).is_err());
}

#[test]
fn r1_federated_parent_without_session_policy_stays_empty() {
    let w = world();
    let t = T0 + 10;
    let fed = w
        .iss
        .get_federation_token_at(
            &w.alice(),
            &GetFederationTokenRequest::builder("carol").build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    assert_ne!(
        w.decide(&fed, "s3:GetObject", "arn:aws:s3:::bucket/a", t),
        Decision::Allow
    );
    for cav in [
        vec![pol(ALLOW_ALL)],
        vec![pol(ALLOW_ALL), pol(ALLOW_ALL)],
        vec![Caveat::NotAfter(at(T0 + 800))],
    ] {
        let c = fed.attenuate(&cav, at(t)).unwrap();
        assert_ne!(
            w.decide(&c, "s3:GetObject", "arn:aws:s3:::bucket/a", t),
            Decision::Allow,
            "{cav:?}"
        );
    }
}

#[test]
fn r3_the_parent_token_inside_a_child_cannot_be_used_without_the_parent_secret() {
    // The child's token carries the parent's version-1 token in clear: the child holder (or
    // anyone who sees the child token) can extract it. It must still be useless to them
    // wherever requests are signed.
    let w = world();
    let t = T0 + 10;
    let p = w.role_session("src", "sess", None);
    let c = p
        .attenuate(
            &[pol(&allow("s3:GetObject", "arn:aws:s3:::bucket/a/*"))],
            at(t),
        )
        .unwrap();
    let (parent, _, _) = parse_v2(c.session_token.expose_secret());
    let extracted = b64e(&parent);
    assert_eq!(
        extracted,
        p.session_token.expose_secret(),
        "the child token embeds the parent token"
    );
    // The extracted token verifies on its own, as the (unattenuated) parent:
    let s = w.verify(&extracted, t).unwrap();
    assert!(!s.is_attenuated());
    // …but cannot sign without S_0, whatever the child holder tries.
    for (k, sec) in [
        (p.access_key_id.as_str(), &c.secret_access_key),
        (c.access_key_id.as_str(), &c.secret_access_key),
    ] {
        assert!(sigv4(&w, k, sec, &extracted, t).is_err());
    }
}

#[test]
fn beyond_rules_untrusted_token_debug_must_not_rebuild_a_bearer_token() {
    // `VerifiedSession`'s Debug deliberately omits the MAC ("with the claims, it would rebuild
    // the bearer token"); `SessionToken`'s shows only the length. `UntrustedToken` (the public
    // diagnostics parser) derives Debug over its claims AND its MAC, so logging it leaks the
    // parent token that every child token also carries.
    let w = world();
    let p = w.role_session("src", "sess", None);
    let u = tempcred::token::UntrustedToken::parse(p.session_token.expose_secret()).unwrap();
    let dbg = format!("{u:?}");
    let mac = &b64d(p.session_token.expose_secret());
    let mac = &mac[mac.len() - 32..];
    let as_debug = format!("{mac:?}");
    let first8 = format!("{:?}", &mac[..8]);
    let first8 = first8.trim_end_matches(']');
    assert!(
        !dbg.contains(&as_debug) && !dbg.contains(first8),
        "UntrustedToken Debug prints the token's MAC: {dbg}"
    );
    // And a version-2 token is not parsed as one (no diagnostics path leaks its parent either).
    let c = p.attenuate(&[pol(ALLOW_ALL)], at(T0 + 10)).unwrap();
    assert!(tempcred::token::UntrustedToken::parse(c.session_token.expose_secret()).is_err());
}

#[test]
fn r2_presigned_url_of_a_child_dies_with_its_not_after() {
    // A 7-day presigned URL made with a 10-minute child must stop working when the child does.
    let w = world();
    let t = T0 + 10;
    let p = w.role_session("src", "sess", None);
    let c = p
        .attenuate(&[Caveat::NotAfter(at(T0 + 600))], at(t))
        .unwrap();
    let headers = [("host", "svc.local")];
    let req = SignableRequest {
        method: "GET",
        path: "/bucket/a/x",
        query: "",
        headers: &headers,
        payload: PayloadHash::Unsigned,
    };
    let params = SigningParams::new(
        c.access_key_id.as_str(),
        &c.secret_access_key,
        "us-east-1",
        "execute-api",
        at(t),
    )
    .with_session_token(c.session_token.expose_secret());
    let out = tempcred::sigv4::presign(&req, &params, 604_800).unwrap();
    let req = SignableRequest {
        query: &out.query,
        ..req
    };
    let v = SigV4Verifier::new(
        Verifier::new(&w.ring),
        NoLongTermKeys,
        SigV4Config::new("execute-api"),
    );
    let ok = v.verify(&req, at(t + 5));
    assert!(ok.is_ok(), "{:?}", ok.err());
    let leeway = Verifier::new(&w.ring).clock_skew_leeway();
    for when in [T0 + 600 + leeway, T0 + 3600 + leeway, T0 + 86_400] {
        assert!(
            v.verify(&req, at(when)).is_err(),
            "presigned child URL verified at {when}"
        );
    }
}
