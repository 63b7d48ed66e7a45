//! Property tests of the policy language: a deny never adds access, an allow never removes it,
//! `"*"` matches every action, serialization preserves meaning, ARNs round-trip, and parsing
//! arbitrary text never panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use serde_json::{json, Value};
use tempcred::policy::{Decision, PolicyDocument, RequestContext};
use tempcred::principal::{Arn, PrincipalArn};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "sts:AssumeRole",
    "iam:CreateUser",
    "ec2:DescribeInstances",
];
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "sts:AssumeRole",
    "iam:?reate*",
    "ec2:*",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/alice/x",
    "arn:aws:iam::123456789012:role/r",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/${aws:username}/*",
    // Not `arn:aws:*:…`: IAM refuses a wildcard service ("Resource vendor must be fully
    // qualified and cannot contain regexes.").
    "arn:aws:ec2:*:123456789012:*",
    "arn:aws:iam::123456789012:role/?",
];
const KEYS: &[&str] = &[
    "aws:username",
    "aws:MultiFactorAuthAge",
    "aws:TagKeys",
    "aws:SourceIp",
];
const VALUES: &[&str] = &[
    "alice",
    "bob",
    "30",
    "7200",
    "team",
    "env",
    "10.1.2.3",
    "192.0.2.1",
];

fn condition() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0..VALUES.len()).prop_map(|v| json!({"StringEquals": {"aws:username": VALUES[v]}})),
        (0..VALUES.len()).prop_map(
            |v| json!({"StringNotLike": {"aws:username": format!("{}*", &VALUES[v][..1])}})
        ),
        (0u32..10000).prop_map(|n| json!({"NumericLessThan": {"aws:MultiFactorAuthAge": n}})),
        Just(json!({"NumericGreaterThanEqualsIfExists": {"aws:MultiFactorAuthAge": "60"}})),
        Just(json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}})),
        Just(json!({"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}})),
        Just(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        Just(json!({"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}})),
        Just(json!({"Null": {"aws:SourceIp": "true"}})),
        Just(json!({"Bool": {"aws:SecureTransport": true}})),
    ]
}

fn statement(effect: Option<&'static str>) -> impl Strategy<Value = Value> {
    let effect = match effect {
        Some(e) => Just(e).boxed(),
        None => prop_oneof![Just("Allow"), Just("Deny")].boxed(),
    };
    (
        effect,
        any::<bool>(),
        prop::collection::vec(0..ACTION_PATTERNS.len(), 1..3),
        any::<bool>(),
        prop::collection::vec(0..RESOURCE_PATTERNS.len(), 1..3),
        prop::collection::vec(condition(), 0..3),
    )
        .prop_map(|(effect, not_a, actions, not_r, resources, conds)| {
            let mut st = serde_json::Map::new();
            st.insert("Effect".into(), json!(effect));
            let a: Vec<_> = actions.iter().map(|i| ACTION_PATTERNS[*i]).collect();
            st.insert(if not_a { "NotAction" } else { "Action" }.into(), json!(a));
            let r: Vec<_> = resources.iter().map(|i| RESOURCE_PATTERNS[*i]).collect();
            st.insert(
                if not_r { "NotResource" } else { "Resource" }.into(),
                json!(r),
            );
            let mut c = serde_json::Map::new();
            for cond in conds {
                if let Value::Object(m) = cond {
                    for (k, v) in m {
                        c.insert(k, v);
                    }
                }
            }
            if !c.is_empty() {
                st.insert("Condition".into(), Value::Object(c));
            }
            Value::Object(st)
        })
}

fn policy() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(statement(None), 1..6)
}

fn document(statements: &[Value]) -> PolicyDocument {
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    PolicyDocument::parse(&text, 100_000).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn context() -> impl Strategy<Value = RequestContext> {
    (
        0..ACTIONS.len(),
        0..RESOURCES.len(),
        prop::collection::vec(
            (0..KEYS.len(), prop::collection::vec(0..VALUES.len(), 0..3)),
            0..4,
        ),
    )
        .prop_map(|(a, r, keys)| {
            let mut ctx = RequestContext::new(ACTIONS[a]).with_resource(RESOURCES[r]);
            for (k, vs) in keys {
                ctx.insert_all(KEYS[k], vs.iter().map(|v| VALUES[*v]));
            }
            ctx
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn adding_a_deny_never_adds_access(p in policy(), deny in statement(Some("Deny")), ctx in context()) {
        let before = document(&p).evaluate(&ctx).decision;
        let mut more = p.clone();
        more.push(deny);
        let after = document(&more).evaluate(&ctx).decision;
        if after == Decision::Allow {
            prop_assert_eq!(before, Decision::Allow);
        }
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    #[test]
    fn adding_an_allow_never_removes_access(p in policy(), allow in statement(Some("Allow")), ctx in context()) {
        let before = document(&p).evaluate(&ctx).decision;
        let mut more = p.clone();
        more.insert(0, allow);
        let after = document(&more).evaluate(&ctx).decision;
        if before == Decision::Allow {
            prop_assert_eq!(after, Decision::Allow);
        }
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    #[test]
    fn star_matches_every_action(vendor in "[a-z0-9-]{1,12}", name in "[A-Za-z0-9_-]{1,30}") {
        let d = document(&[json!({"Effect": "Allow", "Action": "*", "Resource": "*"})]);
        let action = format!("{vendor}:{name}");
        let ctx = RequestContext::new(&action).with_resource("arn:aws:s3:::b");
        prop_assert!(d.evaluate(&ctx).is_allowed());
        let v = document(&[json!({"Effect": "Allow", "Action": format!("{vendor}:*"), "Resource": "*"})]);
        prop_assert!(v.evaluate(&RequestContext::new(&action.to_uppercase())).is_allowed());
    }

    #[test]
    fn serialized_documents_evaluate_like_the_original(p in policy(), ctxs in prop::collection::vec(context(), 1..8)) {
        let d = document(&p);
        let again = PolicyDocument::parse(&d.to_json(), 100_000).unwrap();
        prop_assert_eq!(again.to_json(), d.to_json());
        for ctx in &ctxs {
            let a = d.evaluate(ctx);
            let b = again.evaluate(ctx);
            prop_assert_eq!(a.decision, b.decision);
            prop_assert_eq!(a.allowed_by.len(), b.allowed_by.len());
            prop_assert_eq!(a.denied_by.len(), b.denied_by.len());
        }
    }

    #[test]
    fn arns_round_trip(
        partition in "aws|aws-cn|aws-us-gov",
        service in "[a-z0-9-]{1,10}",
        region in "|us-east-1|eu-west-2",
        account in "|[0-9]{12}",
        resource in "[!-~]{1,60}",
    ) {
        let text = format!("arn:{partition}:{service}:{region}:{account}:{resource}");
        let arn = Arn::parse(&text).unwrap();
        prop_assert_eq!(arn.to_string(), text.clone());
        prop_assert_eq!(arn.partition(), partition.as_str());
        prop_assert_eq!(arn.service(), service.as_str());
        prop_assert_eq!(arn.region(), region.as_str());
        prop_assert_eq!(arn.account(), account.as_str());
        prop_assert_eq!(arn.resource(), resource.as_str());
    }

    #[test]
    fn principal_arns_round_trip(account in "[0-9]{12}", path in "(/[a-z]{1,5}){0,3}/", name in "[A-Za-z0-9+=,.@_-]{1,64}", kind in 0..2u8) {
        let text = if kind == 0 {
            format!("arn:aws:iam::{account}:user{path}{name}")
        } else {
            format!("arn:aws:iam::{account}:role{path}{name}")
        };
        let p = PrincipalArn::parse(&text).unwrap();
        prop_assert_eq!(p.to_string(), text);
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = PolicyDocument::parse(&text, 2048);
        if let Ok(a) = Arn::parse(&text) {
            prop_assert_eq!(a.to_string(), text.clone());
        }
        let _ = PrincipalArn::parse(&text);
    }
}
