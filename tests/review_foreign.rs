//! Red-team review: a `Caller` built from a session verified under another key ring.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::{AssumeRoleRequest, CallEnv, Caller, Issuer, KeyRing, UnixTime, Verifier};

const T0: u64 = 1_800_000_000;

const VICTIM: &str = r#"{"roles":[
 {"arn":"arn:aws:iam::111111111111:role/admin","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/nobody"},"Action":"sts:AssumeRole"}]},
  "policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]},
 {"arn":"arn:aws:iam::111111111111:role/prod","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/admin"},"Action":"sts:AssumeRole"}]}}],
 "users":[{"arn":"arn:aws:iam::111111111111:user/nobody"}]}"#;

// The attacker's own directory: same role ARN (so the same derived unique ID), trusting the attacker.
const ATTACKER: &str = r#"{"users":[{"arn":"arn:aws:iam::999999999999:user/mallory","access_keys":[{"id":"AKIAMALLORYEXAMPLE01","secret":"mallorySecretKeyForExamplesOnly000000000"}],"policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]}],
 "roles":[{"arn":"arn:aws:iam::111111111111:role/admin","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:user/mallory"},"Action":"sts:AssumeRole"}]}}]}"#;

#[test]
fn f_issuer_refuses_sessions_of_a_foreign_key_ring() {
    let victim_ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(1)).unwrap();
    let victim = Issuer::builder(
        Arc::new(InMemoryDirectory::from_json(VICTIM).unwrap()),
        victim_ring.clone(),
    )
    .build();
    let evil_ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(666)).unwrap();
    let evil = Issuer::builder(
        Arc::new(InMemoryDirectory::from_json(ATTACKER).unwrap()),
        evil_ring.clone(),
    )
    .build();
    let mallory = evil
        .long_term_caller(&"AKIAMALLORYEXAMPLE01".parse().unwrap())
        .unwrap();
    let c = evil
        .assume_role_at(
            &mallory,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/admin", "pwn")
                .build()
                .unwrap(),
            &CallEnv::at(UnixTime::from_secs(T0)),
        )
        .unwrap()
        .credentials;
    // The victim's verifier refuses it (neighbour: the right check).
    assert!(Verifier::new(&victim_ring)
        .verify(c.session_token.expose_secret(), UnixTime::from_secs(T0))
        .is_err());
    // A verifier of the attacker's ring accepts it, and the victim's Issuer trusts the Caller.
    let s = Verifier::new(&evil_ring)
        .verify(c.session_token.expose_secret(), UnixTime::from_secs(T0))
        .unwrap();
    let r = victim.assume_role_at(
        &Caller::from_session(s),
        &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/prod", "pwn2")
            .build()
            .unwrap(),
        &CallEnv::at(UnixTime::from_secs(T0 + 5)),
    );
    assert!(
        r.is_err(),
        "victim issuer chained a session minted under a foreign key ring into role/prod"
    );
}
