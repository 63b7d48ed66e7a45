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

// ---- verification --------------------------------------------------------------------------------

/// The default tolerance of the [`Verifier`](crate::Verifier) for clocks that disagree: 5
/// minutes, as AWS allows for SigV4.
pub const DEFAULT_LEEWAY_SECS: u64 = 300;
/// The largest tolerance a verifier accepts: 15 minutes.
pub const MAX_LEEWAY_SECS: u64 = 900;
/// How far apart replicas' clocks may be for a shared TOTP replay store (`mfa::ReplayStore`) to
/// keep a used code's record until no replica accepts the code any more: the
/// `TotpVerifier` asks the store to keep each record this long past the end of the
/// code's window on its own clock. One minute (two TOTP steps).
pub const TOTP_REPLAY_CLOCK_MARGIN_SECS: u64 = 60;
/// The most role-chaining hops a token records.
pub const MAX_CHAIN_DEPTH: u8 = 64;
/// The latest instant this crate represents: 9999-12-31T23:59:59Z. Later values are refused, so
/// every `UnixTime` formats as a four-digit-year ISO 8601 date.
pub const MAX_UNIX_TIME: u64 = 253_402_300_799;

// ---- keys ----------------------------------------------------------------------------------------

/// The least key material a [`KeyRing`](crate::KeyRing) key may have, in bytes.
pub const MIN_KEY_BYTES: usize = 32;
/// The most key material a key may have, in bytes (one SHA-256 block).
pub const MAX_KEY_BYTES: usize = 64;
/// The most bytes a [`KeyId`](crate::keys::KeyId) may have.
pub const MAX_KEY_ID_BYTES: usize = 32;
/// The most keys the key-ring text form may hold.
pub const MAX_RING_KEYS: usize = 64;
/// The most keys one web identity [`SigningKeyRing`](crate::outbound) holds.
pub const MAX_SIGNING_KEYS: usize = 16;
/// The shortest TOTP seed accepted, in bytes (RFC 4226 asks for at least 128 bits; 80 is what
/// some authenticators still issue).
pub const MIN_TOTP_SEED_BYTES: usize = 10;
/// The longest TOTP seed accepted, in bytes.
pub const MAX_TOTP_SEED_BYTES: usize = 64;

// ---- names ---------------------------------------------------------------------------------------

/// The longest ARN accepted, in bytes (IAM's own limit for ARNs in policies and requests).
pub const MAX_ARN_BYTES: usize = 2048;
/// The longest IAM path, in bytes (IAM's `Path` quota: 512 characters).
pub const MAX_IAM_PATH_BYTES: usize = 512;
/// At most this many characters of a caller-supplied value are echoed into an error message.
pub const MAX_ECHO_CHARS: usize = 128;

// ---- directory -----------------------------------------------------------------------------------

/// The largest directory file accepted: 16 MiB. Checked before parsing.
pub const MAX_DIRECTORY_FILE_BYTES: usize = 16 * 1024 * 1024;
/// The most audiences (client IDs) one OIDC provider may list (IAM's quota is 100).
pub const MAX_OIDC_AUDIENCES: usize = 100;
/// The largest JWKS text a directory's OIDC provider may carry, in bytes.
pub const MAX_JWKS_BYTES: usize = 65_536;

// ---- web identity --------------------------------------------------------------------------------

/// The longest ID token accepted, in bytes (AWS's limit for `WebIdentityToken`).
pub const MAX_ID_TOKEN_BYTES: usize = 20_000;
/// The default clock-skew leeway for `exp`, `nbf` and `iat`: 5 minutes.
pub const DEFAULT_ID_TOKEN_LEEWAY_SECS: u64 = 300;
/// The largest leeway a validator may be given: 15 minutes.
pub const MAX_ID_TOKEN_LEEWAY_SECS: u64 = 900;
/// The largest claims set of one web identity token, in bytes of JSON. AWS refuses a larger
/// one with `JWTPayloadSizeExceededException` without publishing its number. This one keeps every
/// token, signed with a 4096-bit RSA key, within the 20 000 characters `AssumeRoleWithWebIdentity`
/// accepts, so another deployment can always take it; it fits ten 1000-character audiences with
/// room for tags.
pub const MAX_WEB_IDENTITY_TOKEN_PAYLOAD_BYTES: usize = 14 * 1024;

// ---- authorization messages ----------------------------------------------------------------------

/// The most bytes of JSON an encoded authorization message carries.
pub const MAX_DECODED_MESSAGE_BYTES: usize = 5_120;
/// How long an encoded authorization message can be decoded by default: 12 hours (AWS states
/// no lifetime).
pub const DEFAULT_MESSAGE_LIFETIME_SECS: u64 = 12 * 3600;
/// The shortest lifetime an encoded authorization message may be given: one minute.
pub const MIN_MESSAGE_LIFETIME_SECS: u64 = 60;
/// The longest lifetime of an encoded authorization message: 36 hours, the key ring's
/// retirement horizon.
pub const MAX_MESSAGE_LIFETIME_SECS: u64 = 36 * 3600;

// ---- sigv4 ---------------------------------------------------------------------------------------

/// The longest access key ID, region or service name accepted in a SigV4 credential scope.
pub const MAX_SCOPE_PART_BYTES: usize = 128;
/// The longest validity a presigned URL may ask for: 7 days.
pub const MAX_PRESIGN_EXPIRES_SECS: u64 = 604_800;
/// The longest `aws-chunked` chunk header or trailer line, without its `\r\n`.
pub const MAX_CHUNK_LINE_BYTES: usize = 256;
/// The default largest `aws-chunked` chunk: 8 MiB (the AWS SDKs send 64 KiB to 1 MiB).
pub const DEFAULT_MAX_CHUNK_BYTES: usize = 8 * 1024 * 1024;
/// The default largest body the tower layer buffers: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

// ---- workloads -----------------------------------------------------------------------------------

/// The longest IMDSv2 session, in seconds (6 hours), as on EC2.
pub const MAX_IMDS_TOKEN_TTL_SECS: u64 = 21_600;
/// How long before expiry workload credentials are re-issued by default: 20 minutes, more than the
/// 15 minutes before expiry at which the AWS SDKs start to refresh.
pub const DEFAULT_REFRESH_BEFORE_SECS: u64 = 20 * 60;
