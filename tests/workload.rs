//! The workload endpoints (issue 15), as the protocols are documented:
//!
//! - IMDSv2, EC2 User Guide, "Use the Instance Metadata Service to access instance metadata"
//!   (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html>):
//!   a `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` between 1 and 21600;
//!   "If you specify a value outside of this range, you receive an error" (400); a token request
//!   with `X-Forwarded-For` is rejected; an invalid or expired token is `401 Unauthorized`.
//! - Container credentials, SDK reference guide, "Container credential provider"
//!   (<https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html>): the
//!   token is sent as the `Authorization` header of a `GET` on the full URI.
//! - Credential documents: the SDKs refresh 5–15 minutes before `Expiration`, so a credential is
//!   re-issued before that window, and an expired one is never served.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use tempcred::audit::MemoryAuditSink;
use tempcred::directory::{demo_directory_json, InMemoryDirectory};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::workload::{
    AuthorizationToken, CredentialSource, Refreshing, RoleCredentials, WorkloadConfigError,
    WorkloadEndpoint,
};
use tempcred::{AssumeRoleRequest, Credentials, Issuer, KeyRing, StsError, UnixTime, Verifier};

const ROLE: &str = "arn:aws:iam::222222222222:role/instance";
const T0: u64 = 1_767_225_600;
const TOKEN: &str = "container-token-0123456789";

fn ring() -> KeyRing {
    KeyRing::new(
        KeyId::new("k").unwrap(),
        KeyMaterial::from_bytes(&[9; 32]).unwrap(),
    )
    .unwrap()
}

fn role_credentials(duration: Option<u32>) -> RoleCredentials {
    let dir = Arc::new(InMemoryDirectory::from_json(demo_directory_json()).unwrap());
    let issuer = Arc::new(
        Issuer::builder(dir, ring())
            .random(Arc::new(SeededRandom::new(4)))
            .build(),
    );
    let mut b = AssumeRoleRequest::builder(ROLE, "i-0123456789abcdef0");
    if let Some(d) = duration {
        b = b.duration_seconds(d);
    }
    RoleCredentials::new(issuer, "ec2.amazonaws.com", b.build().unwrap())
}

fn endpoint(audit: Arc<MemoryAuditSink>) -> WorkloadEndpoint {
    WorkloadEndpoint::new(
        Arc::new(Refreshing::new(role_credentials(None))),
        ROLE,
        &SeededRandom::new(8),
    )
    .unwrap()
    .with_container("/v1/credentials", AuthorizationToken::new(TOKEN).unwrap())
    .unwrap()
    .audit_sink(audit)
}

fn at(secs: u64) -> UnixTime {
    UnixTime::from_secs(T0 + secs)
}

fn imds_token(e: &WorkloadEndpoint, ttl: &str, now: UnixTime) -> String {
    let r = e.handle(
        "PUT",
        "/latest/api/token",
        &[("X-aws-ec2-metadata-token-ttl-seconds", ttl)],
        now,
    );
    assert_eq!(r.status, 200, "{}", &*r.body);
    assert_eq!(r.token_ttl_secs, Some(ttl.parse().unwrap()));
    r.body.to_string()
}

/// The credentials in a JSON document, verified with the ring: what an SDK would sign with.
fn verified_arn(json: &str, now: UnixTime) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let token = v["Token"].as_str().unwrap();
    let s = Verifier::new(&ring()).verify(token, now).unwrap();
    assert_eq!(
        v["AccessKeyId"].as_str().unwrap(),
        s.access_key_id().as_str()
    );
    s.caller_identity().arn
}

#[test]
fn the_container_endpoint_serves_the_role_session_to_the_right_token_only() {
    let e = endpoint(Arc::new(MemoryAuditSink::new()));
    let ok = e.handle("GET", "/v1/credentials", &[("Authorization", TOKEN)], at(0));
    assert_eq!(ok.status, 200);
    assert_eq!(ok.content_type, "application/json");
    assert_eq!(
        verified_arn(&ok.body, at(0)),
        "arn:aws:sts::222222222222:assumed-role/instance/i-0123456789abcdef0"
    );
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    assert_eq!(v["RoleArn"], ROLE);
    // Missing, wrong by one character, a prefix, and another header name: all 401.
    let wrong_last = format!("{}X", &TOKEN[..TOKEN.len() - 1]);
    for headers in [
        vec![],
        vec![("Authorization", wrong_last.as_str())],
        vec![("Authorization", &TOKEN[..TOKEN.len() - 1])],
        vec![("X-Authorization", TOKEN)],
    ] {
        let r = e.handle("GET", "/v1/credentials", &headers, at(0));
        assert_eq!(r.status, 401, "{headers:?}");
        assert!(!r.body.contains("SecretAccessKey"));
    }
    assert_eq!(
        e.handle(
            "POST",
            "/v1/credentials",
            &[("Authorization", TOKEN)],
            at(0)
        )
        .status,
        405
    );
}

#[test]
fn imds_serves_the_role_name_and_credentials_for_a_valid_session_token() {
    let e = endpoint(Arc::new(MemoryAuditSink::new()));
    let token = imds_token(&e, "21600", at(0));
    let h = [("X-aws-ec2-metadata-token", token.as_str())];
    let list = e.handle(
        "GET",
        "/latest/meta-data/iam/security-credentials/",
        &h,
        at(1),
    );
    assert_eq!((list.status, list.body.as_str()), (200, "instance"));
    let creds = e.handle(
        "GET",
        "/latest/meta-data/iam/security-credentials/instance",
        &h,
        at(1),
    );
    assert_eq!(creds.status, 200);
    let v: serde_json::Value = serde_json::from_str(&creds.body).unwrap();
    assert_eq!(
        (v["Code"].as_str(), v["Type"].as_str()),
        (Some("Success"), Some("AWS-HMAC"))
    );
    assert!(verified_arn(&creds.body, at(1)).ends_with("assumed-role/instance/i-0123456789abcdef0"));
    // Another role name, and paths IMDS does not serve here.
    for path in [
        "/latest/meta-data/iam/security-credentials/admin",
        "/latest/meta-data/iam/security-credentials-extended/instance",
        "/latest/meta-data/instance-id",
        "/latest/user-data",
    ] {
        assert_eq!(e.handle("GET", path, &h, at(1)).status, 404, "{path}");
    }
}

#[test]
fn imds_token_requests_outside_the_rules_are_refused() {
    let e = endpoint(Arc::new(MemoryAuditSink::new()));
    for ttl in ["0", "21601", "-1", "abc", "", "1e3", "000000021600"] {
        let r = e.handle(
            "PUT",
            "/latest/api/token",
            &[("X-aws-ec2-metadata-token-ttl-seconds", ttl)],
            at(0),
        );
        assert_eq!(r.status, 400, "ttl {ttl:?}");
    }
    assert_eq!(e.handle("PUT", "/latest/api/token", &[], at(0)).status, 400);
    // Through a proxy: refused even with a valid TTL.
    let proxied = e.handle(
        "PUT",
        "/latest/api/token",
        &[
            ("X-aws-ec2-metadata-token-ttl-seconds", "60"),
            ("X-Forwarded-For", "203.0.113.9"),
        ],
        at(0),
    );
    assert_eq!(proxied.status, 403);
    assert_eq!(e.handle("GET", "/latest/api/token", &[], at(0)).status, 405);
    // The smallest and largest TTLs are accepted.
    imds_token(&e, "1", at(0));
    imds_token(&e, "21600", at(0));
}

#[test]
fn imds_refuses_no_token_an_expired_token_an_altered_token_and_another_endpoints_token() {
    let e = endpoint(Arc::new(MemoryAuditSink::new()));
    let path = "/latest/meta-data/iam/security-credentials/instance";
    // IMDSv1 (no token) is not served.
    assert_eq!(e.handle("GET", path, &[], at(0)).status, 401);
    let token = imds_token(&e, "60", at(0));
    let get = |t: &str, now| {
        e.handle("GET", path, &[("X-aws-ec2-metadata-token", t)], now)
            .status
    };
    assert_eq!(get(&token, at(59)), 200);
    assert_eq!(get(&token, at(60)), 401, "expired at its TTL");
    // Every one-character change of the token is refused.
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for i in 0..token.len() {
        let original = token.as_bytes()[i] as char;
        let replacement = alphabet.chars().find(|c| *c != original).unwrap();
        let mut altered = token.clone();
        altered.replace_range(i..=i, &replacement.to_string());
        assert_eq!(get(&altered, at(1)), 401, "position {i}");
    }
    // A token from another endpoint (another random key) is refused here.
    let other = WorkloadEndpoint::new(
        Arc::new(role_credentials(None)),
        ROLE,
        &SeededRandom::new(99),
    )
    .unwrap();
    let foreign = imds_token(&other, "60", at(0));
    assert_eq!(get(&foreign, at(1)), 401);
}

#[test]
fn credentials_are_re_issued_before_the_sdks_refresh_window_and_never_served_expired() {
    let source = Refreshing::new(role_credentials(Some(3600)));
    let (first, got_at) = source.current(at(0)).unwrap();
    assert_eq!(got_at, at(0));
    // Kept while more than 20 minutes remain...
    let kept = source.credentials(at(3600 - 1201)).unwrap();
    assert_eq!(kept.access_key_id, first.access_key_id);
    // ...re-issued once 20 minutes or less remain, which is before the SDKs' 15-minute window.
    let renewed = source.credentials(at(3600 - 1200)).unwrap();
    assert_ne!(renewed.access_key_id, first.access_key_id);
    assert!(renewed.expiration.as_secs() - (T0 + 3600 - 1200) > 15 * 60);
}

/// A source that works until told to fail.
struct Flaky {
    inner: RoleCredentials,
    fail_after: UnixTime,
}

impl CredentialSource for Flaky {
    fn credentials(&self, now: UnixTime) -> Result<Credentials, StsError> {
        if now >= self.fail_after {
            return Err(StsError::internal_failure());
        }
        self.inner.credentials(now)
    }
}

#[test]
fn when_re_issuing_fails_the_held_credentials_serve_until_they_expire_and_not_after() {
    let source = Refreshing::new(Flaky {
        inner: role_credentials(Some(900)),
        fail_after: at(1),
    });
    let first = source.credentials(at(0)).unwrap();
    // In the refresh margin, the source fails: the held credentials are still valid.
    assert_eq!(
        source.credentials(at(899)).unwrap().access_key_id,
        first.access_key_id
    );
    // At their expiry nothing is served.
    assert!(source.credentials(at(900)).is_err());
    assert!(source.credentials(at(5000)).is_err());
}

#[test]
fn every_credential_served_is_audited_without_secrets() {
    let audit = Arc::new(MemoryAuditSink::new());
    let e = endpoint(audit.clone());
    let ok = e.handle("GET", "/v1/credentials", &[("Authorization", TOKEN)], at(0));
    let token = imds_token(&e, "60", at(0));
    let _ = e.handle(
        "GET",
        "/latest/meta-data/iam/security-credentials/instance",
        &[("X-aws-ec2-metadata-token", token.as_str())],
        at(0),
    );
    let events: Vec<_> = audit
        .take()
        .into_iter()
        .filter(|ev| ev.action.name() == "WorkloadCredentials")
        .collect();
    assert_eq!(events.len(), 2);
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    for ev in &events {
        let json = serde_json::to_string(ev).unwrap();
        assert!(json.contains(ROLE), "{json}");
        assert!(!json.contains(v["SecretAccessKey"].as_str().unwrap()));
        assert!(!json.contains(v["Token"].as_str().unwrap()));
        assert!(!json.contains(TOKEN));
    }
}

#[test]
fn weak_tokens_and_paths_that_shadow_imds_are_refused_at_configuration() {
    assert_eq!(
        AuthorizationToken::new("short").unwrap_err(),
        WorkloadConfigError::WeakToken
    );
    assert_eq!(
        AuthorizationToken::new("sixteen chars no").unwrap_err(),
        WorkloadConfigError::WeakToken,
        "a space is not visible ASCII"
    );
    // A file's trailing newline is not part of the token.
    assert_eq!(
        AuthorizationToken::new(&format!("{TOKEN}\n"))
            .unwrap()
            .expose_secret(),
        TOKEN
    );
    let base = || {
        WorkloadEndpoint::new(
            Arc::new(role_credentials(None)),
            ROLE,
            &SeededRandom::new(1),
        )
        .unwrap()
    };
    let t = AuthorizationToken::new(TOKEN).unwrap();
    for bad in ["v1/credentials", "/latest/meta-data/x", ""] {
        assert_eq!(
            base().with_container(bad, t.clone()).unwrap_err(),
            WorkloadConfigError::BadPath
        );
    }
    assert!(format!("{t:?}").contains("OMITTED"));
    assert!(!format!("{t:?}").contains(TOKEN));
    assert_eq!(
        WorkloadEndpoint::new(
            Arc::new(role_credentials(None)),
            "arn:aws:iam::1:role/",
            &SeededRandom::new(1)
        )
        .unwrap_err(),
        WorkloadConfigError::BadRoleName
    );
}
