//! Every condition operator of SPEC §3, each with an allowed and a refused case, and the
//! `IfExists` / `ForAnyValue:` / `ForAllValues:` / missing-key rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{Decision, PolicyDocument, RequestContext};

/// One Allow statement on `*` with `condition` (a JSON object body).
fn allowed(condition: &str, keys: &[(&str, &[&str])]) -> bool {
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{condition}}}}}"#
    );
    let doc = PolicyDocument::parse(&doc, 6144).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let mut ctx = RequestContext::new("s3:GetObject").with_resource("arn:aws:s3:::b/k");
    for (k, vs) in keys {
        ctx.insert_all(k, vs.iter());
    }
    match doc.evaluate(&ctx).decision {
        Decision::Allow => true,
        Decision::ImplicitDeny => false,
        Decision::ExplicitDeny => panic!("no deny statement here"),
    }
}

/// Asserts `condition` allows with `yes` and refuses with `no`.
fn case(condition: &str, yes: &[(&str, &[&str])], no: &[(&str, &[&str])]) {
    assert!(
        allowed(condition, yes),
        "should allow: {condition} with {yes:?}"
    );
    assert!(
        !allowed(condition, no),
        "should refuse: {condition} with {no:?}"
    );
}

#[test]
fn string_operators() {
    case(
        r#"{"StringEquals":{"aws:username":"alice"}}"#,
        &[("aws:username", &["alice"])],
        &[("aws:username", &["Alice"])],
    );
    case(
        r#"{"StringNotEquals":{"aws:username":["bob","carol"]}}"#,
        &[("aws:username", &["alice"])],
        &[("aws:username", &["carol"])],
    );
    case(
        r#"{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
        &[("aws:username", &["alice"])],
        &[("aws:username", &["alicia"])],
    );
    case(
        r#"{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
        &[("aws:username", &["bob"])],
        &[("aws:username", &["Alice"])],
    );
    case(
        r#"{"StringLike":{"aws:username":"a*-?"}}"#,
        &[("aws:username", &["alice-1"])],
        &[("aws:username", &["alice-12"])],
    );
    case(
        r#"{"StringNotLike":{"aws:username":"adm*"}}"#,
        &[("aws:username", &["alice"])],
        &[("aws:username", &["admin"])],
    );
    // StringEquals treats '*' literally.
    case(
        r#"{"StringEquals":{"aws:username":"a*"}}"#,
        &[("aws:username", &["a*"])],
        &[("aws:username", &["ab"])],
    );
    // …every star of it: two are not folded into one as a wildcard's would be.
    case(
        r#"{"StringEquals":{"aws:username":"a**"}}"#,
        &[("aws:username", &["a**"])],
        &[("aws:username", &["a*"])],
    );
}

#[test]
fn numeric_operators() {
    let n = |v: &'static str| -> Vec<(&'static str, &'static [&'static str])> {
        vec![(
            "aws:MultiFactorAuthAge",
            Box::leak(Box::new([v])) as &'static [&'static str],
        )]
    };
    case(
        r#"{"NumericEquals":{"aws:MultiFactorAuthAge":"10"}}"#,
        &n("10"),
        &n("11"),
    );
    case(
        r#"{"NumericEquals":{"aws:MultiFactorAuthAge":10}}"#,
        &n("10.0"),
        &n("9"),
    );
    case(
        r#"{"NumericNotEquals":{"aws:MultiFactorAuthAge":10}}"#,
        &n("11"),
        &n("10"),
    );
    case(
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}"#,
        &n("3599"),
        &n("3600"),
    );
    case(
        r#"{"NumericLessThanEquals":{"aws:MultiFactorAuthAge":3600}}"#,
        &n("3600"),
        &n("3601"),
    );
    assert!(allowed(
        r#"{"NumericLessThanEquals":{"aws:MultiFactorAuthAge":3600}}"#,
        &n("12")
    ));
    case(
        r#"{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"-1.5"}}"#,
        &n("-1"),
        &n("-1.5"),
    );
    case(
        r#"{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":2.5}}"#,
        &n("2.5"),
        &n("2.4"),
    );
    assert!(allowed(
        r#"{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":2.5}}"#,
        &n("300")
    ));
    // A context value that is not a number never matches.
    assert!(!allowed(
        r#"{"NumericEquals":{"aws:MultiFactorAuthAge":"1"}}"#,
        &n("one")
    ));
}

#[test]
fn date_operators_read_iso8601_and_epoch_seconds() {
    let t = |v: &'static str| -> Vec<(&'static str, &'static [&'static str])> {
        vec![(
            "aws:CurrentTime",
            Box::leak(Box::new([v])) as &'static [&'static str],
        )]
    };
    case(
        r#"{"DateEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#,
        &t("1767225600"),
        &t("2026-01-01T00:00:01Z"),
    );
    case(
        r#"{"DateNotEquals":{"aws:CurrentTime":"2026-01-01"}}"#,
        &t("2026-01-02T00:00:00Z"),
        &t("2026-01-01T00:00:00Z"),
    );
    case(
        r#"{"DateLessThan":{"aws:CurrentTime":"2026-06-30T00:00:00Z"}}"#,
        &t("2026-06-29T23:59:59Z"),
        &t("2026-06-30T00:00:00Z"),
    );
    case(
        r#"{"DateLessThanEquals":{"aws:CurrentTime":1767225600}}"#,
        &t("2026-01-01T00:00:00Z"),
        &t("2026-01-01T00:00:01Z"),
    );
    assert!(allowed(
        r#"{"DateLessThanEquals":{"aws:CurrentTime":1767225600}}"#,
        &t("2025-07-01T12:00:00Z")
    ));
    case(
        r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00+02:00"}}"#,
        &t("2025-12-31T22:00:01Z"),
        &t("2025-12-31T22:00:00Z"),
    );
    case(
        r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#,
        &t("2026-01-01T00:00:00Z"),
        &t("2025-12-31T23:59:59Z"),
    );
    assert!(allowed(
        r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#,
        &t("2027-03-04T05:06:07Z")
    ));
}

#[test]
fn bool_binary_and_ip_operators() {
    case(
        r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
        &[("aws:MultiFactorAuthPresent", &["true"])],
        &[("aws:MultiFactorAuthPresent", &["false"])],
    );
    case(
        r#"{"Bool":{"aws:SecureTransport":false}}"#,
        &[("aws:SecureTransport", &["false"])],
        &[("aws:SecureTransport", &["true"])],
    );
    case(
        r#"{"BinaryEquals":{"s3:key":"QmluYXJ5VmFsdWU="}}"#,
        &[("s3:key", &["QmluYXJ5VmFsdWU="])],
        &[("s3:key", &["QmluYXJ5VmFsdWF="])],
    );
    case(
        r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#,
        &[("aws:SourceIp", &["2001:db8::7"])],
        &[("aws:SourceIp", &["198.51.100.7"])],
    );
    case(
        r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
        &[("aws:SourceIp", &["203.0.113.200"])],
        &[("aws:SourceIp", &["not-an-ip"])],
    );
    case(
        r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        &[("aws:SourceIp", &["192.0.2.1"])],
        &[("aws:SourceIp", &["10.1.2.3"])],
    );
}

#[test]
fn arn_operators_compare_part_by_part() {
    let key = "aws:SourceArn";
    case(
        r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}"#,
        &[(key, &["arn:aws:sns:us-east-1:123456789012:topic"])],
        &[(key, &["arn:aws:sns:us-east-1:123456789012:other"])],
    );
    case(
        r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::bucket-*"}}"#,
        &[(key, &["arn:aws:s3:::bucket-logs"])],
        &[(key, &["arn:aws:s3:::other"])],
    );
    // A wildcard in the region part cannot swallow the account.
    case(
        r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:topic"}}"#,
        &[(key, &["arn:aws:sns:eu-west-1:123456789012:topic"])],
        &[(
            key,
            &["arn:aws:sns:eu-west-1:999999999999:123456789012:topic"],
        )],
    );
    case(
        r#"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::a"}}"#,
        &[(key, &["arn:aws:s3:::b"])],
        &[(key, &["arn:aws:s3:::a"])],
    );
    case(
        r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::a*"}}"#,
        &[(key, &["arn:aws:s3:::b"])],
        &[(key, &["arn:aws:s3:::ab"])],
    );
    // Not an ARN: no match.
    assert!(!allowed(
        r#"{"ArnLike":{"aws:SourceArn":"arn:*:*:*:*:*"}}"#,
        &[(key, &["bucket"])]
    ));
}

#[test]
fn null_operator_tests_presence() {
    case(
        r#"{"Null":{"aws:TokenIssueTime":"true"}}"#,
        &[],
        &[("aws:TokenIssueTime", &["2026-01-01T00:00:00Z"])],
    );
    case(
        r#"{"Null":{"aws:TokenIssueTime":false}}"#,
        &[("aws:TokenIssueTime", &["2026-01-01T00:00:00Z"])],
        &[],
    );
}

#[test]
fn absent_keys_follow_the_missing_key_rules() {
    // Positive operators are false, negated ones true.
    assert!(!allowed(r#"{"StringEquals":{"aws:username":"a"}}"#, &[]));
    assert!(allowed(r#"{"StringNotEquals":{"aws:username":"a"}}"#, &[]));
    assert!(allowed(
        r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        &[]
    ));
    assert!(!allowed(
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"1"}}"#,
        &[]
    ));
    // IfExists is true when absent, and evaluated normally when present.
    case(
        r#"{"StringEqualsIfExists":{"aws:username":"a"}}"#,
        &[],
        &[("aws:username", &["b"])],
    );
    case(
        r#"{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#,
        &[("aws:MultiFactorAuthAge", &["5"])],
        &[("aws:MultiFactorAuthAge", &["7200"])],
    );
    case(
        r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#,
        &[],
        &[("aws:MultiFactorAuthPresent", &["false"])],
    );
    // Set qualifiers on an absent key.
    assert!(allowed(
        r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}"#,
        &[]
    ));
    assert!(allowed(
        r#"{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}"#,
        &[("aws:TagKeys", &[])]
    ));
    assert!(!allowed(
        r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}"#,
        &[]
    ));
    assert!(!allowed(
        r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"a"}}"#,
        &[]
    ));
}

#[test]
fn set_qualifiers_over_multivalued_keys() {
    let all = r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}"#;
    case(
        all,
        &[("aws:TagKeys", &["team", "env"])],
        &[("aws:TagKeys", &["team", "owner"])],
    );
    let any = r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}"#;
    case(
        any,
        &[("aws:TagKeys", &["owner", "env"])],
        &[("aws:TagKeys", &["owner", "cost"])],
    );
    let any_not = r#"{"ForAnyValue:StringNotLike":{"aws:TagKeys":"t*"}}"#;
    case(
        any_not,
        &[("aws:TagKeys", &["team", "env"])],
        &[("aws:TagKeys", &["team", "tier"])],
    );
    let all_not = r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":"secret"}}"#;
    case(
        all_not,
        &[("aws:TagKeys", &["team", "env"])],
        &[("aws:TagKeys", &["team", "secret"])],
    );
    // Without a qualifier, any context value matching any policy value is enough.
    case(
        r#"{"StringEquals":{"aws:TagKeys":"env"}}"#,
        &[("aws:TagKeys", &["team", "env"])],
        &[("aws:TagKeys", &["team"])],
    );
}

#[test]
fn and_across_operators_and_keys_or_across_values() {
    let cond = r#"{"StringEquals":{"aws:username":["alice","bob"],"aws:PrincipalTag/team":"ops"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#;
    let ok: &[(&str, &[&str])] = &[
        ("aws:username", &["bob"]),
        ("aws:PrincipalTag/team", &["ops"]),
        ("aws:MultiFactorAuthPresent", &["true"]),
    ];
    assert!(allowed(cond, ok));
    let mut missing_one = ok.to_vec();
    missing_one.pop();
    assert!(!allowed(cond, &missing_one));
    let wrong_tag: &[(&str, &[&str])] = &[
        ("aws:username", &["alice"]),
        ("aws:PrincipalTag/team", &["dev"]),
        ("aws:MultiFactorAuthPresent", &["true"]),
    ];
    assert!(!allowed(cond, wrong_tag));
}

#[test]
fn key_names_are_case_insensitive_values_are_not() {
    case(
        r#"{"StringEquals":{"AWS:UserName":"alice"}}"#,
        &[("aws:username", &["alice"])],
        &[("aws:username", &["ALICE"])],
    );
}

#[test]
fn policy_variables_in_condition_values() {
    let cond = r#"{"StringEquals":{"aws:PrincipalTag/project":"${aws:RequestTag/project}"}}"#;
    case(
        cond,
        &[
            ("aws:PrincipalTag/project", &["blue"]),
            ("aws:RequestTag/project", &["blue"]),
        ],
        &[
            ("aws:PrincipalTag/project", &["blue"]),
            ("aws:RequestTag/project", &["red"]),
        ],
    );
    // The variable's key is absent: the value matches nothing.
    assert!(!allowed(cond, &[("aws:PrincipalTag/project", &["blue"])]));
    // StringLike with a variable prefix; `${*}` is a literal asterisk.
    case(
        r#"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#,
        &[
            ("s3:prefix", &["home/alice/docs"]),
            ("aws:username", &["alice"]),
        ],
        &[
            ("s3:prefix", &["home/bob/docs"]),
            ("aws:username", &["alice"]),
        ],
    );
    case(
        r#"{"StringEquals":{"s3:prefix":"${*}${?}${$}"}}"#,
        &[("s3:prefix", &["*?$"])],
        &[("s3:prefix", &["abc"])],
    );
    // Variables also work for numbers and dates.
    case(
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"${app:limit}"}}"#,
        &[("aws:MultiFactorAuthAge", &["5"]), ("app:limit", &["10"])],
        &[("aws:MultiFactorAuthAge", &["50"]), ("app:limit", &["10"])],
    );
}

#[test]
fn version_2008_reads_variables_literally() {
    let doc = PolicyDocument::parse(
        r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:username":"${aws:userid}"}}}}"#,
        2048,
    )
    .unwrap();
    let mut ctx = RequestContext::new("s3:GetObject");
    ctx.insert("aws:username", "${aws:userid}")
        .insert("aws:userid", "x");
    assert!(doc.evaluate(&ctx).is_allowed());
    ctx.insert("aws:username", "x");
    assert!(!doc.evaluate(&ctx).is_allowed());
}
