//! Policy variables with the whole documented grammar (issue 13, items 4 and 5): defaults in
//! `Resource` and condition values, and variables inside ARN-operator values resolved before the
//! ARN is split into parts.
//!
//! Source unless a case says otherwise: IAM User Guide, "IAM policy elements: Variables and
//! tags", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
//! (sections "Specifying default values" and "Where you can use policy variables").
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{PolicyDocument, RequestContext};

fn doc(statement: &str) -> PolicyDocument {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":{statement}}}"#);
    PolicyDocument::parse(&text, 6144).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn ctx(action: &str, resource: &str, keys: &[(&str, &str)]) -> RequestContext {
    let mut c = RequestContext::new(action).with_resource(resource);
    for (k, v) in keys {
        c.insert(k, v);
    }
    c
}

/// The page's example: `"Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team,
/// 'company-wide'}/*"]`; without the `aws:PrincipalTag/team` key the `company-wide` folder is
/// the resource.
#[test]
fn a_default_value_in_resource_is_used_when_the_key_is_absent() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":["arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'company-wide'}/*"]}"#,
    );
    let put = |key: &str, tags: &[(&str, &str)]| {
        d.evaluate(&ctx(
            "s3:PutObject",
            &format!("arn:aws:s3:::amzn-s3-demo-bucket/{key}"),
            tags,
        ))
        .is_allowed()
    };
    assert!(put("company-wide/report", &[]));
    assert!(!put("payments/report", &[]));
    assert!(put(
        "payments/report",
        &[("aws:PrincipalTag/team", "payments")]
    ));
    assert!(!put(
        "company-wide/report",
        &[("aws:PrincipalTag/team", "payments")]
    ));
}

/// The page: spaces around the key and around the quoted default are ignored, and the default is
/// case-sensitive; the default may hold spaces. `${ aws:username , 'Default User' }`.
#[test]
fn whitespace_around_key_and_default_is_ignored_and_defaults_keep_spaces_and_case() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${ aws:username , 'Default User' }/*"}"#,
    );
    assert!(d
        .evaluate(&ctx("s3:GetObject", "arn:aws:s3:::b/Default User/x", &[]))
        .is_allowed());
    assert!(!d
        .evaluate(&ctx("s3:GetObject", "arn:aws:s3:::b/default user/x", &[]))
        .is_allowed());
    assert!(d
        .evaluate(&ctx(
            "s3:GetObject",
            "arn:aws:s3:::b/alice/x",
            &[("aws:username", "alice")]
        ))
        .is_allowed());
    // A quoted default may hold `}` and `:`; neither ends the variable nor splits the ARN.
    let odd = doc(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, 'x:y}z'}/*"}"#,
    );
    assert!(odd
        .evaluate(&ctx("s3:GetObject", "arn:aws:s3:::b/x:y}z/k", &[]))
        .is_allowed());
    let arn_default = doc(
        r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount, '111122223333'}:role/admin"}}}"#,
    );
    let admin_of = |acct: &str| format!("arn:aws:iam::{acct}:role/admin");
    assert!(arn_default
        .evaluate(&ctx(
            "sts:AssumeRole",
            "*",
            &[("aws:PrincipalArn", &admin_of("111122223333"))]
        ))
        .is_allowed());
    assert!(!arn_default
        .evaluate(&ctx(
            "sts:AssumeRole",
            "*",
            &[("aws:PrincipalArn", &admin_of("444455556666"))]
        ))
        .is_allowed());
    // Whitespace outside a variable is still refused in a resource (stricter reading).
    assert!(PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a b"}}"#,
        6144
    )
    .is_err());
    // An unquoted default is refused.
    assert!(PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, x}"}}"#,
        6144
    )
    .is_err());
}

/// Defaults in condition values: "StringEquals": {"s3:prefix": "${aws:username, 'guest'}/"}.
#[test]
fn a_default_value_in_a_condition_is_used_when_the_key_is_absent() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/${aws:username, 'guest'}/*"}}}"#,
    );
    let list = |keys: &[(&str, &str)]| {
        d.evaluate(&ctx("s3:ListBucket", "arn:aws:s3:::b", keys))
            .is_allowed()
    };
    assert!(list(&[("s3:prefix", "home/guest/a")]));
    assert!(!list(&[("s3:prefix", "home/alice/a")]));
    assert!(list(&[
        ("s3:prefix", "home/alice/a"),
        ("aws:username", "alice")
    ]));
    assert!(!list(&[
        ("s3:prefix", "home/guest/a"),
        ("aws:username", "alice")
    ]));
}

/// Variables in ARN-operator values (IAM User Guide, "IAM JSON policy elements: Condition
/// operators", ARN condition operators,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>,
/// and the variables page: variables may be used in condition values): a variable with colons
/// in its key sits inside an ARN part; it is resolved first, then the ARN is split.
#[test]
fn variables_inside_arn_operator_values_resolve_before_splitting() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/admin"}}}"#,
    );
    let call = |arn: &str, account: &str| {
        d.evaluate(&ctx(
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/x",
            &[("aws:PrincipalArn", arn), ("aws:PrincipalAccount", account)],
        ))
        .is_allowed()
    };
    assert!(call("arn:aws:iam::111122223333:role/admin", "111122223333"));
    assert!(!call(
        "arn:aws:iam::444455556666:role/admin",
        "111122223333"
    ));
    assert!(!call(
        "arn:aws:iam::111122223333:role/other",
        "111122223333"
    ));
    // Absent variable: the value matches nothing.
    let absent = d.evaluate(&ctx(
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/x",
        &[("aws:PrincipalArn", "arn:aws:iam::111122223333:role/admin")],
    ));
    assert!(!absent.is_allowed());
}

/// A whole-ARN variable: `{"ArnEquals": {"aws:SourceArn": "${aws:PrincipalArn}"}}` matches the
/// same ARN, and its value's `*` is a character, not a wildcard.
#[test]
fn a_whole_arn_variable_matches_the_same_arn() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"sts:TagSession","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"${aws:PrincipalArn}"}}}"#,
    );
    let call = |source: &str, principal: &str| {
        d.evaluate(&ctx(
            "sts:TagSession",
            "arn:aws:iam::111122223333:role/x",
            &[("aws:SourceArn", source), ("aws:PrincipalArn", principal)],
        ))
        .is_allowed()
    };
    let admin = "arn:aws:iam::111122223333:role/admin";
    assert!(call(admin, admin));
    assert!(!call("arn:aws:iam::111122223333:role/other", admin));
    assert!(!call(admin, "arn:aws:iam::111122223333:role/*"));
    // ArnLike on the same value: the wildcard in the request's own value is literal.
    let like = doc(
        r#"{"Effect":"Allow","Action":"sts:TagSession","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"${aws:PrincipalArn}"}}}"#,
    );
    assert!(!like
        .evaluate(&ctx(
            "sts:TagSession",
            "arn:aws:iam::111122223333:role/x",
            &[
                ("aws:SourceArn", admin),
                ("aws:PrincipalArn", "arn:aws:iam::111122223333:role/*")
            ],
        ))
        .is_allowed());
}

/// A variable in the account part of a `Resource` ARN, e.g. the IAM User Guide's
/// `arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}` pattern.
#[test]
fn variables_in_resource_account_part() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}"}"#,
    );
    let keys = [
        ("aws:PrincipalAccount", "111122223333"),
        ("aws:username", "alice"),
    ];
    assert!(d
        .evaluate(&ctx(
            "iam:GetUser",
            "arn:aws:iam::111122223333:user/alice",
            &keys
        ))
        .is_allowed());
    assert!(!d
        .evaluate(&ctx(
            "iam:GetUser",
            "arn:aws:iam::444455556666:user/alice",
            &keys
        ))
        .is_allowed());
    // A variable may not stand for the service: "Resource vendor must be fully qualified".
    assert!(PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:${aws:service}:::b"}}"#,
        6144
    )
    .is_err());
}

/// An ARN-operator value of fewer than six parts matches nothing, variables or not; only the
/// `Resource` element fills missing parts with `*` (IAM normalises `a:b:c` there, its errors show
/// `arn:b:c:*:*:*`). An attacker's short value must not become a wildcard for the rest of the
/// ARN. (Found by mutation testing: the short-with-variable case was not covered.)
#[test]
fn a_short_arn_value_with_a_variable_matches_nothing_in_conditions() {
    let d = doc(
        r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}"}}}"#,
    );
    let keys = [
        ("aws:PrincipalAccount", "111122223333"),
        ("aws:PrincipalArn", "arn:aws:iam::111122223333:root"),
    ];
    assert!(!d.evaluate(&ctx("sts:AssumeRole", "*", &keys)).is_allowed());
    // The six-part form of the same condition matches.
    let six = doc(
        r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:*"}}}"#,
    );
    assert!(six
        .evaluate(&ctx("sts:AssumeRole", "*", &keys))
        .is_allowed());
}
