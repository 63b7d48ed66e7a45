//! `AssumeRole` rule by rule (SPEC §4): lifetimes, external ID, existence, paths, the identity
//! side across and within accounts, explicit deny, service principals, session policies and the
//! token size limit. Every issued token is checked with the `Verifier`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::issuer_common;

use issuer_common::*;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::token::SessionPrincipal;
use tempcred::{AssumeRoleRequest, Decision, StsErrorCode};

fn req(role_arn: &str, name: &str) -> tempcred::AssumeRoleRequestBuilder {
    AssumeRoleRequest::builder(role_arn, name)
}

#[test]
fn duration_of_a_role_with_a_one_hour_maximum() {
    let fx = Fx::new();
    let alice = fx.alice();
    // 899: refused at the API boundary.
    let e = err(req(&role("short"), "s1").duration_seconds(899).build());
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert_eq!(
        e.message,
        "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: \
         Member must have value greater than or equal to 900"
    );
    for secs in [900, 3600] {
        let r = fx
            .assume(
                &alice,
                &req(&role("short"), "s1")
                    .duration_seconds(secs)
                    .build()
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(lifetime(&r.credentials, &fx), u64::from(secs));
        assert_eq!(
            fx.verify(&r.credentials).claims().lifetime_secs(),
            u64::from(secs)
        );
    }
    // Default: one hour.
    let r = fx.assume_ok(&alice, &role("short"), "s1");
    assert_eq!(lifetime(&r.credentials, &fx), 3600);
    // max + 1
    let e = err(fx.assume(
        &alice,
        &req(&role("short"), "s1")
            .duration_seconds(3601)
            .build()
            .unwrap(),
    ));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert_eq!(
        e.message,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );
}

#[test]
fn duration_of_a_role_with_a_twelve_hour_maximum() {
    let fx = Fx::new();
    let alice = fx.alice();
    let e = err(req(&role("long"), "s1").duration_seconds(899).build());
    assert_eq!(e.code, StsErrorCode::ValidationError);
    for secs in [900, 3601, 43_200] {
        let r = fx
            .assume(
                &alice,
                &req(&role("long"), "s1")
                    .duration_seconds(secs)
                    .build()
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(lifetime(&r.credentials, &fx), u64::from(secs));
        fx.verify(&r.credentials);
    }
    // The default stays one hour even when the role allows more.
    assert_eq!(
        lifetime(&fx.assume_ok(&alice, &role("long"), "s1").credentials, &fx),
        3600
    );
    let e = err(req(&role("long"), "s1").duration_seconds(43_201).build());
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(
        e.message.contains("less than or equal to 43200"),
        "{}",
        e.message
    );
}

#[test]
fn response_identity_matches_the_verified_token() {
    let fx = Fx::new();
    let r = fx.assume_ok(&fx.alice(), &role("short"), "ci-run");
    assert_eq!(r.assumed_role_user.arn, assumed("short", "ci-run"));
    let s = fx.verify(&r.credentials);
    let id = s.caller_identity();
    assert_eq!(id.arn, assumed("short", "ci-run"));
    assert_eq!(id.account, A);
    assert_eq!(id.user_id, r.assumed_role_user.assumed_role_id);
    assert!(id.user_id.starts_with("AROA") && id.user_id.ends_with(":ci-run"));
    assert!(r.credentials.access_key_id.as_str().starts_with("ASIA"));
    // No session policy or tags passed: AWS leaves PackedPolicySize out.
    assert_eq!(r.packed_policy_size, None);
    let tagged = fx
        .issuer
        .assume_role_at(
            &fx.alice(),
            &AssumeRoleRequest::builder(role("parent"), "tagged")
                .tag("team", "payments")
                .build()
                .unwrap(),
            &fx.env(),
        )
        .unwrap();
    let size = tagged.packed_policy_size.unwrap();
    assert!(size > 0 && size <= 100, "{size}");
    // An inline session policy alone, or a managed one alone, is packed too.
    for r in [
        req(&role("parent"), "inline").policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
        req(&role("parent"), "managed").policy_arn(READ_POLICY),
    ] {
        let r = fx.assume(&fx.alice(), &r.build().unwrap()).unwrap();
        assert!(r.packed_policy_size.is_some_and(|n| n > 0 && n <= 100));
    }
}

#[test]
fn external_id_right_wrong_and_missing() {
    let fx = Fx::new();
    let alice = fx.alice();
    let ok = fx
        .assume(
            &alice,
            &req(&role("ext"), "s1")
                .external_id("partner-42")
                .build()
                .unwrap(),
        )
        .unwrap();
    fx.verify(&ok.credentials);
    let denied = not_authorized(ALICE, "sts:AssumeRole", &role("ext"));
    let wrong = err(fx.assume(
        &alice,
        &req(&role("ext"), "s1")
            .external_id("partner-43")
            .build()
            .unwrap(),
    ));
    assert_eq!(
        (wrong.code, wrong.message.as_str()),
        (StsErrorCode::AccessDenied, denied.as_str())
    );
    let missing = err(fx.assume(&alice, &req(&role("ext"), "s1").build().unwrap()));
    assert_eq!(
        (missing.code, missing.message),
        (StsErrorCode::AccessDenied, denied)
    );
}

#[test]
fn unknown_role_is_refused_exactly_like_an_untrusted_one() {
    let fx = Fx::new();
    let bob = fx.bob();
    // role/plain exists but trusts only alice; role/nope does not exist.
    let untrusted = err(fx.assume(&bob, &req(&role("plain"), "s1").build().unwrap()));
    let unknown = err(fx.assume(&bob, &req(&role("nope"), "s1").build().unwrap()));
    assert_eq!(untrusted.code, StsErrorCode::AccessDenied);
    assert_eq!(unknown.code, untrusted.code);
    assert_eq!(
        untrusted.message,
        not_authorized(BOB, "sts:AssumeRole", &role("plain"))
    );
    assert_eq!(
        unknown.message,
        not_authorized(BOB, "sts:AssumeRole", &role("nope"))
    );
    assert_eq!(unknown.message.replace("nope", "plain"), untrusted.message);
    // Also in an account the directory does not know.
    let other = "arn:aws:iam::333333333333:role/plain";
    let e = err(fx.assume(&bob, &req(other, "s1").build().unwrap()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(BOB, "sts:AssumeRole", other)
        )
    );
    // The allowed case: the trusted caller gets in.
    fx.assume_ok(&fx.alice(), &role("plain"), "s1");
}

#[test]
fn unknown_and_untrusted_roles_fail_the_same_way_for_a_bad_chained_request() {
    // Checks that run before the trust policy (source identity, transitive tags) must give the
    // same answer whether the role exists or not.
    let fx = Fx::new();
    let parent = fx
        .assume(
            &fx.alice(),
            &req(&role("parent"), "p1")
                .source_identity("alice")
                .build()
                .unwrap(),
        )
        .unwrap();
    let session = fx.session(&parent.credentials);
    let changed = |arn: &str| {
        err(fx.assume(
            &session,
            &req(arn, "c1").source_identity("mallory").build().unwrap(),
        ))
    };
    let existing_untrusting = changed(&role("plain"));
    let unknown = changed(&role("nope"));
    assert_eq!(existing_untrusting.code, unknown.code);
    assert_eq!(
        existing_untrusting.message.replace("plain", "nope"),
        unknown.message
    );
}

#[test]
fn role_arn_with_a_wrong_path_is_refused() {
    let fx = Fx::new();
    let alice = fx.alice();
    let r = fx.assume_ok(&alice, &role("team/pathed"), "s1");
    // The assumed-role ARN has no path.
    assert_eq!(r.assumed_role_user.arn, assumed("pathed", "s1"));
    assert_eq!(
        fx.verify(&r.credentials).caller_identity().arn,
        assumed("pathed", "s1")
    );
    for wrong in [role("pathed"), role("other/pathed")] {
        let e = err(fx.assume(&alice, &req(&wrong, "s1").build().unwrap()));
        assert_eq!(
            (e.code, e.message),
            (
                StsErrorCode::AccessDenied,
                not_authorized(ALICE, "sts:AssumeRole", &wrong)
            )
        );
    }
    // Not a role ARN at all: a validation error.
    let e = err(fx.assume(
        &alice,
        &req("arn:aws:iam::111111111111:user/alice", "s1")
            .build()
            .unwrap(),
    ));
    assert_eq!(e.code, StsErrorCode::ValidationError);
}

#[test]
fn cross_account_needs_the_identity_side_allow() {
    let fx = Fx::new();
    let cross = format!("arn:aws:iam::{B}:role/cross");
    // alice's own policy allows sts:AssumeRole on *.
    let r = fx.assume_ok(&fx.alice(), &cross, "x1");
    let s = fx.verify(&r.credentials);
    assert_eq!(s.caller_identity().account, B);
    assert_eq!(
        r.assumed_role_user.arn,
        format!("arn:aws:sts::{B}:assumed-role/cross/x1")
    );
    // bob is named by the trust policy but has no policy of his own.
    let e = err(fx.assume(&fx.bob(), &req(&cross, "x1").build().unwrap()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(BOB, "sts:AssumeRole", &cross)
        )
    );
}

#[test]
fn same_account_trust_through_the_account_needs_the_identity_side_allow() {
    let fx = Fx::new();
    fx.verify(&fx.assume_ok(&fx.alice(), &role("acct"), "s1").credentials);
    fx.verify(&fx.assume_ok(&fx.carol(), &role("acct"), "s1").credentials);
    let e = err(fx.assume(&fx.bob(), &req(&role("acct"), "s1").build().unwrap()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(BOB, "sts:AssumeRole", &role("acct"))
        )
    );
    // A trust policy naming bob himself needs nothing on his side (same account).
    fx.verify(&fx.assume_ok(&fx.bob(), &role("short"), "s1").credentials);
}

#[test]
fn explicit_deny_in_the_identity_policy_wins_over_a_trust_policy_naming_the_caller() {
    let fx = Fx::new();
    let e = err(fx.assume(
        &fx.carol(),
        &req(&role("named-carol"), "s1").build().unwrap(),
    ));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(CAROL, "sts:AssumeRole", &role("named-carol"))
        )
    );
    fx.verify(
        &fx.assume_ok(&fx.alice(), &role("named-carol"), "s1")
            .credentials,
    );
}

#[test]
fn service_principal_named_in_the_trust_policy() {
    let fx = Fx::new();
    let r = req(&role("service"), "i-0abc").build().unwrap();
    let ok = fx
        .issuer
        .assume_role_for_service_at("ec2.amazonaws.com", &r, &fx.env())
        .unwrap();
    let s = fx.verify(&ok.credentials);
    assert_eq!(s.caller_identity().arn, assumed("service", "i-0abc"));
    assert_eq!(s.claims().chain_depth, 0);
    assert_eq!(lifetime(&ok.credentials, &fx), 3600);
    let e = err(fx
        .issuer
        .assume_role_for_service_at("lambda.amazonaws.com", &r, &fx.env()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized("lambda.amazonaws.com", "sts:AssumeRole", &role("service"))
        )
    );
    // A user is not the service.
    assert_eq!(code(fx.assume(&fx.alice(), &r)), StsErrorCode::AccessDenied);
    // A service has no external ID and no MFA device: either one alone is refused.
    for r in [
        req(&role("service"), "i-0abc").external_id("partner-42"),
        req(&role("service"), "i-0abc")
            .serial_number(ALICE_MFA)
            .token_code("123456"),
    ] {
        let e = err(fx.issuer.assume_role_for_service_at(
            "ec2.amazonaws.com",
            &r.build().unwrap(),
            &fx.env(),
        ));
        assert_eq!(e.code, StsErrorCode::ValidationError, "{}", e.message);
    }
}

const GET_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const EVERYTHING: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn decide(fx: &Fx, creds: &tempcred::Credentials, action: &str, resource: &str) -> Decision {
    let s = fx.verify(creds);
    Authorizer::new(fx.dir.clone())
        .authorize(&s, &AuthorizationRequest::new(action, resource), fx.now())
        .unwrap()
}

#[test]
fn malformed_session_policy_is_refused() {
    let fx = Fx::new();
    for bad in [
        "{not json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Action":"s3:PutObject","Resource":"*"}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Bogus":1}}"#,
    ] {
        let e = err(fx.assume(
            &fx.alice(),
            &req(&role("reader"), "s1").policy(bad).build().unwrap(),
        ));
        assert_eq!(e.code, StsErrorCode::MalformedPolicyDocument, "{bad}");
        assert!(!e.message.is_empty());
    }
    let ok = fx
        .assume(
            &fx.alice(),
            &req(&role("reader"), "s1").policy(GET_ONLY).build().unwrap(),
        )
        .unwrap();
    assert!(fx.verify(&ok.credentials).claims().session_policy.is_some());
}

#[test]
fn session_policy_over_2048_characters_is_refused() {
    let pad = " ".repeat(2048 - GET_ONLY.len());
    let at_limit = format!("{GET_ONLY}{pad}");
    assert_eq!(at_limit.chars().count(), 2048);
    let fx = Fx::new();
    fx.assume(
        &fx.alice(),
        &req(&role("reader"), "s1")
            .policy(at_limit.clone())
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = err(req(&role("reader"), "s1")
        .policy(format!("{at_limit} "))
        .build());
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert_eq!(
        e.message,
        "1 validation error detected: Value at 'policy' failed to satisfy constraint: \
         Member must have length less than or equal to 2048"
    );
}

/// IAM User Guide, "Session policies": "The plaintext that you use for both inline and managed
/// session policies can't exceed 2,048 characters" — characters, not bytes. A policy of 1,500
/// characters, many of them outside ASCII (a condition on a non-English tag value), is within
/// the quota; whether it fits the token is `PackedPolicyTooLarge`'s question, never a server
/// failure. (Issue 17: the limit was counted in characters at the door and in bytes in the
/// token, so such a policy got `InternalFailure`.)
#[test]
fn a_session_policy_limit_is_in_characters_even_outside_ascii() {
    let value = "é".repeat(1300);
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"{value}"}}}}}}]}}"#
    );
    assert!(policy.chars().count() <= 2048 && policy.len() > 2048);
    let fx = Fx::new();
    match fx.assume(
        &fx.alice(),
        &req(&role("reader"), "s1").policy(policy).build().unwrap(),
    ) {
        Ok(ok) => assert!(fx.verify(&ok.credentials).claims().session_policy.is_some()),
        Err(e) => assert_eq!(e.code, StsErrorCode::PackedPolicyTooLarge, "{e}"),
    }
    // Smaller, it fits the token and is issued.
    let value = "é".repeat(600);
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"{value}"}}}}}}]}}"#
    );
    fx.assume(
        &fx.alice(),
        &req(&role("reader"), "s1").policy(policy).build().unwrap(),
    )
    .unwrap();
}

#[test]
fn session_policy_intersects_and_never_widens() {
    let fx = Fx::new();
    let obj = "arn:aws:s3:::bucket/a.txt";
    let plain = fx.assume_ok(&fx.alice(), &role("reader"), "s1");
    assert_eq!(
        decide(&fx, &plain.credentials, "s3:GetObject", obj),
        Decision::Allow
    );
    assert_eq!(
        decide(&fx, &plain.credentials, "s3:PutObject", obj),
        Decision::Allow
    );
    let narrow = fx
        .assume(
            &fx.alice(),
            &req(&role("reader"), "s1").policy(GET_ONLY).build().unwrap(),
        )
        .unwrap();
    assert_eq!(
        decide(&fx, &narrow.credentials, "s3:GetObject", obj),
        Decision::Allow
    );
    assert_eq!(
        decide(&fx, &narrow.credentials, "s3:PutObject", obj),
        Decision::ImplicitDeny
    );
    let wide = fx
        .assume(
            &fx.alice(),
            &req(&role("reader"), "s1")
                .policy(EVERYTHING)
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        decide(&fx, &wide.credentials, "s3:PutObject", obj),
        Decision::Allow
    );
    assert_eq!(
        decide(&fx, &wide.credentials, "s3:DeleteObject", obj),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &fx,
            &wide.credentials,
            "s3:GetObject",
            "arn:aws:s3:::other/a"
        ),
        Decision::ImplicitDeny
    );
}

#[test]
fn managed_session_policies_unknown_refused_known_carried_and_enforced() {
    let fx = Fx::new();
    let unknown = "arn:aws:iam::111111111111:policy/nope";
    let e = err(fx.assume(
        &fx.alice(),
        &req(&role("reader"), "s1")
            .policy_arn(unknown)
            .build()
            .unwrap(),
    ));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(e.message.contains(unknown), "{}", e.message);
    let r = fx
        .assume(
            &fx.alice(),
            &req(&role("reader"), "s1")
                .policy_arn(READ_POLICY)
                .build()
                .unwrap(),
        )
        .unwrap();
    let s = fx.verify(&r.credentials);
    assert_eq!(s.claims().policy_arns, vec![Box::<str>::from(READ_POLICY)]);
    let obj = "arn:aws:s3:::bucket/a.txt";
    assert_eq!(
        decide(&fx, &r.credentials, "s3:GetObject", obj),
        Decision::Allow
    );
    assert_eq!(
        decide(&fx, &r.credentials, "s3:PutObject", obj),
        Decision::ImplicitDeny
    );
}

#[test]
fn packed_policy_too_large() {
    let fx = Fx::new();
    let mut big = req(&role("reader"), "s1").policy(EVERYTHING);
    for i in 0..50 {
        big = big.tag(format!("{i:02}{}", "k".repeat(100)), "v".repeat(200));
    }
    let e = err(fx.assume(&fx.alice(), &big.build().unwrap()));
    assert_eq!(e.code, StsErrorCode::PackedPolicyTooLarge);
    assert!(
        e.message.starts_with("Packed policy consumes ")
            && e.message
                .ends_with("% of allotted space, please use smaller policy for this request."),
        "{}",
        e.message
    );
    let pct: u32 = e.message["Packed policy consumes ".len()..]
        .split('%')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(pct > 100, "{pct}");
    // A few tags and the same policy fit.
    let small = req(&role("reader"), "s1")
        .policy(EVERYTHING)
        .tag("team", "payments")
        .build()
        .unwrap();
    let r = fx.assume(&fx.alice(), &small).unwrap();
    let s = fx.verify(&r.credentials);
    assert_eq!(
        s.claims().tags.get("team").map(|t| t.value.as_str()),
        Some("payments")
    );
    assert!(matches!(
        s.claims().principal,
        SessionPrincipal::AssumedRole { .. }
    ));
}

#[test]
fn a_role_session_acts_with_its_role_policies_bounded_by_its_session_policy() {
    let fx = Fx::new();
    let session_with = |policy: Option<&str>| {
        let mut b = req(&role("short"), "s1");
        if let Some(p) = policy {
            b = b.policy(p);
        }
        fx.session(
            &fx.assume(&fx.alice(), &b.build().unwrap())
                .unwrap()
                .credentials,
        )
    };
    // role/acct trusts the account only, so the identity side must allow: role/short's policy does.
    let open = session_with(None);
    fx.verify(&fx.assume_ok(&open, &role("acct"), "c1").credentials);
    // A session policy without sts:AssumeRole takes that away.
    let narrow = session_with(Some(GET_ONLY));
    let e = err(fx.assume(&narrow, &req(&role("acct"), "c1").build().unwrap()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(&assumed("short", "s1"), "sts:AssumeRole", &role("acct"))
        )
    );
    // role/long names role/short itself: the role's own policies need not allow...
    fx.verify(&fx.assume_ok(&open, &role("long"), "c2").credentials);
    // ...but a grant to the role ARN is limited by the session policy (IAM User Guide, "Session
    // policies": only a grant to the session ARN is not), so the narrowed session is refused.
    // This case once asserted the opposite: a scoped-down session escaped its session policy.
    let e = err(fx.assume(&narrow, &req(&role("long"), "c2").build().unwrap()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(&assumed("short", "s1"), "sts:AssumeRole", &role("long"))
        )
    );
    // ...and an explicit deny in the session policy refuses as well.
    let deny = session_with(Some(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}"#,
    ));
    let e = err(fx.assume(&deny, &req(&role("long"), "c3").build().unwrap()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(&assumed("short", "s1"), "sts:AssumeRole", &role("long"))
        )
    );
}

#[test]
fn transitive_tag_keys_reach_the_trust_policy_as_sts_transitive_tag_keys() {
    let fx = Fx::new();
    let tagged = || req(&role("transitive-team"), "t1").tag("team", "payments");
    let ok = fx
        .assume(
            &fx.alice(),
            &tagged().transitive_tag_key("team").build().unwrap(),
        )
        .unwrap();
    assert!(fx
        .verify(&ok.credentials)
        .claims()
        .tags
        .iter()
        .any(|t| t.transitive));
    // The same tag, not transitive: the TagSession statement's condition fails.
    let e = err(fx.assume(&fx.alice(), &tagged().build().unwrap()));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(ALICE, "sts:TagSession", &role("transitive-team"))
        )
    );
}

#[test]
fn trust_conditions_see_the_source_ip_the_time_and_the_callers_tags() {
    let fx = Fx::new();
    let r = req(&role("guarded"), "g1").build().unwrap();
    let inside: std::net::IpAddr = "203.0.113.9".parse().unwrap();
    let outside: std::net::IpAddr = "198.51.100.1".parse().unwrap();
    let at = |caller: &tempcred::Caller, env: tempcred::CallEnv| {
        fx.issuer.assume_role_at(caller, &r, &env).map(|_| ())
    };
    assert_eq!(at(&fx.alice(), fx.env().with_source_ip(inside)), Ok(()));
    // Another address, or none known: refused.
    for env in [fx.env().with_source_ip(outside), fx.env()] {
        assert_eq!(code(at(&fx.alice(), env)), StsErrorCode::AccessDenied);
    }
    // bob is trusted by name but has no team=payments tag.
    assert_eq!(
        code(at(&fx.bob(), fx.env().with_source_ip(inside))),
        StsErrorCode::AccessDenied
    );
    // After the date in the condition: refused.
    let later =
        tempcred::CallEnv::at(tempcred::UnixTime::from_secs(1_893_456_000)).with_source_ip(inside);
    assert_eq!(code(at(&fx.alice(), later)), StsErrorCode::AccessDenied);
}
