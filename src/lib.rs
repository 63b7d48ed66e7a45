//! # tempcred — an embeddable Security Token Service
//!
//! `tempcred` does two jobs inside a Rust program, with the delegation model AWS STS made familiar:
//!
//! 1. **Issue** short-lived, scoped credentials (an access key ID, a secret access key and a session
//!    token) under roles, trust policies, session policies and tags.
//! 2. **Verify** them anywhere with nothing shared but a [`KeyRing`]: the [`Verifier`] recomputes the
//!    access key ID and secret from the session token alone. No database, no call back.
//!
//! ```
//! use tempcred::{KeyRing, SystemRandom, UnixTime, Verifier};
//! use tempcred::keys::KeyId;
//! # use tempcred::token::*; use tempcred::principal::*; use tempcred::*;
//! let ring = KeyRing::generate(KeyId::new("2026-11").unwrap(), &SystemRandom).unwrap();
//! # let claims = Claims { token_id: TokenId([1; 16]), issued_at: UnixTime::from_secs(1_000),
//! #   expires_at: UnixTime::from_secs(4_600), operation: Operation::AssumeRole,
//! #   partition: Partition::aws(), account: "123456789012".parse().unwrap(),
//! #   principal: SessionPrincipal::AssumedRole { role_path: IamPath::root(),
//! #     role_name: RoleName::new("deploy").unwrap(),
//! #     role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
//! #     session_name: RoleSessionName::new("ci").unwrap() },
//! #   source_identity: None, mfa_authenticated_at: None, chain_depth: 0,
//! #   tags: SessionTags::new(), session_policy: None, policy_arns: vec![] };
//! let creds = claims.seal(&ring).unwrap();           // what an issuer hands out
//! let session = Verifier::new(&ring)                 // what every replica does
//!     .verify(creds.session_token.expose_secret(), UnixTime::from_secs(1_500))
//!     .unwrap();
//! assert_eq!(session.secret_access_key().expose_secret(),
//!            creds.secret_access_key.expose_secret());
//! ```
//!
//! ## Layout
//!
//! - [`keys`]: the key ring, rotation, the key-ring text form.
//! - [`token`]: claims and the canonical, MAC'd session-token encoding.
//! - [`Verifier`] / [`VerifiedSession`]: stateless verification.
//! - [`principal`], [`session`]: identifiers and bounded request parameters, validated at
//!   construction.
//! - [`sigv4`]: AWS Signature Version 4 signing and verification.
//! - [`Clock`], [`RandomSource`]: time and randomness come in through traits.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bounded;
mod credentials;
pub mod keys;
pub mod principal;
mod random;
pub mod session;
pub mod sigv4;
mod time;
pub mod token;
mod validate;
mod verify;

pub use credentials::{
    AccessKeyId, AccessKeyKind, CredentialFormatError, Credentials, SecretAccessKey, SessionToken,
};
pub use keys::KeyRing;
pub use random::{RandomError, RandomSource, SeededRandom, SystemRandom};
pub use session::{
    ExternalId, FederatedUserName, MfaSerialNumber, MfaTokenCode, RoleSessionName, SessionTag,
    SessionTags, SourceIdentity, TagKey, TagValue,
};
pub use time::{Clock, ManualClock, SystemClock, UnixTime, MAX_UNIX_TIME};
pub use validate::{Constraint, InvalidParameter};
pub use verify::{
    RevokedSessions, VerifiedSession, Verifier, VerifierConfigError, VerifyError,
    DEFAULT_LEEWAY_SECS, MAX_LEEWAY_SECS,
};
