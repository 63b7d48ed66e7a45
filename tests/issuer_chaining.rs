//! Role chaining and what a session carries into the next one (SPEC §4 rules 4–7): the one-hour
//! cap, session tags and `sts:TagSession`, transitive tags, source identity, and MFA (feature
//! `totp`) with the `aws:MultiFactorAuth*` keys of this and of chained sessions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::issuer_common;

use issuer_common::*;
use tempcred::{AssumeRoleRequest, AssumeRoleRequestBuilder, StsErrorCode};

fn req(role_arn: &str, name: &str) -> AssumeRoleRequestBuilder {
    AssumeRoleRequest::builder(role_arn, name)
}

/// alice's session of role/parent, with `team=payments` transitive, `project=x` not, and source
/// identity `alice`.
fn parent_session(fx: &Fx) -> tempcred::Caller {
    let r = fx
        .assume(
            &fx.alice(),
            &req(&role("parent"), "p1")
                .tag("team", "payments")
                .tag("project", "x")
                .transitive_tag_key("team")
                .source_identity("alice")
                .build()
                .unwrap(),
        )
        .unwrap();
    fx.session(&r.credentials)
}

#[test]
fn chained_duration_is_capped_at_one_hour_and_longer_fails() {
    let fx = Fx::new();
    let short = fx.session(&fx.assume_ok(&fx.alice(), &role("short"), "s1").credentials);
    // role/long allows 12 hours, but a chained session gets at most one.
    let r = fx
        .assume(
            &short,
            &req(&role("long"), "c1")
                .duration_seconds(3600)
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(lifetime(&r.credentials, &fx), 3600);
    assert_eq!(fx.verify(&r.credentials).claims().chain_depth, 1);
    let e = err(fx.assume(
        &short,
        &req(&role("long"), "c1")
            .duration_seconds(3601)
            .build()
            .unwrap(),
    ));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert_eq!(
        e.message,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    // Default chained duration: one hour.
    let r = fx.assume_ok(&short, &role("long"), "c2");
    assert_eq!(lifetime(&r.credentials, &fx), 3600);
    // The same request without chaining gets its 12 hours.
    let r = fx
        .assume(
            &fx.alice(),
            &req(&role("long"), "u1")
                .duration_seconds(43_200)
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(lifetime(&r.credentials, &fx), 43_200);
}

#[test]
fn tags_need_tag_session() {
    let fx = Fx::new();
    let tagged = req(&role("plain"), "s1")
        .tag("team", "payments")
        .build()
        .unwrap();
    let e = err(fx.assume(&fx.alice(), &tagged));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(ALICE, "sts:TagSession", &role("plain"))
        )
    );
    let ok = fx
        .assume(
            &fx.alice(),
            &req(&role("parent"), "s1")
                .tag("team", "payments")
                .build()
                .unwrap(),
        )
        .unwrap();
    let s = fx.verify(&ok.credentials);
    let tag = s.claims().tags.get("team").unwrap();
    assert_eq!((tag.value.as_str(), tag.transitive), ("payments", false));
}

#[test]
fn request_tag_and_tag_keys_conditions() {
    let fx = Fx::new();
    let alice = fx.alice();
    for ok in [
        req(&role("tagcond"), "s1").tag("team", "payments"),
        req(&role("tagcond"), "s1")
            .tag("team", "payments")
            .tag("env", "prod"),
    ] {
        fx.verify(&fx.assume(&alice, &ok.build().unwrap()).unwrap().credentials);
    }
    let denied = not_authorized(ALICE, "sts:TagSession", &role("tagcond"));
    for bad in [
        req(&role("tagcond"), "s1").tag("team", "other"),
        req(&role("tagcond"), "s1")
            .tag("team", "payments")
            .tag("cost", "1"),
    ] {
        let e = err(fx.assume(&alice, &bad.build().unwrap()));
        assert_eq!(
            (e.code, e.message.as_str()),
            (StsErrorCode::AccessDenied, denied.as_str())
        );
    }
}

#[test]
fn transitive_tags_are_inherited_and_cannot_be_overridden() {
    let fx = Fx::new();
    let parent = parent_session(&fx);
    let child = fx.assume_ok(&parent, &role("child"), "c1");
    let s = fx.verify(&child.credentials);
    let team = s.claims().tags.get("team").unwrap();
    assert_eq!((team.value.as_str(), team.transitive), ("payments", true));
    assert!(
        s.claims().tags.get("project").is_none(),
        "non-transitive tags stay behind"
    );
    // A non-transitive parent tag may be set again.
    fx.assume(
        &parent,
        &req(&role("child"), "c2")
            .tag("project", "y")
            .build()
            .unwrap(),
    )
    .unwrap();
    // A transitive one may not, in any case.
    let e = err(fx.assume(
        &parent,
        &req(&role("child"), "c3")
            .tag("TEAM", "other")
            .build()
            .unwrap(),
    ));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(
        e.message.contains("TEAM") && e.message.contains("transitive"),
        "{}",
        e.message
    );
}

#[test]
fn transitive_tag_keys_must_be_among_the_tags() {
    let e = err(req(&role("parent"), "s1")
        .tag("team", "payments")
        .transitive_tag_key("env")
        .build());
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(e.message.contains("transitiveTagKeys"), "{}", e.message);
    let ok = req(&role("parent"), "s1")
        .tag("team", "payments")
        .transitive_tag_key("Team")
        .build();
    assert!(ok.unwrap().tags().get("team").unwrap().transitive);
}

#[test]
fn fifty_tag_limit_counts_inherited_tags() {
    let fx = Fx::new();
    let parent = parent_session(&fx); // one transitive tag to inherit
    let with = |n: usize| {
        let mut b = req(&role("child"), "c1");
        for i in 0..n {
            b = b.tag(format!("k{i}"), "v");
        }
        b.build().unwrap()
    };
    let r = fx.assume(&parent, &with(49)).unwrap();
    assert_eq!(fx.verify(&r.credentials).claims().tags.len(), 50);
    let e = err(fx.assume(&parent, &with(50)));
    assert_eq!(e.code, StsErrorCode::ValidationError);
    assert!(e.message.contains("50"), "{}", e.message);
    // Without inheritance 50 is fine, 51 is not.
    fx.assume(
        &fx.alice(),
        &req(&role("parent"), "s1").tag("a", "b").build().unwrap(),
    )
    .unwrap();
    let mut b = req(&role("parent"), "s1");
    for i in 0..51 {
        b = b.tag(format!("k{i}"), "v");
    }
    assert_eq!(err(b.build()).code, StsErrorCode::ValidationError);
}

#[test]
fn source_identity_needs_set_source_identity() {
    let fx = Fx::new();
    let e = err(fx.assume(
        &fx.alice(),
        &req(&role("plain"), "s1")
            .source_identity("alice")
            .build()
            .unwrap(),
    ));
    assert_eq!(
        (e.code, e.message),
        (
            StsErrorCode::AccessDenied,
            not_authorized(ALICE, "sts:SetSourceIdentity", &role("plain"))
        )
    );
    let r = fx
        .assume(
            &fx.alice(),
            &req(&role("parent"), "s1")
                .source_identity("alice")
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(r.source_identity.unwrap().as_str(), "alice");
    assert_eq!(
        fx.verify(&r.credentials)
            .claims()
            .source_identity
            .unwrap()
            .as_str(),
        "alice"
    );
}

#[test]
fn source_identity_is_carried_through_a_chain_and_cannot_change() {
    let fx = Fx::new();
    let parent = parent_session(&fx);
    let child = fx.assume_ok(&parent, &role("child"), "c1");
    assert_eq!(child.source_identity.unwrap().as_str(), "alice");
    assert_eq!(
        fx.verify(&child.credentials)
            .claims()
            .source_identity
            .unwrap()
            .as_str(),
        "alice"
    );
    // Naming the same one again is fine.
    fx.assume(
        &parent,
        &req(&role("child"), "c2")
            .source_identity("alice")
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = err(fx.assume(
        &parent,
        &req(&role("child"), "c3")
            .source_identity("mallory")
            .build()
            .unwrap(),
    ));
    assert_eq!(e.code, StsErrorCode::AccessDenied);
    assert_eq!(
        e.message,
        "The source identity of a role session cannot be changed once set."
    );
    // A role whose trust policy lacks sts:SetSourceIdentity cannot be reached by a session that
    // carries one (AWS: the permission is needed at every step of the chain).
    let short = fx.session(
        &fx.assume(
            &fx.alice(),
            &req(&role("parent"), "p2")
                .source_identity("alice")
                .build()
                .unwrap(),
        )
        .unwrap()
        .credentials,
    );
    let e = err(fx.assume(&short, &req(&role("plain"), "c4").build().unwrap()));
    assert_eq!(e.code, StsErrorCode::AccessDenied);
}

#[cfg(feature = "totp")]
mod mfa {
    use super::*;
    use tempcred::{GetSessionTokenRequest, UnixTime};

    fn with_mfa(fx: &Fx, role_arn: &str, serial: &str, code: &str) -> tempcred::AssumeRoleRequest {
        let _ = fx;
        req(role_arn, "m1")
            .serial_number(serial)
            .token_code(code)
            .build()
            .unwrap()
    }

    fn wrong(code: &str) -> String {
        let n: u32 = code.parse().unwrap();
        format!("{:06}", (n + 1) % 1_000_000)
    }

    const FAILED: &str = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

    #[test]
    fn right_wrong_and_stale_codes() {
        let fx = Fx::new();
        let now = fx.totp(ALICE_MFA, fx.now());
        let e = err(fx.assume(
            &fx.alice(),
            &with_mfa(&fx, &role("mfa"), ALICE_MFA, &wrong(&now)),
        ));
        assert_eq!(
            (e.code, e.message.as_str()),
            (StsErrorCode::AccessDenied, FAILED)
        );
        let stale = fx.totp(ALICE_MFA, UnixTime::from_secs(NOW - 90));
        let e = err(fx.assume(&fx.alice(), &with_mfa(&fx, &role("mfa"), ALICE_MFA, &stale)));
        assert_eq!(
            (e.code, e.message.as_str()),
            (StsErrorCode::AccessDenied, FAILED)
        );
        let r = fx
            .assume(&fx.alice(), &with_mfa(&fx, &role("mfa"), ALICE_MFA, &now))
            .unwrap();
        let s = fx.verify(&r.credentials);
        assert_eq!(s.claims().mfa_authenticated_at, Some(fx.now()));
        // GetSessionToken checks the same way.
        fx.advance(30);
        let code = fx.totp(ALICE_MFA, fx.now());
        let gst = GetSessionTokenRequest::builder()
            .serial_number(ALICE_MFA)
            .token_code(&code)
            .build()
            .unwrap();
        let r = fx
            .issuer
            .get_session_token_at(&fx.alice(), &gst, &fx.env())
            .unwrap();
        assert_eq!(
            fx.verify(&r.credentials).claims().mfa_authenticated_at,
            Some(fx.now())
        );
        let gst = GetSessionTokenRequest::builder()
            .serial_number(ALICE_MFA)
            .token_code(wrong(&code))
            .build()
            .unwrap();
        assert_eq!(
            err(fx.issuer.get_session_token_at(&fx.alice(), &gst, &fx.env())).message,
            FAILED
        );
    }

    #[test]
    fn device_of_someone_else_is_refused() {
        let fx = Fx::new();
        let bobs = fx.totp(BOB_MFA, fx.now());
        let e = err(fx.assume(&fx.alice(), &with_mfa(&fx, &role("mfa"), BOB_MFA, &bobs)));
        assert_eq!(
            (e.code, e.message.as_str()),
            (StsErrorCode::AccessDenied, FAILED)
        );
        // Bob with his own device gets in (role/mfa trusts him too).
        let r = fx
            .assume(&fx.bob(), &with_mfa(&fx, &role("mfa"), BOB_MFA, &bobs))
            .unwrap();
        fx.verify(&r.credentials);
    }

    #[test]
    fn serial_number_without_token_code_is_refused() {
        let e = err(req(&role("mfa"), "m1").serial_number(ALICE_MFA).build());
        assert_eq!(e.code, StsErrorCode::AccessDenied);
        assert_eq!(
            e.message,
            "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."
        );
        let e = err(GetSessionTokenRequest::builder()
            .serial_number(ALICE_MFA)
            .build());
        assert_eq!(e.code, StsErrorCode::AccessDenied);
    }

    #[test]
    fn mfa_conditions_in_trust_policies_and_in_chained_sessions() {
        let fx = Fx::new();
        // Without MFA, role/mfa's trust policy refuses.
        let e = err(fx.assume(&fx.alice(), &req(&role("mfa"), "m1").build().unwrap()));
        assert_eq!(
            e.message,
            not_authorized(ALICE, "sts:AssumeRole", &role("mfa"))
        );
        let code = fx.totp(ALICE_MFA, fx.now());
        let mfa_session = fx.session(
            &fx.assume(&fx.alice(), &with_mfa(&fx, &role("mfa"), ALICE_MFA, &code))
                .unwrap()
                .credentials,
        );
        // 100 s later the chained session still has MFA, aged 100 s (< 600).
        fx.advance(100);
        let chained = fx.assume_ok(&mfa_session, &role("mfa-chain"), "c1");
        assert_eq!(
            fx.verify(&chained.credentials)
                .claims()
                .mfa_authenticated_at,
            Some(UnixTime::from_secs(NOW))
        );
        // 700 s after the code, MultiFactorAuthAge is too old for role/mfa-chain.
        fx.advance(600);
        let e = err(fx.assume(
            &mfa_session,
            &req(&role("mfa-chain"), "c2").build().unwrap(),
        ));
        assert_eq!(
            (e.code, e.message),
            (
                StsErrorCode::AccessDenied,
                not_authorized(&assumed("mfa", "m1"), "sts:AssumeRole", &role("mfa-chain"))
            )
        );
        // A session made without MFA has aws:MultiFactorAuthPresent = false.
        let plain = fx.session(&fx.assume_ok(&fx.alice(), &role("short"), "s1").credentials);
        assert_eq!(
            code_of(fx.assume(&plain, &req(&role("mfa-chain"), "c3").build().unwrap())),
            StsErrorCode::AccessDenied
        );
    }

    #[test]
    fn a_bad_code_answers_the_same_for_unknown_and_untrusting_roles() {
        let fx = Fx::new();
        let bad = wrong(&fx.totp(ALICE_MFA, fx.now()));
        let unknown = err(fx.assume(&fx.alice(), &with_mfa(&fx, &role("nope"), ALICE_MFA, &bad)));
        let untrusting = err(fx.assume(
            &fx.alice(),
            &with_mfa(&fx, &role("service"), ALICE_MFA, &bad),
        ));
        assert_eq!(
            (unknown.code, unknown.message.as_str()),
            (StsErrorCode::AccessDenied, FAILED)
        );
        assert_eq!(unknown, untrusting);
    }

    fn code_of<T: std::fmt::Debug>(r: Result<T, tempcred::StsError>) -> StsErrorCode {
        super::code(r)
    }
}
