//! Verifiers shared by several threads while the key ring rotates (new `Verifier` snapshots are
//! swapped in): no wrong accept, no wrong refusal. Also: `Verifier` and `Issuer` are
//! `Send + Sync`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common;

use common::{assume_role_claims, ISSUED_AT};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use tempcred::hazmat::Seal;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::token::TokenId;
use tempcred::{Issuer, KeyRing, UnixTime, Verifier, VerifyError};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn verifier_and_issuer_are_send_and_sync() {
    assert_send_sync::<Verifier>();
    assert_send_sync::<Issuer>();
    assert_send_sync::<KeyRing>();
}

fn key(i: u8) -> (KeyId, KeyMaterial) {
    (
        KeyId::new(&format!("k{i}")).unwrap(),
        KeyMaterial::from_bytes(&[i; 32]).unwrap(),
    )
}

/// A token signed by key `i` alone.
fn token_of(i: u8, n: u8) -> String {
    let (id, material) = key(i);
    let ring = KeyRing::new(id, material).unwrap();
    let mut claims = assume_role_claims();
    claims.token_id = TokenId([n; 16]);
    claims
        .seal(&ring)
        .unwrap()
        .session_token
        .expose_secret()
        .to_owned()
}

#[test]
fn rotation_under_load_never_accepts_or_refuses_wrongly() {
    const GENERATIONS: u8 = 12;
    // Generation g's ring: signs with k(g), verifies k(g-1) too; k(g-2) is retired.
    let ring_of = |g: u8| {
        let (id, material) = key(g);
        let mut ring = KeyRing::new(id, material).unwrap();
        if g > 1 {
            let (old, material) = key(g - 1);
            ring.add(old, material).unwrap();
        }
        ring
    };
    let tokens: Vec<Vec<String>> = (1..=GENERATIONS)
        .map(|g| (0..4).map(|n| token_of(g, n)).collect())
        .collect();
    let forged = {
        let mut t = tokens[0][0].clone().into_bytes();
        let last = t.len() - 5;
        t[last] = if t[last] == b'A' { b'B' } else { b'A' };
        String::from_utf8(t).unwrap()
    };
    // The snapshot and its generation change together, under one lock.
    let current = Arc::new(RwLock::new((1u8, Arc::new(Verifier::new(&ring_of(1))))));
    let stop = AtomicBool::new(false);
    let checks = AtomicUsize::new(0);
    let now = UnixTime::from_secs(ISSUED_AT + 10);

    std::thread::scope(|s| {
        for worker in 0..3 {
            let (current, stop, checks, tokens, forged) =
                (&current, &stop, &checks, &tokens, &forged);
            s.spawn(move || {
                let mut i = worker;
                while !stop.load(Ordering::Relaxed) {
                    let (generation, verifier) = {
                        let guard = current.read().unwrap();
                        (guard.0, Arc::clone(&guard.1))
                    };
                    for (g_index, batch) in tokens.iter().enumerate() {
                        let signer = u8::try_from(g_index).unwrap() + 1;
                        let token = &batch[i % batch.len()];
                        let result = verifier.verify(token, now);
                        let known = signer == generation || signer + 1 == generation;
                        if known {
                            assert!(
                                result.is_ok(),
                                "gen {generation}: k{signer} refused: {result:?}"
                            );
                        } else {
                            assert_eq!(
                                result.unwrap_err(),
                                VerifyError::UnknownKey,
                                "gen {generation}: k{signer} accepted"
                            );
                        }
                    }
                    assert!(verifier.verify(forged, now).is_err());
                    checks.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            });
        }
        for g in 2..=GENERATIONS {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let next = Arc::new(Verifier::new(&ring_of(g)));
            *current.write().unwrap() = (g, next);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        stop.store(true, Ordering::Relaxed);
    });
    assert!(
        checks.load(Ordering::Relaxed) > 50,
        "the workers barely ran"
    );
}

/// One signed request per session: (headers, whether the signature is genuine).
type Signed = (Vec<(String, String)>, bool);

#[test]
fn a_shared_signing_key_cache_never_accepts_a_forgery_or_exceeds_its_bound() {
    use std::num::NonZeroUsize;
    use tempcred::sigv4::{
        sign, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest,
        SigningParams,
    };
    const BODY: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";
    let ring = common::ring();
    let now = UnixTime::from_secs(ISSUED_AT + 60);
    // 40 sessions, each signing once genuinely and once with a wrong secret; the cache holds 32.
    let requests: Vec<Signed> = (0..40u8)
        .flat_map(|n| {
            let mut claims = assume_role_claims();
            claims.token_id = TokenId([n; 16]);
            let creds = claims.seal(&ring).unwrap();
            let other = {
                claims.token_id = TokenId([n ^ 0x80; 16]);
                claims.seal(&ring).unwrap().secret_access_key
            };
            [(&creds.secret_access_key, true), (&other, false)].map(|(secret, genuine)| {
                let host = [("Host", "sts.example.com")];
                let req = SignableRequest {
                    method: "POST",
                    path: "/",
                    query: "",
                    headers: &host,
                    payload: PayloadHash::Bytes(BODY),
                };
                let params = SigningParams::new(
                    creds.access_key_id.as_str(),
                    secret,
                    "us-east-1",
                    "sts",
                    now,
                )
                .with_session_token(creds.session_token.expose_secret());
                let mut headers = vec![("Host".to_string(), "sts.example.com".to_string())];
                headers.extend(
                    sign(&req, &params)
                        .unwrap()
                        .headers
                        .into_iter()
                        .map(|(n, v)| (n.to_string(), v)),
                );
                (headers, genuine)
            })
        })
        .collect();
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        NoLongTermKeys,
        SigV4Config::new("sts"),
    )
    .with_signing_key_cache(NonZeroUsize::new(32).unwrap());
    let wrong = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for t in 0..4usize {
            let (verifier, requests, wrong) = (&verifier, &requests, &wrong);
            s.spawn(move || {
                for round in 0..25usize {
                    let (headers, genuine) = &requests[(t * 7 + round * 13) % requests.len()];
                    let headers: Vec<(&str, &str)> = headers
                        .iter()
                        .map(|(n, v)| (n.as_str(), v.as_str()))
                        .collect();
                    let req = SignableRequest {
                        method: "POST",
                        path: "/",
                        query: "",
                        headers: &headers,
                        payload: PayloadHash::Bytes(BODY),
                    };
                    // Twice: the second time a genuine request's key is usually remembered.
                    for _ in 0..2 {
                        if verifier.verify(&req, now).is_ok() != *genuine {
                            wrong.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    assert_eq!(wrong.load(Ordering::Relaxed), 0);
    let stats = verifier.signing_key_cache_stats().unwrap();
    assert_eq!(stats.hits + stats.misses, 200, "{stats:?}");
    assert!(stats.hits > 0 && stats.len <= 32, "{stats:?}");
}
