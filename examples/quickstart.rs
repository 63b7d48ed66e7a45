//! Quick start: create a key ring, issue a session token for a role session, verify it the way
//! every service replica would (key ring only), and print what was verified.
//!
//! Run with `cargo run --example quickstart`.
#![allow(clippy::print_stdout)] // printing is what an example does

use std::error::Error;
use tempcred::keys::KeyId;
use tempcred::principal::{IamPath, Partition, RoleName, UniqueId};
use tempcred::token::{Claims, Operation, SessionPrincipal, TokenId, UntrustedToken};
use tempcred::{
    Clock, KeyRing, RandomSource, RoleSessionName, SessionTags, SourceIdentity, SystemClock,
    SystemRandom, TagKey, TagValue, Verifier,
};

fn main() -> Result<(), Box<dyn Error>> {
    // 1. The key ring is the only thing issuer and verifiers share. In production it comes from a
    //    secret store: `KeyRing::from_text(&std::env::var("TEMPCRED_KEYS")?)`.
    let ring = KeyRing::generate(KeyId::new("2026-11")?, &SystemRandom)?;
    let now = SystemClock.now();

    // 2. Issue: a one-hour session of role `deploy`, with a transitive tag and a source identity.
    //    (The Issuer checks trust policies and lifetimes before it gets here.)
    let mut token_id = [0u8; 16];
    SystemRandom.fill_bytes(&mut token_id)?;
    let mut tags = SessionTags::new();
    tags.insert(TagKey::new("team")?, TagValue::new("payments")?, true)?;
    let claims = Claims {
        token_id: TokenId(token_id),
        issued_at: now,
        expires_at: now.saturating_add(3600),
        operation: Operation::AssumeRole,
        partition: Partition::aws(),
        account: "123456789012".parse()?,
        principal: SessionPrincipal::AssumedRole {
            role_path: IamPath::root(),
            role_name: RoleName::new("deploy")?,
            role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4")?,
            session_name: RoleSessionName::new("quickstart")?,
        },
        source_identity: Some(SourceIdentity::new("alice@example.com")?),
        mfa_authenticated_at: None,
        chain_depth: 0,
        tags,
        session_policy: None,
        policy_arns: Vec::new(),
    };
    let creds = claims.seal(&ring)?;
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
