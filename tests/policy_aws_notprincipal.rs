//! `NotPrincipal` as AWS documents it (issue 13, items 1 and 11): Deny + NotPrincipal exempts
//! exactly the principals listed, and role trust policies refuse the element.
//!
//! Source for every case unless a case says otherwise: IAM User Guide, "AWS JSON policy
//! elements: NotPrincipal",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{Decision, PolicyDocument, RequestContext, RequestPrincipal};
use tempcred::principal::PrincipalArn;
use tempcred::RoleSessionName;

const BUCKET: &str = "arn:aws:s3:::amzn-s3-demo-bucket/k";

/// A resource-based policy: allow everyone in 444455556666, then the Deny + NotPrincipal under
/// test.
fn policy(not_principal: &str) -> PolicyDocument {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Principal":{{"AWS":"444455556666"}},"Action":"s3:*","Resource":"*"}},
        {{"Effect":"Deny","NotPrincipal":{not_principal},"Action":"s3:*","Resource":"*"}}]}}"#
    );
    PolicyDocument::parse(&text, 6144).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn arn(text: &str) -> PrincipalArn {
    PrincipalArn::parse(text).unwrap()
}

fn decide(doc: &PolicyDocument, caller: RequestPrincipal) -> Decision {
    let ctx = RequestContext::new("s3:GetObject")
        .with_resource(BUCKET)
        .with_principal(caller);
    doc.evaluate(&ctx).decision
}

fn who(text: &str) -> RequestPrincipal {
    RequestPrincipal::principal(&arn(text))
}

fn session(role: &str, name: &str) -> RequestPrincipal {
    RequestPrincipal::role_session(&arn(role), &RoleSessionName::new(name).unwrap()).unwrap()
}

/// The page's first example: "all principals except the user named Bob in AWS account
/// 444455556666 are explicitly denied"; the account ARN is listed too, as the page requires.
#[test]
fn deny_not_principal_user_and_account_denies_the_other_users_of_the_account() {
    let doc = policy(
        r#"{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]}"#,
    );
    assert_eq!(
        decide(&doc, who("arn:aws:iam::444455556666:user/Bob")),
        Decision::Allow
    );
    assert_eq!(
        decide(&doc, who("arn:aws:iam::444455556666:root")),
        Decision::Allow
    );
    // Listing the account exempts the account principal only, not alice (the old code exempted
    // the whole account).
    assert_eq!(
        decide(&doc, who("arn:aws:iam::444455556666:user/alice")),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(&doc, who("arn:aws:iam::444455556666:role/ops")),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(&doc, session("arn:aws:iam::444455556666:role/ops", "s1")),
        Decision::ExplicitDeny
    );
}

/// An account written as a bare ID means its root ARN: it exempts the account principal only.
#[test]
fn deny_not_principal_bare_account_id_exempts_only_the_account_principal() {
    let doc = policy(r#"{"AWS":"444455556666"}"#);
    assert_eq!(
        decide(&doc, who("arn:aws:iam::444455556666:root")),
        Decision::Allow
    );
    assert_eq!(
        decide(&doc, who("arn:aws:iam::444455556666:user/alice")),
        Decision::ExplicitDeny
    );
    // Another account's root is not exempt either.
    assert_eq!(
        decide(&doc, who("arn:aws:iam::111122223333:root")),
        Decision::ExplicitDeny
    );
}

/// The page's second example: for an assumed-role user, list the account, the role and the
/// assumed-role session ARN; "Assumed-role users are identified by the role session name".
/// Listing only the role ARN does not exempt its sessions.
#[test]
fn deny_not_principal_role_arn_does_not_exempt_its_sessions() {
    let role = "arn:aws:iam::444455556666:role/cross-account-read-only-role";
    let doc = policy(&format!(
        r#"{{"AWS":["arn:aws:iam::444455556666:root","{role}"]}}"#
    ));
    assert_eq!(
        decide(&doc, session(role, "cross-account-audit-app")),
        Decision::ExplicitDeny
    );
    // The role itself, when it is the caller, is exempt.
    assert_eq!(decide(&doc, who(role)), Decision::Allow);

    let doc = policy(&format!(
        r#"{{"AWS":["arn:aws:iam::444455556666:root","{role}",
        "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app"]}}"#
    ));
    assert_eq!(
        decide(&doc, session(role, "cross-account-audit-app")),
        Decision::Allow
    );
    // Another session of the same role is not the one listed.
    assert_eq!(decide(&doc, session(role, "other")), Decision::ExplicitDeny);
}

/// The neighbour that stays: in `Principal` (not NotPrincipal) an account grants to the whole
/// account (IAM User Guide, "AWS JSON policy elements: Principal", AWS account principals,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
#[test]
fn principal_account_still_grants_to_the_whole_account() {
    let doc = PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"*"}}"#,
        6144,
    )
    .unwrap();
    assert_eq!(
        decide(&doc, who("arn:aws:iam::444455556666:user/alice")),
        Decision::Allow
    );
    assert_eq!(
        decide(&doc, session("arn:aws:iam::444455556666:role/ops", "s1")),
        Decision::Allow
    );
}

/// Item 11 (security): "You cannot use the NotPrincipal element in an IAM identity-based policy
/// nor in an IAM role trust policy." Accepting it let Allow + NotPrincipal {bob} hand the role
/// to every web-identity subject.
#[test]
fn attack_allow_not_principal_trust_policy_is_refused() {
    let attack = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},
        "Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}}"#;
    let e = PolicyDocument::parse_trust(attack).unwrap_err();
    assert_eq!(e.code(), "MalformedPolicyDocument");
    assert_eq!(e.status(), 400);
    assert!(e.to_string().contains("NotPrincipal"), "{e}");
    assert_eq!(e.location(), "Statement.NotPrincipal");
    // Deny + NotPrincipal is refused in a trust policy too.
    let deny = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}]}"#;
    assert!(PolicyDocument::parse_trust(deny)
        .unwrap_err()
        .to_string()
        .contains("NotPrincipal"));
    // The allowed neighbour: the same trust policy with `Principal` parses.
    PolicyDocument::parse_trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}}"#,
    )
    .unwrap();
    // What the attack was worth on the old code: a web-identity caller is not bob, so an Allow +
    // NotPrincipal statement applies to it. The generic parser (resource-based policies) still
    // reads the statement; only trust policies refuse it.
    let doc = PolicyDocument::parse(attack, 2048).unwrap();
    let ctx = RequestContext::new("sts:AssumeRoleWithWebIdentity").with_principal(
        RequestPrincipal::federated("arn:aws:iam::111122223333:oidc-provider/token.example.com"),
    );
    assert!(doc.evaluate(&ctx).is_allowed());
}

/// `NotPrincipal` takes every principal type the `Principal` element does (IAM User Guide,
/// "AWS JSON policy elements: NotPrincipal" and "Principal"): a Deny that exempts one web
/// identity provider's federated callers and one service denies the others. (Found by mutation
/// testing: the federated case was not covered.)
#[test]
fn deny_not_principal_federated_and_service_entries_exempt_exactly_those() {
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{
            "Federated":"arn:aws:iam::444455556666:oidc-provider/id.example.com",
            "Service":"ec2.amazonaws.com"},"Action":"s3:*","Resource":"*"}]}"#;
    let doc = PolicyDocument::parse(text, 6144).unwrap();
    let exempt =
        RequestPrincipal::federated("arn:aws:iam::444455556666:oidc-provider/id.example.com");
    let other =
        RequestPrincipal::federated("arn:aws:iam::444455556666:oidc-provider/other.example.com");
    assert_eq!(decide(&doc, exempt), Decision::Allow);
    assert_eq!(decide(&doc, other), Decision::ExplicitDeny);
    assert_eq!(
        decide(&doc, RequestPrincipal::service("ec2.amazonaws.com")),
        Decision::Allow
    );
    assert_eq!(
        decide(&doc, RequestPrincipal::service("lambda.amazonaws.com")),
        Decision::ExplicitDeny
    );
    // A wildcard entry exempts every principal of its kind, and only of its kind.
    let wild = PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"Federated":"*"},"Action":"s3:*","Resource":"*"}]}"#,
        6144,
    )
    .unwrap();
    let any_idp =
        RequestPrincipal::federated("arn:aws:iam::444455556666:oidc-provider/other.example.com");
    assert_eq!(decide(&wild, any_idp), Decision::Allow);
    assert_eq!(
        decide(&wild, RequestPrincipal::service("ec2.amazonaws.com")),
        Decision::ExplicitDeny
    );
}
