//! `GetWebIdentityToken` (issue 16 part 1) and `GetAccessKeyInfo` (part 3), from the outside:
//! every rule is taken from AWS's pages, cited at each test, and the tokens are checked by a JWT
//! verifier nobody here wrote (`jsonwebtoken`, against the JWKS the issuer publishes), then
//! federated into a second, independent tempcred deployment.
//!
//! Sources:
//! - STS API reference, `GetWebIdentityToken` (parameters, limits, errors);
//! - IAM User Guide, "Understanding token claims" (`id_roles_providers_outbound_token_claims`);
//! - IAM User Guide, "Getting started with outbound identity federation" (the permission policy
//!   with `sts:IdentityTokenAudience` and `sts:DurationSeconds`);
//! - STS API reference, `GetAccessKeyInfo`.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use proptest::prelude::*;
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::outbound::{OutboundFederation, SigningAlgorithm, SigningKeyRing, SigningKeyRole};
use tempcred::{
    AccessKeyId, AssumeRoleRequest, AssumeRoleWithWebIdentityRequest, CallEnv, Caller,
    GetAccessKeyInfoRequest, GetWebIdentityTokenRequest, Issuer, JwksValidator, KeyRing,
    StsErrorCode, UnixTime, Verifier,
};

const NOW: u64 = 1_767_225_600;
const ISSUER: &str = "https://sts-a.tempcred.test";
const ALICE_KEY: &str = "AKIAALICEOUTBOUND001";
const BOB_KEY: &str = "AKIABOBOUTBOUND00001";
const CAROL_KEY: &str = "AKIACAROLOUTBOUND001";
const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const ROLE: &str = "arn:aws:iam::111111111111:role/pipeline";

/// Alice: the policy of AWS's getting-started page (audience and lifetime bounded) plus tagging.
/// Bob: may call `GetWebIdentityToken` but not tag it, nor anything else. Carol: nothing.
const DIRECTORY: &str = r#"{
  "partition": "aws",
  "users": [
    {"arn": "arn:aws:iam::111111111111:user/alice",
     "access_keys": [{"id": "AKIAALICEOUTBOUND001", "secret": "aliceOutboundSecret000000000000000000001"}],
     "tags": {"team": "data-engineering", "environment": "production"},
     "policies": [{"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*",
        "Condition": {"ForAllValues:StringEquals": {"sts:IdentityTokenAudience": ["https://api.example.com", "https://other.example.com", "tempcred-b"]},
                      "NumericLessThanEquals": {"sts:DurationSeconds": "3600"}}},
       {"Effect": "Allow", "Action": "sts:TagGetWebIdentityToken", "Resource": "*"},
       {"Effect": "Deny", "Action": "sts:GetWebIdentityToken", "Resource": "*",
        "Condition": {"StringEquals": {"sts:SigningAlgorithm": "RS256"}, "NumericGreaterThan": {"sts:DurationSeconds": "900"}}},
       {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Resource": "arn:aws:iam::111111111111:role/pipeline"},
       {"Effect": "Allow", "Action": "sts:GetAccessKeyInfo", "Resource": "*"}
     ]}]},
    {"arn": "arn:aws:iam::111111111111:user/bob",
     "access_keys": [{"id": "AKIABOBOUTBOUND00001", "secret": "bobOutboundSecret00000000000000000000001"}],
     "policies": [{"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*"}]}]},
    {"arn": "arn:aws:iam::333333333333:user/carol",
     "access_keys": [{"id": "AKIACAROLOUTBOUND001", "secret": "carolOutboundSecret000000000000000000001"}],
     "policies": []}
  ],
  "roles": [
    {"arn": "arn:aws:iam::111111111111:role/pipeline",
     "tags": {"env": "prod"},
     "trust_policy": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}]},
     "policies": [{"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Action": ["sts:GetWebIdentityToken", "sts:GetAccessKeyInfo"], "Resource": "*"}]}]}
  ]
}"#;

fn env() -> CallEnv {
    CallEnv {
        now: UnixTime::from_secs(NOW),
        source_ip: None,
    }
}

/// One ring for the whole test binary: RSA key generation is the slow part.
fn ring_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let rng = SeededRandom::new(16);
        let mut ring = SigningKeyRing::new();
        for (id, alg, role) in [
            ("rs-new", SigningAlgorithm::Rs256, SigningKeyRole::Sign),
            ("es-new", SigningAlgorithm::Es384, SigningKeyRole::Sign),
            ("rs-old", SigningAlgorithm::Rs256, SigningKeyRole::Verify),
        ] {
            ring.generate(KeyId::new(id).unwrap(), alg, role, &rng)
                .unwrap();
        }
        ring.to_text().to_string()
    })
}

fn hmac_ring(seed: u8) -> KeyRing {
    KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[seed; 32]).unwrap(),
    )
    .unwrap()
}

fn issuer_with(outbound: Option<OutboundFederation>) -> Issuer {
    let dir = Arc::new(InMemoryDirectory::from_json(DIRECTORY).unwrap());
    let mut b = Issuer::builder(dir, hmac_ring(7)).random(Arc::new(SeededRandom::new(1)));
    if let Some(o) = outbound {
        b = b.outbound_federation(o);
    }
    b.build()
}

fn federation() -> OutboundFederation {
    OutboundFederation::new(ISSUER, SigningKeyRing::from_text(ring_text()).unwrap()).unwrap()
}

fn issuer() -> Issuer {
    issuer_with(Some(federation()))
}

fn caller(issuer: &Issuer, key: &str) -> Caller {
    issuer
        .long_term_caller(&AccessKeyId::new(key).unwrap())
        .unwrap()
}

/// Alice assumes the pipeline role with `request`: the session's credentials and its caller.
fn role_session(issuer: &Issuer, request: &AssumeRoleRequest) -> (tempcred::Credentials, Caller) {
    let alice = caller(issuer, ALICE_KEY);
    let creds = issuer
        .assume_role_at(&alice, request, &env())
        .unwrap()
        .credentials;
    let session = Verifier::new(issuer.key_ring())
        .verify(
            creds.session_token.expose_secret(),
            UnixTime::from_secs(NOW),
        )
        .unwrap();
    (creds, Caller::from_session(session))
}

fn request(alg: &str, audience: &str) -> GetWebIdentityTokenRequest {
    GetWebIdentityTokenRequest::builder(alg)
        .audience(audience)
        .build()
        .unwrap()
}

/// The token's claims, as a verifier nobody here wrote reads them: `jsonwebtoken`, with the key
/// the JWKS names by the token's `kid`, the algorithm pinned, `iss`, `aud` and `exp` checked.
fn verify_independently(
    jwks: &str,
    token: &str,
    audience: &str,
    now: u64,
) -> Result<Value, String> {
    let header = decode_header(token).map_err(|e| e.to_string())?;
    let set: JwkSet = serde_json::from_str(jwks).unwrap();
    let kid = header.kid.ok_or("no kid")?;
    let jwk = set.find(&kid).ok_or("unknown kid")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let alg = match header.alg {
        Algorithm::RS256 => Algorithm::RS256,
        Algorithm::ES384 => Algorithm::ES384,
        other => return Err(format!("unexpected alg {other:?}")),
    };
    let mut v = Validation::new(alg);
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[audience]);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    // `jsonwebtoken` reads the system clock; the tokens here are minted at a fixed instant, so
    // they are checked for expiry against `now` below instead.
    v.validate_exp = false;
    let data = decode::<Value>(token, &key, &v).map_err(|e| e.to_string())?;
    let exp = data.claims["exp"].as_u64().ok_or("no exp")?;
    if exp <= now {
        return Err("expired".into());
    }
    Ok(data.claims)
}

fn mint(issuer: &Issuer, key: &str, req: &GetWebIdentityTokenRequest) -> String {
    let c = caller(issuer, key);
    issuer
        .get_web_identity_token_at(&c, req, &env())
        .unwrap()
        .web_identity_token
        .expose_secret()
        .to_owned()
}

// ---- the token -------------------------------------------------------------------------------

/// "Understanding token claims": `iss`, `sub` (the principal's ARN), `aud`, `iat`, `exp`, `jti`,
/// and under `https://sts.amazonaws.com/` the account, the principal tags and the request tags.
/// API reference: `DurationSeconds` defaults to 300.
#[test]
fn a_token_carries_the_documented_claims_and_verifies_with_the_published_keys() {
    let issuer = issuer();
    for alg in ["RS256", "ES384"] {
        let req = GetWebIdentityTokenRequest::builder(alg)
            .audience("https://api.example.com")
            .tag("job-id", "job-2024-001")
            .build()
            .unwrap();
        let c = caller(&issuer, ALICE_KEY);
        let resp = issuer.get_web_identity_token_at(&c, &req, &env()).unwrap();
        assert_eq!(resp.expiration, UnixTime::from_secs(NOW + 300));
        let jwks = issuer.outbound_federation().unwrap().jwks_json();
        let token = resp.web_identity_token.expose_secret();
        let claims = verify_independently(&jwks, token, "https://api.example.com", NOW).unwrap();
        assert_eq!(claims["iss"], ISSUER);
        assert_eq!(claims["sub"], ALICE);
        assert_eq!(
            claims["aud"], "https://api.example.com",
            "one audience: a string"
        );
        assert_eq!(claims["iat"], NOW);
        assert_eq!(claims["exp"], NOW + 300);
        assert_eq!(claims["jti"].as_str().unwrap().len(), 32);
        let aws = &claims["https://sts.amazonaws.com/"];
        assert_eq!(aws["aws_account"], "111111111111");
        assert_eq!(aws["principal_id"], ALICE);
        assert_eq!(aws["principal_tags"]["team"], "data-engineering");
        assert_eq!(aws["request_tags"]["job-id"], "job-2024-001");
        assert_eq!(
            decode_header(token).unwrap().kid.unwrap(),
            match alg {
                "RS256" => "rs-new",
                _ => "es-new",
            }
        );
    }
}

#[test]
fn several_audiences_are_an_array_and_each_token_gets_its_own_jti() {
    let issuer = issuer();
    let req = GetWebIdentityTokenRequest::builder("ES384")
        .audience("https://api.example.com")
        .audience("https://other.example.com")
        .build()
        .unwrap();
    let jwks = issuer.outbound_federation().unwrap().jwks_json();
    let a = mint(&issuer, ALICE_KEY, &req);
    let b = mint(&issuer, ALICE_KEY, &req);
    let ca = verify_independently(&jwks, &a, "https://other.example.com", NOW).unwrap();
    let cb = verify_independently(&jwks, &b, "https://api.example.com", NOW).unwrap();
    assert_eq!(
        ca["aud"],
        serde_json::json!(["https://api.example.com", "https://other.example.com"])
    );
    assert_ne!(ca["jti"], cb["jti"]);
    // A relying party for a third audience refuses it.
    assert!(verify_independently(&jwks, &a, "https://third.example.com", NOW).is_err());
}

/// "Understanding token claims": for a role session `sub` is the role's ARN; the session's
/// source identity and tags travel in the AWS claims.
#[test]
fn a_role_session_is_named_by_its_role_and_keeps_its_source_identity_and_tags() {
    let issuer = issuer();
    let (_, role_caller) = role_session(
        &issuer,
        &AssumeRoleRequest::builder(ROLE, "nightly")
            .source_identity("alice")
            .tag("project", "etl")
            .build()
            .unwrap(),
    );
    let token = issuer
        .get_web_identity_token_at(&role_caller, &request("ES384", "aud-1"), &env())
        .unwrap();
    let jwks = issuer.outbound_federation().unwrap().jwks_json();
    let claims = verify_independently(
        &jwks,
        token.web_identity_token.expose_secret(),
        "aud-1",
        NOW,
    )
    .unwrap();
    assert_eq!(claims["sub"], ROLE);
    let aws = &claims["https://sts.amazonaws.com/"];
    assert_eq!(aws["principal_id"], ROLE);
    assert_eq!(aws["source_identity"], "alice");
    assert_eq!(aws["principal_tags"]["project"], "etl");
    assert_eq!(aws["principal_tags"]["env"], "prod");
}

// ---- who may ask, for what -------------------------------------------------------------------

/// Getting-started page: the policy bounds the audience (`ForAllValues:StringEquals` on
/// `sts:IdentityTokenAudience`) and the lifetime (`NumericLessThanEquals` on
/// `sts:DurationSeconds`). An attacker with Alice's keys wants a token for another audience, or
/// one that lives longer.
#[test]
fn the_policy_condition_keys_bound_audience_lifetime_and_algorithm() {
    let issuer = issuer();
    let alice = caller(&issuer, ALICE_KEY);
    let ask = |req: GetWebIdentityTokenRequest| {
        issuer
            .get_web_identity_token_at(&alice, &req, &env())
            .map(drop)
            .map_err(|e| e.code)
    };
    let b = |alg: &str| GetWebIdentityTokenRequest::builder(alg);
    assert_eq!(
        ask(b("ES384")
            .audience("tempcred-b")
            .duration_seconds(3600)
            .build()
            .unwrap()),
        Ok(())
    );
    assert_eq!(
        ask(b("ES384")
            .audience("https://evil.example.com")
            .build()
            .unwrap()),
        Err(StsErrorCode::AccessDenied)
    );
    // One allowed audience does not carry a second one in (ForAllValues).
    assert_eq!(
        ask(b("ES384")
            .audience("tempcred-b")
            .audience("https://evil.example.com")
            .build()
            .unwrap()),
        Err(StsErrorCode::AccessDenied)
    );
    // The Deny on RS256 past 900 s, by `sts:SigningAlgorithm`: ES384 for as long is allowed.
    assert_eq!(
        ask(b("RS256")
            .audience("tempcred-b")
            .duration_seconds(900)
            .build()
            .unwrap()),
        Ok(())
    );
    assert_eq!(
        ask(b("RS256")
            .audience("tempcred-b")
            .duration_seconds(901)
            .build()
            .unwrap()),
        Err(StsErrorCode::AccessDenied)
    );
    assert_eq!(
        ask(b("ES384")
            .audience("tempcred-b")
            .duration_seconds(901)
            .build()
            .unwrap()),
        Ok(())
    );
}

/// API reference: tags need `sts:TagGetWebIdentityToken` besides `sts:GetWebIdentityToken`.
#[test]
fn tags_need_their_own_permission() {
    let issuer = issuer();
    let bob = caller(&issuer, BOB_KEY);
    let plain = request("ES384", "anything");
    assert!(issuer
        .get_web_identity_token_at(&bob, &plain, &env())
        .is_ok());
    let tagged = GetWebIdentityTokenRequest::builder("ES384")
        .audience("anything")
        .tag("role", "admin")
        .build()
        .unwrap();
    let e = issuer
        .get_web_identity_token_at(&bob, &tagged, &env())
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::AccessDenied);
    assert!(e.message.contains("sts:TagGetWebIdentityToken"), "{e}");
}

#[test]
fn a_caller_without_the_permission_is_refused() {
    let issuer = issuer();
    let carol = caller(&issuer, CAROL_KEY);
    let e = issuer
        .get_web_identity_token_at(&carol, &request("ES384", "a"), &env())
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::AccessDenied);
}

/// API reference: `OutboundWebIdentityFederationDisabledException` (403) until the feature is
/// enabled. The default Issuer has it disabled; an issuer with no key for the requested
/// algorithm answers the same.
#[test]
fn without_outbound_federation_the_operation_is_disabled() {
    let off = issuer_with(None);
    let e = off
        .get_web_identity_token_at(&caller(&off, BOB_KEY), &request("RS256", "a"), &env())
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::OutboundWebIdentityFederationDisabled);
    assert_eq!(e.http_status(), 403);

    let mut es_only = SigningKeyRing::new();
    es_only
        .generate(
            KeyId::new("es").unwrap(),
            SigningAlgorithm::Es384,
            SigningKeyRole::Sign,
            &SeededRandom::new(3),
        )
        .unwrap();
    let es = issuer_with(Some(OutboundFederation::new(ISSUER, es_only).unwrap()));
    let bob = caller(&es, BOB_KEY);
    assert!(es
        .get_web_identity_token_at(&bob, &request("ES384", "a"), &env())
        .is_ok());
    let e = es
        .get_web_identity_token_at(&bob, &request("RS256", "a"), &env())
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::OutboundWebIdentityFederationDisabled);
}

/// API reference, `SessionDurationEscalationException`: "The requested token duration would
/// extend the session beyond its original expiration time." A 15-minute session cannot buy an
/// hour-long token.
#[test]
fn a_token_never_outlives_the_session_that_asked_for_it() {
    let issuer = issuer();
    let (_, role) = role_session(
        &issuer,
        &AssumeRoleRequest::builder(ROLE, "short")
            .duration_seconds(900)
            .build()
            .unwrap(),
    );
    let at = |secs: u32| {
        let req = GetWebIdentityTokenRequest::builder("ES384")
            .audience("a")
            .duration_seconds(secs)
            .build()
            .unwrap();
        issuer
            .get_web_identity_token_at(&role, &req, &env())
            .map_err(|e| e.code)
    };
    assert!(at(900).is_ok(), "ending with the session is allowed");
    assert_eq!(
        at(901).unwrap_err(),
        StsErrorCode::SessionDurationEscalation
    );
    assert_eq!(
        at(3600).unwrap_err(),
        StsErrorCode::SessionDurationEscalation
    );
}

/// API reference, `JWTPayloadSizeExceededException`: too many request tags.
#[test]
fn an_oversized_claims_set_is_refused_with_the_modeled_error() {
    let issuer = issuer();
    let bob = caller(&issuer, BOB_KEY);
    // Ten 1000-character audiences are within every parameter limit; with them, the claims
    // exceed the payload bound.
    let mut b = GetWebIdentityTokenRequest::builder("ES384");
    for i in 0..10 {
        b = b.audience(format!("{i}{}", "a".repeat(999)));
    }
    let big = b.build().unwrap();
    let e = issuer.get_web_identity_token_at(&bob, &big, &env());
    // Alone they fit (about 10 KB)…
    assert!(e.is_ok(), "{e:?}");
    // …with fifty 128+256-character tags they do not (Bob may not tag: Alice may).
    let alice = caller(&issuer, ALICE_KEY);
    let mut b = GetWebIdentityTokenRequest::builder("ES384").audience("tempcred-b");
    for i in 0..50 {
        b = b.tag(format!("{i:02}{}", "k".repeat(126)), "v".repeat(256));
    }
    let e = issuer
        .get_web_identity_token_at(&alice, &b.build().unwrap(), &env())
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::JwtPayloadSizeExceeded);
    assert_eq!(e.http_status(), 400);
}

// ---- keys ------------------------------------------------------------------------------------

/// Rotation with overlap: a token signed by the key that is now verify-only still verifies
/// against the published JWKS; once the key is removed, it no longer does.
#[test]
fn rotation_keeps_old_tokens_verifiable_until_the_key_is_removed() {
    let mut ring = SigningKeyRing::from_text(ring_text()).unwrap();
    ring.promote(&KeyId::new("rs-old").unwrap()).unwrap();
    let old_issuer = issuer_with(Some(OutboundFederation::new(ISSUER, ring).unwrap()));
    let token = mint(&old_issuer, BOB_KEY, &request("RS256", "a"));
    assert_eq!(decode_header(&token).unwrap().kid.unwrap(), "rs-old");

    // The new issuer signs with rs-new and still publishes rs-old.
    let new_issuer = issuer();
    let jwks = new_issuer.outbound_federation().unwrap().jwks_json();
    assert!(verify_independently(&jwks, &token, "a", NOW).is_ok());
    let fresh = mint(&new_issuer, BOB_KEY, &request("RS256", "a"));
    assert_eq!(decode_header(&fresh).unwrap().kid.unwrap(), "rs-new");

    let mut trimmed = SigningKeyRing::from_text(ring_text()).unwrap();
    trimmed.remove(&KeyId::new("rs-old").unwrap()).unwrap();
    assert_eq!(
        verify_independently(&trimmed.jwks_json(), &token, "a", NOW).unwrap_err(),
        "unknown kid"
    );
}

#[test]
fn the_jwks_and_discovery_document_publish_public_keys_only() {
    let f = federation();
    let jwks: Value = serde_json::from_str(&f.jwks_json()).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    for k in keys {
        assert_eq!(k["use"], "sig");
        assert!(k["kid"].is_string() && k["alg"].is_string());
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(k.get(private).is_none(), "{private} published");
        }
        match k["kty"].as_str().unwrap() {
            "RSA" => assert_eq!(k["e"], "AQAB"),
            "EC" => {
                assert_eq!(k["crv"], "P-384");
                // 48-byte coordinates, base64url without padding.
                assert_eq!(k["x"].as_str().unwrap().len(), 64);
                assert_eq!(k["y"].as_str().unwrap().len(), 64);
            }
            other => panic!("{other}"),
        }
    }
    let d: Value = serde_json::from_str(&f.openid_configuration_json()).unwrap();
    assert_eq!(d["issuer"], ISSUER);
    assert_eq!(d["jwks_uri"], format!("{ISSUER}/.well-known/jwks.json"));
    assert_eq!(
        d["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256", "ES384"])
    );
    assert_eq!(
        f.discovery_uri(),
        format!("{ISSUER}/.well-known/openid-configuration")
    );
    let debug = format!("{:?}", SigningKeyRing::from_text(ring_text()).unwrap());
    assert!(
        debug.contains("sign:rs-new:RS256") && !debug.contains("MII"),
        "{debug}"
    );
}

#[test]
fn the_key_file_is_read_strictly() {
    let text = ring_text();
    let first_rsa = text.lines().find(|l| l.starts_with("sign:rs-new")).unwrap();
    // Two signing keys for one algorithm.
    let two = format!("{first_rsa}\n{}", first_rsa.replace("rs-new", "rs-two"));
    assert!(SigningKeyRing::from_text(&two).is_err());
    // The same ID twice.
    let dup = format!("{first_rsa}\n{}", first_rsa.replace("sign:", "verify:"));
    assert!(SigningKeyRing::from_text(&dup).is_err());
    // An RSA key labelled ES384, a truncated key, a bad role, an unknown algorithm, nothing.
    assert!(SigningKeyRing::from_text(&first_rsa.replace(":RS256:", ":ES384:")).is_err());
    assert!(SigningKeyRing::from_text(&first_rsa[..first_rsa.len() - 8]).is_err());
    assert!(SigningKeyRing::from_text(&first_rsa.replace("sign:", "active:")).is_err());
    assert!(SigningKeyRing::from_text(&first_rsa.replace(":RS256:", ":HS256:")).is_err());
    assert!(SigningKeyRing::from_text("# only a comment\n").is_err());
    // An issuer URL another tempcred (or IAM) would not take as an OIDC provider.
    for bad in [
        "http://sts.example.com",
        "https://sts.example.com:8443",
        "https://sts.example.com/",
    ] {
        assert!(
            OutboundFederation::new(bad, SigningKeyRing::from_text(text).unwrap()).is_err(),
            "{bad}"
        );
    }
}

/// A 1024-bit RSA key is below what RS256 requires (RFC 7518 §3.3: 2048 bits or larger).
#[test]
fn a_short_rsa_key_is_refused() {
    use rsa::pkcs8::EncodePrivateKey;
    use tempcred::RandomSource;
    struct Rng(SeededRandom);
    impl rsa::rand_core::RngCore for Rng {
        fn next_u32(&mut self) -> u32 {
            rsa::rand_core::impls::next_u32_via_fill(self)
        }
        fn next_u64(&mut self) -> u64 {
            rsa::rand_core::impls::next_u64_via_fill(self)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            self.0.fill_bytes(dest).unwrap();
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl rsa::rand_core::CryptoRng for Rng {}
    let mut rng = Rng(SeededRandom::new(1024));
    let weak = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
    let der = weak.to_pkcs8_der().unwrap();
    let line = format!(
        "sign:weak:RS256:{}",
        data_encoding::BASE64URL_NOPAD.encode(der.as_bytes())
    );
    assert!(matches!(
        SigningKeyRing::from_text(&line),
        Err(tempcred::outbound::SigningKeyError::InvalidKey(_))
    ));
}

// ---- federation between two deployments ------------------------------------------------------

/// One deployment's `GetWebIdentityToken` is another's `AssumeRoleWithWebIdentity`, with nothing
/// exchanged but the first's issuer URL and JWKS.
fn deployment_b(jwks: &str) -> Issuer {
    let dir = serde_json::json!({
        "partition": "aws",
        "users": [],
        "roles": [{
            "arn": "arn:aws:iam::999999999999:role/from-a",
            "trust_policy": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::999999999999:oidc-provider/sts-a.tempcred.test"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {
                    "sts-a.tempcred.test:aud": "tempcred-b",
                    "sts-a.tempcred.test:sub": ALICE}}}]},
            "policies": []
        }],
        "oidc_providers": [{
            "arn": "arn:aws:iam::999999999999:oidc-provider/sts-a.tempcred.test",
            "url": ISSUER,
            "audiences": ["tempcred-b"],
            "jwks": serde_json::from_str::<Value>(jwks).unwrap()
        }]
    });
    let dir = Arc::new(InMemoryDirectory::from_json(&dir.to_string()).unwrap());
    Issuer::builder(dir, hmac_ring(9))
        .web_identity_validator(Arc::new(JwksValidator::new()))
        .build()
}

fn assume_in_b(b: &Issuer, token: &str) -> Result<String, StsErrorCode> {
    let req = AssumeRoleWithWebIdentityRequest::builder(
        "arn:aws:iam::999999999999:role/from-a",
        "from-a",
        token,
    )
    .build()
    .map_err(|e| e.code)?;
    b.assume_role_with_web_identity_at(&req, &env())
        .map(|r| r.assumed_role_user.arn)
        .map_err(|e| e.code)
}

#[test]
fn a_second_deployment_accepts_the_token_with_the_first_ones_public_keys() {
    let a = issuer();
    let b = deployment_b(&a.outbound_federation().unwrap().jwks_json());
    for alg in ["RS256", "ES384"] {
        let token = mint(&a, ALICE_KEY, &request(alg, "tempcred-b"));
        assert_eq!(
            assume_in_b(&b, &token).unwrap(),
            "arn:aws:sts::999999999999:assumed-role/from-a/from-a"
        );
    }
    // Bob's token is for B's audience but not B's subject; Alice's for another audience fails
    // B's provider check.
    let bobs = mint(&a, BOB_KEY, &request("ES384", "tempcred-b"));
    assert_eq!(
        assume_in_b(&b, &bobs).unwrap_err(),
        StsErrorCode::AccessDenied
    );
    let elsewhere = mint(&a, ALICE_KEY, &request("ES384", "https://api.example.com"));
    assert!(assume_in_b(&b, &elsewhere).is_err());
    // A deployment that trusts other keys under the same issuer URL refuses A's tokens.
    let mut other = SigningKeyRing::new();
    other
        .generate(
            KeyId::new("es-new").unwrap(),
            SigningAlgorithm::Es384,
            SigningKeyRole::Sign,
            &SeededRandom::new(99),
        )
        .unwrap();
    let impostor_b = deployment_b(&other.jwks_json());
    let token = mint(&a, ALICE_KEY, &request("ES384", "tempcred-b"));
    assert_eq!(
        assume_in_b(&impostor_b, &token).unwrap_err(),
        StsErrorCode::InvalidIdentityToken
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every altered byte of a token is refused by the independent verifier and by deployment B.
    #[test]
    fn every_altered_byte_is_refused(es in any::<bool>(), pos in any::<prop::sample::Index>(), bit in 0u8..7) {
        static A: OnceLock<(Issuer, String, String, String)> = OnceLock::new();
        let (a, jwks, rs, esx) = A.get_or_init(|| {
            let a = issuer();
            let jwks = a.outbound_federation().unwrap().jwks_json();
            let rs = mint(&a, ALICE_KEY, &request("RS256", "tempcred-b"));
            let esx = mint(&a, ALICE_KEY, &request("ES384", "tempcred-b"));
            (a, jwks, rs, esx)
        });
        let _ = a;
        let token = if es { esx } else { rs };
        let mut bytes = token.clone().into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= 1 << bit;
        prop_assume!(bytes.iter().all(u8::is_ascii));
        let altered = String::from_utf8(bytes).unwrap();
        prop_assume!(altered != *token);
        prop_assert!(verify_independently(jwks, &altered, "tempcred-b", NOW).is_err());
        let b = deployment_b(jwks);
        prop_assert!(assume_in_b(&b, &altered).is_err());
    }
}

// ---- GetAccessKeyInfo ------------------------------------------------------------------------

/// API reference, `GetAccessKeyInfo`: the account an access key ID belongs to. tempcred answers
/// for the directory's long-term keys and for the caller's own temporary key.
#[test]
fn get_access_key_info_answers_what_a_stateless_issuer_can_know() {
    let issuer = issuer();
    let alice = caller(&issuer, ALICE_KEY);
    let info = |c: &Caller, id: &str| {
        issuer
            .get_access_key_info_at(c, &GetAccessKeyInfoRequest::new(id).unwrap(), &env())
            .map(|r| r.account.to_string())
            .map_err(|e| e.code)
    };
    assert_eq!(info(&alice, ALICE_KEY).unwrap(), "111111111111");
    // Another account's user's key: its account.
    assert_eq!(info(&alice, CAROL_KEY).unwrap(), "333333333333");
    // A well-formed key nobody has.
    assert_eq!(
        info(&alice, "AKIANOBODYHASTHIS001").unwrap_err(),
        StsErrorCode::InvalidParameterValue
    );
    // A role session asks about its own ASIA key, and about somebody else's.
    let (creds, role) = role_session(
        &issuer,
        &AssumeRoleRequest::builder(ROLE, "s1").build().unwrap(),
    );
    let own = creds.access_key_id.to_string();
    assert_eq!(info(&role, &own).unwrap(), "111111111111");
    assert_eq!(
        info(&role, "ASIAQWERTYUIOPASDFGH").unwrap_err(),
        StsErrorCode::InvalidParameterValue
    );
    // Carol's policies allow nothing.
    let carol = caller(&issuer, CAROL_KEY);
    assert_eq!(
        info(&carol, CAROL_KEY).unwrap_err(),
        StsErrorCode::AccessDenied
    );
}
