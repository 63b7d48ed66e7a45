//! Runs every example binary (built by `cargo test` next to the test executables) with a timeout
//! and checks its exit status and a line of its output. `sts_server` is driven by
//! `tests/real_client.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `target/<profile>/examples/NAME`, from `target/<profile>/deps/examples-HASH`.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} is not built", path.display());
    path
}

/// Runs the example with `args`, kills it after 60 s, and returns its stdout; fails unless it
/// exits successfully.
fn run(name: &str, args: &[&str]) -> String {
    let mut child = Command::new(example(name))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("example {name} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "example {name} failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn has_line(out: &str, needle: &str) {
    assert!(
        out.lines().any(|l| l.contains(needle)),
        "no line contains {needle:?} in:\n{out}"
    );
}

#[test]
fn quickstart() {
    let out = run("quickstart", &[]);
    has_line(&out, "secret matches  true");
    has_line(&out, "altered token   -> refused");
}

#[test]
fn cross_account() {
    let out = run("cross_account", &[]);
    has_line(
        &out,
        "-> ALLOWED as arn:aws:sts::222222222222:assumed-role/auditor/audit-2026",
    );
    has_line(&out, "bob (no identity-side allow)");
    assert_eq!(out.matches("-> REFUSED AccessDenied").count(), 3, "{out}");
}

#[test]
fn role_chaining() {
    let out = run("role_chaining", &[]);
    has_line(&out, "for 3601 s (over the 1-hour chaining cap)");
    has_line(
        &out,
        "1 hour session limit for roles assumed by role chaining",
    );
    has_line(&out, "REFUSED AccessDenied: The source identity");
    has_line(&out, "cannot be overridden");
    assert!(
        out.lines()
            .any(|l| l.contains("for 3600 s") && l.ends_with("-> ALLOWED")),
        "{out}"
    );
    has_line(&out, "arn:aws:sts::111111111111:assumed-role/readonly/read");
}

#[test]
fn session_policy() {
    let out = run("session_policy", &[]);
    let scoped = out.split("with the session policy (").nth(1).unwrap();
    has_line(
        scoped,
        "s3:GetObject  on arn:aws:s3:::analytics/2026/q1.csv -> Allow",
    );
    has_line(
        scoped,
        "s3:PutObject  on arn:aws:s3:::analytics/2026/q1.csv -> ImplicitDeny",
    );
}

#[test]
fn key_rotation() {
    let out = run("key_rotation", &[]);
    let after = out.split("retire 2026-01").nth(1).unwrap();
    has_line(after, "token old  refused (InvalidClientTokenId");
    has_line(after, "token new  verifies");
    let rotated = out.split("the rotated ring").nth(1).unwrap();
    let rotated = rotated.split("a stale ring").next().unwrap();
    assert_eq!(rotated.matches("verifies").count(), 2, "{out}");
}

#[test]
fn credential_process() {
    let out = run("credential_process", &[]);
    let json: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(json["Version"], 1);
    assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(json["Expiration"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn attenuate() {
    let parent = run("credential_process", &[]);
    let dir =
        std::env::temp_dir().join(format!("tempcred-attenuate-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("parent.json");
    std::fs::write(&file, &parent).unwrap();
    let policy = dir.join("policy.json");
    std::fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-bucket/job-42/*"}]}"#,
    )
    .unwrap();
    let out = run(
        "attenuate",
        &[
            "--from-json",
            file.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
            "--duration",
            "60",
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    let parent: serde_json::Value = serde_json::from_str(parent.trim()).unwrap();
    let child: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(child["Version"], 1);
    assert!(child["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_ne!(child["AccessKeyId"], parent["AccessKeyId"]);
    assert_ne!(child["SecretAccessKey"], parent["SecretAccessKey"]);
    // Ten minutes at most before the parent's hour: an earlier expiry.
    assert!(child["Expiration"].as_str().unwrap() < parent["Expiration"].as_str().unwrap());
}

#[cfg(feature = "oidc")]
#[test]
fn web_identity() {
    let out = run("web_identity", &[]);
    has_line(
        &out,
        "assumed role user  arn:aws:sts::222222222222:assumed-role/web/app-session",
    );
    has_line(&out, "demo-bucket/payments/report.csv  -> Allow");
    has_line(&out, "demo-bucket/growth/report.csv    -> ImplicitDeny");
    has_line(&out, "REFUSED IDPRejectedClaim");
}

#[cfg(feature = "tower")]
#[test]
fn protected_service() {
    let out = run("protected_service", &[]);
    has_line(&out, "signed GET /reports/q1                   -> 200");
    has_line(
        &out,
        "signed DELETE /reports/q1                -> 403 AccessDenied",
    );
    has_line(
        &out,
        "unsigned GET /reports/q1                 -> 403 MissingAuthenticationToken",
    );
    has_line(&out, "-> 403 SignatureDoesNotMatch");
}
