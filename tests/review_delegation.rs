//! Red-team review: delegation rules (session policies vs trust grants, revocation, expiry,
//! re-created principals, NotPrincipal, forged callers).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::{Directory, InMemoryDirectory, User};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::{
    AssumeRoleRequest, CallEnv, Caller, GetFederationTokenRequest, GetSessionTokenRequest, Issuer,
    KeyRing, PolicyDocument, RevokedSessions, UnixTime, VerifiedSession, Verifier,
};

const T0: u64 = 1_800_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";

fn trust(principal: &str, actions: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":{principal}}},"Action":{actions}}}]}}"#
    )
}
const ALL3: &str = r#"["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]"#;
const BROAD: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:*","s3:*"],"Resource":"*"}]}"#;

fn directory_json(src_id: &str, alice_id: &str) -> String {
    let src = "\"arn:aws:iam::111111111111:role/src\"";
    let roles = [
        ("arn:aws:iam::111111111111:role/src", trust("\"arn:aws:iam::111111111111:user/alice\"", ALL3), Some(src_id)),
        ("arn:aws:iam::111111111111:role/team/pathsrc", trust("\"arn:aws:iam::111111111111:user/alice\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-rolearn", trust(src, ALL3), None),
        ("arn:aws:iam::111111111111:role/t-account", trust("\"111111111111\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-root", trust("\"arn:aws:iam::111111111111:root\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-star", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}"#.to_owned(), None),
        ("arn:aws:iam::111111111111:role/t-awsstar", trust("\"*\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-session", trust("\"arn:aws:sts::111111111111:assumed-role/src/narrow\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-session-case1", trust("\"arn:aws:sts::111111111111:assumed-role/SRC/narrow\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-session-case2", trust("\"arn:aws:sts::111111111111:assumed-role/src/NARROW\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-pathrole", trust("\"arn:aws:iam::111111111111:role/team/pathsrc\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-svcsrc", trust("\"arn:aws:iam::111111111111:role/svc\"", ALL3), None),
        // AssumeRole granted to the exact session, TagSession / SetSourceIdentity only to the role ARN.
        ("arn:aws:iam::111111111111:role/t-mixed", r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111111111111:assumed-role/src/narrow"},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/src"},"Action":["sts:TagSession","sts:SetSourceIdentity"]}]}"#.to_owned(), None),
        ("arn:aws:iam::333333333333:role/x-rolearn", trust(src, ALL3), None),
        ("arn:aws:iam::111111111111:role/t-fed", trust("\"arn:aws:sts::111111111111:federated-user/bob\"", ALL3), None),
        ("arn:aws:iam::111111111111:role/t-alice", trust("\"arn:aws:iam::111111111111:user/alice\"", ALL3), None),
    ];
    let mut out = String::from(r#"{"users":[{"arn":"arn:aws:iam::111111111111:user/alice","id":""#);
    out.push_str(alice_id);
    out.push_str(r#"","access_keys":[{"id":"AKIAALICEEXAMPLE0001","secret":"aliceSecretKeyForExamplesOnly00000000000"}],"policies":["#);
    out.push_str(BROAD);
    out.push_str(r#"]}],"roles":["#);
    let mut first = true;
    for (arn, tp, id) in roles.iter() {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&format!(r#"{{"arn":"{arn}","#));
        if let Some(id) = id {
            out.push_str(&format!(r#""id":"{id}","#));
        }
        out.push_str(&format!(r#""trust_policy":{tp},"policies":[{BROAD}]}}"#));
    }
    out.push_str(&format!(
        r#",{{"arn":"arn:aws:iam::111111111111:role/svc","trust_policy":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}},"policies":[{BROAD}]}}"#
    ));
    out.push_str(r#"],"managed_policies":[{"arn":"arn:aws:iam::111111111111:policy/s3only","document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]}"#);
    out
}

const SRC_ID: &str = "AROAAAAAAAAAAAAAAAAA1";
const SRC_ID2: &str = "AROAAAAAAAAAAAAAAAAA2";
const ALICE_ID: &str = "AIDAAAAAAAAAAAAAAAAA1";
const ALICE_ID2: &str = "AIDAAAAAAAAAAAAAAAAA2";

fn dir(src_id: &str, alice_id: &str) -> Arc<InMemoryDirectory> {
    Arc::new(InMemoryDirectory::from_json(&directory_json(src_id, alice_id)).expect("directory"))
}

fn ring() -> KeyRing {
    KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap()
}

struct W {
    ring: KeyRing,
    issuer: Issuer,
    dir: Arc<InMemoryDirectory>,
}

fn world() -> W {
    world_with(SRC_ID, ALICE_ID, RevokedSessions::default())
}

fn world_with(src_id: &str, alice_id: &str, revoked: RevokedSessions) -> W {
    let ring = ring();
    let d = dir(src_id, alice_id);
    let issuer = Issuer::builder(d.clone(), ring.clone())
        .random(Arc::new(SeededRandom::new(1)))
        .revoked_sessions(revoked)
        .build();
    W {
        ring,
        issuer,
        dir: d,
    }
}

fn env(t: u64) -> CallEnv {
    CallEnv::at(UnixTime::from_secs(t))
}

fn alice(w: &W) -> Caller {
    w.issuer
        .long_term_caller(&ALICE_KEY.parse().unwrap())
        .unwrap()
}

fn session_of(w: &W, creds: &tempcred::Credentials, t: u64) -> VerifiedSession {
    Verifier::new(&w.ring)
        .verify(creds.session_token.expose_secret(), UnixTime::from_secs(t))
        .unwrap()
}

/// alice → src with the given request builder modifications.
fn src_session(w: &W, name: &str, policy: Option<&str>, policy_arn: Option<&str>) -> Caller {
    let mut b = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", name);
    if let Some(p) = policy {
        b = b.policy(p);
    }
    if let Some(p) = policy_arn {
        b = b.policy_arn(p);
    }
    let creds = w
        .issuer
        .assume_role_at(&alice(w), &b.build().unwrap(), &env(T0))
        .unwrap()
        .credentials;
    Caller::from_session(session_of(w, &creds, T0))
}

const ONLY_S3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const ONLY_ASSUME: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;

fn chain(
    w: &W,
    caller: &Caller,
    role: &str,
    f: impl FnOnce(tempcred::AssumeRoleRequestBuilder) -> tempcred::AssumeRoleRequestBuilder,
) -> Result<(), String> {
    let req = f(AssumeRoleRequest::builder(
        format!("arn:aws:iam::{role}"),
        "next",
    ))
    .build()
    .map_err(|e| e.to_string())?;
    w.issuer
        .assume_role_at(caller, &req, &env(T0 + 10))
        .map(drop)
        .map_err(|e| format!("{}: {}", e.code_str(), e))
}

// ---------- rule 1 ----------

#[test]
fn r1_neighbour_unrestricted_session_chains_everywhere() {
    let w = world();
    let broad = src_session(&w, "broad", None, None);
    for role in [
        "111111111111:role/t-rolearn",
        "111111111111:role/t-account",
        "111111111111:role/t-root",
        "111111111111:role/t-star",
        "111111111111:role/t-awsstar",
        "333333333333:role/x-rolearn",
    ] {
        chain(&w, &broad, role, |b| b).unwrap_or_else(|e| panic!("{role}: {e}"));
        chain(&w, &broad, role, |b| {
            b.tag("k", "v").source_identity("si-1")
        })
        .unwrap_or_else(|e| panic!("{role} tagged: {e}"));
    }
}

#[test]
fn r1_inline_policy_session_cannot_chain_through_role_account_or_star_grant() {
    let w = world();
    let narrow = src_session(&w, "narrow", Some(ONLY_S3), None);
    for role in [
        "111111111111:role/t-rolearn",
        "111111111111:role/t-account",
        "111111111111:role/t-root",
        "111111111111:role/t-star",
        "111111111111:role/t-awsstar",
        "333333333333:role/x-rolearn",
        "111111111111:role/t-session-case1",
        "111111111111:role/t-session-case2",
    ] {
        assert!(
            chain(&w, &narrow, role, |b| b).is_err(),
            "narrow session chained into {role}"
        );
    }
}

#[test]
fn r1_neighbour_exact_session_arn_grant_is_not_limited() {
    let w = world();
    let narrow = src_session(&w, "narrow", Some(ONLY_S3), None);
    chain(&w, &narrow, "111111111111:role/t-session", |b| b).unwrap();
}

#[test]
fn r1_policy_arns_session_cannot_chain() {
    let w = world();
    let narrow = src_session(
        &w,
        "narrow2",
        None,
        Some("arn:aws:iam::111111111111:policy/s3only"),
    );
    for role in [
        "111111111111:role/t-rolearn",
        "111111111111:role/t-account",
        "111111111111:role/t-star",
        "333333333333:role/x-rolearn",
    ] {
        assert!(
            chain(&w, &narrow, role, |b| b).is_err(),
            "PolicyArns session chained into {role}"
        );
    }
}

#[test]
fn r1_tags_and_source_identity_need_session_policy_allow() {
    let w = world();
    // Session policy allows AssumeRole only: TagSession / SetSourceIdentity granted to the role
    // ARN (or account) must be limited.
    let s = src_session(&w, "narrow", Some(ONLY_ASSUME), None);
    for role in [
        "111111111111:role/t-rolearn",
        "111111111111:role/t-account",
        "111111111111:role/t-mixed",
        "333333333333:role/x-rolearn",
    ] {
        chain(&w, &s, role, |b| b).unwrap_or_else(|e| panic!("plain into {role}: {e}"));
        assert!(
            chain(&w, &s, role, |b| b.tag("k", "v")).is_err(),
            "TagSession via {role}"
        );
        assert!(
            chain(&w, &s, role, |b| b.transitive_tag_key("k").tag("k", "v")).is_err(),
            "transitive TagSession via {role}"
        );
        assert!(
            chain(&w, &s, role, |b| b.source_identity("si-1")).is_err(),
            "SetSourceIdentity via {role}"
        );
    }
}

#[test]
fn r1_path_qualified_role_arn_grant_is_limited() {
    let w = world();
    let req = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/team/pathsrc", "pp")
        .policy(ONLY_S3)
        .build()
        .unwrap();
    let creds = w
        .issuer
        .assume_role_at(&alice(&w), &req, &env(T0))
        .unwrap()
        .credentials;
    let c = Caller::from_session(session_of(&w, &creds, T0));
    assert!(chain(&w, &c, "111111111111:role/t-pathrole", |b| b).is_err());
    // neighbour
    let req = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/team/pathsrc", "pp")
        .build()
        .unwrap();
    let creds = w
        .issuer
        .assume_role_at(&alice(&w), &req, &env(T0))
        .unwrap()
        .credentials;
    let c = Caller::from_session(session_of(&w, &creds, T0));
    chain(&w, &c, "111111111111:role/t-pathrole", |b| b).unwrap();
}

#[test]
fn r1_service_session_with_policy_is_limited() {
    let w = world();
    let req = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/svc", "i-123")
        .policy(ONLY_S3)
        .build()
        .unwrap();
    let creds = w
        .issuer
        .assume_role_for_service_at("ec2.amazonaws.com", &req, &env(T0))
        .unwrap()
        .credentials;
    let c = Caller::from_session(session_of(&w, &creds, T0));
    assert!(chain(&w, &c, "111111111111:role/t-svcsrc", |b| b).is_err());
    let req = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/svc", "i-123")
        .build()
        .unwrap();
    let creds = w
        .issuer
        .assume_role_for_service_at("ec2.amazonaws.com", &req, &env(T0))
        .unwrap()
        .credentials;
    let c = Caller::from_session(session_of(&w, &creds, T0));
    chain(&w, &c, "111111111111:role/t-svcsrc", |b| b).unwrap();
}

#[test]
fn r1_federated_session_cannot_assume_role_even_if_named() {
    let w = world();
    let req = GetFederationTokenRequest::builder("bob")
        .policy(BROAD)
        .build()
        .unwrap();
    let creds = w
        .issuer
        .get_federation_token_at(&alice(&w), &req, &env(T0))
        .unwrap()
        .credentials;
    let c = Caller::from_session(session_of(&w, &creds, T0));
    assert!(chain(&w, &c, "111111111111:role/t-fed", |b| b).is_err());
    assert!(chain(&w, &c, "111111111111:role/t-star", |b| b).is_err());
    assert!(w.issuer.get_caller_identity_at(&c, &env(T0 + 1)).is_ok());
}

#[test]
fn r1_get_session_token_session_can_chain_neighbour() {
    let w = world();
    let creds = w
        .issuer
        .get_session_token_at(
            &alice(&w),
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let c = Caller::from_session(session_of(&w, &creds, T0));
    chain(&w, &c, "111111111111:role/t-alice", |b| b).unwrap();
    // but not GetSessionToken / GetFederationToken again
    assert!(w
        .issuer
        .get_session_token_at(
            &c,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0 + 1)
        )
        .is_err());
}

// ---------- rule 2: revocation ----------

fn revoke_src(at: u64) -> RevokedSessions {
    let mut r = RevokedSessions::default();
    r.revoke_role_sessions(
        "111111111111".parse().unwrap(),
        tempcred::principal::RoleName::new("src").unwrap(),
        UnixTime::from_secs(at),
    );
    r
}

#[test]
fn r2_revocation_everywhere() {
    let w = world();
    let creds = w
        .issuer
        .assume_role_at(
            &alice(&w),
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "ss")
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let session = session_of(&w, &creds, T0);
    let tok = creds.session_token.expose_secret();
    // Verifier
    assert!(Verifier::new(&w.ring)
        .with_revoked_sessions(revoke_src(T0 + 1))
        .verify(tok, UnixTime::from_secs(T0 + 5))
        .is_err());
    assert!(Verifier::new(&w.ring)
        .with_revoked_sessions(revoke_src(T0))
        .verify(tok, UnixTime::from_secs(T0 + 5))
        .is_ok());
    // Issuer with a revocation snapshot, session verified without one
    let w2 = world_with(SRC_ID, ALICE_ID, revoke_src(T0 + 1));
    let c = Caller::from_session(session.clone());
    assert!(w2
        .issuer
        .assume_role_at(
            &c,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-rolearn", "nn")
                .build()
                .unwrap(),
            &env(T0 + 5)
        )
        .is_err());
    assert!(w2.issuer.get_caller_identity_at(&c, &env(T0 + 5)).is_err());
    assert!(w.issuer.get_caller_identity_at(&c, &env(T0 + 5)).is_ok());
    // Authorizer
    let a = Authorizer::new(w.dir.clone() as Arc<dyn Directory>)
        .with_revoked_sessions(revoke_src(T0 + 1));
    assert!(a
        .authorize(
            &session,
            &AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::b/k"),
            UnixTime::from_secs(T0 + 5)
        )
        .is_err());
    let a = Authorizer::new(w.dir.clone() as Arc<dyn Directory>);
    assert!(a
        .require(
            &session,
            &AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::b/k"),
            UnixTime::from_secs(T0 + 5)
        )
        .is_ok());
}

// ---------- rule 3: expiry ----------

#[test]
fn r3_expiry_rechecked() {
    let w = world();
    let creds = w
        .issuer
        .assume_role_at(
            &alice(&w),
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "ss")
                .duration_seconds(900)
                .build()
                .unwrap(),
            &env(T0),
        )
        .unwrap()
        .credentials;
    let session = session_of(&w, &creds, T0);
    let c = Caller::from_session(session.clone());
    let leeway = Verifier::new(&w.ring).clock_skew_leeway();
    let dead = T0 + 900 + leeway;
    let alive = dead - 1;
    let next = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-rolearn", "nn")
        .build()
        .unwrap();
    assert!(w.issuer.assume_role_at(&c, &next, &env(alive)).is_ok());
    assert!(w.issuer.assume_role_at(&c, &next, &env(dead)).is_err());
    assert!(w
        .issuer
        .assume_role_at(&c, &next, &env(dead + 100_000))
        .is_err());
    assert!(w.issuer.get_caller_identity_at(&c, &env(alive)).is_ok());
    assert!(w.issuer.get_caller_identity_at(&c, &env(dead)).is_err());
    let a = Authorizer::new(w.dir.clone() as Arc<dyn Directory>);
    let r = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::b/k");
    assert!(a.require(&session, &r, UnixTime::from_secs(alive)).is_ok());
    assert!(a.require(&session, &r, UnixTime::from_secs(dead)).is_err());
    assert!(a
        .authorize(&session, &r, UnixTime::from_secs(dead))
        .is_err());
    // before issue (minus leeway)
    assert!(a
        .authorize(&session, &r, UnixTime::from_secs(T0 - leeway - 1))
        .is_err());
    // a short leeway verifier: the kept session must use the leeway it was verified with
    let short = Verifier::new(&w.ring)
        .with_clock_skew_leeway(0)
        .unwrap()
        .verify(creds.session_token.expose_secret(), UnixTime::from_secs(T0))
        .unwrap();
    assert!(a
        .authorize(&short, &r, UnixTime::from_secs(T0 + 900))
        .is_err());
}

// ---------- rule 5: re-created principals ----------

#[test]
fn r5_recreated_role_and_user() {
    let w = world();
    let role_sess = session_of(
        &w,
        &w.issuer
            .assume_role_at(
                &alice(&w),
                &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "ss")
                    .build()
                    .unwrap(),
                &env(T0),
            )
            .unwrap()
            .credentials,
        T0,
    );
    let gst = session_of(
        &w,
        &w.issuer
            .get_session_token_at(
                &alice(&w),
                &GetSessionTokenRequest::builder().build().unwrap(),
                &env(T0),
            )
            .unwrap()
            .credentials,
        T0,
    );
    let fed = session_of(
        &w,
        &w.issuer
            .get_federation_token_at(
                &alice(&w),
                &GetFederationTokenRequest::builder("bob")
                    .policy(BROAD)
                    .build()
                    .unwrap(),
                &env(T0),
            )
            .unwrap()
            .credentials,
        T0,
    );
    let old_alice_user = w.dir.users().next().unwrap().clone();
    let app_alice = Caller::authenticated_by_application(&old_alice_user);

    // Same ring, directory with new IDs.
    let w2 = world_with(SRC_ID2, ALICE_ID2, RevokedSessions::default());
    let next = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-rolearn", "nn")
        .build()
        .unwrap();
    let to_alice = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-alice", "nn")
        .build()
        .unwrap();
    assert!(w2
        .issuer
        .assume_role_at(
            &Caller::from_session(role_sess.clone()),
            &next,
            &env(T0 + 5)
        )
        .is_err());
    assert!(w2
        .issuer
        .assume_role_at(&Caller::from_session(gst.clone()), &to_alice, &env(T0 + 5))
        .is_err());
    assert!(w2
        .issuer
        .assume_role_at(&app_alice, &to_alice, &env(T0 + 5))
        .is_err());
    assert!(w2
        .issuer
        .get_caller_identity_at(&app_alice, &env(T0 + 5))
        .is_err());
    let a2 = Authorizer::new(w2.dir.clone() as Arc<dyn Directory>);
    let r = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::b/k");
    for (n, s) in [("role", &role_sess), ("gst", &gst), ("fed", &fed)] {
        assert!(
            a2.authorize(s, &r, UnixTime::from_secs(T0 + 5))
                .map(|d| d != tempcred::Decision::Allow)
                .unwrap_or(true),
            "{n} session acted as new principal"
        );
    }
    // neighbours: same directory works
    assert!(w
        .issuer
        .assume_role_at(
            &Caller::from_session(role_sess.clone()),
            &next,
            &env(T0 + 5)
        )
        .is_ok());
    assert!(w
        .issuer
        .assume_role_at(&app_alice, &to_alice, &env(T0 + 5))
        .is_ok());
    let a = Authorizer::new(w.dir.clone() as Arc<dyn Directory>);
    for s in [&role_sess, &gst, &fed] {
        assert!(a.require(s, &r, UnixTime::from_secs(T0 + 5)).is_ok());
    }
}

// ---------- rule 11: forged callers ----------

#[test]
fn r11_application_callers() {
    let w = world();
    let alice_user = w.dir.users().next().unwrap().clone();
    let app = Caller::authenticated_by_application(&alice_user);
    assert!(w
        .issuer
        .get_session_token_at(
            &app,
            &GetSessionTokenRequest::builder().build().unwrap(),
            &env(T0)
        )
        .is_err());
    assert!(w
        .issuer
        .get_federation_token_at(
            &app,
            &GetFederationTokenRequest::builder("bob")
                .policy(BROAD)
                .build()
                .unwrap(),
            &env(T0)
        )
        .is_err());
    assert!(w.issuer.get_caller_identity_at(&app, &env(T0)).is_ok());
    // A User not in the directory.
    let mallory = User::from_arn("arn:aws:iam::111111111111:user/mallory").unwrap();
    let m = Caller::authenticated_by_application(&mallory);
    assert!(w.issuer.get_caller_identity_at(&m, &env(T0)).is_err());
    assert!(w
        .issuer
        .assume_role_at(
            &m,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-star", "nn")
                .build()
                .unwrap(),
            &env(T0)
        )
        .is_err());
    // A User with alice's ARN but built by the attacker (not the directory's entry).
    let fake_alice = User::from_arn("arn:aws:iam::111111111111:user/alice").unwrap();
    let f = Caller::authenticated_by_application(&fake_alice);
    assert!(
        w.issuer
            .assume_role_at(
                &f,
                &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-alice", "nn")
                    .build()
                    .unwrap(),
                &env(T0)
            )
            .is_err(),
        "User::from_arn forged alice"
    );
    // path variation of alice
    let pathy = User::from_arn("arn:aws:iam::111111111111:user/x/alice")
        .unwrap()
        .with_id(ALICE_ID.parse().unwrap())
        .unwrap();
    let p = Caller::authenticated_by_application(&pathy);
    assert!(w
        .issuer
        .assume_role_at(
            &p,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-star", "nn")
                .build()
                .unwrap(),
            &env(T0)
        )
        .is_err());
}

// ---------- rule 7: NotPrincipal ----------

#[test]
fn r7_not_principal_refused_in_trust() {
    let np = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"sts:AssumeRole"}]}"#;
    let mut broken = Vec::new();
    if PolicyDocument::parse_trust(np).is_ok() {
        broken.push("parse_trust(Allow+NotPrincipal) accepted".to_owned());
    }
    let np_deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}"#;
    if PolicyDocument::parse_trust(np_deny).is_ok() {
        broken.push("parse_trust(Deny+NotPrincipal) accepted".to_owned());
    }
    for spelling in [
        "notprincipal",
        "NOTPRINCIPAL",
        "notPrincipal",
        "NotPrincipal ",
    ] {
        let t = np.replace("NotPrincipal", spelling);
        if PolicyDocument::parse_trust(&t).is_ok() {
            broken.push(format!("parse_trust {spelling} accepted"));
        }
    }
    // directory file
    let d = format!(
        r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{np}}}]}}"#
    );
    if let Ok(d) = InMemoryDirectory::from_json(&d) {
        broken.push("directory file accepted NotPrincipal trust".to_owned());
        let issuer = Issuer::builder(Arc::new(d), ring()).build();
        let svc = issuer.assume_role_for_service_at(
            "ec2.amazonaws.com",
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/r", "nn")
                .build()
                .unwrap(),
            &env(T0),
        );
        broken.push(format!(
            "and ec2.amazonaws.com assume via NotPrincipal: {:?}",
            svc.map(drop).map_err(|e| e.code_str())
        ));
    }
    let np_ok = PolicyDocument::parse(np, 10_000).is_ok();
    assert!(broken.is_empty(), "{broken:#?} (generic parse ok: {np_ok})");
    // Role built in code from a generically parsed document
    if let Ok(doc) = PolicyDocument::parse(np, 10_000) {
        let r = tempcred::directory::Role::from_arn("arn:aws:iam::111111111111:role/r", doc);
        if let Ok(role) = r {
            // If accepted, it must at least not let anyone in.
            let mut b = InMemoryDirectory::builder();
            b.role(role).unwrap();
            let d = Arc::new(b.build());
            let issuer = Issuer::builder(d, ring()).build();
            let mallory = User::from_arn("arn:aws:iam::111111111111:user/mallory").unwrap();
            let _ = mallory;
            let svc = issuer.assume_role_for_service_at(
                "ec2.amazonaws.com",
                &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/r", "nn")
                    .build()
                    .unwrap(),
                &env(T0),
            );
            panic!(
                "Role::from_arn accepted a NotPrincipal trust policy (service assume: {:?})",
                svc.map(drop).map_err(|e| e.code_str())
            );
        }
    }
    // neighbour
    let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"sts:AssumeRole"}]}"#;
    assert!(PolicyDocument::parse_trust(ok).is_ok());
}

#[test]
fn r13_issue_at_extreme_times() {
    let w = world();
    for t in [
        0u64,
        tempcred::limits::MAX_UNIX_TIME - 1,
        tempcred::limits::MAX_UNIX_TIME,
        u64::MAX - 1,
        u64::MAX,
    ] {
        let r = w.issuer.assume_role_at(
            &alice(&w),
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "ss")
                .duration_seconds(43200)
                .build()
                .unwrap(),
            &env(t),
        );
        if let Ok(r) = r {
            let _ = Verifier::new(&w.ring).verify(
                r.credentials.session_token.expose_secret(),
                UnixTime::from_secs(t),
            );
            let _ = tempcred::wire::credential_process_json(&r.credentials);
        }
        let _ = w.issuer.get_session_token_at(
            &alice(&w),
            &GetSessionTokenRequest::builder()
                .duration_seconds(129600)
                .build()
                .unwrap(),
            &env(t),
        );
        let _ = w.issuer.get_federation_token_at(
            &alice(&w),
            &GetFederationTokenRequest::builder("bob")
                .policy(BROAD)
                .build()
                .unwrap(),
            &env(t),
        );
    }
}

#[test]
fn r1_inherited_transitive_tag_and_source_identity_case() {
    let w = world();
    let req = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "ss")
        .tag("team", "payments")
        .transitive_tag_key("team")
        .source_identity("Alice")
        .build()
        .unwrap();
    let creds = w
        .issuer
        .assume_role_at(&alice(&w), &req, &env(T0))
        .unwrap()
        .credentials;
    let c = Caller::from_session(session_of(&w, &creds, T0));
    chain(&w, &c, "111111111111:role/t-rolearn", |b| b).unwrap();
    chain(&w, &c, "111111111111:role/t-rolearn", |b| {
        b.source_identity("Alice")
    })
    .unwrap();
    assert!(chain(&w, &c, "111111111111:role/t-rolearn", |b| b
        .tag("team", "growth"))
    .is_err());
    assert!(
        chain(&w, &c, "111111111111:role/t-rolearn", |b| b
            .tag("TEAM", "growth"))
        .is_err(),
        "inherited transitive key overridden with another case"
    );
    assert!(
        chain(&w, &c, "111111111111:role/t-rolearn", |b| b
            .source_identity("alice"))
        .is_err(),
        "source identity changed by case"
    );
}
