//! The session-token codec and the stateless Verifier, as a user calls them: round trips, every
//! alteration refused, lifetimes with leeway, key rotation, and no secret in `Debug`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common;

use common::{assume_role_claims, ring, ISSUED_AT, LIFETIME};
use proptest::prelude::*;
use tempcred::hazmat::Seal;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::limits::MAX_TOKEN_TEXT_BYTES;
use tempcred::principal::{AccountId, IamPath, Partition, RoleName, UniqueId, UserName};
use tempcred::token::{
    Claims, LongTermPrincipal, MalformedToken, Operation, SessionPrincipal, TokenId, UntrustedToken,
};
use tempcred::{
    FederatedUserName, KeyRing, RevokedSessions, RoleSessionName, SessionTags, SourceIdentity,
    TagKey, TagValue, UnixTime, Verifier, VerifyError,
};

fn mid_life() -> UnixTime {
    UnixTime::from_secs(ISSUED_AT + 60)
}

fn b64(bytes: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .unwrap()
}

#[test]
fn a_sealed_token_verifies_and_yields_the_same_credentials() {
    let ring = ring();
    let claims = assume_role_claims();
    let creds = claims.seal(&ring).unwrap();
    let session = Verifier::new(&ring)
        .verify(creds.session_token.expose_secret(), mid_life())
        .unwrap();
    assert_eq!(session.claims(), &claims);
    assert_eq!(session.access_key_id(), &creds.access_key_id);
    let verifier = Verifier::new(&ring);
    let secret = verifier.secret_access_key(&session).unwrap();
    assert!(secret.ct_eq(&creds.secret_access_key));
    let other = KeyRing::new(
        KeyId::new("k2").unwrap(),
        KeyMaterial::from_bytes(&[0x43; 32]).unwrap(),
    )
    .unwrap();
    assert_eq!(
        Verifier::new(&other)
            .secret_access_key(&session)
            .unwrap_err(),
        VerifyError::UnknownKey
    );
    assert!(creds.access_key_id.as_str().starts_with("ASIA"));
    assert_eq!(creds.access_key_id.as_str().len(), 20);
    assert_eq!(creds.secret_access_key.expose_secret().len(), 40);
    assert_eq!(creds.expiration.as_secs(), ISSUED_AT + LIFETIME);
    let id = session.caller_identity();
    assert_eq!(
        id.arn,
        "arn:aws:sts::123456789012:assumed-role/deploy/ci-run-42"
    );
    assert_eq!(id.user_id, "AROA3XFRBF535PLBIFPI4:ci-run-42");
    assert_eq!(id.account, "123456789012");
}

#[test]
fn a_plain_assume_role_token_is_under_400_bytes_of_text() {
    let creds = assume_role_claims().seal(&ring()).unwrap();
    assert!(
        creds.session_token.len() <= 400,
        "{}",
        creds.session_token.len()
    );
}

#[test]
fn different_tokens_get_different_credentials() {
    let ring = ring();
    let a = assume_role_claims().seal(&ring).unwrap();
    let mut other = assume_role_claims();
    other.token_id = TokenId([8; 16]);
    let b = other.seal(&ring).unwrap();
    assert_ne!(a.access_key_id, b.access_key_id);
    assert!(!a.secret_access_key.ct_eq(&b.secret_access_key));
}

#[test]
fn lifetime_edges_with_the_default_leeway() {
    let ring = ring();
    let token = assume_role_claims().seal(&ring).unwrap().session_token;
    let v = Verifier::new(&ring);
    let leeway = v.clock_skew_leeway();
    assert_eq!(leeway, 300);
    let exp = ISSUED_AT + LIFETIME;
    let at = |t| v.verify(token.expose_secret(), UnixTime::from_secs(t));
    assert!(at(exp + leeway - 1).is_ok());
    assert_eq!(at(exp + leeway).unwrap_err(), VerifyError::Expired);
    assert!(at(ISSUED_AT - leeway).is_ok());
    assert_eq!(
        at(ISSUED_AT - leeway - 1).unwrap_err(),
        VerifyError::NotYetValid
    );
    assert_eq!(VerifyError::Expired.aws_code(), "ExpiredToken");
}

#[test]
fn leeway_is_configurable_up_to_fifteen_minutes() {
    let ring = ring();
    let token = assume_role_claims().seal(&ring).unwrap().session_token;
    let strict = Verifier::new(&ring).with_clock_skew_leeway(0).unwrap();
    let exp = ISSUED_AT + LIFETIME;
    assert!(strict
        .verify(token.expose_secret(), UnixTime::from_secs(exp - 1))
        .is_ok());
    assert_eq!(
        strict
            .verify(token.expose_secret(), UnixTime::from_secs(exp))
            .unwrap_err(),
        VerifyError::Expired
    );
    assert!(Verifier::new(&ring).with_clock_skew_leeway(900).is_ok());
    assert!(Verifier::new(&ring).with_clock_skew_leeway(901).is_err());
}

#[test]
fn rotation_keeps_old_tokens_valid_until_the_old_key_retires() {
    let mut ring = ring();
    let old_token = assume_role_claims().seal(&ring).unwrap().session_token;
    ring.add(
        KeyId::new("k2").unwrap(),
        KeyMaterial::from_bytes(&[9; 32]).unwrap(),
    )
    .unwrap();
    ring.promote(&KeyId::new("k2").unwrap()).unwrap();
    let new_token = assume_role_claims().seal(&ring).unwrap().session_token;
    let v = Verifier::new(&ring);
    assert!(v.verify(old_token.expose_secret(), mid_life()).is_ok());
    assert!(v.verify(new_token.expose_secret(), mid_life()).is_ok());
    assert_eq!(
        UntrustedToken::parse(new_token.expose_secret())
            .unwrap()
            .untrusted_key_id()
            .as_str(),
        "k2"
    );
    ring.retire(&KeyId::new("k1").unwrap()).unwrap();
    let v = Verifier::new(&ring);
    assert_eq!(
        v.verify(old_token.expose_secret(), mid_life()).unwrap_err(),
        VerifyError::UnknownKey
    );
    assert!(v.verify(new_token.expose_secret(), mid_life()).is_ok());
}

#[test]
fn a_token_from_an_unrelated_ring_is_refused() {
    let other = KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[0x43; 32]).unwrap(),
    )
    .unwrap();
    let token = assume_role_claims().seal(&other).unwrap().session_token;
    assert_eq!(
        Verifier::new(&ring())
            .verify(token.expose_secret(), mid_life())
            .unwrap_err(),
        VerifyError::BadSignature
    );
    let stranger = KeyRing::new(
        KeyId::new("zz").unwrap(),
        KeyMaterial::from_bytes(&[0x43; 32]).unwrap(),
    )
    .unwrap();
    let token = assume_role_claims().seal(&stranger).unwrap().session_token;
    assert_eq!(
        Verifier::new(&ring())
            .verify(token.expose_secret(), mid_life())
            .unwrap_err(),
        VerifyError::UnknownKey
    );
}

#[test]
fn revoked_role_sessions_are_refused_and_later_ones_accepted() {
    let ring = ring();
    let token = assume_role_claims().seal(&ring).unwrap().session_token;
    let mut revoked = RevokedSessions::default();
    let account: AccountId = "123456789012".parse().unwrap();
    let role = RoleName::new("deploy").unwrap();
    revoked.revoke_role_sessions(account, role, UnixTime::from_secs(ISSUED_AT + 1));
    let v = Verifier::new(&ring).with_revoked_sessions(revoked.clone());
    assert_eq!(
        v.verify(token.expose_secret(), mid_life()).unwrap_err(),
        VerifyError::Revoked
    );
    // A cut-off at the issue instant itself leaves the session valid ("issued before T").
    let mut at_issue = RevokedSessions::default();
    at_issue.revoke_role_sessions(account, role, UnixTime::from_secs(ISSUED_AT));
    let v = Verifier::new(&ring).with_revoked_sessions(at_issue);
    assert!(v.verify(token.expose_secret(), mid_life()).is_ok());
    // Another role's cut-off does not touch this session.
    let mut other = RevokedSessions::default();
    other.revoke_role_sessions(
        account,
        RoleName::new("admin").unwrap(),
        UnixTime::from_secs(u64::MAX),
    );
    let v = Verifier::new(&ring).with_revoked_sessions(other);
    assert!(v.verify(token.expose_secret(), mid_life()).is_ok());
}

#[test]
fn debug_output_never_shows_secrets() {
    let ring = ring();
    let creds = assume_role_claims().seal(&ring).unwrap();
    let session = Verifier::new(&ring)
        .verify(creds.session_token.expose_secret(), mid_life())
        .unwrap();
    let secret = creds.secret_access_key.expose_secret().to_owned();
    let token = creds.session_token.expose_secret().to_owned();
    let material = data_encoding::BASE64URL_NOPAD.encode(&[0x42; 32]);
    for dbg in [
        format!("{session:?}"),
        format!("{creds:?}"),
        format!("{ring:?}"),
        format!("{:?}", Verifier::new(&ring)),
    ] {
        assert!(!dbg.contains(&secret), "{dbg}");
        assert!(!dbg.contains(&token[..40]), "{dbg}");
        assert!(!dbg.contains(&material[..20]), "{dbg}");
        assert!(!dbg.contains("66, 66, 66"), "{dbg}");
    }
    assert!(format!("{session:?}").contains(creds.access_key_id.as_str()));
    // Debug is still useful: it names the keys and the leeway.
    let verifier = format!("{:?}", Verifier::new(&ring));
    assert!(
        verifier.contains("k1") && verifier.contains("300"),
        "{verifier}"
    );
}

#[test]
fn malformed_text_gets_a_malformed_error() {
    let v = Verifier::new(&ring());
    let cases: &[(&str, MalformedToken)] = &[
        ("", MalformedToken::Truncated),
        ("!!!!", MalformedToken::NotBase64),
        ("AAA=", MalformedToken::NotBase64),
        ("A", MalformedToken::NotBase64),
    ];
    for (text, want) in cases {
        assert_eq!(
            v.verify(text, mid_life()).unwrap_err(),
            VerifyError::Malformed(*want),
            "{text:?}"
        );
    }
    let long = "A".repeat(MAX_TOKEN_TEXT_BYTES + 4);
    assert_eq!(
        v.verify(&long, mid_life()).unwrap_err(),
        VerifyError::Malformed(MalformedToken::TooLong)
    );
    // An unknown version is refused before anything else is read.
    let mut bytes = unb64(
        assume_role_claims()
            .seal(&ring())
            .unwrap()
            .session_token
            .expose_secret(),
    );
    bytes[0] = 3;
    assert_eq!(
        v.verify(&b64(&bytes), mid_life()).unwrap_err(),
        VerifyError::Malformed(MalformedToken::UnsupportedVersion(3))
    );
    // Version 2 is an attenuated token (tests/attenuation.rs): a version-1 body under its
    // version byte is not one.
    bytes[0] = 2;
    assert!(matches!(
        v.verify(&b64(&bytes), mid_life()).unwrap_err(),
        VerifyError::Malformed(_)
    ));
}

#[test]
fn non_canonical_base64_is_refused() {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let ring = ring();
    let v = Verifier::new(&ring);
    let mut tried = 0;
    // Session names of different lengths give texts whose last character carries 2 or 4 unused
    // bits; setting one of them decodes to the same bytes in a lax decoder.
    for n in 2..6 {
        let mut c = assume_role_claims();
        if let SessionPrincipal::AssumedRole { session_name, .. } = &mut c.principal {
            *session_name = RoleSessionName::new(&"s".repeat(n)).unwrap();
        }
        let token = c.seal(&ring).unwrap().session_token;
        let text = token.expose_secret();
        assert!(v.verify(text, mid_life()).is_ok());
        assert!(v.verify(&format!("{text}="), mid_life()).is_err());
        if text.len() % 4 == 0 {
            continue;
        }
        let last = text.chars().last().unwrap();
        let sibling = alphabet
            .chars()
            .nth(alphabet.find(last).unwrap() ^ 1)
            .unwrap();
        let altered = format!("{}{}", &text[..text.len() - 1], sibling);
        assert_eq!(
            v.verify(&altered, mid_life()).unwrap_err(),
            VerifyError::Malformed(MalformedToken::NotBase64)
        );
        tried += 1;
    }
    assert!(tried >= 2);
}

#[test]
fn times_up_to_the_last_representable_second_decode_and_later_ones_do_not() {
    let ring = ring();
    let mut c = assume_role_claims();
    c.issued_at = UnixTime::from_secs(tempcred::limits::MAX_UNIX_TIME - 3600);
    c.expires_at = UnixTime::from_secs(tempcred::limits::MAX_UNIX_TIME);
    let text = c.seal(&ring).unwrap().session_token;
    let parsed = UntrustedToken::parse(text.expose_secret()).unwrap();
    assert_eq!(parsed.untrusted_claims(), &c);
    // Envelope: version (1), key-ID length (1), "k1" (2), token ID (16), issued_at (8), then
    // expires_at: set it one past the maximum.
    let mut bytes = unb64(text.expose_secret());
    bytes[28..36].copy_from_slice(&(tempcred::limits::MAX_UNIX_TIME + 1).to_be_bytes());
    assert_eq!(
        UntrustedToken::parse(&b64(&bytes)).unwrap_err(),
        MalformedToken::InvalidField("expires_at")
    );
}

#[test]
fn claims_out_of_range_do_not_seal() {
    let ring = ring();
    let mut c = assume_role_claims();
    c.expires_at = c.issued_at;
    assert!(c.seal(&ring).is_err());
    let mut c = assume_role_claims();
    c.expires_at = c.issued_at.saturating_add(129_601);
    assert!(c.seal(&ring).is_err());
    let mut c = assume_role_claims();
    c.expires_at = c.issued_at.saturating_add(129_600);
    assert!(c.seal(&ring).is_ok());
    let mut c = assume_role_claims();
    c.session_policy = Some("".into());
    assert!(c.seal(&ring).is_err());
    let mut c = assume_role_claims();
    c.policy_arns = (0..10)
        .map(|i| format!("arn:aws:iam::aws:policy/P{i}").into())
        .collect();
    assert!(c.seal(&ring).is_ok(), "ten policy ARNs are allowed");
    c.policy_arns.push("arn:aws:iam::aws:policy/P10".into());
    assert!(c.seal(&ring).is_err(), "eleven are not");
    let long_arn = |n: usize| {
        let head = "arn:aws:iam::123456789012:policy/";
        format!("{head}{}", "p".repeat(n - head.len()))
    };
    let mut c = assume_role_claims();
    c.policy_arns = vec![long_arn(2048).into()];
    assert!(c.seal(&ring).is_ok(), "a 2048-byte policy ARN is allowed");
    c.policy_arns = vec![long_arn(2049).into()];
    assert!(c.seal(&ring).is_err(), "a 2049-byte one is not");
    let mut c = assume_role_claims();
    c.mfa_authenticated_at = Some(c.issued_at);
    assert!(c.seal(&ring).is_ok(), "MFA proven at the issue instant");
    c.mfa_authenticated_at = Some(c.issued_at.saturating_add(1));
    assert!(
        c.seal(&ring).is_err(),
        "MFA proven after the token was issued"
    );
    let mut c = assume_role_claims();
    c.session_policy = Some("p".repeat(2048).into());
    assert!(c.seal(&ring).is_ok(), "a 2048-byte session policy fits");
    c.session_policy = Some("p".repeat(2049).into());
    assert!(c.seal(&ring).is_err(), "a 2049-byte one does not");
    let mut c = assume_role_claims();
    c.policy_arns = vec!["".into()];
    assert!(c.seal(&ring).is_err(), "an empty policy ARN");
    let mut c = assume_role_claims();
    c.principal = SessionPrincipal::AssumedRole {
        role_path: IamPath::root(),
        role_name: RoleName::new("deploy").unwrap(),
        role_id: UniqueId::new("AIDA3XFRBF535PLBIFPI4").unwrap(),
        session_name: RoleSessionName::new("s1").unwrap(),
    };
    assert!(c.seal(&ring).is_err(), "a user ID cannot name a role");
}

#[test]
fn oversized_tokens_are_packed_policy_too_large() {
    let mut c = assume_role_claims();
    for i in 0..50 {
        c.tags
            .insert(
                TagKey::new(&format!("{i:02}{}", "k".repeat(126))).unwrap(),
                TagValue::new(&"v".repeat(256)).unwrap(),
                false,
            )
            .unwrap();
    }
    assert!(matches!(
        c.seal(&ring()),
        Err(tempcred::token::SealError::TooLarge { .. })
    ));
}

// ---- property tests ----

fn name(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9_+=,.@-]{{2,{max}}}")).unwrap()
}

fn arb_long_term() -> impl Strategy<Value = LongTermPrincipal> {
    prop_oneof![
        Just(LongTermPrincipal::Root),
        ("(/|/[a-z]{1,8}/)", name(64), "[A-Z0-9]{17}").prop_map(|(path, n, id)| {
            LongTermPrincipal::User {
                path: IamPath::new(&path).unwrap(),
                name: UserName::new(&n).unwrap(),
                user_id: UniqueId::new(&format!("AIDA{id}")).unwrap(),
            }
        }),
    ]
}

fn arb_principal() -> impl Strategy<Value = SessionPrincipal> {
    prop_oneof![
        ("(/|/[a-z]{1,20}/)", name(64), "[A-Z0-9]{17}", name(64)).prop_map(
            |(path, role, id, session)| SessionPrincipal::AssumedRole {
                role_path: IamPath::new(&path).unwrap(),
                role_name: RoleName::new(&role).unwrap(),
                role_id: UniqueId::new(&format!("AROA{id}")).unwrap(),
                session_name: RoleSessionName::new(&session).unwrap(),
            }
        ),
        (name(32), arb_long_term()).prop_map(|(n, parent)| SessionPrincipal::FederatedUser {
            name: FederatedUserName::new(&n).unwrap(),
            parent,
        }),
        arb_long_term().prop_map(SessionPrincipal::LongTerm),
    ]
}

fn arb_tags() -> impl Strategy<Value = SessionTags> {
    proptest::collection::vec(
        (
            "[a-zA-Z0-9 _.:/=+@-]{1,20}",
            "[a-zA-Z0-9 ]{0,30}",
            any::<bool>(),
        ),
        0..6,
    )
    .prop_map(|raw| {
        let mut tags = SessionTags::new();
        for (k, v, t) in raw {
            let (Ok(k), Ok(v)) = (TagKey::new(&k), TagValue::new(&v)) else {
                continue;
            };
            let _ = tags.insert(k, v, t);
        }
        tags
    })
}

prop_compose! {
    fn arb_claims()(
        token_id in any::<[u8; 16]>(),
        issued_at in 0u64..4_000_000_000,
        lifetime in 1u64..=129_600,
        op in 1u8..=6,
        account in 0u64..=999_999_999_999,
        partition in "aws(-[a-z]{2,6})?",
        principal in arb_principal(),
        source_identity in proptest::option::of(name(64)),
        mfa_age in proptest::option::of(0u64..10_000),
        chain_depth in 0u8..=64,
        tags in arb_tags(),
        policy in proptest::option::of("\\{\"Version\":\"2012-10-17\"[ -~]{0,60}\\}"),
        arns in proptest::collection::vec("arn:aws:iam::aws:policy/[A-Za-z]{1,30}", 0..=10),
    ) -> Claims {
        let issued = UnixTime::from_secs(issued_at);
        Claims {
            token_id: TokenId(token_id),
            issued_at: issued,
            expires_at: issued.saturating_add(lifetime),
            operation: [Operation::AssumeRole, Operation::AssumeRoleWithWebIdentity,
                Operation::AssumeRoleWithSaml, Operation::GetSessionToken,
                Operation::GetFederationToken, Operation::AssumeRoleForService][usize::from(op - 1)],
            partition: Partition::new(&partition).unwrap(),
            account: AccountId::from_u64(account).unwrap(),
            principal,
            source_identity: source_identity.map(|s| SourceIdentity::new(&s).unwrap()),
            mfa_authenticated_at: mfa_age.map(|a| issued.saturating_sub(a)),
            chain_depth,
            tags,
            session_policy: policy.map(Into::into),
            policy_arns: arns.into_iter().map(Into::into).collect(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn encode_decode_round_trips(claims in arb_claims()) {
        let ring = ring();
        let creds = claims.seal(&ring).unwrap();
        let text = creds.session_token.expose_secret();
        let parsed = UntrustedToken::parse(text).unwrap();
        prop_assert_eq!(parsed.untrusted_claims(), &claims);
        prop_assert_eq!(parsed.canonical_text().unwrap(), text);
        let now = claims.issued_at;
        let session = Verifier::new(&ring).verify(text, now).unwrap();
        prop_assert_eq!(session.claims(), &claims);
        prop_assert_eq!(session.access_key_id(), &creds.access_key_id);
    }

    #[test]
    fn every_single_bit_flip_is_refused(claims in arb_claims(), seed in any::<u64>()) {
        let ring = ring();
        let v = Verifier::new(&ring);
        let text = claims.seal(&ring).unwrap().session_token;
        let bytes = unb64(text.expose_secret());
        let now = claims.issued_at;
        // Every bit of a random handful of bytes, plus every byte's low bit.
        let n = bytes.len();
        let picks: Vec<usize> = (0..8).map(|i| ((seed >> (i * 8)) as usize) % n).collect();
        for i in 0..n {
            let bits: &[u8] = if picks.contains(&i) { &[0, 1, 2, 3, 4, 5, 6, 7] } else { &[0] };
            for bit in bits {
                let mut altered = bytes.clone();
                altered[i] ^= 1 << bit;
                prop_assert!(v.verify(&b64(&altered), now).is_err(), "flip of byte {} bit {}", i, bit);
            }
        }
    }

    #[test]
    fn truncation_and_extension_are_refused(claims in arb_claims(), extra in proptest::collection::vec(any::<u8>(), 1..8)) {
        let ring = ring();
        let v = Verifier::new(&ring);
        let bytes = unb64(claims.seal(&ring).unwrap().session_token.expose_secret());
        let now = claims.issued_at;
        for len in 0..bytes.len() {
            prop_assert!(v.verify(&b64(&bytes[..len]), now).is_err());
        }
        let mut longer = bytes.clone();
        longer.extend_from_slice(&extra);
        prop_assert!(v.verify(&b64(&longer), now).is_err());
        // Extending the claims but keeping a MAC in place: still refused.
        let mut inner = bytes[..bytes.len() - 32].to_vec();
        inner.extend_from_slice(&extra);
        inner.extend_from_slice(&bytes[bytes.len() - 32..]);
        prop_assert!(v.verify(&b64(&inner), now).is_err());
    }

    #[test]
    fn swapping_the_key_id_is_refused(claims in arb_claims()) {
        let mut ring = ring();
        ring.add(KeyId::new("k2").unwrap(), KeyMaterial::from_bytes(&[1; 32]).unwrap()).unwrap();
        ring.add(KeyId::new("key-three").unwrap(), KeyMaterial::from_bytes(&[2; 32]).unwrap()).unwrap();
        let v = Verifier::new(&ring);
        let bytes = unb64(claims.seal(&ring).unwrap().session_token.expose_secret());
        let now = claims.issued_at;
        prop_assert!(v.verify(&b64(&bytes), now).is_ok());
        // Envelope: version, key-id length (2), "k1".
        prop_assert_eq!(&bytes[1..4], b"\x02k1");
        let mut same_len = bytes.clone();
        same_len[2..4].copy_from_slice(b"k2");
        prop_assert_eq!(v.verify(&b64(&same_len), now).unwrap_err(), VerifyError::BadSignature);
        let mut other_len = vec![1u8, 9];
        other_len.extend_from_slice(b"key-three");
        other_len.extend_from_slice(&bytes[4..]);
        prop_assert_eq!(v.verify(&b64(&other_len), now).unwrap_err(), VerifyError::BadSignature);
    }

    #[test]
    fn arbitrary_text_never_verifies(text in "[A-Za-z0-9_-]{0,600}") {
        prop_assert!(Verifier::new(&ring()).verify(&text, UnixTime::from_secs(ISSUED_AT)).is_err());
    }
}

#[test]
fn a_token_of_exactly_4096_bytes_seals_and_verifies_and_one_more_byte_does_not() {
    let ring = ring();
    let with = |tags: usize, policy_len: usize| {
        let mut c = assume_role_claims();
        for i in 0..tags {
            c.tags
                .insert(
                    TagKey::new(&format!("k{i:02}")).unwrap(),
                    TagValue::new(&"v".repeat(200)).unwrap(),
                    false,
                )
                .unwrap();
        }
        c.session_policy = Some(format!("{{{}}}", "x".repeat(policy_len)).into());
        c
    };
    // 13 tags of ~205 bytes bring the token near the limit; the policy then fills it exactly.
    let mut exact = None;
    for len in 1..1500 {
        let claims = with(13, len);
        match claims.seal(&ring) {
            Ok(c) if c.session_token.len() == MAX_TOKEN_TEXT_BYTES => {
                exact = Some((claims, c));
                break;
            }
            Ok(_) => {}
            Err(e) => panic!("sealing failed before reaching the limit at {len}: {e}"),
        }
    }
    let (claims, creds) = exact.expect("no policy length gives exactly 4096 bytes");
    let session = Verifier::new(&ring)
        .verify(creds.session_token.expose_secret(), mid_life())
        .unwrap();
    assert_eq!(session.claims(), &claims);
    let mut bigger = claims.clone();
    let policy = bigger.session_policy.take().unwrap();
    bigger.session_policy = Some(format!("{policy}x").into());
    assert!(matches!(
        bigger.seal(&ring),
        Err(tempcred::token::SealError::TooLarge { size }) if size > MAX_TOKEN_TEXT_BYTES
    ));
}
