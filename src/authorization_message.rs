//! Encoded authorization messages: why a request was refused, sealed so that only the operators
//! of the deployment can read it (STS `DecodeAuthorizationMessage`; feature
//! `authorization-messages`).
//!
//! When an [`Authorizer`](crate::authorize::Authorizer) configured with [`AuthorizationMessages`] refuses a request, its
//! `AccessDenied` message ends the way AWS's do: `… Encoded authorization failure message:
//! MESSAGE`. The caller who was refused can carry the message to someone allowed
//! `sts:DecodeAuthorizationMessage` in the same account, who asks the STS
//! ([`crate::Issuer::decode_authorization_message`], or `aws sts decode-authorization-message`
//! against the endpoint) for the JSON AWS documents: `allowed`, `explicitDeny`,
//! `matchedStatements`, `failures` and `context` (principal, action, resource, condition keys).
//!
//! ```
//! # use std::sync::Arc;
//! use tempcred::authorization_message::AuthorizationMessages;
//! use tempcred::authorize::{AuthorizationRequest, Authorizer};
//! # use tempcred::directory::{demo_directory_json, InMemoryDirectory};
//! # use tempcred::*;
//! # let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
//! # let ring = KeyRing::generate(tempcred::keys::KeyId::new("k")?, &SystemRandom)?;
//! # let issuer = Issuer::builder(directory.clone(), ring.clone()).build();
//! # let alice = issuer.long_term_caller(&"AKIADEMOALICE0000001".parse()?).ok_or("alice")?;
//! # let creds = issuer.assume_role(&alice, &AssumeRoleRequest::builder(
//! #     "arn:aws:iam::222222222222:role/deploy", "ci").external_id("demo-external-id").build()?)?.credentials;
//! # let now = creds.expiration.saturating_sub(60);
//! # let session = Verifier::new(&ring).verify(creds.session_token.expose_secret(), now)?;
//! // The service's authorizer seals an explanation into every refusal…
//! let authorizer = Authorizer::new(directory)
//!     .with_authorization_messages(AuthorizationMessages::new(ring.clone()));
//! let refused = authorizer
//!     .require(&session, &AuthorizationRequest::new("iam:DeleteRole", "*"), now)
//!     .unwrap_err();
//! let encoded = refused.encoded_authorization_message().ok_or("no message")?;
//!
//! // …which the caller cannot read, and the STS opens for the same account.
//! let decoded = AuthorizationMessages::new(ring)
//!     .decode_at(encoded, session.claims().partition, session.claims().account, now)?;
//! assert!(decoded.json().starts_with(r#"{"allowed":false,"explicitDeny":false,"#));
//! assert!(decoded.json().contains(r#""action":"iam:DeleteRole""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The sealed form (version 1)
//!
//! Unpadded base64url of
//!
//! ```text
//! version (1 byte, = 1)
//! key ID length (1 byte) ‖ key ID           the ring key whose sub-key sealed it
//! issued at (u64, big endian, Unix seconds)
//! expires at (u64, big endian)
//! partition length (1 byte) ‖ partition     the refused principal's partition and account:
//! account (u64, big endian)                 only that account may decode it
//! nonce (24 random bytes)
//! XChaCha20-Poly1305 ciphertext of the JSON ‖ tag (16 bytes)
//! ```
//!
//! Everything before the nonce is the AEAD's associated data, so none of it can be changed
//! either. The key is a purpose-separated sub-key of the ring's key,
//! HMAC-SHA256(key, `tempcred/v1/authorization-message`), never the key itself: a message and a
//! session token never share a key. Because the key ID travels with the message, a message sealed
//! before a key rotation decodes as long as the ring still holds that key; a ring of another
//! deployment (other keys, even under the same IDs) cannot open it.
//!
//! Invariants:
//!
//! - The caller learns nothing from a message but its length and its times: the JSON is
//!   encrypted, and every alteration of the text is refused (one error for every seal failure).
//! - Decoding is strict and bounded: at most [`MAX_SEALED_CHARS`] characters, canonical base64url,
//!   one version, no trailing bytes; it allocates once, for the decoded bytes.
//! - The JSON is at most [`MAX_DECODED_MESSAGE_BYTES`] bytes, so a sealed message is at most
//!   [`MAX_SEALED_CHARS`] characters, well under the API's 10 240. What does not fit is left out
//!   deterministically, and the JSON says so in a `truncated` member (see below).
//! - A message is good for [`DEFAULT_MESSAGE_LIFETIME_SECS`] (12 hours; AWS states no lifetime):
//!   long enough for a refusal reported during the working day to be looked at, short enough
//!   that a message copied into a ticket or a log stops being readable soon. At most
//!   [`MAX_MESSAGE_LIFETIME_SECS`] (36 hours), the ring's retirement horizon, so retiring a key
//!   as the ring's rules say never strands an unexpired message.
//!
//! # The JSON
//!
//! The shape of AWS's decoded messages (see the example in the AWS CLI reference for
//! `decode-authorization-message`), with tempcred's additions marked:
//!
//! ```text
//! {"allowed":false,"explicitDeny":true,
//!  "matchedStatements":{"items":[{"statementId":"DenyDeletes","effect":"DENY",
//!     "principals":{"items":[{"value":"AROA…"}]},"principalGroups":{"items":[]},
//!     "actions":{"items":[{"value":"s3:Delete*"}]},"resources":{"items":[{"value":"*"}]},
//!     "conditions":{"items":[]},
//!     "policy":{"type":"identity","index":0},"statementIndex":1}]},      ← tempcred: which policy
//!  "failures":{"items":[]},
//!  "context":{"principal":{"id":"AROA…:ci","arn":"arn:aws:sts::…:assumed-role/deploy/ci"},
//!     "action":"s3:DeleteObject","resource":"arn:aws:s3:::demo-bucket/k",
//!     "conditions":{"items":[{"key":"aws:PrincipalArn","values":{"items":[{"value":"…"}]}}]}}}
//! ```
//!
//! - `matchedStatements` lists every statement that applied, the `Deny`s first and then the
//!   `Allow`s (so a cut never drops the statement that decided an explicit deny), from the
//!   identity policies (`"type":"identity"`, the role's or user's policies in directory order)
//!   and the session policies (`"type":"session"`, the inline policy first, then the managed ones,
//!   each with its `"arn"`). `principals` is the unique ID the policy belongs to. A statement
//!   under `NotAction`/`NotResource` lists `notActions`/`notResources`; a statement's
//!   `conditions` items carry the operator as written.
//! - `context.action` is the IAM action as the service named it (`s3:PutObject`); `conditions`
//!   lists every context key with its values, ordered by key. Values of keys that name a
//!   credential (`…security-token`, `…signature`, `authorization`, `…credential…`, `…secret…`,
//!   `…password…`, `cookie`) and values shaped like a session token or a secret access key read
//!   `***REDACTED***`: every principal of the account allowed to decode reads the message.
//! - When the explanation does not fit, statements are kept before condition keys, each list
//!   is cut after the last item that fits, and strings longer than 1 024 characters (128 if even
//!   the principal, action and resource would not fit) are cut and end in `…`. Then
//!   `"truncated":{"matchedStatements":N,"conditions":M,"values":true|false}` says how many
//!   items were left out and whether strings were cut.

use crate::error::StsError;
use crate::issue::resolve::{Permissions, Resolved};
use crate::keys::{KeyId, KeyRing};
use crate::limits::MAX_UNIX_TIME;
use crate::limits::{
    DEFAULT_MESSAGE_LIFETIME_SECS, MAX_DECODED_MESSAGE_BYTES, MAX_MESSAGE_LIFETIME_SECS,
    MIN_MESSAGE_LIFETIME_SECS,
};
use crate::policy::{Decision, Effect, PolicyDocument, RequestContext, Statement};
use crate::principal::{AccountId, Partition};
use crate::random::{RandomError, RandomSource, SystemRandom};
use crate::time::UnixTime;
use crate::token::{Claims, LongTermPrincipal, SessionPrincipal};
use chacha20poly1305::{AeadInOut, Tag, XNonce};
use std::fmt::{self, Write as _};
use std::sync::Arc;
use zeroize::Zeroizing;

/// The format version this module writes and reads.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// The longest partition (a [`Partition`] is at most 32 bytes).
const MAX_PARTITION_LEN: usize = 32;
/// The longest header before the nonce: version, key ID, two times, partition, account.
const MAX_HEADER_LEN: usize =
    1 + 1 + crate::limits::MAX_KEY_ID_BYTES + 8 + 8 + 1 + MAX_PARTITION_LEN + 8;
/// The most bytes a sealed message has before base64url.
const MAX_SEALED_BYTES: usize = MAX_HEADER_LEN + NONCE_LEN + MAX_DECODED_MESSAGE_BYTES + TAG_LEN;

/// The longest sealed message, in characters (unpadded base64url of the largest message): 7 002.
pub const MAX_SEALED_CHARS: usize = (MAX_SEALED_BYTES * 4).div_ceil(3);

// Every message this module seals fits the API's `EncodedMessage`, with room to spare.
const _: () = assert!(MAX_SEALED_CHARS < crate::limits::MAX_ENCODED_MESSAGE_CHARS);

/// How far in the future a message's issue time may be (another replica's clock): the verifier's
/// default leeway.
const ISSUE_LEEWAY_SECS: u64 = crate::limits::DEFAULT_LEEWAY_SECS;

/// Strings in the JSON are cut to this many characters…
const MAX_FIELD_CHARS: usize = 1_024;
/// …or to this many when even the principal, action and resource would not fit otherwise.
const MIN_FIELD_CHARS: usize = 128;
/// Room kept for the `truncated` member: its text with two 20-digit counts.
const TRUNCATION_RESERVE: usize =
    r#","truncated":{"matchedStatements":,"conditions":,"values":false}"#.len() + 2 * 20;

/// Why a message was not sealed or not decoded.
///
/// The STS answers every decoding error with `InvalidAuthorizationMessageException`, saying
/// only "expired" or "not valid"; the variants are for the application's own logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizationMessageError {
    /// Not a message of this format: size, encoding, version or structure.
    #[error("the authorization message is malformed")]
    Malformed,
    /// The message names a key this ring does not hold (another deployment's, or retired).
    #[error("the authorization message names a key this ring does not hold")]
    UnknownKey,
    /// The message did not authenticate: altered, or sealed under another ring's key.
    #[error("the authorization message does not authenticate")]
    BadSeal,
    /// The message's lifetime is over.
    #[error("the authorization message has expired")]
    Expired,
    /// The message says it was issued later than now (beyond the clock-skew leeway).
    #[error("the authorization message is not valid yet")]
    NotYetValid,
    /// The message explains a refusal in another account (or partition).
    #[error("the authorization message belongs to another account")]
    OtherAccount,
    /// A lifetime outside [`MIN_MESSAGE_LIFETIME_SECS`]..=[`MAX_MESSAGE_LIFETIME_SECS`].
    #[error(
        "authorization messages live {MIN_MESSAGE_LIFETIME_SECS}-{MAX_MESSAGE_LIFETIME_SECS} seconds"
    )]
    InvalidLifetime,
    /// The random source failed while drawing a nonce.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl From<AuthorizationMessageError> for StsError {
    /// `InvalidAuthorizationMessageException` (400) for every message the caller sent that does
    /// not decode, with one text for all of them but expiry; `InternalFailure` for the rest.
    fn from(e: AuthorizationMessageError) -> Self {
        match e {
            AuthorizationMessageError::Expired => StsError::invalid_authorization_message(
                "The encoded authorization message has expired.",
            ),
            AuthorizationMessageError::Random(_) | AuthorizationMessageError::InvalidLifetime => {
                StsError::internal_failure()
            }
            _ => StsError::invalid_authorization_message(
                "The encoded authorization message is not valid.",
            ),
        }
    }
}

/// Seals explanations of refusals and opens them again, with a key ring.
///
/// Give one to [`Authorizer::with_authorization_messages`] (and, through it, to the tower
/// layer); the [`crate::Issuer`] decodes with its own ring, which must hold the key that sealed
/// a message. Cloning is cheap.
///
/// [`Authorizer::with_authorization_messages`]: crate::authorize::Authorizer::with_authorization_messages
#[derive(Clone)]
pub struct AuthorizationMessages {
    ring: KeyRing,
    random: Arc<dyn RandomSource>,
    lifetime_secs: u64,
}

impl fmt::Debug for AuthorizationMessages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationMessages")
            .field("ring", &self.ring)
            .field("lifetime_secs", &self.lifetime_secs)
            .finish_non_exhaustive()
    }
}

impl AuthorizationMessages {
    /// Seals with `ring`'s signing key, nonces from the operating system, messages good for
    /// [`DEFAULT_MESSAGE_LIFETIME_SECS`].
    #[must_use]
    pub fn new(ring: KeyRing) -> Self {
        AuthorizationMessages {
            ring,
            random: Arc::new(SystemRandom),
            lifetime_secs: DEFAULT_MESSAGE_LIFETIME_SECS,
        }
    }

    /// Draws nonces from `random` (default: the operating system).
    ///
    /// The nonces must never repeat under one key: two replicas given `SeededRandom` with the
    /// same seed would reuse them, and XChaCha20-Poly1305 then leaks the XOR of two messages and
    /// allows forgeries. `SeededRandom` is for tests only; production sources are the system's.
    pub fn with_random(mut self, random: Arc<dyn RandomSource>) -> Self {
        self.random = random;
        self
    }

    /// Messages good for `secs` seconds.
    ///
    /// # Errors
    ///
    /// [`AuthorizationMessageError::InvalidLifetime`] outside
    /// [`MIN_MESSAGE_LIFETIME_SECS`]..=[`MAX_MESSAGE_LIFETIME_SECS`].
    pub fn with_lifetime_secs(mut self, secs: u64) -> Result<Self, AuthorizationMessageError> {
        if !(MIN_MESSAGE_LIFETIME_SECS..=MAX_MESSAGE_LIFETIME_SECS).contains(&secs) {
            return Err(AuthorizationMessageError::InvalidLifetime);
        }
        self.lifetime_secs = secs;
        Ok(self)
    }

    /// How long a message can be decoded.
    #[must_use]
    pub fn lifetime_secs(&self) -> u64 {
        self.lifetime_secs
    }

    /// The ring messages are sealed with.
    #[must_use]
    pub fn key_ring(&self) -> &KeyRing {
        &self.ring
    }

    /// Opens `text` at `now` for a caller of `account` in `partition`.
    ///
    /// # Errors
    ///
    /// [`AuthorizationMessageError::Malformed`], `UnknownKey` or `BadSeal` for anything this
    /// ring did not seal (or that was altered), `OtherAccount` for a refusal in another account,
    /// `Expired` or `NotYetValid` outside its lifetime.
    pub fn decode_at(
        &self,
        text: &str,
        partition: Partition,
        account: AccountId,
        now: UnixTime,
    ) -> Result<DecodedAuthorizationMessage, AuthorizationMessageError> {
        open(&self.ring, text, partition, account, now)
    }

    /// Seals `explanation` at `now` under the ring's signing key.
    pub(crate) fn seal(
        &self,
        explanation: &Explanation<'_>,
        now: UnixTime,
    ) -> Result<String, AuthorizationMessageError> {
        let json = Zeroizing::new(explanation.to_json());
        let key = self.ring.signing();
        let id = key.id().as_str().as_bytes();
        let partition = explanation.partition.as_str().as_bytes();
        let mut out = Zeroizing::new(Vec::with_capacity(
            MAX_HEADER_LEN + NONCE_LEN + json.len() + TAG_LEN,
        ));
        out.push(VERSION);
        out.push(u8::try_from(id.len()).map_err(|_| AuthorizationMessageError::Malformed)?);
        out.extend_from_slice(id);
        out.extend_from_slice(&now.as_secs().to_be_bytes());
        let expires = now.saturating_add(self.lifetime_secs);
        out.extend_from_slice(&expires.as_secs().to_be_bytes());
        out.push(u8::try_from(partition.len()).map_err(|_| AuthorizationMessageError::Malformed)?);
        out.extend_from_slice(partition);
        out.extend_from_slice(&explanation.account.as_u64().to_be_bytes());
        let aad_len = out.len();
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill_bytes(&mut nonce)?;
        out.extend_from_slice(&nonce);
        out.extend_from_slice(json.as_bytes());
        let (aad, rest) = out.split_at_mut(aad_len);
        let plaintext = rest.get_mut(NONCE_LEN..).unwrap_or_default();
        let tag = key
            .authorization_message()
            .encrypt_inout_detached(&XNonce::from(nonce), aad, plaintext.into())
            .map_err(|_| AuthorizationMessageError::Malformed)?;
        out.extend_from_slice(&tag);
        Ok(data_encoding::BASE64URL_NOPAD.encode(&out))
    }
}

/// A decoded message: its JSON, and what the sealed header said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedAuthorizationMessage {
    json: String,
    issued_at: UnixTime,
    expires_at: UnixTime,
    key_id: KeyId,
    partition: Partition,
    account: AccountId,
}

impl DecodedAuthorizationMessage {
    /// The JSON (`DecodedMessage`).
    #[must_use]
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The JSON, owned.
    #[must_use]
    pub fn into_json(self) -> String {
        self.json
    }

    /// When the refusal happened.
    #[must_use]
    pub fn issued_at(&self) -> UnixTime {
        self.issued_at
    }

    /// When the message stops decoding.
    #[must_use]
    pub fn expires_at(&self) -> UnixTime {
        self.expires_at
    }

    /// The ring key that sealed it.
    #[must_use]
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// The refused principal's partition.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The refused principal's account.
    #[must_use]
    pub fn account(&self) -> AccountId {
        self.account
    }
}

/// Reads the sealed bytes front to back.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], AuthorizationMessageError> {
        if n > self.0.len() {
            return Err(AuthorizationMessageError::Malformed);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, AuthorizationMessageError> {
        let (&b, tail) = self
            .0
            .split_first()
            .ok_or(AuthorizationMessageError::Malformed)?;
        self.0 = tail;
        Ok(b)
    }

    fn u64(&mut self) -> Result<u64, AuthorizationMessageError> {
        let bytes: [u8; 8] = self
            .take(8)?
            .try_into()
            .map_err(|_| AuthorizationMessageError::Malformed)?;
        Ok(u64::from_be_bytes(bytes))
    }

    fn time(&mut self) -> Result<UnixTime, AuthorizationMessageError> {
        match self.u64()? {
            secs @ 0..=MAX_UNIX_TIME => Ok(UnixTime::from_secs(secs)),
            _ => Err(AuthorizationMessageError::Malformed),
        }
    }
}

/// Opens a sealed message; see [`AuthorizationMessages::decode_at`].
pub(crate) fn open(
    ring: &KeyRing,
    text: &str,
    partition: Partition,
    account: AccountId,
    now: UnixTime,
) -> Result<DecodedAuthorizationMessage, AuthorizationMessageError> {
    use AuthorizationMessageError as E;
    if text.is_empty() || text.len() > MAX_SEALED_CHARS {
        return Err(E::Malformed);
    }
    let mut bytes = data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .map_err(|_| E::Malformed)?;
    let mut r = Reader(&bytes);
    if r.byte()? != VERSION {
        return Err(E::Malformed);
    }
    let id_len = usize::from(r.byte()?);
    let key_id = KeyId::from_bytes(r.take(id_len)?).map_err(|_| E::Malformed)?;
    let issued_at = r.time()?;
    let expires_at = r.time()?;
    let partition_len = usize::from(r.byte()?);
    let sealed_partition = std::str::from_utf8(r.take(partition_len)?)
        .ok()
        .and_then(|p| Partition::new(p).ok())
        .ok_or(E::Malformed)?;
    let sealed_account = AccountId::from_u64(r.u64()?).ok_or(E::Malformed)?;
    let aad_len = bytes.len().saturating_sub(r.0.len());
    let nonce = XNonce::try_from(r.take(NONCE_LEN)?).map_err(|_| E::Malformed)?;
    let sealed_len = r.0.len();
    if sealed_len <= TAG_LEN || sealed_len - TAG_LEN > MAX_DECODED_MESSAGE_BYTES {
        return Err(E::Malformed);
    }
    let key = ring.get(key_id.as_str()).ok_or(E::UnknownKey)?;
    let (aad, rest) = bytes.split_at_mut(aad_len);
    let (ciphertext, tag) = rest
        .get_mut(NONCE_LEN..)
        .ok_or(E::Malformed)?
        .split_at_mut(sealed_len - TAG_LEN);
    let tag = Tag::try_from(&*tag).map_err(|_| E::Malformed)?;
    key.authorization_message()
        .decrypt_inout_detached(&nonce, aad, ciphertext.into(), &tag)
        .map_err(|_| E::BadSeal)?;
    // Authentic from here on: what follows checks what this ring itself wrote.
    if sealed_partition != partition || sealed_account != account {
        return Err(E::OtherAccount);
    }
    if expires_at <= issued_at || expires_at.seconds_since(issued_at) > MAX_MESSAGE_LIFETIME_SECS {
        return Err(E::Malformed);
    }
    if issued_at > now.saturating_add(ISSUE_LEEWAY_SECS) {
        return Err(E::NotYetValid);
    }
    if now >= expires_at {
        return Err(E::Expired);
    }
    let start = aad_len + NONCE_LEN;
    let plaintext = bytes
        .get(start..start + (sealed_len - TAG_LEN))
        .ok_or(E::Malformed)?
        .to_vec();
    let json = String::from_utf8(plaintext).map_err(|_| E::Malformed)?;
    Ok(DecodedAuthorizationMessage {
        json,
        issued_at,
        expires_at,
        key_id,
        partition: sealed_partition,
        account: sealed_account,
    })
}

// ---- the explanation ----

/// Which kind of policy a statement came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PolicyKind {
    Identity,
    Session,
}

/// One statement that applied.
struct Matched<'a> {
    kind: PolicyKind,
    policy: usize,
    arn: Option<&'a str>,
    index: usize,
    statement: &'a Statement,
    owner: &'a str,
}

/// Why a request was decided the way it was, ready to seal.
pub(crate) struct Explanation<'a> {
    partition: Partition,
    account: AccountId,
    decision: Decision,
    principal_id: &'a str,
    principal_arn: &'a str,
    action: &'a str,
    resource: &'a str,
    statements: Vec<Matched<'a>>,
    context: &'a RequestContext,
}

/// The unique ID the caller's identity policies belong to: the role's, the user's, or the
/// account for the root (a federated user's are its parent's).
fn identity_owner(resolved: &Resolved) -> String {
    let long_term = |p: &LongTermPrincipal| match p {
        LongTermPrincipal::Root => resolved.account.to_string(),
        LongTermPrincipal::User { user_id, .. } => user_id.to_string(),
    };
    match resolved.session.as_ref().map(|c: &Claims| &c.principal) {
        Some(SessionPrincipal::AssumedRole { role_id, .. }) => role_id.to_string(),
        Some(SessionPrincipal::FederatedUser { parent, .. }) => long_term(parent),
        Some(SessionPrincipal::LongTerm(p)) => long_term(p),
        None => resolved.user_id.clone(),
    }
}

/// What a refusal's explanation borrows: the resolved caller and the owner IDs computed once.
pub(crate) struct Owners {
    identity: String,
}

impl Owners {
    pub(crate) fn of(resolved: &Resolved) -> Self {
        Owners {
            identity: identity_owner(resolved),
        }
    }
}

impl<'a> Explanation<'a> {
    /// The explanation of `decision` for `resolved` (of `partition`) doing what `ctx` says; `action` and
    /// `resource` as the service named them (the context keeps the action lowercased).
    pub(crate) fn new(
        partition: Partition,
        resolved: &'a Resolved,
        owners: &'a Owners,
        ctx: &'a RequestContext,
        action: &'a str,
        resource: &'a str,
        decision: Decision,
    ) -> Self {
        let mut statements = Vec::new();
        let mut add =
            |kind, docs: &'a [Arc<PolicyDocument>], arns: &dyn Fn(usize) -> Option<&'a str>| {
                let refs: Vec<&PolicyDocument> = docs.iter().map(|d| &**d).collect();
                let evaluation = crate::policy::evaluate(&refs, ctx);
                let mut applied: Vec<_> = evaluation
                    .allowed_by
                    .iter()
                    .chain(&evaluation.denied_by)
                    .map(|r| (r.policy, r.statement))
                    .collect();
                applied.sort_unstable();
                for (policy, index) in applied {
                    let Some(statement) = docs.get(policy).and_then(|d| d.statements().get(index))
                    else {
                        continue;
                    };
                    statements.push(Matched {
                        kind,
                        policy,
                        arn: arns(policy),
                        index,
                        statement,
                        owner: match kind {
                            PolicyKind::Identity => &owners.identity,
                            PolicyKind::Session => &resolved.user_id,
                        },
                    });
                }
            };
        let claims = resolved.session.as_ref();
        // Session policies are the inline one (if any), then the managed ones in order.
        let session_arn = |i: usize| -> Option<&'a str> {
            let claims = claims?;
            let offset = usize::from(claims.session_policy.is_some());
            claims.policy_arns.get(i.checked_sub(offset)?).map(|a| &**a)
        };
        match &resolved.permissions {
            Permissions::Root => {}
            Permissions::Policies { identity, session } => {
                add(PolicyKind::Identity, identity, &|_| None);
                add(PolicyKind::Session, session, &session_arn);
            }
            Permissions::SessionOnly(session) => add(PolicyKind::Session, session, &session_arn),
        }
        // An attenuated session's policy caveats bound it like session policies (each on its
        // own): their matched statements are listed as session statements, with no ARN.
        add(PolicyKind::Session, &resolved.caveats, &|_| None);
        Explanation {
            partition,
            account: resolved.account,
            decision,
            principal_id: &resolved.user_id,
            principal_arn: &resolved.arn,
            action,
            resource,
            statements,
            context: ctx,
        }
    }

    /// The JSON, at most [`MAX_DECODED_MESSAGE_BYTES`] bytes.
    fn to_json(&self) -> String {
        let mut cut = false;
        let mut head = String::with_capacity(64);
        let _ = write!(
            head,
            r#"{{"allowed":{},"explicitDeny":{},"matchedStatements":{{"items":["#,
            self.decision == Decision::Allow,
            self.decision == Decision::ExplicitDeny,
        );
        let middle = |cap: usize, cut: &mut bool| {
            let mut m = String::with_capacity(256);
            m.push_str(r#"]},"failures":{"items":[]},"context":{"principal":{"id":"#);
            json_string(&mut m, self.principal_id, cap, cut);
            m.push_str(r#","arn":"#);
            json_string(&mut m, self.principal_arn, cap, cut);
            m.push_str(r#"},"action":"#);
            json_string(&mut m, self.action, cap, cut);
            m.push_str(r#","resource":"#);
            json_string(&mut m, self.resource, cap, cut);
            m.push_str(r#","conditions":{"items":["#);
            m
        };
        const TAIL: &str = "]}}";
        let mut mid = middle(MAX_FIELD_CHARS, &mut cut);
        let fixed = |mid: &str| head.len() + mid.len() + TAIL.len() + 1 + TRUNCATION_RESERVE;
        if fixed(&mid) > MAX_DECODED_MESSAGE_BYTES {
            mid = middle(MIN_FIELD_CHARS, &mut cut);
        }
        let mut room = MAX_DECODED_MESSAGE_BYTES.saturating_sub(fixed(&mid));

        let mut out = head;
        let mut omitted_statements = 0usize;
        // Denies first: when room runs out, what is left out is an Allow, never the statement
        // that decided an explicit deny.
        let mut ordered: Vec<&Matched<'_>> = self.statements.iter().collect();
        ordered.sort_by_key(|m| m.statement.effect() != crate::policy::Effect::Deny);
        for (i, m) in ordered.into_iter().enumerate() {
            let mut item_cut = false;
            let item = statement_json(m, &mut item_cut);
            let need = item.len() + usize::from(i > 0);
            if omitted_statements > 0 || need > room {
                omitted_statements += 1;
                continue;
            }
            if i > 0 {
                out.push(',');
            }
            out.push_str(&item);
            room -= need;
            cut |= item_cut;
        }
        out.push_str(&mid);
        let mut omitted_conditions = 0usize;
        for (i, (key, values)) in self.context.entries().enumerate() {
            let mut item_cut = false;
            let mut item = String::with_capacity(64);
            item.push_str(r#"{"key":"#);
            json_string(&mut item, key, MAX_FIELD_CHARS, &mut item_cut);
            item.push_str(r#","values":"#);
            let secret_key = names_a_credential(key);
            items(
                &mut item,
                values.iter().map(|v| {
                    if secret_key || looks_like_a_credential(v.text()) {
                        REDACTED
                    } else {
                        v.text()
                    }
                }),
                &mut item_cut,
            );
            item.push('}');
            let need = item.len() + usize::from(i > 0);
            if omitted_conditions > 0 || need > room {
                omitted_conditions += 1;
                continue;
            }
            if i > 0 {
                out.push(',');
            }
            out.push_str(&item);
            room -= need;
            cut |= item_cut;
        }
        out.push_str(TAIL);
        if cut || omitted_statements > 0 || omitted_conditions > 0 {
            let _ = write!(
                out,
                r#","truncated":{{"matchedStatements":{omitted_statements},"conditions":{omitted_conditions},"values":{cut}}}"#
            );
        }
        out.push('}');
        out
    }
}

/// What a redacted context value reads as.
const REDACTED: &str = "***REDACTED***";

/// Whether a context key names a credential (an application may pass request headers or query
/// parameters as context): its values are never written into a message, which every principal of
/// the account allowed `sts:DecodeAuthorizationMessage` can read.
fn names_a_credential(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "security-token",
        "securitytoken",
        "session-token",
        "sessiontoken",
        "signature",
        "authorization",
        "credential",
        "secret",
        "password",
        "cookie",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// Whether a value has the shape of a credential whatever key it comes under: a tempcred
/// session token, or a secret access key (40 characters of base64 with upper- and lowercase
/// letters and digits; a hex digest has no uppercase and stays readable).
fn looks_like_a_credential(value: &str) -> bool {
    if crate::token::UntrustedToken::parse(value).is_ok() {
        return true;
    }
    let b = value.as_bytes();
    b.len() == 40
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_digit)
}

fn statement_json(m: &Matched<'_>, cut: &mut bool) -> String {
    let st = m.statement;
    let mut s = String::with_capacity(256);
    s.push_str(r#"{"statementId":"#);
    json_string(&mut s, st.sid().unwrap_or(""), MAX_FIELD_CHARS, cut);
    s.push_str(match st.effect() {
        Effect::Allow => r#","effect":"ALLOW""#,
        Effect::Deny => r#","effect":"DENY""#,
    });
    s.push_str(r#","principals":"#);
    items(&mut s, std::iter::once(m.owner), cut);
    s.push_str(r#","principalGroups":{"items":[]},"#);
    let (negated, actions) = st.actions();
    s.push_str(if negated {
        r#""notActions":"#
    } else {
        r#""actions":"#
    });
    items(&mut s, actions, cut);
    match &st.resource {
        Some(r) => {
            s.push_str(if r.negated {
                r#","notResources":"#
            } else {
                r#","resources":"#
            });
            items(&mut s, r.items.iter().map(|p| &*p.raw), cut);
        }
        None => s.push_str(r#","resources":{"items":[]}"#),
    }
    s.push_str(r#","conditions":{"items":["#);
    let mut first = true;
    for block in st.conditions() {
        for entry in block.entries.iter() {
            if !first {
                s.push(',');
            }
            first = false;
            s.push_str(r#"{"key":"#);
            json_string(&mut s, &entry.key, MAX_FIELD_CHARS, cut);
            s.push_str(r#","operator":"#);
            json_string(&mut s, &block.name, MAX_FIELD_CHARS, cut);
            s.push_str(r#","values":"#);
            items(&mut s, entry.values.iter().map(|v| &*v.raw), cut);
            s.push('}');
        }
    }
    s.push_str(r#"]},"policy":{"type":"#);
    s.push_str(match m.kind {
        PolicyKind::Identity => r#""identity""#,
        PolicyKind::Session => r#""session""#,
    });
    let _ = write!(s, r#","index":{}"#, m.policy);
    if let Some(arn) = m.arn {
        s.push_str(r#","arn":"#);
        json_string(&mut s, arn, MAX_FIELD_CHARS, cut);
    }
    let _ = write!(s, r#"}},"statementIndex":{}}}"#, m.index);
    s
}

/// `{"items":[{"value":…},…]}`.
fn items<'v>(out: &mut String, values: impl Iterator<Item = &'v str>, cut: &mut bool) {
    out.push_str(r#"{"items":["#);
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r#"{"value":"#);
        json_string(out, v, MAX_FIELD_CHARS, cut);
        out.push('}');
    }
    out.push_str("]}");
}

/// A JSON string literal of `text`'s first `cap` characters (`…` ends a cut one).
fn json_string(out: &mut String, text: &str, cap: usize, cut: &mut bool) {
    out.push('"');
    for (i, c) in text.chars().enumerate() {
        if i == cap {
            out.push('…');
            *cut = true;
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_message_fits_the_api_with_room_to_spare() {
        assert_eq!(MAX_SEALED_CHARS, 7_002);
        let long = "x".repeat(MAX_SEALED_CHARS);
        let ring = KeyRing::generate(
            KeyId::new("k").unwrap(),
            &crate::random::SeededRandom::new(1),
        )
        .unwrap();
        let acct = AccountId::from_u64(1).unwrap();
        let now = UnixTime::from_secs(1_000);
        assert_eq!(
            open(&ring, &long, Partition::aws(), acct, now),
            Err(AuthorizationMessageError::Malformed)
        );
        let longer = "x".repeat(MAX_SEALED_CHARS + 1);
        assert_eq!(
            open(&ring, &longer, Partition::aws(), acct, now),
            Err(AuthorizationMessageError::Malformed)
        );
    }

    #[test]
    fn json_strings_escape_and_cut() {
        let mut out = String::new();
        let mut cut = false;
        json_string(&mut out, "a\"b\\c\n\u{1}é", 100, &mut cut);
        assert_eq!(out, r#""a\"b\\c\n\u0001é""#);
        assert!(!cut);
        out.clear();
        json_string(&mut out, "abcdef", 3, &mut cut);
        assert_eq!(out, "\"abc…\"");
        assert!(cut);
        let parsed: String = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, "abc…");
    }
}
