//! RFC 3986 percent-encoding as SigV4 uses it: everything but the unreserved characters
//! `A-Z a-z 0-9 - . _ ~` is encoded, with uppercase hex digits.
//!
//! Decoding is strict: a `%` must be followed by two hex digits. Decoding is only ever applied to
//! query components, and there a raw `+` is a space, exactly as every
//! `application/x-www-form-urlencoded` reader behind the verifier reads it (the STS Query API
//! parser, axum's `Query`, `serde_urlencoded`, Go's `url.ParseQuery`): so `a+b` is canonicalized
//! as `a%20b`, and a literal plus must be sent as `%2B`, as every AWS SDK sends it. MinIO's
//! verifier does the same (`strings.ReplaceAll(queryStr, "+", "%20")`). Reading `+` as a plus
//! here while the application reads it as a space would let anyone turn a signed `%2B` into an
//! unsigned space (security issue 12 A).

use std::borrow::Cow;

pub(crate) const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The unreserved set of RFC 3986, which SigV4 never encodes.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte a `%XY` escape stands for, if `rest` starts with two hex digits.
pub(crate) fn escape_at(rest: &[u8]) -> Option<u8> {
    match rest {
        [hi, lo, ..] => Some(hex_value(*hi)? << 4 | hex_value(*lo)?),
        _ => None,
    }
}

/// Whether every `%` in `raw` starts a valid escape.
pub(crate) fn is_well_escaped(raw: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b == b'%' {
            if escape_at(raw.get(i + 1..).unwrap_or(&[])).is_none() {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// The decoded bytes of a well-escaped query component, one at a time; `+` decodes to a space.
pub(crate) struct Decoded<'a> {
    raw: &'a [u8],
    at: usize,
}

impl<'a> Decoded<'a> {
    pub(crate) fn new(raw: &'a [u8]) -> Self {
        Decoded { raw, at: 0 }
    }
}

impl Iterator for Decoded<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        let b = *self.raw.get(self.at)?;
        if b == b'%' {
            if let Some(v) = escape_at(self.raw.get(self.at + 1..).unwrap_or(&[])) {
                self.at += 3;
                return Some(v);
            }
        }
        self.at += 1;
        Some(if b == b'+' { b' ' } else { b })
    }
}

/// The SigV4 canonical encoding of a (decoded) byte stream, one output byte at a time.
pub(crate) struct Encoded<I> {
    inner: I,
    pending: [u8; 2],
    left: u8,
}

impl<I: Iterator<Item = u8>> Encoded<I> {
    pub(crate) fn new(inner: I) -> Self {
        Encoded {
            inner,
            pending: [0; 2],
            left: 0,
        }
    }
}

impl<I: Iterator<Item = u8>> Iterator for Encoded<I> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        match self.left {
            2 => {
                self.left = 1;
                return Some(self.pending[0]);
            }
            1 => {
                self.left = 0;
                return Some(self.pending[1]);
            }
            _ => {}
        }
        let b = self.inner.next()?;
        if is_unreserved(b) {
            return Some(b);
        }
        self.pending = hex_pair(b);
        self.left = 2;
        Some(b'%')
    }
}

pub(crate) fn hex_pair(b: u8) -> [u8; 2] {
    [
        *HEX_UPPER.get(usize::from(b >> 4)).unwrap_or(&b'0'),
        *HEX_UPPER.get(usize::from(b & 0xf)).unwrap_or(&b'0'),
    ]
}

/// Canonical encoding of a raw query component: decode, then encode strictly.
pub(crate) fn canonical_component(raw: &[u8]) -> Encoded<Decoded<'_>> {
    Encoded::new(Decoded::new(raw))
}

/// Encodes `bytes` strictly (every byte outside the unreserved set) into `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    for b in bytes {
        if is_unreserved(*b) {
            out.push(char::from(*b));
        } else {
            let [hi, lo] = hex_pair(*b);
            out.push('%');
            out.push(char::from(hi));
            out.push(char::from(lo));
        }
    }
}

/// Decodes a well-escaped query value, borrowing when it has no escapes. `None` if an escape is
/// malformed or the result is not UTF-8.
pub(crate) fn decode_str(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.as_bytes().iter().any(|b| matches!(b, b'%' | b'+')) {
        return Some(Cow::Borrowed(raw));
    }
    if !is_well_escaped(raw.as_bytes()) {
        return None;
    }
    let bytes: Vec<u8> = Decoded::new(raw.as_bytes()).collect();
    String::from_utf8(bytes).ok().map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_strictly_and_decodes_strictly() {
        let enc: Vec<u8> = canonical_component(b"a b+%2fc~%7E\xe1%2B").collect();
        assert_eq!(enc, b"a%20b%20%2Fc~~%E1%2B");
        assert!(is_well_escaped(b"%41%42"));
        assert!(!is_well_escaped(b"%4"));
        assert!(!is_well_escaped(b"%zz"));
        assert!(!is_well_escaped(b"abc%"));
        assert_eq!(decode_str("a%2Fb").as_deref(), Some("a/b"));
        assert_eq!(decode_str("a+b%2Bc").as_deref(), Some("a b+c"));
        assert_eq!(decode_str("a%FF"), None);
        let mut s = String::new();
        encode_into(b"A/B;c", &mut s);
        assert_eq!(s, "A%2FB%3Bc");
    }
}
