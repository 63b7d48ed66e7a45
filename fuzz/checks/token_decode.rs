//! The property the `token_decode` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_token.rs`.
//!
//! The first byte picks how the rest is used: as token text, or as raw token bytes (base64url
//! encoded first, so mutations reach the binary layout directly). Either way:
//! - parsing never panics;
//! - whatever parses re-encodes to exactly the same text (decoding is canonical);
//! - nothing verifies under a key ring the input could not know.

use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::token::UntrustedToken;
use tempcred::{KeyRing, UnixTime, Verifier};

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode % 2 == 0 {
        match std::str::from_utf8(rest) {
            Ok(t) => t.to_owned(),
            Err(_) => return,
        }
    } else {
        data_encoding::BASE64URL_NOPAD.encode(rest)
    };
    if let Ok(token) = UntrustedToken::parse(&text) {
        let again = token.canonical_text();
        assert_eq!(
            again.as_deref(),
            Ok(text.as_str()),
            "decoding is not canonical"
        );
    }
    let ring = KeyRing::new(
        KeyId::new("fuzz").expect("valid key ID"),
        KeyMaterial::from_bytes(&[0x5a; 32]).expect("valid key length"),
    )
    .expect("valid ring");
    for now in [0, 1_764_000_000, u64::MAX] {
        let result = Verifier::new(&ring).verify(&text, UnixTime::from_secs(now));
        assert!(result.is_err(), "a token forged without the key verified");
    }
}
