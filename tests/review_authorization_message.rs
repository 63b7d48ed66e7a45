//! Red-team review: encoded authorization messages (`DecodeAuthorizationMessage`): permission
//! before examination, sealing (foreign rings, retired keys, tampering, expiry), account binding,
//! credential kinds, secrets and size bounds in the decoded JSON, purpose separation and nonces.
#![cfg(feature = "authorization-messages")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use tempcred::authorization_message::{AuthorizationMessages, MAX_SEALED_CHARS};
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::{
    AssumeRoleRequest, CallEnv, Caller, DecodeAuthorizationMessageRequest,
    GetFederationTokenRequest, GetSessionTokenRequest, Issuer, KeyRing, RandomSource,
    RevokedSessions, StsError, UnixTime, Verifier,
};

const T0: u64 = 1_800_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
const EVE_KEY: &str = "AKIAEVEEXAMPLE000001";
const BIG_KEY: &str = "AKIABIGEXAMPLE000001";
const CAROL_KEY: &str = "AKIACAROLEXAMPLE0001";
const DECODE_TAG: &str = "InvalidAuthorizationMessageException";

fn big_allow_policy() -> String {
    let res = format!("arn:aws:s3:::{}", "b".repeat(900));
    let st: Vec<String> = (0..6)
        .map(|i| {
            format!(
                r#"{{"Sid":"BigAllow{i}","Effect":"Allow","Action":"s3:PutObject","Resource":["{res}","*"]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        st.join(",")
    )
}

fn directory_json() -> String {
    let trust_111_root = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;
    let alice_pol = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Sts","Effect":"Allow","Action":"sts:*","Resource":"*"},
        {"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
        {"Sid":"NoDeletes","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#;
    let eve_pol = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"SecretSidOfEve","Effect":"Allow","Action":["s3:GetObject","sts:GetSessionToken","sts:AssumeRole"],"Resource":"*"}]}"#;
    let deny_pol = r#"{"Version":"2012-10-17","Statement":[{"Sid":"HiddenDeny","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#;
    let decode_pol = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:DecodeAuthorizationMessage","s3:GetObject"],"Resource":"*"}]}"#;
    let nodecode_pol = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let big = big_allow_policy();
    format!(
        r#"{{"users":[
  {{"arn":"arn:aws:iam::111111111111:user/alice","id":"AIDAALICE000000000001","access_keys":[{{"id":"{ALICE_KEY}","secret":"aliceSecretKeyForExamplesOnly00000000000"}}],"policies":[{alice_pol}]}},
  {{"arn":"arn:aws:iam::111111111111:user/eve","id":"AIDAEVE00000000000001","access_keys":[{{"id":"{EVE_KEY}","secret":"eveSecretKeyForExamplesOnly0000000000000"}}],"policies":[{eve_pol}]}},
  {{"arn":"arn:aws:iam::111111111111:user/big","id":"AIDABIG00000000000001","access_keys":[{{"id":"{BIG_KEY}","secret":"bigSecretKeyForExamplesOnly0000000000000"}}],"policies":[{big},{deny_pol}]}},
  {{"arn":"arn:aws:iam::222222222222:user/carol","id":"AIDACAROL000000000001","access_keys":[{{"id":"{CAROL_KEY}","secret":"carolSecretKeyForExamplesOnly00000000000"}}],"policies":[{alice_pol}]}}
],"roles":[
  {{"arn":"arn:aws:iam::222222222222:role/ops","id":"AROAOPS00000000000001","trust_policy":{trust_111_root},"policies":[{decode_pol}]}},
  {{"arn":"arn:aws:iam::111111111111:role/reader","id":"AROAREADER00000000001","trust_policy":{trust_111_root},"policies":[{decode_pol}]}},
  {{"arn":"arn:aws:iam::111111111111:role/plain","id":"AROAPLAIN000000000001","trust_policy":{trust_111_root},"policies":[{nodecode_pol}]}}
]}}"#
    )
}

fn material(seed: u8) -> KeyMaterial {
    KeyMaterial::from_bytes(&[seed; 32]).unwrap()
}

fn ring_with(id: &str, seed: u8) -> KeyRing {
    KeyRing::new(KeyId::new(id).unwrap(), material(seed)).unwrap()
}

struct W {
    ring: KeyRing,
    issuer: Issuer,
    dir: Arc<InMemoryDirectory>,
}

fn world_ring(ring: KeyRing, revoked: RevokedSessions) -> W {
    let dir = Arc::new(InMemoryDirectory::from_json(&directory_json()).expect("directory"));
    let issuer = Issuer::builder(dir.clone(), ring.clone())
        .random(Arc::new(SeededRandom::new(9)))
        .revoked_sessions(revoked)
        .build();
    W { ring, issuer, dir }
}

fn world() -> W {
    world_ring(ring_with("k1", 1), RevokedSessions::default())
}

fn env(t: u64) -> CallEnv {
    CallEnv::at(UnixTime::from_secs(t))
}

fn long_term(w: &W, key: &str) -> Caller {
    w.issuer.long_term_caller(&key.parse().unwrap()).unwrap()
}

fn session(w: &W, token: &str, t: u64) -> Caller {
    Caller::from_session(
        Verifier::new(&w.ring)
            .verify(token, UnixTime::from_secs(t))
            .unwrap(),
    )
}

fn role_session(w: &W, by: &Caller, role: &str) -> Caller {
    let creds = w
        .issuer
        .assume_role_at(
            by,
            &AssumeRoleRequest::builder(role, "sess").build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    session(w, creds.session_token.expose_secret(), T0)
}

fn authorizer(w: &W) -> Authorizer {
    Authorizer::new(w.dir.clone())
        .with_authorization_messages(AuthorizationMessages::new(w.ring.clone()))
}

/// The encoded message of `caller` refused `action` on `resource` at T0.
fn refuse_with(w: &W, caller: &Caller, req: &AuthorizationRequest<'_>) -> String {
    let e = authorizer(w)
        .require_caller(caller, req, UnixTime::from_secs(T0))
        .expect_err("must be refused");
    assert_eq!(e.code_str(), "AccessDenied");
    e.encoded_authorization_message()
        .expect("an encoded message")
        .to_owned()
}

fn refuse(w: &W, caller: &Caller, action: &str, resource: &str) -> String {
    refuse_with(w, caller, &AuthorizationRequest::new(action, resource))
}

fn decode(w: &W, caller: &Caller, msg: &str, t: u64) -> Result<String, StsError> {
    w.issuer
        .decode_authorization_message_at(
            caller,
            &DecodeAuthorizationMessageRequest::new(msg)?,
            &env(t),
        )
        .map(|r| r.decoded_message)
}

fn assert_invalid(r: Result<String, StsError>) {
    let e = r.expect_err("must not decode");
    assert_eq!(e.code_str(), DECODE_TAG, "{e:?}");
    assert_eq!(e.http_status(), 400);
}

fn raw(msg: &str) -> Vec<u8> {
    data_encoding::BASE64URL_NOPAD
        .decode(msg.as_bytes())
        .unwrap()
}

fn enc(b: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(b)
}

// ---------- sanity ----------

#[test]
fn same_account_operator_decodes() {
    let w = world();
    let eve = long_term(&w, EVE_KEY);
    let msg = refuse(&w, &eve, "s3:DeleteObject", "arn:aws:s3:::b/k");
    let json = decode(&w, &long_term(&w, ALICE_KEY), &msg, T0 + 1).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["allowed"], false);
    assert_eq!(v["context"]["action"], "s3:DeleteObject");
    assert_eq!(
        v["context"]["principal"]["arn"],
        "arn:aws:iam::111111111111:user/eve"
    );
}

// ---------- rule 1: nothing without the permission; no oracle ----------

#[test]
fn message_text_reveals_no_policy_or_context() {
    let w = world();
    let eve = long_term(&w, EVE_KEY);
    let msg = refuse(&w, &eve, "s3:DeleteObject", "arn:aws:s3:::bucket-xyz/k");
    let bytes = raw(&msg);
    let hay = String::from_utf8_lossy(&bytes);
    for needle in [
        "SecretSidOfEve",
        "bucket-xyz",
        "DeleteObject",
        "eve",
        "AIDAEVE",
    ] {
        assert!(
            !hay.contains(needle),
            "{needle} visible in the sealed bytes"
        );
        assert!(!msg.contains(needle));
    }
}

#[test]
fn no_permission_no_oracle_for_users_roles_and_session_tokens() {
    let w = world();
    let eve = long_term(&w, EVE_KEY);
    let good = refuse(&w, &eve, "s3:DeleteObject", "*");
    let mut flipped = raw(&good);
    let n = flipped.len();
    flipped[n - 1] ^= 1;
    let bad = enc(&flipped);
    // A message that is expired at T0 + 1 (sealed 13 h earlier).
    let old = authorizer(&w)
        .require_caller(
            &eve,
            &AuthorizationRequest::new("s3:DeleteObject", "*"),
            UnixTime::from_secs(T0 - 13 * 3600),
        )
        .unwrap_err()
        .encoded_authorization_message()
        .unwrap()
        .to_owned();
    assert_invalid(decode(&w, &long_term(&w, ALICE_KEY), &old, T0 + 1));
    let plain = role_session(
        &w,
        &long_term(&w, ALICE_KEY),
        "arn:aws:iam::111111111111:role/plain",
    );
    let gst = {
        let creds = w
            .issuer
            .get_session_token_at(
                &long_term(&w, ALICE_KEY),
                &GetSessionTokenRequest::builder().build().unwrap(),
                &env(T0),
            )
            .unwrap()
            .credentials;
        session(&w, creds.session_token.expose_secret(), T0)
    };
    for caller in [&eve, &plain, &gst] {
        let mut seen = Vec::new();
        for (m, t) in [
            (&*good, T0 + 1),
            (&*bad, T0 + 1),
            ("garbage", T0 + 1),
            (&*old, T0 + 1),
        ] {
            let e = decode(&w, caller, m, t).unwrap_err();
            assert_eq!(e.code_str(), "AccessDenied", "{e:?}");
            assert_eq!(e.http_status(), 403);
            seen.push(e.message.clone());
        }
        assert!(seen.iter().all(|s| *s == seen[0]), "oracle: {seen:?}");
    }
}

// ---------- rule 2: only this deployment's messages ----------

#[test]
fn foreign_ring_same_key_id_is_invalid() {
    let w = world();
    let foreign = world_ring(ring_with("k1", 2), RevokedSessions::default());
    let msg = refuse(
        &foreign,
        &long_term(&foreign, EVE_KEY),
        "s3:DeleteObject",
        "*",
    );
    assert_invalid(decode(&w, &long_term(&w, ALICE_KEY), &msg, T0 + 1));
    // and the reverse
    let msg = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    assert_invalid(decode(
        &foreign,
        &long_term(&foreign, ALICE_KEY),
        &msg,
        T0 + 1,
    ));
}

#[test]
fn rotated_key_decodes_retired_key_does_not() {
    let old = world();
    let msg = refuse(&old, &long_term(&old, EVE_KEY), "s3:DeleteObject", "*");
    let mut ring = ring_with("k1", 1);
    ring.add(KeyId::new("k2").unwrap(), material(3)).unwrap();
    ring.promote(&KeyId::new("k2").unwrap()).unwrap();
    let rotated = world_ring(ring.clone(), RevokedSessions::default());
    decode(&rotated, &long_term(&rotated, ALICE_KEY), &msg, T0 + 1).unwrap();
    ring.retire(&KeyId::new("k1").unwrap()).unwrap();
    let retired = world_ring(ring, RevokedSessions::default());
    assert_invalid(decode(
        &retired,
        &long_term(&retired, ALICE_KEY),
        &msg,
        T0 + 1,
    ));
}

#[test]
fn every_flipped_truncated_or_extended_byte_is_invalid_never_panics() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let msg = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    let bytes = raw(&msg);
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            assert_invalid(decode(&w, &alice, &enc(&b), T0 + 1));
        }
    }
    for n in 0..bytes.len() {
        let r = decode(&w, &alice, &enc(&bytes[..n]), T0 + 1);
        if n == 0 {
            assert!(r.is_err());
        } else {
            assert_invalid(r);
        }
    }
    for extra in [&[0u8][..], &[0, 0, 0], &[0xff; 24]] {
        let mut b = bytes.clone();
        b.extend_from_slice(extra);
        assert_invalid(decode(&w, &alice, &enc(&b), T0 + 1));
    }
    // Header length fields pointing anywhere.
    for pos in [1usize, 1 + 1 + 2 + 16] {
        for v in [0u8, 1, 31, 32, 33, 200, 255] {
            let mut b = bytes.clone();
            b[pos] = v;
            assert_invalid(decode(&w, &alice, &enc(&b), T0 + 1));
        }
    }
}

#[test]
fn re_encodings_are_invalid() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let msg = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    let bytes = raw(&msg);
    let variants = [
        data_encoding::BASE64URL.encode(&bytes),
        data_encoding::BASE64.encode(&bytes),
        data_encoding::BASE64_NOPAD.encode(&bytes),
        format!("{msg}="),
        format!(" {msg}"),
        format!("{msg}\n"),
        msg.to_uppercase(),
    ];
    for v in variants.iter().filter(|v| **v != msg) {
        assert_invalid(decode(&w, &alice, v, T0 + 1));
    }
    // Non-canonical trailing bits (same bytes, other last character).
    if bytes.len() % 3 != 0 {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let last = msg.chars().last().unwrap();
        let idx = alphabet.find(last).unwrap();
        for c in alphabet.chars() {
            let cand = format!("{}{}", &msg[..msg.len() - 1], c);
            if c == last {
                continue;
            }
            let r = decode(&w, &alice, &cand, T0 + 1);
            assert!(r.is_err(), "non-canonical {c} (from {idx}) decoded");
            assert_invalid(r);
        }
    }
    // Over-long input is refused without panicking (API limit and module limit).
    assert_invalid(decode(
        &w,
        &alice,
        &"A".repeat(MAX_SEALED_CHARS + 1),
        T0 + 1,
    ));
    assert!(decode(&w, &alice, &"A".repeat(10_241), T0 + 1).is_err());
}

#[test]
fn expired_and_future_messages_are_invalid() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let msg = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    decode(&w, &alice, &msg, T0 + 12 * 3600 - 1).unwrap();
    let e = decode(&w, &alice, &msg, T0 + 12 * 3600).unwrap_err();
    assert_eq!(e.code_str(), DECODE_TAG);
    assert!(e.message.contains("expired"));
    // Issued far in the future relative to the decoder (clock skew beyond leeway).
    assert_invalid(decode(&w, &alice, &msg, T0 - 3600));
}

// ---------- rule 3: account binding ----------

#[test]
fn other_account_cannot_read_including_cross_account_role_sessions() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let carol = long_term(&w, CAROL_KEY); // account 222, may decode
    let ops = role_session(&w, &alice, "arn:aws:iam::222222222222:role/ops"); // 222 session of a 111 user
    let reader = role_session(&w, &alice, "arn:aws:iam::111111111111:role/reader");

    let about_111 = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    let about_222 = refuse(&w, &ops, "s3:DeleteObject", "*");

    decode(&w, &alice, &about_111, T0 + 1).unwrap();
    decode(&w, &reader, &about_111, T0 + 1).unwrap();
    assert_invalid(decode(&w, &carol, &about_111, T0 + 1));
    assert_invalid(decode(&w, &ops, &about_111, T0 + 1));

    decode(&w, &carol, &about_222, T0 + 1).unwrap();
    decode(&w, &ops, &about_222, T0 + 1).unwrap();
    assert_invalid(decode(&w, &alice, &about_222, T0 + 1));
    assert_invalid(decode(&w, &reader, &about_222, T0 + 1));

    // Splice the 111 account into the 222 message header: breaks the seal.
    let mut b = raw(&about_222);
    let id_len = usize::from(b[1]);
    let acct_pos = 2 + id_len + 16 + 1 + usize::from(b[2 + id_len + 16]);
    b[acct_pos..acct_pos + 8].copy_from_slice(&111_111_111_111u64.to_be_bytes());
    assert_invalid(decode(&w, &alice, &enc(&b), T0 + 1));
}

#[test]
fn federated_user_messages_bind_to_parent_account_and_fed_user_cannot_decode() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let creds = w
        .issuer
        .get_federation_token_at(
            &alice,
            &GetFederationTokenRequest::builder("bob")
                .policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let fed = session(&w, creds.session_token.expose_secret(), T0);
    let msg = refuse(&w, &fed, "s3:DeleteObject", "*");
    decode(&w, &alice, &msg, T0 + 1).unwrap();
    assert_invalid(decode(&w, &long_term(&w, CAROL_KEY), &msg, T0 + 1));
    let e = decode(&w, &fed, &msg, T0 + 1).unwrap_err();
    assert_eq!(e.code_str(), "AccessDenied");
}

// ---------- rule 4: credential kinds, revoked, expired, foreign sessions ----------

#[test]
fn session_token_credentials_cannot_decode() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let msg = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    let creds = w
        .issuer
        .get_session_token_at(
            &alice,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let gst = session(&w, creds.session_token.expose_secret(), T0);
    let e = decode(&w, &gst, &msg, T0 + 1).unwrap_err();
    assert_eq!(e.code_str(), "AccessDenied");
}

#[test]
fn revoked_expired_and_foreign_ring_sessions_get_nothing() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let msg = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    let reader = role_session(&w, &alice, "arn:aws:iam::111111111111:role/reader");
    decode(&w, &reader, &msg, T0 + 1).unwrap();
    // expired (default 1h role session)
    let e = decode(&w, &reader, &msg, T0 + 3600 + 600).unwrap_err();
    assert_ne!(e.code_str(), DECODE_TAG);
    assert!(!e.message.contains("allowed"));
    // revoked
    let mut revoked = RevokedSessions::default();
    revoked.revoke_role_sessions(
        "111111111111".parse().unwrap(),
        tempcred::principal::RoleName::new("reader").unwrap(),
        UnixTime::from_secs(T0 + 1),
    );
    let wr = world_ring(ring_with("k1", 1), revoked);
    let e = decode(&wr, &reader, &msg, T0 + 2).unwrap_err();
    assert_ne!(e.code_str(), DECODE_TAG);
    // a session minted and verified by a foreign ring with the same key ID
    let foreign = world_ring(ring_with("k1", 2), RevokedSessions::default());
    let freader = role_session(
        &foreign,
        &long_term(&foreign, ALICE_KEY),
        "arn:aws:iam::111111111111:role/reader",
    );
    let e = decode(&w, &freader, &msg, T0 + 1).unwrap_err();
    assert_ne!(e.code_str(), DECODE_TAG);
    assert!(e.http_status() == 403 || e.http_status() == 400);
}

// ---------- rule 5: secrets and sizes ----------

#[test]
fn r5_credential_named_context_keys_are_redacted_in_decoded_json() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let eve = long_term(&w, EVE_KEY);
    let creds = w
        .issuer
        .get_session_token_at(
            &eve,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let token = creds.session_token.expose_secret().to_owned();
    let sig = "AWS4-HMAC-SHA256 Credential=AKIAEVEEXAMPLE000001/20270115/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=deadbeefcafebabe0123456789abcdef";
    let ctx: Vec<(&str, &str)> = vec![
        ("x-amz-security-token", &token),
        ("Authorization", sig),
        (
            "X-Amz-Signature",
            "0123456789abcdef0123456789abcdefSIGNATURE",
        ),
        ("s3:x-amz-security-token", &token),
    ];
    let mut req = AuthorizationRequest::new("s3:DeleteObject", "*");
    req.extra_context = &ctx;
    let msg = refuse_with(&w, &eve, &req);
    let json = decode(&w, &alice, &msg, T0 + 1).unwrap();
    assert!(
        !json.contains(&token[..40]),
        "session token of eve readable by alice: {json}"
    );
    assert!(
        !json.contains("Signature=deadbeef"),
        "Authorization header readable"
    );
    assert!(!json.contains("SIGNATURE"), "SigV4 signature readable");
}

#[test]
fn r5_session_token_value_under_neutral_key_is_redacted() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let eve = long_term(&w, EVE_KEY);
    let creds = w
        .issuer
        .get_session_token_at(
            &eve,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let token = creds.session_token.expose_secret().to_owned();
    let secret = creds.secret_access_key.expose_secret().to_owned();
    let ctx: Vec<(&str, &str)> = vec![("app:note", &token), ("app:other", &secret)];
    let mut req = AuthorizationRequest::new("s3:DeleteObject", "*");
    req.extra_context = &ctx;
    let msg = refuse_with(&w, &eve, &req);
    let json = decode(&w, &alice, &msg, T0 + 1).unwrap();
    assert!(
        !json.contains(&token[..40]),
        "session token in decoded JSON"
    );
    assert!(!json.contains(&secret), "secret access key in decoded JSON");
}

#[test]
fn built_in_context_has_no_credentials() {
    // Without application context, nothing secret enters the explanation.
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let creds = w
        .issuer
        .assume_role_at(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/plain", "sess")
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let plain = session(&w, creds.session_token.expose_secret(), T0);
    let msg = refuse(&w, &plain, "s3:DeleteObject", "*");
    let json = decode(&w, &alice, &msg, T0 + 1).unwrap();
    assert!(!json.contains(&creds.session_token.expose_secret()[..30]));
    assert!(!json.contains(creds.secret_access_key.expose_secret()));
    assert!(!json.contains("aliceSecretKey"));
}

#[test]
fn sizes_bounded_and_json_valid_whatever_the_context() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let eve = long_term(&w, EVE_KEY);
    let long_vals: Vec<String> = (0..300)
        .map(|i| format!("{i}-{}", "é\u{1}\"\\𝄞".repeat(400)))
        .collect();
    let keys: Vec<String> = (0..300)
        .map(|i| format!("app:k{i:04}{}", "ü".repeat(300)))
        .collect();
    let ctx: Vec<(&str, &str)> = keys
        .iter()
        .zip(&long_vals)
        .map(|(k, v)| (&**k, &**v))
        .collect();
    let resource = format!("arn:aws:s3:::{}", "\u{2028}\"𝄞".repeat(30_000));
    let action = format!("s3:{}", "X".repeat(5_000));
    for (a, r) in [
        ("s3:DeleteObject", &*resource),
        (&*action, "*"),
        (&*action, &*resource),
    ] {
        let mut req = AuthorizationRequest::new(a, r);
        req.extra_context = &ctx;
        let msg = refuse_with(&w, &eve, &req);
        assert!(
            msg.len() <= MAX_SEALED_CHARS && msg.len() <= 10_240,
            "{}",
            msg.len()
        );
        let e = authorizer(&w)
            .require_caller(&eve, &req, UnixTime::from_secs(T0))
            .unwrap_err();
        // The whole AccessDenied message also stays reasonable? (informational)
        let _ = e.message.len();
        let json = decode(&w, &alice, &msg, T0 + 1).unwrap();
        assert!(json.len() <= tempcred::limits::MAX_DECODED_MESSAGE_BYTES);
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(v["allowed"], false);
        assert!(v.get("truncated").is_some());
    }
}

#[test]
fn explicit_deny_flag_survives_truncation() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let big = long_term(&w, BIG_KEY);
    let msg = refuse(&w, &big, "s3:PutObject", "arn:aws:s3:::x/y");
    let json = decode(&w, &alice, &msg, T0 + 1).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["allowed"], false);
    assert_eq!(v["explicitDeny"], true);
}

#[test]
fn r5_truncation_keeps_the_deciding_deny_statement() {
    // Six large Allow statements in the first identity policy fill the budget; the Deny that
    // actually decided the refusal (second policy) is left out of matchedStatements while the
    // Allows are shown: the operator sees "explicitDeny":true but only Allow statements.
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let big = long_term(&w, BIG_KEY);
    let msg = refuse(&w, &big, "s3:PutObject", "arn:aws:s3:::x/y");
    let json = decode(&w, &alice, &msg, T0 + 1).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let items = v["matchedStatements"]["items"].as_array().unwrap();
    let has_deny = items.iter().any(|s| s["effect"] == "DENY");
    assert!(
        has_deny,
        "the deciding Deny is hidden by truncation: {}",
        &json[..json.len().min(600)]
    );
}

// ---------- rule 6: purpose separation, nonces ----------

#[test]
fn messages_and_tokens_do_not_cross() {
    let w = world();
    let alice = long_term(&w, ALICE_KEY);
    let msg = refuse(&w, &long_term(&w, EVE_KEY), "s3:DeleteObject", "*");
    assert!(Verifier::new(&w.ring)
        .verify(&msg, UnixTime::from_secs(T0 + 1))
        .is_err());
    let creds = w
        .issuer
        .assume_role_at(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/plain", "sess")
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let tok = creds.session_token.expose_secret();
    match decode(&w, &alice, tok, T0 + 1) {
        Err(e) => assert!(
            e.code_str() == DECODE_TAG || e.code_str() == "ValidationError",
            "{e:?}"
        ),
        Ok(j) => panic!("a session token decoded as a message: {j}"),
    }
}

#[test]
fn one_seeded_source_never_repeats_a_nonce_across_seals() {
    let w = world();
    let eve = long_term(&w, EVE_KEY);
    let am = AuthorizationMessages::new(w.ring.clone()).with_random(Arc::new(SeededRandom::new(5)));
    let a = Authorizer::new(w.dir.clone()).with_authorization_messages(am);
    let mut nonces = std::collections::HashSet::new();
    for _ in 0..50 {
        let e = a
            .require_caller(
                &eve,
                &AuthorizationRequest::new("s3:DeleteObject", "*"),
                UnixTime::from_secs(T0),
            )
            .unwrap_err();
        let b = raw(e.encoded_authorization_message().unwrap());
        let id_len = usize::from(b[1]);
        let p_len = usize::from(b[2 + id_len + 16]);
        let start = 2 + id_len + 16 + 1 + p_len + 8;
        assert!(nonces.insert(b[start..start + 24].to_vec()), "nonce reused");
    }
}

#[test]
fn two_seeded_sources_with_one_seed_reuse_nonces_documented_test_only_hazard() {
    // SeededRandom is documented "for tests only; anyone who knows the seed knows every
    // random value": two authorizers (replicas) each given SeededRandom::new(5) seal under the
    // same key with the same nonce. This documents the hazard; the default (SystemRandom) is safe.
    let w = world();
    let eve = long_term(&w, EVE_KEY);
    let make = || {
        Authorizer::new(w.dir.clone()).with_authorization_messages(
            AuthorizationMessages::new(w.ring.clone()).with_random(Arc::new(SeededRandom::new(5))),
        )
    };
    let (a, b) = (make(), make());
    let ea = a
        .require_caller(
            &eve,
            &AuthorizationRequest::new("s3:DeleteObject", "*"),
            UnixTime::from_secs(T0),
        )
        .unwrap_err();
    let eb = b
        .require_caller(
            &eve,
            &AuthorizationRequest::new("s3:PutObject", "*"),
            UnixTime::from_secs(T0),
        )
        .unwrap_err();
    let (ra, rb) = (
        raw(ea.encoded_authorization_message().unwrap()),
        raw(eb.encoded_authorization_message().unwrap()),
    );
    let start = 2 + 2 + 16 + 1 + 3 + 8;
    assert_eq!(
        ra[start..start + 24],
        rb[start..start + 24],
        "same seed → same nonce"
    );
    // Default sources differ.
    let mut x = [0u8; 24];
    let mut y = [0u8; 24];
    tempcred::SystemRandom.fill_bytes(&mut x).unwrap();
    tempcred::SystemRandom.fill_bytes(&mut y).unwrap();
    assert_ne!(x, y);
}
