//! Every limit of the STS model, once, with the AWS quota it mirrors.
//!
//! A limit lives here when AWS publishes it (the STS API reference, the IAM User Guide's "IAM
//! and AWS STS quotas") or when two parts of tempcred must agree on it (the request that admits a
//! value and the token that carries it). Lengths of text the API measures in characters are
//! `…_CHARS` and counted in characters everywhere, bytes included only where the wire format
//! counts bytes (`…_BYTES`).

use std::ops::RangeInclusive;

// ---- session lifetimes (STS API reference, `DurationSeconds` of each operation) -----------------

/// The shortest session of every credential-issuing operation: 15 minutes.
pub const MIN_SESSION_SECS: u32 = 900;
/// A role session's lifetime when the request names none: one hour.
pub const DEFAULT_ROLE_SESSION_SECS: u32 = 3600;
/// The longest session a role-chaining `AssumeRole` may ask for: one hour ("role chaining limits
/// your session to a maximum of one hour").
pub const MAX_CHAINED_SESSION_SECS: u32 = 3600;
/// What a role's `MaxSessionDuration` may be: one to twelve hours (IAM `CreateRole`).
pub const ROLE_MAX_SESSION_RANGE: RangeInclusive<u32> = 3600..=43_200;
/// A role's `MaxSessionDuration` when its definition names none: one hour.
pub const DEFAULT_ROLE_MAX_SESSION_SECS: u32 = 3600;
/// The longest `GetSessionToken` / `GetFederationToken` session of an IAM user: 36 hours. Also
/// the longest lifetime any token may carry.
pub const MAX_USER_SESSION_SECS: u32 = 129_600;
/// `GetSessionToken` / `GetFederationToken`'s lifetime when the request names none: 12 hours.
pub const DEFAULT_USER_SESSION_SECS: u32 = 43_200;
/// The longest session of the root user's `GetSessionToken` / `GetFederationToken`: one hour
/// (longer requests are clamped, as AWS does).
pub const MAX_ROOT_SESSION_SECS: u32 = 3600;

// ---- policy documents (IAM User Guide, "IAM and AWS STS quotas") -------------------------------

/// The longest role trust policy: 2048 characters (the default quota; AWS raises it to 4096 on
/// request).
pub const TRUST_POLICY_MAX_CHARS: usize = 2048;
/// The longest identity (permission) policy: 6144 characters (a managed policy's quota).
pub const IDENTITY_POLICY_MAX_CHARS: usize = 6144;

// ---- session policies and tags (STS API reference; IAM User Guide, "Session policies") ---------

/// The longest inline session policy: "can't exceed 2,048 characters".
pub const MAX_SESSION_POLICY_CHARS: usize = 2048;
/// The most managed session policies (`PolicyArns`): 10.
pub const MAX_POLICY_ARNS: usize = 10;
/// The longest managed-policy ARN: 2048 characters (`arnType`).
pub const MAX_POLICY_ARN_CHARS: usize = 2048;
/// The most session tags one request passes: 50.
pub const MAX_SESSION_TAGS: usize = 50;
/// The most transitive tag keys one request passes: 50.
pub const MAX_TRANSITIVE_TAG_KEYS: usize = 50;

// ---- the session token -------------------------------------------------------------------------

/// The longest session token text tempcred issues or reads: 4096 bytes. Over it, AWS's answer
/// is `PackedPolicyTooLarge`.
pub const MAX_TOKEN_TEXT_BYTES: usize = 4096;
/// The most caveats an attenuated session token carries ([`crate::attenuate`]): 8. Each one costs
/// the verifier three HMACs and the token its bytes; eight is more than any delegation chain we
/// know of needs, and small enough that verifying stays within a few microseconds. (tempcred's
/// own limit: AWS has no attenuation.)
pub const MAX_CAVEATS: usize = 8;

// ---- GetWebIdentityToken (STS API reference) --------------------------------------------------

/// The most audiences of one `GetWebIdentityToken` request (`Audience.member.N`): 10.
pub const MAX_TOKEN_AUDIENCES: usize = 10;
/// The longest audience: 1000 characters.
pub const MAX_TOKEN_AUDIENCE_CHARS: usize = 1000;
/// The shortest web identity token lifetime: 60 seconds.
pub const MIN_TOKEN_DURATION_SECS: u32 = 60;
/// The longest web identity token lifetime: 3600 seconds.
pub const MAX_TOKEN_DURATION_SECS: u32 = 3600;
/// A web identity token's lifetime when the request names none: 300 seconds.
pub const DEFAULT_TOKEN_DURATION_SECS: u32 = 300;

// ---- DecodeAuthorizationMessage (STS API reference) -------------------------------------------

/// The longest `EncodedMessage`: 10240 characters (`encodedMessageType`).
pub const MAX_ENCODED_MESSAGE_CHARS: usize = 10_240;
