//! An opt-in memo of derived SigV4 signing keys.
//!
//! A signing key is a pure function of the secret access key and the credential scope (date,
//! region, service): four chained HMACs, about half the SHA-256 work of verifying a request.
//! Clients use one scope all day, so a verifier that sees the same credentials again can skip
//! the chain. AWS's own services do the same.
//!
//! What makes the memo safe:
//! - An entry is found by the credential text (`AKID/date/region/service/aws4_request`) and used
//!   only if its secret equals, in constant time, the secret the caller resolved for this request
//!   (through the session token or the long-term key store). A changed secret is a miss.
//! - An entry is added only after a signature made with it has verified, so a caller without the
//!   secret cannot fill or churn the cache.
//! - It is bounded: each shard keeps at most its share of the capacity and forgets its oldest
//!   entry first. Entries (secret and keyed HMAC state) are wiped when forgotten or dropped.
//! - Session tokens are still verified on every request; the memo saves derivation, not checks.

use super::signature::SigningKey;
use crate::credentials::SecretAccessKey;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

/// Lock shards: requests for different credentials rarely wait on each other.
const SHARDS: usize = 16;

/// How often the memo was used; see [`super::SigV4Verifier::signing_key_cache_stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigningKeyCacheStats {
    /// Lookups that found a signing key for the same credential scope and secret.
    pub hits: u64,
    /// Lookups that found none (or one for another secret), so the key was derived.
    pub misses: u64,
    /// Signing keys held now.
    pub len: usize,
}

struct Entry {
    secret: SecretAccessKey,
    key: SigningKey,
}

#[derive(Default)]
struct Shard {
    entries: HashMap<Box<str>, Entry>,
    /// Credential texts, oldest first.
    order: VecDeque<Box<str>>,
    hits: u64,
    misses: u64,
}

/// The memo: `SHARDS` independently locked maps, each bounded.
pub(crate) struct SigningKeyCache {
    shards: [Mutex<Shard>; SHARDS],
    per_shard: usize,
}

impl SigningKeyCache {
    /// A memo of at most `capacity` keys (rounded up to a multiple of the shard count).
    pub(crate) fn new(capacity: NonZeroUsize) -> Self {
        SigningKeyCache {
            shards: std::array::from_fn(|_| Mutex::new(Shard::default())),
            per_shard: capacity.get().div_ceil(SHARDS),
        }
    }

    fn shard(&self, credential: &str) -> &Mutex<Shard> {
        // FNV-1a: cheap, and an uneven spread only costs hit rate, never the bound.
        let h = credential.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let i = usize::try_from(h % SHARDS as u64).unwrap_or(0);
        let [first, ..] = &self.shards;
        self.shards.get(i).unwrap_or(first)
    }

    /// The signing key memoized for `credential` if it was derived from `secret`.
    pub(crate) fn get(&self, credential: &str, secret: &SecretAccessKey) -> Option<SigningKey> {
        // No code below panics while the lock is held, so a poisoned shard is still consistent.
        let mut shard = self
            .shard(credential)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let found = shard
            .entries
            .get(credential)
            .filter(|e| e.secret.ct_eq(secret))
            .map(|e| e.key.clone());
        if found.is_some() {
            shard.hits = shard.hits.saturating_add(1);
        } else {
            shard.misses = shard.misses.saturating_add(1);
        }
        found
    }

    /// Remembers `key`, derived from `secret` for `credential`, forgetting the shard's oldest
    /// entry if it is full. Call only after a signature made with `key` has verified.
    pub(crate) fn insert(&self, credential: &str, secret: &SecretAccessKey, key: SigningKey) {
        let mut shard = self
            .shard(credential)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = Entry {
            secret: secret.clone(),
            key,
        };
        if let Some(old) = shard.entries.get_mut(credential) {
            // Same scope, new secret (a rotated long-term key): replace in place.
            *old = entry;
            return;
        }
        while shard.entries.len() >= self.per_shard {
            match shard.order.pop_front() {
                Some(oldest) => {
                    shard.entries.remove(&oldest);
                }
                None => break,
            }
        }
        let name: Box<str> = credential.into();
        shard.order.push_back(name.clone());
        shard.entries.insert(name, entry);
    }

    pub(crate) fn stats(&self) -> SigningKeyCacheStats {
        self.shards
            .iter()
            .fold(SigningKeyCacheStats::default(), |acc, shard| {
                let s = shard.lock().unwrap_or_else(PoisonError::into_inner);
                SigningKeyCacheStats {
                    hits: acc.hits.saturating_add(s.hits),
                    misses: acc.misses.saturating_add(s.misses),
                    len: acc.len.saturating_add(s.entries.len()),
                }
            })
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("capacity", &self.per_shard.saturating_mul(SHARDS))
            .field("stats", &self.stats())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::signature::ScopeParts;
    use super::*;

    const SCOPE: ScopeParts<'static> = ScopeParts {
        date: "20261126",
        region: "us-east-1",
        service: "sts",
    };

    fn secret(c: char) -> SecretAccessKey {
        SecretAccessKey::new(&c.to_string().repeat(40)).unwrap()
    }

    fn cred(i: usize) -> String {
        format!("AKIAEXAMPLE{i:09}/20261126/us-east-1/sts/aws4_request")
    }

    fn same_key(a: &SigningKey, b: &SigningKey) -> bool {
        let hash = [3u8; 32];
        let sig = a.sign("20261126T000000Z", SCOPE, &hash);
        b.verify("20261126T000000Z", SCOPE, &hash, &sig)
    }

    #[test]
    fn a_hit_needs_the_same_credential_and_the_same_secret() {
        let cache = SigningKeyCache::new(NonZeroUsize::new(64).unwrap());
        let (a, b) = (secret('a'), secret('b'));
        assert!(cache.get(&cred(1), &a).is_none());
        cache.insert(&cred(1), &a, SigningKey::derive(&a, SCOPE));
        let hit = cache.get(&cred(1), &a).unwrap();
        assert!(same_key(&hit, &SigningKey::derive(&a, SCOPE)));
        assert!(!same_key(&hit, &SigningKey::derive(&b, SCOPE)));
        assert!(
            cache.get(&cred(1), &b).is_none(),
            "another secret is a miss"
        );
        assert!(
            cache.get(&cred(2), &a).is_none(),
            "another credential is a miss"
        );
        assert_eq!(
            cache.stats(),
            SigningKeyCacheStats {
                hits: 1,
                misses: 3,
                len: 1
            }
        );
        // A rotated secret for the same credential replaces the entry.
        cache.insert(&cred(1), &b, SigningKey::derive(&b, SCOPE));
        assert!(cache.get(&cred(1), &a).is_none());
        assert!(same_key(
            &cache.get(&cred(1), &b).unwrap(),
            &SigningKey::derive(&b, SCOPE)
        ));
        assert_eq!(cache.stats().len, 1);
    }

    #[test]
    fn it_never_holds_more_than_its_capacity_and_forgets_the_oldest_first() {
        let cache = SigningKeyCache::new(NonZeroUsize::new(SHARDS * 2).unwrap());
        let s = secret('s');
        let key = SigningKey::derive(&s, SCOPE);
        for i in 0..1000 {
            cache.insert(&cred(i), &s, key.clone());
            assert!(cache.stats().len <= SHARDS * 2);
        }
        assert!(
            cache.stats().len > SHARDS,
            "the spread over shards is not degenerate"
        );
        // The newest entry is kept; the first ones are long gone.
        assert!(cache.get(&cred(999), &s).is_some());
        assert!(cache.get(&cred(0), &s).is_none());
    }

    #[test]
    fn a_small_capacity_still_holds_at_least_one_key_per_shard() {
        let cache = SigningKeyCache::new(NonZeroUsize::MIN);
        let s = secret('s');
        cache.insert(&cred(1), &s, SigningKey::derive(&s, SCOPE));
        assert!(cache.get(&cred(1), &s).is_some());
        assert!(format!("{cache:?}").contains("capacity: 16"));
    }

    #[test]
    fn debug_shows_counts_only() {
        let cache = SigningKeyCache::new(NonZeroUsize::new(8).unwrap());
        let s = secret('z');
        cache.insert(&cred(1), &s, SigningKey::derive(&s, SCOPE));
        let text = format!("{cache:?}");
        assert!(!text.contains("zzzz"), "{text}");
        assert!(!text.contains("AKIAEXAMPLE"), "{text}");
        assert!(text.contains("len: 1"), "{text}");
    }
}
