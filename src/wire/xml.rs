//! The XML documents of the STS Query API: one response per operation and the error document.
//!
//! Element names and order follow the STS API model (the order botocore and the AWS SDKs expect,
//! though their parsers do not depend on it): `Credentials{AccessKeyId, SecretAccessKey,
//! SessionToken, Expiration}`, `AssumedRoleUser{AssumedRoleId, Arn}`, then `PackedPolicySize` and
//! `SourceIdentity` when present. Every text node goes through [`escape_into`], which also replaces
//! the characters XML 1.0 cannot carry, so any string (including echoed caller input in an error
//! message) yields a well-formed document.

use crate::credentials::Credentials;
use crate::error::StsError;
use crate::random::{RandomError, RandomSource};
use crate::response::{AssumedRoleUser, StsResponse};
use crate::time::UnixTime;
use std::fmt;
use zeroize::Zeroizing;

/// The STS XML namespace, `https://sts.amazonaws.com/doc/2011-06-15/`.
pub const STS_XML_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The `Content-Type` AWS STS answers with.
pub const XML_CONTENT_TYPE: &str = "text/xml";

/// A request ID, `<RequestId>` in every response (and `x-amzn-RequestId` in AWS's headers).
///
/// Generated ones are random UUIDs (version 4 text form); [`RequestId::new`] accepts any 1–64
/// characters of `[A-Za-z0-9-]`, to echo an ID chosen elsewhere.
///
/// ```
/// use tempcred::{wire::RequestId, SeededRandom};
/// let id = RequestId::generate(&SeededRandom::new(1)).unwrap();
/// assert_eq!(id.as_str().len(), 36);
/// assert_eq!(id.as_str().as_bytes()[14], b'4');
/// assert!(RequestId::new("c6104cbe-af31-11e0-8154-cbc7ccf896c7").is_some());
/// assert!(RequestId::new("<script>").is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId(arrayvec::ArrayString<64>);

impl RequestId {
    /// A random version-4 UUID from `random`.
    pub fn generate(random: &dyn RandomSource) -> Result<Self, RandomError> {
        let mut b = [0u8; 16];
        random.fill_bytes(&mut b)?;
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let mut s = arrayvec::ArrayString::<64>::new();
        for (i, byte) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            // 36 characters always fit in 64.
            let _ = fmt::Write::write_fmt(&mut s, format_args!("{byte:02x}"));
        }
        Ok(RequestId(s))
    }

    /// An ID of 1–64 characters of `[A-Za-z0-9-]`, or `None`.
    pub fn new(text: &str) -> Option<Self> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        arrayvec::ArrayString::from(text).ok().map(RequestId)
    }

    /// The ID's text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.as_str())
    }
}

/// Appends `text` escaped for an XML text node: `& < > " '` as entities, `\r` as `&#13;` (so it
/// survives end-of-line normalization), and characters XML 1.0 forbids (C0 controls other than tab
/// and newline, U+FFFE, U+FFFF) as U+FFFD.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

struct Xml(Zeroizing<String>);

impl Xml {
    fn new(capacity: usize) -> Self {
        Xml(Zeroizing::new(String::with_capacity(capacity)))
    }
    fn open(&mut self, tag: &str) {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push('>');
    }
    fn open_ns(&mut self, tag: &str) {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push_str(" xmlns=\"");
        self.0.push_str(STS_XML_NAMESPACE);
        self.0.push_str("\">");
    }
    fn close(&mut self, tag: &str) {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
    }
    fn leaf(&mut self, tag: &str, text: &str) {
        self.open(tag);
        escape_into(&mut self.0, text);
        self.close(tag);
    }
    fn opt_leaf(&mut self, tag: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.leaf(tag, t);
        }
    }
    fn credentials(&mut self, c: &Credentials) {
        self.open("Credentials");
        self.leaf("AccessKeyId", c.access_key_id.as_str());
        self.leaf("SecretAccessKey", c.secret_access_key.expose_secret());
        self.leaf("SessionToken", c.session_token.expose_secret());
        self.leaf("Expiration", &iso8601(c.expiration));
        self.close("Credentials");
    }
    fn assumed_role_user(&mut self, u: &AssumedRoleUser) {
        self.open("AssumedRoleUser");
        self.leaf("AssumedRoleId", &u.assumed_role_id);
        self.leaf("Arn", &u.arn);
        self.close("AssumedRoleUser");
    }
    fn packed(&mut self, size: Option<u32>) {
        if let Some(s) = size {
            self.leaf("PackedPolicySize", &s.to_string());
        }
    }
    fn metadata(&mut self, request_id: &RequestId) {
        self.open("ResponseMetadata");
        self.leaf("RequestId", request_id.as_str());
        self.close("ResponseMetadata");
    }
}

/// `2011-07-15T23:28:33Z`. Every [`UnixTime`] is within the formatter's range (it stops at year
/// 9999), so the fallback is unreachable.
pub(crate) fn iso8601(t: UnixTime) -> String {
    t.to_rfc3339()
        .unwrap_or_else(|| String::from("9999-12-31T23:59:59Z"))
}

/// Renders a response as AWS does: `<ActionResponse xmlns=…><ActionResult>…</ActionResult>
/// <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>`.
///
/// The document carries the secret access key and session token, so it is returned in a
/// [`Zeroizing`] string that wipes itself when dropped.
///
/// ```
/// use tempcred::{wire::{render_response, RequestId}, GetCallerIdentityResponse, StsResponse};
/// let resp = StsResponse::GetCallerIdentity(GetCallerIdentityResponse {
///     account: "123456789012".parse().unwrap(),
///     arn: "arn:aws:iam::123456789012:user/Alice".into(),
///     user_id: "AIDACKCEVSQ6C2EXAMPLE".into(),
/// });
/// let xml = render_response(&resp, &RequestId::new("01234567-89ab-cdef-0123-456789abcdef").unwrap());
/// assert!(xml.starts_with(
///     "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
///      <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn>"));
/// ```
pub fn render_response(response: &StsResponse, request_id: &RequestId) -> Zeroizing<String> {
    let action = response.action().as_str();
    let mut x = Xml::new(1024);
    let outer = format!("{action}Response");
    let result = format!("{action}Result");
    x.open_ns(&outer);
    x.open(&result);
    match response {
        StsResponse::AssumeRole(r) => {
            x.credentials(&r.credentials);
            x.assumed_role_user(&r.assumed_role_user);
            x.packed(r.packed_policy_size);
            x.opt_leaf(
                "SourceIdentity",
                r.source_identity.as_ref().map(|s| s.as_str()),
            );
        }
        StsResponse::AssumeRoleWithWebIdentity(r) => {
            x.credentials(&r.credentials);
            x.leaf(
                "SubjectFromWebIdentityToken",
                &r.subject_from_web_identity_token,
            );
            x.assumed_role_user(&r.assumed_role_user);
            x.packed(r.packed_policy_size);
            x.leaf("Provider", &r.provider);
            x.leaf("Audience", &r.audience);
            x.opt_leaf(
                "SourceIdentity",
                r.source_identity.as_ref().map(|s| s.as_str()),
            );
        }
        StsResponse::AssumeRoleWithSaml(r) => {
            x.credentials(&r.credentials);
            x.assumed_role_user(&r.assumed_role_user);
            x.packed(r.packed_policy_size);
            x.leaf("Subject", &r.subject);
            x.leaf("SubjectType", &r.subject_type);
            x.leaf("Issuer", &r.issuer);
            x.leaf("Audience", &r.audience);
            x.leaf("NameQualifier", &r.name_qualifier);
            x.opt_leaf(
                "SourceIdentity",
                r.source_identity.as_ref().map(|s| s.as_str()),
            );
        }
        StsResponse::GetSessionToken(r) => x.credentials(&r.credentials),
        StsResponse::GetFederationToken(r) => {
            x.credentials(&r.credentials);
            x.open("FederatedUser");
            x.leaf("FederatedUserId", &r.federated_user.federated_user_id);
            x.leaf("Arn", &r.federated_user.arn);
            x.close("FederatedUser");
            x.packed(r.packed_policy_size);
        }
        StsResponse::GetCallerIdentity(r) => {
            x.leaf("Arn", &r.arn);
            x.leaf("UserId", &r.user_id);
            x.leaf("Account", &r.account.to_string());
        }
    }
    x.close(&result);
    x.metadata(request_id);
    x.close(&outer);
    x.0
}

/// Renders the error document AWS SDKs parse:
/// `<ErrorResponse xmlns=…><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
/// <RequestId>…</RequestId></ErrorResponse>`. Answer it with [`StsError::http_status`] and
/// [`XML_CONTENT_TYPE`].
///
/// ```
/// use tempcred::{wire::{render_error, RequestId}, StsError};
/// let xml = render_error(&StsError::expired_token(), &RequestId::new("r-1").unwrap());
/// assert_eq!(xml, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
///     <Error><Type>Sender</Type><Code>ExpiredToken</Code>\
///     <Message>The security token included in the request is expired</Message></Error>\
///     <RequestId>r-1</RequestId></ErrorResponse>");
/// ```
pub fn render_error(error: &StsError, request_id: &RequestId) -> String {
    let mut x = Xml::new(256 + error.message.len());
    x.open_ns("ErrorResponse");
    x.open("Error");
    x.leaf("Type", error.fault_type().as_str());
    x.leaf("Code", error.code_str());
    x.leaf("Message", &error.message);
    x.close("Error");
    x.leaf("RequestId", request_id.as_str());
    x.close("ErrorResponse");
    // No secret in an error document: leave the wiping wrapper.
    std::mem::take(&mut *x.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let mut s = String::new();
        escape_into(&mut s, "a<b>&\"c'\r\n\t\u{0}\u{1b}\u{fffe}é");
        assert_eq!(
            s,
            "a&lt;b&gt;&amp;&quot;c&apos;&#13;\n\t\u{fffd}\u{fffd}\u{fffd}é"
        );
    }

    #[test]
    fn request_ids() {
        let a = RequestId::generate(&crate::SeededRandom::new(3)).unwrap();
        let text = a.as_str();
        assert_eq!(text.len(), 36);
        let dashes: Vec<usize> = text.match_indices('-').map(|(i, _)| i).collect();
        assert_eq!(dashes, [8, 13, 18, 23]);
        assert!(matches!(text.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_eq!(RequestId::new(text), Some(a));
        assert!(RequestId::new("").is_none());
        assert!(RequestId::new(&"a".repeat(65)).is_none());
        assert!(RequestId::new(&"a".repeat(64)).is_some());
    }
}
