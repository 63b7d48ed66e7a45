//! Wire-format benchmarks: Query API parse of a typical `AssumeRole` body, and XML rendering of
//! its response (plus the error document), with a form-decode-only baseline in the same run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;

use criterion::{black_box, Criterion};
use tempcred::hazmat::Seal;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::wire::{parse_query, render_error, render_response, RequestId};
use tempcred::{AssumeRoleResponse, AssumedRoleUser, KeyRing, StsError, StsResponse};

const BODY: &[u8] = b"Action=AssumeRole&Version=2011-06-15\
&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy&RoleSessionName=botocore-session-1700000000\
&DurationSeconds=3600&Tags.member.1.Key=team&Tags.member.1.Value=payments\
&TransitiveTagKeys.member.1=team&ExternalId=partner-42";

fn response() -> StsResponse {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(1)).unwrap();
    let claims = common::assumed_role_claims(7, 1_700_000_000, 1_700_003_600, "ci");
    StsResponse::AssumeRole(AssumeRoleResponse {
        credentials: claims.seal(&ring).unwrap(),
        assumed_role_user: AssumedRoleUser {
            arn: "arn:aws:sts::123456789012:assumed-role/deploy/ci".into(),
            assumed_role_id: "AROA3XFRBF535PLBIFPI4:ci".into(),
        },
        packed_policy_size: Some(4),
        source_identity: None,
    })
}

fn bench(c: &mut Criterion) {
    c.bench_function("baseline: split + count pairs of an AssumeRole body", |b| {
        b.iter(|| {
            black_box(BODY)
                .split(|b| *b == b'&')
                .filter(|p| p.contains(&b'='))
                .count()
        })
    });
    c.bench_function(
        "query: parse AssumeRole (tags, transitive key, external ID)",
        |b| b.iter(|| parse_query(black_box(BODY)).unwrap()),
    );
    let resp = response();
    let id = RequestId::new("c6104cbe-af31-11e0-8154-cbc7ccf896c7").unwrap();
    c.bench_function("xml: render AssumeRoleResponse", |b| {
        b.iter(|| render_response(black_box(&resp), &id))
    });
    let err = StsError::not_authorized(
        "arn:aws:iam::123456789012:user/alice",
        "sts:AssumeRole",
        "arn:aws:iam::123456789012:role/deploy",
    );
    c.bench_function("xml: render ErrorResponse", |b| {
        b.iter(|| render_error(black_box(&err), &id))
    });
    c.bench_function("request id: generate (SeededRandom)", |b| {
        let r = SeededRandom::new(9);
        b.iter(|| RequestId::generate(&r).unwrap())
    });
}

// Written out instead of `criterion_group!`, whose generated function has no doc comment.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
