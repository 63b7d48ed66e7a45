//! `Authorizer::require`: a proof for an allowed request, the AWS error for a refused one (issue
//! 15). The error is what AWS answers when an identity policy does not allow an action:
//! `AccessDenied`, HTTP 403, "User: ARN is not authorized to perform: ACTION on resource: ARN"
//! (IAM User Guide, "Troubleshoot access denied error messages").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::{
    AssumeRoleRequest, Issuer, KeyRing, StsErrorCode, UnixTime, VerifiedSession, Verifier,
};

const NOW: u64 = 1_764_000_000;

fn session() -> (Arc<InMemoryDirectory>, VerifiedSession) {
    let dir = Arc::new(
        InMemoryDirectory::from_json(
            r#"{
  "users": [{ "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForRequireTests000000000AA" }] }],
  "roles": [{ "arn": "arn:aws:iam::111111111111:role/reader",
    "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] },
    "policies": [{ "Version": "2012-10-17", "Statement": [
      { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*" },
      { "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/secret/*" } ] }] }]
}"#,
        )
        .unwrap(),
    );
    let ring = KeyRing::new(
        KeyId::new("k").unwrap(),
        KeyMaterial::from_bytes(&[5; 32]).unwrap(),
    )
    .unwrap();
    let issuer = Issuer::builder(dir.clone(), ring.clone())
        .random(Arc::new(SeededRandom::new(2)))
        .build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let creds = issuer
        .assume_role_at(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/reader", "s1")
                .build()
                .unwrap(),
            &tempcred::CallEnv::at(UnixTime::from_secs(NOW)),
        )
        .unwrap()
        .credentials;
    let s = Verifier::new(&ring)
        .verify(
            creds.session_token.expose_secret(),
            UnixTime::from_secs(NOW),
        )
        .unwrap();
    (dir, s)
}

#[test]
fn an_allowed_request_gets_a_proof_naming_what_was_allowed() {
    let (dir, s) = session();
    let proof = Authorizer::new(dir)
        .require(
            &s,
            &AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
            UnixTime::from_secs(NOW),
        )
        .unwrap();
    assert_eq!(proof.action(), "s3:GetObject");
    assert_eq!(proof.resource(), "arn:aws:s3:::reports/q1.csv");
}

#[test]
fn an_implicit_or_explicit_deny_is_access_denied_in_aws_words() {
    let (dir, s) = session();
    let authorizer = Authorizer::new(dir);
    for (action, resource) in [
        ("s3:PutObject", "arn:aws:s3:::reports/q1.csv"),
        ("s3:GetObject", "arn:aws:s3:::reports/secret/pay.csv"),
    ] {
        let e = authorizer
            .require(
                &s,
                &AuthorizationRequest::new(action, resource),
                UnixTime::from_secs(NOW),
            )
            .unwrap_err();
        assert_eq!(e.code, StsErrorCode::AccessDenied);
        assert_eq!(e.http_status(), 403);
        assert_eq!(
            e.message,
            format!("User: arn:aws:sts::111111111111:assumed-role/reader/s1 is not authorized to perform: {action} on resource: {resource}")
        );
    }
}

#[test]
fn an_expired_session_is_refused_before_any_policy_is_read() {
    let (dir, s) = session();
    let late = UnixTime::from_secs(s.claims().expires_at.as_secs() + 3600);
    let e = Authorizer::new(dir)
        .require(
            &s,
            &AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
            late,
        )
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::ExpiredToken);
}
