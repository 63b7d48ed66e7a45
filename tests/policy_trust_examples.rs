//! Trust policies written after the AWS documentation's own examples (cross-account with
//! `sts:ExternalId`, MFA, principal tags, web identity, SAML, service roles, tag keys, date
//! windows, IP ranges), evaluated the way the Issuer does, including "allowed only via account".
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{
    evaluate_trust, Decision, PolicyDocument, PrincipalGrant, RequestContext, RequestPrincipal,
};
use tempcred::principal::PrincipalArn;
use tempcred::{RoleSessionName, SessionTags, TagKey, TagValue, UnixTime};

const ROLE: &str = "arn:aws:iam::111122223333:role/target";

fn trust(text: &str) -> PolicyDocument {
    PolicyDocument::parse_trust(text).unwrap_or_else(|e| panic!("{e}"))
}

fn user(arn: &str) -> RequestPrincipal {
    RequestPrincipal::principal(&PrincipalArn::parse(arn).unwrap())
}

fn assume(caller: RequestPrincipal) -> RequestContext {
    RequestContext::new("sts:AssumeRole")
        .with_resource(ROLE)
        .with_principal(caller)
}

#[test]
fn cross_account_with_external_id() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole",
        "Condition":{"StringEquals":{"sts:ExternalId":"Unique-ID-1234"}}}}"#,
    );
    let mut ctx = assume(user("arn:aws:iam::444455556666:user/partner"));
    assert_eq!(evaluate_trust(&t, &ctx).decision, Decision::ImplicitDeny);
    ctx.insert("sts:ExternalId", "Unique-ID-9999");
    assert!(!evaluate_trust(&t, &ctx).is_allowed());
    ctx.insert("sts:ExternalId", "Unique-ID-1234");
    let e = evaluate_trust(&t, &ctx);
    assert!(e.is_allowed());
    // Granted through the account: the partner's own policies must also allow.
    assert!(e.allowed_only_via_account());
    assert_eq!(e.principal_grant(), Some(PrincipalGrant::Account));
    // Another account is not trusted.
    let mut other = assume(user("arn:aws:iam::777788889999:user/partner"));
    other.insert("sts:ExternalId", "Unique-ID-1234");
    assert!(!evaluate_trust(&t, &other).is_allowed());
    // A bare account ID means the same as the root ARN.
    let bare = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}}"#,
    );
    assert!(evaluate_trust(&bare, &assume(user("arn:aws:iam::444455556666:user/x"))).is_allowed());
    assert!(!evaluate_trust(&bare, &assume(user("arn:aws:iam::444455556667:user/x"))).is_allowed());
}

#[test]
fn named_principals_are_direct_grants_and_a_role_arn_trusts_its_sessions() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:role/ci/builder"]},
        "Action":"sts:AssumeRole"}}"#,
    );
    let e = evaluate_trust(&t, &assume(user("arn:aws:iam::111122223333:user/alice")));
    assert!(e.is_allowed());
    assert!(!e.allowed_only_via_account());
    assert!(!evaluate_trust(&t, &assume(user("arn:aws:iam::111122223333:user/bob"))).is_allowed());
    let role = PrincipalArn::parse("arn:aws:iam::111122223333:role/ci/builder").unwrap();
    let session =
        RequestPrincipal::role_session(&role, &RoleSessionName::new("run-7").unwrap()).unwrap();
    let e = evaluate_trust(&t, &assume(session));
    assert!(e.is_allowed());
    assert_eq!(e.principal_grant(), Some(PrincipalGrant::Named));
    let other = PrincipalArn::parse("arn:aws:iam::111122223333:role/ci/other").unwrap();
    let s2 =
        RequestPrincipal::role_session(&other, &RoleSessionName::new("run-7").unwrap()).unwrap();
    assert!(!evaluate_trust(&t, &assume(s2)).is_allowed());
    // A named grant and an account grant together: the caller is named, so it is direct.
    let both = trust(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}]}"#,
    );
    let e = evaluate_trust(&both, &assume(user("arn:aws:iam::111122223333:user/alice")));
    assert!(!e.allowed_only_via_account());
    assert_eq!(e.allowed_by.len(), 2);
    let e = evaluate_trust(&both, &assume(user("arn:aws:iam::111122223333:user/bob")));
    assert!(e.allowed_only_via_account());
}

#[test]
fn mfa_required_with_presence_and_age() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole",
        "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},
                     "NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}}"#,
    );
    let mut ctx = assume(user("arn:aws:iam::111122223333:user/alice"));
    assert!(!evaluate_trust(&t, &ctx).is_allowed(), "no MFA at all");
    ctx.insert_bool("aws:MultiFactorAuthPresent", true)
        .insert_number("aws:MultiFactorAuthAge", 120);
    assert!(evaluate_trust(&t, &ctx).is_allowed());
    ctx.insert_number("aws:MultiFactorAuthAge", 7200);
    assert!(!evaluate_trust(&t, &ctx).is_allowed(), "MFA too old");
    // The documented deny form: `BoolIfExists: false` denies when MFA is absent or false.
    let deny = trust(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},
        {"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole",
         "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
    );
    let mut c = assume(user("arn:aws:iam::111122223333:user/alice"));
    assert_eq!(evaluate_trust(&deny, &c).decision, Decision::ExplicitDeny);
    c.insert_bool("aws:MultiFactorAuthPresent", false);
    assert_eq!(evaluate_trust(&deny, &c).decision, Decision::ExplicitDeny);
    c.insert_bool("aws:MultiFactorAuthPresent", true);
    assert_eq!(evaluate_trust(&deny, &c).decision, Decision::Allow);
}

#[test]
fn principal_tags_must_match_and_request_tags_are_limited() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"AssumeIfSameProject","Effect":"Allow","Principal":{"AWS":"111122223333"},
         "Action":"sts:AssumeRole",
         "Condition":{"StringEquals":{"aws:PrincipalTag/Project":"Alpha"}}},
        {"Sid":"TagOnlyOwnProject","Effect":"Allow","Principal":{"AWS":"111122223333"},
         "Action":"sts:TagSession",
         "Condition":{"StringEquals":{"aws:RequestTag/Project":"${aws:PrincipalTag/Project}"},
                      "ForAllValues:StringEquals":{"aws:TagKeys":["Project","CostCenter"]}}}]}"#,
    );
    let mut tags = SessionTags::new();
    tags.insert(
        TagKey::new("Project").unwrap(),
        TagValue::new("Alpha").unwrap(),
        false,
    )
    .unwrap();
    let mut ctx = assume(user("arn:aws:iam::111122223333:user/alice"));
    ctx.insert_principal_tags(&tags);
    assert!(evaluate_trust(&t, &ctx).is_allowed());
    let mut beta = SessionTags::new();
    beta.insert(
        TagKey::new("project").unwrap(),
        TagValue::new("Beta").unwrap(),
        false,
    )
    .unwrap();
    let mut other = assume(user("arn:aws:iam::111122223333:user/bob"));
    other.insert_principal_tags(&beta);
    assert!(!evaluate_trust(&t, &other).is_allowed());

    // sts:TagSession: the request tags must be the caller's own project, keys from the list.
    ctx.set_action("sts:TagSession");
    ctx.insert_request_tags(&tags);
    let e = evaluate_trust(&t, &ctx);
    assert!(e.is_allowed());
    assert_eq!(e.allowed_by[0].sid, Some("TagOnlyOwnProject"));
    let mut extra = tags.clone();
    extra
        .insert(
            TagKey::new("Owner").unwrap(),
            TagValue::new("alice").unwrap(),
            false,
        )
        .unwrap();
    ctx.insert_request_tags(&extra);
    assert!(
        !evaluate_trust(&t, &ctx).is_allowed(),
        "Owner is not an allowed key"
    );
    let mut wrong = SessionTags::new();
    wrong
        .insert(
            TagKey::new("Project").unwrap(),
            TagValue::new("Beta").unwrap(),
            false,
        )
        .unwrap();
    ctx.insert_request_tags(&wrong);
    assert!(
        !evaluate_trust(&t, &ctx).is_allowed(),
        "not the caller's project"
    );
}

#[test]
fn web_identity_github_actions() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
                     "StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:*"}}}}"#,
    );
    let provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
    let mut ctx = RequestContext::new("sts:AssumeRoleWithWebIdentity")
        .with_resource(ROLE)
        .with_principal(RequestPrincipal::federated(provider));
    ctx.insert(
        "token.actions.githubusercontent.com:aud",
        "sts.amazonaws.com",
    )
    .insert(
        "token.actions.githubusercontent.com:sub",
        "repo:octo-org/octo-repo:ref:refs/heads/main",
    );
    let e = evaluate_trust(&t, &ctx);
    assert!(e.is_allowed());
    assert!(!e.allowed_only_via_account());
    ctx.insert(
        "token.actions.githubusercontent.com:sub",
        "repo:evil-org/octo-repo:ref:refs/heads/main",
    );
    assert!(!evaluate_trust(&t, &ctx).is_allowed());
    // Another provider is not trusted, even with the right claims.
    let mut other = RequestContext::new("sts:AssumeRoleWithWebIdentity").with_principal(
        RequestPrincipal::federated("arn:aws:iam::111122223333:oidc-provider/evil.example"),
    );
    other
        .insert(
            "token.actions.githubusercontent.com:aud",
            "sts.amazonaws.com",
        )
        .insert(
            "token.actions.githubusercontent.com:sub",
            "repo:octo-org/octo-repo:x",
        );
    assert!(!evaluate_trust(&t, &other).is_allowed());
    // The wrong action is not allowed either.
    ctx.set_action("sts:AssumeRole");
    assert!(!evaluate_trust(&t, &ctx).is_allowed());
}

#[test]
fn web_identity_cognito_with_amr() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"Federated":"cognito-identity.amazonaws.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-abcd-abcd-abcd-123456789012"},
                     "ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}"#,
    );
    let mut ctx = RequestContext::new("sts:AssumeRoleWithWebIdentity").with_principal(
        RequestPrincipal::federated("cognito-identity.amazonaws.com"),
    );
    ctx.insert(
        "cognito-identity.amazonaws.com:aud",
        "us-east-1:12345678-abcd-abcd-abcd-123456789012",
    )
    .insert_all(
        "cognito-identity.amazonaws.com:amr",
        ["authenticated", "graph.facebook.com"],
    );
    assert!(evaluate_trust(&t, &ctx).is_allowed());
    ctx.insert_all("cognito-identity.amazonaws.com:amr", ["unauthenticated"]);
    assert!(!evaluate_trust(&t, &ctx).is_allowed());
}

#[test]
fn saml_federation() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider"},
        "Action":"sts:AssumeRoleWithSAML",
        "Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}"#,
    );
    let mut ctx =
        RequestContext::new("sts:AssumeRoleWithSAML").with_principal(RequestPrincipal::federated(
            "arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider",
        ));
    ctx.insert("saml:aud", "https://signin.aws.amazon.com/saml");
    assert!(evaluate_trust(&t, &ctx).is_allowed());
    ctx.insert("saml:aud", "https://example.com/saml");
    assert!(!evaluate_trust(&t, &ctx).is_allowed());
}

#[test]
fn service_role_for_ec2() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}}"#,
    );
    let e = evaluate_trust(&t, &assume(RequestPrincipal::service("ec2.amazonaws.com")));
    assert!(e.is_allowed());
    assert!(!e.allowed_only_via_account());
    assert!(!evaluate_trust(
        &t,
        &assume(RequestPrincipal::service("ecs-tasks.amazonaws.com"))
    )
    .is_allowed());
    // A user of the same account is not the service.
    assert!(
        !evaluate_trust(&t, &assume(user("arn:aws:iam::111122223333:user/alice"))).is_allowed()
    );
}

#[test]
fn date_window_and_ip_range() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:user/contractor"},"Action":"sts:AssumeRole",
        "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},
                     "DateLessThan":{"aws:CurrentTime":"2026-06-30T23:59:59Z"},
                     "IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}}}"#,
    );
    let base = || assume(user("arn:aws:iam::111122223333:user/contractor"));
    let mut ctx = base();
    ctx.insert_now(UnixTime::from_secs(1_775_000_000)) // 2026-03-31
        .insert("aws:SourceIp", "203.0.113.9");
    assert!(evaluate_trust(&t, &ctx).is_allowed());
    ctx.insert("aws:SourceIp", "2001:db8:1234:5678::1");
    assert!(evaluate_trust(&t, &ctx).is_allowed());
    ctx.insert("aws:SourceIp", "198.51.100.9");
    assert!(!evaluate_trust(&t, &ctx).is_allowed(), "outside the range");
    let mut late = base();
    late.insert_now(UnixTime::from_secs(1_790_000_000)) // 2026-09-21
        .insert("aws:SourceIp", "203.0.113.9");
    assert!(!evaluate_trust(&t, &late).is_allowed(), "after the window");
    let mut no_ip = base();
    no_ip.insert_now(UnixTime::from_secs(1_775_000_000));
    assert!(!evaluate_trust(&t, &no_ip).is_allowed(), "no source IP");
}

#[test]
fn wildcard_principal_with_org_condition_counts_as_account_level() {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},
        "Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}}"#,
    );
    let mut ctx = assume(user("arn:aws:iam::999988887777:user/x"));
    assert!(!evaluate_trust(&t, &ctx).is_allowed());
    ctx.insert("aws:PrincipalOrgID", "o-abc123");
    let e = evaluate_trust(&t, &ctx);
    assert!(e.is_allowed());
    assert_eq!(e.principal_grant(), Some(PrincipalGrant::Wildcard));
    assert!(e.allowed_only_via_account());
    // {"AWS": "*"} does not match a service principal.
    let mut svc = assume(RequestPrincipal::service("ec2.amazonaws.com"));
    svc.insert("aws:PrincipalOrgID", "o-abc123");
    assert!(!evaluate_trust(&t, &svc).is_allowed());
    // No caller at all: nothing named matches.
    let anon = RequestContext::new("sts:AssumeRole");
    assert!(!evaluate_trust(&t, &anon).is_allowed());
}

#[test]
fn not_principal_is_refused_in_trust_policies() {
    // IAM User Guide, `NotPrincipal`: "You cannot use the NotPrincipal element in an IAM
    // identity-based policy nor in an IAM role trust policy." (SPEC §10.) The same Deny +
    // NotPrincipal statement is accepted in a resource-based policy: see
    // tests/policy_aws_notprincipal.rs.
    let text = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},
        {"Sid":"OnlyAdmins","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"sts:AssumeRole"}]}"#;
    let e = PolicyDocument::parse_trust(text).unwrap_err();
    assert_eq!(e.code(), "MalformedPolicyDocument");
    assert!(e.to_string().contains("NotPrincipal"), "{e}");
    let d = PolicyDocument::parse(text, 2048).unwrap();
    let e = d.evaluate(&assume(user("arn:aws:iam::111122223333:user/admin")));
    assert_eq!(e.decision, Decision::Allow);
    let e = d.evaluate(&assume(user("arn:aws:iam::111122223333:user/dev")));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.denied_by[0].sid, Some("OnlyAdmins"));
}
