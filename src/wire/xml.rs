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
/// use tempcred::{hazmat::SeededRandom, wire::RequestId};
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
    ///
    /// # Errors
    ///
    /// [`RandomError`](crate::RandomError) when the random source fails.
    pub fn generate(random: &dyn RandomSource) -> Result<Self, RandomError> {
        let mut b = [0u8; 16];
        random.fill_bytes(&mut b)?;
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let mut hex = [0u8; 32];
        data_encoding::HEXLOWER.encode_mut(&b, &mut hex);
        let mut s = arrayvec::ArrayString::<64>::new();
        for (i, pair) in hex.chunks(2).enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            // 36 ASCII characters always fit in 64.
            for c in pair {
                s.push(char::from(*c));
            }
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
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The nil UUID, for the one case where no random ID could be drawn.
    pub(crate) fn nil() -> Self {
        RequestId(
            arrayvec::ArrayString::from("00000000-0000-0000-0000-000000000000").unwrap_or_default(),
        )
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
    // Runs of characters that stand for themselves are copied whole: a session token is a
    // thousand of them, and copying it a character at a time was a measurable share of an
    // `AssumeRole` answer.
    let mut rest = text;
    while let Some(at) = rest.find(needs_escape) {
        let (plain, from) = rest.split_at(at);
        out.push_str(plain);
        let mut chars = from.chars();
        match chars.next() {
            Some('&') => out.push_str("&amp;"),
            Some('<') => out.push_str("&lt;"),
            Some('>') => out.push_str("&gt;"),
            Some('"') => out.push_str("&quot;"),
            Some('\'') => out.push_str("&apos;"),
            Some('\r') => out.push_str("&#13;"),
            // Characters XML 1.0 cannot carry.
            Some(_) => out.push('\u{fffd}'),
            None => {}
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
}

/// Whether `c` is written other than as itself: markup characters, `\r` (which XML parsers
/// would normalise away), and characters XML 1.0 cannot carry (controls other than tab and line
/// feed, U+FFFE, U+FFFF).
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '&' | '<' | '>' | '"' | '\'' | '\r' | '\u{fffe}' | '\u{ffff}'
    ) || (c < ' ' && c != '\t' && c != '\n')
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
#[must_use]
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
        StsResponse::GetWebIdentityToken(r) => {
            x.leaf("WebIdentityToken", r.web_identity_token.expose_secret());
            x.leaf("Expiration", &iso8601(r.expiration));
        }
        StsResponse::GetAccessKeyInfo(r) => x.leaf("Account", &r.account.to_string()),
        StsResponse::DecodeAuthorizationMessage(r) => x.leaf("DecodedMessage", &r.decoded_message),
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
/// use tempcred::{wire::{render_error, RequestId}, StsError, StsErrorCode};
/// let expired = StsError::new(
///     StsErrorCode::ExpiredToken,
///     "The security token included in the request is expired",
/// );
/// let xml = render_error(&expired, &RequestId::new("r-1").unwrap());
/// assert_eq!(xml, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
///     <Error><Type>Sender</Type><Code>ExpiredToken</Code>\
///     <Message>The security token included in the request is expired</Message></Error>\
///     <RequestId>r-1</RequestId></ErrorResponse>");
/// ```
#[must_use]
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

    /// A "random" source that fills every byte with one value.
    struct Constant(u8);

    impl RandomSource for Constant {
        fn fill_bytes(&self, dest: &mut [u8]) -> Result<(), RandomError> {
            dest.fill(self.0);
            Ok(())
        }
    }

    /// The escaping as first written, a character at a time: the reference the run-copying
    /// version must agree with.
    fn escape_by_char(text: &str) -> String {
        let mut out = String::new();
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
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_copies_runs_but_writes_what_escaping_each_character_writes(
            text in "(\\PC|[&<>\"'\r\n\t\u{0}-\u{1f}\u{fffe}\u{ffff}]){0,64}",
        ) {
            let mut out = String::new();
            escape_into(&mut out, &text);
            proptest::prop_assert_eq!(out, escape_by_char(&text));
        }
    }

    #[test]
    fn generated_request_ids_are_version_4_uuids_whatever_the_random_bytes() {
        // The version nibble is always 4 and the variant bits always 10, so the only freedom left
        // is in the other 122 bits.
        let zeros = RequestId::generate(&Constant(0x00)).unwrap();
        assert_eq!(zeros.as_str(), "00000000-0000-4000-8000-000000000000");
        let ones = RequestId::generate(&Constant(0xff)).unwrap();
        assert_eq!(ones.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(format!("{ones}"), ones.as_str());
        assert_eq!(
            format!("{ones:?}"),
            "RequestId(ffffffff-ffff-4fff-bfff-ffffffffffff)"
        );
    }

    #[test]
    fn error_documents_carry_long_messages_whole() {
        let message = "m".repeat(1000);
        let xml = render_error(
            &StsError::validation(message.clone()),
            &RequestId::new("r-1").unwrap(),
        );
        assert!(xml.contains(&format!("<Message>{message}</Message>")));
        assert!(xml.ends_with("<RequestId>r-1</RequestId></ErrorResponse>"));
    }

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
        let a = RequestId::generate(&crate::random::SeededRandom::new(3)).unwrap();
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

    use crate::credentials::{AccessKeyId, SecretAccessKey, SessionToken};
    use crate::response::*;
    use crate::session::SourceIdentity;

    const RID: &str = "c6104cbe-af31-11e0-8154-cbc7ccf896c7";
    const NS: &str = "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"";
    const CREDS_XML: &str = "<Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\
        <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>\
        <SessionToken>AQoDYXdzEPT//////////wEXAMPLE</SessionToken>\
        <Expiration>2019-11-09T13:34:41Z</Expiration></Credentials>";

    fn creds() -> Credentials {
        Credentials {
            access_key_id: AccessKeyId::new("ASIAIOSFODNN7EXAMPLE").unwrap(),
            secret_access_key: SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .unwrap(),
            session_token: SessionToken::from_encoded("AQoDYXdzEPT//////////wEXAMPLE".into()),
            expiration: UnixTime::parse_iso8601("2019-11-09T13:34:41Z").unwrap(),
        }
    }

    fn role_user() -> AssumedRoleUser {
        AssumedRoleUser {
            arn: "arn:aws:sts::123456789012:assumed-role/demo/TestAR".into(),
            assumed_role_id: "ARO123EXAMPLE123:TestAR".into(),
        }
    }

    fn render(r: impl Into<StsResponse>) -> String {
        render_response(&r.into(), &RequestId::new(RID).unwrap()).to_string()
    }

    fn wrap(action: &str, inner: &str) -> String {
        format!(
            "<{action}Response {NS}><{action}Result>{inner}</{action}Result>\
             <ResponseMetadata><RequestId>{RID}</RequestId></ResponseMetadata></{action}Response>"
        )
    }

    /// The (element path, text) leaves of a document, sorted: compares documents regardless of
    /// element order and indentation. Test-only; assumes no attributes but `xmlns`, no CDATA.
    fn leaves(xml: &str) -> Vec<(String, String)> {
        let mut path: Vec<String> = Vec::new();
        let mut out = Vec::new();
        let mut text = String::new();
        let mut rest = xml.trim();
        if let Some(i) = rest.find("?>") {
            rest = &rest[i + 2..];
        }
        while let Some(lt) = rest.find('<') {
            text.push_str(&rest[..lt]);
            let gt = rest[lt..].find('>').unwrap() + lt;
            let tag = &rest[lt + 1..gt];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(path.last().map(String::as_str), Some(name));
                let t = text.split_whitespace().collect::<Vec<_>>().join("");
                if !t.is_empty() {
                    out.push((path.join("/"), t));
                }
                path.pop();
            } else {
                path.push(tag.split_whitespace().next().unwrap().to_string());
            }
            text.clear();
            rest = &rest[gt + 1..];
        }
        assert!(path.is_empty());
        out.sort();
        out
    }

    #[test]
    fn assume_role_golden() {
        let xml = render(AssumeRoleResponse {
            credentials: creds(),
            assumed_role_user: role_user(),
            packed_policy_size: Some(6),
            source_identity: Some(SourceIdentity::new("Alice").unwrap()),
        });
        assert_eq!(
            xml,
            wrap(
                "AssumeRole",
                &format!(
                    "{CREDS_XML}<AssumedRoleUser><AssumedRoleId>ARO123EXAMPLE123:TestAR\
                     </AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>\
                     </AssumedRoleUser><PackedPolicySize>6</PackedPolicySize>\
                     <SourceIdentity>Alice</SourceIdentity>"
                )
            )
        );
        // The example of the AWS STS API reference (AssumeRole), with its token shortened.
        let aws = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult>
<SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLE
      </SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#;
        assert_eq!(leaves(&xml), leaves(aws));
        // Without policy, tags or source identity, AWS omits both optional elements.
        let plain = render(AssumeRoleResponse {
            credentials: creds(),
            assumed_role_user: role_user(),
            packed_policy_size: None,
            source_identity: None,
        });
        assert!(!plain.contains("PackedPolicySize") && !plain.contains("SourceIdentity"));
    }

    #[test]
    fn web_identity_golden() {
        let xml = render(AssumeRoleWithWebIdentityResponse {
            credentials: creds(),
            subject_from_web_identity_token: "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A".into(),
            assumed_role_user: AssumedRoleUser {
                arn: "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1".into(),
                assumed_role_id: "AROACLKWSDQRAOEXAMPLE:app1".into(),
            },
            packed_policy_size: Some(123),
            provider: "www.amazon.com".into(),
            audience: "client.5498841531868486423.1548@apps.example.com".into(),
            source_identity: Some(SourceIdentity::new("SourceIdentityValue").unwrap()),
        });
        assert_eq!(
            xml,
            wrap(
                "AssumeRoleWithWebIdentity",
                &format!(
                    "{CREDS_XML}<SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A\
                     </SubjectFromWebIdentityToken><AssumedRoleUser><AssumedRoleId>\
                     AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId><Arn>arn:aws:sts::123456789012:\
                     assumed-role/FederatedWebIdentityRole/app1</Arn></AssumedRoleUser>\
                     <PackedPolicySize>123</PackedPolicySize><Provider>www.amazon.com</Provider>\
                     <Audience>client.5498841531868486423.1548@apps.example.com</Audience>\
                     <SourceIdentity>SourceIdentityValue</SourceIdentity>"
                )
            )
        );
    }

    #[test]
    fn saml_golden() {
        let xml = render(AssumeRoleWithSamlResponse {
            credentials: creds(),
            assumed_role_user: AssumedRoleUser {
                arn: "arn:aws:sts::123456789012:assumed-role/TestSaml".into(),
                assumed_role_id: "ARO456EXAMPLE789:TestSaml".into(),
            },
            packed_policy_size: Some(6),
            subject: "SamlExample".into(),
            subject_type: "transient".into(),
            issuer: "https://integ.example.com/idp/shibboleth".into(),
            audience: "https://signin.aws.amazon.com/saml".into(),
            name_qualifier: "SbdGOnUkh1i4+EXAMPLExL/jEvs=".into(),
            source_identity: None,
        });
        assert_eq!(
            xml,
            wrap(
                "AssumeRoleWithSAML",
                &format!(
                    "{CREDS_XML}<AssumedRoleUser><AssumedRoleId>ARO456EXAMPLE789:TestSaml\
                     </AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/TestSaml</Arn>\
                     </AssumedRoleUser><PackedPolicySize>6</PackedPolicySize>\
                     <Subject>SamlExample</Subject><SubjectType>transient</SubjectType>\
                     <Issuer>https://integ.example.com/idp/shibboleth</Issuer>\
                     <Audience>https://signin.aws.amazon.com/saml</Audience>\
                     <NameQualifier>SbdGOnUkh1i4+EXAMPLExL/jEvs=</NameQualifier>"
                )
            )
        );
    }

    #[test]
    fn session_and_federation_golden() {
        let xml = render(GetSessionTokenResponse {
            credentials: creds(),
        });
        assert_eq!(xml, wrap("GetSessionToken", CREDS_XML));
        let xml = render(GetFederationTokenResponse {
            credentials: creds(),
            federated_user: FederatedUser {
                arn: "arn:aws:sts::123456789012:federated-user/Bob".into(),
                federated_user_id: "123456789012:Bob".into(),
            },
            packed_policy_size: Some(6),
        });
        assert_eq!(
            xml,
            wrap(
                "GetFederationToken",
                &format!(
                    "{CREDS_XML}<FederatedUser><FederatedUserId>123456789012:Bob</FederatedUserId>\
                     <Arn>arn:aws:sts::123456789012:federated-user/Bob</Arn></FederatedUser>\
                     <PackedPolicySize>6</PackedPolicySize>"
                )
            )
        );
    }

    #[test]
    fn caller_identity_golden() {
        let xml = render(GetCallerIdentityResponse {
            account: "123456789012".parse().unwrap(),
            arn: "arn:aws:iam::123456789012:user/Alice".into(),
            user_id: "AIDACKCEVSQ6C2EXAMPLE".into(),
        });
        // The example of the AWS STS API reference (GetCallerIdentity, IAM user).
        let aws = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult>
 <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>"#
            .replace("01234567-89ab-cdef-0123-456789abcdef", RID);
        assert_eq!(
            xml,
            aws.split_whitespace().collect::<Vec<_>>().join("").replace(
                "GetCallerIdentityResponsexmlns",
                "GetCallerIdentityResponse xmlns"
            )
        );
        assert_eq!(leaves(&xml), leaves(&aws));
    }

    #[test]
    fn error_golden() {
        let e = StsError::not_authorized(
            "arn:aws:iam::123456789012:user/alice",
            "sts:AssumeRole",
            "arn:aws:iam::123456789012:role/<x>&",
        );
        let xml = render_error(&e, &RequestId::new(RID).unwrap());
        assert_eq!(
            xml,
            format!(
                "<ErrorResponse {NS}><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                 <Message>User: arn:aws:iam::123456789012:user/alice is not authorized to perform: \
                 sts:AssumeRole on resource: arn:aws:iam::123456789012:role/&lt;x&gt;&amp;</Message>\
                 </Error><RequestId>{RID}</RequestId></ErrorResponse>"
            )
        );
        let xml = render_error(&StsError::internal_failure(), &RequestId::new(RID).unwrap());
        assert!(xml.contains("<Type>Receiver</Type><Code>InternalFailure</Code>"));
        // Every code renders a well-formed document.
        for code in crate::StsErrorCode::ALL {
            let xml = render_error(
                &StsError::new(code, "\u{0}<]]>"),
                &RequestId::new("r").unwrap(),
            );
            assert_eq!(leaves(&xml).len(), 4, "{xml}");
        }
    }
}
