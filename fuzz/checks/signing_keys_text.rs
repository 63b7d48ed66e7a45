//! The property the `signing_keys_text` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_signing_keys.rs`.
//!
//! The input is signing-key-ring text (`ROLE:KEY-ID:ALGORITHM:PKCS8` lines). Whatever it is:
//! - `SigningKeyRing::from_text` never panics;
//! - a ring that parses holds at most `MAX_KEYS` keys, at most one signing key per algorithm, and
//!   its `Debug` and JWKS show no private key;
//! - its `to_text()` parses again to the same keys (IDs, algorithms, roles, in order) and the
//!   same JWKS, byte for byte.

use tempcred::outbound::SigningKeyRing;

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ring) = SigningKeyRing::from_text(text) else {
        return;
    };
    let keys: Vec<String> = ring
        .keys()
        .map(|(id, alg, role)| format!("{id}:{alg}:{role:?}"))
        .collect();
    assert!(!keys.is_empty() && keys.len() <= tempcred::limits::MAX_SIGNING_KEYS);
    for alg in tempcred::outbound::SigningAlgorithm::ALL {
        let signing = ring
            .keys()
            .filter(|(_, a, r)| *a == alg && *r == tempcred::outbound::SigningKeyRole::Sign)
            .count();
        assert!(signing <= 1, "{signing} signing keys for {alg}");
    }
    let serialized = ring.to_text();
    let again = match SigningKeyRing::from_text(&serialized) {
        Ok(r) => r,
        Err(e) => panic!("to_text() output does not parse: {e}"),
    };
    let again_keys: Vec<String> = again
        .keys()
        .map(|(id, alg, role)| format!("{id}:{alg}:{role:?}"))
        .collect();
    assert_eq!(again_keys, keys, "keys changed in the round trip");
    assert_eq!(again.jwks_json(), ring.jwks_json(), "public keys changed");
    assert!(*again.to_text() == *serialized, "private keys changed");
    let debug = format!("{ring:?}");
    let jwks = ring.jwks_json();
    for line in serialized.lines().filter(|l| !l.starts_with('#')) {
        if let Some(material) = line.rsplit(':').next() {
            let probe = material.get(..32).unwrap_or(material);
            assert!(!debug.contains(probe), "Debug shows key material");
            assert!(!jwks.contains(probe), "the JWKS shows key material");
        }
    }
    for private in ["\"d\"", "\"p\"", "\"q\""] {
        assert!(!jwks.contains(private), "the JWKS has {private}");
    }
}
