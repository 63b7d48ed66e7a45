//! Role chaining: a role session assumes another role.
//!
//! Shows the three rules AWS applies to chained sessions:
//! 1. a chained session lasts at most one hour (3601 seconds is refused, 3600 is fine), even when
//!    the role allows longer;
//! 2. the source identity set on the first session is carried into every chained session and
//!    cannot be changed;
//! 3. transitive session tags are inherited and cannot be overridden.
//!
//! Run with `cargo run --example role_chaining`.
#![allow(clippy::print_stdout)] // printing is what an example does

use std::error::Error;
use std::sync::Arc;
use tempcred::directory::InMemoryDirectory;
use tempcred::keys::KeyId;
use tempcred::{
    AssumeRoleRequest, AssumeRoleRequestBuilder, Caller, Clock, Credentials, Issuer, KeyRing,
    SystemClock, SystemRandom, Verifier,
};

/// alice → `deploy` (up to 12 h) → `readonly` (what `deploy` sessions may assume).
const DIRECTORY: &str = r#"{
  "users": [{
    "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForExamplesOnly00000000000" }]
  }],
  "roles": [
    { "arn": "arn:aws:iam::111111111111:role/deploy",
      "max_session_duration": 43200,
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" },
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] }] },
      "policies": [{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/readonly" }] }] },
    { "arn": "arn:aws:iam::111111111111:role/readonly",
      "max_session_duration": 43200,
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:role/deploy" },
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] }] } }
  ]
}"#;

const READONLY: &str = "arn:aws:iam::111111111111:role/readonly";

fn describe(ring: &KeyRing, creds: &Credentials) -> Result<Caller, Box<dyn Error>> {
    let session =
        Verifier::new(ring).verify(creds.session_token.expose_secret(), SystemClock.now())?;
    let claims = session.claims();
    println!("     arn             {}", session.caller_identity().arn);
    println!(
        "     lifetime        {} s",
        claims
            .expires_at
            .as_secs()
            .saturating_sub(claims.issued_at.as_secs())
    );
    println!(
        "     source identity {}",
        claims
            .source_identity
            .map_or("(none)".to_owned(), |s| s.to_string())
    );
    for tag in claims.tags.iter() {
        println!(
            "     tag             {}={} (transitive: {})",
            tag.key, tag.value, tag.transitive
        );
    }
    Ok(Caller::from_session(session))
}

fn chain(
    issuer: &Issuer,
    caller: &Caller,
    label: &str,
    request: AssumeRoleRequestBuilder,
) -> Option<Credentials> {
    match request.build().and_then(|r| issuer.assume_role(caller, &r)) {
        Ok(response) => {
            println!("   {label:<50} -> ALLOWED");
            Some(response.credentials)
        }
        Err(e) => {
            println!("   {label:<50} -> REFUSED {e}");
            None
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let directory = Arc::new(InMemoryDirectory::from_json(DIRECTORY)?);
    let ring = KeyRing::generate(KeyId::new("example")?, &SystemRandom)?;
    let issuer = Issuer::builder(directory, ring.clone()).build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse()?)
        .ok_or("alice is not in the directory")?;

    println!("1. alice assumes deploy for 8 hours, sets source identity and a transitive tag:");
    let first = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "release")
        .duration_seconds(8 * 3600)
        .source_identity("alice@example.com")
        .tag("team", "payments")
        .transitive_tag_key("team")
        .tag("ticket", "REL-42")
        .build()?;
    let deploy = issuer.assume_role(&alice, &first)?.credentials;
    let deploy = describe(&ring, &deploy)?;

    println!("2. the deploy session assumes readonly (role chaining):");
    chain(
        &issuer,
        &deploy,
        "for 3601 s (over the 1-hour chaining cap)",
        AssumeRoleRequest::builder(READONLY, "read").duration_seconds(3601),
    );
    chain(
        &issuer,
        &deploy,
        "with source identity mallory@example.com",
        AssumeRoleRequest::builder(READONLY, "read").source_identity("mallory@example.com"),
    );
    chain(
        &issuer,
        &deploy,
        "with tag team=growth (overrides a transitive tag)",
        AssumeRoleRequest::builder(READONLY, "read").tag("team", "growth"),
    );
    let readonly = chain(
        &issuer,
        &deploy,
        "for 3600 s",
        AssumeRoleRequest::builder(READONLY, "read").duration_seconds(3600),
    )
    .ok_or("the chained AssumeRole should succeed")?;

    println!("3. the chained session: source identity carried, transitive tag inherited,");
    println!("   the non-transitive tag `ticket` left behind:");
    describe(&ring, &readonly)?;
    Ok(())
}
