//! Verification of signed requests.
//!
//! Order of work, cheapest first, so that junk is refused before anything is hashed:
//!
//! 1. size limits (method, path, query, header count and bytes);
//! 2. finding and strictly parsing the `Authorization` header or the presigned query;
//! 3. `host` (and in header mode `x-amz-date`) must be signed;
//! 4. scope date = request date, service and region policy, clock skew, presign expiry;
//! 5. credentials: `ASIA…` keys through the session token and the [`Verifier`] (the token's
//!    derived key ID must be the request's), `AKIA…` keys through [`LongTermKeys`];
//! 6. `x-amz-content-sha256` against the payload, the canonical request streamed into SHA-256,
//!    the signing key chain, and a constant-time comparison of the signature.

use super::authorization::{signs, AuthorizationHeader, Credential};
use super::cache::{SigningKeyCache, SigningKeyCacheStats};
use super::canonical::{
    parse_query, path_is_normal, sort_query, write_canonical_request, CanonicalParts, HashSink,
    QueryParam,
};
use super::config::SigV4Config;
use super::date::AmzDate;
use super::error::{AmzDateDay, Limit, Malformed, SigV4Error};
use super::presign::PresignedQuery;
use super::request::{PathStyle, SignableRequest};
use super::signature::{Signature, SigningKey};
use crate::credentials::{AccessKeyId, AccessKeyKind, SecretAccessKey};
use crate::time::UnixTime;
use crate::verify::{VerifiedSession, Verifier, VerifyError};
use arrayvec::ArrayString;
use std::borrow::Cow;
use std::num::NonZeroUsize;
use std::sync::Arc;

/// Where long-term (`AKIA…`) secrets come from: the application's directory of IAM users.
///
/// ```
/// use tempcred::{AccessKeyId, SecretAccessKey};
/// use tempcred::sigv4::LongTermKeys;
/// struct OneUser;
/// impl LongTermKeys for OneUser {
///     type Owner = &'static str;
///     fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, &'static str)> {
///         (id.as_str() == "AKIAIOSFODNN7EXAMPLE").then(|| {
///             let secret = SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").ok()?;
///             Some((secret, "arn:aws:iam::111111111111:user/alice"))
///         })?
///     }
/// }
/// ```
pub trait LongTermKeys {
    /// Who owns a key (an IAM user, the root), handed back when a request verifies.
    type Owner;
    /// The secret and owner of an active long-term key, or `None` if it is unknown or inactive.
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, Self::Owner)>;
}

impl<T: LongTermKeys + ?Sized> LongTermKeys for &T {
    type Owner = T::Owner;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, Self::Owner)> {
        (**self).lookup(id)
    }
}

impl<T: LongTermKeys + ?Sized> LongTermKeys for Arc<T> {
    type Owner = T::Owner;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, Self::Owner)> {
        (**self).lookup(id)
    }
}

/// No long-term keys: only temporary credentials verify.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoLongTermKeys;

impl LongTermKeys for NoLongTermKeys {
    type Owner = std::convert::Infallible;
    fn lookup(&self, _: &AccessKeyId) -> Option<(SecretAccessKey, Self::Owner)> {
        None
    }
}

/// Who signed a request.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // moved once per request; boxing would cost an allocation
pub enum SignedBy<O> {
    /// Temporary credentials: the session their token describes.
    Session(VerifiedSession),
    /// A long-term key and its owner, as [`LongTermKeys::lookup`] returned it.
    LongTerm(O),
}

/// How a request carried its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// The `Authorization` header.
    Header,
    /// A presigned URL, valid until the instant given.
    Presigned {
        /// `X-Amz-Date + X-Amz-Expires`.
        expires_at: UnixTime,
    },
}

/// A request whose signature verified. Only [`SigV4Verifier::verify`] makes one.
#[derive(Clone, Debug)]
pub struct Authenticated<O> {
    signer: SignedBy<O>,
    access_key_id: AccessKeyId,
    date: AmzDateDay,
    region: ArrayString<128>,
    service: ArrayString<128>,
    request_time: AmzDate,
    mode: AuthMode,
}

impl<O> Authenticated<O> {
    /// Who signed.
    pub fn signer(&self) -> &SignedBy<O> {
        &self.signer
    }
    /// Who signed, by value.
    pub fn into_signer(self) -> SignedBy<O> {
        self.signer
    }
    /// The verified session, for temporary credentials.
    pub fn session(&self) -> Option<&VerifiedSession> {
        match &self.signer {
            SignedBy::Session(s) => Some(s),
            SignedBy::LongTerm(_) => None,
        }
    }
    /// The owner of the long-term key, for long-term credentials.
    pub fn long_term_owner(&self) -> Option<&O> {
        match &self.signer {
            SignedBy::LongTerm(o) => Some(o),
            SignedBy::Session(_) => None,
        }
    }
    /// The access key ID that signed.
    pub fn access_key_id(&self) -> &AccessKeyId {
        &self.access_key_id
    }
    /// The scope's day, `YYYYMMDD`.
    pub fn scope_date(&self) -> &str {
        self.date.as_str()
    }
    /// The scope's region.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The scope's service.
    pub fn service(&self) -> &str {
        &self.service
    }
    /// The time the request was signed for.
    pub fn request_time(&self) -> AmzDate {
        self.request_time
    }
    /// Header or presigned.
    pub fn mode(&self) -> AuthMode {
        self.mode
    }
}

/// A request whose authentication parameters parsed and passed the size limits; nothing about it
/// is trusted yet.
///
/// This is the low-level path, for applications with their own key store: check it with
/// [`UntrustedRequest::check_at`], find the secret for [`UntrustedRequest::credential`]'s key ID
/// yourself (binding the ID to the secret is then your job, as is checking any session token),
/// and call [`UntrustedRequest::verify_signature`]. [`SigV4Verifier::verify`] does all of it.
///
/// `Debug` shows neither the signature nor the session token (nor the request's redacted parts,
/// see [`SignableRequest`]).
pub struct UntrustedRequest<'r> {
    req: SignableRequest<'r>,
    params: Vec<QueryParam<'r>>,
    expires_secs: Option<u64>,
    credential: Cow<'r, str>,
    /// Where the parts of `credential` are, found once at parse time (`None`: malformed).
    scope: Option<ScopeSpans>,
    signed_headers: Cow<'r, str>,
    signature: Signature,
    date: AmzDate,
    security_token: Option<Cow<'r, str>>,
    content_sha256: Option<&'r str>,
    style: PathStyle,
}

impl std::fmt::Debug for UntrustedRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UntrustedRequest")
            .field("req", &self.req)
            .field("mode", &self.mode())
            .field("credential", &self.credential)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .field("date", &self.date)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("content_sha256", &self.content_sha256)
            .field("style", &self.style)
            .finish_non_exhaustive()
    }
}

fn is_method(m: &str) -> bool {
    !m.is_empty()
        && m.len() <= 32
        && m.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The lengths of the variable parts of `AKID/YYYYMMDD/REGION/SERVICE/aws4_request`, so that
/// the credential scope is parsed once per request and then sliced, rather than re-parsed by
/// every step that needs it.
#[derive(Clone, Copy, Debug)]
struct ScopeSpans {
    key_id: usize,
    region: usize,
    service: usize,
}

impl ScopeSpans {
    fn of(c: &Credential<'_>) -> Self {
        ScopeSpans {
            key_id: c.access_key_id.len(),
            region: c.region.len(),
            service: c.service.len(),
        }
    }

    /// The parts of `text`, which these spans were taken from.
    fn slice(self, text: &str) -> Option<Credential<'_>> {
        let date_at = self.key_id + 1;
        let region_at = date_at + 9;
        let service_at = region_at + self.region + 1;
        Some(Credential {
            access_key_id: text.get(..self.key_id)?,
            date: text.get(date_at..date_at + 8)?,
            region: text.get(region_at..region_at + self.region)?,
            service: text.get(service_at..service_at + self.service)?,
        })
    }
}

/// The headers SigV4 itself reads, each at most once.
#[derive(Default)]
struct AuthHeaders<'r> {
    authorization: Option<&'r str>,
    date: Option<&'r str>,
    token: Option<&'r str>,
    content_sha256: Option<&'r str>,
}

fn scan_headers<'r>(
    headers: &'r [(&'r str, &'r str)],
    config: &SigV4Config,
) -> Result<AuthHeaders<'r>, SigV4Error> {
    let limits = &config.limits;
    if headers.len() > limits.max_headers {
        return Err(SigV4Error::TooLarge(Limit::HeaderCount));
    }
    let mut out = AuthHeaders::default();
    let mut total = 0usize;
    let mut hosts = 0u8;
    for (name, value) in headers {
        total = total.saturating_add(name.len()).saturating_add(value.len());
        if total > limits.max_header_bytes {
            return Err(SigV4Error::TooLarge(Limit::HeaderBytes));
        }
        if name.eq_ignore_ascii_case("host") {
            // One request, one host (RFC 9110 §7.2): two would be signed joined by a comma, and
            // the application would read only one of them.
            if hosts > 0 {
                return Err(SigV4Error::IncompleteSignature(Malformed::Duplicate(
                    "host",
                )));
            }
            hosts += 1;
            continue;
        }
        let (slot, label) = if name.eq_ignore_ascii_case("authorization") {
            (&mut out.authorization, "authorization")
        } else if name.eq_ignore_ascii_case("x-amz-date") {
            (&mut out.date, "x-amz-date")
        } else if name.eq_ignore_ascii_case("x-amz-security-token") {
            (&mut out.token, "x-amz-security-token")
        } else if name.eq_ignore_ascii_case("x-amz-content-sha256") {
            (&mut out.content_sha256, "x-amz-content-sha256")
        } else {
            continue;
        };
        if slot.is_some() {
            return Err(SigV4Error::IncompleteSignature(Malformed::Duplicate(label)));
        }
        *slot = Some(value);
    }
    Ok(out)
}

impl<'r> UntrustedRequest<'r> {
    /// Checks the size limits and parses the `Authorization` header or the presigned query.
    ///
    /// # Errors
    ///
    /// [`SigV4Error`] for a missing or malformed authorization (header or presigned query), a
    /// repeated header, or a request the configuration refuses.
    pub fn parse(req: &SignableRequest<'r>, config: &SigV4Config) -> Result<Self, SigV4Error> {
        let limits = &config.limits;
        if !is_method(req.method) {
            return Err(SigV4Error::TooLarge(Limit::Method));
        }
        if req.path.len() > limits.max_path_bytes {
            return Err(SigV4Error::TooLarge(Limit::PathBytes));
        }
        if req.query.len() > limits.max_query_bytes {
            return Err(SigV4Error::TooLarge(Limit::QueryBytes));
        }
        if !config.accept_unnormalized_paths && !path_is_normal(req.path, config.path_style) {
            return Err(SigV4Error::UnnormalizedPath);
        }
        let found = scan_headers(req.headers, config)?;
        let mut params = parse_query(req.query, limits.max_query_params)?;
        let presigned = PresignedQuery::is_presigned(&params);
        let mut parsed = match (found.authorization, presigned) {
            (Some(_), true) => {
                return Err(SigV4Error::IncompleteSignature(Malformed::TwoMechanisms))
            }
            (None, false) => return Err(SigV4Error::MissingAuthentication),
            (Some(value), false) => {
                let auth = AuthorizationHeader::parse(value, limits.max_signed_headers)?;
                let date_text = found
                    .date
                    .ok_or(SigV4Error::IncompleteSignature(Malformed::Date))?;
                let date = AmzDate::parse(date_text)
                    .ok_or(SigV4Error::IncompleteSignature(Malformed::Date))?;
                if !signs(auth.signed_headers, "x-amz-date") {
                    return Err(SigV4Error::HeaderNotSigned("x-amz-date"));
                }
                UntrustedRequest {
                    req: *req,
                    params: Vec::new(),
                    expires_secs: None,
                    credential: Cow::Borrowed(auth.credential_text),
                    scope: Some(ScopeSpans::of(&auth.credential)),
                    signed_headers: Cow::Borrowed(auth.signed_headers),
                    signature: auth.signature,
                    date,
                    security_token: found.token.map(Cow::Borrowed),
                    content_sha256: found.content_sha256,
                    style: config.path_style,
                }
            }
            (None, true) => {
                let p = PresignedQuery::from_params(&params, limits.max_signed_headers)?;
                let scope = Credential::parse(&p.credential).map(|c| ScopeSpans::of(&c));
                UntrustedRequest {
                    req: *req,
                    params: Vec::new(),
                    expires_secs: Some(p.expires_secs),
                    scope,
                    credential: p.credential,
                    signed_headers: p.signed_headers,
                    signature: p.signature,
                    date: p.date,
                    security_token: p.security_token,
                    content_sha256: found.content_sha256,
                    style: config.path_style,
                }
            }
        };
        if !signs(&parsed.signed_headers, "host") {
            return Err(SigV4Error::HeaderNotSigned("host"));
        }
        sort_query(&mut params);
        parsed.params = params;
        Ok(parsed)
    }

    /// The credential scope and access key ID text.
    #[must_use]
    pub fn credential(&self) -> Option<Credential<'_>> {
        self.scope?.slice(&self.credential)
    }

    fn cred(&self) -> Result<Credential<'_>, SigV4Error> {
        self.credential()
            .ok_or(SigV4Error::IncompleteSignature(Malformed::Credential))
    }

    /// The time the request says it was signed.
    #[must_use]
    pub fn request_time(&self) -> AmzDate {
        self.date
    }

    /// The session token sent with the request (header, or presigned query), if any.
    #[must_use]
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// Header or presigned.
    #[must_use]
    pub fn mode(&self) -> AuthMode {
        match self.expires_secs {
            None => AuthMode::Header,
            Some(e) => AuthMode::Presigned {
                expires_at: self.date.to_unix().saturating_add(e),
            },
        }
    }

    /// The checks that need no secret: scope date, service and region, clock skew, and the
    /// expiry of a presigned URL, at instant `now`.
    ///
    /// # Errors
    ///
    /// [`SigV4Error`] when the request time is outside the skew window, the scope date, region or
    /// service is wrong, or a presigned URL has expired.
    pub fn check_at(&self, config: &SigV4Config, now: UnixTime) -> Result<(), SigV4Error> {
        let cred = self.cred()?;
        if cred.date != self.date.date_str() {
            let mut scope_date = [0u8; 8];
            scope_date.copy_from_slice(cred.date.as_bytes().get(..8).unwrap_or(&[b'0'; 8]));
            return Err(SigV4Error::ScopeDateMismatch {
                scope_date: AmzDateDay(scope_date),
                request: self.date,
            });
        }
        if config.service != cred.service {
            return Err(SigV4Error::WrongService {
                expected: config.service.clone(),
            });
        }
        if let Some(regions) = &config.regions {
            if !regions.iter().any(|r| r == cred.region) {
                return Err(SigV4Error::WrongRegion);
            }
        }
        let t = self.date.to_unix();
        let skew = config.skew_secs;
        let too_skewed = SigV4Error::RequestTimeTooSkewed {
            request: self.date,
            now,
            window_secs: skew,
        };
        if t > now.saturating_add(skew) {
            return Err(too_skewed);
        }
        match self.expires_secs {
            None if now > t.saturating_add(skew) => Err(too_skewed),
            Some(e) if now > t.saturating_add(e) => Err(SigV4Error::PresignExpired),
            _ => Ok(()),
        }
    }

    /// Checks `x-amz-content-sha256` against the payload and the signature against `secret`, in
    /// constant time.
    ///
    /// # Errors
    ///
    /// [`SigV4Error::SignatureDoesNotMatch`] when the signature is not the one `secret` gives.
    pub fn verify_signature(&self, secret: &SecretAccessKey) -> Result<(), SigV4Error> {
        self.verify_signature_with(secret, None).map(|_| ())
    }

    /// [`UntrustedRequest::verify_signature`], taking the signing key from `cache` when it holds
    /// one for this credential scope and secret, and adding it there once it has verified.
    fn verify_signature_with(
        &self,
        secret: &SecretAccessKey,
        cache: Option<&SigningKeyCache>,
    ) -> Result<SigningKey, SigV4Error> {
        let cred = self.cred()?;
        let payload = self.req.payload.line();
        if let Some(claimed) = self.content_sha256 {
            if claimed.as_bytes() != payload.as_bytes() {
                return Err(SigV4Error::ContentSha256Mismatch);
            }
        }
        let mut sink = HashSink::new();
        let complete = write_canonical_request(
            &mut sink,
            CanonicalParts {
                method: self.req.method,
                path: self.req.path,
                style: self.style,
                query: &self.params,
                skip_signature: self.expires_secs.is_some(),
                headers: self.req.headers,
                signed_headers: &self.signed_headers,
                payload: payload.as_bytes(),
            },
        );
        if !complete {
            return Err(SigV4Error::SignatureDoesNotMatch);
        }
        let hash = sink.finish();
        let memo = cache.and_then(|c| c.get(&self.credential, secret));
        let from_memo = memo.is_some();
        let key = memo.unwrap_or_else(|| SigningKey::derive(secret, cred.scope()));
        if !key.verify(self.date.as_str(), cred.scope(), &hash, &self.signature) {
            return Err(SigV4Error::SignatureDoesNotMatch);
        }
        if let (Some(cache), false) = (cache, from_memo) {
            cache.insert(&self.credential, secret, key.clone());
        }
        Ok(key)
    }
}

/// Verifies SigV4-signed requests: temporary credentials statelessly through a [`Verifier`],
/// long-term ones through the application's [`LongTermKeys`].
///
/// `Send + Sync` when `K` is. By default it holds no lock and no cache; see
/// [`SigV4Verifier::with_signing_key_cache`] for the one opt-in cache.
///
/// ```
/// use tempcred::hazmat::Seal; // minting a token of a chosen shape, for the example
/// use tempcred::sigv4::{sign, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Verifier,
///     SignableRequest, SigningParams};
/// use tempcred::{KeyRing, SystemRandom, UnixTime, Verifier};
/// use tempcred::keys::KeyId;
/// # use tempcred::token::*; use tempcred::principal::*; use tempcred::*;
/// let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SystemRandom).unwrap();
/// # let claims = Claims { token_id: TokenId([1; 16]), issued_at: UnixTime::from_secs(1_000),
/// #   expires_at: UnixTime::from_secs(4_600), operation: Operation::AssumeRole,
/// #   partition: Partition::aws(), account: "123456789012".parse().unwrap(),
/// #   principal: SessionPrincipal::AssumedRole { role_path: IamPath::root(),
/// #     role_name: RoleName::new("deploy").unwrap(),
/// #     role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
/// #     session_name: RoleSessionName::new("ci").unwrap() },
/// #   source_identity: None, mfa_authenticated_at: None, chain_depth: 0,
/// #   tags: SessionTags::new(), session_policy: None, policy_arns: vec![] };
/// let creds = claims.seal(&ring).unwrap();
/// let now = UnixTime::from_secs(2_000);
///
/// // A client signs…
/// let body = b"Action=GetCallerIdentity&Version=2011-06-15";
/// let headers = [("Host", "sts.example.com")];
/// let request = SignableRequest { method: "POST", path: "/", query: "", headers: &headers,
///     payload: PayloadHash::Bytes(body) };
/// let params = SigningParams::new(creds.access_key_id.as_str(), &creds.secret_access_key,
///     "us-east-1", "sts", now).with_session_token(creds.session_token.expose_secret());
/// let signed = sign(&request, &params).unwrap();
///
/// // …the service verifies.
/// let mut all: Vec<(&str, &str)> = headers.to_vec();
/// all.extend(signed.headers.iter().map(|(n, v)| (*n, v.as_str())));
/// let request = SignableRequest { headers: &all, ..request };
/// let verifier = SigV4Verifier::new(Verifier::new(&ring), NoLongTermKeys,
///     SigV4Config::new("sts"));
/// let ok = verifier.verify(&request, now).unwrap();
/// assert_eq!(ok.session().unwrap().caller_identity().arn,
///     "arn:aws:sts::123456789012:assumed-role/deploy/ci");
/// ```
#[derive(Clone, Debug)]
pub struct SigV4Verifier<K> {
    tokens: Verifier,
    long_term: K,
    config: SigV4Config,
    signing_keys: Option<Arc<SigningKeyCache>>,
}

impl<K: LongTermKeys> SigV4Verifier<K> {
    /// A verifier that checks session tokens with `tokens` and looks long-term keys up in
    /// `long_term`.
    pub fn new(tokens: Verifier, long_term: K, config: SigV4Config) -> Self {
        SigV4Verifier {
            tokens,
            long_term,
            config,
            signing_keys: None,
        }
    }

    /// Remembers up to `capacity` derived signing keys (rounded up to a multiple of 16), so that
    /// a request from credentials seen before skips the four-HMAC signing-key chain: about a
    /// third of the cost of verifying a request with temporary credentials.
    ///
    /// A signing key is a function of the secret and the credential scope. A remembered key is
    /// used only for the same credential text (`AKID/date/region/service/aws4_request`) and a
    /// secret equal, in constant time, to the one resolved for this request, so a rotated
    /// long-term secret is a miss. Keys are remembered only after a signature made with them
    /// verified, so callers without the secret cannot fill the cache. Session tokens and every
    /// other check still run on every request. The oldest entries are forgotten first; entries
    /// are wiped when forgotten. Clones of this verifier share the cache.
    ///
    /// What it costs: memory (about 0.5 KB per key), a short lock per request (16 shards), and
    /// the secrets of recent callers kept in memory beyond the request. A hit is also faster
    /// than a miss, which tells a caller only that its own scope was used recently.
    ///
    /// ```
    /// use std::num::NonZeroUsize;
    /// use tempcred::sigv4::{NoLongTermKeys, SigV4Config, SigV4Verifier};
    /// use tempcred::{KeyRing, SystemRandom, Verifier};
    /// use tempcred::keys::KeyId;
    /// let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SystemRandom).unwrap();
    /// let verifier = SigV4Verifier::new(Verifier::new(&ring), NoLongTermKeys, SigV4Config::new("sts"))
    ///     .with_signing_key_cache(NonZeroUsize::new(4096).unwrap());
    /// assert_eq!(verifier.signing_key_cache_stats().unwrap().len, 0);
    /// ```
    pub fn with_signing_key_cache(mut self, capacity: NonZeroUsize) -> Self {
        self.signing_keys = Some(Arc::new(SigningKeyCache::new(capacity)));
        self
    }

    /// Hits, misses and size of the signing-key cache, if it is on.
    pub fn signing_key_cache_stats(&self) -> Option<SigningKeyCacheStats> {
        self.signing_keys.as_deref().map(SigningKeyCache::stats)
    }

    /// The configuration.
    pub fn config(&self) -> &SigV4Config {
        &self.config
    }

    /// Verifies `req` at instant `now`.
    ///
    /// `req` must be the request exactly as the application will act on it: the raw path,
    /// query and header values it reads. A header whose value is not text must not be passed
    /// as empty or converted lossily (refuse the request instead): the signature would then
    /// cover another value than the one the application sees.
    ///
    /// # Errors
    ///
    /// [`SigV4Error`] with the AWS code to answer: the request is malformed, outside its time
    /// window, signed with an unknown or invalid key or session, or its signature does not match.
    pub fn verify(
        &self,
        req: &SignableRequest<'_>,
        now: UnixTime,
    ) -> Result<Authenticated<K::Owner>, SigV4Error> {
        self.verify_refusing_unreadable(req, now, &[])
    }

    /// [`SigV4Verifier::verify`] of a request from which the headers named in `unreadable` were
    /// left out because their values are not visible ASCII: refused if one of them is signed or
    /// read by SigV4, since the application would see a value the signature does not cover.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn verify_refusing_unreadable(
        &self,
        req: &SignableRequest<'_>,
        now: UnixTime,
        unreadable: &[&str],
    ) -> Result<Authenticated<K::Owner>, SigV4Error> {
        self.verify_keyed(req, now, unreadable).map(|(a, _, _)| a)
    }

    /// Verifies the headers of an `aws-chunked` request in `mode` at instant `now`: the seed
    /// signature, with `x-amz-content-sha256` equal to the mode's name (`req.payload` is not
    /// read). Gives the result and the [`ChunkSigner`] that verifies the body's chunks with a
    /// [`super::ChunkedDecoder`]: the body is not authenticated until the decoder has finished.
    ///
    /// [`ChunkSigner`]: super::ChunkSigner
    ///
    /// # Errors
    ///
    /// As [`SigV4Verifier::verify`], and [`SigV4Error::PayloadModeNotAccepted`] for a mode this
    /// verifier does not take.
    #[cfg(feature = "aws-chunked")]
    pub fn verify_streaming(
        &self,
        req: &SignableRequest<'_>,
        mode: super::StreamingMode,
        now: UnixTime,
    ) -> Result<(Authenticated<K::Owner>, super::ChunkSigner), SigV4Error> {
        self.verify_streaming_refusing_unreadable(req, mode, now, &[])
    }

    /// [`SigV4Verifier::verify_streaming`] with the unreadable headers of
    /// [`SigV4Verifier::verify_refusing_unreadable`].
    #[cfg(feature = "aws-chunked")]
    pub(crate) fn verify_streaming_refusing_unreadable(
        &self,
        req: &SignableRequest<'_>,
        mode: super::StreamingMode,
        now: UnixTime,
        unreadable: &[&str],
    ) -> Result<(Authenticated<K::Owner>, super::ChunkSigner), SigV4Error> {
        // The payload line of a streaming request is the mode's name, as sent in
        // `x-amz-content-sha256` (which must be present and equal to it).
        let req = SignableRequest {
            payload: super::request::PayloadHash::Sha256Hex(mode.as_str()),
            ..*req
        };
        let (authenticated, key, seed) = self.verify_keyed(&req, now, unreadable)?;
        let scope = format!(
            "{}/{}/{}/aws4_request",
            authenticated.scope_date(),
            authenticated.region(),
            authenticated.service()
        );
        let signer = super::ChunkSigner::from_parts(key, authenticated.request_time(), scope, seed);
        Ok((authenticated, signer))
    }

    fn verify_keyed(
        &self,
        req: &SignableRequest<'_>,
        now: UnixTime,
        unreadable: &[&str],
    ) -> Result<(Authenticated<K::Owner>, SigningKey, Signature), SigV4Error> {
        const READ_BY_SIGV4: [&str; 5] = [
            "authorization",
            "host",
            "x-amz-date",
            "x-amz-security-token",
            "x-amz-content-sha256",
        ];
        if unreadable
            .iter()
            .any(|n| READ_BY_SIGV4.iter().any(|r| n.eq_ignore_ascii_case(r)))
        {
            return Err(SigV4Error::InvalidHeaderValue);
        }
        let untrusted = UntrustedRequest::parse(req, &self.config)?;
        if unreadable.iter().any(|n| {
            untrusted
                .signed_headers
                .split(';')
                .any(|s| s.eq_ignore_ascii_case(n))
        }) {
            return Err(SigV4Error::InvalidHeaderValue);
        }
        untrusted.check_at(&self.config, now)?;
        let cred = untrusted.cred()?;
        let access_key_id =
            AccessKeyId::new(cred.access_key_id).map_err(|_| SigV4Error::InvalidClientTokenId)?;
        let (signer, signing_key) = match access_key_id.kind() {
            AccessKeyKind::Temporary => {
                let token = untrusted
                    .security_token()
                    .ok_or(SigV4Error::InvalidClientTokenId)?;
                let (session, key) =
                    self.tokens
                        .verify_with_key(token, now)
                        .map_err(|e| match e {
                            VerifyError::Expired => SigV4Error::ExpiredToken,
                            _ => SigV4Error::InvalidClientTokenId,
                        })?;
                if session.access_key_id() != &access_key_id {
                    return Err(SigV4Error::InvalidClientTokenId);
                }
                let secret = session
                    .secret_access_key_with(key)
                    .ok_or(SigV4Error::InvalidClientTokenId)?;
                let key = untrusted.verify_signature_with(&secret, self.signing_keys.as_deref())?;
                (SignedBy::Session(session), key)
            }
            AccessKeyKind::LongTerm => {
                if untrusted.security_token().is_some() {
                    return Err(SigV4Error::InvalidClientTokenId);
                }
                let (secret, owner) = self
                    .long_term
                    .lookup(&access_key_id)
                    .ok_or(SigV4Error::InvalidClientTokenId)?;
                let key = untrusted.verify_signature_with(&secret, self.signing_keys.as_deref())?;
                (SignedBy::LongTerm(owner), key)
            }
        };
        let authenticated = Authenticated {
            signer,
            access_key_id,
            date: untrusted.date.day(),
            region: ArrayString::from(cred.region).unwrap_or_default(),
            service: ArrayString::from(cred.service).unwrap_or_default(),
            request_time: untrusted.date,
            mode: untrusted.mode(),
        };
        Ok((authenticated, signing_key, untrusted.signature.clone()))
    }
}
