//! `AssumeRoleWithWebIdentity` through the Issuer (SPEC §4), with RS256 ID tokens signed in the
//! test by the committed key in `tests/data/`: the response fields, every kind of bad token, the
//! `HOST:aud`/`HOST:sub` trust conditions, session tags and source identity from the token.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::issuer_common;

use issuer_common::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tempcred::{
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, StsError, StsErrorCode,
};

const RSA_DER: &[u8] = include_bytes!("data/oidc_rsa_test_key.der");

fn web() -> String {
    format!("arn:aws:iam::{B}:role/web")
}
fn web_notag() -> String {
    format!("arn:aws:iam::{B}:role/web-notag")
}

fn claims() -> Value {
    json!({
        "iss": "https://id.example.com",
        "sub": "user-42",
        "aud": "sts.amazonaws.com",
        "iat": NOW - 10,
        "exp": NOW + 3600,
    })
}

fn sign_with_kid(claims: &Value, kid: &str) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some(kid.into());
    encode(&h, claims, &EncodingKey::from_rsa_der(RSA_DER)).unwrap()
}

fn sign(claims: &Value) -> String {
    sign_with_kid(claims, "rsa-1")
}

fn call(
    fx: &Fx,
    role_arn: &str,
    token: &str,
) -> Result<AssumeRoleWithWebIdentityResponse, StsError> {
    let r = AssumeRoleWithWebIdentityRequest::builder(role_arn, "web-1", token)
        .build()
        .unwrap();
    fx.issuer.assume_role_with_web_identity_at(&r, &fx.env())
}

#[test]
fn valid_token_gives_credentials_and_the_identity_fields() {
    let fx = Fx::new();
    let r = call(&fx, &web(), &sign(&claims())).unwrap();
    assert_eq!(r.subject_from_web_identity_token, "user-42");
    assert_eq!(r.audience, "sts.amazonaws.com");
    // AWS documents Provider as "the value of the iss field" for OIDC tokens.
    assert_eq!(r.provider, "https://id.example.com");
    assert_eq!(
        r.assumed_role_user.arn,
        format!("arn:aws:sts::{B}:assumed-role/web/web-1")
    );
    assert_eq!(lifetime(&r.credentials, &fx), 3600);
    let s = fx.verify(&r.credentials);
    assert_eq!(s.caller_identity().arn, r.assumed_role_user.arn);
    assert_eq!(
        s.claims().operation,
        tempcred::token::Operation::AssumeRoleWithWebIdentity
    );
}

/// The STS API model (botocore `sts/2011-06-15/service-2.json`, the Rust and JS SDKs) gives
/// `AssumeRoleWithWebIdentity` the error `ExpiredTokenException` (code `ExpiredTokenException`,
/// HTTP 400); the SDKs map only that code to their typed error.
#[test]
fn expired_token_is_expired_token_exception() {
    let fx = Fx::new();
    let mut c = claims();
    c["exp"] = json!(NOW - 400); // beyond the 5-minute leeway
    let e = err(call(&fx, &web(), &sign(&c)));
    assert_eq!(e.code, StsErrorCode::ExpiredTokenException);
    assert_eq!(e.code_str(), "ExpiredTokenException");
    assert_eq!(e.http_status(), 400);
}

#[test]
fn wrong_audience_is_an_idp_rejected_claim() {
    let fx = Fx::new();
    let mut c = claims();
    c["aud"] = json!("someone-else");
    let e = err(call(&fx, &web(), &sign(&c)));
    assert_eq!(
        (e.code, e.http_status()),
        (StsErrorCode::IdpRejectedClaim, 403)
    );
}

#[test]
fn wrong_issuer_unknown_kid_and_tampering_are_invalid_identity_tokens() {
    let fx = Fx::new();
    let mut c = claims();
    c["iss"] = json!("https://evil.example.com");
    let e = err(call(&fx, &web(), &sign(&c)));
    assert_eq!(e.code, StsErrorCode::InvalidIdentityToken);
    assert!(
        e.message.contains("No OpenIDConnect provider"),
        "{}",
        e.message
    );

    assert_eq!(
        code(call(&fx, &web(), &sign_with_kid(&claims(), "rotated-away"))),
        StsErrorCode::InvalidIdentityToken
    );

    let good = sign(&claims());
    let parts: Vec<&str> = good.split('.').collect();
    let mut c = claims();
    c["sub"] = json!("admin");
    let payload = data_encoding::BASE64URL_NOPAD.encode(c.to_string().as_bytes());
    let forged = format!("{}.{}.{}", parts[0], payload, parts[2]);
    let e = err(call(&fx, &web_notag(), &forged));
    assert_eq!(e.code, StsErrorCode::InvalidIdentityToken);
    assert!(!e.message.contains(&forged) && !e.message.contains(parts[2]));
    // The untampered token still works.
    call(&fx, &web_notag(), &good).unwrap();
}

#[test]
fn trust_policy_aud_and_sub_conditions() {
    let fx = Fx::new();
    let denied = |c: &Value| {
        let e = err(call(&fx, &web(), &sign(c)));
        assert_eq!(e.code, StsErrorCode::AccessDenied);
        assert!(
            e.message.contains("sts:AssumeRoleWithWebIdentity"),
            "{}",
            e.message
        );
        assert!(e.message.contains(&web()), "{}", e.message);
    };
    // `other-app` is an audience the provider accepts, but role/web's trust wants sts.amazonaws.com.
    let mut c = claims();
    c["aud"] = json!("other-app");
    denied(&c);
    call(&fx, &web_notag(), &sign(&c)).unwrap();
    let mut c = claims();
    c["sub"] = json!("user-43");
    denied(&c);
    call(&fx, &web_notag(), &sign(&c)).unwrap();
    call(&fx, &web(), &sign(&claims())).unwrap();
}

#[test]
fn tags_from_the_token_need_tag_session() {
    let fx = Fx::new();
    let mut c = claims();
    c["https://aws.amazon.com/tags"] = json!({
        "principal_tags": { "team": ["payments"], "env": ["prod"] },
        "transitive_tag_keys": ["team"],
    });
    let r = call(&fx, &web(), &sign(&c)).unwrap();
    let s = fx.verify(&r.credentials);
    let team = s.claims().tags.get("team").unwrap();
    assert_eq!((team.value.as_str(), team.transitive), ("payments", true));
    assert_eq!(
        s.claims()
            .tags
            .get("env")
            .map(|t| (t.value.as_str(), t.transitive)),
        Some(("prod", false))
    );
    let e = err(call(&fx, &web_notag(), &sign(&c)));
    assert_eq!(e.code, StsErrorCode::AccessDenied);
    assert!(e.message.contains("sts:TagSession"), "{}", e.message);
}

#[test]
fn source_identity_claim_needs_set_source_identity() {
    let fx = Fx::new();
    let mut c = claims();
    c["https://aws.amazon.com/source_identity"] = json!("alice");
    let r = call(&fx, &web(), &sign(&c)).unwrap();
    assert_eq!(r.source_identity.unwrap().as_str(), "alice");
    assert_eq!(
        fx.verify(&r.credentials)
            .claims()
            .source_identity
            .unwrap()
            .as_str(),
        "alice"
    );
    let e = err(call(&fx, &web_notag(), &sign(&c)));
    assert_eq!(e.code, StsErrorCode::AccessDenied);
    assert!(e.message.contains("sts:SetSourceIdentity"), "{}", e.message);
}
