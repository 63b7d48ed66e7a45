//! Audit events and revocation (SPEC §4, §5): one event per attempt, allowed or refused, with the
//! right fields and no secret in its JSON; "revoke active sessions" through the `Verifier`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::issuer_common;

use issuer_common::*;
use tempcred::audit::{AuditAction, AuditEvent};
use tempcred::principal::{AccountId, RoleName};
use tempcred::{
    AssumeRoleRequest, AuditOutcome, GetFederationTokenRequest, GetSessionTokenRequest,
    RevokedSessions, UnixTime, Verifier, VerifyError,
};

fn refused(code: &'static str) -> AuditOutcome {
    AuditOutcome::Refused { error_code: code }
}

/// Every event's JSON, checked for the secrets given.
fn assert_no_secret(events: &[AuditEvent], secrets: &[&str]) {
    for e in events {
        let json = serde_json::to_string(e).unwrap();
        for s in secrets {
            assert!(!json.contains(s), "an audit event leaks a secret: {json}");
        }
    }
}

#[test]
fn one_event_per_attempt_with_its_fields() {
    let fx = Fx::new();
    let ok = fx
        .assume(
            &fx.alice(),
            &AssumeRoleRequest::builder(role("parent"), "ok-1")
                .source_identity("alice")
                .build()
                .unwrap(),
        )
        .unwrap();
    let e = fx.assume(
        &fx.bob(),
        &AssumeRoleRequest::builder(role("plain"), "no-1")
            .source_identity("bob-asked")
            .build()
            .unwrap(),
    );
    assert!(e.is_err());
    let v = fx.assume(
        &fx.alice(),
        &AssumeRoleRequest::builder(role("short"), "v-1")
            .duration_seconds(3601)
            .build()
            .unwrap(),
    );
    assert!(v.is_err());
    let gst = fx
        .issuer
        .get_session_token_at(
            &fx.alice(),
            &GetSessionTokenRequest::builder().build().unwrap(),
            &fx.env(),
        )
        .unwrap();
    let gft = fx.issuer.get_federation_token_at(
        &fx.bob(),
        &GetFederationTokenRequest::builder("fed-b").build().unwrap(),
        &fx.env(),
    );
    assert!(gft.is_err());
    fx.issuer
        .get_caller_identity_at(&fx.carol(), &fx.env())
        .unwrap();

    let events = fx.audit.take();
    assert_eq!(events.len(), 6, "{events:#?}");
    let now = UnixTime::from_secs(NOW);
    assert!(events.iter().all(|e| e.time == now));

    let s = fx.verify(&ok.credentials);
    let a = &events[0];
    assert_eq!(
        (a.action, a.outcome),
        (AuditAction::AssumeRole, AuditOutcome::Allowed)
    );
    assert_eq!(a.caller_arn.as_deref(), Some(ALICE));
    assert_eq!(a.target.as_deref(), Some(role("parent").as_str()));
    assert_eq!(a.session_name.as_deref(), Some("ok-1"));
    assert_eq!(
        a.source_identity.map(|s| s.as_str().to_owned()).as_deref(),
        Some("alice")
    );
    assert_eq!(a.token_id, Some(s.claims().token_id));
    assert_eq!(a.expiration, Some(ok.credentials.expiration));

    let b = &events[1];
    assert_eq!(
        (b.action, b.outcome),
        (AuditAction::AssumeRole, refused("AccessDenied"))
    );
    assert_eq!(b.caller_arn.as_deref(), Some(BOB));
    assert_eq!(b.target.as_deref(), Some(role("plain").as_str()));
    assert_eq!(b.session_name.as_deref(), Some("no-1"));
    // What was asked for is recorded even when it was not granted.
    assert_eq!(
        b.source_identity.map(|s| s.as_str().to_owned()).as_deref(),
        Some("bob-asked")
    );
    assert_eq!((b.token_id, b.expiration), (None, None));

    assert_eq!(events[2].outcome, refused("ValidationError"));
    assert_eq!(events[2].token_id, None);

    let g = &events[3];
    assert_eq!(
        (g.action, g.outcome),
        (AuditAction::GetSessionToken, AuditOutcome::Allowed)
    );
    assert_eq!(g.caller_arn.as_deref(), Some(ALICE));
    assert_eq!(
        g.token_id,
        Some(fx.verify(&gst.credentials).claims().token_id)
    );
    assert_eq!(g.expiration, Some(gst.credentials.expiration));

    let f = &events[4];
    assert_eq!(
        (f.action, f.outcome),
        (AuditAction::GetFederationToken, refused("AccessDenied"))
    );
    assert_eq!(
        f.target.as_deref(),
        Some(format!("arn:aws:sts::{A}:federated-user/fed-b").as_str())
    );
    assert_eq!(f.session_name.as_deref(), Some("fed-b"));
    assert_eq!(f.caller_arn.as_deref(), Some(BOB));

    let c = &events[5];
    assert_eq!(
        (c.action, c.outcome),
        (AuditAction::GetCallerIdentity, AuditOutcome::Allowed)
    );
    assert_eq!(c.caller_arn.as_deref(), Some(CAROL));
    assert_eq!(
        (c.token_id, c.expiration, c.source_identity),
        (None, None, None)
    );

    let json = serde_json::to_string(a).unwrap();
    assert!(json.contains(r#""outcome":"Allowed""#), "{json}");
    assert!(json.contains(&s.claims().token_id.to_string()), "{json}");
    let json = serde_json::to_string(b).unwrap();
    assert!(
        json.contains(r#""outcome":"Refused","error_code":"AccessDenied""#),
        "{json}"
    );

    assert_no_secret(
        &events,
        &[
            ALICE_SECRET,
            ok.credentials.secret_access_key.expose_secret(),
            ok.credentials.session_token.expose_secret(),
            gst.credentials.secret_access_key.expose_secret(),
            gst.credentials.session_token.expose_secret(),
        ],
    );
}

#[test]
fn service_assumption_is_audited() {
    let fx = Fx::new();
    let r = AssumeRoleRequest::builder(role("service"), "i-1")
        .build()
        .unwrap();
    fx.issuer
        .assume_role_for_service_at("ec2.amazonaws.com", &r, &fx.env())
        .unwrap();
    assert!(fx
        .issuer
        .assume_role_for_service_at("lambda.amazonaws.com", &r, &fx.env())
        .is_err());
    let events = fx.audit.take();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].action, AuditAction::AssumeRoleForService);
    assert_eq!(events[0].caller_arn.as_deref(), Some("ec2.amazonaws.com"));
    assert_eq!(events[0].outcome, AuditOutcome::Allowed);
    assert_eq!(events[1].outcome, refused("AccessDenied"));
    for e in &events {
        assert_eq!(e.target.as_deref(), Some(role("service").as_str()));
        assert_eq!(e.session_name.as_deref(), Some("i-1"));
    }
    assert_eq!(
        events[1].caller_arn.as_deref(),
        Some("lambda.amazonaws.com")
    );
}

#[cfg(feature = "totp")]
#[test]
fn mfa_codes_never_reach_the_audit_trail() {
    let fx = Fx::new();
    let code = fx.totp(ALICE_MFA, fx.now());
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    for c in [&wrong, &code] {
        let r = AssumeRoleRequest::builder(role("mfa"), "m1")
            .serial_number(ALICE_MFA)
            .token_code(c)
            .build()
            .unwrap();
        let _ = fx.assume(&fx.alice(), &r);
    }
    let events = fx.audit.take();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].outcome, refused("AccessDenied"));
    assert_eq!(events[1].outcome, AuditOutcome::Allowed);
    assert_no_secret(&events, &[&code, &wrong]);
}

#[cfg(feature = "oidc")]
#[test]
fn web_identity_tokens_never_reach_the_audit_trail() {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    let fx = Fx::new();
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("rsa-1".into());
    let key = EncodingKey::from_rsa_der(include_bytes!("data/oidc_rsa_test_key.der"));
    let mk = |aud: &str| {
        let c = serde_json::json!({"iss": "https://id.example.com", "sub": "user-42", "aud": aud,
            "iat": NOW - 10, "exp": NOW + 3600});
        encode(&h, &c, &key).unwrap()
    };
    let (good, bad) = (mk("sts.amazonaws.com"), mk("someone-else"));
    let web = format!("arn:aws:iam::{B}:role/web");
    for t in [&good, &bad] {
        let r = tempcred::AssumeRoleWithWebIdentityRequest::builder(&web, "web-1", t.as_str())
            .build()
            .unwrap();
        let _ = fx.issuer.assume_role_with_web_identity_at(&r, &fx.env());
    }
    let events = fx.audit.take();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].action, AuditAction::AssumeRoleWithWebIdentity);
    assert_eq!(events[0].outcome, AuditOutcome::Allowed);
    assert_eq!(events[0].caller_arn.as_deref(), Some(OIDC_ARN));
    for e in &events {
        assert_eq!(e.target.as_deref(), Some(web.as_str()));
        assert_eq!(e.session_name.as_deref(), Some("web-1"));
    }
    assert!(events[0]
        .web_identity_subject
        .as_deref()
        .unwrap()
        .contains("user-42"));
    assert_eq!(events[1].outcome, refused("IDPRejectedClaim"));
    let sig = |t: &str| t.rsplit('.').next().unwrap().to_owned();
    assert_no_secret(&events, &[&good, &bad, &sig(&good), &sig(&bad)]);
}

#[test]
fn revoked_sessions_issued_before_the_cutoff_are_refused() {
    let fx = Fx::new();
    let before = fx.assume_ok(&fx.alice(), &role("short"), "s1").credentials;
    let other_role = fx.assume_ok(&fx.alice(), &role("long"), "l1").credentials;
    fx.advance(100);
    let after = fx.assume_ok(&fx.alice(), &role("short"), "s2").credentials;
    let mut revoked = RevokedSessions::default();
    revoked.revoke_role_sessions(
        AccountId::new(A).unwrap(),
        RoleName::new("short").unwrap(),
        UnixTime::from_secs(NOW + 50),
    );
    let v = Verifier::new(&fx.ring).with_revoked_sessions(revoked);
    let check = |c: &tempcred::Credentials| v.verify(c.session_token.expose_secret(), fx.now());
    let e = check(&before).unwrap_err();
    assert_eq!(
        (e, e.aws_code()),
        (VerifyError::Revoked, "InvalidClientTokenId")
    );
    assert_eq!(
        check(&after).unwrap().caller_identity().arn,
        assumed("short", "s2")
    );
    assert_eq!(
        check(&other_role).unwrap().caller_identity().arn,
        assumed("long", "l1")
    );
    // Without the snapshot, the old session is still fine.
    fx.verify(&before);
}

#[test]
fn an_inherited_source_identity_is_audited_though_not_asked_for() {
    let fx = Fx::new();
    let parent = fx
        .assume(
            &fx.alice(),
            &AssumeRoleRequest::builder(role("parent"), "p1")
                .source_identity("alice")
                .build()
                .unwrap(),
        )
        .unwrap();
    let session = fx.session(&parent.credentials);
    let child = fx
        .assume(
            &session,
            &AssumeRoleRequest::builder(role("child"), "c1")
                .build()
                .unwrap(),
        )
        .unwrap();
    let events = fx.audit.take();
    assert_eq!(events.len(), 2);
    let e = &events[1];
    assert_eq!(e.outcome, AuditOutcome::Allowed);
    assert_eq!(
        e.caller_arn.as_deref(),
        Some(assumed("parent", "p1").as_str())
    );
    assert_eq!(
        e.source_identity.map(|s| s.as_str().to_owned()).as_deref(),
        Some("alice")
    );
    assert_eq!(
        child
            .source_identity
            .map(|s| s.as_str().to_owned())
            .as_deref(),
        Some("alice")
    );
}

/// Each event says how its caller authenticated: an access key for long-term callers of every
/// operation, a session for temporary credentials (issue 15's `caller_authentication`).
#[test]
fn every_event_records_how_the_caller_authenticated() {
    use tempcred::issue::Authentication;
    let fx = Fx::new();
    let session = fx.session(
        &fx.assume(
            &fx.alice(),
            &AssumeRoleRequest::builder(role("short"), "auth-1")
                .build()
                .unwrap(),
        )
        .unwrap()
        .credentials,
    );
    let _ = fx.audit.take();
    let _ = fx.issuer.get_session_token_at(
        &fx.alice(),
        &GetSessionTokenRequest::builder().build().unwrap(),
        &fx.env(),
    );
    let _ = fx.issuer.get_federation_token_at(
        &fx.key(DAVE_KEY),
        &GetFederationTokenRequest::builder("fed-d").build().unwrap(),
        &fx.env(),
    );
    let _ = fx.assume(
        &fx.alice(),
        &AssumeRoleRequest::builder(role("plain"), "auth-2")
            .build()
            .unwrap(),
    );
    let _ = fx.issuer.get_caller_identity_at(&fx.alice(), &fx.env());
    let _ = fx.issuer.get_caller_identity_at(&session, &fx.env());
    let got: Vec<(AuditAction, Option<Authentication>)> = fx
        .audit
        .take()
        .into_iter()
        .map(|e| (e.action, e.caller_authentication))
        .collect();
    let key = Some(Authentication::AccessKey);
    assert_eq!(
        got,
        [
            (AuditAction::GetSessionToken, key),
            (AuditAction::GetFederationToken, key),
            (AuditAction::AssumeRole, key),
            (AuditAction::GetCallerIdentity, key),
            (
                AuditAction::GetCallerIdentity,
                Some(Authentication::Session)
            ),
        ]
    );
}
