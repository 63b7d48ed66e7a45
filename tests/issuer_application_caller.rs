//! Callers the application authenticated itself (issue 15): `Caller::authenticated_by_application`.
//!
//! The rules, from AWS where it has one: such a caller acts as the IAM user (trust policies that
//! name the user apply, and across accounts the user's own policies must allow, as for any IAM
//! principal); `GetSessionToken` and `GetFederationToken` need long-term access keys in AWS
//! ("You must call the GetSessionToken operation using the long-term security credentials of an
//! IAM user", STS API reference), so a login is refused there; and a user the directory does not
//! hold, or holds under another unique ID, is refused like any deleted principal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use tempcred::audit::MemoryAuditSink;
use tempcred::directory::{Directory, InMemoryDirectory, User};
use tempcred::hazmat::SeededRandom;
use tempcred::issue::Authentication;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::principal::{IamPath, Partition, UserName};
use tempcred::{
    AssumeRoleRequest, CallEnv, Caller, GetFederationTokenRequest, GetSessionTokenRequest, Issuer,
    KeyRing, StsErrorCode, UnixTime, Verifier,
};

const NOW: u64 = 1_764_000_000;

const DIRECTORY: &str = r#"{
  "users": [
    { "arn": "arn:aws:iam::111111111111:user/web/alice",
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession", "sts:GetFederationToken"], "Resource": "*" } ] }] },
    { "arn": "arn:aws:iam::111111111111:user/bob" }
  ],
  "roles": [
    { "arn": "arn:aws:iam::111111111111:role/reports",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:user/web/alice" }, "Action": ["sts:AssumeRole", "sts:TagSession"] }] } },
    { "arn": "arn:aws:iam::222222222222:role/partner",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/web/alice", "arn:aws:iam::111111111111:user/bob"] },
        "Action": ["sts:AssumeRole", "sts:TagSession"] }] } }
  ]
}"#;

struct Fx {
    dir: Arc<InMemoryDirectory>,
    ring: KeyRing,
    issuer: Issuer,
    audit: Arc<MemoryAuditSink>,
}

fn fx() -> Fx {
    let dir = Arc::new(InMemoryDirectory::from_json(DIRECTORY).unwrap());
    let ring = KeyRing::new(
        KeyId::new("k").unwrap(),
        KeyMaterial::from_bytes(&[3; 32]).unwrap(),
    )
    .unwrap();
    let audit = Arc::new(MemoryAuditSink::new());
    let issuer = Issuer::builder(dir.clone(), ring.clone())
        .random(Arc::new(SeededRandom::new(1)))
        .audit_sink(audit.clone())
        .build();
    Fx {
        dir,
        ring,
        issuer,
        audit,
    }
}

fn env() -> CallEnv {
    CallEnv::at(UnixTime::from_secs(NOW))
}

fn user(fx: &Fx, name: &str) -> Arc<User> {
    fx.dir
        .user(
            "111111111111".parse().unwrap(),
            &UserName::new(name).unwrap(),
        )
        .unwrap()
}

fn assume(fx: &Fx, caller: &Caller, role: &str) -> Result<String, StsErrorCode> {
    let req = AssumeRoleRequest::builder(role, "web-login")
        .tag("tenant", "t-42")
        .build()
        .unwrap();
    fx.issuer
        .assume_role_at(caller, &req, &env())
        .map(|r| {
            let s = Verifier::new(&fx.ring)
                .verify(
                    r.credentials.session_token.expose_secret(),
                    UnixTime::from_secs(NOW),
                )
                .unwrap();
            s.caller_identity().arn
        })
        .map_err(|e| e.code)
}

#[test]
fn a_user_the_application_logged_in_assumes_a_role_that_trusts_the_user() {
    let fx = fx();
    let alice = Caller::authenticated_by_application(&user(&fx, "alice"));
    assert_eq!(alice.authentication(), Authentication::Application);
    assert!(!alice.is_long_term());
    assert_eq!(alice.arn(), "arn:aws:iam::111111111111:user/web/alice");
    assert_eq!(
        assume(&fx, &alice, "arn:aws:iam::111111111111:role/reports").unwrap(),
        "arn:aws:sts::111111111111:assumed-role/reports/web-login"
    );
    // The audit event names the user and how it was authenticated.
    let event = fx.audit.take().pop().unwrap();
    let json = serde_json::to_string(&event).unwrap();
    assert!(
        json.contains(r#""caller_arn":"arn:aws:iam::111111111111:user/web/alice""#),
        "{json}"
    );
    assert!(
        json.contains(r#""caller_authentication":"application""#),
        "{json}"
    );
}

#[test]
fn get_caller_identity_answers_the_users_arn_and_unique_id() {
    let fx = fx();
    let alice_user = user(&fx, "alice");
    let alice = Caller::authenticated_by_application(&alice_user);
    let id = fx.issuer.get_caller_identity_at(&alice, &env()).unwrap();
    assert_eq!(id.arn, "arn:aws:iam::111111111111:user/web/alice");
    assert_eq!(id.user_id, alice_user.user_id().to_string());
    assert_eq!(id.account.to_string(), "111111111111");
}

#[test]
fn an_application_login_is_not_a_long_term_key_for_session_or_federation_tokens() {
    let fx = fx();
    let alice = Caller::authenticated_by_application(&user(&fx, "alice"));
    let gst = fx
        .issuer
        .get_session_token_at(
            &alice,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(),
        )
        .unwrap_err();
    assert_eq!(gst.code, StsErrorCode::AccessDenied);
    assert!(
        gst.message.contains("long-term access keys"),
        "{}",
        gst.message
    );
    let gft = fx
        .issuer
        .get_federation_token_at(
            &alice,
            &GetFederationTokenRequest::builder("fed-alice")
                .build()
                .unwrap(),
            &env(),
        )
        .unwrap_err();
    assert_eq!(gft.code, StsErrorCode::AccessDenied);
}

#[test]
fn across_accounts_the_users_own_policies_must_allow_as_for_any_iam_principal() {
    let fx = fx();
    let partner = "arn:aws:iam::222222222222:role/partner";
    // alice's policies allow sts:AssumeRole; bob has none.
    let alice = Caller::authenticated_by_application(&user(&fx, "alice"));
    assert!(assume(&fx, &alice, partner).is_ok());
    let bob = Caller::authenticated_by_application(&user(&fx, "bob"));
    assert_eq!(
        assume(&fx, &bob, partner).unwrap_err(),
        StsErrorCode::AccessDenied
    );
    // A role that does not trust bob refuses him too.
    assert_eq!(
        assume(&fx, &bob, "arn:aws:iam::111111111111:role/reports").unwrap_err(),
        StsErrorCode::AccessDenied
    );
}

#[test]
fn a_user_made_up_by_the_application_or_re_created_is_refused() {
    let fx = fx();
    let account = "111111111111".parse().unwrap();
    // Not in the directory at all.
    let mallory = User::new(
        Partition::default(),
        account,
        IamPath::root(),
        UserName::new("mallory").unwrap(),
    )
    .unwrap();
    let caller = Caller::authenticated_by_application(&mallory);
    assert_eq!(
        assume(&fx, &caller, "arn:aws:iam::111111111111:role/reports").unwrap_err(),
        StsErrorCode::AccessDenied
    );
    // In the directory by name and path, but under another unique ID: another principal.
    let stale = User::new(
        Partition::default(),
        account,
        IamPath::new("/web/").unwrap(),
        UserName::new("alice").unwrap(),
    )
    .unwrap()
    .with_id("AIDAALICEOLDCREATION1".parse().unwrap())
    .unwrap();
    let caller = Caller::authenticated_by_application(&stale);
    assert_eq!(
        assume(&fx, &caller, "arn:aws:iam::111111111111:role/reports").unwrap_err(),
        StsErrorCode::AccessDenied
    );
    assert_eq!(
        fx.issuer
            .get_caller_identity_at(&caller, &env())
            .unwrap_err()
            .code,
        StsErrorCode::AccessDenied
    );
}
