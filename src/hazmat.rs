//! Calls that skip the delegation rules. Every call here mints or trusts what no policy has
//! checked; an application needs none of them to issue or verify credentials.
//!
//! - [`Seal::seal`]: turns any [`Claims`] into credentials signed by the ring: whatever principal,
//!   account, tags, lifetime (within the token's own bounds) the caller writes. Whoever holds the
//!   key ring can already do this, which is why the ring is the root of trust; the
//!   [`Issuer`](crate::Issuer) is the way to issue, because it checks trust policies, identity
//!   policies, lifetimes per operation, chaining, MFA, source identity and tags before it seals.
//!
//! - [`SeededRandom`]: a deterministic [`RandomSource`](crate::RandomSource). Keys, token IDs
//!   and authorization-message nonces drawn from it are known to anyone who knows the seed: a
//!   key ring generated with it protects nothing. Tests and benchmarks use it for reproducible
//!   runs; production code passes [`SystemRandom`](crate::SystemRandom).
//!
//! What it is for: tests and fuzzing that need a token of a given shape, migration tools that
//! re-issue sessions a previous issuer already authorized, and benchmarks of the token format.
//!
//! ```
//! use tempcred::hazmat::Seal; // the import is the opt-in
//! use tempcred::keys::KeyId;
//! use tempcred::principal::{IamPath, Partition, RoleName, UniqueId};
//! use tempcred::token::{Claims, Operation, SessionPrincipal, TokenId};
//! use tempcred::{KeyRing, RoleSessionName, SessionTags, SystemRandom, UnixTime, Verifier};
//!
//! let ring = KeyRing::generate(KeyId::new("k1")?, &SystemRandom)?;
//! let now = UnixTime::from_secs(1_767_225_600);
//! let claims = Claims {
//!     token_id: TokenId([7; 16]),
//!     issued_at: now,
//!     expires_at: now.saturating_add(900),
//!     operation: Operation::AssumeRole,
//!     partition: Partition::aws(),
//!     account: "123456789012".parse()?,
//!     principal: SessionPrincipal::AssumedRole {
//!         role_path: IamPath::root(),
//!         role_name: RoleName::new("deploy")?,
//!         role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4")?,
//!         session_name: RoleSessionName::new("test")?,
//!     },
//!     source_identity: None,
//!     mfa_authenticated_at: None,
//!     chain_depth: 0,
//!     tags: SessionTags::new(),
//!     session_policy: None,
//!     policy_arns: Vec::new(),
//! };
//! let creds = claims.seal(&ring)?;
//! let session = Verifier::new(&ring).verify(creds.session_token.expose_secret(), now)?;
//! assert_eq!(session.claims(), &claims);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::credentials::Credentials;
use crate::keys::KeyRing;
pub use crate::random::SeededRandom;
use crate::token::{Claims, SealError};

/// Sealing claims into a token without the Issuer's rules. Import it to use it: the `use` line
/// `tempcred::hazmat::Seal` is what marks a file that mints tokens directly.
pub trait Seal {
    /// Signs these claims with the ring's signing key and derives the credentials that go with
    /// the token.
    ///
    /// It checks the claims' bounds (lifetime at most 36 hours, expiry after issue, sizes) but
    /// none of the delegation rules. Issue through the [`Issuer`](crate::Issuer).
    ///
    /// # Errors
    ///
    /// [`SealError::InvalidClaims`] for claims out of the token's bounds,
    /// [`SealError::TooLarge`] when the token would exceed 4096 bytes.
    fn seal(&self, ring: &KeyRing) -> Result<Credentials, SealError>;
}

impl Seal for Claims {
    fn seal(&self, ring: &KeyRing) -> Result<Credentials, SealError> {
        self.seal_with(ring)
    }
}
