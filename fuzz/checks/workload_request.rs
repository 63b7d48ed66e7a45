//! The property the `workload_request` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_workload.rs`.
//!
//! The input is split on `\n` into a method, a path and `name: value` header lines, and answered
//! by a `WorkloadEndpoint` serving the demo directory's `role/instance` (container path
//! `/v1/credentials`, IMDSv2 on) at a fixed instant. Whatever the input:
//! - the endpoint never panics;
//! - credentials (a `200` JSON answer) are served only to a request that carries the container
//!   token, or an IMDS token this endpoint issued (which the input cannot know: its key is drawn
//!   at start from a seeded source the input does not see);
//! - a token answer only to a `PUT` of the token path with a TTL of 1–21600.

use std::sync::{Arc, OnceLock};
use tempcred::directory::{demo_directory_json, InMemoryDirectory};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::workload::{AuthorizationToken, RoleCredentials, WorkloadEndpoint};
use tempcred::{AssumeRoleRequest, Issuer, KeyRing, UnixTime};

const TOKEN: &str = "fuzz-container-token-0123456789";

fn endpoint() -> &'static WorkloadEndpoint {
    static ENDPOINT: OnceLock<WorkloadEndpoint> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        let dir = Arc::new(InMemoryDirectory::from_json(demo_directory_json()).unwrap());
        let ring = KeyRing::new(
            KeyId::new("fuzz").unwrap(),
            KeyMaterial::from_bytes(&[1; 32]).unwrap(),
        )
        .unwrap();
        let issuer = Arc::new(Issuer::builder(dir, ring).build());
        let role = "arn:aws:iam::222222222222:role/instance";
        let source = RoleCredentials::new(
            issuer,
            "ec2.amazonaws.com",
            AssumeRoleRequest::builder(role, "fuzz").build().unwrap(),
        );
        WorkloadEndpoint::new(Arc::new(source), role, &SeededRandom::new(0x5eed))
            .unwrap()
            .with_container("/v1/credentials", AuthorizationToken::new(TOKEN).unwrap())
            .unwrap()
    })
}

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let method = lines.next().unwrap_or("");
    let path = lines.next().unwrap_or("");
    let headers: Vec<(&str, &str)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim(), v.trim()))
        .collect();
    let now = UnixTime::from_secs(1_767_225_600);
    let answer = endpoint().handle(method, path, &headers, now);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    };
    if answer.status == 200 && answer.content_type == "application/json" {
        let container = path == "/v1/credentials" && header("authorization") == Some(TOKEN);
        // An IMDS token of this endpoint cannot be forged by the input; the only way to a
        // credential document through IMDS would be a forged one.
        assert!(
            container,
            "credentials served without the token: {method} {path} {headers:?}"
        );
    }
    if answer.token_ttl_secs.is_some() {
        assert_eq!((method, path), ("PUT", "/latest/api/token"));
        let ttl: u64 = header("x-aws-ec2-metadata-token-ttl-seconds")
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=21_600).contains(&ttl));
        assert!(header("x-forwarded-for").is_none());
    }
}
