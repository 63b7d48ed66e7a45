//! Quick start: create a key ring, issue a session token through the Issuer (the demo
//! directory's alice assumes role `deploy`), verify it the way every service replica would (key
//! ring only), and print what was verified.
//!
//! Run with `cargo run --example quickstart`.
#![allow(clippy::print_stdout)] // printing is what an example does

use std::error::Error;
use std::sync::Arc;
use tempcred::directory::{demo_directory_json, InMemoryDirectory};
use tempcred::keys::KeyId;
use tempcred::token::UntrustedToken;
use tempcred::{AssumeRoleRequest, Clock, Issuer, KeyRing, SystemClock, SystemRandom, Verifier};

fn main() -> Result<(), Box<dyn Error>> {
    // 1. The key ring is the only thing issuer and verifiers share. In production it comes from a
    //    secret store: `KeyRing::from_text(&std::env::var("TEMPCRED_KEYS")?)`.
    let ring = KeyRing::generate(KeyId::new("2026-11")?, &SystemRandom)?;

    // 2. Issue: the Issuer checks deploy's trust policy (alice's account, the external ID), the
    //    tagging and source-identity permissions and the lifetime, then seals a one-hour session.
    let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    let issuer = Issuer::builder(directory, ring.clone()).build();
    let alice = issuer
        .long_term_caller(&"AKIADEMOALICE0000001".parse()?)
        .ok_or("the demo directory has alice")?;
    let request = AssumeRoleRequest::builder("arn:aws:iam::222222222222:role/deploy", "quickstart")
        .external_id("demo-external-id")
        .tag("team", "payments")
        .transitive_tag_key("team")
        .source_identity("alice@example.com")
        .build()?;
    let creds = issuer.assume_role(&alice, &request)?.credentials;
    println!("issued temporary credentials");
    println!("  AccessKeyId     {}", creds.access_key_id);
    println!("  SecretAccessKey {:?}", creds.secret_access_key);
    println!("  SessionToken    {} bytes", creds.session_token.len());
    println!(
        "  Expiration      {}",
        creds.expiration.to_rfc3339().unwrap_or_default()
    );

    // 3. Verify: any replica holding the ring recomputes the key ID and secret from the token.
    let verifier = Verifier::new(&ring);
    let session = verifier.verify(creds.session_token.expose_secret(), SystemClock.now())?;
    let identity = session.caller_identity();
    println!("verified session");
    println!("  Arn             {}", identity.arn);
    println!("  UserId          {}", identity.user_id);
    println!("  Account         {}", identity.account);
    println!(
        "  key ID matches  {}",
        session.access_key_id() == &creds.access_key_id
    );
    println!(
        "  secret matches  {}",
        verifier
            .secret_access_key(&session)?
            .ct_eq(&creds.secret_access_key)
    );
    for tag in session.claims().tags.iter() {
        println!(
            "  tag             {}={} (transitive: {})",
            tag.key, tag.value, tag.transitive
        );
    }

    // 4. A single altered character is refused.
    let mut altered = creds.session_token.expose_secret().to_owned();
    let flipped = if altered.ends_with('A') { 'B' } else { 'A' };
    altered.pop();
    altered.push(flipped);
    println!(
        "altered token   -> {}",
        verifier
            .verify(&altered, SystemClock.now())
            .map(|_| "accepted".to_owned())
            .unwrap_or_else(|e| format!("refused: {e}"))
    );
    println!(
        "signed by key   {}",
        UntrustedToken::parse(creds.session_token.expose_secret())?.untrusted_key_id()
    );
    Ok(())
}
