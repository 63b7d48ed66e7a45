//! Signing, for clients and tests: the `Authorization` header, or a presigned query.
//!
//! The signer signs every header it is given (plus the ones it adds), so the caller decides what
//! is signed by what it passes. It returns the canonical request and string to sign as well, so
//! that tests can compare them with published examples line by line.

use super::authorization::{check_signed_headers, Credential};
use super::canonical::{
    parse_query, sort_query, write_canonical_request, CanonicalParts, HashSink, Sink,
};
use super::date::AmzDate;
use super::encoding::encode_into;
use super::presign::PresignedQuery;
use super::request::{PathStyle, SignableRequest};
use super::signature::{write_string_to_sign, Signature, SigningKey, ALGORITHM};
use crate::credentials::SecretAccessKey;
use crate::limits::MAX_PRESIGN_EXPIRES_SECS;
use crate::time::UnixTime;
use std::fmt;

/// Why a request could not be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The method is empty, longer than 32 bytes or not an HTTP token.
    #[error("the method is not a valid HTTP method")]
    InvalidMethod,
    /// A header name is not an HTTP token.
    #[error("a header name is not a valid HTTP header name")]
    InvalidHeaderName,
    /// The request has no `host` header, which must be signed.
    #[error("the request has no host header")]
    MissingHost,
    /// The request already carries a header the signer adds.
    #[error("the request already has a '{0}' header")]
    AlreadyPresent(&'static str),
    /// The query already carries presigning parameters.
    #[error("the query already has X-Amz-* authentication parameters")]
    AlreadyPresigned,
    /// The access key ID, region or service cannot appear in a credential scope.
    #[error("the access key ID, region or service is not valid in a credential scope")]
    InvalidScope,
    /// `X-Amz-Expires` must be 1–604800 seconds.
    #[error("presigned URLs expire after 1 to 604800 seconds")]
    InvalidExpires,
    /// The query has a `%` not followed by two hex digits.
    #[error("the query is not validly percent-encoded")]
    BadEncoding,
}

/// Where the session token goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenPlacement {
    /// Signed with the rest of the request (what AWS SDKs do).
    #[default]
    Signed,
    /// Added after signing, unsigned (what a few services, such as IoT, expect).
    AfterSigning,
}

/// Options of the signer.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct SigningSettings {
    /// How the path is canonicalized.
    pub path_style: PathStyle,
    /// Add and sign an `x-amz-content-sha256` header (S3 requires it).
    pub content_sha256_header: bool,
    /// Where the session token goes.
    pub token_placement: TokenPlacement,
}

/// The credentials, scope and time to sign with.
#[derive(Clone)]
pub struct SigningParams<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a SecretAccessKey,
    session_token: Option<&'a str>,
    region: &'a str,
    service: &'a str,
    time: UnixTime,
    settings: SigningSettings,
}

impl fmt::Debug for SigningParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningParams")
            .field("access_key_id", &self.access_key_id)
            .field("session_token", &self.session_token.map(|t| t.len()))
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<'a> SigningParams<'a> {
    /// Signing parameters with default settings and no session token.
    #[must_use]
    pub fn new(
        access_key_id: &'a str,
        secret_access_key: &'a SecretAccessKey,
        region: &'a str,
        service: &'a str,
        time: UnixTime,
    ) -> Self {
        SigningParams {
            access_key_id,
            secret_access_key,
            session_token: None,
            region,
            service,
            time,
            settings: SigningSettings::default(),
        }
    }

    /// Adds the session token of temporary credentials.
    #[must_use]
    pub fn with_session_token(mut self, token: &'a str) -> Self {
        self.session_token = Some(token);
        self
    }

    /// Replaces the settings.
    #[must_use]
    pub fn with_settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }
}

/// The result of signing in header mode.
#[derive(Clone)]
pub struct SignedOutput {
    /// Headers to add to the request, in this order: `x-amz-date`, `x-amz-security-token` (with
    /// a token), `x-amz-content-sha256` (if asked for), `authorization`.
    pub headers: Vec<(&'static str, String)>,
    /// The signature.
    pub signature: Signature,
    /// The canonical request that was signed.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

/// The result of presigning.
#[derive(Clone)]
pub struct PresignedOutput {
    /// The complete new query: the original one followed by the `X-Amz-*` parameters.
    pub query: String,
    /// The signature.
    pub signature: Signature,
    /// The canonical request that was signed.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

// The outputs carry the session token and the signature; print neither (the signature's own
// `Debug` is redacted).
impl fmt::Debug for SignedOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedOutput")
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for PresignedOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedOutput")
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

fn credential_text(p: &SigningParams<'_>, date: &AmzDate) -> Result<String, SigningError> {
    let text = format!(
        "{}/{}/{}/{}/aws4_request",
        p.access_key_id,
        date.date_str(),
        p.region,
        p.service
    );
    Credential::parse(&text).ok_or(SigningError::InvalidScope)?;
    Ok(text)
}

/// Lowercase, sorted, de-duplicated names of `headers`, joined with `;`.
fn signed_names(headers: &[(&str, &str)]) -> Result<String, SigningError> {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    names.sort_unstable();
    names.dedup();
    let list = names.join(";");
    match check_signed_headers(&list, usize::MAX) {
        Ok(true) => {}
        _ => return Err(SigningError::InvalidHeaderName),
    }
    if !names.iter().any(|n| n == "host") {
        return Err(SigningError::MissingHost);
    }
    Ok(list)
}

fn has_header(headers: &[(&str, &str)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

struct Signed {
    signature: Signature,
    canonical_request: String,
    string_to_sign: String,
}

fn sign_parts(
    p: &SigningParams<'_>,
    date: &AmzDate,
    parts: CanonicalParts<'_, '_>,
) -> Result<Signed, SigningError> {
    let mut canonical = Vec::new();
    if !write_canonical_request(&mut canonical, parts) {
        return Err(SigningError::InvalidHeaderName);
    }
    let mut hasher = HashSink::new();
    hasher.put(&canonical);
    let hash = hasher.finish();
    let scope = super::signature::ScopeParts {
        date: date.date_str(),
        region: p.region,
        service: p.service,
    };
    let mut sts = Vec::new();
    write_string_to_sign(&mut sts, date.as_str(), scope, &hash);
    let signature =
        SigningKey::derive(p.secret_access_key, scope).sign(date.as_str(), scope, &hash);
    Ok(Signed {
        signature,
        canonical_request: String::from_utf8_lossy(&canonical).into_owned(),
        string_to_sign: String::from_utf8_lossy(&sts).into_owned(),
    })
}

fn check_method(m: &str) -> Result<(), SigningError> {
    let ok = !m.is_empty()
        && m.len() <= 32
        && m.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    ok.then_some(()).ok_or(SigningError::InvalidMethod)
}

/// Signs `req` for the `Authorization` header.
///
/// ```
/// use tempcred::sigv4::{sign, PayloadHash, SignableRequest, SigningParams};
/// use tempcred::{SecretAccessKey, UnixTime};
/// let secret = SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
/// let headers = [("Host", "example.amazonaws.com")];
/// let req = SignableRequest { method: "GET", path: "/", query: "", headers: &headers,
///     payload: PayloadHash::Bytes(b"") };
/// let params = SigningParams::new("AKIDEXAMPLE", &secret, "us-east-1", "service",
///     UnixTime::from_secs(1_440_938_160));
/// let out = sign(&req, &params).unwrap();
/// assert_eq!(out.signature.to_string(),
///     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
/// assert_eq!(out.headers[0], ("x-amz-date", "20150830T123600Z".to_string()));
/// ```
///
/// # Errors
///
/// [`SigV4Error`](crate::sigv4::SigV4Error) when the request cannot be canonicalized (a header value or path that SigV4
/// cannot encode).
pub fn sign(
    req: &SignableRequest<'_>,
    p: &SigningParams<'_>,
) -> Result<SignedOutput, SigningError> {
    check_method(req.method)?;
    let date = AmzDate::from_unix(p.time);
    let credential = credential_text(p, &date)?;
    for name in ["authorization", "x-amz-date"] {
        if has_header(req.headers, name) {
            return Err(SigningError::AlreadyPresent(name));
        }
    }
    if p.session_token.is_some() && has_header(req.headers, "x-amz-security-token") {
        return Err(SigningError::AlreadyPresent("x-amz-security-token"));
    }
    if p.settings.content_sha256_header && has_header(req.headers, "x-amz-content-sha256") {
        return Err(SigningError::AlreadyPresent("x-amz-content-sha256"));
    }
    let payload = req.payload.line();
    let payload_text = String::from_utf8_lossy(payload.as_bytes()).into_owned();
    let mut added: Vec<(&'static str, String)> = vec![("x-amz-date", date.as_str().to_owned())];
    if let Some(token) = p.session_token {
        added.push(("x-amz-security-token", token.to_owned()));
    }
    if p.settings.content_sha256_header {
        added.push(("x-amz-content-sha256", payload_text));
    }
    let mut all: Vec<(&str, &str)> = req.headers.to_vec();
    for (n, v) in &added {
        let unsigned_token = *n == "x-amz-security-token"
            && p.settings.token_placement == TokenPlacement::AfterSigning;
        if !unsigned_token {
            all.push((n, v.as_str()));
        }
    }
    let signed = signed_names(&all)?;
    let mut params = parse_query(req.query, usize::MAX).map_err(|_| SigningError::BadEncoding)?;
    sort_query(&mut params);
    let out = sign_parts(
        p,
        &date,
        CanonicalParts {
            method: req.method,
            path: req.path,
            style: p.settings.path_style,
            query: &params,
            skip_signature: false,
            headers: &all,
            signed_headers: &signed,
            payload: payload.as_bytes(),
        },
    )?;
    added.push((
        "authorization",
        format!(
            "{ALGORITHM} Credential={credential}, SignedHeaders={signed}, Signature={}",
            out.signature
        ),
    ));
    Ok(SignedOutput {
        headers: added,
        signature: out.signature,
        canonical_request: out.canonical_request,
        string_to_sign: out.string_to_sign,
    })
}

/// Presigns `req`: returns the query to send instead of `req.query`, valid for `expires_secs`
/// (1–604800) from the signing time. Every header given is signed and must be sent as given.
///
/// ```
/// use tempcred::sigv4::{presign, PayloadHash, SignableRequest, SigningParams};
/// use tempcred::{SecretAccessKey, UnixTime};
/// let secret = SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
/// let headers = [("Host", "example.amazonaws.com")];
/// let req = SignableRequest { method: "GET", path: "/", query: "", headers: &headers,
///     payload: PayloadHash::Bytes(b"") };
/// let params = SigningParams::new("AKIDEXAMPLE", &secret, "us-east-1", "service",
///     UnixTime::from_secs(1_440_938_160));
/// let out = presign(&req, &params, 3600).unwrap();
/// assert_eq!(out.signature.to_string(),
///     "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
/// assert!(out.query.ends_with(&format!("X-Amz-Signature={}", out.signature)));
/// ```
///
/// # Errors
///
/// [`SigV4Error`](crate::sigv4::SigV4Error) when the request cannot be canonicalized or the expiry is outside 1–604800
/// seconds.
pub fn presign(
    req: &SignableRequest<'_>,
    p: &SigningParams<'_>,
    expires_secs: u64,
) -> Result<PresignedOutput, SigningError> {
    check_method(req.method)?;
    if !(1..=MAX_PRESIGN_EXPIRES_SECS).contains(&expires_secs) {
        return Err(SigningError::InvalidExpires);
    }
    let date = AmzDate::from_unix(p.time);
    let credential = credential_text(p, &date)?;
    let original = parse_query(req.query, usize::MAX).map_err(|_| SigningError::BadEncoding)?;
    let auth_names = [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
    ];
    if PresignedQuery::is_presigned(&original)
        || original
            .iter()
            .any(|q| auth_names.iter().any(|n| q.key_is(n)))
    {
        return Err(SigningError::AlreadyPresigned);
    }
    let signed = signed_names(req.headers)?;
    let mut query = String::with_capacity(req.query.len() + 256);
    query.push_str(req.query);
    let mut add = |name: &str, value: &str| {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        encode_into(value.as_bytes(), &mut query);
    };
    add("X-Amz-Algorithm", ALGORITHM);
    add("X-Amz-Credential", &credential);
    add("X-Amz-Date", date.as_str());
    add("X-Amz-Expires", &expires_secs.to_string());
    let token_signed = p.settings.token_placement == TokenPlacement::Signed;
    if let (Some(token), true) = (p.session_token, token_signed) {
        add("X-Amz-Security-Token", token);
    }
    add("X-Amz-SignedHeaders", &signed);
    let payload = req.payload.line();
    let out = {
        let mut params = parse_query(&query, usize::MAX).map_err(|_| SigningError::BadEncoding)?;
        sort_query(&mut params);
        sign_parts(
            p,
            &date,
            CanonicalParts {
                method: req.method,
                path: req.path,
                style: p.settings.path_style,
                query: &params,
                skip_signature: false,
                headers: req.headers,
                signed_headers: &signed,
                payload: payload.as_bytes(),
            },
        )?
    };
    query.push_str("&X-Amz-Signature=");
    query.push_str(&out.signature.to_string());
    if let (Some(token), false) = (p.session_token, token_signed) {
        query.push_str("&X-Amz-Security-Token=");
        encode_into(token.as_bytes(), &mut query);
    }
    Ok(PresignedOutput {
        query,
        signature: out.signature,
        canonical_request: out.canonical_request,
        string_to_sign: out.string_to_sign,
    })
}

/// The credential scope text `YYYYMMDD/REGION/SERVICE/aws4_request` for a time, region and
/// service (the chunk signatures' scope).
#[cfg(feature = "aws-chunked")]
#[must_use]
pub(crate) fn credential_scope(time: UnixTime, region: &str, service: &str) -> String {
    let date = AmzDate::from_unix(time);
    let mut v = Vec::new();
    super::signature::write_scope(
        &mut v,
        super::signature::ScopeParts {
            date: date.date_str(),
            region,
            service,
        },
    );
    String::from_utf8_lossy(&v).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::PayloadHash;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "session-token-text-that-must-not-be-printed";

    fn params(secret: &SecretAccessKey) -> SigningParams<'_> {
        SigningParams::new(
            "AKIDEXAMPLE",
            secret,
            "us-east-1",
            "service",
            UnixTime::from_secs(1_440_938_160),
        )
    }

    fn request<'r>(
        method: &'r str,
        query: &'r str,
        headers: &'r [(&'r str, &'r str)],
    ) -> SignableRequest<'r> {
        SignableRequest {
            method,
            path: "/",
            query,
            headers,
            payload: PayloadHash::Bytes(b""),
        }
    }

    const HOST: (&str, &str) = ("Host", "example.amazonaws.com");

    #[test]
    fn methods_are_http_tokens_of_1_to_32_bytes() {
        let secret = SecretAccessKey::new(SECRET).unwrap();
        let p = params(&secret);
        let headers = [HOST];
        for ok in ["GET", "M-SEARCH", &"A".repeat(32)] {
            assert!(sign(&request(ok, "", &headers), &p).is_ok(), "{ok}");
        }
        for bad in ["", "GE T", "GET\n", &"A".repeat(33)] {
            assert_eq!(
                sign(&request(bad, "", &headers), &p).unwrap_err(),
                SigningError::InvalidMethod,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn headers_the_signer_adds_must_not_be_there_already() {
        let secret = SecretAccessKey::new(SECRET).unwrap();
        let plain = params(&secret);
        let with_token = params(&secret).with_session_token(TOKEN);
        let with_sha = params(&secret).with_settings(SigningSettings {
            content_sha256_header: true,
            ..SigningSettings::default()
        });
        let present = |name: &'static str, p: &SigningParams<'_>| {
            let headers = [HOST, (name, "x")];
            sign(&request("GET", "", &headers), p)
        };
        for name in ["Authorization", "X-Amz-Date"] {
            assert_eq!(
                present(name, &plain).unwrap_err(),
                SigningError::AlreadyPresent(if name == "Authorization" {
                    "authorization"
                } else {
                    "x-amz-date"
                })
            );
        }
        // A token or payload-hash header is in the way only when the signer would add its own.
        assert!(present("X-Amz-Security-Token", &plain).is_ok());
        assert_eq!(
            present("X-Amz-Security-Token", &with_token).unwrap_err(),
            SigningError::AlreadyPresent("x-amz-security-token")
        );
        assert!(present("X-Amz-Content-Sha256", &plain).is_ok());
        assert_eq!(
            present("x-amz-content-sha256", &with_sha).unwrap_err(),
            SigningError::AlreadyPresent("x-amz-content-sha256")
        );
    }

    #[test]
    fn a_query_with_any_authentication_parameter_is_not_presigned_again() {
        let secret = SecretAccessKey::new(SECRET).unwrap();
        let p = params(&secret);
        let headers = [HOST];
        assert!(presign(&request("GET", "a=1", &headers), &p, 60).is_ok());
        for query in [
            "X-Amz-Signature=abc",
            "a=1&X-Amz-Date=20150830T123600Z",
            "X-Amz-Expires=60",
            "X-Amz-SignedHeaders=host",
            "X-Amz-Security-Token=t",
        ] {
            assert_eq!(
                presign(&request("GET", query, &headers), &p, 60).unwrap_err(),
                SigningError::AlreadyPresigned,
                "{query}"
            );
        }
    }

    #[cfg(feature = "aws-chunked")]
    #[test]
    fn the_credential_scope_is_date_region_service_and_terminator() {
        assert_eq!(
            credential_scope(UnixTime::from_secs(1_440_938_160), "us-east-1", "iam"),
            "20150830/us-east-1/iam/aws4_request"
        );
    }

    #[test]
    fn debug_output_shows_no_secret_and_no_token() {
        let secret = SecretAccessKey::new(SECRET).unwrap();
        let p = params(&secret).with_session_token(TOKEN);
        let text = format!("{p:?}");
        assert!(
            text.contains("AKIDEXAMPLE") && text.contains("us-east-1"),
            "{text}"
        );
        assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
        let headers = [HOST];
        let signed = sign(&request("GET", "", &headers), &p).unwrap();
        let presigned = presign(&request("GET", "", &headers), &p, 60).unwrap();
        for (text, sig) in [
            (format!("{signed:?}"), signed.signature.to_string()),
            (format!("{presigned:?}"), presigned.signature.to_string()),
        ] {
            // A signature replays its request within the skew window: not in Debug either.
            assert!(!text.contains(&sig), "{text}");
            assert!(!text.contains(TOKEN) && !text.contains(SECRET), "{text}");
        }
    }
}
