//! The `Authorization` header and the credential scope, parsed strictly.
//!
//! Accepted form (what every AWS SDK sends):
//!
//! ```text
//! AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/REGION/SERVICE/aws4_request, SignedHeaders=a;b;c, Signature=<64 lowercase hex>
//! ```
//!
//! The three parts come in this order, separated by a comma and at most one space. `SignedHeaders`
//! must be lowercase, sorted and free of duplicates, so one signed-header set has one text.

use super::error::{Limit, Malformed, SigV4Error};
use super::signature::{ScopeParts, Signature, ALGORITHM};
use crate::limits::MAX_SCOPE_PART_BYTES;

/// `AKID/YYYYMMDD/REGION/SERVICE/aws4_request`, split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credential<'a> {
    /// The access key ID text (not yet checked against any key store).
    pub access_key_id: &'a str,
    /// `YYYYMMDD`.
    pub date: &'a str,
    /// The region, e.g. `us-east-1`.
    pub region: &'a str,
    /// The service, e.g. `sts`.
    pub service: &'a str,
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SCOPE_PART_BYTES
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl<'a> Credential<'a> {
    /// Parses `AKID/YYYYMMDD/REGION/SERVICE/aws4_request`. The key ID is 1–128 ASCII letters
    /// and digits; region and service 1–128 of `[a-z0-9-]`.
    #[must_use]
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.split('/');
        let access_key_id = parts.next()?;
        let date = parts.next()?;
        let region = parts.next()?;
        let service = parts.next()?;
        if parts.next()? != "aws4_request" || parts.next().is_some() {
            return None;
        }
        let ok = !access_key_id.is_empty()
            && access_key_id.len() <= MAX_SCOPE_PART_BYTES
            && access_key_id.bytes().all(|b| b.is_ascii_alphanumeric())
            && date.len() == 8
            && date.bytes().all(|b| b.is_ascii_digit())
            && is_name(region)
            && is_name(service);
        ok.then_some(Credential {
            access_key_id,
            date,
            region,
            service,
        })
    }

    pub(crate) fn scope(&self) -> ScopeParts<'a> {
        ScopeParts {
            date: self.date,
            region: self.region,
            service: self.service,
        }
    }
}

fn is_header_name_byte(b: u8) -> bool {
    b.is_ascii_lowercase()
        || b.is_ascii_digit()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// Checks a `SignedHeaders` list: non-empty lowercase header names, strictly ascending, at most
/// `max` of them. `Ok(false)` if malformed, `Err` if too many.
pub(crate) fn check_signed_headers(list: &str, max: usize) -> Result<bool, SigV4Error> {
    let mut prev: Option<&str> = None;
    for (i, name) in list.split(';').enumerate() {
        if i >= max {
            return Err(SigV4Error::TooLarge(Limit::SignedHeaders));
        }
        if name.is_empty() || !name.bytes().all(is_header_name_byte) {
            return Ok(false);
        }
        if prev.is_some_and(|p| p >= name) {
            return Ok(false);
        }
        prev = Some(name);
    }
    Ok(true)
}

/// Whether a validated `SignedHeaders` list names `header`.
pub(crate) fn signs(list: &str, header: &str) -> bool {
    list.split(';').any(|n| n == header)
}

/// A parsed `Authorization` header; nothing in it is trusted yet.
#[derive(Clone, Debug)]
pub struct AuthorizationHeader<'a> {
    /// The credential scope and key ID.
    pub credential: Credential<'a>,
    /// The raw `Credential=` value.
    pub credential_text: &'a str,
    /// The `SignedHeaders=` list, validated.
    pub signed_headers: &'a str,
    /// The claimed signature.
    pub signature: Signature,
}

fn after_separator(rest: &str) -> Option<&str> {
    let rest = rest.strip_prefix(',')?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

impl<'a> AuthorizationHeader<'a> {
    /// Parses the header value strictly; `max_signed_headers` bounds `SignedHeaders`.
    ///
    /// ```
    /// use tempcred::internal::AuthorizationHeader;
    /// let h = AuthorizationHeader::parse(
    ///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
    ///      SignedHeaders=host;x-amz-date, \
    ///      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ///     64,
    /// ).unwrap();
    /// assert_eq!(h.credential.region, "us-east-1");
    /// assert_eq!(h.signed_headers, "host;x-amz-date");
    /// ```
    ///
    /// # Errors
    ///
    /// [`SigV4Error::IncompleteSignature`] for any part missing or malformed.
    pub fn parse(value: &'a str, max_signed_headers: usize) -> Result<Self, SigV4Error> {
        let bad = SigV4Error::IncompleteSignature;
        let rest = match value.strip_prefix(ALGORITHM) {
            Some(r) => r.strip_prefix(' ').ok_or(bad(Malformed::Layout))?,
            None => return Err(bad(Malformed::Algorithm)),
        };
        let rest = rest
            .strip_prefix("Credential=")
            .ok_or(bad(Malformed::Credential))?;
        let end = rest.find(',').ok_or(bad(Malformed::Layout))?;
        let (credential_text, rest) = rest.split_at(end);
        let credential = Credential::parse(credential_text).ok_or(bad(Malformed::Credential))?;
        let rest = after_separator(rest)
            .and_then(|r| r.strip_prefix("SignedHeaders="))
            .ok_or(bad(Malformed::SignedHeaders))?;
        let end = rest.find(',').ok_or(bad(Malformed::Layout))?;
        let (signed_headers, rest) = rest.split_at(end);
        if !check_signed_headers(signed_headers, max_signed_headers)? {
            return Err(bad(Malformed::SignedHeaders));
        }
        let sig_text = after_separator(rest)
            .and_then(|r| r.strip_prefix("Signature="))
            .ok_or(bad(Malformed::Signature))?;
        let signature = Signature::parse(sig_text).ok_or(bad(Malformed::Signature))?;
        Ok(AuthorizationHeader {
            credential,
            credential_text,
            signed_headers,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    fn parse(v: &str) -> Result<AuthorizationHeader<'_>, SigV4Error> {
        AuthorizationHeader::parse(v, 8)
    }

    #[test]
    fn accepts_the_sdk_forms() {
        let v = format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={SIG}");
        let h = parse(&v).unwrap();
        assert_eq!(h.credential.access_key_id, "AKIDEXAMPLE");
        assert_eq!(h.credential.date, "20150830");
        assert_eq!(h.credential.service, "service");
        let compact = v.replace(", ", ",");
        assert!(parse(&compact).is_ok());
    }

    #[test]
    fn refuses_everything_else() {
        let good = format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={SIG}");
        let cases = [
            good.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
            good.replace("SHA256 ", "SHA256  "),
            good.replace("aws4_request", "aws4_request/x"),
            good.replace("aws4_request", "aws5_request"),
            good.replace("/20150830/", "/2015083/"),
            good.replace("us-east-1", "US-EAST-1"),
            good.replace("us-east-1/", ""),
            good.replace("host;x-amz-date", "x-amz-date;host"),
            good.replace("host;x-amz-date", "host;host"),
            good.replace("host;x-amz-date", "Host;x-amz-date"),
            good.replace("host;x-amz-date", "host;;x-amz-date"),
            good.replace("host;x-amz-date", ""),
            good.replace(SIG, &SIG.to_uppercase()),
            good.replace(SIG, &SIG[1..]),
            format!("{good} "),
            good.replace(", Signature", ",  Signature"),
            good.replace(", SignedHeaders=host;x-amz-date", ""),
            good.replace("Credential=", "Credential ="),
            String::new(),
        ];
        for c in &cases {
            let e = parse(c).unwrap_err();
            assert_eq!(e.aws_code(), "IncompleteSignature", "{c}");
        }
        let many = good.replace("host;x-amz-date", "a;b;c;d;e;f;g;h;i");
        assert!(matches!(
            parse(&many),
            Err(SigV4Error::TooLarge(Limit::SignedHeaders))
        ));
    }
}
