//! A [`ReplayStore`] in Redis or Valkey, shared by every replica that points at the same server.
//!
//! One key per device, `tempcred:totp:<serial>`, holding the last accepted step. A small Lua
//! script compares and sets it; Redis runs a script as one command (no other command, from any
//! client, runs in between), so the compare and the write are atomic across all replicas.

use super::replay::{ReplayStore, ReplayStoreError};
use crate::session::MfaSerialNumber;
use std::time::Duration;

/// The prefix of every key this store writes.
pub const REDIS_KEY_PREFIX: &str = "tempcred:totp:";

/// Returns 1 and records ARGV[1] (with a TTL of ARGV[2] seconds) when it is newer than the
/// recorded step or none is recorded; 0 otherwise. A recorded value that is not a number makes
/// the comparison fail, which is an error reply, so the code is refused.
const RECORD_SCRIPT: &str = r"
local last = redis.call('GET', KEYS[1])
if last and tonumber(last) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
";

/// The default time to connect (TCP and the Redis handshake).
pub const REDIS_DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// The default time to wait for the script's answer.
pub const REDIS_DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);

/// A [`ReplayStore`] in a Redis (or Valkey) server (feature `redis`).
///
/// Every check opens its own connection, with a connect timeout and a response timeout (by
/// default 500 ms each), runs one script and closes it. MFA checks come at human speed, so the
/// cost of a connection (well under a millisecond on a LAN) buys two things a reused
/// connection does not give: a timed-out connection, whose late answer would otherwise be
/// read as the answer to the next check, is never reused, and there is no pool to size or to
/// exhaust. A dead or stalled server costs a request at most the two timeouts, then the code is
/// refused ([`ReplayStoreError`]).
///
/// What is guaranteed: for clients of one Redis primary, of any number of uses of a code at any
/// replicas, at most one is accepted, and no code older than the last accepted one. Records
/// expire once no replica would accept their code any more (the verifier's `keep_for`). Not
/// guaranteed: a Redis that loses writes (restarted without persistence, or failed over to an
/// asynchronous replica) forgets the steps it lost, so a code used just before may be accepted
/// once more within its 90-second window. Host names are resolved by the system resolver,
/// which the timeouts do not bound: give an IP address, or a name the resolver answers fast.
///
/// ```no_run
/// # use std::sync::Arc;
/// # use tempcred::directory::{demo_directory_json, InMemoryDirectory};
/// use tempcred::mfa::RedisReplayStore;
/// use tempcred::TotpVerifier;
/// # let directory = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
/// let store = RedisReplayStore::open("redis://10.0.0.5:6379/")?;
/// let verifier = TotpVerifier::new(directory).with_replay_store(Arc::new(store));
/// # Ok::<(), tempcred::mfa::ReplayStoreError>(())
/// ```
pub struct RedisReplayStore {
    client: redis::Client,
    connect_timeout: Duration,
    response_timeout: Duration,
}

impl std::fmt::Debug for RedisReplayStore {
    // The connection info may hold a password: not printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .finish_non_exhaustive()
    }
}

impl RedisReplayStore {
    /// A store at `url` (`redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`, or `rediss://` when the
    /// redis crate is built with TLS), with the default timeouts. Connects only when used.
    ///
    /// # Errors
    ///
    /// [`ReplayStoreError::Config`] when `url` is not a Redis URL (the message does not repeat
    /// it: it may hold a password).
    pub fn open(url: &str) -> Result<Self, ReplayStoreError> {
        let client = redis::Client::open(url)
            .map_err(|_| ReplayStoreError::Config("not a redis:// URL".to_owned()))?;
        Ok(RedisReplayStore {
            client,
            connect_timeout: REDIS_DEFAULT_CONNECT_TIMEOUT,
            response_timeout: REDIS_DEFAULT_RESPONSE_TIMEOUT,
        })
    }

    /// Sets the connect and response timeouts (each at least 1 ms; shorter ones are raised to it,
    /// since a zero timeout means "none" to the socket).
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, response: Duration) -> Self {
        let floor = Duration::from_millis(1);
        self.connect_timeout = connect.max(floor);
        self.response_timeout = response.max(floor);
        self
    }

    /// Connects and sends `PING`: for a server to check its store at start.
    ///
    /// # Errors
    ///
    /// [`ReplayStoreError`] when the server cannot be reached or does not answer in time.
    pub fn ping(&self) -> Result<(), ReplayStoreError> {
        let mut connection = self.connect()?;
        redis::cmd("PING")
            .query::<String>(&mut connection)
            .map_err(query_error)?;
        Ok(())
    }

    fn connect(&self) -> Result<redis::Connection, ReplayStoreError> {
        let connection = self
            .client
            .get_connection_with_timeout(self.connect_timeout)
            .map_err(|e| {
                if e.is_timeout() {
                    ReplayStoreError::Unreachable("connect timed out".to_owned())
                } else {
                    ReplayStoreError::Unreachable(e.to_string())
                }
            })?;
        connection
            .set_read_timeout(Some(self.response_timeout))
            .and_then(|()| connection.set_write_timeout(Some(self.response_timeout)))
            .map_err(|e| ReplayStoreError::Unreachable(e.to_string()))?;
        Ok(connection)
    }
}

fn query_error(e: redis::RedisError) -> ReplayStoreError {
    if e.is_timeout() {
        ReplayStoreError::TimedOut
    } else if e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() {
        ReplayStoreError::Unreachable(e.to_string())
    } else {
        ReplayStoreError::Failed(e.to_string())
    }
}

impl ReplayStore for RedisReplayStore {
    fn record_first_use(
        &self,
        serial: &MfaSerialNumber,
        step: u64,
        keep_for: Duration,
    ) -> Result<bool, ReplayStoreError> {
        let mut connection = self.connect()?;
        let ttl = keep_for.as_secs().max(1);
        let recorded: i64 = redis::cmd("EVAL")
            .arg(RECORD_SCRIPT)
            .arg(1)
            .arg(format!("{REDIS_KEY_PREFIX}{}", serial.as_str()))
            .arg(step)
            .arg(ttl)
            .query(&mut connection)
            .map_err(query_error)?;
        match recorded {
            1 => Ok(true),
            0 => Ok(false),
            other => Err(ReplayStoreError::Failed(format!(
                "unexpected script answer {other}"
            ))),
        }
    }
}
