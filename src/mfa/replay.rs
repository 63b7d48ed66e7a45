//! Where a [`TotpVerifier`](crate::TotpVerifier) remembers which TOTP codes were used: the
//! [`ReplayStore`] trait, the per-process [`InMemoryReplayStore`] and (feature `redis`) a store
//! shared by several replicas.
//!
//! Invariants every store keeps: per device, the recorded step only moves forward, and
//! "is this step newer than the recorded one? then record it" is one atomic step, so of two
//! concurrent uses of a code exactly one is the first. A store that cannot answer says so with a
//! [`ReplayStoreError`], and the verifier then refuses the code (fail closed): an unreachable
//! store never turns into "not used before".

use crate::session::MfaSerialNumber;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Records which TOTP time steps each MFA device has used (RFC 6238 §5.2), for
/// [`TotpVerifier`](crate::TotpVerifier).
///
/// The contract is "the last accepted step per device": [`ReplayStore::record_first_use`]
/// atomically compares `step` with the step recorded for `serial` and, only if `step` is newer
/// (or nothing is recorded), records it. So a code works once, and a code of an older step than
/// the last accepted one is refused too (an attacker who saw an earlier code cannot use it after
/// the user's later one). Implementations shared by several processes must make the
/// compare-and-record atomic across all of them (one Redis primary running a script, a database
/// row updated under a condition), not just within one.
///
/// A store that cannot tell must return an error: the verifier refuses the code
/// ([`MfaError::ReplayStoreUnavailable`](crate::MfaError::ReplayStoreUnavailable)). It must never
/// answer `Ok(true)` when it does not know.
pub trait ReplayStore: Send + Sync {
    /// Records `step` as `serial`'s last used step if it is newer than the one recorded.
    ///
    /// Returns `Ok(true)` when it was recorded (the first use of this code), `Ok(false)` when a
    /// code of this step or a later one was already used (a replay). `keep_for` is how long the
    /// record must at least be kept: until no verifier accepts a code of `step` any more, clock
    /// skew between replicas included; a store may keep it longer (the in-memory store keeps one
    /// step per device for the life of the process).
    ///
    /// # Errors
    ///
    /// [`ReplayStoreError`] when the store cannot answer; the code is then refused.
    fn record_first_use(
        &self,
        serial: &MfaSerialNumber,
        step: u64,
        keep_for: Duration,
    ) -> Result<bool, ReplayStoreError>;
}

impl<S: ReplayStore + ?Sized> ReplayStore for std::sync::Arc<S> {
    fn record_first_use(
        &self,
        serial: &MfaSerialNumber,
        step: u64,
        keep_for: Duration,
    ) -> Result<bool, ReplayStoreError> {
        (**self).record_first_use(serial, step, keep_for)
    }
}

/// Why a [`ReplayStore`] could not answer. The code in question is refused either way; the
/// variants are for the operator's logs. Messages name the store's failure, never a code, a
/// seed or the store's credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayStoreError {
    /// The store's address or URL is not usable.
    #[error("replay store configuration: {0}")]
    Config(String),
    /// No connection could be made (refused, unreachable, or not within the connect timeout).
    #[error("replay store unreachable: {0}")]
    Unreachable(String),
    /// Connected, but no answer within the response timeout.
    #[error("replay store did not answer in time")]
    TimedOut,
    /// The store answered with an error or with something this client does not expect.
    #[error("replay store failed: {0}")]
    Failed(String),
}

/// The per-process [`ReplayStore`]: one step per device in a map behind a mutex.
///
/// Replicas that each hold one remember separately, so a code can be used once per replica;
/// share a store between them (feature `redis`: `RedisReplayStore`) to make it once in all.
/// The map holds one entry per device that has used a code (the verifier records only devices
/// the directory knows), so it stays bounded and needs no expiry.
#[derive(Debug, Default)]
pub struct InMemoryReplayStore {
    last_step: Mutex<HashMap<MfaSerialNumber, u64>>,
}

impl InMemoryReplayStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl ReplayStore for InMemoryReplayStore {
    fn record_first_use(
        &self,
        serial: &MfaSerialNumber,
        step: u64,
        _keep_for: Duration,
    ) -> Result<bool, ReplayStoreError> {
        // A poisoned lock only means another thread panicked between lookup and insert, which
        // cannot leave the map inconsistent: each entry is a single value.
        let mut last = self
            .last_step
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.get(serial).is_some_and(|l| *l >= step) {
            return Ok(false);
        }
        last.insert(*serial, step);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn serial(name: &str) -> MfaSerialNumber {
        MfaSerialNumber::new(&format!("arn:aws:iam::111111111111:mfa/{name}")).unwrap()
    }

    const KEEP: Duration = Duration::from_secs(90);

    #[test]
    fn a_step_is_first_used_once_and_older_steps_are_replays() {
        let store = InMemoryReplayStore::new();
        let alice = serial("alice");
        assert_eq!(store.record_first_use(&alice, 100, KEEP), Ok(true));
        assert_eq!(store.record_first_use(&alice, 100, KEEP), Ok(false));
        assert_eq!(store.record_first_use(&alice, 99, KEEP), Ok(false));
        assert_eq!(store.record_first_use(&alice, 101, KEEP), Ok(true));
        // The older step stays refused after the newer one, and the record never moves back.
        assert_eq!(store.record_first_use(&alice, 100, KEEP), Ok(false));
        assert_eq!(store.record_first_use(&alice, 101, KEEP), Ok(false));
    }

    #[test]
    fn devices_are_independent() {
        let store = InMemoryReplayStore::new();
        assert_eq!(store.record_first_use(&serial("alice"), 7, KEEP), Ok(true));
        assert_eq!(store.record_first_use(&serial("bob"), 7, KEEP), Ok(true));
        assert_eq!(store.record_first_use(&serial("bob"), 6, KEEP), Ok(false));
    }

    #[test]
    fn of_concurrent_uses_exactly_one_is_first() {
        let store = Arc::new(InMemoryReplayStore::new());
        let alice = serial("alice");
        let firsts: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let store = Arc::clone(&store);
                    s.spawn(move || store.record_first_use(&alice, 500, KEEP) == Ok(true))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(firsts, 1);
    }
}
