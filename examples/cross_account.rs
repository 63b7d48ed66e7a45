//! Cross-account access: a user of account A (111111111111) assumes a role of account B
//! (222222222222) that requires an external ID.
//!
//! Both sides must agree, as in AWS: B's trust policy trusts account A (with an `sts:ExternalId`
//! condition), and A's identity policy must allow the user `sts:AssumeRole` on B's role. The
//! example prints both policies, then one allowed and three refused attempts: a user of A without
//! the identity-side allow, a wrong external ID, and no external ID.
//!
//! Run with `cargo run --example cross_account`.
#![allow(clippy::print_stdout)] // printing is what an example does

use std::error::Error;
use std::sync::Arc;
use tempcred::directory::InMemoryDirectory;
use tempcred::keys::KeyId;
use tempcred::{AssumeRoleRequest, Caller, Issuer, KeyRing, StsError, SystemRandom};

/// Account B's role: trusts account A, but only with the external ID B gave A.
const TRUST_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "AccountAWithExternalId",
    "Effect": "Allow",
    "Principal": { "AWS": "arn:aws:iam::111111111111:root" },
    "Action": "sts:AssumeRole",
    "Condition": { "StringEquals": { "sts:ExternalId": "b-gave-a-7f3e" } }
  }]
}"#;

/// Account A's policy for alice: she may assume roles named `auditor` in account B.
const ALICE_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "AssumeAuditorInB",
    "Effect": "Allow",
    "Action": "sts:AssumeRole",
    "Resource": "arn:aws:iam::222222222222:role/auditor"
  }]
}"#;

const ROLE: &str = "arn:aws:iam::222222222222:role/auditor";

fn directory_json() -> String {
    format!(
        r#"{{
  "users": [
    {{ "arn": "arn:aws:iam::111111111111:user/alice",
       "access_keys": [{{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForExamplesOnly00000000000" }}],
       "policies": [{ALICE_POLICY}] }},
    {{ "arn": "arn:aws:iam::111111111111:user/bob",
       "access_keys": [{{ "id": "AKIABOBEXAMPLE000001", "secret": "bobSecretKeyForExamplesOnly0000000000000" }}] }}
  ],
  "roles": [
    {{ "arn": "{ROLE}",
       "trust_policy": {TRUST_POLICY},
       "policies": [{{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
          "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::b-audit-logs*" }}] }}] }}
  ]
}}"#
    )
}

fn attempt(issuer: &Issuer, who: &str, caller: &Caller, external_id: Option<&str>) {
    let mut request = AssumeRoleRequest::builder(ROLE, "audit-2026");
    if let Some(id) = external_id {
        request = request.external_id(id);
    }
    let result = request.build().and_then(|r| issuer.assume_role(caller, &r));
    let label = format!(
        "{who}, external ID {}",
        external_id.map_or("(none)".to_owned(), |id| format!("{id:?}"))
    );
    match result {
        Ok(response) => println!(
            "  {label:<52} -> ALLOWED as {}",
            response.assumed_role_user.arn
        ),
        Err(StsError { code, message }) => {
            println!("  {label:<52} -> REFUSED {code}: {message}")
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("1. Account B's role {ROLE}");
    println!("   trust policy (B's side: who may assume it):\n{TRUST_POLICY}");
    println!(
        "2. Account A's identity policy for alice (A's side: what she may assume):\n{ALICE_POLICY}"
    );
    println!("   bob, also in account A, has no policy.");

    let directory = Arc::new(InMemoryDirectory::from_json(&directory_json())?);
    let ring = KeyRing::generate(KeyId::new("example")?, &SystemRandom)?;
    let issuer = Issuer::builder(directory, ring).build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse()?)
        .ok_or("alice is not in the directory")?;
    let bob = issuer
        .long_term_caller(&"AKIABOBEXAMPLE000001".parse()?)
        .ok_or("bob is not in the directory")?;

    println!("3. AssumeRole attempts:");
    attempt(&issuer, "alice", &alice, Some("b-gave-a-7f3e"));
    attempt(
        &issuer,
        "bob (no identity-side allow)",
        &bob,
        Some("b-gave-a-7f3e"),
    );
    attempt(&issuer, "alice", &alice, Some("guessed-id"));
    attempt(&issuer, "alice", &alice, None);
    println!("A trust policy that names only an account delegates to that account's own policies:");
    println!("both sides must allow, and the external ID guards against the confused deputy.");
    Ok(())
}
