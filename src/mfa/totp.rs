//! RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) and a verifier over the directory.

use super::replay::{InMemoryReplayStore, ReplayStore};
use super::{MfaError, MfaVerifier, TotpSeed};
use crate::directory::Directory;
use crate::limits::TOTP_REPLAY_CLOCK_MARGIN_SECS;
use crate::session::{MfaSerialNumber, MfaTokenCode};
use crate::time::UnixTime;
use hmac::{Hmac, KeyInit, Mac};
use std::sync::Arc;
use std::time::Duration;
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// The TOTP time step, in seconds.
pub const TOTP_STEP_SECS: u64 = 30;
/// Digits in a code.
pub const TOTP_DIGITS: u32 = 6;

/// RFC 4226 HOTP: the 31-bit dynamically truncated HMAC-SHA1 of `counter` under `seed`. Reduce it
/// modulo `10^digits` for a code.
#[must_use]
pub fn hotp(seed: &TotpSeed, counter: u64) -> u32 {
    // HMAC takes keys of any length, so this never fails.
    let Ok(mut mac) = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(seed.expose_secret()) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let out = mac.finalize().into_bytes();
    let offset = usize::from(out.get(19).copied().unwrap_or(0) & 0x0f);
    let mut word = [0u8; 4];
    if let Some(s) = out.get(offset..offset.saturating_add(4)) {
        word.copy_from_slice(s);
    }
    u32::from_be_bytes(word) & 0x7fff_ffff
}

/// The 6-digit TOTP code of `seed` at `now`, as a number (print with `{:06}`).
#[must_use]
pub fn totp_code(seed: &TotpSeed, now: UnixTime) -> u32 {
    hotp(seed, now.as_secs() / TOTP_STEP_SECS) % 10u32.pow(TOTP_DIGITS)
}

fn code_value(code: &MfaTokenCode) -> u32 {
    // MfaTokenCode is exactly six ASCII digits.
    code.expose_secret()
        .bytes()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// Verifies TOTP codes against the seeds of the directory's MFA devices.
///
/// Accepts the code of the current 30-second step and of one step either side (clock drift).
/// Codes are compared in constant time, every candidate step is computed whatever matches.
///
/// Replay protection (RFC 6238 §5.2): the verifier records, per device, the last step it
/// accepted in a [`ReplayStore`] and refuses a code of that step or an earlier one, so a code
/// works once. By default the store is this verifier's own [`InMemoryReplayStore`] (no global
/// state): replicas that verify independently each keep theirs, so a code can be used once per
/// replica. Give replicas one shared store ([`TotpVerifier::with_replay_store`]; feature `redis`:
/// `RedisReplayStore`) to make it once in all. A store that cannot answer makes the code refused
/// ([`MfaError::ReplayStoreUnavailable`]). [`TotpVerifier::without_replay_protection`] turns the
/// check off.
///
/// ```
/// use tempcred::directory::{demo_directory_json, InMemoryDirectory};
/// use tempcred::mfa::{totp_code, MfaVerifier, TotpVerifier};
/// use tempcred::{MfaSerialNumber, MfaTokenCode, UnixTime};
/// use tempcred::directory::Directory;
/// let dir = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
/// let serial = MfaSerialNumber::new("arn:aws:iam::111111111111:mfa/alice").unwrap();
/// let now = UnixTime::from_secs(1_700_000_000);
/// let seed = dir.mfa_device(&serial).unwrap().seed().clone();
/// let code = MfaTokenCode::new(&format!("{:06}", totp_code(&seed, now))).unwrap();
/// let verifier = TotpVerifier::new(dir);
/// assert!(verifier.verify(&serial, &code, now).is_ok());
/// assert!(verifier.verify(&serial, &code, now).is_err()); // used once already
/// ```
pub struct TotpVerifier<D> {
    directory: D,
    replay: Option<Arc<dyn ReplayStore>>,
}

impl<D: std::fmt::Debug> std::fmt::Debug for TotpVerifier<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpVerifier")
            .field("directory", &self.directory)
            .field("replay_protection", &self.replay.is_some())
            .finish()
    }
}

impl<D: Directory> TotpVerifier<D> {
    /// A verifier over `directory`'s devices, with replay protection in an
    /// [`InMemoryReplayStore`] of its own.
    pub fn new(directory: D) -> Self {
        TotpVerifier {
            directory,
            replay: Some(Arc::new(InMemoryReplayStore::new())),
        }
    }

    /// Records used codes in `store` instead of this verifier's own memory: share one store
    /// between replicas (or between the verifiers a server builds as it reloads its directory)
    /// so that a code is used once in all of them.
    #[must_use]
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// Accepts a code again within its window (no per-device memory).
    #[must_use]
    pub fn without_replay_protection(mut self) -> Self {
        self.replay = None;
        self
    }

    /// The directory this verifier reads seeds from.
    pub fn directory(&self) -> &D {
        &self.directory
    }
}

impl<D: Directory> MfaVerifier for TotpVerifier<D> {
    fn verify(
        &self,
        serial: &MfaSerialNumber,
        code: &MfaTokenCode,
        now: UnixTime,
    ) -> Result<(), MfaError> {
        let device = self
            .directory
            .mfa_device(serial)
            .ok_or(MfaError::UnknownDevice)?;
        let given = code_value(code);
        let step = now.as_secs() / TOTP_STEP_SECS;
        let modulus = 10u32.pow(TOTP_DIGITS);
        // Check the three steps without branching on secrets; remember the latest that matched.
        let mut matched = subtle::Choice::from(0);
        let mut matched_step = 0u64;
        for s in [step.saturating_sub(1), step, step.saturating_add(1)] {
            let expected = hotp(device.seed(), s) % modulus;
            let hit = expected.ct_eq(&given);
            matched |= hit;
            matched_step.conditional_assign(&s, hit);
        }
        if !bool::from(matched) {
            return Err(MfaError::InvalidCode);
        }
        if let Some(store) = &self.replay {
            // Recorded only for serials that exist in the directory (checked above), so
            // per-device stores stay bounded.
            let first = store
                .record_first_use(serial, matched_step, keep_for(matched_step, now))
                .map_err(|_| MfaError::ReplayStoreUnavailable)?;
            if !first {
                return Err(MfaError::ReusedCode);
            }
        }
        Ok(())
    }
}

/// How long the record of `step` must be kept: a code of `step` is accepted until the end of step
/// `step + 1` (one step of drift), plus the margin for replicas whose clocks are behind.
fn keep_for(step: u64, now: UnixTime) -> Duration {
    let window_end = step.saturating_add(2).saturating_mul(TOTP_STEP_SECS);
    Duration::from_secs(
        window_end
            .saturating_sub(now.as_secs())
            .saturating_add(TOTP_REPLAY_CLOCK_MARGIN_SECS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{InMemoryDirectory, User};

    fn rfc_seed() -> TotpSeed {
        TotpSeed::from_bytes(b"12345678901234567890").unwrap()
    }

    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        // (time, 8-digit TOTP from RFC 6238 Appendix B, SHA-1 rows)
        let vectors = [
            (59u64, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ];
        for (t, eight) in vectors {
            let counter = t / TOTP_STEP_SECS;
            assert_eq!(hotp(&rfc_seed(), counter) % 100_000_000, eight, "t={t}");
            assert_eq!(
                totp_code(&rfc_seed(), UnixTime::from_secs(t)),
                eight % 1_000_000,
                "t={t}"
            );
        }
    }

    fn setup() -> (TotpVerifier<InMemoryDirectory>, MfaSerialNumber) {
        let serial = MfaSerialNumber::new("arn:aws:iam::111111111111:mfa/alice").unwrap();
        let user = User::from_arn("arn:aws:iam::111111111111:user/alice")
            .unwrap()
            .with_mfa_device(serial, rfc_seed());
        let mut b = InMemoryDirectory::builder();
        b.user(user).unwrap();
        (TotpVerifier::new(b.build()), serial)
    }

    fn code_at(t: u64) -> MfaTokenCode {
        MfaTokenCode::new(&format!(
            "{:06}",
            totp_code(&rfc_seed(), UnixTime::from_secs(t))
        ))
        .unwrap()
    }

    #[test]
    fn accepts_current_and_adjacent_steps_only() {
        let now = 1_234_567_890u64;
        let (v, serial) = setup();
        let at = UnixTime::from_secs(now);
        assert_eq!(v.verify(&serial, &code_at(now), at), Ok(()));
        let v = v.without_replay_protection();
        assert_eq!(v.verify(&serial, &code_at(now), at), Ok(()));
        assert_eq!(v.verify(&serial, &code_at(now - 30), at), Ok(()));
        assert_eq!(v.verify(&serial, &code_at(now + 30), at), Ok(()));
        assert_eq!(
            v.verify(&serial, &code_at(now - 60), at),
            Err(MfaError::InvalidCode)
        );
        let wrong = (totp_code(&rfc_seed(), at) + 1) % 1_000_000;
        let wrong = MfaTokenCode::new(&format!("{wrong:06}")).unwrap();
        assert_eq!(v.verify(&serial, &wrong, at), Err(MfaError::InvalidCode));
        let other = MfaSerialNumber::new("arn:aws:iam::111111111111:mfa/bob").unwrap();
        assert_eq!(
            v.verify(&other, &code_at(now), at),
            Err(MfaError::UnknownDevice)
        );
    }

    #[test]
    fn a_code_is_used_once() {
        let now = 1_700_000_000u64;
        let (v, serial) = setup();
        let at = UnixTime::from_secs(now);
        assert_eq!(v.verify(&serial, &code_at(now), at), Ok(()));
        assert_eq!(
            v.verify(&serial, &code_at(now), at),
            Err(MfaError::ReusedCode)
        );
        // An older step than the last one accepted is a replay too.
        assert_eq!(
            v.verify(&serial, &code_at(now - 30), at),
            Err(MfaError::ReusedCode)
        );
        // The next step's code is fresh.
        assert_eq!(v.verify(&serial, &code_at(now + 30), at), Ok(()));
    }

    #[test]
    fn verifiers_work_through_references_and_arcs_and_refuse_as_access_denied() {
        fn check(v: impl MfaVerifier, serial: &MfaSerialNumber, t: u64) -> Result<(), MfaError> {
            v.verify(serial, &code_at(t), UnixTime::from_secs(t))
        }
        let (v, serial) = setup();
        let t = 1_700_000_000u64;
        assert_eq!(check(&v, &serial, t), Ok(()));
        // The same state behind the reference: the code is now spent.
        assert_eq!(check(&v, &serial, t), Err(MfaError::ReusedCode));
        let shared = std::sync::Arc::new(v);
        assert_eq!(check(shared.clone(), &serial, t + 30), Ok(()));
        assert_eq!(check(shared, &serial, t + 30), Err(MfaError::ReusedCode));
        for e in [
            MfaError::UnknownDevice,
            MfaError::InvalidCode,
            MfaError::ReusedCode,
        ] {
            assert_eq!(e.aws_code(), "AccessDenied");
        }
    }

    #[test]
    fn verifiers_sharing_a_store_accept_a_code_once_in_all() {
        let now = 1_700_000_000u64;
        let at = UnixTime::from_secs(now);
        let store: Arc<dyn ReplayStore> = Arc::new(InMemoryReplayStore::new());
        let (a, serial) = setup();
        let (b, _) = setup();
        let (a, b) = (
            a.with_replay_store(Arc::clone(&store)),
            b.with_replay_store(store),
        );
        assert_eq!(a.verify(&serial, &code_at(now), at), Ok(()));
        assert_eq!(
            b.verify(&serial, &code_at(now), at),
            Err(MfaError::ReusedCode)
        );
        // The older step is refused at the other replica too.
        assert_eq!(
            b.verify(&serial, &code_at(now - 30), at),
            Err(MfaError::ReusedCode)
        );
        assert_eq!(b.verify(&serial, &code_at(now + 30), at), Ok(()));
        assert_eq!(
            a.verify(&serial, &code_at(now + 30), at),
            Err(MfaError::ReusedCode)
        );
    }

    #[derive(Debug)]
    struct DeadStore;
    impl ReplayStore for DeadStore {
        fn record_first_use(
            &self,
            _: &MfaSerialNumber,
            _: u64,
            _: Duration,
        ) -> Result<bool, super::super::ReplayStoreError> {
            Err(super::super::ReplayStoreError::TimedOut)
        }
    }

    #[test]
    fn a_store_that_cannot_answer_refuses_the_code() {
        let now = 1_700_000_000u64;
        let (v, serial) = setup();
        let v = v.with_replay_store(Arc::new(DeadStore));
        let at = UnixTime::from_secs(now);
        assert_eq!(
            v.verify(&serial, &code_at(now), at),
            Err(MfaError::ReplayStoreUnavailable)
        );
        // A wrong code is still a wrong code: the store is not asked.
        assert_eq!(
            v.verify(&serial, &code_at(now - 90), at),
            Err(MfaError::InvalidCode)
        );
        assert_eq!(MfaError::ReplayStoreUnavailable.aws_code(), "AccessDenied");
    }

    #[test]
    fn records_are_kept_until_no_replica_accepts_the_code() {
        // Step 100 covers [3000, 3030); its code is accepted until 3060 (one step of drift).
        assert_eq!(
            keep_for(100, UnixTime::from_secs(3000)),
            Duration::from_secs(60 + TOTP_REPLAY_CLOCK_MARGIN_SECS)
        );
        // Matched as the previous step, late in the window.
        assert_eq!(
            keep_for(100, UnixTime::from_secs(3059)),
            Duration::from_secs(1 + TOTP_REPLAY_CLOCK_MARGIN_SECS)
        );
        assert_eq!(
            keep_for(u64::MAX, UnixTime::from_secs(0)).as_secs(),
            u64::MAX
        );
    }
}
