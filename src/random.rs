//! Randomness as the crate sees it: a [`RandomSource`] passed in, never a global generator.
//!
//! Token IDs and new keys come from here. [`SystemRandom`] reads the operating system's CSPRNG;
//! [`SeededRandom`] is a deterministic stream for tests and must never issue real credentials.

use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

/// The operating system refused to produce random bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system random source failed")]
pub struct RandomError;

/// A source of cryptographically secure random bytes.
pub trait RandomSource: Send + Sync {
    /// Fills `dest` entirely with random bytes.
    ///
    /// # Errors
    ///
    /// [`RandomError`] when the source cannot produce random bytes.
    fn fill_bytes(&self, dest: &mut [u8]) -> Result<(), RandomError>;
}

/// The operating system's CSPRNG (`getrandom`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemRandom;

impl RandomSource for SystemRandom {
    fn fill_bytes(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        getrandom::fill(dest).map_err(|_| RandomError)
    }
}

/// A deterministic byte stream: SHA-256(seed ‖ counter) blocks. For tests only; anyone who knows
/// the seed knows every "random" value.
///
/// ```
/// use tempcred::{hazmat::SeededRandom, RandomSource};
/// let (a, b) = (SeededRandom::new(7), SeededRandom::new(7));
/// let (mut x, mut y) = ([0u8; 40], [0u8; 40]);
/// a.fill_bytes(&mut x).unwrap();
/// b.fill_bytes(&mut y).unwrap();
/// assert_eq!(x, y);
/// ```
#[derive(Debug)]
pub struct SeededRandom {
    seed: u64,
    counter: AtomicU64,
}

impl SeededRandom {
    /// A stream determined entirely by `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        SeededRandom {
            seed,
            counter: AtomicU64::new(0),
        }
    }
}

impl RandomSource for SeededRandom {
    fn fill_bytes(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        for chunk in dest.chunks_mut(32) {
            let n = self.counter.fetch_add(1, Ordering::Relaxed);
            let block = Sha256::new()
                .chain_update(self.seed.to_be_bytes())
                .chain_update(n.to_be_bytes())
                .finalize();
            for (d, s) in chunk.iter_mut().zip(block.iter()) {
                *d = *s;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_streams_differ_by_seed_and_advance() {
        let r = SeededRandom::new(1);
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        r.fill_bytes(&mut a).unwrap();
        r.fill_bytes(&mut b).unwrap();
        assert_ne!(a, b);
        let mut c = [0u8; 16];
        SeededRandom::new(2).fill_bytes(&mut c).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn system_random_fills() {
        let mut a = [0u8; 32];
        SystemRandom.fill_bytes(&mut a).unwrap();
        assert_ne!(a, [0u8; 32]);
    }
}
