//! The policy grammar as IAM validates it (issue 13, items 2, 3, 6 and 7): what AWS accepts is
//! accepted, what AWS refuses is refused with AWS's message.
//!
//! Sources: moto's `tests/test_iam/test_iam_policies.py` (getmoto/moto), whose
//! `invalid_policy_document_test_cases` quote AWS's exact error texts and whose
//! `valid_policy_documents` are documents AWS accepts; the IAM User Guide pages named per case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{
    Decision, MalformedPolicyDocument, MalformedReason, PolicyDocument, PolicyKind, RequestContext,
};

fn identity(statement: &str) -> Result<PolicyDocument, MalformedPolicyDocument> {
    PolicyDocument::parse_identity(&format!(
        r#"{{"Version":"2012-10-17","Statement":{statement}}}"#
    ))
}

fn accepted(statement: &str) -> PolicyDocument {
    identity(statement).unwrap_or_else(|e| panic!("{statement}: {e}"))
}

/// Refused, and the message contains `message` (AWS's text).
fn refused(statement: &str, message: &str) {
    let e = identity(statement).map(|_| ()).unwrap_err();
    assert_eq!(e.code(), "MalformedPolicyDocument");
    assert!(
        e.to_string().contains(message),
        "{statement}: {e} should say {message:?}"
    );
}

fn allows(doc: &PolicyDocument, action: &str, resource: &str) -> bool {
    doc.evaluate(&RequestContext::new(action).with_resource(resource))
        .decision
        == Decision::Allow
}

// ---- Item 2: empty Sids are not duplicates ------------------------------------------------

/// moto `_validate_sid_uniqueness` (AWS skips empty Sids) and the invalid case
/// `{"Sid": "sdf"} ×2` → "Statement IDs (SID) in a single policy must be unique."
#[test]
fn several_empty_sids_are_accepted_but_equal_non_empty_sids_are_not() {
    let doc = accepted(
        r#"[{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Sid":"","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]"#,
    );
    assert_eq!(doc.statements()[1].sid(), Some(""));
    refused(
        r#"[{"Sid":"sdf","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"},
            {"Sid":"sdf","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"}]"#,
        "Statement IDs (SID) in a single policy must be unique",
    );
}

// ---- Item 3: Sid characters per policy kind -----------------------------------------------

/// IAM User Guide, "IAM JSON policy elements: Sid"
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html>):
/// "The Sid element supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers
/// (0-9)." AWS answers "Statement IDs (SID) must be alpha-numeric".
#[test]
fn identity_and_session_sids_are_alphanumeric() {
    accepted(
        r#"{"Sid":"dsfsdfsdfsdfsdfsadfsd","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket"}"#,
    );
    accepted(
        r#"{"Sid":"ExampleStatementID","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}"#,
    );
    for bad in [
        "Allow Read",
        "allow-read",
        "allow_read",
        "Read.All",
        "Lésen",
    ] {
        refused(
            &format!(
                r#"{{"Sid":"{bad}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#
            ),
            "Statement IDs (SID) must be alpha-numeric",
        );
        let session = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Sid":"{bad}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}}}"#
        );
        let e = PolicyDocument::parse_as(&session, PolicyKind::Session).unwrap_err();
        assert!(e.to_string().contains("alpha-numeric"), "{e}");
    }
}

/// Resource-based and trust policies accept spaces in a Sid (IAM accepts `"Sid": "Allow EC2"`
/// in role trust policies); other punctuation stays refused (the stricter reading, module docs).
#[test]
fn trust_sids_may_have_spaces() {
    let trust = |sid: &str| {
        PolicyDocument::parse_trust(&format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Sid":"{sid}","Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}}}}"#
        ))
    };
    assert_eq!(
        trust("Allow EC2 to assume").unwrap().statements()[0].sid(),
        Some("Allow EC2 to assume")
    );
    assert!(trust("AllowEC2").is_ok());
    assert!(trust("Allow-EC2")
        .unwrap_err()
        .to_string()
        .contains("alpha-numeric"));
}

// ---- Item 6: accepted where AWS refuses ---------------------------------------------------

/// moto invalid cases `s3:List:Bucket` and `s:3s:ListBucket`.
#[test]
fn actions_have_exactly_one_colon() {
    refused(
        r#"{"Effect":"Allow","Action":"s3:List:Bucket","Resource":"arn:aws:s3:::example_bucket"}"#,
        "Actions/Condition can contain only one colon.",
    );
    refused(
        r#"[{"Effect":"Allow","Action":"s3s:ListBucket","Resource":"arn:aws:s3:::example_bucket"},
            {"Effect":"Allow","Action":"s:3s:ListBucket","Resource":"arn:aws:s3:::example_bucket"}]"#,
        "Actions/Condition can contain only one colon.",
    );
    refused(
        r#"{"Effect":"Allow","Action":"invalid","Resource":"arn:aws:s3:::example_bucket"}"#,
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    );
    refused(
        r#"{"Effect":"Allow","Action":"a a:ListBucket","Resource":"arn:aws:s3:::example_bucket"}"#,
        "Vendor a a is not valid",
    );
    // The neighbour: one colon.
    let doc = accepted(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}"#);
    assert!(allows(&doc, "s3:listbucket", "arn:aws:s3:::b"));
}

/// moto invalid cases with a partition other than the known ones: `arn:error:s3:::example_bucket`,
/// `a:b:cadfsdf`, `aws:s3:::example_bucket`, `a:b:c:d:e:f:g:h`.
#[test]
fn unknown_partitions_are_refused_with_aws_message() {
    for (resource, message) in [
        (
            r#"["arn:error:s3:::example_bucket","arn:error:s3::example_bucket"]"#,
            r#"Partition "error" is not valid for resource "arn:error:s3:::example_bucket"."#,
        ),
        (
            r#""a:b:cadfsdf""#,
            r#"Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*"."#,
        ),
        (
            r#""a:bsdfdsafsad""#,
            r#"Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*"."#,
        ),
        (
            r#""aws:s3:::example_bucket""#,
            r#"Partition "s3" is not valid for resource "arn:s3:::example_bucket:*"."#,
        ),
        (
            r#""a:b:c:d:e:f:g:h""#,
            r#"Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h"."#,
        ),
    ] {
        refused(
            &format!(r#"{{"Effect":"Allow","NotAction":"s3s:ListBucket","Resource":{resource}}}"#),
            message,
        );
    }
    // A variable cannot stand for the partition; the message shows it unmasked.
    refused(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:${aws:partition}:s3:::b"}"#,
        r#"Partition "${…}" is not valid for resource "arn:${…}:s3:::b"."#,
    );
    // Neighbours: the other partitions AWS has.
    for p in ["aws", "aws-cn", "aws-us-gov"] {
        accepted(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:{p}:s3:::b/*"}}"#
        ));
    }
}

/// moto invalid cases `arn:aws` ("Resource vendor must be fully qualified and cannot contain
/// regexes.") and `arn:aws::fdsasf` / `arn:aws:s3::example_bucket` ("The policy failed legacy
/// parsing"); a wildcard service is the "regexes" case.
#[test]
fn empty_and_wildcard_services_are_refused() {
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws"}"#,
        "Resource vendor must be fully qualified and cannot contain regexes.",
    );
    for wild in [
        "arn:aws:*:*:123456789012:*",
        "arn:aws:s3*:::b",
        "arn:aws:?3:::b",
    ] {
        refused(
            &format!(r#"{{"Effect":"Allow","Action":"s3:ListBucket","Resource":"{wild}"}}"#),
            "Resource vendor must be fully qualified and cannot contain regexes.",
        );
    }
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws::fdsasf"}"#,
        "The policy failed legacy parsing",
    );
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3::example_bucket"}"#,
        "The policy failed legacy parsing",
    );
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","NotResource":"arn:aws::::example_bucket"}"#,
        "The policy failed legacy parsing",
    );
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"invalid resource"}"#,
        "must be in ARN format or \"*\"",
    );
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":""}"#,
        r#"Resource  must be in ARN format or "*"."#,
    );
    // Neighbours from moto's valid documents: any named service, with or without a region.
    accepted(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s33:::example_bucket"}"#,
    );
    accepted(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:invalid-service:us-east-1::example_bucket"}"#,
    );
    accepted(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:::user/example_bucket"}"#,
    );
}

/// moto invalid cases: region information in IAM and S3 resources.
#[test]
fn iam_and_s3_resources_have_no_region() {
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:us-east-1::example_bucket"}"#,
        "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.",
    );
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:us-east-1::example_bucket"}"#,
        "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.",
    );
    // moto valid documents: other services may have one.
    accepted(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:ec2:us-east-1::example_bucket"}"#,
    );
    accepted(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:cloudwatch:us-east-1::example_bucket"}"#,
    );
}

/// moto invalid case `arn:aws:iam:::example_bucket`: an IAM resource path names its type.
#[test]
fn iam_resource_paths_start_with_a_resource_type() {
    refused(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:::example_bucket"}"#,
        r#"IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."#,
    );
    // Neighbours: moto's valid `arn:aws:iam:::user/example_bucket`, the `*` path, variables.
    accepted(
        r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":["arn:aws:iam:::user/example_bucket","arn:aws:iam::123456789012:*","arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:mfa/${aws:username}"]}"#,
    );
}

// ---- Item 7: refused where AWS accepts ----------------------------------------------------

/// moto valid documents: `"Condition": {"DateGreaterThan": {}}`, `{"DateGreaterThan": {"a": []}}`,
/// `{"a": {}}` and `{"x": {}, "y": {}}`. An empty block constrains nothing; an empty value list
/// matches no context value.
#[test]
fn empty_condition_blocks_and_value_lists_are_accepted() {
    let res =
        r#""Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket""#;
    for cond in [
        r#"{"DateGreaterThan": {}}"#,
        r#"{"a": {}}"#,
        r#"{"x": {}, "y": {}}"#,
        r#"{"StringEquals": {}}"#,
    ] {
        let doc = accepted(&format!(r#"{{{res},"Condition":{cond}}}"#));
        assert!(
            allows(&doc, "s3:ListBucket", "arn:aws:s3:::example_bucket"),
            "{cond}"
        );
    }
    let doc = accepted(&format!(
        r#"{{{res},"Condition":{{"DateGreaterThan": {{"a": []}}}}}}"#
    ));
    let mut ctx = RequestContext::new("s3:ListBucket").with_resource("arn:aws:s3:::example_bucket");
    ctx.insert("a", "2020-01-01T00:00:00Z");
    assert!(!doc.evaluate(&ctx).is_allowed(), "no value to satisfy");
    // The neighbours stay refused: an unknown operator with keys, a non-object block.
    refused(
        &format!(r#"{{{res},"Condition":{{"x": {{"a": "1"}}}}}}"#),
        "Invalid Condition type",
    );
    assert!(identity(&format!(
        r#"{{{res},"Condition":{{"DateGreaterThan": "b"}}}}"#
    ))
    .is_err());
    assert!(identity(&format!(
        r#"{{{res},"Condition":{{"DateGreaterThan": {{"a": {{}}}}}}}}"#
    ))
    .is_err());
}

/// `null` inside a `Resource` array is accepted by IAM and ignored; a `null`-only array is
/// refused like an empty one (the stricter reading), and `{}` stays refused (moto invalid case
/// `["adfdf", {}]`).
#[test]
fn null_in_a_resource_array_is_skipped() {
    let doc = accepted(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":[null,"arn:aws:s3:::b/*"]}"#,
    );
    assert!(allows(&doc, "s3:GetObject", "arn:aws:s3:::b/k"));
    assert!(!allows(&doc, "s3:GetObject", "arn:aws:s3:::c/k"));
    // It serializes without the null and parses back.
    let again = PolicyDocument::parse_identity(&doc.to_json()).unwrap();
    assert!(allows(&again, "s3:GetObject", "arn:aws:s3:::b/k"));
    let e =
        identity(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":[null]}"#).unwrap_err();
    assert_eq!(e.reason(), &MalformedReason::Empty);
    assert!(identity(
        r#"{"Effect":"Deny","Action":"s3:ListBucket","Resource":["arn:aws:s3:::b",{}]}"#
    )
    .is_err());
}

/// moto valid document `"Resource": "arn:aws:fdsasf"`. IAM normalises missing parts to `*`
/// (its messages print `a:b:cadfsdf` as `arn:b:cadfsdf:*:*:*`), so the short ARN is read so.
#[test]
fn three_part_resources_are_accepted_and_padded_with_wildcards() {
    let doc =
        accepted(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:fdsasf"}"#);
    assert!(allows(
        &doc,
        "s3:ListBucket",
        "arn:aws:fdsasf:us-east-1:123456789012:x"
    ));
    assert!(!allows(
        &doc,
        "s3:ListBucket",
        "arn:aws:s3:::example_bucket"
    ));
    let doc = accepted(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3"}"#);
    assert!(allows(&doc, "s3:GetObject", "arn:aws:s3:::b/k"));
}

/// moto valid documents: `iam: asdf safdsf af ` (spaces in the name), `s3.s:ListBucket` and
/// `s3-s:ListBucket` (dots and hyphens in the vendor), `service-prefix:action-name`.
#[test]
fn action_names_with_spaces_and_vendors_with_dots_are_accepted() {
    let doc = accepted(
        r#"{"Effect":"Allow","Action":"iam: asdf safdsf af ","Resource":"arn:aws:s3:::example_bucket"}"#,
    );
    assert!(allows(
        &doc,
        "iam: asdf safdsf af ",
        "arn:aws:s3:::example_bucket"
    ));
    assert!(!allows(
        &doc,
        "iam:asdfsafdsfaf",
        "arn:aws:s3:::example_bucket"
    ));
    let doc = accepted(
        r#"{"Effect":"Allow","Action":["s3.s:ListBucket","s3-s:ListBucket","service-prefix:action-name"],"Resource":"*"}"#,
    );
    assert!(allows(&doc, "s3.s:ListBucket", "arn:aws:s3:::b"));
    assert!(allows(&doc, "service-prefix:action-name", "arn:aws:s3:::b"));
    assert!(!allows(&doc, "s3:ListBucket", "arn:aws:s3:::b"));
}
