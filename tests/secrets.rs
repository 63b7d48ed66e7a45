//! No secret — signing keys, derived secrets, long-term secrets, TOTP seeds and codes, session
//! tokens, web-identity tokens — appears in any `Debug`, `Display`, error message, audit event or
//! serialized output other than the credential documents whose job is to carry it; and every
//! secret type is wiped on drop.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::directory::InMemoryDirectory;
use tempcred::keys::KeyMaterial;
use tempcred::{
    AssumeRoleRequest, KeyRing, MfaTokenCode, SecretAccessKey, SessionToken, TotpSeed, Verifier,
};
use zeroize::ZeroizeOnDrop;

const ALICE_SECRET: &str = "aliceSecretKeyForTestsOnly0000000000000A";
const SEED_B32: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const KEY_B64: &str = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI";

fn directory() -> InMemoryDirectory {
    InMemoryDirectory::from_json(&format!(
        r#"{{
      "users": [{{ "arn": "arn:aws:iam::111111111111:user/alice",
        "access_keys": [{{ "id": "AKIAALICEEXAMPLE0001", "secret": "{ALICE_SECRET}" }}],
        "mfa_devices": [{{ "serial": "arn:aws:iam::111111111111:mfa/alice", "totp_base32": "{SEED_B32}" }}],
        "policies": [{{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" }}] }}] }}],
      "roles": [{{ "arn": "arn:aws:iam::111111111111:role/deploy",
        "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
          "Principal": {{ "AWS": "arn:aws:iam::111111111111:user/alice" }}, "Action": "sts:AssumeRole" }}] }} }}]
    }}"#
    ))
    .unwrap()
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} shows a secret ({}…): {text}",
            &secret[..8.min(secret.len())]
        );
    }
}

#[test]
fn secret_types_zeroize_on_drop() {
    fn wiped<T: ZeroizeOnDrop>() {}
    wiped::<SecretAccessKey>();
    wiped::<KeyMaterial>();
    wiped::<SessionToken>();
    wiped::<TotpSeed>();
    wiped::<MfaTokenCode>();
    wiped::<tempcred::WebIdentityToken>();
    wiped::<tempcred::SamlAssertion>();
}

#[test]
fn debug_of_secret_holders_shows_no_secret() {
    let material = data_encoding::BASE64URL_NOPAD
        .decode(KEY_B64.as_bytes())
        .unwrap();
    let ring = KeyRing::from_text(&format!("sign:k1:{KEY_B64}")).unwrap();
    let dir = directory();
    let seed = TotpSeed::from_base32(SEED_B32).unwrap();
    let code = MfaTokenCode::new("246810").unwrap();
    let request = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "s1")
        .serial_number("arn:aws:iam::111111111111:mfa/alice")
        .token_code("246810")
        .build()
        .unwrap();
    let wit = tempcred::AssumeRoleWithWebIdentityRequest::builder(
        "arn:aws:iam::111111111111:role/deploy",
        "s1",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3aXQtc2VjcmV0In0.c2lnbmF0dXJl",
    )
    .build()
    .unwrap();
    let texts = [
        format!("{ring:?}"),
        format!("{:?}", KeyMaterial::from_bytes(&material).unwrap()),
        format!("{dir:?}"),
        format!("{seed:?}"),
        format!("{code:?}"),
        format!("{request:?}"),
        format!("{wit:?}"),
        format!("{:?}", SecretAccessKey::new(ALICE_SECRET).unwrap()),
        format!("{:?}", Verifier::new(&ring)),
    ];
    for text in &texts {
        assert_clean(
            "Debug",
            text,
            &[
                ALICE_SECRET,
                SEED_B32,
                KEY_B64,
                "246810",
                "wit-secret",
                "eyJzdWIi",
                "66, 66, 66",
            ],
        );
    }
}

#[test]
fn errors_show_no_secret() {
    let bad_ring = KeyRing::from_text(&format!("signing:k1:{KEY_B64}")).unwrap_err();
    let short = &ALICE_SECRET[..39];
    let bad_dir = InMemoryDirectory::from_json(&format!(
        r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/a","access_keys":[{{"id":"AKIAALICEEXAMPLE0001","secret":"{short}"}}]}}]}}"#
    ))
    .unwrap_err();
    let bad_seed = InMemoryDirectory::from_json(&format!(
        r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/a","mfa_devices":[{{"serial":"arn:aws:iam::111111111111:mfa/a","totp_base32":"{SEED_B32}!"}}]}}]}}"#
    ))
    .unwrap_err();
    for text in [
        format!("{bad_ring} {bad_ring:?}"),
        format!("{bad_dir} {bad_dir:?}"),
        format!("{bad_seed} {bad_seed:?}"),
    ] {
        assert_clean("error", &text, &[KEY_B64, short, SEED_B32]);
    }
}

#[cfg(feature = "totp")]
#[test]
fn audit_events_and_errors_of_real_flows_show_no_secret() {
    use std::sync::Arc;
    use tempcred::audit::MemoryAuditSink;
    use tempcred::{GetSessionTokenRequest, Issuer, ManualClock, SeededRandom, UnixTime};

    let now = UnixTime::from_secs(1_764_000_000);
    let audit = Arc::new(MemoryAuditSink::new());
    let directory = Arc::new(directory());
    let ring = KeyRing::from_text(&format!("sign:k1:{KEY_B64}")).unwrap();
    let issuer = Issuer::builder(directory.clone(), ring.clone())
        .clock(Arc::new(ManualClock::new(now)))
        .random(Arc::new(SeededRandom::new(5)))
        .audit_sink(audit.clone())
        .mfa_verifier(Arc::new(tempcred::TotpVerifier::new(directory.clone())))
        .build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let seed = TotpSeed::from_base32(SEED_B32).unwrap();
    let good_code = format!("{:06}", tempcred::mfa::totp_code(&seed, now));
    let bad_code = if good_code == "000000" {
        "000001"
    } else {
        "000000"
    };

    let ok = issuer
        .get_session_token(
            &alice,
            &GetSessionTokenRequest::builder()
                .serial_number("arn:aws:iam::111111111111:mfa/alice")
                .token_code(good_code.clone())
                .build()
                .unwrap(),
        )
        .unwrap();
    let refused = issuer
        .get_session_token(
            &alice,
            &GetSessionTokenRequest::builder()
                .serial_number("arn:aws:iam::111111111111:mfa/alice")
                .token_code(bad_code)
                .build()
                .unwrap(),
        )
        .unwrap_err();
    let assumed = issuer
        .assume_role(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "s1")
                .build()
                .unwrap(),
        )
        .unwrap();
    let events = audit.events();
    assert_eq!(events.len(), 3);
    // Codes are six digits, so they are looked for as quoted strings (as they would be serialized)
    // rather than as digits that timestamps also contain.
    let (good_quoted, bad_quoted) = (format!("\"{good_code}\""), format!("\"{bad_code}\""));
    let secrets = [
        ALICE_SECRET,
        SEED_B32,
        KEY_B64,
        &good_quoted,
        &bad_quoted,
        ok.credentials.secret_access_key.expose_secret(),
        &ok.credentials.session_token.expose_secret()[..32],
        assumed.credentials.secret_access_key.expose_secret(),
        &assumed.credentials.session_token.expose_secret()[..32],
    ];
    for event in &events {
        let json = serde_json::to_string(event).unwrap();
        assert_clean("audit event", &json, &secrets);
        assert_clean("audit event Debug", &format!("{event:?}"), &secrets);
    }
    assert_clean("error", &format!("{refused} {refused:?}"), &secrets);
    assert_clean("response Debug", &format!("{ok:?} {assumed:?}"), &secrets);
    // The one place a secret belongs: the credential documents handed to its owner.
    let json = tempcred::wire::credential_process_json(&assumed.credentials);
    assert!(json.contains(assumed.credentials.secret_access_key.expose_secret()));
}
