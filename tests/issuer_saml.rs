//! `AssumeRoleWithSAML`: the application validates the assertion (a trait); the Issuer applies the
//! delegation rules to what it returns — trust policy with the provider as `Federated` principal,
//! `SAML:*` context keys, tags needing `sts:TagSession`, lifetimes — and refuses what the validator
//! refuses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use tempcred::audit::{AuditAction, AuditOutcome, MemoryAuditSink};
use tempcred::directory::{InMemoryDirectory, SamlProvider};
use tempcred::hazmat::SeededRandom;
use tempcred::issue::{SamlAssertionValidator, SamlAttributes};
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::{
    AssumeRoleWithSamlRequest, CallEnv, Issuer, KeyRing, RoleSessionName, StsError, StsErrorCode,
    TagKey, TagValue, UnixTime, Verifier,
};

const PROVIDER: &str = "arn:aws:iam::111111111111:saml-provider/corp-idp";
const NOW: u64 = 1_764_000_000;

/// Stands in for an application's XML-signature check: the "assertion" is `subject|tag` text.
struct FakeIdp;

impl SamlAssertionValidator for FakeIdp {
    fn validate(
        &self,
        assertion: &str,
        provider: &SamlProvider,
        _now: UnixTime,
    ) -> Result<SamlAttributes, StsError> {
        assert_eq!(provider.arn(), PROVIDER);
        let (subject, tag) = assertion
            .split_once('|')
            .ok_or_else(|| StsError::invalid_identity_token("Invalid SAML response"))?;
        if subject == "expired" {
            return Err(StsError::new(
                StsErrorCode::ExpiredToken,
                "Token expired: the SAML assertion is past NotOnOrAfter.",
            ));
        }
        let mut attrs = SamlAttributes::new(
            subject,
            "persistent",
            "https://idp.example.com/",
            "https://signin.aws.amazon.com/saml",
            "qualifier",
            RoleSessionName::new(subject).unwrap(),
        );
        if !tag.is_empty() {
            attrs
                .tags
                .insert(
                    TagKey::new("dept").unwrap(),
                    TagValue::new(tag).unwrap(),
                    false,
                )
                .unwrap();
        }
        Ok(attrs)
    }
}

fn setup() -> (Issuer, KeyRing) {
    setup_with_audit(Arc::new(MemoryAuditSink::new()))
}

fn setup_with_audit(audit: Arc<MemoryAuditSink>) -> (Issuer, KeyRing) {
    let directory = InMemoryDirectory::from_json(&format!(
        r#"{{
      "saml_providers": [{{ "arn": "{PROVIDER}" }}],
      "roles": [
        {{ "arn": "arn:aws:iam::111111111111:role/engineers",
          "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
            "Principal": {{ "Federated": "{PROVIDER}" }}, "Action": "sts:AssumeRoleWithSAML",
            "Condition": {{ "StringEquals": {{ "SAML:aud": "https://signin.aws.amazon.com/saml" }},
                            "StringLike": {{ "SAML:sub": "eng-*" }} }} }}] }} }},
        {{ "arn": "arn:aws:iam::111111111111:role/tagged",
          "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
            "Principal": {{ "Federated": "{PROVIDER}" }},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"] }}] }} }}
      ]
    }}"#
    ))
    .unwrap();
    let ring = KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[3; 32]).unwrap(),
    )
    .unwrap();
    let issuer = Issuer::builder(Arc::new(directory), ring.clone())
        .random(Arc::new(SeededRandom::new(1)))
        .saml_validator(Arc::new(FakeIdp))
        .audit_sink(audit)
        .build();
    (issuer, ring)
}

fn request(role: &str, assertion: &str) -> AssumeRoleWithSamlRequest {
    AssumeRoleWithSamlRequest::builder(
        format!("arn:aws:iam::111111111111:role/{role}"),
        PROVIDER,
        assertion,
    )
    .build()
    .unwrap()
}

fn env() -> CallEnv {
    CallEnv::at(UnixTime::from_secs(NOW))
}

#[test]
fn a_trusted_assertion_gets_credentials_and_an_untrusted_subject_is_refused() {
    let (issuer, ring) = setup();
    let ok = issuer
        .assume_role_with_saml_at(&request("engineers", "eng-alice|"), &env())
        .unwrap();
    assert_eq!(
        ok.assumed_role_user.arn,
        "arn:aws:sts::111111111111:assumed-role/engineers/eng-alice"
    );
    assert_eq!(ok.subject, "eng-alice");
    assert_eq!(ok.issuer, "https://idp.example.com/");
    assert_eq!(ok.credentials.expiration.as_secs(), NOW + 3600);
    let session = Verifier::new(&ring)
        .verify(ok.credentials.session_token.expose_secret(), env().now)
        .unwrap();
    assert_eq!(
        session.claims().operation,
        tempcred::token::Operation::AssumeRoleWithSaml
    );

    let refused = issuer
        .assume_role_with_saml_at(&request("engineers", "ops-bob|"), &env())
        .unwrap_err();
    assert_eq!(refused.code, StsErrorCode::AccessDenied);
    assert!(
        refused.message.contains("sts:AssumeRoleWithSAML"),
        "{refused}"
    );
}

#[test]
fn the_validators_refusal_is_the_answer() {
    let (issuer, _) = setup();
    let bad = issuer
        .assume_role_with_saml_at(&request("engineers", "no separator"), &env())
        .unwrap_err();
    assert_eq!(bad.code, StsErrorCode::InvalidIdentityToken);
    let expired = issuer
        .assume_role_with_saml_at(&request("engineers", "expired|"), &env())
        .unwrap_err();
    assert_eq!(expired.code, StsErrorCode::ExpiredToken);
}

#[test]
fn assertion_tags_need_tag_session() {
    let (issuer, ring) = setup();
    let refused = issuer
        .assume_role_with_saml_at(&request("engineers", "eng-carol|payments"), &env())
        .unwrap_err();
    assert_eq!(refused.code, StsErrorCode::AccessDenied);
    assert!(refused.message.contains("sts:TagSession"), "{refused}");
    let ok = issuer
        .assume_role_with_saml_at(&request("tagged", "eng-carol|payments"), &env())
        .unwrap();
    let session = Verifier::new(&ring)
        .verify(ok.credentials.session_token.expose_secret(), env().now)
        .unwrap();
    assert_eq!(
        session.claims().tags.get("dept").map(|t| t.value.as_str()),
        Some("payments")
    );
}

#[test]
fn without_a_validator_or_a_provider_saml_is_refused() {
    let (_, ring) = setup();
    let bare = Issuer::builder(Arc::new(InMemoryDirectory::from_json("{}").unwrap()), ring).build();
    let e = bare
        .assume_role_with_saml_at(&request("engineers", "eng-alice|"), &env())
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::InvalidIdentityToken);
    let (issuer, _) = setup();
    let unknown = AssumeRoleWithSamlRequest::builder(
        "arn:aws:iam::111111111111:role/engineers",
        "arn:aws:iam::111111111111:saml-provider/other",
        "eng-alice|",
    )
    .build()
    .unwrap();
    assert_eq!(
        issuer
            .assume_role_with_saml_at(&unknown, &env())
            .unwrap_err()
            .code,
        StsErrorCode::InvalidIdentityToken
    );
}

#[test]
fn every_saml_attempt_is_audited_with_provider_role_and_session() {
    let audit = Arc::new(MemoryAuditSink::new());
    let (issuer, _) = setup_with_audit(audit.clone());
    issuer
        .assume_role_with_saml_at(&request("engineers", "eng-alice|"), &env())
        .unwrap();
    assert!(issuer
        .assume_role_with_saml_at(&request("engineers", "ops-bob|"), &env())
        .is_err());
    let events = audit.take();
    assert_eq!(events.len(), 2, "{events:#?}");
    let role = "arn:aws:iam::111111111111:role/engineers";
    for (e, session) in events.iter().zip(["eng-alice", "ops-bob"]) {
        assert_eq!(e.action, AuditAction::AssumeRoleWithSaml);
        assert_eq!(e.caller_arn.as_deref(), Some(PROVIDER));
        assert_eq!(e.target.as_deref(), Some(role));
        assert_eq!(e.session_name.as_deref(), Some(session));
    }
    assert_eq!(events[0].outcome, AuditOutcome::Allowed);
    assert_eq!(
        events[1].outcome,
        AuditOutcome::Refused {
            error_code: "AccessDenied"
        }
    );
}
