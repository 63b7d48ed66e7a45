//! Encoded authorization messages and `DecodeAuthorizationMessage` (issue 16, part 2), from the
//! outside: what AWS documents of the operation, what an attacker holding a message would try,
//! and what an operator needs from it.
//!
//! AWS's sources: the STS API reference, `DecodeAuthorizationMessage`
//! (<https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html>:
//! `EncodedMessage` 1–10 240 characters, `DecodedMessage`, `InvalidAuthorizationMessageException`
//! 400, permission `sts:DecodeAuthorizationMessage`), and the decoded example of the IAM User
//! Guide's "Use DecodeAuthorizationMessage with a CLI"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/sts_example_sts_DecodeAuthorizationMessage_section.html>,
//! the same as the AWS CLI's `awscli/examples/sts/decode-authorization-message.rst`), kept in
//! `tests/data/aws_decoded_authorization_message.json`.
#![cfg(feature = "authorization-messages")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use serde_json::Value;
use std::sync::Arc;
use tempcred::audit::{AuditAction, AuditOutcome, MemoryAuditSink};
use tempcred::authorization_message::{
    AuthorizationMessageError, AuthorizationMessages, MAX_SEALED_CHARS,
};
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::limits::{
    DEFAULT_MESSAGE_LIFETIME_SECS, MAX_DECODED_MESSAGE_BYTES as MAX_DECODED_BYTES,
};
use tempcred::{
    AssumeRoleRequest, CallEnv, Caller, DecodeAuthorizationMessageRequest, GetSessionTokenRequest,
    Issuer, KeyRing, ManualClock, StsError, StsErrorCode, UnixTime, Verifier,
};

const NOW: u64 = 1_764_000_000;
const APP_ROLE: &str = "arn:aws:iam::111111111111:role/app";

const DIRECTORY: &str = r#"{
  "users": [
    { "arn": "arn:aws:iam::111111111111:user/dev",
      "access_keys": [{ "id": "AKIADEVEXAMPLE000001", "secret": "devSecretKeyForMessageTests000000000000A" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" } ] }] },
    { "arn": "arn:aws:iam::111111111111:user/ops",
      "access_keys": [{ "id": "AKIAOPSEXAMPLE000001", "secret": "opsSecretKeyForMessageTests000000000000A" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Sid": "ReadDenials", "Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*" } ] }] },
    { "arn": "arn:aws:iam::111111111111:user/ops-scoped",
      "access_keys": [{ "id": "AKIAOPSSCOPEDEXAMPLE", "secret": "opsScopedSecretKeyForMessageTests000000A" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage",
          "Resource": "arn:aws:sts::111111111111:*" } ] }] },
    { "arn": "arn:aws:iam::111111111111:user/ops-denied",
      "access_keys": [{ "id": "AKIAOPSDENIEDEXAMPLE", "secret": "opsDeniedSecretKeyForMessageTests000000A" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "sts:*", "Resource": "*" },
        { "Effect": "Deny", "Action": "sts:Decode*", "Resource": "*" } ] }] },
    { "arn": "arn:aws:iam::222222222222:user/other-ops",
      "access_keys": [{ "id": "AKIAOTHEROPSEXAMPLE1", "secret": "otherOpsSecretKeyForMessageTests0000000A" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*" } ] }] }
  ],
  "roots": [
    { "account": "111111111111",
      "access_keys": [{ "id": "AKIAROOTEXAMPLE00001", "secret": "rootSecretKeyForMessageTests00000000000A" }] }
  ],
  "roles": [
    { "arn": "arn:aws:iam::111111111111:role/app",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/dev", "arn:aws:iam::111111111111:user/ops"] },
        "Action": ["sts:AssumeRole", "sts:TagSession"] }] },
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"],
          "Resource": "arn:aws:s3:::reports/*" },
        { "Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
          "Condition": { "StringEquals": { "aws:PrincipalTag/team": ["payments", "ops"] } } },
        { "Sid": "DecodeOwn", "Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*" } ] }],
      "tags": { "team": "payments" } }
  ]
}"#;

struct Fixture {
    directory: Arc<InMemoryDirectory>,
    ring: KeyRing,
    issuer: Issuer,
    audit: Arc<MemoryAuditSink>,
    authorizer: Authorizer,
}

fn key_ring(id: &str, byte: u8) -> KeyRing {
    KeyRing::new(
        KeyId::new(id).unwrap(),
        KeyMaterial::from_bytes(&[byte; 32]).unwrap(),
    )
    .unwrap()
}

fn fixture() -> Fixture {
    fixture_with(key_ring("k1", 0x42))
}

fn fixture_with(ring: KeyRing) -> Fixture {
    let directory = Arc::new(InMemoryDirectory::from_json(DIRECTORY).unwrap());
    let audit = Arc::new(MemoryAuditSink::new());
    let issuer = Issuer::builder(directory.clone(), ring.clone())
        .clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))))
        .random(Arc::new(SeededRandom::new(7)))
        .audit_sink(audit.clone())
        .build();
    let messages =
        AuthorizationMessages::new(ring.clone()).with_random(Arc::new(SeededRandom::new(9)));
    let authorizer = Authorizer::new(directory.clone()).with_authorization_messages(messages);
    Fixture {
        directory,
        ring,
        issuer,
        audit,
        authorizer,
    }
}

fn at(secs: u64) -> CallEnv {
    CallEnv::at(UnixTime::from_secs(secs))
}

impl Fixture {
    fn user(&self, key: &str) -> Caller {
        self.issuer.long_term_caller(&key.parse().unwrap()).unwrap()
    }

    /// A session of role `app`, assumed by `dev`, with an optional session policy.
    fn app_session(&self, name: &str, policy: Option<&str>) -> Caller {
        let mut b = AssumeRoleRequest::builder(APP_ROLE, name);
        if let Some(p) = policy {
            b = b.policy(p);
        }
        let creds = self
            .issuer
            .assume_role_at(
                &self.user("AKIADEVEXAMPLE000001"),
                &b.build().unwrap(),
                &at(NOW),
            )
            .unwrap()
            .credentials;
        let session = Verifier::new(&self.ring)
            .verify(
                creds.session_token.expose_secret(),
                UnixTime::from_secs(NOW),
            )
            .unwrap();
        Caller::from_session(session)
    }

    /// The `AccessDenied` the authorizer answers `caller` for `action` on `resource`.
    fn refusal(&self, caller: &Caller, action: &str, resource: &str) -> StsError {
        self.authorizer
            .require_caller(
                caller,
                &AuthorizationRequest::new(action, resource),
                UnixTime::from_secs(NOW),
            )
            .unwrap_err()
    }

    fn decode(&self, caller: &Caller, message: &str, now: u64) -> Result<Value, StsError> {
        let request = DecodeAuthorizationMessageRequest::new(message)?;
        let response = self
            .issuer
            .decode_authorization_message_at(caller, &request, &at(now))?;
        Ok(serde_json::from_str(&response.decoded_message).unwrap())
    }

    fn ops(&self) -> Caller {
        self.user("AKIAOPSEXAMPLE000001")
    }
}

fn encoded(refusal: &StsError) -> &str {
    assert_eq!(refusal.code, StsErrorCode::AccessDenied, "{refusal}");
    refusal
        .encoded_authorization_message()
        .unwrap_or_else(|| panic!("no encoded message in {}", refusal.message))
}

fn context_values(json: &Value, key: &str) -> Vec<String> {
    json["context"]["conditions"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"].as_str().unwrap().eq_ignore_ascii_case(key))
        .flat_map(|c| c["values"]["items"].as_array().unwrap().clone())
        .map(|v| v["value"].as_str().unwrap().to_owned())
        .collect()
}

/// Every member AWS's example has, ours has too, with a value of the same JSON type, level by
/// level (array items compared with the example's first item).
fn assert_same_shape(ours: &Value, aws: &Value, path: &str) {
    match (ours, aws) {
        (Value::Object(o), Value::Object(a)) => {
            for (k, av) in a {
                let ov = o
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} is missing from {ours}"));
                assert_same_shape(ov, av, &format!("{path}.{k}"));
            }
        }
        (Value::Array(o), Value::Array(a)) => {
            if let (Some(a0), false) = (a.first(), o.is_empty()) {
                for (i, item) in o.iter().enumerate() {
                    assert_same_shape(item, a0, &format!("{path}[{i}]"));
                }
            }
        }
        (o, a) => assert_eq!(
            std::mem::discriminant(o),
            std::mem::discriminant(a),
            "{path}: {o} is not like AWS's {a}"
        ),
    }
}

// ---- the message the authorizer attaches ----

#[test]
fn a_refusal_says_so_in_awss_words_and_carries_the_encoded_message() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let refusal = f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv");
    assert_eq!(refusal.http_status(), 403);
    let (text, message) = refusal
        .message
        .split_once(". Encoded authorization failure message: ")
        .unwrap();
    assert_eq!(
        text,
        "User: arn:aws:sts::111111111111:assumed-role/app/s1 is not authorized to perform: \
         s3:PutObject on resource: arn:aws:s3:::reports/q1.csv"
    );
    assert_eq!(refusal.encoded_authorization_message(), Some(message));
    assert!(message.len() <= MAX_SEALED_CHARS);
}

#[test]
fn an_allowed_request_and_an_authorizer_without_messages_carry_none() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let now = UnixTime::from_secs(NOW);
    let read = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    assert!(f.authorizer.require_caller(&app, &read, now).is_ok());
    let plain = Authorizer::new(f.directory.clone());
    let put = AuthorizationRequest::new("s3:PutObject", "arn:aws:s3:::reports/q1.csv");
    let refusal = plain.require_caller(&app, &put, now).unwrap_err();
    assert_eq!(refusal.code, StsErrorCode::AccessDenied);
    assert_eq!(refusal.encoded_authorization_message(), None);
    assert!(!refusal.message.contains("Encoded"));
}

#[test]
fn the_caller_who_was_refused_cannot_read_the_message() {
    // What the attacker holds: the encoded text. Nothing of the policy, the context or the
    // decision is in it in any form a reader could pick out.
    let f = fixture();
    let app = f.app_session("s1", None);
    let refusal = f.refusal(&app, "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv");
    let message = encoded(&refusal);
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(message.as_bytes())
        .unwrap();
    for secret in [
        "NoDeletes",
        "ReadReports",
        "DeleteObject",
        "payments",
        "explicitDeny",
        "reports",
    ] {
        let needle = secret.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{secret} readable in the sealed bytes"
        );
        assert!(!message.contains(secret));
    }
    // Two refusals of the same request seal the same JSON under different nonces.
    let again = f.refusal(&app, "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv");
    assert_ne!(encoded(&again), message);
    assert_eq!(
        f.decode(&f.ops(), encoded(&again), NOW).unwrap(),
        f.decode(&f.ops(), message, NOW).unwrap()
    );
}

// ---- the decoded JSON ----

#[test]
fn an_explicit_deny_decodes_to_the_shape_of_awss_documented_example() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let refusal = f.refusal(&app, "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv");
    let json = f.decode(&f.ops(), encoded(&refusal), NOW).unwrap();
    let aws: Value =
        serde_json::from_str(include_str!("data/aws_decoded_authorization_message.json")).unwrap();
    assert_same_shape(&json, &aws, "$");

    assert_eq!(json["allowed"], false);
    assert_eq!(json["explicitDeny"], true);
    assert_eq!(json["failures"]["items"], Value::Array(vec![]));
    let principal = &json["context"]["principal"];
    let role_id = principal["id"]
        .as_str()
        .unwrap()
        .strip_suffix(":s1")
        .unwrap();
    assert!(role_id.starts_with("AROA"), "{principal}");
    assert_eq!(
        principal["arn"],
        "arn:aws:sts::111111111111:assumed-role/app/s1"
    );
    assert_eq!(json["context"]["action"], "s3:DeleteObject");
    assert_eq!(json["context"]["resource"], "arn:aws:s3:::reports/q1.csv");

    // Both statements that applied, the allow and the deny that won, each with its policy.
    let statements = json["matchedStatements"]["items"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{statements:?}");
    // Denies come first, so truncation never drops the statement that decided (review of issue
    // 16: a long allow list used to push the deciding deny out).
    let deny = &statements[0];
    let allow = &statements[1];
    assert_eq!(allow["statementId"], "ReadReports");
    assert_eq!(allow["effect"], "ALLOW");
    assert_eq!(deny["statementId"], "NoDeletes");
    assert_eq!(deny["effect"], "DENY");
    assert_eq!(deny["principals"]["items"][0]["value"], role_id);
    assert_eq!(deny["actions"]["items"][0]["value"], "s3:DeleteObject");
    assert_eq!(deny["resources"]["items"][0]["value"], "*");
    assert_eq!(deny["policy"]["type"], "identity");
    assert_eq!(deny["policy"]["index"], 0);
    assert_eq!(deny["statementIndex"], 1);
    let condition = &deny["conditions"]["items"][0];
    assert_eq!(condition["key"], "aws:PrincipalTag/team");
    assert_eq!(condition["operator"], "StringEquals");
    assert_eq!(condition["values"]["items"][1]["value"], "ops");

    // The context the policies saw, keys spelled as AWS spells them.
    assert_eq!(
        context_values(&json, "aws:PrincipalArn"),
        ["arn:aws:iam::111111111111:role/app"]
    );
    assert_eq!(context_values(&json, "aws:PrincipalTag/team"), ["payments"]);
    assert_eq!(context_values(&json, "aws:EpochTime"), [NOW.to_string()]);
    let keys: Vec<&str> = json["context"]["conditions"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"aws:PrincipalArn"), "{keys:?}");
    let mut sorted = keys.clone();
    sorted.sort_by_key(|k| k.to_ascii_lowercase());
    assert_eq!(keys, sorted, "ordered by key");
    assert!(json.get("truncated").is_none());
}

#[test]
fn an_implicit_denial_has_no_matched_statement_and_says_it_was_not_explicit() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let refusal = f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv");
    let json = f.decode(&f.ops(), encoded(&refusal), NOW).unwrap();
    assert_eq!(json["allowed"], false);
    assert_eq!(json["explicitDeny"], false);
    assert_eq!(json["matchedStatements"]["items"], Value::Array(vec![]));
    assert_eq!(json["context"]["action"], "s3:PutObject");
}

#[test]
fn a_session_policy_that_does_not_allow_shows_the_identity_allow_it_overrode() {
    let f = fixture();
    let session_policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"OnlyQ2","Effect":"Allow",
        "Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/q2.csv"}]}"#;
    let app = f.app_session("scoped", Some(session_policy));
    let refusal = f.refusal(&app, "s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    let json = f.decode(&f.ops(), encoded(&refusal), NOW).unwrap();
    assert_eq!(json["explicitDeny"], false);
    let statements = json["matchedStatements"]["items"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert_eq!(statements[0]["statementId"], "ReadReports");
    assert_eq!(statements[0]["policy"]["type"], "identity");

    // And where the session policy is what applied, it is named as such.
    let refusal = f.refusal(&app, "s3:DeleteObject", "arn:aws:s3:::reports/q2.csv");
    let json = f.decode(&f.ops(), encoded(&refusal), NOW).unwrap();
    let types: Vec<&str> = json["matchedStatements"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["policy"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["identity", "identity"]);
    let refusal = f.refusal(&app, "s3:GetObject", "arn:aws:s3:::other/q2.csv");
    let json = f.decode(&f.ops(), encoded(&refusal), NOW).unwrap();
    assert_eq!(json["matchedStatements"]["items"], Value::Array(vec![]));
    let app2 = f.app_session(
        "scoped2",
        Some(r#"{"Version":"2012-10-17","Statement":[{"Sid":"AnyRead","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
    );
    let refusal = f.refusal(&app2, "s3:GetObject", "arn:aws:s3:::elsewhere/k");
    let json = f.decode(&f.ops(), encoded(&refusal), NOW).unwrap();
    let only = &json["matchedStatements"]["items"][0];
    assert_eq!(only["statementId"], "AnyRead");
    assert_eq!(only["policy"]["type"], "session");
    assert_eq!(
        only["principals"]["items"][0]["value"]
            .as_str()
            .unwrap()
            .split_once(':')
            .unwrap()
            .1,
        "scoped2"
    );
}

// ---- who may decode ----

#[test]
fn a_caller_allowed_sts_decode_authorization_message_decodes_and_others_are_refused() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();

    // Allowed: a user whose policy allows the action, the refused role's own session (its
    // policy allows it too), and the account root.
    assert!(f.decode(&f.ops(), &message, NOW).is_ok());
    assert!(f.decode(&app, &message, NOW).is_ok());
    assert!(f
        .decode(&f.user("AKIAROOTEXAMPLE00001"), &message, NOW)
        .is_ok());

    // Refused with AccessDenied: no allow (dev), an allow on a resource other than `*` (the
    // action has no resource type), an explicit deny.
    for (key, arn) in [
        ("AKIADEVEXAMPLE000001", "user/dev"),
        ("AKIAOPSSCOPEDEXAMPLE", "user/ops-scoped"),
        ("AKIAOPSDENIEDEXAMPLE", "user/ops-denied"),
    ] {
        let e = f.decode(&f.user(key), &message, NOW).unwrap_err();
        assert_eq!(e.code, StsErrorCode::AccessDenied, "{arn}: {e}");
        assert_eq!(
            e.message,
            format!(
                "User: arn:aws:iam::111111111111:{arn} is not authorized to perform: \
                 sts:DecodeAuthorizationMessage on resource: *"
            )
        );
    }
}

#[test]
fn a_caller_without_the_permission_learns_nothing_about_a_message() {
    // No oracle: a valid message, an altered one and garbage all answer the same AccessDenied.
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let mut altered = message.clone().into_bytes();
    altered[40] = if altered[40] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let dev = f.user("AKIADEVEXAMPLE000001");
    let answers: Vec<StsError> = [message.as_str(), &altered, "garbage"]
        .iter()
        .map(|m| f.decode(&dev, m, NOW).unwrap_err())
        .collect();
    assert!(answers.iter().all(|e| *e == answers[0]), "{answers:?}");
    assert_eq!(answers[0].code, StsErrorCode::AccessDenied);
}

#[test]
fn session_token_and_federated_credentials_may_not_call_it() {
    // AWS: GetSessionToken credentials call no STS API but AssumeRole and GetCallerIdentity.
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let creds = f
        .issuer
        .get_session_token_at(
            &f.ops(),
            &GetSessionTokenRequest::builder().build().unwrap(),
            &at(NOW),
        )
        .unwrap()
        .credentials;
    let session = Verifier::new(&f.ring)
        .verify(
            creds.session_token.expose_secret(),
            UnixTime::from_secs(NOW),
        )
        .unwrap();
    let e = f
        .decode(&Caller::from_session(session), &message, NOW)
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::AccessDenied);
}

#[test]
fn a_message_about_another_account_is_refused_even_to_a_caller_allowed_to_decode() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let other = f.user("AKIAOTHEROPSEXAMPLE1");
    let e = f.decode(&other, &message, NOW).unwrap_err();
    assert_eq!(e.code, StsErrorCode::InvalidAuthorizationMessage);
    assert_eq!(e.http_status(), 400);
    assert_eq!(e.code_str(), "InvalidAuthorizationMessageException");
    // The same words as for a forged message: the other account learns nothing of it.
    assert_eq!(e, f.decode(&other, "AAAA", NOW).unwrap_err());
}

// ---- keys ----

#[test]
fn a_message_of_another_deployment_does_not_decode_even_under_the_same_key_id() {
    let ours = fixture();
    let theirs = fixture_with(key_ring("k1", 0x43));
    let app = theirs.app_session("s1", None);
    let message =
        encoded(&theirs.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    assert!(theirs.decode(&theirs.ops(), &message, NOW).is_ok());
    let e = ours.decode(&ours.ops(), &message, NOW).unwrap_err();
    assert_eq!(e.code, StsErrorCode::InvalidAuthorizationMessage);
    assert_eq!(e.message, "The encoded authorization message is not valid.");
    let acct = "111111111111".parse().unwrap();
    let now = UnixTime::from_secs(NOW);
    let partition = tempcred::principal::Partition::aws();
    let decoder = AuthorizationMessages::new(ours.ring.clone());
    assert_eq!(
        decoder.decode_at(&message, partition, acct, now),
        Err(AuthorizationMessageError::BadSeal)
    );
    let other_id = AuthorizationMessages::new(key_ring("k9", 0x42));
    assert_eq!(
        other_id.decode_at(&message, partition, acct, now),
        Err(AuthorizationMessageError::UnknownKey)
    );
}

#[test]
fn messages_decode_across_a_key_rotation_until_their_key_is_retired() {
    let rng = SeededRandom::new(3);
    let mut ring = key_ring("2026-11", 0x42);
    let f = fixture_with(ring.clone());
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let acct = "111111111111".parse().unwrap();
    let partition = tempcred::principal::Partition::aws();
    let now = UnixTime::from_secs(NOW + 60);

    ring.add(
        KeyId::new("2026-12").unwrap(),
        KeyMaterial::generate(&rng).unwrap(),
    )
    .unwrap();
    ring.promote(&KeyId::new("2026-12").unwrap()).unwrap();
    let rotated = AuthorizationMessages::new(ring.clone());
    let decoded = rotated.decode_at(&message, partition, acct, now).unwrap();
    assert_eq!(decoded.key_id().as_str(), "2026-11");
    assert_eq!(decoded.issued_at(), UnixTime::from_secs(NOW));
    assert_eq!(
        decoded.expires_at(),
        UnixTime::from_secs(NOW + DEFAULT_MESSAGE_LIFETIME_SECS)
    );

    ring.retire(&KeyId::new("2026-11").unwrap()).unwrap();
    assert_eq!(
        AuthorizationMessages::new(ring).decode_at(&message, partition, acct, now),
        Err(AuthorizationMessageError::UnknownKey)
    );
}

// ---- time ----

#[test]
fn a_message_decodes_for_its_lifetime_and_not_after() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let last = NOW + DEFAULT_MESSAGE_LIFETIME_SECS - 1;
    assert!(f.decode(&f.ops(), &message, last).is_ok());
    let e = f.decode(&f.ops(), &message, last + 1).unwrap_err();
    assert_eq!(e.code, StsErrorCode::InvalidAuthorizationMessage);
    assert_eq!(e.message, "The encoded authorization message has expired.");
    // Another replica's clock may be a little behind: five minutes, no more.
    assert!(f.decode(&f.ops(), &message, NOW - 300).is_ok());
    let acct = "111111111111".parse().unwrap();
    assert_eq!(
        AuthorizationMessages::new(f.ring.clone()).decode_at(
            &message,
            tempcred::principal::Partition::aws(),
            acct,
            UnixTime::from_secs(NOW - 301)
        ),
        Err(AuthorizationMessageError::NotYetValid)
    );
}

#[test]
fn lifetimes_are_bounded_and_a_shorter_one_is_honoured() {
    let ring = key_ring("k1", 0x42);
    for bad in [0, 59, 36 * 3600 + 1, u64::MAX] {
        assert_eq!(
            AuthorizationMessages::new(ring.clone())
                .with_lifetime_secs(bad)
                .unwrap_err(),
            AuthorizationMessageError::InvalidLifetime
        );
    }
    let f = fixture();
    let short = AuthorizationMessages::new(f.ring.clone())
        .with_lifetime_secs(60)
        .unwrap();
    let authorizer = Authorizer::new(f.directory.clone()).with_authorization_messages(short);
    let app = f.app_session("s1", None);
    let refusal = authorizer
        .require_caller(
            &app,
            &AuthorizationRequest::new("s3:PutObject", "arn:aws:s3:::reports/q1.csv"),
            UnixTime::from_secs(NOW),
        )
        .unwrap_err();
    let message = encoded(&refusal);
    assert!(f.decode(&f.ops(), message, NOW + 59).is_ok());
    assert!(f.decode(&f.ops(), message, NOW + 60).is_err());
}

// ---- what the wire may carry ----

#[test]
fn every_truncation_re_encoding_and_stray_character_is_refused() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let ops = f.ops();
    let refused = |m: &str| match f.decode(&ops, m, NOW) {
        Err(e) => {
            e.code == StsErrorCode::InvalidAuthorizationMessage
                || e.code == StsErrorCode::ValidationError
        }
        Ok(_) => false,
    };
    for len in 0..message.len() {
        assert!(refused(&message[..len]), "cut to {len}");
    }
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(message.as_bytes())
        .unwrap();
    for (name, text) in [
        ("padded", data_encoding::BASE64URL.encode(&bytes)),
        ("standard alphabet", data_encoding::BASE64.encode(&bytes)),
        ("trailing newline", format!("{message}\n")),
        ("leading space", format!(" {message}")),
        ("appended byte", {
            let mut b = bytes.clone();
            b.push(0);
            data_encoding::BASE64URL_NOPAD.encode(&b)
        }),
    ] {
        if text != message {
            assert!(refused(&text), "{name}");
        }
    }
    assert!(f.decode(&ops, &message, NOW).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any change to any byte of the sealed message, re-encoded canonically, is refused.
    #[test]
    fn every_altered_byte_is_refused(position in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let f = fixture();
        let app = f.app_session("s1", None);
        let message = encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
        let mut bytes = data_encoding::BASE64URL_NOPAD.decode(message.as_bytes()).unwrap();
        let i = position.index(bytes.len());
        bytes[i] ^= xor;
        let altered = data_encoding::BASE64URL_NOPAD.encode(&bytes);
        let e = f.decode(&f.ops(), &altered, NOW).unwrap_err();
        prop_assert_eq!(e.code, StsErrorCode::InvalidAuthorizationMessage);
    }

    /// Any character replaced by another base64url character is refused (this includes the
    /// last character's unused bits: a non-canonical encoding of the same bytes).
    #[test]
    fn every_altered_character_is_refused(position in any::<prop::sample::Index>(), c in 0usize..64) {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let f = fixture();
        let app = f.app_session("s1", None);
        let message = encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
        let mut text = message.clone().into_bytes();
        let i = position.index(text.len());
        prop_assume!(text[i] != ALPHABET[c]);
        text[i] = ALPHABET[c];
        let altered = String::from_utf8(text).unwrap();
        let e = f.decode(&f.ops(), &altered, NOW).unwrap_err();
        prop_assert_eq!(e.code, StsErrorCode::InvalidAuthorizationMessage);
    }
}

#[test]
fn every_byte_position_altered_once_is_refused() {
    // The exhaustive version of the property above, for one message.
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(message.as_bytes())
        .unwrap();
    let decoder = AuthorizationMessages::new(f.ring.clone());
    let acct = "111111111111".parse().unwrap();
    for i in 0..bytes.len() {
        let mut altered = bytes.clone();
        altered[i] ^= 0x01;
        let text = data_encoding::BASE64URL_NOPAD.encode(&altered);
        assert!(
            decoder
                .decode_at(
                    &text,
                    tempcred::principal::Partition::aws(),
                    acct,
                    UnixTime::from_secs(NOW)
                )
                .is_err(),
            "byte {i}"
        );
    }
}

// ---- size ----

#[test]
fn a_typical_message_is_small_and_the_worst_case_is_bounded_and_says_it_was_cut() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let typical = f.refusal(&app, "s3:DeleteObject", "arn:aws:s3:::reports/q1.csv");
    let typical = encoded(&typical);
    println!("typical explicit deny: {} characters", typical.len());
    assert!(typical.len() < 3_000, "{}", typical.len());

    // The worst a caller and a service can make it: session tags up to the token's limit, a
    // resource, an action and 40 extra context keys of 4 000 control characters each (which
    // JSON escapes six-fold), several matching statements.
    let mut b = AssumeRoleRequest::builder(APP_ROLE, "worst-case-session-name-of-some-length");
    for i in 0..7 {
        b = b.tag(
            format!("tag-key-{i:02}-{}", "k".repeat(110)),
            "v".repeat(256),
        );
    }
    let creds = f
        .issuer
        .assume_role_at(
            &f.user("AKIADEVEXAMPLE000001"),
            &b.build().unwrap(),
            &at(NOW),
        )
        .unwrap()
        .credentials;
    let session = Verifier::new(&f.ring)
        .verify(
            creds.session_token.expose_secret(),
            UnixTime::from_secs(NOW),
        )
        .unwrap();
    let worst_caller = Caller::from_session(session);
    let resource = format!("arn:aws:s3:::reports/{}", "\u{1}".repeat(4_000));
    let long_value = "\u{2}".repeat(4_000);
    let extra: Vec<(String, String)> = (0..40)
        .map(|i| (format!("svc:key{i}"), long_value.clone()))
        .collect();
    let extra_refs: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let long_action = format!("s3:{}", "\u{3}".repeat(4_000));
    let mut worst = (0, String::new());
    for action in ["s3:DeleteObject", long_action.as_str()] {
        let mut request = AuthorizationRequest::new(action, &resource);
        request.extra_context = &extra_refs;
        let seal = || {
            let refusal = f
                .authorizer
                .require_caller(&worst_caller, &request, UnixTime::from_secs(NOW))
                .unwrap_err();
            let message = encoded(&refusal).to_owned();
            let decoded = AuthorizationMessages::new(f.ring.clone())
                .decode_at(
                    &message,
                    tempcred::principal::Partition::aws(),
                    "111111111111".parse().unwrap(),
                    UnixTime::from_secs(NOW),
                )
                .unwrap();
            (message, decoded.into_json())
        };
        let (message, decoded) = seal();
        assert!(message.len() <= MAX_SEALED_CHARS, "{}", message.len());
        assert!(decoded.len() <= MAX_DECODED_BYTES);
        let json: Value = serde_json::from_str(&decoded).unwrap();
        let truncated = &json["truncated"];
        assert!(truncated.is_object(), "{json}");
        assert_eq!(truncated["values"], true);
        assert!(truncated["conditions"].as_u64().unwrap() > 0);
        // What was kept is still AWS's shape, and cut strings say so with an ellipsis.
        let aws: Value =
            serde_json::from_str(include_str!("data/aws_decoded_authorization_message.json"))
                .unwrap();
        assert_same_shape(&json, &aws, "$");
        assert!(json["context"]["resource"].as_str().unwrap().ends_with('…'));
        // Deterministic: the same refusal seals the same JSON (under another nonce).
        let (again, again_decoded) = seal();
        assert_ne!(again, message);
        assert_eq!(again_decoded, decoded);
        if message.len() > worst.0 {
            worst = (message.len(), message);
        }
    }
    println!(
        "worst case: {} characters (bound {MAX_SEALED_CHARS})",
        worst.0
    );
}

// ---- the audit trail ----

#[test]
fn every_decode_attempt_is_audited_with_whose_refusal_was_read() {
    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    f.audit.take();
    f.decode(&f.ops(), &message, NOW).unwrap();
    let _ = f.decode(&f.user("AKIADEVEXAMPLE000001"), &message, NOW);
    let _ = f.decode(&f.ops(), "AAAA", NOW);
    let events = f.audit.take();
    assert_eq!(events.len(), 3);
    assert!(events
        .iter()
        .all(|e| e.action == AuditAction::DecodeAuthorizationMessage));
    assert_eq!(events[0].outcome, AuditOutcome::Allowed);
    assert_eq!(
        events[0].caller_arn.as_deref(),
        Some("arn:aws:iam::111111111111:user/ops")
    );
    assert_eq!(
        events[0].target.as_deref(),
        Some("arn:aws:sts::111111111111:assumed-role/app/s1")
    );
    assert_eq!(
        events[1].outcome,
        AuditOutcome::Refused {
            error_code: "AccessDenied"
        }
    );
    assert_eq!(
        events[2].outcome,
        AuditOutcome::Refused {
            error_code: "InvalidAuthorizationMessageException"
        }
    );
    for e in &events {
        let json = serde_json::to_string(e).unwrap();
        assert!(json.contains(r#""action":"DecodeAuthorizationMessage""#));
        assert!(
            !json.contains(&message[..32]),
            "the message itself is not audited"
        );
        assert!(!json.contains("explicitDeny"), "nor what it says");
    }
}

// ---- through the STS Query API endpoint ----

#[test]
fn the_endpoint_answers_signed_decode_calls_in_awss_xml() {
    use tempcred::endpoint::{HttpRequest, StsEndpoint};
    use tempcred::sigv4::{sign, PayloadHash, SignableRequest, SigningParams};
    use tempcred::SecretAccessKey;

    let f = fixture();
    let app = f.app_session("s1", None);
    let message =
        encoded(&f.refusal(&app, "s3:PutObject", "arn:aws:s3:::reports/q1.csv")).to_owned();
    let endpoint = StsEndpoint::new(Issuer::builder(f.directory.clone(), f.ring.clone()).build());
    let now = UnixTime::from_secs(NOW);
    let call = |key: &str, secret: &str, body: &str| {
        let host = [("host", "sts.example.test")];
        let unsigned = SignableRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &host,
            payload: PayloadHash::Bytes(body.as_bytes()),
        };
        let secret = SecretAccessKey::new(secret).unwrap();
        let params = SigningParams::new(key, &secret, "us-east-1", "sts", now);
        let added = sign(&unsigned, &params).unwrap().headers;
        let mut headers = host.to_vec();
        headers.extend(added.iter().map(|(n, v)| (*n, v.as_str())));
        let answer = endpoint.handle(
            &HttpRequest {
                method: "POST",
                path: "/",
                query: "",
                headers: &headers,
                body: body.as_bytes(),
                source_ip: None,
            },
            now,
        );
        (answer.status, answer.body.to_string())
    };
    let body =
        format!("Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage={message}");
    let (status, xml) = call(
        "AKIAOPSEXAMPLE000001",
        "opsSecretKeyForMessageTests000000000000A",
        &body,
    );
    assert_eq!(status, 200, "{xml}");
    assert!(xml.starts_with(
        "<DecodeAuthorizationMessageResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <DecodeAuthorizationMessageResult><DecodedMessage>{&quot;allowed&quot;:false,"
    ));

    let (status, xml) = call(
        "AKIADEVEXAMPLE000001",
        "devSecretKeyForMessageTests000000000000A",
        &body,
    );
    assert_eq!(status, 403, "{xml}");
    assert!(xml.contains("<Code>AccessDenied</Code>"), "{xml}");

    let forged = "Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=AQJrMQ";
    let (status, xml) = call(
        "AKIAOPSEXAMPLE000001",
        "opsSecretKeyForMessageTests000000000000A",
        forged,
    );
    assert_eq!(status, 400, "{xml}");
    assert!(
        xml.contains("<Type>Sender</Type><Code>InvalidAuthorizationMessageException</Code>"),
        "{xml}"
    );

    // Unsigned: the operation needs a signature, as in AWS.
    let answer = endpoint.handle(
        &HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &[("host", "sts.example.test")],
            body: body.as_bytes(),
            source_ip: None,
        },
        now,
    );
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("MissingAuthenticationToken"));
}
