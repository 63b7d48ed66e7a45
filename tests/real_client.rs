//! The example STS server, as other programs use it (SPEC §7): started with its documented flags,
//! driven by boto3 (the real AWS SDK for Python), and fed malformed, unsigned and badly signed
//! requests that must get AWS error XML while the server keeps serving.
//!
//! Needs `python3` with `boto3` (`.ci/run` installs it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tempcred::sigv4::{sign, PayloadHash, SignableRequest, SigningParams};
use tempcred::{Clock, SecretAccessKey, SystemClock};

#[cfg(feature = "redis")]
#[path = "common/redis_server.rs"]
mod redis_server;

const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
const ALICE_SECRET: &str = "aliceSecretKeyForTestsOnly0000000000000A";

/// The running server; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn example_binary(name: &str) -> PathBuf {
    // target/<profile>/deps/real_client-HASH -> target/<profile>/examples/NAME
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: cargo test builds examples",
        bin.display()
    );
    bin
}

/// Starts example `name` with `args` and waits for its `listening on http://ADDR` line.
fn start_example(name: &str, args: &[&std::ffi::OsStr]) -> Server {
    let mut child = Command::new(example_binary(name))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server exited before it was ready")
            .unwrap();
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// `sts_server` on a free loopback port over the test directory.
fn start_server() -> Server {
    start_server_with(&[])
}

/// [`start_server`] with `extra` flags after the listen address and directory.
fn start_server_with(extra: &[&std::ffi::OsStr]) -> Server {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/directory.json");
    let base: [&std::ffi::OsStr; 4] = [
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--directory".as_ref(),
        directory.as_os_str(),
    ];
    start_example("sts_server", &[&base[..], extra].concat())
}

/// Sends raw bytes, returns (status, body).
fn raw(addr: &str, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

fn post(addr: &str, extra_headers: &[(&str, String)], body: &str) -> (u16, String) {
    let mut req = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in extra_headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    raw(addr, req.as_bytes())
}

/// A GetCallerIdentity POST signed with alice's key ID and `secret`.
fn signed_caller_identity(addr: &str, secret: &str) -> (u16, String) {
    signed_caller_identity_as(addr, ALICE_KEY, secret)
}

/// A GetCallerIdentity POST signed with `key_id` and `secret`.
fn signed_caller_identity_as(addr: &str, key_id: &str, secret: &str) -> (u16, String) {
    signed_post(
        addr,
        (key_id, secret, None),
        "Action=GetCallerIdentity&Version=2011-06-15",
    )
}

/// A POST of `body` signed with `(key ID, secret, session token)`.
fn signed_post(addr: &str, keys: (&str, &str, Option<&str>), body: &str) -> (u16, String) {
    raw(
        addr,
        format!("{}{body}", signed_head(addr, keys, body)).as_bytes(),
    )
}

/// The head (through its blank line) of a `connection: close` POST of `body` signed with
/// `(key ID, secret, session token)`: whole for [`signed_post`], or for a client that sends its
/// head and body separately.
fn signed_head(addr: &str, keys: (&str, &str, Option<&str>), body: &str) -> String {
    let (key_id, secret, token) = keys;
    let headers = [
        ("host", addr),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        payload: PayloadHash::Bytes(body.as_bytes()),
    };
    let secret = SecretAccessKey::new(secret).unwrap();
    let mut params = SigningParams::new(key_id, &secret, "us-east-1", "sts", SystemClock.now());
    if let Some(token) = token {
        params = params.with_session_token(token);
    }
    let signed = sign(&request, &params).unwrap();
    let mut head = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in &signed.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// [`signed_head`] with alice's long-term key.
fn alice_signed_head(addr: &str, body: &str) -> String {
    signed_head(addr, (ALICE_KEY, ALICE_SECRET, None), body)
}

/// A connection to `addr` (10 s read timeout) that has sent [`alice_signed_head`] for `body`
/// and nothing more: its client sends the body when it chooses.
fn send_alice_signed_head(addr: &str, body: &str) -> TcpStream {
    let mut client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    client
        .write_all(alice_signed_head(addr, body).as_bytes())
        .unwrap();
    client
}

/// The peak resident memory of process `pid` (VmHWM), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn error_code(body: &str) -> &str {
    body.split("<Code>")
        .nth(1)
        .and_then(|s| s.split("</Code>").next())
        .unwrap_or("<no code>")
}

/// Runs `tests/real_client/SCRIPT` with `args`, prints what it printed, and requires it to exit
/// 0 with `tally` (its closing `N passed, 0 failed` line, or the part of it the caller fixes).
fn run_client_script(script: &str, args: &[&std::ffi::OsStr], tally: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/real_client")
        .join(script);
    let output = Command::new("python3")
        .arg(path)
        .args(args)
        .output()
        .expect("python3 (with boto3 and the aws CLI) is needed for the real-client tests");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        !stderr.contains("No module named 'boto3'"),
        "boto3 is missing: python3 -m pip install boto3 awscli"
    );
    assert!(
        output.status.success(),
        "{script} checks failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(tally), "{stdout}");
}

#[test]
fn boto3_drives_the_example_server() {
    let server = start_server();
    let url = format!("http://{}", server.addr);
    run_client_script(
        "sts_boto3.py",
        &[url.as_ref()],
        "boto3: 20 passed, 0 failed",
    );
}

#[test]
fn bad_requests_get_error_xml_and_the_server_keeps_serving() {
    let server = start_server();
    let addr = server.addr.as_str();

    let cases: Vec<(&str, (u16, String), u16, &str)> = vec![
        (
            "unsigned GetCallerIdentity",
            post(addr, &[], "Action=GetCallerIdentity&Version=2011-06-15"),
            403,
            "MissingAuthenticationToken",
        ),
        (
            "unknown action",
            post(addr, &[], "Action=DeleteEverything&Version=2011-06-15"),
            400,
            "InvalidAction",
        ),
        (
            "bad percent-encoding",
            post(addr, &[], "Action=GetCallerIdentity%zz&Version=2011-06-15"),
            404,
            "MalformedQueryString",
        ),
        (
            "garbage Authorization header",
            post(
                addr,
                &[("authorization", "AWS4-HMAC-SHA256 garbage".to_owned())],
                "Action=GetCallerIdentity&Version=2011-06-15",
            ),
            400,
            "IncompleteSignature",
        ),
        (
            "wrong secret",
            signed_caller_identity(addr, "x".repeat(40).as_str()),
            403,
            "SignatureDoesNotMatch",
        ),
        (
            "binary body",
            post(addr, &[], "\u{0}\u{1}\u{2}\u{ff}"),
            400,
            "MissingAction",
        ),
        (
            "body over the server's limit (refused below the endpoint, still AWS XML)",
            post(addr, &[], &"x".repeat(300_000)),
            413,
            "RequestEntityTooLarge",
        ),
    ];
    for (name, (status, body), want_status, want_code) in cases {
        assert!(body.contains("<ErrorResponse"), "{name}: {body}");
        assert!(body.contains("<RequestId>"), "{name}: {body}");
        assert_eq!(error_code(&body), want_code, "{name}: {body}");
        assert_eq!(status, want_status, "{name}: {body}");
    }
    // Not HTTP at all: the connection is dropped or answered 400, and the server lives on.
    let _ = raw(addr, b"\x16\x03\x01\x00\xa5 this is not HTTP\r\n\r\n");

    let (status, body) = signed_caller_identity(addr, ALICE_SECRET);
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("<Arn>arn:aws:iam::111111111111:user/alice</Arn>"),
        "{body}"
    );
}

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tempcred-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

/// A new key ring whose one (signing) key is `id`.
fn new_ring(id: &str) -> tempcred::KeyRing {
    tempcred::KeyRing::generate(
        tempcred::keys::KeyId::new(id).unwrap(),
        &tempcred::SystemRandom,
    )
    .unwrap()
}

impl Scratch {
    /// `keys.txt` here, holding a new key ring whose signing key is `id`: the `--keys` file of
    /// the servers a test starts together.
    fn key_file(&self, id: &str) -> PathBuf {
        let keys = self.0.join("keys.txt");
        std::fs::write(&keys, new_ring(id).to_text().as_str()).unwrap();
        keys
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `sts_server` and `instance_credentials` (role/instance of the demo directory) sharing one key
/// ring, then the workload script run against them with `mode`.
fn run_workload_clients(name: &str, extra: &[&str], mode: Option<&str>) {
    let scratch = Scratch::new(name);
    let keys = scratch.key_file("workload-test");
    let token_file = scratch.0.join("container-token");
    let sts = start_example(
        "sts_server",
        &[
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--keys".as_ref(),
            keys.as_os_str(),
        ],
    );
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--role".as_ref(),
        "arn:aws:iam::222222222222:role/instance".as_ref(),
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--keys".as_ref(),
        keys.as_os_str(),
        "--token-file".as_ref(),
        token_file.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    let workload = start_example("instance_credentials", &args);
    let sts_url = format!("http://{}", sts.addr);
    let mut script_args: Vec<&std::ffi::OsStr> = vec![
        sts_url.as_ref(),
        workload.addr.as_ref(),
        token_file.as_os_str(),
    ];
    if let Some(mode) = mode {
        script_args.push(mode.as_ref());
    }
    run_client_script("workload_clients.py", &script_args, " passed, 0 failed");
}

#[test]
fn boto3_and_the_aws_cli_find_workload_credentials_with_only_the_printed_variables() {
    run_workload_clients("workload", &[], None);
}

#[test]
fn credentials_re_issued_before_expiry_are_picked_up_without_a_failed_call() {
    // 900-second sessions re-issued when fewer than 895 seconds remain: a new credential every
    // five seconds, while the clients call for fourteen.
    run_workload_clients(
        "workload-refresh",
        &["--duration", "900", "--refresh-before", "895"],
        Some("refresh"),
    );
}

#[test]
#[cfg(feature = "tower")]
fn a_real_sigv4_client_logs_in_to_app_login_and_reads_only_its_teams_reports() {
    let app = start_example("app_login", &["--listen".as_ref(), "127.0.0.1:0".as_ref()]);
    let url = format!("http://{}", app.addr);
    run_client_script("app_login_client.py", &[url.as_ref()], "5 passed, 0 failed");
}

/// SIGTERM (how service managers stop a server) ends the server within its grace period, after
/// the audit events of the requests it served are written out.
#[test]
#[cfg(unix)]
fn sigterm_stops_the_server_gracefully_and_flushes_the_audit_log() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/directory.json");
    let mut child = Command::new(example_binary("sts_server"))
        .args(["--listen", "127.0.0.1:0", "--directory"])
        .arg(&directory)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("the server exited").unwrap();
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let (status, body) = signed_caller_identity(&addr, ALICE_SECRET);
    assert_eq!(status, 200, "{body}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = std::time::Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "still running 15 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.contains(r#""action":"GetCallerIdentity""#)
            && stderr.contains(r#""caller_arn":"arn:aws:iam::111111111111:user/alice""#),
        "{stderr}"
    );
}

/// Slow clients cannot hold the server (issue 19): with a 1-second header timeout, 100
/// connections that never finish their request head are closed, and a legitimate signed request
/// sent while they are open is served.
#[test]
fn slowloris_connections_are_closed_and_legitimate_requests_served_meanwhile() {
    let server = start_server_with(&["--header-timeout".as_ref(), "1".as_ref()]);
    let mut slow: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\nx-slow: ")
                .unwrap();
            s
        })
        .collect();
    let (status, body) = signed_caller_identity(&server.addr, ALICE_SECRET);
    assert_eq!(status, 200, "{body}");
    std::thread::sleep(Duration::from_millis(2500));
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut buf = [0u8; 64];
        // Closed by the server: end of stream (or a reset), not a timeout.
        match s.read(&mut buf) {
            // End of stream, or hyper's parting answer to an unfinished head.
            Ok(n) => assert!(n == 0 || buf.starts_with(b"HTTP/1.1"), "{n}"),
            Err(e) => assert!(
                e.kind() != std::io::ErrorKind::WouldBlock
                    && e.kind() != std::io::ErrorKind::TimedOut,
                "a slow connection is still open: {e}"
            ),
        }
    }
    let (status, _) = signed_caller_identity(&server.addr, ALICE_SECRET);
    assert_eq!(status, 200);
}

/// What hyper refuses before the application sees a request (a head over the server's 64 KiB,
/// more than 100 headers, a URI over 64 KiB, bytes that are not HTTP) is answered in AWS error
/// XML under hyper's status, not with an empty body SDKs cannot parse; the server keeps serving.
#[test]
fn refusals_below_the_application_get_error_xml_and_the_server_keeps_serving() {
    let server = start_server();
    let addr = server.addr.as_str();
    let many_headers: String = (0..120).map(|i| format!("x-h{i}: v\r\n")).collect();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "a 70 KB header",
            format!(
                "POST / HTTP/1.1\r\nhost: {addr}\r\nx-big: {}\r\n\r\n",
                "a".repeat(70_000)
            )
            .into_bytes(),
            431,
            "RequestHeaderSectionTooLarge",
        ),
        (
            "120 headers",
            format!("POST / HTTP/1.1\r\nhost: {addr}\r\n{many_headers}\r\n").into_bytes(),
            431,
            "RequestHeaderSectionTooLarge",
        ),
        (
            "a 65 535-byte URI (over the head limit)",
            format!(
                "GET /?{} HTTP/1.1\r\nhost: {addr}\r\n\r\n",
                "a".repeat(65_533)
            )
            .into_bytes(),
            431,
            "RequestHeaderSectionTooLarge",
        ),
        (
            "a 40 KB URI (over the URI limit)",
            format!(
                "GET /?{} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n",
                "a".repeat(40_000)
            )
            .into_bytes(),
            414,
            "InvalidURI",
        ),
        (
            "TLS bytes",
            b"\x16\x03\x01\x00\xa5 this is not HTTP\r\n\r\n".to_vec(),
            400,
            "InvalidRequest",
        ),
        (
            "garbage",
            b"\x00\x01\x02\xff\xfe garbage\r\n\r\n".to_vec(),
            400,
            "InvalidRequest",
        ),
    ];
    for (name, request, want_status, want_code) in cases {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // hyper may answer and close before it has read all of a large request.
        let _ = stream.write_all(&request);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        assert_eq!(status, want_status, "{name}: {text}");
        assert!(
            head.to_ascii_lowercase()
                .contains("\r\ncontent-type: text/xml"),
            "{name}: {head}"
        );
        assert!(
            body.starts_with(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
            ),
            "{name}: {body}"
        );
        assert!(body.contains("<RequestId>"), "{name}: {body}");
        assert_eq!(error_code(body), want_code, "{name}: {body}");
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert_eq!(length, body.len(), "{name}: {head}");
    }
    let (status, body) = signed_caller_identity(addr, ALICE_SECRET);
    assert_eq!(status, 200, "{body}");
}

/// A flood of idle connections cannot lock legitimate clients out (issue 19): at the cap, the
/// connection idle the longest is closed to admit a newcomer, whose signed request is served
/// within 100 ms.
#[test]
fn at_the_connection_cap_the_idlest_connection_makes_room_for_a_legitimate_request() {
    let server = start_server_with(&["--max-connections".as_ref(), "64".as_ref()]);
    let mut idle: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    // Let the server accept them all (in order), so that the cap is reached.
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let (status, body) = signed_caller_identity(&server.addr, ALICE_SECRET);
        let took = started.elapsed();
        assert_eq!(status, 200, "{body}");
        assert!(took < Duration::from_millis(100), "{took:?}");
    }
    // The oldest idle connections were closed to make room: end of stream.
    let first = idle.first_mut().unwrap();
    first
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = [0u8; 16];
    match first.read(&mut buf) {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert!(
            e.kind() != std::io::ErrorKind::WouldBlock && e.kind() != std::io::ErrorKind::TimedOut,
            "the idlest connection is still open: {e}"
        ),
    }
}

#[test]
#[cfg(feature = "tower")]
fn boto3_and_the_aws_cli_use_object_store_in_every_payload_mode() {
    let scratch = Scratch::new("s3-clients");
    let keys = scratch.key_file("s3-test");
    let local = ["--listen".as_ref(), "127.0.0.1:0".as_ref()];
    let with_keys = ["--keys".as_ref(), keys.as_os_str()];
    let sts = start_example("sts_server", &[&local[..], &with_keys[..]].concat());
    let store = start_example("object_store", &[&local[..], &with_keys[..]].concat());
    let (store_url, sts_url) = (
        format!("http://{}", store.addr),
        format!("http://{}", sts.addr),
    );
    run_client_script(
        "s3_clients.py",
        &[store_url.as_ref(), sts_url.as_ref(), scratch.0.as_os_str()],
        " passed, 0 failed",
    );
}

/// Issue 18: boto3 and the AWS CLI (through a `credential_process` profile running the
/// `attenuate` example) sign with credentials attenuated offline: `sts_server` answers
/// GetCallerIdentity and refuses AssumeRole, `object_store` allows a read within the policy
/// caveat's prefix and refuses writes and deletes.
#[test]
#[cfg(feature = "tower")]
fn boto3_and_the_aws_cli_sign_with_attenuated_credentials() {
    let scratch = Scratch::new("attenuate");
    let keys = scratch.key_file("attenuate-test");
    let local = ["--listen".as_ref(), "127.0.0.1:0".as_ref()];
    let with_keys = ["--keys".as_ref(), keys.as_os_str()];
    let sts = start_example("sts_server", &[&local[..], &with_keys[..]].concat());
    let store = start_example("object_store", &[&local[..], &with_keys[..]].concat());
    let (sts_url, store_url) = (
        format!("http://{}", sts.addr),
        format!("http://{}", store.addr),
    );
    let attenuate = example_binary("attenuate");
    run_client_script(
        "attenuate_clients.py",
        &[
            sts_url.as_ref(),
            store_url.as_ref(),
            attenuate.as_os_str(),
            scratch.0.as_os_str(),
        ],
        "attenuate: 11 passed, 0 failed",
    );
}

/// Issue 16: boto3 asks one `sts_server` (`--issuer`) for a web identity token; PyJWT verifies it
/// with the keys the server's discovery document points to; a second `sts_server`, whose
/// directory lists the first as an OIDC provider with the JWKS fetched from it, takes the token
/// in `AssumeRoleWithWebIdentity`. Nothing passes between the two deployments but public keys.
#[cfg(feature = "oidc")]
#[test]
fn boto3_gets_a_web_identity_token_that_pyjwt_and_a_second_deployment_accept() {
    use tempcred::outbound::{SigningAlgorithm, SigningKeyRing, SigningKeyRole};
    const ISSUER: &str = "https://sts-a.tempcred.test";
    let scratch = Scratch::new("outbound");
    let signing = scratch.0.join("signing.txt");
    let mut ring = SigningKeyRing::new();
    for (id, alg) in [
        ("rs-a", SigningAlgorithm::Rs256),
        ("es-a", SigningAlgorithm::Es384),
    ] {
        let id = tempcred::keys::KeyId::new(id).unwrap();
        ring.generate(id, alg, SigningKeyRole::Sign, &tempcred::SystemRandom)
            .unwrap();
    }
    std::fs::write(&signing, ring.to_text().as_str()).unwrap();
    let a = start_example(
        "sts_server",
        &[
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--issuer".as_ref(),
            ISSUER.as_ref(),
            "--signing-keys".as_ref(),
            signing.as_os_str(),
        ],
    );
    // Deployment B learns A's public keys the way a relying party does: over HTTP, from A.
    let (status, jwks) = raw(
        &a.addr,
        format!(
            "GET /.well-known/jwks.json HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            a.addr
        )
        .as_bytes(),
    );
    assert_eq!(status, 200, "{jwks}");
    let jwks: serde_json::Value = serde_json::from_str(&jwks).unwrap();
    let directory_b = serde_json::json!({
        "partition": "aws",
        "users": [],
        "roles": [{
            "arn": "arn:aws:iam::999999999999:role/from-a",
            "trust_policy": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::999999999999:oidc-provider/sts-a.tempcred.test"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {
                    "sts-a.tempcred.test:aud": "tempcred-b",
                    "sts-a.tempcred.test:sub": "arn:aws:iam::111111111111:user/alice"}}}]},
            "policies": []
        }],
        "oidc_providers": [{
            "arn": "arn:aws:iam::999999999999:oidc-provider/sts-a.tempcred.test",
            "url": ISSUER,
            "audiences": ["tempcred-b"],
            "jwks": jwks
        }]
    });
    let dir_b = scratch.0.join("directory-b.json");
    std::fs::write(&dir_b, directory_b.to_string()).unwrap();
    let b = start_example(
        "sts_server",
        &[
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--directory".as_ref(),
            dir_b.as_os_str(),
        ],
    );
    let (url_a, url_b) = (format!("http://{}", a.addr), format!("http://{}", b.addr));
    run_client_script(
        "outbound_federation.py",
        &[url_a.as_ref(), url_b.as_ref(), ISSUER.as_ref()],
        "outbound: 9 passed, 0 failed",
    );
}

/// Issue 16, part 2: a refusal by `object_store` carries an encoded authorization message that
/// boto3 and the AWS CLI decode through `sts_server` (the same key ring), for a principal allowed
/// `sts:DecodeAuthorizationMessage`, and only for it.
#[test]
#[cfg(all(feature = "tower", feature = "authorization-messages"))]
fn boto3_decodes_an_object_store_refusal_through_the_sts_server() {
    let scratch = Scratch::new("decode-message");
    let keys = scratch.key_file("decode-test");
    let local = ["--listen".as_ref(), "127.0.0.1:0".as_ref()];
    let with_keys = ["--keys".as_ref(), keys.as_os_str()];
    let sts = start_example("sts_server", &[&local[..], &with_keys[..]].concat());
    let store = start_example("object_store", &[&local[..], &with_keys[..]].concat());
    let (store_url, sts_url) = (
        format!("http://{}", store.addr),
        format!("http://{}", sts.addr),
    );
    run_client_script(
        "decode_authorization_message.py",
        &[store_url.as_ref(), sts_url.as_ref()],
        "6 passed, 0 failed",
    );
}

/// Issue 19: two `sts_server` replicas sharing one key ring, one directory file, one revocation
/// file and a Redis TOTP replay store. boto3 shows a TOTP code used at one replica is refused at
/// the other, and that SIGHUP makes both pick up a revocation cut-off (and a directory change),
/// while a file that does not parse leaves them as they were.
#[test]
#[cfg(all(unix, feature = "redis"))]
fn two_replicas_share_totp_replay_in_redis_and_reload_revocations_on_sighup() {
    let Some(redis) = redis_server::start_redis("two_replicas") else {
        return;
    };
    let scratch = Scratch::new("replicas");
    let keys = scratch.key_file("replicas-test");
    let directory = scratch.0.join("directory.json");
    std::fs::write(&directory, tempcred::directory::demo_directory_json()).unwrap();
    let revocations = scratch.0.join("revocations.txt");
    std::fs::write(&revocations, "# account role issued-before\n").unwrap();
    let url = redis.url();
    let args: Vec<&std::ffi::OsStr> = vec![
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--keys".as_ref(),
        keys.as_os_str(),
        "--directory".as_ref(),
        directory.as_os_str(),
        "--revocations".as_ref(),
        revocations.as_os_str(),
        "--totp-replay".as_ref(),
        url.as_ref(),
    ];
    let a = start_example("sts_server", &args);
    let b = start_example("sts_server", &args);
    let (url_a, url_b) = (format!("http://{}", a.addr), format!("http://{}", b.addr));
    let (pid_a, pid_b) = (a.child.id().to_string(), b.child.id().to_string());
    run_client_script(
        "replicas.py",
        &[
            url_a.as_ref(),
            url_b.as_ref(),
            pid_a.as_ref(),
            pid_b.as_ref(),
            directory.as_os_str(),
            revocations.as_os_str(),
        ],
        "replicas: 5 passed, 0 failed",
    );
}

/// `--reload-every 1`: a directory file replaced in place (a new secret for alice) is picked up
/// without a signal; a replacement that does not parse keeps the running directory.
#[test]
fn the_directory_is_reloaded_when_its_file_changes() {
    const NEW_SECRET: &str = "aliceRotatedSecretForTestsOnly0000000000";
    let scratch = Scratch::new("reload-poll");
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/directory.json"),
    )
    .unwrap();
    assert!(original.contains(ALICE_SECRET));
    let directory = scratch.0.join("directory.json");
    std::fs::write(&directory, &original).unwrap();
    let server = start_example(
        "sts_server",
        &[
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--directory".as_ref(),
            directory.as_os_str(),
            "--reload-every".as_ref(),
            "1".as_ref(),
        ],
    );
    assert_eq!(signed_caller_identity(&server.addr, ALICE_SECRET).0, 200);
    let replace = |text: &str| {
        let tmp = scratch.0.join("directory.json.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &directory).unwrap();
    };
    replace(&original.replace(ALICE_SECRET, NEW_SECRET));
    let started = std::time::Instant::now();
    while signed_caller_identity(&server.addr, NEW_SECRET).0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the new directory was not loaded within 10 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, body) = signed_caller_identity(&server.addr, ALICE_SECRET);
    assert_eq!((status, error_code(&body)), (403, "SignatureDoesNotMatch"));
    // Not JSON: the running directory stays.
    replace("{ not json");
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(signed_caller_identity(&server.addr, NEW_SECRET).0, 200);
}

/// The text of the first `<tag>` element of `xml`.
fn element<'a>(xml: &'a str, tag: &str) -> &'a str {
    xml.split(&format!("<{tag}>"))
        .nth(1)
        .and_then(|s| s.split(&format!("</{tag}>")).next())
        .unwrap_or("")
}

/// Temporary credentials from the server's `GetSessionToken` for alice: (key ID, secret, token).
fn session_for_alice(addr: &str) -> (String, String, String) {
    let (status, body) = signed_post(
        addr,
        (ALICE_KEY, ALICE_SECRET, None),
        "Action=GetSessionToken&Version=2011-06-15",
    );
    assert_eq!(status, 200, "{body}");
    let [id, secret, token] =
        ["AccessKeyId", "SecretAccessKey", "SessionToken"].map(|t| element(&body, t).to_owned());
    (id, secret, token)
}

/// Key rotation without a restart (issue 19): SIGHUP re-reads `--keys`. With the new key signing
/// and the old one kept for verifying, sessions issued before still work and new ones are signed
/// with the new key; once the old key is dropped, its sessions are refused; a key file that does
/// not parse keeps the running ring.
#[test]
fn sighup_rotates_the_key_ring_from_its_file() {
    let scratch = Scratch::new("reload-keys");
    let keys = scratch.0.join("keys.txt");
    let (old, new) = (new_ring("old"), new_ring("new"));
    let line_of = |ring: &tempcred::KeyRing| ring.to_text().trim().to_owned();
    let write = |text: String| {
        let tmp = scratch.0.join("keys.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &keys).unwrap();
    };
    write(line_of(&old));
    let server = start_server_with(&["--keys".as_ref(), keys.as_os_str()]);
    let hangup = || {
        let sent = Command::new("kill")
            .args(["-HUP", &server.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    };
    let caller_identity = |(id, secret, token): &(String, String, String)| {
        signed_post(
            &server.addr,
            (id, secret, Some(token)),
            "Action=GetCallerIdentity&Version=2011-06-15",
        )
    };
    let before = session_for_alice(&server.addr);
    assert_eq!(caller_identity(&before).0, 200);

    // New key signs, old key verifies.
    write(format!(
        "{}\n{}",
        line_of(&new),
        line_of(&old).replacen("sign:", "verify:", 1)
    ));
    hangup();
    let only_new = tempcred::Verifier::new(&new);
    let started = std::time::Instant::now();
    let after = loop {
        let session = session_for_alice(&server.addr);
        if only_new.verify(&session.2, SystemClock.now()).is_ok() {
            break session;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no reload in 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(tempcred::Verifier::new(&old)
        .verify(&after.2, SystemClock.now())
        .is_err());
    assert_eq!(caller_identity(&before).0, 200, "an old session is refused");
    assert_eq!(caller_identity(&after).0, 200);

    // The old key dropped: its sessions are refused, the new key's are not.
    write(line_of(&new));
    hangup();
    let started = std::time::Instant::now();
    let (status, body) = loop {
        let answer = caller_identity(&before);
        if answer.0 != 200 {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no reload in 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        (status, error_code(&body)),
        (403, "InvalidClientTokenId"),
        "{body}"
    );
    assert_eq!(caller_identity(&after).0, 200);

    // A key file that does not parse keeps the running ring.
    write("sign:broken".to_owned());
    hangup();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(caller_identity(&after).0, 200);
    assert_eq!(caller_identity(&before).0, 403);
}

/// A body that does not arrive within `--request-timeout` is cut there with AWS error XML
/// (`RequestTimeout` under 400, as S3 answers a socket not read from in time: "Error
/// responses", Amazon S3 API Reference), and the server keeps serving.
#[test]
fn a_slow_body_is_cut_at_the_request_timeout() {
    let server = start_server_with(&["--request-timeout".as_ref(), "1".as_ref()]);
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(
        b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\n\
          content-length: 100\r\n\r\nAction=",
    )
    .unwrap();
    let started = std::time::Instant::now();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut response = Vec::new();
    let _ = slow.read_to_end(&mut response);
    let waited = started.elapsed();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert_eq!(error_code(&text), "RequestTimeout", "{text}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    assert_eq!(signed_caller_identity(&server.addr, ALICE_SECRET).0, 200);
}

/// A request whose body is still arriving is not "idle" (review of issue 19): at the connection
/// cap, a client that sends its head, pauses as a client across a network does, then sends its
/// body, is served while another client opens connection after connection. (Before, the
/// paused request was the idlest connection and was closed for each newcomer.)
#[test]
fn a_request_in_progress_is_not_shed_for_newcomers() {
    let server = start_server_with(&["--max-connections".as_ref(), "8".as_ref()]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flood = {
        let (addr, stop) = (server.addr.clone(), std::sync::Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut opened = 0u32;
            let mut held = std::collections::VecDeque::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(s) = TcpStream::connect(&addr) {
                    held.push_back(s);
                    opened += 1;
                }
                if held.len() > 16 {
                    held.pop_front();
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            opened
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    for i in 0..5 {
        let mut client = send_alice_signed_head(&server.addr, body);
        // Some 25 connections arrive while this one waits: three times the cap.
        std::thread::sleep(Duration::from_millis(50));
        let _ = client.write_all(body.as_bytes());
        let mut response = Vec::new();
        let _ = client.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response);
        assert!(text.starts_with("HTTP/1.1 200"), "request {i}: {text:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let opened = flood.join().unwrap();
    assert!(opened > 100, "the flood opened only {opened} connections");
}

/// Request memory stays within the documented bound for chunked bodies too (review of issue 19):
/// 16 connections each stalled after 224 KiB of one-byte chunks (1.3 MiB on the wire each) grow
/// the server by about 16 × 224 KiB, not by the megabytes per connection that keeping every
/// chunk as its own buffer cost. A chunked body over the limit is refused as it arrives; one
/// under it is read whole.
#[test]
fn chunked_bodies_of_tiny_chunks_stay_within_the_memory_bound() {
    let server = start_server();
    let pid = server.child.id();
    // Settle the allocator with a few ordinary requests first.
    for _ in 0..5 {
        assert_eq!(signed_caller_identity(&server.addr, ALICE_SECRET).0, 200);
    }
    let before = peak_rss_kib(pid);
    let chunk_bytes: Vec<u8> = b"1\r\na\r\n".repeat(224 * 1024);
    let stalled: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            s.write_all(
                b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\n",
            )
            .unwrap();
            s.write_all(&chunk_bytes).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let grown_mib = (peak_rss_kib(pid).saturating_sub(before)) / 1024;
    eprintln!("16 stalled chunked bodies: the server grew by {grown_mib} MiB");
    // The documented bound for 16 connections is 16 × (64 KiB + 256 KiB) = 5 MiB; 24 MiB leaves
    // the allocator room and still fails the ~100 MiB the frame-per-buffer read took.
    assert!(
        grown_mib < 24,
        "16 stalled chunked bodies grew the server by {grown_mib} MiB"
    );
    drop(stalled);

    // Over the limit in small chunks: refused with XML, not read to the end.
    let over: Vec<u8> = b"1000\r\n"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'a', 0x1000))
        .chain(b"\r\n".iter().copied())
        .collect::<Vec<u8>>()
        .repeat(80);
    let mut request = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    request.extend_from_slice(&over);
    request.extend_from_slice(b"0\r\n\r\n");
    let (status, body) = raw(&server.addr, &request);
    assert_eq!(
        (status, error_code(&body)),
        (413, "RequestEntityTooLarge"),
        "{body}"
    );

    // A signed body sent in one-byte chunks is read whole and verified.
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let head = alice_signed_head(&server.addr, body).replace(
        &format!("content-length: {}\r\n", body.len()),
        "transfer-encoding: chunked\r\n",
    );
    let mut request = head.into_bytes();
    for b in body.bytes() {
        request.extend_from_slice(b"1\r\n");
        request.push(b);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let (status, answer) = raw(&server.addr, &request);
    assert_eq!(status, 200, "{answer}");
}

/// A client that shuts down its sending side after its request (`nc -N`) still gets its answer
/// (review of issue 19: such requests were often dropped without one).
#[test]
fn a_half_closed_request_is_answered() {
    let server = start_server();
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    for _ in 0..20 {
        let mut client = send_alice_signed_head(&server.addr, body);
        client.write_all(body.as_bytes()).unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let mut response = Vec::new();
        let _ = client.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response);
        assert!(text.starts_with("HTTP/1.1 200"), "{text:?}");
    }
}
