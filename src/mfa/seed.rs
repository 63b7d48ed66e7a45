//! The TOTP seed: a shared secret, treated like every other secret of the crate.

use crate::limits::{MAX_TOTP_SEED_BYTES, MIN_TOTP_SEED_BYTES};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Why a TOTP seed was refused. Never contains the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TotpSeedError {
    /// Not RFC 4648 base32 (uppercase `A–Z2–7`, optional `=` padding).
    #[error("TOTP seeds are RFC 4648 base32 (A-Z, 2-7)")]
    NotBase32,
    /// Fewer than 10 or more than 64 bytes once decoded.
    #[error("TOTP seeds are 10 to 64 bytes (16 to 103 base32 characters)")]
    BadLength,
}

/// The shared secret of a TOTP device: 10–64 bytes (RFC 4226 asks for at least 128 bits and
/// recommends 160).
///
/// Zeroized on drop; `Debug` prints `TotpSeed(***OMITTED***)`; no `Serialize`, no `PartialEq`; the
/// bytes only through [`TotpSeed::expose_secret`].
///
/// ```
/// use tempcred::mfa::TotpSeed;
/// let seed = TotpSeed::from_base32("JBSWY3DPEHPK3PXP").unwrap();
/// assert_eq!(format!("{seed:?}"), "TotpSeed(***OMITTED***)");
/// assert!(TotpSeed::from_base32("JBSWY3DP").is_err()); // 5 bytes: too short
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TotpSeed(Box<[u8]>);

impl TotpSeed {
    /// A seed from raw bytes.
    ///
    /// # Errors
    ///
    /// [`TotpSeedError`] unless the seed is 10–64 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TotpSeedError> {
        if !(MIN_TOTP_SEED_BYTES..=MAX_TOTP_SEED_BYTES).contains(&bytes.len()) {
            return Err(TotpSeedError::BadLength);
        }
        Ok(TotpSeed(bytes.into()))
    }

    /// A seed from its base32 text, as authenticator apps show it (uppercase, padding optional).
    ///
    /// # Errors
    ///
    /// [`TotpSeedError`] unless the text is valid base32 of a 10–64-byte seed.
    pub fn from_base32(text: &str) -> Result<Self, TotpSeedError> {
        // 64 bytes are 103 characters unpadded, 104 padded: refuse longer text before decoding.
        if text.len() > 104 {
            return Err(TotpSeedError::BadLength);
        }
        let encoding = if text.contains('=') {
            &data_encoding::BASE32
        } else {
            &data_encoding::BASE32_NOPAD
        };
        let bytes = Zeroizing::new(
            encoding
                .decode(text.as_bytes())
                .map_err(|_| TotpSeedError::NotBase32)?,
        );
        Self::from_bytes(&bytes)
    }

    /// The seed's bytes. Use them only to compute codes.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for TotpSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSeed(***OMITTED***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_bounded_strict_and_redacted() {
        let s = TotpSeed::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert_eq!(s.expose_secret(), b"12345678901234567890");
        assert_eq!(
            TotpSeed::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ======").unwrap_err(),
            TotpSeedError::NotBase32
        ); // wrong padding length
        assert!(TotpSeed::from_base32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq").is_err());
        assert!(TotpSeed::from_base32("GEZDGNBVGY3TQOJ1").is_err());
        assert_eq!(
            TotpSeed::from_base32(&"A".repeat(200)).unwrap_err(),
            TotpSeedError::BadLength
        );
        assert!(TotpSeed::from_bytes(&[0; 9]).is_err());
        assert!(TotpSeed::from_bytes(&[0; 64]).is_ok());
        assert!(TotpSeed::from_bytes(&[0; 65]).is_err());
        assert_eq!(format!("{s:?}"), "TotpSeed(***OMITTED***)");
    }

    #[test]
    fn the_longest_seed_fits_the_text_bound_and_one_more_character_does_not() {
        let longest = data_encoding::BASE32.encode(&[0xA5; MAX_TOTP_SEED_BYTES]);
        assert_eq!(longest.len(), 104);
        assert!(TotpSeed::from_base32(&longest).is_ok());
        let unpadded = data_encoding::BASE32_NOPAD.encode(&[0xA5; MAX_TOTP_SEED_BYTES]);
        assert!(TotpSeed::from_base32(&unpadded).is_ok());
        // One character more is refused by its length, before any decoding.
        assert_eq!(
            TotpSeed::from_base32(&format!("{longest}=")).unwrap_err(),
            TotpSeedError::BadLength
        );
    }
}
