//! Security issue 12 E: identity providers are told apart exactly. Two providers whose names
//! differ only in case cannot be registered (IAM refuses names that differ only in case), and a
//! trust policy's `Federated` principal matches only the provider ARN it spells, byte for byte,
//! so an assertion from `corp` never assumes a role that trusts only `Corp`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use tempcred::directory::{InMemoryDirectory, SamlProvider};
use tempcred::issue::{SamlAssertionValidator, SamlAttributes};
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::policy::{evaluate_trust, PolicyDocument, RequestContext, RequestPrincipal};
use tempcred::{
    AssumeRoleWithSamlRequest, CallEnv, Issuer, KeyRing, RoleSessionName, StsError, StsErrorCode,
    UnixTime,
};

const NOW: u64 = 1_764_000_000;
const LOWER: &str = "arn:aws:iam::111111111111:saml-provider/corp";
const UPPER: &str = "arn:aws:iam::111111111111:saml-provider/Corp";
const JWKS: &str = r#"{"keys":[]}"#;

fn saml_directory(providers: &[&str], roles: &[(&str, &str)]) -> Result<InMemoryDirectory, String> {
    let providers: Vec<String> = providers
        .iter()
        .map(|p| format!(r#"{{ "arn": "{p}" }}"#))
        .collect();
    let roles: Vec<String> = roles
        .iter()
        .map(|(name, trusted)| {
            format!(
                r#"{{ "arn": "arn:aws:iam::111111111111:role/{name}",
              "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
                "Principal": {{ "Federated": "{trusted}" }}, "Action": "sts:AssumeRoleWithSAML" }}] }} }}"#
            )
        })
        .collect();
    InMemoryDirectory::from_json(&format!(
        r#"{{ "saml_providers": [{}], "roles": [{}] }}"#,
        providers.join(","),
        roles.join(",")
    ))
    .map_err(|e| e.to_string())
}

fn oidc_directory(urls: &[(&str, &str)]) -> Result<InMemoryDirectory, String> {
    let providers: Vec<String> = urls
        .iter()
        .map(|(account, url)| {
            let host = url.trim_start_matches("https://");
            format!(
                r#"{{ "arn": "arn:aws:iam::{account}:oidc-provider/{host}", "url": "{url}",
                  "audiences": ["sts.amazonaws.com"], "jwks": {JWKS} }}"#
            )
        })
        .collect();
    InMemoryDirectory::from_json(&format!(
        r#"{{ "oidc_providers": [{}] }}"#,
        providers.join(",")
    ))
    .map_err(|e| e.to_string())
}

#[test]
fn providers_that_differ_only_in_case_are_refused_at_load() {
    let e = saml_directory(&[UPPER, LOWER], &[]).unwrap_err();
    assert!(e.contains("SAML provider"), "{e}");
    // Distinct names, and the same name in another account, are fine.
    assert!(saml_directory(
        &[LOWER, "arn:aws:iam::111111111111:saml-provider/corp2"],
        &[]
    )
    .is_ok());
    assert!(saml_directory(
        &[LOWER, "arn:aws:iam::222222222222:saml-provider/Corp"],
        &[]
    )
    .is_ok());

    let e = oidc_directory(&[
        ("111111111111", "https://id.example.com/Tenant"),
        ("111111111111", "https://id.example.com/tenant"),
    ])
    .unwrap_err();
    assert!(e.contains("OIDC provider"), "{e}");
    assert!(oidc_directory(&[
        ("111111111111", "https://id.example.com/tenant"),
        ("111111111111", "https://id.example.com/other"),
    ])
    .is_ok());
}

/// Accepts any assertion for any provider: the point is what the issuer does with the provider.
struct AnyIdp;

impl SamlAssertionValidator for AnyIdp {
    fn validate(
        &self,
        assertion: &str,
        _provider: &SamlProvider,
        _now: UnixTime,
    ) -> Result<SamlAttributes, StsError> {
        Ok(SamlAttributes::new(
            assertion,
            "persistent",
            "https://idp.example.com/",
            "https://signin.aws.amazon.com/saml",
            "qualifier",
            RoleSessionName::new(assertion).unwrap(),
        ))
    }
}

#[test]
fn an_assertion_from_one_provider_never_assumes_a_role_trusting_another_spelling() {
    let directory = saml_directory(
        &[LOWER],
        &[("trusts-upper", UPPER), ("trusts-lower", LOWER)],
    )
    .unwrap();
    let ring = KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[3; 32]).unwrap(),
    )
    .unwrap();
    let issuer = Issuer::builder(Arc::new(directory), ring)
        .saml_validator(Arc::new(AnyIdp))
        .build();
    let assume = |role: &str, provider: &str| {
        let request = AssumeRoleWithSamlRequest::builder(
            format!("arn:aws:iam::111111111111:role/{role}"),
            provider,
            "alice",
        )
        .build()
        .unwrap();
        issuer.assume_role_with_saml_at(&request, &CallEnv::at(UnixTime::from_secs(NOW)))
    };
    // The attack: `corp`'s assertion against the role that trusts only `Corp`.
    assert_eq!(
        assume("trusts-upper", LOWER).unwrap_err().code,
        StsErrorCode::AccessDenied
    );
    // Naming the other spelling as the principal finds no provider.
    assert!(assume("trusts-upper", UPPER).is_err());
    // The legitimate neighbour.
    assert!(assume("trusts-lower", LOWER).is_ok());
}

#[test]
fn federated_principals_match_exactly() {
    let trust = |provider: &str| {
        PolicyDocument::parse_trust(&format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{provider}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}}}"#
        ))
        .unwrap()
    };
    let caller = |provider: &str| {
        RequestContext::new("sts:AssumeRoleWithWebIdentity")
            .with_principal(RequestPrincipal::federated(provider))
    };
    let oidc = "arn:aws:iam::111111111111:oidc-provider/id.example.com/tenant";
    let other_case = "arn:aws:iam::111111111111:oidc-provider/id.example.com/Tenant";
    assert!(evaluate_trust(&trust(oidc), &caller(oidc)).is_allowed());
    assert!(!evaluate_trust(&trust(other_case), &caller(oidc)).is_allowed());
    assert!(!evaluate_trust(&trust(UPPER), &caller(LOWER)).is_allowed());
    assert!(evaluate_trust(&trust("*"), &caller(LOWER)).is_allowed());
}
