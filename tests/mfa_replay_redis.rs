//! The Redis TOTP replay store against a real `redis-server`: what one replica records, another
//! sees; the compare-and-record is atomic under racing replicas; records expire; a store that
//! cannot answer refuses the code within its timeouts.

use crate::redis_server::start_redis;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory};
use tempcred::limits::TOTP_REPLAY_CLOCK_MARGIN_SECS;
use tempcred::mfa::{totp_code, RedisReplayStore, ReplayStore, ReplayStoreError, REDIS_KEY_PREFIX};
use tempcred::{MfaError, MfaSerialNumber, MfaTokenCode, MfaVerifier, TotpVerifier, UnixTime};

const KEEP: Duration = Duration::from_secs(90);

fn serial(name: &str) -> MfaSerialNumber {
    MfaSerialNumber::new(&format!("arn:aws:iam::111111111111:mfa/{name}")).unwrap()
}

fn redis_cmd(url: &str, args: &[&str]) -> redis::Value {
    let client = redis::Client::open(url).unwrap();
    let mut con = client.get_connection().unwrap();
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(&mut con).unwrap()
}

#[test]
fn a_step_recorded_by_one_replica_is_a_replay_at_another() {
    let Some(redis) = start_redis("redis_replay_across_replicas") else {
        return;
    };
    let a = RedisReplayStore::open(&redis.url()).unwrap();
    let b = RedisReplayStore::open(&redis.url()).unwrap();
    let alice = serial("alice");
    assert_eq!(a.record_first_use(&alice, 1000, KEEP), Ok(true));
    assert_eq!(b.record_first_use(&alice, 1000, KEEP), Ok(false));
    assert_eq!(a.record_first_use(&alice, 1000, KEEP), Ok(false));
    // An older step than the last accepted one is a replay everywhere.
    assert_eq!(b.record_first_use(&alice, 999, KEEP), Ok(false));
    assert_eq!(b.record_first_use(&alice, 1001, KEEP), Ok(true));
    assert_eq!(a.record_first_use(&alice, 1000, KEEP), Ok(false));
    assert_eq!(a.record_first_use(&alice, 1001, KEEP), Ok(false));
    // Another device is independent.
    assert_eq!(a.record_first_use(&serial("bob"), 5, KEEP), Ok(true));
}

#[test]
fn records_are_namespaced_and_expire_after_keep_for() {
    let Some(redis) = start_redis("redis_replay_expiry") else {
        return;
    };
    let store = RedisReplayStore::open(&redis.url()).unwrap();
    let alice = serial("alice");
    assert_eq!(store.record_first_use(&alice, 7, KEEP), Ok(true));
    let key = format!("{REDIS_KEY_PREFIX}{}", alice.as_str());
    assert_eq!(key, "tempcred:totp:arn:aws:iam::111111111111:mfa/alice");
    let ttl = redis_cmd(&redis.url(), &["TTL", &key]);
    assert!(
        matches!(ttl, redis::Value::Int(t) if t > 80 && t <= 90),
        "{ttl:?}"
    );
    // A 1-second record is gone after it expires, and the step is then new again.
    let bob = serial("bob");
    assert_eq!(
        store.record_first_use(&bob, 7, Duration::from_secs(1)),
        Ok(true)
    );
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(store.record_first_use(&bob, 7, KEEP), Ok(true));
}

#[test]
fn of_racing_replicas_exactly_one_records_a_step() {
    let Some(redis) = start_redis("redis_replay_race") else {
        return;
    };
    let url = redis.url();
    for step in 0..20u64 {
        let alice = serial("alice");
        let firsts: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let url = url.clone();
                    // A store per thread: separate replicas, separate connections.
                    s.spawn(move || {
                        let store = RedisReplayStore::open(&url).unwrap();
                        store.record_first_use(&alice, 100 + step, KEEP) == Ok(true)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(firsts, 1, "step {step}");
    }
}

#[test]
fn a_record_that_is_not_a_step_fails_closed() {
    let Some(redis) = start_redis("redis_replay_garbage") else {
        return;
    };
    let store = RedisReplayStore::open(&redis.url()).unwrap();
    let alice = serial("alice");
    let key = format!("{REDIS_KEY_PREFIX}{}", alice.as_str());
    redis_cmd(&redis.url(), &["SET", &key, "not-a-number"]);
    assert!(matches!(
        store.record_first_use(&alice, 1, KEEP),
        Err(ReplayStoreError::Failed(_))
    ));
}

#[test]
fn an_unreachable_or_stalled_store_refuses_within_its_timeouts() {
    // No server: connection refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let store = RedisReplayStore::open(&format!("redis://127.0.0.1:{port}/")).unwrap();
    let started = Instant::now();
    assert!(matches!(
        store.record_first_use(&serial("alice"), 1, KEEP),
        Err(ReplayStoreError::Unreachable(_))
    ));
    assert!(started.elapsed() < Duration::from_secs(2));
    // A server that accepts but never answers: cut off at the timeouts, not hung.
    let stalled = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", stalled.local_addr().unwrap());
    let store = RedisReplayStore::open(&url)
        .unwrap()
        .with_timeouts(Duration::from_millis(200), Duration::from_millis(200));
    let started = Instant::now();
    let answer = store.record_first_use(&serial("alice"), 1, KEEP);
    let took = started.elapsed();
    assert!(answer.is_err(), "{answer:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(store.ping().is_err());
    // Through the verifier: refused, as an unavailable store.
    let directory = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
    let alice = serial("alice");
    let seed = directory.mfa_device(&alice).unwrap().seed().clone();
    let now = UnixTime::from_secs(1_700_000_000);
    let code = MfaTokenCode::new(&format!("{:06}", totp_code(&seed, now))).unwrap();
    let verifier = TotpVerifier::new(directory).with_replay_store(Arc::new(store));
    assert_eq!(
        verifier.verify(&alice, &code, now),
        Err(MfaError::ReplayStoreUnavailable)
    );
    drop(stalled);
}

#[test]
fn a_bad_url_is_a_config_error_that_does_not_repeat_it() {
    let err = RedisReplayStore::open("http://:hunter2@example/").unwrap_err();
    assert!(matches!(err, ReplayStoreError::Config(_)), "{err:?}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    let store = RedisReplayStore::open("redis://:hunter2@127.0.0.1:1/").unwrap();
    let shown = format!("{store:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    // What it does show: the type and its timeouts (a Debug that printed nothing would hide a
    // misconfigured store from the operator as well as the password).
    assert!(
        shown.starts_with("RedisReplayStore {") && shown.contains("connect_timeout: 500ms"),
        "{shown}"
    );
}

#[test]
fn totp_verifiers_of_two_replicas_share_one_redis() {
    let Some(redis) = start_redis("redis_replay_totp_verifiers") else {
        return;
    };
    let replica = || {
        let directory = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
        TotpVerifier::new(directory)
            .with_replay_store(Arc::new(RedisReplayStore::open(&redis.url()).unwrap()))
    };
    let (a, b) = (replica(), replica());
    assert!(redis.url().starts_with("redis://127.0.0.1:"));
    let alice = serial("alice");
    let seed = a.directory().mfa_device(&alice).unwrap().seed().clone();
    let code_at = |t: u64| {
        MfaTokenCode::new(&format!("{:06}", totp_code(&seed, UnixTime::from_secs(t)))).unwrap()
    };
    let now = 1_700_000_000u64;
    let at = UnixTime::from_secs(now);
    assert_eq!(a.verify(&alice, &code_at(now), at), Ok(()));
    assert_eq!(
        b.verify(&alice, &code_at(now), at),
        Err(MfaError::ReusedCode)
    );
    assert_eq!(
        b.verify(&alice, &code_at(now - 30), at),
        Err(MfaError::ReusedCode)
    );
    // The record is kept past the code's window by the clock margin.
    let key = format!("{REDIS_KEY_PREFIX}{}", alice.as_str());
    let ttl = redis_cmd(&redis.url(), &["TTL", &key]);
    let window_left = (now / 30 + 2) * 30 - now;
    assert!(
        matches!(ttl, redis::Value::Int(t) if t > 0 && t as u64 <= window_left + TOTP_REPLAY_CLOCK_MARGIN_SECS),
        "{ttl:?}"
    );
}
