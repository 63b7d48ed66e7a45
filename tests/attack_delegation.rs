//! Attacks on the delegation rules, written from the attacker's goal, each next to the legitimate
//! request it resembles (issue 12: findings 1, 2, 5, 10 and 12).
//!
//! The rule for finding 1 comes from the IAM User Guide, "Session policies"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>):
//! "A resource-based policy can specify the ARN of the user or role as a principal. In that case,
//! the permissions from the resource-based policy are added to the role or user's identity-based
//! policy before the session is created. The session policy limits the total permissions granted
//! by the resource-based policy and the identity-based policy. [...] A resource-based policy can
//! specify the ARN of the session as a principal. In that case, the permissions from the
//! resource-based policy are added after the session is created. The session policy permissions
//! are not limited." A trust policy is a resource-based policy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use std::sync::Arc;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::InMemoryDirectory;
use tempcred::endpoint::{HttpRequest, StsEndpoint};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::principal::RoleName;
use tempcred::sigv4::{sign, PayloadHash, SignableRequest, SigningParams};
use tempcred::{
    AssumeRoleRequest, CallEnv, Caller, Credentials, Decision, GetSessionTokenRequest, Issuer,
    KeyRing, RevokedSessions, SecretAccessKey, StsErrorCode, UnixTime, Verifier,
};

const NOW: u64 = 1_764_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
const ALICE_SECRET: &str = "aliceSecretKeyForAttackTests0000000000AA";
const GET_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn role(name: &str) -> String {
    format!("arn:aws:iam::111111111111:role/{name}")
}

/// alice may assume `scoped`; `scoped` may assume anything; `admin` trusts `scoped`'s role ARN,
/// `by-session` trusts only the session `scoped/ci` by its session ARN.
fn directory(alice_id: &str) -> InMemoryDirectory {
    InMemoryDirectory::from_json(&format!(
        r#"{{
  "users": [{{ "arn": "arn:aws:iam::111111111111:user/alice", "id": "{alice_id}",
    "access_keys": [{{ "id": "{ALICE_KEY}", "secret": "{ALICE_SECRET}" }}],
    "policies": [{{ "Version": "2012-10-17", "Statement": [
      {{ "Effect": "Allow", "Action": ["sts:AssumeRole", "s3:*"], "Resource": "*" }} ] }}] }}],
  "roles": [
    {{ "arn": "arn:aws:iam::111111111111:role/scoped",
      "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
        "Principal": {{ "AWS": "arn:aws:iam::111111111111:user/alice" }}, "Action": "sts:AssumeRole" }}] }},
      "policies": [{{ "Version": "2012-10-17", "Statement": [
        {{ "Effect": "Allow", "Action": ["sts:AssumeRole", "s3:GetObject"], "Resource": "*" }} ] }}] }},
    {{ "arn": "arn:aws:iam::111111111111:role/admin",
      "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
        "Principal": {{ "AWS": "arn:aws:iam::111111111111:role/scoped" }}, "Action": "sts:AssumeRole" }}] }},
      "policies": [{{ "Version": "2012-10-17", "Statement": [
        {{ "Effect": "Allow", "Action": "*", "Resource": "*" }} ] }}] }},
    {{ "arn": "arn:aws:iam::111111111111:role/by-session",
      "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
        "Principal": {{ "AWS": "arn:aws:sts::111111111111:assumed-role/scoped/ci" }}, "Action": "sts:AssumeRole" }}] }} }}
  ],
  "managed_policies": [
    {{ "arn": "arn:aws:iam::111111111111:policy/get-only",
      "document": {GET_ONLY} }}
  ]
}}"#
    ))
    .unwrap()
}

const ALICE_ID: &str = "AIDAALICEFIRST0000001";

struct Fx {
    dir: Arc<InMemoryDirectory>,
    ring: KeyRing,
    issuer: Issuer,
}

fn ring() -> KeyRing {
    KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[7; 32]).unwrap(),
    )
    .unwrap()
}

impl Fx {
    fn new() -> Self {
        Self::with(directory(ALICE_ID), RevokedSessions::default())
    }

    fn with(dir: InMemoryDirectory, revoked: RevokedSessions) -> Self {
        let dir = Arc::new(dir);
        let ring = ring();
        let issuer = Issuer::builder(dir.clone(), ring.clone())
            .random(Arc::new(SeededRandom::new(9)))
            .revoked_sessions(revoked)
            .build();
        Fx { dir, ring, issuer }
    }

    fn env(&self, at: u64) -> CallEnv {
        CallEnv::at(UnixTime::from_secs(at))
    }

    fn alice(&self) -> Caller {
        self.issuer
            .long_term_caller(&ALICE_KEY.parse().unwrap())
            .unwrap()
    }

    fn session(&self, creds: &Credentials, at: u64) -> Caller {
        let s = Verifier::new(&self.ring)
            .verify(creds.session_token.expose_secret(), UnixTime::from_secs(at))
            .unwrap();
        Caller::from_session(s)
    }

    /// alice's session of role/scoped named `name`, narrowed by `policy` and `arns`.
    fn scoped(&self, name: &str, policy: Option<&str>, arns: &[&str]) -> Caller {
        let mut b = AssumeRoleRequest::builder(role("scoped"), name);
        if let Some(p) = policy {
            b = b.policy(p);
        }
        for a in arns {
            b = b.policy_arn(*a);
        }
        let r = self
            .issuer
            .assume_role_at(&self.alice(), &b.build().unwrap(), &self.env(NOW))
            .unwrap();
        self.session(&r.credentials, NOW)
    }

    fn chain(&self, caller: &Caller, target: &str, at: u64) -> Result<Credentials, StsErrorCode> {
        let req = AssumeRoleRequest::builder(role(target), "next")
            .build()
            .unwrap();
        self.issuer
            .assume_role_at(caller, &req, &self.env(at))
            .map(|r| r.credentials)
            .map_err(|e| e.code)
    }
}

// ---- finding 1: a session policy limits grants to the role ARN ----

#[test]
fn a_scoped_down_session_cannot_chain_into_a_role_that_trusts_its_role_arn() {
    let fx = Fx::new();
    let narrow = fx.scoped("ci", Some(GET_ONLY), &[]);
    // The Authorizer agrees the narrowed session may not call sts:AssumeRole...
    let s = narrow.session().unwrap().clone();
    let authorizer = Authorizer::new(fx.dir.clone());
    let ask = AuthorizationRequest::new("sts:AssumeRole", "arn:aws:iam::111111111111:role/admin");
    assert_eq!(
        authorizer
            .authorize(&s, &ask, UnixTime::from_secs(NOW))
            .unwrap(),
        Decision::ImplicitDeny
    );
    // ...so the Issuer must not hand it an admin session through admin's trust in role/scoped.
    assert_eq!(
        fx.chain(&narrow, "admin", NOW).unwrap_err(),
        StsErrorCode::AccessDenied
    );
    // The same limit holds for a managed policy passed as PolicyArns.
    let narrow_arn = fx.scoped("ci", None, &["arn:aws:iam::111111111111:policy/get-only"]);
    assert_eq!(
        fx.chain(&narrow_arn, "admin", NOW).unwrap_err(),
        StsErrorCode::AccessDenied
    );
}

#[test]
fn a_session_without_a_session_policy_or_with_one_that_allows_still_chains() {
    let fx = Fx::new();
    // No session policy: the role's trust in role/scoped is enough in the same account.
    let open = fx.scoped("ci", None, &[]);
    assert!(fx.chain(&open, "admin", NOW).is_ok());
    // A session policy that allows sts:AssumeRole on the target leaves the grant in place.
    let allows = fx.scoped(
        "ci",
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/admin"}]}"#),
        &[],
    );
    assert!(fx.chain(&allows, "admin", NOW).is_ok());
}

#[test]
fn a_grant_to_the_exact_session_arn_is_not_limited_by_the_session_policy() {
    let fx = Fx::new();
    // by-session names arn:aws:sts::111111111111:assumed-role/scoped/ci: the narrowed session
    // with that name is allowed (the grant is added after the session is created)...
    let ci = fx.scoped("ci", Some(GET_ONLY), &[]);
    assert!(fx.chain(&ci, "by-session", NOW).is_ok());
    // ...another session of the same role is not named at all.
    let other = fx.scoped("other", None, &[]);
    assert_eq!(
        fx.chain(&other, "by-session", NOW).unwrap_err(),
        StsErrorCode::AccessDenied
    );
    // An explicit deny in the session policy still wins over the session-ARN grant.
    let deny = fx.scoped(
        "ci",
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}"#),
        &[],
    );
    assert_eq!(
        fx.chain(&deny, "by-session", NOW).unwrap_err(),
        StsErrorCode::AccessDenied
    );
}

// Property: for random role (identity) policies, session policies and trust policies, a chained
// `AssumeRole` is allowed exactly as AWS's documented rules say, modelled here from the
// documentation and not from the code:
// - an explicit deny in the parent's role policies or session policy refuses;
// - a trust grant to the parent's session ARN allows, whatever the session policy;
// - a trust grant to the parent's role ARN allows (same account: no identity-side allow needed)
//   only if the session policy, when there is one, allows too;
// - a grant through the account (or a wildcard, which tempcred treats the same: the stricter
//   reading) needs the role policies ∩ session policy to allow;
// - a grant to another session of the same role does not apply.
// So a chained session never exceeds its parent's effective permissions, plus a grant that
// names the parent session ARN exactly. The model is checked both ways, so it cannot pass by
// refusing everything.

const ACTIONS: [&str; 4] = ["sts:AssumeRole", "sts:*", "s3:GetObject", "*"];
const RESOURCES: [&str; 3] = [
    "*",
    "arn:aws:iam::111111111111:role/target",
    "arn:aws:iam::111111111111:role/other",
];
const TRUSTED: [&str; 5] = [
    "arn:aws:iam::111111111111:role/parent",
    "arn:aws:sts::111111111111:assumed-role/parent/p1",
    "arn:aws:sts::111111111111:assumed-role/parent/p2",
    "111111111111",
    "*",
];

type Stmt = (bool, usize, usize);

fn statement((deny, action, resource): Stmt) -> String {
    format!(
        r#"{{"Effect":"{}","Action":"{}","Resource":"{}"}}"#,
        if deny { "Deny" } else { "Allow" },
        ACTIONS[action],
        RESOURCES[resource]
    )
}

fn document(statements: &[Stmt]) -> String {
    let list: Vec<String> = statements.iter().copied().map(statement).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        list.join(",")
    )
}

/// Whether a statement applies to `sts:AssumeRole` on role/target.
fn applies(&(_, action, resource): &Stmt) -> bool {
    action != 2 && resource != 2
}

fn allows(policy: &[Stmt]) -> bool {
    policy.iter().any(|s| !s.0 && applies(s))
}

fn denies(policy: &[Stmt]) -> bool {
    policy.iter().any(|s| s.0 && applies(s))
}

fn statements(min: usize) -> impl Strategy<Value = Vec<Stmt>> {
    prop::collection::vec((prop::bool::weighted(0.2), 0..4usize, 0..3usize), min..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn a_chained_session_never_exceeds_its_parent_except_by_a_grant_to_its_session_arn(
        role_policy in statements(0),
        session_policy in prop::option::of(statements(1)),
        trusted in 0..TRUSTED.len(),
    ) {
        let role_doc = if role_policy.is_empty() { String::new() } else {
            format!(r#", "policies": [{}]"#, document(&role_policy))
        };
        let dir = InMemoryDirectory::from_json(&format!(r#"{{
          "users": [{{ "arn": "arn:aws:iam::111111111111:user/alice",
            "access_keys": [{{ "id": "{ALICE_KEY}", "secret": "{ALICE_SECRET}" }}] }}],
          "roles": [
            {{ "arn": "arn:aws:iam::111111111111:role/parent",
              "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
                "Principal": {{ "AWS": "arn:aws:iam::111111111111:user/alice" }}, "Action": "sts:AssumeRole" }}] }}
              {role_doc} }},
            {{ "arn": "arn:aws:iam::111111111111:role/target",
              "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
                "Principal": {{ "AWS": "{}" }}, "Action": "sts:AssumeRole" }}] }} }}
          ] }}"#, TRUSTED[trusted])).unwrap();
        let fx = Fx::with(dir, RevokedSessions::default());
        let mut b = AssumeRoleRequest::builder(role("parent"), "p1");
        if let Some(sp) = &session_policy {
            b = b.policy(document(sp));
        }
        let parent = fx
            .issuer
            .assume_role_at(&fx.alice(), &b.build().unwrap(), &fx.env(NOW))
            .unwrap();
        let verified = Verifier::new(&fx.ring)
            .verify(parent.credentials.session_token.expose_secret(), UnixTime::from_secs(NOW))
            .unwrap();
        let chained = fx.chain(&Caller::from_session(verified), "target", NOW).is_ok();

        let session_allows = session_policy.as_deref().is_none_or(allows);
        let deny = denies(&role_policy) || session_policy.as_deref().is_some_and(denies);
        let expected = !deny
            && match trusted {
                1 => true,
                0 => session_allows,
                3 | 4 => allows(&role_policy) && session_allows,
                _ => false,
            };
        prop_assert_eq!(
            chained, expected,
            "role {:?} session {:?} trusted {}", role_policy, session_policy, TRUSTED[trusted]
        );
    }
}

// ---- findings 2 and 10: revocation and expiry hold wherever a session is used ----

fn revoke_scoped_before(t: u64) -> RevokedSessions {
    let mut r = RevokedSessions::default();
    r.revoke_role_sessions(
        "111111111111".parse().unwrap(),
        RoleName::new("scoped").unwrap(),
        UnixTime::from_secs(t),
    );
    r
}

#[test]
fn a_revoked_session_cannot_chain_or_call_anything_through_the_issuer() {
    // Issued at NOW by an issuer that has not heard of the revocation yet...
    let before = Fx::new();
    let old = before.scoped("ci", None, &[]);
    // ...then every replica gets the snapshot "sessions of scoped issued before NOW+1".
    let fx = Fx::with(directory(ALICE_ID), revoke_scoped_before(NOW + 1));
    assert_eq!(
        fx.chain(&old, "admin", NOW + 10).unwrap_err(),
        StsErrorCode::InvalidClientTokenId
    );
    assert_eq!(
        fx.issuer
            .get_caller_identity_at(&old, &fx.env(NOW + 10))
            .unwrap_err()
            .code,
        StsErrorCode::InvalidClientTokenId
    );
    // A session issued after the cut-off is unaffected.
    let fresh = {
        let r = fx
            .issuer
            .assume_role_at(
                &fx.alice(),
                &AssumeRoleRequest::builder(role("scoped"), "ci")
                    .build()
                    .unwrap(),
                &fx.env(NOW + 5),
            )
            .unwrap();
        fx.session(&r.credentials, NOW + 5)
    };
    assert!(fx.chain(&fresh, "admin", NOW + 10).is_ok());
}

#[test]
fn the_authorizer_refuses_a_revoked_session_that_another_verifier_let_in() {
    let fx = Fx::new();
    let old = fx.scoped("ci", None, &[]).session().unwrap().clone();
    let get = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::b/k");
    let at = UnixTime::from_secs(NOW + 10);
    let plain = Authorizer::new(fx.dir.clone());
    assert_eq!(plain.authorize(&old, &get, at).unwrap(), Decision::Allow);
    let revoking =
        Authorizer::new(fx.dir.clone()).with_revoked_sessions(revoke_scoped_before(NOW + 1));
    assert_eq!(
        revoking.authorize(&old, &get, at).unwrap_err().code,
        StsErrorCode::InvalidClientTokenId
    );
}

/// Signs `body` for the STS endpoint with `creds` at `at`.
fn signed_post(creds: &Credentials, body: &[u8], at: u64) -> Vec<(&'static str, String)> {
    let host = [("host", "sts.example")];
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &host,
        payload: PayloadHash::Bytes(body),
    };
    let params = SigningParams::new(
        creds.access_key_id.as_str(),
        &creds.secret_access_key,
        "us-east-1",
        "sts",
        UnixTime::from_secs(at),
    )
    .with_session_token(creds.session_token.expose_secret());
    let mut headers = vec![("host", "sts.example".to_owned())];
    headers.extend(sign(&request, &params).unwrap().headers);
    headers
}

fn post(endpoint: &StsEndpoint, creds: &Credentials, body: &[u8], at: u64) -> (u16, String) {
    let headers = signed_post(creds, body, at);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let r = endpoint.handle(
        &HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body,
            source_ip: None,
        },
        UnixTime::from_secs(at),
    );
    (r.status, r.body.to_string())
}

#[test]
fn a_revoked_session_cannot_sign_its_way_to_new_credentials_at_the_endpoint() {
    let issued = {
        let fx = Fx::new();
        fx.issuer
            .assume_role_at(
                &fx.alice(),
                &AssumeRoleRequest::builder(role("scoped"), "ci")
                    .build()
                    .unwrap(),
                &fx.env(NOW),
            )
            .unwrap()
            .credentials
    };
    let body = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fadmin&RoleSessionName=esc";
    // Without the snapshot the chain works: the request is well formed and allowed.
    let open = StsEndpoint::new(Fx::new().issuer);
    let (status, xml) = post(&open, &issued, body, NOW + 10);
    assert_eq!(status, 200, "{xml}");
    // The endpoint built on an issuer with the snapshot verifies signatures with it.
    let guarded =
        StsEndpoint::new(Fx::with(directory(ALICE_ID), revoke_scoped_before(NOW + 1)).issuer);
    let (status, xml) = post(&guarded, &issued, body, NOW + 10);
    assert_eq!(status, 403, "{xml}");
    assert!(xml.contains("<Code>InvalidClientTokenId</Code>"), "{xml}");
    let gci = b"Action=GetCallerIdentity&Version=2011-06-15";
    assert_eq!(post(&guarded, &issued, gci, NOW + 10).0, 403);
}

#[test]
fn a_session_verified_once_stops_working_when_it_expires() {
    let fx = Fx::new();
    let s = fx.scoped("ci", None, &[]);
    let verified = s.session().unwrap();
    let expires = verified.claims().expires_at.as_secs();
    // The verifier's default leeway is 5 minutes: still valid one second before it runs out.
    let last = expires + 299;
    assert!(fx.chain(&s, "admin", last).is_ok());
    assert!(fx.issuer.get_caller_identity_at(&s, &fx.env(last)).is_ok());
    // An hour (or a day) after expiry, the same in-memory session is refused everywhere.
    for late in [expires + 300, expires + 3600, expires + 86_400] {
        assert_eq!(
            fx.chain(&s, "admin", late).unwrap_err(),
            StsErrorCode::ExpiredToken
        );
        assert_eq!(
            fx.issuer
                .get_caller_identity_at(&s, &fx.env(late))
                .unwrap_err()
                .code,
            StsErrorCode::ExpiredToken
        );
        let get = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::b/k");
        assert_eq!(
            Authorizer::new(fx.dir.clone())
                .authorize(verified, &get, UnixTime::from_secs(late))
                .unwrap_err()
                .code,
            StsErrorCode::ExpiredToken
        );
    }
}

// ---- finding 5: a re-created user is a new principal ----

#[test]
fn sessions_of_a_deleted_user_do_not_act_as_the_user_re_created_under_the_same_name() {
    let old = Fx::new();
    let gst = old
        .issuer
        .get_session_token_at(
            &old.alice(),
            &GetSessionTokenRequest::builder().build().unwrap(),
            &old.env(NOW),
        )
        .unwrap()
        .credentials;
    // The same directory still accepts the session...
    assert!(old.chain(&old.session(&gst, NOW), "scoped", NOW).is_ok());
    // ...but alice deleted and re-created (IAM gives the new user a new unique ID) does not.
    let new = Fx::with(
        directory("AIDAALICESECOND000002"),
        RevokedSessions::default(),
    );
    let session = new.session(&gst, NOW);
    assert_eq!(
        new.chain(&session, "scoped", NOW).unwrap_err(),
        StsErrorCode::AccessDenied
    );
    let verified = session.session().unwrap();
    let get = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::b/k");
    assert_eq!(
        Authorizer::new(new.dir.clone())
            .authorize(verified, &get, UnixTime::from_secs(NOW))
            .unwrap_err()
            .code,
        StsErrorCode::AccessDenied
    );
}

// ---- finding 12: a session token compares only in constant time ----

/// Compiles only while `SessionToken` has no `PartialEq`: with one, the call below is ambiguous.
#[test]
fn session_tokens_have_no_partial_eq_only_a_constant_time_comparison() {
    trait AmbiguousIfPartialEq<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfPartialEq<()> for T {}
    #[allow(dead_code)]
    struct Invalid;
    impl<T: ?Sized + PartialEq> AmbiguousIfPartialEq<Invalid> for T {}
    <tempcred::SessionToken as AmbiguousIfPartialEq<_>>::check();

    let fx = Fx::new();
    let r = fx
        .issuer
        .assume_role_at(
            &fx.alice(),
            &AssumeRoleRequest::builder(role("scoped"), "ci")
                .build()
                .unwrap(),
            &fx.env(NOW),
        )
        .unwrap();
    let token = &r.credentials.session_token;
    assert!(token.ct_eq(token.expose_secret()));
    let mut altered = token.expose_secret().to_owned();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    assert!(!token.ct_eq(&altered));
    assert!(!token.ct_eq(&token.expose_secret()[1..]));
    let _ = SecretAccessKey::new(ALICE_SECRET).unwrap();
}

/// The snapshot each component holds is the one it was given: an endpoint built on an issuer
/// verifies with the issuer's, and the accessors say so.
#[test]
fn components_report_the_revocation_snapshot_they_enforce() {
    let snapshot = revoke_scoped_before(NOW + 1);
    let fx = Fx::with(directory(ALICE_ID), snapshot.clone());
    assert_eq!(fx.issuer.revoked_sessions(), &snapshot);
    let verifier = Verifier::new(&fx.ring).with_revoked_sessions(snapshot.clone());
    assert_eq!(verifier.revoked_sessions(), &snapshot);
    assert_eq!(Verifier::new(&fx.ring).revoked_sessions().len(), 0);
    let authorizer = Authorizer::new(fx.dir.clone()).with_revoked_sessions(snapshot);
    assert!(format!("{authorizer:?}").starts_with("Authorizer"));
    assert!(format!("{authorizer:?}").contains("revoked"));
}

/// "Sessions issued before T": a session issued exactly at T is not revoked, one a second earlier
/// is (the boundary a surviving mutant showed untested).
#[test]
fn a_session_issued_exactly_at_the_cut_off_is_not_revoked() {
    let fx = Fx::new();
    let s = fx.scoped("ci", None, &[]).session().unwrap().clone();
    let at = UnixTime::from_secs(NOW + 10);
    assert!(s.check_at(at, &revoke_scoped_before(NOW)).is_ok());
    assert!(s.check_at(at, &revoke_scoped_before(NOW + 1)).is_err());
}
