//! A throwaway `redis-server` (Debian's package; `.ci/run` installs it) on a free loopback port,
//! killed when dropped. Under `CI=true` a missing `redis-server` fails the test; elsewhere the
//! test is skipped with the reason printed.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`; killed when dropped.
pub(crate) struct RedisServer {
    child: Child,
    /// `127.0.0.1:PORT`
    pub(crate) addr: String,
}

impl RedisServer {
    /// `redis://127.0.0.1:PORT/`
    pub(crate) fn url(&self) -> String {
        format!("redis://{}/", self.addr)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a `redis-server` without persistence on a free port and waits until it answers
/// `PING`. `None` (with the reason printed) when `redis-server` is not installed and `CI` is not
/// `true`.
pub(crate) fn start_redis(test: &str) -> Option<RedisServer> {
    let found = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: redis-server is missing under CI=true (.ci/run installs it: apt-get install redis-server)"
        );
        println!("{test}: SKIPPED: redis-server is not installed (apt-get install redis-server)");
        return None;
    }
    // The port is free when asked; another process could take it before redis binds, in which
    // case redis exits and the PING loop below fails with its message.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = RedisServer {
        child,
        addr: format!("127.0.0.1:{port}"),
    };
    let started = Instant::now();
    loop {
        if ping(&server.addr) {
            return Some(server);
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{test}: redis-server on port {port} did not answer PING within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ping(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 7];
    s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}
