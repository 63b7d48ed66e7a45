//! `GetSessionToken`, `GetFederationToken` and `GetCallerIdentity` (SPEC §4): lifetimes for users
//! and root, which credential kind may call which operation, the caller identity of each kind,
//! and what a federated session may do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::issuer_common;

use issuer_common::*;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::Directory;
use tempcred::principal::{AccountId, UserName};
use tempcred::{
    AssumeRoleRequest, Caller, Decision, GetFederationTokenRequest, GetSessionTokenRequest,
    StsError, StsErrorCode,
};

fn gst(secs: Option<u32>) -> Result<GetSessionTokenRequest, StsError> {
    let b = GetSessionTokenRequest::builder();
    match secs {
        Some(s) => b.duration_seconds(s).build(),
        None => b.build(),
    }
}

fn gft(name: &str, secs: Option<u32>) -> Result<GetFederationTokenRequest, StsError> {
    let b = GetFederationTokenRequest::builder(name);
    match secs {
        Some(s) => b.duration_seconds(s).build(),
        None => b.build(),
    }
}

/// A session policy that allows `s3:GetObject` only.
const GET_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn gft_with_policy(name: &str, policy: &str) -> GetFederationTokenRequest {
    GetFederationTokenRequest::builder(name)
        .policy(policy)
        .build()
        .unwrap()
}

fn session_token(fx: &Fx, caller: &Caller, secs: Option<u32>) -> Result<u64, StsError> {
    let r = fx
        .issuer
        .get_session_token_at(caller, &gst(secs).unwrap(), &fx.env())?;
    fx.verify(&r.credentials);
    Ok(lifetime(&r.credentials, fx))
}

fn federation_token(
    fx: &Fx,
    caller: &Caller,
    name: &str,
    secs: Option<u32>,
) -> Result<u64, StsError> {
    let r = fx
        .issuer
        .get_federation_token_at(caller, &gft(name, secs).unwrap(), &fx.env())?;
    fx.verify(&r.credentials);
    Ok(lifetime(&r.credentials, fx))
}

#[test]
fn get_session_token_durations_of_a_user_and_of_root() {
    let fx = Fx::new();
    let e = err(gst(Some(899)));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(
        e.message.contains("greater than or equal to 900"),
        "{}",
        e.message
    );
    let e = err(gst(Some(129_601)));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(
        e.message.contains("less than or equal to 129600"),
        "{}",
        e.message
    );
    let alice = fx.alice();
    assert_eq!(session_token(&fx, &alice, None).unwrap(), 43_200);
    assert_eq!(session_token(&fx, &alice, Some(900)).unwrap(), 900);
    assert_eq!(session_token(&fx, &alice, Some(129_600)).unwrap(), 129_600);
    let root = fx.root();
    assert_eq!(session_token(&fx, &root, None).unwrap(), 3600);
    assert_eq!(session_token(&fx, &root, Some(900)).unwrap(), 900);
    assert_eq!(
        session_token(&fx, &root, Some(3601)).unwrap(),
        3600,
        "root is clamped"
    );
    assert_eq!(
        session_token(&fx, &root, Some(129_600)).unwrap(),
        3600,
        "root is clamped"
    );
}

#[test]
fn get_federation_token_durations_of_a_user_and_of_root() {
    let fx = Fx::new();
    assert_eq!(
        err(gft("fed-a", Some(899))).code,
        StsErrorCode::ValidationError
    );
    assert_eq!(
        err(gft("fed-a", Some(129_601))).code,
        StsErrorCode::ValidationError
    );
    let alice = fx.alice();
    assert_eq!(
        federation_token(&fx, &alice, "fed-a", None).unwrap(),
        43_200
    );
    assert_eq!(
        federation_token(&fx, &alice, "fed-a", Some(900)).unwrap(),
        900
    );
    assert_eq!(
        federation_token(&fx, &alice, "fed-a", Some(129_600)).unwrap(),
        129_600
    );
    let root = fx.root();
    assert_eq!(federation_token(&fx, &root, "fed-r", None).unwrap(), 3600);
    assert_eq!(
        federation_token(&fx, &root, "fed-r", Some(900)).unwrap(),
        900
    );
    assert_eq!(
        federation_token(&fx, &root, "fed-r", Some(7200)).unwrap(),
        3600,
        "root is clamped"
    );
}

/// Whether a call was allowed, or its error code.
type Outcome = Result<(), StsErrorCode>;

/// The six kinds of credentials of SPEC §4.
struct Kinds {
    user: Caller,
    root: Caller,
    role_session: Caller,
    user_session_token: Caller,
    root_session_token: Caller,
    federated: Caller,
}

fn kinds(fx: &Fx) -> Kinds {
    let alice = fx.alice();
    let root = fx.root();
    let role_session = fx.session(&fx.assume_ok(&alice, &role("short"), "s1").credentials);
    let user_session_token = fx.session(
        &fx.issuer
            .get_session_token_at(&alice, &gst(None).unwrap(), &fx.env())
            .unwrap()
            .credentials,
    );
    let root_session_token = fx.session(
        &fx.issuer
            .get_session_token_at(&root, &gst(None).unwrap(), &fx.env())
            .unwrap()
            .credentials,
    );
    let federated = fx.session(
        &fx.issuer
            .get_federation_token_at(&alice, &gft("fed-carol", None).unwrap(), &fx.env())
            .unwrap()
            .credentials,
    );
    Kinds {
        user: alice,
        root,
        role_session,
        user_session_token,
        root_session_token,
        federated,
    }
}

#[test]
fn which_credentials_may_call_what() {
    let fx = Fx::new();
    let k = kinds(&fx);
    // role/long trusts alice and sessions of role/short.
    let assume = |c: &Caller| -> Result<(), StsErrorCode> {
        let r = AssumeRoleRequest::builder(role("long"), "n1")
            .build()
            .unwrap();
        fx.assume(c, &r)
            .map(|r| drop(fx.verify(&r.credentials)))
            .map_err(|e| e.code)
    };
    let session = |c: &Caller| session_token(&fx, c, None).map(drop).map_err(|e| e.code);
    let federate = |c: &Caller| {
        federation_token(&fx, c, "fed-x", None)
            .map(drop)
            .map_err(|e| e.code)
    };
    let denied = Err(StsErrorCode::AccessDenied);
    let table: [(&str, &Caller, [Outcome; 3]); 6] = [
        ("user", &k.user, [Ok(()), Ok(()), Ok(())]),
        ("root", &k.root, [denied, Ok(()), Ok(())]),
        ("role session", &k.role_session, [Ok(()), denied, denied]),
        (
            "GetSessionToken of a user",
            &k.user_session_token,
            [Ok(()), denied, denied],
        ),
        (
            "GetSessionToken of root",
            &k.root_session_token,
            [denied, denied, denied],
        ),
        ("GetFederationToken", &k.federated, [denied, denied, denied]),
    ];
    for (name, caller, [a, s, f]) in table {
        assert_eq!(assume(caller), a, "{name}: AssumeRole");
        assert_eq!(session(caller), s, "{name}: GetSessionToken");
        assert_eq!(federate(caller), f, "{name}: GetFederationToken");
    }
    // The messages AWS gives.
    let r = AssumeRoleRequest::builder(role("long"), "n1")
        .build()
        .unwrap();
    assert_eq!(
        err(fx.assume(&k.root, &r)).message,
        "Roles may not be assumed by root accounts."
    );
    assert_eq!(
        err(fx
            .issuer
            .get_session_token_at(&k.role_session, &gst(None).unwrap(), &fx.env()))
        .message,
        "Cannot call GetSessionToken with session credentials"
    );
    assert_eq!(
        err(fx.assume(&k.federated, &r)).message,
        not_authorized(
            &format!("arn:aws:sts::{A}:federated-user/fed-carol"),
            "sts:AssumeRole",
            &role("long")
        )
    );
}

#[test]
fn get_caller_identity_of_every_kind() {
    let fx = Fx::new();
    let k = kinds(&fx);
    let acct = AccountId::new(A).unwrap();
    let alice_id = fx
        .dir
        .user(acct, &UserName::new("alice").unwrap())
        .unwrap()
        .user_id()
        .to_string();
    assert!(
        alice_id.starts_with("AIDA") && alice_id.len() == 21,
        "{alice_id}"
    );
    let role_id = fx
        .dir
        .role(acct, &tempcred::principal::RoleName::new("short").unwrap())
        .unwrap()
        .role_id()
        .to_string();
    let fed = format!("arn:aws:sts::{A}:federated-user/fed-carol");
    let expect: [(&Caller, &str, String); 6] = [
        (&k.user, ALICE, alice_id.clone()),
        (&k.root, ROOT, A.to_owned()),
        (
            &k.role_session,
            &assumed("short", "s1"),
            format!("{role_id}:s1"),
        ),
        (&k.user_session_token, ALICE, alice_id),
        (&k.root_session_token, ROOT, A.to_owned()),
        (&k.federated, &fed, format!("{A}:fed-carol")),
    ];
    for (caller, arn, user_id) in expect {
        let id = fx.issuer.get_caller_identity_at(caller, &fx.env()).unwrap();
        assert_eq!(
            (id.account, id.arn.as_str(), id.user_id.as_str()),
            (acct, arn, user_id.as_str())
        );
        if let Some(s) = caller.session() {
            let v = s.caller_identity();
            assert_eq!(
                (v.arn.as_str(), v.user_id.as_str(), v.account.as_str()),
                (arn, user_id.as_str(), A)
            );
        }
    }
    // Never denied: bob and carol have no permission for it and still get an answer.
    assert_eq!(
        fx.issuer
            .get_caller_identity_at(&fx.bob(), &fx.env())
            .unwrap()
            .arn,
        BOB
    );
    assert_eq!(
        fx.issuer
            .get_caller_identity_at(&fx.carol(), &fx.env())
            .unwrap()
            .arn,
        CAROL
    );
}

#[test]
fn get_federation_token_needs_permission_on_the_federated_user() {
    let fx = Fx::new();
    let r = fx
        .issuer
        .get_federation_token_at(&fx.alice(), &gft("fed-carol", None).unwrap(), &fx.env())
        .unwrap();
    let arn = format!("arn:aws:sts::{A}:federated-user/fed-carol");
    assert_eq!(r.federated_user.arn, arn);
    assert_eq!(r.federated_user.federated_user_id, format!("{A}:fed-carol"));
    assert_eq!(fx.verify(&r.credentials).caller_identity().arn, arn);
    // alice may federate only names starting with `fed-`.
    let other = format!("arn:aws:sts::{A}:federated-user/other");
    let e = err(fx.issuer.get_federation_token_at(
        &fx.alice(),
        &gft("other", None).unwrap(),
        &fx.env(),
    ));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(ALICE, "sts:GetFederationToken", &other)
        )
    );
    // bob has no policy at all.
    let e = err(fx.issuer.get_federation_token_at(
        &fx.bob(),
        &gft("fed-carol", None).unwrap(),
        &fx.env(),
    ));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(BOB, "sts:GetFederationToken", &arn)
        )
    );
    // GetSessionToken needs no permission.
    assert_eq!(session_token(&fx, &fx.bob(), None).unwrap(), 43_200);
}

/// What a session from `caller`'s `GetFederationToken` may do: `action` on an S3 object.
fn federated_decision(
    fx: &Fx,
    caller: &Caller,
    req: &GetFederationTokenRequest,
    action: &str,
) -> Decision {
    let r = fx
        .issuer
        .get_federation_token_at(caller, req, &fx.env())
        .unwrap();
    Authorizer::new(fx.dir.clone())
        .authorize(
            &fx.verify(&r.credentials),
            &AuthorizationRequest::new(action, "arn:aws:s3:::bucket/a"),
            fx.now(),
        )
        .unwrap()
}

#[test]
fn federated_session_without_a_session_policy_can_do_nothing() {
    let fx = Fx::new();
    let decide = |req: &GetFederationTokenRequest, action: &str| {
        federated_decision(&fx, &fx.alice(), req, action)
    };
    let bare = gft("fed-a", None).unwrap();
    assert_eq!(decide(&bare, "s3:GetObject"), Decision::ImplicitDeny);
    let get_only = gft_with_policy("fed-a", GET_ONLY);
    assert_eq!(decide(&get_only, "s3:GetObject"), Decision::Allow);
    assert_eq!(decide(&get_only, "s3:PutObject"), Decision::ImplicitDeny);
    // The session policy cannot widen alice's own rights (she has s3:* only).
    let all = gft_with_policy(
        "fed-a",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    );
    assert_eq!(decide(&all, "s3:PutObject"), Decision::Allow);
    assert_eq!(decide(&all, "ec2:RunInstances"), Decision::ImplicitDeny);
}

#[test]
fn assume_role_with_session_token_credentials_is_not_chaining() {
    let fx = Fx::new();
    let k = kinds(&fx);
    let long = AssumeRoleRequest::builder(role("long"), "n1")
        .duration_seconds(43_200)
        .build()
        .unwrap();
    let r = fx.assume(&k.user_session_token, &long).unwrap();
    assert_eq!(lifetime(&r.credentials, &fx), 43_200);
    let e = err(fx.assume(&k.role_session, &long));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(e.message.contains("role chaining"), "{}", e.message);
}

#[test]
fn federation_tags_need_tag_session_and_reach_the_session_with_policy_arns() {
    let fx = Fx::new();
    let dave = fx.key(DAVE_KEY);
    let fed = format!("arn:aws:sts::{A}:federated-user/fed-d");
    // Untagged, sts:GetFederationToken alone is enough.
    let plain = fx
        .issuer
        .get_federation_token_at(&dave, &gft("fed-d", None).unwrap(), &fx.env())
        .unwrap();
    assert!(fx.verify(&plain.credentials).claims().tags.is_empty());
    let tagged = GetFederationTokenRequest::builder("fed-d")
        .tag("project", "apollo")
        .policy_arn(READ_POLICY)
        .build()
        .unwrap();
    let e = err(fx.issuer.get_federation_token_at(&dave, &tagged, &fx.env()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(DAVE, "sts:TagSession", &fed)
        )
    );
    // Alice has sts:TagSession: the tags and the managed session policy travel in the token.
    let ok = fx
        .issuer
        .get_federation_token_at(&fx.alice(), &tagged, &fx.env())
        .unwrap();
    let s = fx.verify(&ok.credentials);
    let tags: Vec<(String, String)> = s
        .claims()
        .tags
        .iter()
        .map(|t| (t.key.as_str().to_owned(), t.value.as_str().to_owned()))
        .collect();
    assert_eq!(tags, [("project".to_owned(), "apollo".to_owned())]);
    let arns: Vec<&str> = s.claims().policy_arns.iter().map(|a| a.as_ref()).collect();
    assert_eq!(arns, [READ_POLICY]);
}

#[test]
fn a_root_federated_session_has_exactly_its_session_policy() {
    let fx = Fx::new();
    let decide = |req: &GetFederationTokenRequest, action: &str| {
        federated_decision(&fx, &fx.root(), req, action)
    };
    let get_only = gft_with_policy("fed-root", GET_ONLY);
    assert_eq!(decide(&get_only, "s3:GetObject"), Decision::Allow);
    assert_eq!(decide(&get_only, "s3:PutObject"), Decision::ImplicitDeny);
    let bare = gft("fed-root", None).unwrap();
    assert_eq!(decide(&bare, "s3:GetObject"), Decision::ImplicitDeny);
}
