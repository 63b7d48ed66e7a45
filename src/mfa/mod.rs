//! Multi-factor authentication: the [`MfaVerifier`] trait the issuer calls when a request carries
//! `SerialNumber` and `TokenCode`, the [`TotpSeed`] secret, (feature `totp`) an RFC 6238
//! verifier over the directory's devices, and the [`ReplayStore`] it remembers used codes in:
//! per process by default, or (feature `redis`) in a Redis shared by several replicas.
//!
//! Invariants: seeds only live in [`TotpSeed`] (zeroized, redacted); codes are compared in
//! constant time; errors say which check failed but never echo a code or a seed. The issuer maps
//! every [`MfaError`] to `AccessDenied`, so callers learn nothing more than "refused".

#[cfg(feature = "redis")]
mod redis;
mod replay;
mod seed;
#[cfg(feature = "totp")]
mod totp;

#[cfg(feature = "redis")]
pub use redis::{
    RedisReplayStore, REDIS_DEFAULT_CONNECT_TIMEOUT, REDIS_DEFAULT_RESPONSE_TIMEOUT,
    REDIS_KEY_PREFIX,
};
pub use replay::{InMemoryReplayStore, ReplayStore, ReplayStoreError};
pub use seed::{TotpSeed, TotpSeedError};
#[cfg(feature = "totp")]
pub use totp::{hotp, totp_code, TotpVerifier, TOTP_DIGITS, TOTP_STEP_SECS};

use crate::session::{MfaSerialNumber, MfaTokenCode};
use crate::time::UnixTime;

/// Why an MFA check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MfaError {
    /// No device has this serial number.
    #[error("unknown MFA device")]
    UnknownDevice,
    /// The code does not match any accepted time step.
    #[error("invalid MFA one time pass code")]
    InvalidCode,
    /// The code was already used (a replay within its window).
    #[error("MFA one time pass code already used")]
    ReusedCode,
    /// The replay store could not say whether the code was used: refused (fail closed).
    #[error("MFA replay store unavailable")]
    ReplayStoreUnavailable,
}

impl MfaError {
    /// The AWS error code the issuer answers with: always `AccessDenied`.
    #[must_use]
    pub fn aws_code(&self) -> &'static str {
        "AccessDenied"
    }
}

/// Checks an MFA code for a device at an instant.
///
/// Implementations must compare codes in constant time and be thread-safe. The issuer also checks
/// the device belongs to the caller; a verifier only answers "is this code right for this device
/// now".
pub trait MfaVerifier: Send + Sync {
    /// `Ok(())` if `code` is currently valid for the device `serial`.
    ///
    /// # Errors
    ///
    /// [`MfaError`] when the code is wrong, the device unknown, or the code was already used.
    fn verify(
        &self,
        serial: &MfaSerialNumber,
        code: &MfaTokenCode,
        now: UnixTime,
    ) -> Result<(), MfaError>;
}

impl<V: MfaVerifier + ?Sized> MfaVerifier for std::sync::Arc<V> {
    fn verify(
        &self,
        serial: &MfaSerialNumber,
        code: &MfaTokenCode,
        now: UnixTime,
    ) -> Result<(), MfaError> {
        (**self).verify(serial, code, now)
    }
}

impl<V: MfaVerifier + ?Sized> MfaVerifier for &V {
    fn verify(
        &self,
        serial: &MfaSerialNumber,
        code: &MfaTokenCode,
        now: UnixTime,
    ) -> Result<(), MfaError> {
        (**self).verify(serial, code, now)
    }
}
