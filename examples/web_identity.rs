//! Web identity federation: an OIDC identity provider's ID token is exchanged for role
//! credentials with `AssumeRoleWithWebIdentity`, as a CI system or a mobile app would.
//!
//! The example plays the identity provider too: it signs an RS256 ID token with the test key in
//! `tests/data/` (never use it for anything real). The issuer validates the token against the
//! provider's JWKS from the built-in demo directory (no network), checks the role's trust policy
//! (`id.example.com:aud`), and takes session tags from the token's
//! `https://aws.amazon.com/tags` claim; the role's policy then uses `${aws:PrincipalTag/team}`.
//!
//! Run with `cargo run --example web_identity --features oidc`.
#![allow(clippy::print_stdout)] // printing is what an example does

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;
use std::error::Error;
use std::sync::Arc;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory};
use tempcred::keys::KeyId;
use tempcred::{
    AssumeRoleWithWebIdentityRequest, Clock, Issuer, JwksValidator, KeyRing, SystemClock,
    SystemRandom, Verifier,
};

/// The identity provider's private key (PKCS#1 DER); its public half is the demo JWKS's `rsa-1`.
const PROVIDER_KEY: &[u8] = include_bytes!("../tests/data/oidc_rsa_test_key.der");
const ROLE: &str = "arn:aws:iam::222222222222:role/web";

fn id_token(audience: &str, now: u64) -> Result<String, Box<dyn Error>> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa-1".into());
    let claims = json!({
        "iss": "https://id.example.com",
        "sub": "user-42",
        "aud": audience,
        "iat": now,
        "exp": now + 600,
        "https://aws.amazon.com/tags": {
            "principal_tags": { "team": ["payments"] },
            "transitive_tag_keys": ["team"]
        }
    });
    Ok(encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_der(PROVIDER_KEY),
    )?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let directory: Arc<dyn Directory> =
        Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    let ring = KeyRing::generate(KeyId::new("example")?, &SystemRandom)?;
    let issuer = Issuer::builder(Arc::clone(&directory), ring.clone())
        .web_identity_validator(Arc::new(JwksValidator::new()))
        .build();
    let now = SystemClock.now();

    println!(
        "1. the identity provider https://id.example.com signs an ID token (RS256, kid rsa-1)"
    );
    let token = id_token("sts.amazonaws.com", now.as_secs())?;
    println!(
        "   {} bytes: {}…",
        token.len(),
        token.get(..40).unwrap_or("")
    );

    println!("2. AssumeRoleWithWebIdentity on {ROLE} (unsigned: the ID token is the credential)");
    let request = AssumeRoleWithWebIdentityRequest::builder(ROLE, "app-session", token).build()?;
    let response = issuer.assume_role_with_web_identity(&request)?;
    println!("   assumed role user  {}", response.assumed_role_user.arn);
    println!(
        "   subject            {}",
        response.subject_from_web_identity_token
    );
    println!("   provider           {}", response.provider);
    println!("   audience           {}", response.audience);

    println!("3. a service verifies the credentials and checks the tag-scoped policy");
    println!(
        "   (role policy: s3:GetObject on arn:aws:s3:::demo-bucket/${{aws:PrincipalTag/team}}/*)"
    );
    let session =
        Verifier::new(&ring).verify(response.credentials.session_token.expose_secret(), now)?;
    for tag in session.claims().tags.iter() {
        println!(
            "   session tag        {}={} (from the token's tags claim)",
            tag.key, tag.value
        );
    }
    let authorizer = Authorizer::new(directory);
    for object in [
        "arn:aws:s3:::demo-bucket/payments/report.csv",
        "arn:aws:s3:::demo-bucket/growth/report.csv",
    ] {
        let decision = authorizer.authorize(
            &session,
            &AuthorizationRequest::new("s3:GetObject", object),
            now,
        )?;
        println!("   s3:GetObject {object:<45} -> {decision:?}");
    }

    println!("4. a token minted for another audience (client) is refused");
    let wrong = id_token("some-other-client", now.as_secs())?;
    let request = AssumeRoleWithWebIdentityRequest::builder(ROLE, "app-session", wrong).build()?;
    match issuer.assume_role_with_web_identity(&request) {
        Ok(_) => return Err("a token for another audience was accepted".into()),
        Err(e) => println!("   REFUSED {e}"),
    }
    Ok(())
}
