//! Anonymous callers (issue 13, item 9): `RequestPrincipal::anonymous()` lets a service evaluate
//! resource-based policies for unsigned requests. `"Principal": "*"` and `{"AWS": "*"}` match it;
//! account, ARN, service and federated entries do not.
//!
//! Source: IAM User Guide, "AWS JSON policy elements: Principal", All principals / anonymous
//! users: "Principal": "*" and "Principal": {"AWS": "*"} are documented as equivalent for
//! anonymous access,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous>.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{Decision, PolicyDocument, RequestContext, RequestPrincipal};
use tempcred::principal::PrincipalArn;

fn bucket_policy(principal: &str) -> PolicyDocument {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Sid":"PublicRead","Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}}}}"#
    );
    PolicyDocument::parse(&text, 6144).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn get(doc: &PolicyDocument, caller: RequestPrincipal) -> Decision {
    let ctx = RequestContext::new("s3:GetObject")
        .with_resource("arn:aws:s3:::amzn-s3-demo-bucket/index.html")
        .with_principal(caller);
    doc.evaluate(&ctx).decision
}

#[test]
fn star_and_aws_star_both_match_an_anonymous_caller() {
    assert!(RequestPrincipal::anonymous().is_anonymous());
    assert_eq!(
        get(&bucket_policy(r#""*""#), RequestPrincipal::anonymous()),
        Decision::Allow
    );
    // `{"AWS": "*"}` did not match anyone without an account before.
    assert_eq!(
        get(
            &bucket_policy(r#"{"AWS":"*"}"#),
            RequestPrincipal::anonymous()
        ),
        Decision::Allow
    );
    assert_eq!(
        get(
            &bucket_policy(r#"{"AWS":["*"]}"#),
            RequestPrincipal::anonymous()
        ),
        Decision::Allow
    );
    // The neighbour: signed callers still match both.
    let alice = PrincipalArn::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    assert_eq!(
        get(
            &bucket_policy(r#"{"AWS":"*"}"#),
            RequestPrincipal::principal(&alice)
        ),
        Decision::Allow
    );
}

#[test]
fn named_entries_do_not_match_an_anonymous_caller() {
    for principal in [
        r#"{"AWS":"111122223333"}"#,
        r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
        r#"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#,
        r#"{"Service":"cloudfront.amazonaws.com"}"#,
        r#"{"Service":"*"}"#,
        r#"{"Federated":"accounts.google.com"}"#,
        r#"{"Federated":"*"}"#,
        r#"{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
    ] {
        assert_eq!(
            get(&bucket_policy(principal), RequestPrincipal::anonymous()),
            Decision::ImplicitDeny,
            "{principal}"
        );
    }
    // Only an unsigned caller is anonymous.
    assert!(!RequestPrincipal::service("ec2.amazonaws.com").is_anonymous());
    assert!(!RequestPrincipal::federated("accounts.google.com").is_anonymous());
}

/// A Deny + NotPrincipal naming a user does not exempt the anonymous caller (NotPrincipal page:
/// with Allow it might "grant access to anonymous users"; with Deny they are denied).
#[test]
fn deny_not_principal_denies_anonymous_callers() {
    let doc = PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}]}"#,
        6144,
    )
    .unwrap();
    assert_eq!(
        get(&doc, RequestPrincipal::anonymous()),
        Decision::ExplicitDeny
    );
    let alice = PrincipalArn::parse("arn:aws:iam::111122223333:user/alice").unwrap();
    assert_eq!(
        get(&doc, RequestPrincipal::principal(&alice)),
        Decision::Allow
    );
}
