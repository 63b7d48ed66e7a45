//! # tempcred — an embeddable Security Token Service
//!
//! `tempcred` is a library a Rust service embeds to do what AWS STS does, with AWS-compatible
//! wire formats so the AWS CLI, boto3 and the AWS SDKs work with it. It has two jobs:
//!
//! 1. **Issue** short-lived, scoped credentials (an access key ID, a secret access key and a session
//!    token) under roles, trust policies, session policies, tags, role chaining, external IDs, MFA
//!    and web-identity federation: the [`Issuer`].
//! 2. **Verify** them anywhere with nothing shared but a [`KeyRing`]: the [`Verifier`] recomputes the
//!    access key ID and secret from the session token alone. No database, no call back. Requests
//!    signed with them (SigV4) are checked by [`sigv4::SigV4Verifier`], and what a session may do
//!    is decided by [`authorize::Authorizer`].
//!
//! ## Quick start
//!
//! ```
//! # use std::sync::Arc; use tempcred::directory::InMemoryDirectory; use tempcred::keys::KeyId;
//! # use tempcred::{AssumeRoleRequest, Clock, Issuer, KeyRing, SystemClock, SystemRandom, Verifier};
//! # let directory = Arc::new(InMemoryDirectory::from_json(tempcred::directory::demo_directory_json())?);
//! let ring = KeyRing::generate(KeyId::new("2026-11")?, &SystemRandom)?; // the one shared secret
//! let issuer = Issuer::builder(directory, ring.clone()).build();       // users, roles, policies
//! let alice = issuer.long_term_caller(&"AKIADEMOALICE0000001".parse()?).ok_or("no alice")?;
//! let request = AssumeRoleRequest::builder("arn:aws:iam::222222222222:role/deploy", "ci")
//!     .external_id("demo-external-id").build()?;
//! let creds = issuer.assume_role(&alice, &request)?.credentials;        // job 1: issue
//! let session = Verifier::new(&ring)                                   // job 2: verify, anywhere
//!     .verify(creds.session_token.expose_secret(), SystemClock.now())?;
//! assert_eq!(session.caller_identity().arn, "arn:aws:sts::222222222222:assumed-role/deploy/ci");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The directory here is the built-in demo ([`directory::demo_directory_json`]); a service loads
//! its own ([`InMemoryDirectory::from_json`]) or implements [`Directory`] over its store. The
//! `examples/` folder has a runnable program for each use: `quickstart`, `cross_account`,
//! `role_chaining`, `session_policy`, `key_rotation`, `web_identity`, `credential_process`,
//! `protected_service` and the AWS-compatible `sts_server`.
//!
//! ## Feature flags
//!
//! | feature | default | adds | extra dependencies |
//! |---|---|---|---|
//! | (none) | yes | issuing, verifying, policies, SigV4, the STS Query API and XML, credential JSON | — |
//! | `totp` | yes | `TotpVerifier`: RFC 6238 codes for MFA | `sha1` |
//! | `oidc` | yes | `JwksValidator`: RS256/ES256/ES384 ID tokens for `AssumeRoleWithWebIdentity`; `outbound`: RS256/ES384 signing for `GetWebIdentityToken` | `jsonwebtoken`, `rsa`, `p384` (pure-Rust crypto) |
//! | `authorization-messages` | yes | encoded authorization messages in refusals, `DecodeAuthorizationMessage` (module `authorization_message`) | `chacha20poly1305` |
//! | `redis` | no | `mfa::RedisReplayStore`: TOTP replay protection shared by replicas (implies `totp`) | `redis` (sync, no default features) |
//! | `tower` | no | `tower::SigV4Layer`: SigV4 authentication in front of any tower/axum/hyper service | `tower-layer`, `tower-service`, `http`, `http-body`, `http-body-util`, `bytes` |
//!
//! ## Layout
//!
//! - [`Issuer`] ([`issue`]): the STS operations under AWS's delegation rules; [`endpoint`]: the
//!   STS Query API in front of it ([`endpoint::StsEndpoint`]), for any HTTP stack.
//! - [`keys`]: the key ring, rotation, the key-ring text form.
//! - [`token`]: claims and the canonical, MAC'd session-token encoding; [`attenuate`]: a
//!   holder narrowing its own credentials offline ([`Credentials::attenuate`]).
//! - [`Verifier`] / [`VerifiedSession`]: stateless verification; [`authorize`]: what a verified
//!   session may do; `authorization_message` (feature `authorization-messages`): refusals that
//!   explain themselves to the account's operators (`DecodeAuthorizationMessage`).
//! - [`policy`]: the IAM policy language: parse, evaluate, explain.
//! - [`principal`], [`session`]: ARNs, identifiers and bounded request parameters, validated at
//!   construction.
//! - [`sigv4`]: AWS Signature Version 4 signing and verification; with feature `tower`, the
//!   `tower` module's layer.
//! - [`Clock`], [`RandomSource`]: time and randomness come in through traits.
//! - [`StsRequest`] / [`StsResponse`] / [`StsError`]: the typed STS operations and errors;
//!   [`wire`]: the Query API, XML responses and credential JSON that AWS tools speak.
//! - [`directory`]: users, roles, roots, identity providers and their keys ([`Directory`],
//!   [`InMemoryDirectory`] and its JSON file).
//! - [`audit`]: one [`AuditEvent`] per attempt, to an [`AuditSink`].
//! - [`mfa`]: the [`MfaVerifier`] trait and, with feature `totp`, RFC 6238 codes.
//! - [`web_identity`]: OIDC ID-token validation ([`IdentityTokenValidator`]; with feature `oidc`,
//!   `JwksValidator`).
//! - [`manual`]: how it works and why: delegation rules, token format, security model, testing.
//! - [`limits`]: every quota, once, with the AWS page it mirrors.
//! - [`hazmat`]: minting tokens without the delegation rules (tests, migration).
//! - [`outbound`]: tempcred as an OIDC identity provider (`GetWebIdentityToken`): with feature
//!   `oidc`, the RS256/ES384 `SigningKeyRing`, the JWKS and the discovery document.
//!
//! ## Security model
//!
//! - **The key ring is the root of trust.** Whoever holds it can mint any session: keep it in a
//!   secret store, give verifiers the same ring, rotate with [`KeyRing::add`] →
//!   [`KeyRing::promote`] → [`KeyRing::retire`] (after 36 h plus the leeway).
//! - **Credentials are bearer secrets.** The session token and secret access key are handed to the
//!   caller once; the secret is derived from the token's MAC, so tokens must travel over TLS
//!   (which the application provides) and never be logged. The crate never logs, and its errors,
//!   `Debug` output and audit events never contain a secret or a whole token.
//! - **Verification is stateless**, so a token is valid until it expires: to cut sessions short,
//!   hand the verifier a [`RevokedSessions`] snapshot ("sessions of role R issued before T") or
//!   retire the key that signed them.
//! - **SigV4 has no nonce**: a captured signed request can be replayed within the clock-skew
//!   window (5 minutes by default, as in AWS). Make state-changing operations idempotent or
//!   narrow the window with [`sigv4::SigV4Config::with_clock_skew_leeway`].
//! - **Authorization needs the directory**: the token carries the session policy and tags, but
//!   the role's own policies come from the application's [`Directory`] at decision time, so a
//!   policy change takes effect at once.
//! - **Not provided**: TLS, rate limiting, storage of the directory, and SAML signature checks
//!   (a trait the application implements).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The results here are security decisions and credentials: ignoring one is a bug, and every
// fallible call says when it fails (`# Errors`). Every public type has `Debug`, so an
// application's own types can derive it.
#![warn(
    clippy::must_use_candidate,
    clippy::missing_errors_doc,
    missing_debug_implementations
)]

pub mod attenuate;
pub mod audit;
#[cfg(feature = "authorization-messages")]
pub mod authorization_message;
pub mod authorize;
mod bounded;
mod credentials;
pub mod directory;
pub mod endpoint;
mod error;
pub mod hazmat;
pub mod issue;
mod json;
pub mod keys;
pub mod limits;
pub mod manual;
pub mod mfa;
pub mod outbound;
pub mod policy;
pub mod principal;
mod random;
mod request;
mod response;
pub mod session;
pub mod sigv4;
mod time;
pub mod token;
#[cfg(feature = "tower")]
pub mod tower;
mod validate;
mod verify;
pub mod web_identity;
pub mod wire;
pub mod workload;

/// Parsers that only the crate's own tests and fuzz targets call directly: not part of the API,
/// not covered by semver, hidden from the documentation. Applications verify requests with
/// [`sigv4::SigV4Verifier`], which runs these parsers itself.
#[doc(hidden)]
pub mod internal {
    pub use crate::sigv4::authorization::AuthorizationHeader;
    pub use crate::sigv4::presign::PresignedQuery;
}

pub use audit::{AuditEvent, AuditOutcome, AuditSink};
pub use credentials::{
    AccessKeyId, AccessKeyKind, CredentialFormatError, Credentials, SecretAccessKey, SessionToken,
};
pub use directory::{Directory, InMemoryDirectory};
pub use error::{FaultType, StsError, StsErrorCode};
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
pub use random::{BufferedRandom, RandomError, RandomSource, SystemRandom};
pub use request::DecodeAuthorizationMessageRequest;
pub use request::{
    Action, AssumeRoleRequest, AssumeRoleRequestBuilder, AssumeRoleWithSamlRequest,
    AssumeRoleWithSamlRequestBuilder, AssumeRoleWithWebIdentityRequest,
    AssumeRoleWithWebIdentityRequestBuilder, GetAccessKeyInfoRequest, GetCallerIdentityRequest,
    GetFederationTokenRequest, GetFederationTokenRequestBuilder, GetSessionTokenRequest,
    GetSessionTokenRequestBuilder, GetWebIdentityTokenRequest, GetWebIdentityTokenRequestBuilder,
    SamlAssertion, StsRequest, WebIdentityToken,
};
pub use response::DecodeAuthorizationMessageResponse;
pub use response::{
    AssumeRoleResponse, AssumeRoleWithSamlResponse, AssumeRoleWithWebIdentityResponse,
    AssumedRoleUser, FederatedUser, GetAccessKeyInfoResponse, GetCallerIdentityResponse,
    GetFederationTokenResponse, GetSessionTokenResponse, GetWebIdentityTokenResponse, StsResponse,
};
pub use session::{
    ExternalId, FederatedUserName, MfaSerialNumber, MfaTokenCode, RoleSessionName, SessionTag,
    SessionTags, SourceIdentity, TagKey, TagValue,
};
pub use time::{Clock, ManualClock, SystemClock, UnixTime};
pub use validate::{Constraint, InvalidParameter};
pub use verify::{
    RevocationFileError, RevocationLineError, RevokedSessions, VerifiedSession, Verifier,
    VerifierConfigError, VerifyError,
};
#[cfg(feature = "oidc")]
pub use web_identity::JwksValidator;
pub use web_identity::{IdentityTokenValidator, ValidatedIdentity, WebIdentityError};
