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
//! let verifier = Verifier::new(&ring);               // what every replica does
//! let session = verifier
//!     .verify(creds.session_token.expose_secret(), UnixTime::from_secs(1_500))
//!     .unwrap();
//! assert_eq!(verifier.secret_access_key(&session).unwrap().expose_secret(),
//!            creds.secret_access_key.expose_secret());
//! ```
//!
//! ## Layout
//!
//! - [`keys`]: the key ring, rotation, the key-ring text form.
//! - [`token`]: claims and the canonical, MAC'd session-token encoding.
//! - [`Verifier`] / [`VerifiedSession`]: stateless verification.
//! - [`policy`]: the IAM policy language: parse, evaluate, explain.
//! - [`principal`], [`session`]: ARNs, identifiers and bounded request parameters, validated at
//!   construction.
//! - [`sigv4`]: AWS Signature Version 4 signing and verification.
//! - [`Clock`], [`RandomSource`]: time and randomness come in through traits.
//! - [`StsRequest`] / [`StsResponse`] / [`StsError`]: the typed STS operations and errors;
//!   [`wire`]: the Query API, XML responses and credential JSON that AWS tools speak.
//! - [`directory`]: users, roles, roots, identity providers and their keys ([`Directory`],
//!   [`InMemoryDirectory`] and its JSON file).
//! - [`audit`]: one [`AuditEvent`] per attempt, to an [`AuditSink`].
//! - [`mfa`]: the [`MfaVerifier`] trait and, with feature `totp`, RFC 6238 codes.
//! - [`web_identity`]: OIDC ID-token validation ([`IdentityTokenValidator`]; with feature `oidc`,
//!   `JwksValidator`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod authorize;
mod bounded;
mod credentials;
pub mod directory;
pub mod endpoint;
mod error;
pub mod issue;
pub mod keys;
pub mod mfa;
pub mod policy;
pub mod principal;
mod random;
mod request;
mod response;
pub mod session;
pub mod sigv4;
mod time;
pub mod token;
mod validate;
mod verify;
pub mod web_identity;
pub mod wire;

pub use audit::{AuditEvent, AuditOutcome, AuditSink};
pub use credentials::{
    AccessKeyId, AccessKeyKind, CredentialFormatError, Credentials, SecretAccessKey, SessionToken,
};
pub use directory::{Directory, InMemoryDirectory};
pub use error::{FaultType, StsError, StsErrorCode, MAX_ECHO_CHARS};
pub use issue::{CallEnv, Caller, Issuer};
pub use keys::KeyRing;
#[cfg(feature = "totp")]
pub use mfa::TotpVerifier;
pub use mfa::{MfaError, MfaVerifier, TotpSeed};
pub use policy::{
    evaluate_trust, evaluate_with_session, Decision, Evaluation, MalformedPolicyDocument,
    PolicyDocument, RequestContext, RequestPrincipal,
};
pub use principal::{Arn, PrincipalArn};
pub use random::{RandomError, RandomSource, SeededRandom, SystemRandom};
pub use request::{
    Action, AssumeRoleRequest, AssumeRoleRequestBuilder, AssumeRoleWithSamlRequest,
    AssumeRoleWithSamlRequestBuilder, AssumeRoleWithWebIdentityRequest,
    AssumeRoleWithWebIdentityRequestBuilder, GetCallerIdentityRequest, GetFederationTokenRequest,
    GetFederationTokenRequestBuilder, GetSessionTokenRequest, GetSessionTokenRequestBuilder,
    SamlAssertion, StsRequest, WebIdentityToken, MAX_POLICY_ARNS, MAX_POLICY_CHARS,
    MAX_ROLE_DURATION_SECS, MAX_TRANSITIVE_TAG_KEYS, MAX_USER_DURATION_SECS, MIN_DURATION_SECS,
};
pub use response::{
    AssumeRoleResponse, AssumeRoleWithSamlResponse, AssumeRoleWithWebIdentityResponse,
    AssumedRoleUser, FederatedUser, GetCallerIdentityResponse, GetFederationTokenResponse,
    GetSessionTokenResponse, StsResponse,
};
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
#[cfg(feature = "oidc")]
pub use web_identity::JwksValidator;
pub use web_identity::{IdentityTokenValidator, ValidatedIdentity, WebIdentityError};
