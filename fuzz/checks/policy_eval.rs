//! The property the `policy_eval` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_policy.rs`.
//!
//! The input is policy text. Whatever it is:
//! - parsing (generic, trust, identity and session rules) never panics;
//! - a document that parses evaluates without panicking against fixed request contexts;
//! - its serialization parses again, serializes to the same JSON and evaluates to the same
//!   decisions (serialization preserves meaning).

use tempcred::policy::{
    evaluate_trust, evaluate_with_session, PolicyDocument, PolicyKind, RequestContext,
    RequestPrincipal,
};
use tempcred::principal::PrincipalArn;
use tempcred::{RoleSessionName, UnixTime};

/// The fixed contexts every parsed document is evaluated against.
fn contexts() -> Vec<RequestContext> {
    let mut out = Vec::new();
    let role = PrincipalArn::parse("arn:aws:iam::111122223333:role/ci/builder").ok();
    let name = RoleSessionName::new("fuzz").ok();
    if let (Some(role), Some(name)) = (role, name) {
        if let Ok(caller) = RequestPrincipal::role_session(&role, &name) {
            let mut ctx = RequestContext::new("sts:AssumeRole")
                .with_resource("arn:aws:iam::111122223333:role/target")
                .with_principal(caller);
            ctx.insert("aws:username", "alice")
                .insert("aws:PrincipalTag/Project", "Alpha")
                .insert("sts:ExternalId", "Unique-ID-1234")
                .insert_bool("aws:MultiFactorAuthPresent", true)
                .insert_number("aws:MultiFactorAuthAge", 300)
                .insert("aws:SourceIp", "203.0.113.9")
                .insert_all("aws:TagKeys", ["Project", "CostCenter"])
                .insert_now(UnixTime::from_secs(1_775_000_000));
            out.push(ctx);
        }
    }
    let mut web = RequestContext::new("sts:AssumeRoleWithWebIdentity").with_principal(
        RequestPrincipal::federated(
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        ),
    );
    web.insert(
        "token.actions.githubusercontent.com:aud",
        "sts.amazonaws.com",
    )
    .insert(
        "token.actions.githubusercontent.com:sub",
        "repo:octo-org/octo-repo:ref:refs/heads/main",
    );
    out.push(web);
    let mut s3 = RequestContext::new("s3:GetObject")
        .with_resource("arn:aws:s3:::home/alice/notes.txt")
        .with_principal(RequestPrincipal::service("ec2.amazonaws.com"));
    s3.insert("aws:username", "alice")
        .insert("s3:prefix", "home/alice/");
    out.push(s3);
    out
}

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [PolicyKind::Trust, PolicyKind::Identity, PolicyKind::Session] {
        let _ = PolicyDocument::parse_as(text, kind);
    }
    let Ok(doc) = PolicyDocument::parse(text, 20_000) else {
        return;
    };
    let json = doc.to_json();
    let again = match PolicyDocument::parse(&json, usize::MAX / 8) {
        Ok(d) => d,
        Err(e) => panic!("serialized document does not parse: {e}\n{json}"),
    };
    assert_eq!(again.to_json(), json, "serialization is not stable");
    for ctx in contexts() {
        let a = evaluate_trust(&doc, &ctx);
        let b = evaluate_trust(&again, &ctx);
        assert_eq!(
            a.decision, b.decision,
            "decision changed after serialization: {json}"
        );
        let _ = a.to_string();
        let _ = a.allowed_only_via_account();
        let c = evaluate_with_session(&[&doc], &[&again], &ctx);
        assert_eq!(c.decision, a.decision);
    }
}
