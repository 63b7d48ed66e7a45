//! The key ring: named keys, one that signs and older ones that only verify.
//!
//! Invariants this module keeps:
//! - Key material is at least [`MIN_KEY_BYTES`](crate::limits::MIN_KEY_BYTES) random bytes, zeroized on drop, never printed.
//! - Each key is used only through purpose-separated sub-keys derived as
//!   `HMAC-SHA256(material, "tempcred/v1/" ‖ purpose)`; the raw material MACs nothing.
//! - A ring always has exactly one signing key, and key IDs are unique.
//!
//! Rotation, done by the application: [`KeyRing::add`] a new key (every verifier learns it),
//! [`KeyRing::promote`] it once all verifiers have the new ring, and [`KeyRing::retire`] the old key
//! once the longest session lifetime (36 h) plus the clock-skew leeway has passed since it last
//! signed. Verifiers are immutable snapshots of a ring: build a new [`crate::Verifier`] after each
//! change and swap it in.

mod ring;
mod text;

pub use ring::{KeyError, KeyId, KeyMaterial, KeyRing};
pub(crate) use ring::{RingKey, KEY_CHECK_LEN};
