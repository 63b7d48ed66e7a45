//! The property the `authorization_message` fuzz target checks, shared with the stable replay
//! test `tests/fuzz_replay_authorization_message.rs`.
//!
//! The first byte picks how the rest is used: as the message text, or as the sealed bytes
//! (base64url-encoded first, so mutations reach the binary layout: version, key ID, times,
//! account, nonce, ciphertext, tag). Then, at a fixed instant and for a fixed account:
//!
//! - decoding never panics;
//! - under the ring that sealed the seeds, whatever decodes is canonical base64url, names the
//!   account it was asked for, lies within its lifetime, and holds AWS's JSON shape;
//! - under a ring with the same key ID and other material (another deployment), nothing decodes.

use tempcred::authorization_message::AuthorizationMessages;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::principal::{AccountId, Partition};
use tempcred::{KeyRing, UnixTime};

/// The instant the seeds were sealed at; they are decoded a minute later.
pub(crate) const SEALED_AT: u64 = 1_764_000_000;
/// The key ID of both rings.
pub(crate) const KEY_ID: &str = "fuzz";
/// The material of the ring that sealed the seeds.
pub(crate) const SEED_MATERIAL: u8 = 0x5b;
/// The account the seeds are decoded for.
pub(crate) const ACCOUNT: &str = "111111111111";

/// A ring whose only key is `KEY_ID` with 32 bytes of `byte`.
pub(crate) fn ring(byte: u8) -> KeyRing {
    KeyRing::new(
        KeyId::new(KEY_ID).expect("valid key ID"),
        KeyMaterial::from_bytes(&[byte; 32]).expect("valid key length"),
    )
    .expect("valid ring")
}

/// Runs the property on one input; panics if it does not hold. Answers whether the input
/// decoded under the seeds' ring.
pub(crate) fn check(data: &[u8]) -> bool {
    let Some((mode, rest)) = data.split_first() else {
        return false;
    };
    let text = if mode % 2 == 0 {
        match std::str::from_utf8(rest) {
            Ok(t) => t.to_owned(),
            Err(_) => return false,
        }
    } else {
        data_encoding::BASE64URL_NOPAD.encode(rest)
    };
    let account: AccountId = ACCOUNT.parse().expect("valid account");
    let now = UnixTime::from_secs(SEALED_AT + 60);
    let decoded = AuthorizationMessages::new(ring(SEED_MATERIAL)).decode_at(
        &text,
        Partition::aws(),
        account,
        now,
    );
    for other_now in [0, SEALED_AT, u64::MAX] {
        let _ = AuthorizationMessages::new(ring(SEED_MATERIAL)).decode_at(
            &text,
            Partition::aws(),
            account,
            UnixTime::from_secs(other_now),
        );
    }
    let foreign = AuthorizationMessages::new(ring(SEED_MATERIAL ^ 0xff)).decode_at(
        &text,
        Partition::aws(),
        account,
        now,
    );
    assert!(
        foreign.is_err(),
        "a message decoded under another deployment's key"
    );
    let Ok(decoded) = decoded else {
        return false;
    };
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .expect("what decodes is base64url");
    assert_eq!(
        data_encoding::BASE64URL_NOPAD.encode(&bytes),
        text,
        "decoding is not canonical"
    );
    assert_eq!(decoded.account(), account);
    assert!(decoded.issued_at() <= now && now < decoded.expires_at());
    let json: serde_json::Value =
        serde_json::from_str(decoded.json()).expect("the decoded message is JSON");
    for member in [
        "allowed",
        "explicitDeny",
        "matchedStatements",
        "failures",
        "context",
    ] {
        assert!(json.get(member).is_some(), "{member} missing from {json}");
    }
    true
}
