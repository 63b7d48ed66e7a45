//! Policy evaluation (SPEC §9 goal: a 10-statement policy with conditions in ≤ 1 µs), next to
//! parsing the same document and a trust-policy evaluation, measured in one run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, Criterion};
use tempcred::policy::{evaluate_trust, PolicyDocument, RequestContext, RequestPrincipal};
use tempcred::principal::PrincipalArn;
use tempcred::{RoleSessionName, UnixTime};

/// Ten statements, each with conditions, the last ones matching the request.
const TEN: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "S3Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::data-*/*",
     "Condition": {"StringEquals": {"aws:PrincipalTag/team": "analytics"}}},
    {"Sid": "Home", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*",
     "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    {"Sid": "Ec2", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}},
    {"Sid": "Dynamo", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
     "Resource": "arn:aws:dynamodb:*:123456789012:table/orders",
     "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "status"]}}},
    {"Sid": "Kms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:*:123456789012:key/*",
     "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}},
    {"Sid": "Logs", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:*:*:log-group:/app/*",
     "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}},
    {"Sid": "Window", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
     "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
                   "DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}},
    {"Sid": "DenyOutside", "Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"]},
                   "BoolIfExists": {"aws:ViaAWSService": "false"}}},
    {"Sid": "DenyNoMfa", "Effect": "Deny", "Action": ["iam:*", "s3:Delete*"], "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    {"Sid": "Write", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::data-lake/*",
     "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
                   "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}
  ]
}"#;

const TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"sts:ExternalId": "Unique-ID-1234"}}},
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci/builder"},
     "Action": ["sts:AssumeRole", "sts:TagSession"],
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
  ]
}"#;

fn context() -> RequestContext {
    let mut ctx = RequestContext::new("s3:GetObject")
        .with_resource("arn:aws:s3:::data-lake/2026/01/part-0001.parquet");
    ctx.insert("aws:username", "alice")
        .insert("aws:PrincipalTag/team", "analytics")
        .insert("aws:SecureTransport", "true")
        .insert("aws:SourceIp", "10.20.30.40")
        .insert_bool("aws:MultiFactorAuthPresent", true)
        .insert_number("aws:MultiFactorAuthAge", 120)
        .insert("s3:x-amz-server-side-encryption", "aws:kms")
        .insert_now(UnixTime::from_secs(1_775_000_000));
    ctx
}

fn bench(c: &mut Criterion) {
    let doc = PolicyDocument::parse_identity(TEN).unwrap();
    let ctx = context();
    assert!(doc.evaluate(&ctx).is_allowed());
    c.bench_function("policy: evaluate 10 statements with conditions", |b| {
        b.iter(|| black_box(doc.evaluate(black_box(&ctx))).decision)
    });

    let trust = PolicyDocument::parse_trust(TRUST).unwrap();
    let role = PrincipalArn::parse("arn:aws:iam::111122223333:role/ci/builder").unwrap();
    let caller =
        RequestPrincipal::role_session(&role, &RoleSessionName::new("ci").unwrap()).unwrap();
    let mut tctx = RequestContext::new("sts:AssumeRole")
        .with_resource("arn:aws:iam::111122223333:role/target")
        .with_principal(caller);
    tctx.insert_bool("aws:MultiFactorAuthPresent", true);
    assert!(evaluate_trust(&trust, &tctx).is_allowed());
    c.bench_function("policy: evaluate 3-statement trust policy", |b| {
        b.iter(|| black_box(evaluate_trust(&trust, black_box(&tctx))).decision)
    });

    c.bench_function("policy: parse 10-statement document", |b| {
        b.iter(|| PolicyDocument::parse_identity(black_box(TEN)).is_ok())
    });
    c.bench_function("policy: build request context (8 keys)", |b| {
        b.iter(context)
    });
}

// `criterion_group!` would define an undocumented `pub fn`; the crate denies missing docs.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
