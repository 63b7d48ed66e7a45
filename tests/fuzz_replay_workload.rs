//! Replays the committed `workload_request` fuzz corpus on the stable toolchain, through the same
//! property the fuzz target checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/checks/workload_request.rs"]
mod check;
use crate::fuzz_corpus;

#[test]
fn replay_workload_request_corpus() {
    let mut n = 0;
    for (_, data) in fuzz_corpus::files("workload_request") {
        check::check(&data);
        n += 1;
    }
    assert!(n >= 10, "the seed corpus is missing ({n} files)");
}

#[test]
fn arbitrary_requests_never_get_credentials_without_a_token() {
    use proptest::prelude::*;
    let methods = prop::sample::select(vec!["GET", "PUT", "POST", "HEAD", ""]);
    let paths = prop::sample::select(vec![
        "/v1/credentials",
        "/latest/api/token",
        "/latest/meta-data/iam/security-credentials/",
        "/latest/meta-data/iam/security-credentials/instance",
        "/",
    ]);
    let names = prop::sample::select(vec![
        "authorization",
        "x-aws-ec2-metadata-token",
        "x-aws-ec2-metadata-token-ttl-seconds",
        "x-forwarded-for",
    ]);
    let headers = prop::collection::vec((names, "[ -~]{0,48}"), 0..4);
    proptest!(ProptestConfig::with_cases(2000), |(m in methods, p in paths, h in headers)| {
        let mut text = format!("{m}\n{p}");
        for (n, v) in &h {
            text.push_str(&format!("\n{n}: {v}"));
        }
        check::check(text.as_bytes());
    });
}
