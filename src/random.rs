//! Randomness as the crate sees it: a [`RandomSource`] passed in, never a global generator.
//!
//! Token IDs and new keys come from here. [`SystemRandom`] reads the operating system's CSPRNG
//! on every call; [`BufferedRandom`] reads the same CSPRNG ahead in blocks, for servers that
//! need a few random bytes per request; [`SeededRandom`] is a deterministic stream for tests and
//! must never issue real credentials.

use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use zeroize::{Zeroize, Zeroizing};

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

/// How many bytes [`BufferedRandom`] reads from the operating system at a time: one `getrandom`
/// call serves 256 request IDs.
const READ_AHEAD_BYTES: usize = 4096;

/// The operating system's CSPRNG, read ahead 4 KiB at a time.
///
/// The bytes are exactly the operating system's, as from [`SystemRandom`]; they are only fetched
/// earlier. A server that takes 16 bytes per request (a request ID) then makes one `getrandom`
/// system call per 256 requests instead of one per request, which under load is a measurable
/// share of its CPU (a system call, and often a reschedule on the way back).
///
/// The bytes not yet handed out are as secret as the keys and secrets they will become: each byte
/// is wiped from the buffer as it is handed out, the rest when the source is dropped, and `Debug`
/// shows none of them. Requests larger than the buffer go to the operating system directly.
///
/// **Not across `fork`**: a child process forked after this source first filled its buffer holds
/// the same unread bytes as its parent, and both would hand them out. Create it after forking
/// (Rust servers do not usually fork; a process that does should use [`SystemRandom`]).
///
/// ```
/// use tempcred::{BufferedRandom, RandomSource};
/// let random = BufferedRandom::new();
/// let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
/// random.fill_bytes(&mut a)?;
/// random.fill_bytes(&mut b)?;
/// assert_ne!(a, b);
/// # Ok::<(), tempcred::RandomError>(())
/// ```
pub struct BufferedRandom {
    block: Mutex<ReadAhead>,
}

/// Bytes read from the operating system; those before `used` are handed out (and wiped).
struct ReadAhead {
    bytes: Zeroizing<[u8; READ_AHEAD_BYTES]>,
    used: usize,
}

impl BufferedRandom {
    /// An empty buffer: the first call reads the first block.
    #[must_use]
    pub fn new() -> Self {
        BufferedRandom {
            block: Mutex::new(ReadAhead {
                bytes: Zeroizing::new([0; READ_AHEAD_BYTES]),
                used: READ_AHEAD_BYTES,
            }),
        }
    }
}

impl Default for BufferedRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for BufferedRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BufferedRandom(..)")
    }
}

impl RandomSource for BufferedRandom {
    fn fill_bytes(&self, dest: &mut [u8]) -> Result<(), RandomError> {
        if dest.len() > READ_AHEAD_BYTES {
            return SystemRandom.fill_bytes(dest);
        }
        // The buffer is consistent after every statement that could panic (none can): a
        // poisoned lock still guards valid state.
        let mut block = self.block.lock().unwrap_or_else(|e| e.into_inner());
        let mut rest = dest;
        while !rest.is_empty() {
            if block.used == READ_AHEAD_BYTES {
                SystemRandom.fill_bytes(&mut block.bytes[..])?;
                block.used = 0;
            }
            let ReadAhead { bytes, used } = &mut *block;
            let unread = bytes.get_mut(*used..).unwrap_or_default();
            let take = rest.len().min(unread.len());
            let (now, later) = rest.split_at_mut(take);
            let (given, _) = unread.split_at_mut(take);
            now.copy_from_slice(given);
            given.zeroize();
            *used += take;
            rest = later;
        }
        Ok(())
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
    fn buffered_random_hands_out_each_byte_once_and_wipes_it() {
        let random = BufferedRandom::new();
        // Across a block boundary (4096 = 16 × 256): 300 draws of 16 bytes, all different.
        let draws: Vec<[u8; 16]> = (0..300)
            .map(|_| {
                let mut d = [0u8; 16];
                random.fill_bytes(&mut d).unwrap();
                d
            })
            .collect();
        let distinct: std::collections::HashSet<_> = draws.iter().collect();
        assert_eq!(distinct.len(), draws.len());
        let block = random.block.lock().unwrap();
        // 300 × 16 = 4800 bytes: one whole block and 704 bytes of the second handed out.
        assert_eq!(block.used, 704);
        assert!(block.bytes[..704].iter().all(|b| *b == 0));
        assert!(block.bytes[704..].iter().any(|b| *b != 0));
    }

    #[test]
    fn buffered_random_fills_odd_sizes_and_larger_than_a_block() {
        let random = BufferedRandom::new();
        let mut small = [0u8; 4095];
        random.fill_bytes(&mut small).unwrap();
        let mut straddling = [0u8; 64];
        random.fill_bytes(&mut straddling).unwrap();
        assert_ne!(straddling, [0u8; 64]);
        assert_eq!(random.block.lock().unwrap().used, 63);
        let mut large = vec![0u8; 10_000];
        random.fill_bytes(&mut large).unwrap();
        assert!(large.iter().filter(|b| **b == 0).count() < 200);
        assert_eq!(format!("{random:?}"), "BufferedRandom(..)");
    }

    #[test]
    fn system_random_fills() {
        let mut a = [0u8; 32];
        SystemRandom.fill_bytes(&mut a).unwrap();
        assert_ne!(a, [0u8; 32]);
    }
}
