//! Key rotation without downtime: add a key, promote it, retire the old one later.
//!
//! Tokens signed by the old key keep verifying after the new key is promoted, until the old key
//! is retired (do that only after the longest session lifetime, 36 hours, plus the clock-skew
//! leeway has passed since it last signed). The example also shows why a new key is added to
//! every verifier before it is promoted.
//!
//! Run with `cargo run --example key_rotation`.
#![allow(clippy::print_stdout)] // printing is what an example does

use std::error::Error;
use std::sync::Arc;
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::token::UntrustedToken;
use tempcred::{
    AssumeRoleRequest, Clock, Credentials, Issuer, KeyRing, SystemClock, SystemRandom, Verifier,
};

const DIRECTORY: &str = r#"{
  "users": [{
    "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForExamplesOnly00000000000" }]
  }],
  "roles": [{
    "arn": "arn:aws:iam::111111111111:role/deploy",
    "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] }
  }]
}"#;

/// Issues a session with an issuer holding `ring`.
fn issue(
    directory: &Arc<dyn Directory>,
    ring: &KeyRing,
    name: &str,
) -> Result<Credentials, Box<dyn Error>> {
    let issuer = Issuer::builder(Arc::clone(directory), ring.clone()).build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse()?)
        .ok_or("alice is not in the directory")?;
    let request =
        AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", name).build()?;
    let creds = issuer.assume_role(&alice, &request)?.credentials;
    let key = UntrustedToken::parse(creds.session_token.expose_secret())?
        .untrusted_key_id()
        .to_string();
    println!("   issued token {name:<4} signed by key {key}");
    Ok(creds)
}

fn check(label: &str, ring: &KeyRing, tokens: &[(&str, &Credentials)]) {
    // Verifiers are immutable snapshots: build a new one from each version of the ring.
    let verifier = Verifier::new(ring);
    let keys: Vec<&str> = ring.key_ids().map(KeyId::as_str).collect();
    println!("   verifier with {label} (keys {keys:?}):");
    for (name, creds) in tokens {
        let outcome = match verifier.verify(creds.session_token.expose_secret(), SystemClock.now())
        {
            Ok(_) => "verifies".to_owned(),
            Err(e) => format!("refused ({}: {e})", e.aws_code()),
        };
        println!("     token {name:<4} {outcome}");
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let directory: Arc<dyn Directory> = Arc::new(InMemoryDirectory::from_json(DIRECTORY)?);
    let old_id = KeyId::new("2026-01")?;
    let new_id = KeyId::new("2026-02")?;

    println!("1. one key, 2026-01, signs:");
    let mut ring = KeyRing::generate(old_id, &SystemRandom)?;
    let before = ring.clone();
    let old = issue(&directory, &ring, "old")?;

    println!(
        "2. add 2026-02 (verify-only) and roll the ring out to every verifier, then promote it:"
    );
    ring.add(new_id, KeyMaterial::generate(&SystemRandom)?)?;
    ring.promote(&new_id)?;
    let new = issue(&directory, &ring, "new")?;
    let tokens = [("old", &old), ("new", &new)];
    check("the rotated ring", &ring, &tokens);
    check("a stale ring (why add before promote)", &before, &tokens);

    println!("3. 36 h + leeway later, retire 2026-01:");
    ring.retire(&old_id)?;
    check("the ring after retirement", &ring, &tokens);
    Ok(())
}
