//! The property the `attenuated_token` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_attenuated_token.rs`.
//!
//! The first byte picks the mode:
//! - even: the rest is raw token bytes (base64url encoded first). Parsing as a holder
//!   (`Credentials::from_parts`) and verifying never panic, and nothing verifies under a ring the
//!   input could not know.
//! - odd: the rest is a caveat list, `(kind:u8 ‖ body_len:u16 ‖ body)*`, which the check appends
//!   to a fixed parent token with a *valid* chain (as the parent's holder could), so the input
//!   reaches the caveat decoder behind the tag. Then the verifier either refuses it as malformed
//!   (or expired), never as a bad signature, or accepts it, and then: the expiry is the minimum of
//!   the parent's and every `NotAfter`, never later than the parent's; the caveat count, access
//!   key ID and re-derived secret are the chain's; and re-encoding the decoded caveats with
//!   `Credentials::attenuate`, when it accepts them, gives back exactly the same token
//!   (decoding is canonical).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use tempcred::attenuate::Caveat;
use tempcred::hazmat::Seal;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::principal::{IamPath, Partition, RoleName, UniqueId};
use tempcred::token::{Claims, Operation, SessionPrincipal, TokenId};
use tempcred::{
    Credentials, KeyRing, RoleSessionName, SecretAccessKey, SessionTags, SessionToken, UnixTime,
    Verifier, VerifyError,
};

/// The parent's issue time; the check verifies a minute later.
pub(crate) const ISSUED_AT: u64 = 1_764_000_000;

pub(crate) fn ring() -> KeyRing {
    KeyRing::new(
        KeyId::new("fuzz").expect("valid key ID"),
        KeyMaterial::from_bytes(&[0x5b; 32]).expect("valid key length"),
    )
    .expect("valid ring")
}

/// The fixed parent: a one-hour role session sealed with [`ring`].
pub(crate) fn parent() -> Credentials {
    Claims {
        token_id: TokenId([9; 16]),
        issued_at: UnixTime::from_secs(ISSUED_AT),
        expires_at: UnixTime::from_secs(ISSUED_AT + 3600),
        operation: Operation::AssumeRole,
        partition: Partition::aws(),
        account: "123456789012".parse().expect("valid account"),
        principal: SessionPrincipal::AssumedRole {
            role_path: IamPath::root(),
            role_name: RoleName::new("deploy").expect("valid role name"),
            role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").expect("valid role ID"),
            session_name: RoleSessionName::new("fuzz").expect("valid session name"),
        },
        source_identity: None,
        mfa_authenticated_at: None,
        chain_depth: 0,
        tags: SessionTags::new(),
        session_policy: None,
        policy_arns: Vec::new(),
    }
    .seal(&ring())
    .expect("the parent seals")
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// The chain of `manual::attenuation` from `secret` over `caveats`: the last secret and tag.
pub(crate) fn chain(secret: &str, caveats: &[&[u8]]) -> (String, [u8; 32]) {
    let mut s = secret.to_owned();
    let mut tag = [0u8; 32];
    for c in caveats {
        let len = u16::try_from(c.len())
            .expect("a caveat fits a token")
            .to_be_bytes();
        let k = hmac(s.as_bytes(), &[b"tempcred/v1/attenuate", &len, c]);
        let material = hmac(&k, &[b"tempcred/v1/attenuate/secret"]);
        s = data_encoding::BASE64.encode(material.get(..30).expect("32 bytes"));
        tag = hmac(&k, &[b"tempcred/v1/attenuate/tag"]);
    }
    (s, tag)
}

/// Splits `(kind ‖ len:u16 ‖ body)*` leniently (any kind, any length), or `None` when the bytes
/// do not divide into whole caveats.
fn caveats(mut rest: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !rest.is_empty() {
        let len = match rest {
            [_, a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])),
            _ => return None,
        };
        let (c, tail) = rest.split_at_checked(3 + len)?;
        out.push(c);
        rest = tail;
    }
    Some(out)
}

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let now = UnixTime::from_secs(ISSUED_AT + 60);
    let parent = parent();
    if mode % 2 == 0 {
        let text = data_encoding::BASE64URL_NOPAD.encode(rest);
        if let Ok(token) = SessionToken::new(text.clone()) {
            let _ = Credentials::from_parts(
                parent.access_key_id,
                parent.secret_access_key.clone(),
                token,
            );
        }
        let stranger = KeyRing::new(
            KeyId::new("fuzz").expect("valid key ID"),
            KeyMaterial::from_bytes(&[0xa5; 32]).expect("valid key length"),
        )
        .expect("valid ring");
        assert!(
            Verifier::new(&stranger).verify(&text, now).is_err(),
            "a token forged without the key verified"
        );
        let _ = Verifier::new(&ring()).verify(&text, now);
        return;
    }
    let Some(list) = caveats(rest) else { return };
    let Ok(count) = u8::try_from(list.len()) else {
        return;
    };
    let parent_bytes = data_encoding::BASE64URL_NOPAD
        .decode(parent.session_token.expose_secret().as_bytes())
        .expect("the parent is base64url");
    let (secret, tag) = chain(parent.secret_access_key.expose_secret(), &list);
    let mut token = vec![2u8];
    let parent_len = u16::try_from(parent_bytes.len()).expect("a small parent");
    token.extend_from_slice(&parent_len.to_be_bytes());
    token.extend_from_slice(&parent_bytes);
    token.push(count);
    for c in &list {
        token.extend_from_slice(c);
    }
    token.extend_from_slice(&tag);
    let text = data_encoding::BASE64URL_NOPAD.encode(&token);
    let verifier = Verifier::new(&ring());
    match verifier.verify(&text, now) {
        Err(VerifyError::Malformed(_) | VerifyError::Expired) => {}
        Err(VerifyError::BadSignature) if list.is_empty() => {}
        Err(e) => panic!("a validly chained token was refused with {e:?}"),
        Ok(session) => {
            let attenuation = session.attenuation().expect("an attenuated session");
            assert_eq!(attenuation.caveat_count(), list.len());
            assert!(!list.is_empty() && list.len() <= tempcred::limits::MAX_CAVEATS);
            let mut expiry = parent.expiration;
            for c in attenuation.caveats() {
                if let Caveat::NotAfter(t) = c {
                    expiry = expiry.min(*t);
                }
            }
            assert_eq!(session.claims().expires_at, expiry);
            assert!(session.claims().expires_at <= parent.expiration);
            let secret_again = verifier
                .secret_access_key(&session)
                .expect("the key is in the ring");
            assert_eq!(secret_again.expose_secret(), secret);
            let id = format!(
                "ASIA{}",
                data_encoding::BASE32_NOPAD.encode(tag.get(..10).expect("32 bytes"))
            );
            assert_eq!(session.access_key_id().as_str(), id);
            assert_eq!(
                attenuation.policies().len(),
                attenuation
                    .caveats()
                    .iter()
                    .filter(|c| matches!(c, Caveat::Policy(_)))
                    .count()
            );
            if let Ok(again) = parent.attenuate(attenuation.caveats(), now) {
                assert_eq!(
                    again.session_token.expose_secret(),
                    text,
                    "decoding is not canonical"
                );
                assert!(again
                    .secret_access_key
                    .ct_eq(&SecretAccessKey::new(&secret).expect("a valid secret")));
            }
        }
    }
}
