//! The grammar and evaluation rules of SPEC §3 through the public API: malformed documents,
//! deny wins, default deny, `Not*` elements, case rules, wildcards, variables in resources,
//! explanations and the identity ∩ session combination.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::limits::{
    IDENTITY_POLICY_MAX_CHARS, MAX_SESSION_POLICY_CHARS as SESSION_POLICY_MAX_CHARS,
    TRUST_POLICY_MAX_CHARS,
};
use tempcred::policy::{
    evaluate, evaluate_with_session, Decision, MalformedReason, PolicyDocument, PolicyKind,
    RequestContext,
};

fn doc(statements: &str) -> PolicyDocument {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    PolicyDocument::parse(&text, 6144).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn refused(text: &str) -> tempcred::policy::MalformedPolicyDocument {
    match PolicyDocument::parse(text, 2048) {
        Ok(d) => panic!("accepted {text}: {d:?}"),
        Err(e) => e,
    }
}

fn ctx(action: &str, resource: &str) -> RequestContext {
    RequestContext::new(action).with_resource(resource)
}

#[test]
fn the_whole_grammar_is_accepted() {
    let d = PolicyDocument::parse(
        r#"{
        "Version": "2012-10-17",
        "Id": "everything",
        "Statement": [
          {"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
          {"Effect": "Deny", "NotPrincipal": {"AWS": ["123456789012", "arn:aws:iam::123456789012:role/x"],
             "Service": "ec2.amazonaws.com", "Federated": "accounts.google.com",
             "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
           "NotAction": ["s3:Get*", "s3:List*"], "NotResource": "arn:aws:s3:::b/*",
           "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"k:n": [1, 2.5]}}}
        ]}"#,
        4096,
    )
    .unwrap();
    assert_eq!(d.id(), Some("everything"));
    assert_eq!(d.statements().len(), 2);
    assert_eq!(d.statements()[0].sid(), Some("A"));
    // Statement as a single object; no Version means 2008-10-17.
    let one = PolicyDocument::parse(
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        100,
    )
    .unwrap();
    assert_eq!(one.version(), tempcred::policy::Version::V2008_10_17);
}

#[test]
fn malformed_documents_are_refused_with_a_location() {
    let cases: &[(&str, &str)] = &[
        ("{", "line"),
        ("[]", "document"),
        (r#"{"Version":"2012-10-17"}"#, "document"),
        (r#"{"Version":"2012-10-17","Statement":[]}"#, "Statement"),
        (
            r#"{"Version":"2012-10-17","Statement":[{}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*"}}"#,
            "Version",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Action":"*"}}"#,
            "Statement",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"*"}]}"#,
            "Statement[0].Effect",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Extra":1}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}],"Other":1}"#,
            "document",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:x"}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Principal":"*","NotPrincipal":"*"}]}"#,
            "Statement[0]",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringSortOf":{"a:b":"c"}}}]}"#,
            "Statement[0].Condition",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"NullIfExists":{"a:b":"true"}}}]}"#,
            "Statement[0].Condition",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Principal":{"AWS":"arn:aws:iam::12345:root"}}]}"#,
            "Statement[0].Principal.AWS",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Principal":{"AWS":"alice"}}]}"#,
            "Statement[0].Principal.AWS",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Principal":{"Users":"x"}}]}"#,
            "Statement[0].Principal",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Principal":"someone"}]}"#,
            "Statement[0].Principal",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[]}]}"#,
            "Statement[0].Action",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"AssumeRole"}]}"#,
            "Statement[0].Action",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket"}]}"#,
            "Statement[0].Resource",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"a:b":"ten"}}}]}"#,
            "Statement[0].Condition.NumericEquals.a:b",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/40"}}}]}"#,
            "Statement[0].Condition.IpAddress.aws:SourceIp",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}]}"#,
            "Statement[0].Condition.DateLessThan.aws:CurrentTime",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"a:b":null}}}]}"#,
            "Statement[0].Condition.StringEquals.a:b",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"a:b":"${unterminated"}}}]}"#,
            "Statement[0].Condition.StringEquals.a:b",
        ),
    ];
    for (text, location) in cases {
        let e = refused(text);
        assert_eq!(e.code(), "MalformedPolicyDocument");
        assert_eq!(e.status(), 400);
        assert!(
            e.location().starts_with(location),
            "{text}: location {:?} should start with {location:?} ({e})",
            e.location()
        );
    }
}

#[test]
fn duplicate_keys_are_refused_at_every_level() {
    for text in [
        r#"{"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*"}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"*"}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Principal":{"AWS":"123456789012","AWS":"*"}}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a:b":"true"},"Bool":{"a:c":"true"}}}}"#,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a:b":"true","a:b":"false"}}}}"#,
        // Condition keys are case-insensitive, so these are the same key.
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a:b":"true","A:B":"false"}}}}"#,
    ] {
        let e = refused(text);
        assert!(
            matches!(e.reason(), MalformedReason::DuplicateKey(_)),
            "{text}: {e}"
        );
    }
    // A big object switches to set-based detection; duplicates are still found.
    let keys: Vec<String> = (0..40).map(|i| format!(r#""k:{i}":"v""#)).collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Condition":{{"StringEquals":{{{},"k:39":"w"}}}}}}}}"#,
        keys.join(",")
    );
    assert!(matches!(
        refused(&text).reason(),
        MalformedReason::DuplicateKey(_)
    ));
}

#[test]
fn duplicate_sids_and_deep_nesting_are_refused() {
    let e = refused(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*"},{"Sid":"A","Effect":"Deny","Action":"*"}]}"#,
    );
    assert_eq!(e.location(), "Statement[1].Sid");
    // Nesting is bounded by the JSON reader's recursion limit: an error, not a stack overflow.
    let deep = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Sid":{}1{}}}}}"#,
        "[".repeat(1000),
        "]".repeat(1000)
    );
    assert!(PolicyDocument::parse(&deep, 10_000).is_err());
    // Long quoted values are shortened in messages.
    let long = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","{}":1}}}}"#,
        "x".repeat(500)
    );
    assert!(
        PolicyDocument::parse(&long, 10_000)
            .unwrap_err()
            .to_string()
            .len()
            < 200
    );
}

#[test]
fn size_limits_count_characters_not_whitespace() {
    let body =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    let n = body.chars().count();
    assert!(PolicyDocument::parse(body, n).is_ok());
    let e = PolicyDocument::parse(body, n - 1).unwrap_err();
    assert_eq!(e.reason(), &MalformedReason::TooLarge { limit: n - 1 });
    let padded = body.replace(',', " ,\n  ");
    assert!(PolicyDocument::parse(&padded, n).is_ok());
    assert_eq!(TRUST_POLICY_MAX_CHARS, 2048);
    assert_eq!(SESSION_POLICY_MAX_CHARS, 2048);
    assert_eq!(IDENTITY_POLICY_MAX_CHARS, 6144);
    let huge = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::{}"}}}}"#,
        "a".repeat(3000)
    );
    assert!(PolicyDocument::parse_session(&huge).is_err());
    assert!(PolicyDocument::parse_identity(&huge).is_ok());
}

#[test]
fn kinds_enforce_their_element_rules() {
    let with_principal = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#;
    assert!(PolicyDocument::parse_trust(with_principal).is_ok());
    assert!(PolicyDocument::parse_identity(with_principal).is_err());
    let with_resource =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    assert!(PolicyDocument::parse_trust(with_resource).is_err());
    assert!(PolicyDocument::parse_as(with_resource, PolicyKind::Session).is_ok());
    let bare = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}"#;
    assert!(PolicyDocument::parse_identity(bare).is_err());
    assert!(PolicyDocument::parse_trust(bare).is_err());
}

#[test]
fn default_deny_and_deny_wins() {
    let allow = r#"{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let deny =
        r#"{"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::secret/*"}"#;
    let d = doc(&format!("{allow},{deny}"));
    let ok = d.evaluate(&ctx("s3:GetObject", "arn:aws:s3:::public/k"));
    assert_eq!(ok.decision, Decision::Allow);
    assert_eq!(ok.to_string(), r#"allowed by policy 0 statement "Read""#);
    let no = d.evaluate(&ctx("s3:GetObject", "arn:aws:s3:::secret/k"));
    assert_eq!(no.decision, Decision::ExplicitDeny);
    assert_eq!(no.denied_by[0].sid, Some("NoSecrets"));
    assert_eq!(no.allowed_by.len(), 1);
    let none = d.evaluate(&ctx("s3:PutObject", "arn:aws:s3:::public/k"));
    assert_eq!(none.decision, Decision::ImplicitDeny);
    // Deny in a second policy wins over an allow in the first; explanation gives indexes.
    let d2 = doc(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#);
    let e = evaluate(&[&d, &d2], &ctx("s3:GetObject", "arn:aws:s3:::public/k"));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!((e.denied_by[0].policy, e.denied_by[0].statement), (1, 0));
    assert_eq!(e.to_string(), "explicitly denied by policy 1 statement #0");
}

#[test]
fn not_action_and_not_resource() {
    let d = doc(r#"{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::private/*"}"#);
    assert!(d
        .evaluate(&ctx("s3:GetObject", "arn:aws:s3:::pub/k"))
        .is_allowed());
    assert!(!d
        .evaluate(&ctx("IAM:CreateUser", "arn:aws:s3:::pub/k"))
        .is_allowed());
    assert!(!d
        .evaluate(&ctx("s3:GetObject", "arn:aws:s3:::private/k"))
        .is_allowed());
}

#[test]
fn actions_are_case_insensitive_resources_are_not() {
    let d = doc(r#"{"Effect":"Allow","Action":"S3:getobject","Resource":"arn:aws:s3:::Bucket/*"}"#);
    assert!(d
        .evaluate(&ctx("s3:GetObject", "arn:aws:s3:::Bucket/k"))
        .is_allowed());
    assert!(!d
        .evaluate(&ctx("s3:GetObject", "arn:aws:s3:::bucket/k"))
        .is_allowed());
}

#[test]
fn wildcards_in_actions_and_resources() {
    let d = doc(
        r#"{"Effect":"Allow","Action":["s3:Get*","ec2:Describe?nstances"],"Resource":"arn:aws:ec2:*:123456789012:*"}"#,
    );
    let r = "arn:aws:ec2:us-east-1:123456789012:instance/i-1";
    assert!(d.evaluate(&ctx("s3:GetObjectAcl", r)).is_allowed());
    assert!(d.evaluate(&ctx("ec2:DescribeInstances", r)).is_allowed());
    assert!(!d.evaluate(&ctx("ec2:DescribeImages", r)).is_allowed());
    assert!(!d.evaluate(&ctx("s3:PutObject", r)).is_allowed());
    // The region wildcard does not cross into the account part.
    assert!(!d
        .evaluate(&ctx(
            "s3:GetObject",
            "arn:aws:ec2:us-east-1:999999999999:instance/123456789012"
        ))
        .is_allowed());
    let any = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    assert!(any
        .evaluate(&ctx("anything:AtAll", "whatever"))
        .is_allowed());
}

#[test]
fn variables_in_resources() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::home/${aws:username}/*","arn:aws:s3:::team/${aws:PrincipalTag/team}/*"]}"#,
    );
    let mut c = ctx("s3:GetObject", "arn:aws:s3:::home/alice/notes");
    assert!(!d.evaluate(&c).is_allowed(), "no username: matches nothing");
    c.insert("aws:username", "alice");
    assert!(d.evaluate(&c).is_allowed());
    c.insert("aws:username", "bob");
    assert!(!d.evaluate(&c).is_allowed());
    let mut t = ctx("s3:GetObject", "arn:aws:s3:::team/blue/x");
    t.insert("aws:PrincipalTag/Team", "blue");
    assert!(d.evaluate(&t).is_allowed());
    t.insert("aws:PrincipalTag/Team", "red");
    assert!(!d.evaluate(&t).is_allowed());
}

#[test]
fn identity_and_session_policies_intersect() {
    let role = doc(r#"{"Effect":"Allow","Action":["s3:*","sqs:*"],"Resource":"*"}"#);
    let session = doc(r#"{"Effect":"Allow","Action":["s3:*","dynamodb:*"],"Resource":"*"}"#);
    let deny_session = doc(
        r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}"#,
    );
    let r = "arn:aws:s3:::b/k";
    // In both: allowed.
    assert!(evaluate_with_session(&[&role], &[&session], &ctx("s3:GetObject", r)).is_allowed());
    // Only in identity, or only in session: refused.
    assert_eq!(
        evaluate_with_session(&[&role], &[&session], &ctx("sqs:SendMessage", r)).decision,
        Decision::ImplicitDeny
    );
    assert_eq!(
        evaluate_with_session(&[&role], &[&session], &ctx("dynamodb:GetItem", r)).decision,
        Decision::ImplicitDeny
    );
    // No session policy: identity alone.
    assert!(evaluate_with_session(&[&role], &[], &ctx("sqs:SendMessage", r)).is_allowed());
    // Explicit deny in a session policy refuses.
    let c = evaluate_with_session(&[&role], &[&deny_session], &ctx("s3:DeleteObject", r));
    assert_eq!(c.decision, Decision::ExplicitDeny);
    assert!(c
        .to_string()
        .contains("session policies: explicitly denied"));
    // No identity policy at all: refused whatever the session policy says.
    assert!(!evaluate_with_session(&[], &[&session], &ctx("s3:GetObject", r)).is_allowed());
}

#[test]
fn serialization_gives_an_equivalent_document() {
    let text = r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"AWS":["123456789012"],"Service":"ec2.amazonaws.com"},"NotAction":"iam:*","Resource":["arn:aws:s3:::b/${aws:username}"],"Condition":{"NumericLessThan":{"k:n":[1,2.5]},"Bool":{"aws:SecureTransport":true},"ForAnyValue:StringLike":{"aws:TagKeys":"a*"}}}]}"#;
    let d = PolicyDocument::parse(text, 4096).unwrap();
    assert_eq!(d.original_text(), text);
    let json = d.to_json();
    let original: serde_json::Value = serde_json::from_str(text).unwrap();
    let printed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(original, printed);
    assert_eq!(PolicyDocument::parse(&json, 4096).unwrap().to_json(), json);
}

#[test]
fn service_and_federated_wildcards_match_any_service_or_provider_but_only_as_wildcards() {
    use tempcred::policy::{evaluate_trust, PrincipalGrant, RequestPrincipal};
    let trust = |kind: &str| {
        PolicyDocument::parse_trust(&format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"{kind}":"*"}},"Action":"sts:AssumeRole"}}}}"#
        ))
        .unwrap()
    };
    let ctx = |p: RequestPrincipal| RequestContext::new("sts:AssumeRole").with_principal(p);
    let services = trust("Service");
    let federated = trust("Federated");

    let ec2 = evaluate_trust(
        &services,
        &ctx(RequestPrincipal::service("ec2.amazonaws.com")),
    );
    assert!(ec2.is_allowed());
    assert_eq!(ec2.principal_grant(), Some(PrincipalGrant::Wildcard));
    let idp = ctx(RequestPrincipal::federated(
        "arn:aws:iam::111111111111:oidc-provider/id.example.com",
    ));
    assert!(
        !evaluate_trust(&services, &idp).is_allowed(),
        "Service:* names no provider"
    );

    let fed = evaluate_trust(&federated, &idp);
    assert!(fed.is_allowed());
    assert_eq!(fed.principal_grant(), Some(PrincipalGrant::Wildcard));
    assert!(!evaluate_trust(
        &federated,
        &ctx(RequestPrincipal::service("ec2.amazonaws.com"))
    )
    .is_allowed());
}

#[test]
fn the_explanation_lists_every_deciding_statement_in_order() {
    let doc = PolicyDocument::parse_identity(
        r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"First","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    )
    .unwrap();
    let eval = doc.evaluate(&RequestContext::new("s3:GetObject").with_resource("arn:aws:s3:::b/k"));
    assert_eq!(
        eval.to_string(),
        r#"allowed by policy 0 statement "First", policy 0 statement #1"#
    );
}
