//! The property the `key_ring_text` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_key_ring.rs`.
//!
//! The input is key-ring text. Whatever it is:
//! - `KeyRing::from_text` never panics;
//! - a ring that parses lists its signing key first, holds at most 64 keys, and its `Debug` shows
//!   no key material;
//! - its `to_text()` parses again to the same key IDs in the same order, the same signing key ID,
//!   and the same key material (the second `to_text()` is byte for byte the first).

use tempcred::keys::KeyId;
use tempcred::KeyRing;

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ring) = KeyRing::from_text(text) else {
        return;
    };
    let ids: Vec<KeyId> = ring.key_ids().copied().collect();
    assert_eq!(
        ids.first(),
        Some(ring.signing_key_id()),
        "signing key not first"
    );
    assert!(ids.len() <= 64, "{} keys", ids.len());

    let serialized = ring.to_text();
    let again = match KeyRing::from_text(&serialized) {
        Ok(r) => r,
        Err(e) => panic!("to_text() output does not parse: {e}"),
    };
    assert_eq!(
        again.key_ids().copied().collect::<Vec<_>>(),
        ids,
        "key IDs changed"
    );
    assert_eq!(
        again.signing_key_id(),
        ring.signing_key_id(),
        "signing key changed"
    );
    assert!(
        *again.to_text() == *serialized,
        "key material changed in the round trip"
    );

    let debug = format!("{ring:?}");
    for line in serialized.lines() {
        if let Some(material) = line.rsplit(':').next() {
            assert!(!debug.contains(material), "Debug shows key material");
        }
    }
}
