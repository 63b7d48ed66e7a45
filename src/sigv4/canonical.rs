//! The canonical request, written straight into a hasher (to verify) or into a buffer (to show).
//!
//! ```text
//! METHOD \n CANONICAL_PATH \n CANONICAL_QUERY \n (name:value \n)* \n SIGNED_HEADERS \n PAYLOAD_HASH
//! ```
//!
//! - Path: see [`PathStyle`].
//! - Query: each `key=value` decoded once (`%XY` a byte, `+` a space, as form decoders read it)
//!   and re-encoded strictly, sorted by encoded key, then encoded value; a key without `=` gets
//!   an empty value (`a` and `a=` mean the same to the Query API parser too); empty pairs (`&&`)
//!   are dropped.
//! - Headers: for each signed name (already lowercase and sorted), the values of every header of
//!   that name in order, each trimmed with inner runs of whitespace (including folded line
//!   breaks) collapsed to one space, joined with commas.
//!
//! Verification never builds the canonical request as a string: it streams it into SHA-256
//! through a small stack buffer.

use super::encoding::{canonical_component, hex_pair, is_unreserved, is_well_escaped};
use super::error::SigV4Error;
use super::request::PathStyle;
use sha2::{Digest, Sha256};

/// Somewhere to write the canonical request.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
    fn put_byte(&mut self, b: u8);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn put_byte(&mut self, b: u8) {
        self.push(b);
    }
}

/// SHA-256 with a small buffer, so that byte-at-a-time writes stay cheap.
pub(crate) struct HashSink {
    hasher: Sha256,
    buf: [u8; 128],
    len: usize,
}

impl HashSink {
    pub(crate) fn new() -> Self {
        HashSink {
            hasher: Sha256::new(),
            buf: [0; 128],
            len: 0,
        }
    }

    fn flush(&mut self) {
        if let Some(pending) = self.buf.get(..self.len) {
            self.hasher.update(pending);
        }
        self.len = 0;
    }

    pub(crate) fn finish(mut self) -> [u8; 32] {
        self.flush();
        self.hasher.finalize().into()
    }
}

impl Sink for HashSink {
    fn put(&mut self, bytes: &[u8]) {
        let free = self.buf.len() - self.len;
        if bytes.len() <= free {
            if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
                dst.copy_from_slice(bytes);
                self.len += bytes.len();
                return;
            }
        }
        self.flush();
        self.hasher.update(bytes);
    }
    fn put_byte(&mut self, b: u8) {
        if self.len == self.buf.len() {
            self.flush();
        }
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }
}

fn put_escaped<S: Sink>(s: &mut S, b: u8) {
    let [hi, lo] = hex_pair(b);
    s.put(&[b'%', hi, lo]);
}

/// Whether `b` may appear unencoded in the path of a request line (RFC 3986 `pchar`, `/`, `%`).
fn is_path_char(b: u8) -> bool {
    is_unreserved(b)
        || matches!(
            b,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'%'
        )
}

fn put_path_bytes<S: Sink>(s: &mut S, bytes: &[u8], style: PathStyle) {
    for b in bytes {
        let keep = match style {
            PathStyle::Normalized => is_unreserved(*b) || *b == b'/',
            PathStyle::S3 => is_path_char(*b),
        };
        if keep {
            s.put_byte(*b);
        } else {
            put_escaped(s, *b);
        }
    }
}

fn needs_normalizing(path: &[u8]) -> bool {
    path.windows(2).any(|w| w == b"//")
        || path
            .split(|b| *b == b'/')
            .any(|seg| seg == b"." || seg == b"..")
}

/// Whether `path` is already the path that [`write_path`] signs for `style`, so that the
/// application, which acts on the raw path, acts on the signed one: it starts with `/` and, for
/// [`PathStyle::Normalized`], has no `.`, `..` or empty segments (`/a/../b`, `/./b` and `//b`
/// all sign as `/b`). S3 paths are signed as sent.
pub(crate) fn path_is_normal(path: &str, style: PathStyle) -> bool {
    path.starts_with('/') && (style == PathStyle::S3 || !needs_normalizing(path.as_bytes()))
}

/// Writes the canonical path.
pub(crate) fn write_path<S: Sink>(s: &mut S, path: &str, style: PathStyle) {
    let raw = path.as_bytes();
    if raw.is_empty() {
        s.put_byte(b'/');
        return;
    }
    if style == PathStyle::S3 || !needs_normalizing(raw) {
        if !raw.starts_with(b"/") {
            s.put_byte(b'/');
        }
        put_path_bytes(s, raw, style);
        return;
    }
    // RFC 3986 remove_dot_segments, with empty segments dropped as the AWS SDKs do.
    let mut stack: Vec<&[u8]> = Vec::new();
    let mut trailing = false;
    for seg in raw.split(|b| *b == b'/') {
        trailing = matches!(seg, b"" | b"." | b"..");
        match seg {
            b"" | b"." => {}
            b".." => {
                stack.pop();
            }
            other => stack.push(other),
        }
    }
    s.put_byte(b'/');
    for (i, seg) in stack.iter().enumerate() {
        if i > 0 {
            s.put_byte(b'/');
        }
        put_path_bytes(s, seg, style);
    }
    if trailing && !stack.is_empty() {
        s.put_byte(b'/');
    }
}

/// One `key=value` pair of a query, as sent (still percent-encoded).
#[derive(Clone, Copy, Debug)]
pub(crate) struct QueryParam<'a> {
    pub(crate) key: &'a [u8],
    pub(crate) value: &'a [u8],
}

impl QueryParam<'_> {
    /// Whether the decoded key is exactly `name`.
    pub(crate) fn key_is(&self, name: &str) -> bool {
        super::encoding::Decoded::new(self.key).eq(name.bytes())
    }
}

/// Splits a raw query into pairs, refusing malformed escapes and more than `max` pairs.
pub(crate) fn parse_query(raw: &str, max: usize) -> Result<Vec<QueryParam<'_>>, SigV4Error> {
    let mut out = Vec::new();
    if raw.is_empty() {
        return Ok(out);
    }
    if !is_well_escaped(raw.as_bytes()) {
        return Err(SigV4Error::BadEncoding("query"));
    }
    for pair in raw.as_bytes().split(|b| *b == b'&') {
        if pair.is_empty() {
            continue;
        }
        if out.len() >= max {
            return Err(SigV4Error::TooLarge(super::error::Limit::QueryParams));
        }
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (
                pair.get(..i).unwrap_or(&[]),
                pair.get(i + 1..).unwrap_or(&[]),
            ),
            None => (pair, &[][..]),
        };
        out.push(QueryParam { key, value });
    }
    Ok(out)
}

/// Sorts pairs into canonical order: by encoded key, then encoded value.
pub(crate) fn sort_query(params: &mut [QueryParam<'_>]) {
    params.sort_unstable_by(|a, b| {
        canonical_component(a.key)
            .cmp(canonical_component(b.key))
            .then_with(|| canonical_component(a.value).cmp(canonical_component(b.value)))
    });
}

/// Writes the canonical query of pairs already in canonical order ([`sort_query`]), leaving out
/// `X-Amz-Signature` when `skip_signature`.
pub(crate) fn write_query<S: Sink>(s: &mut S, params: &[QueryParam<'_>], skip_signature: bool) {
    let mut first = true;
    for p in params.iter() {
        if skip_signature && p.key_is("X-Amz-Signature") {
            continue;
        }
        if !first {
            s.put_byte(b'&');
        }
        first = false;
        for b in canonical_component(p.key) {
            s.put_byte(b);
        }
        s.put_byte(b'=');
        for b in canonical_component(p.value) {
            s.put_byte(b);
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Writes a header value trimmed, with every inner run of whitespace collapsed to one space.
fn put_header_value<S: Sink>(s: &mut S, value: &str) {
    let bytes = value.as_bytes();
    // Fast path: nothing to trim or collapse (the usual case, and always the case for tokens).
    let plain = !bytes.first().is_some_and(|b| is_space(*b))
        && !bytes.last().is_some_and(|b| is_space(*b))
        && !bytes
            .windows(2)
            .any(|w| matches!(w, [a, b] if is_space(*a) && (*a != b' ' || is_space(*b))));
    if plain {
        s.put(bytes);
        return;
    }
    let mut pending_space = false;
    let mut started = false;
    for b in value.bytes() {
        if is_space(b) {
            pending_space = started;
            continue;
        }
        if pending_space {
            s.put_byte(b' ');
            pending_space = false;
        }
        started = true;
        s.put_byte(b);
    }
}

/// Writes the canonical headers block and the signed-headers line.
///
/// `signed` is the already validated, lowercase, sorted `SignedHeaders` text. Returns `false` if
/// a signed header is absent from the request (the signature can then not match).
pub(crate) fn write_headers<S: Sink>(s: &mut S, headers: &[(&str, &str)], signed: &str) -> bool {
    for name in signed.split(';') {
        s.put(name.as_bytes());
        s.put_byte(b':');
        let mut found = false;
        for (n, v) in headers {
            if n.eq_ignore_ascii_case(name) {
                if found {
                    s.put_byte(b',');
                }
                found = true;
                put_header_value(s, v);
            }
        }
        if !found {
            return false;
        }
        s.put_byte(b'\n');
    }
    s.put_byte(b'\n');
    s.put(signed.as_bytes());
    s.put_byte(b'\n');
    true
}

/// The parts of a canonical request.
pub(crate) struct CanonicalParts<'r, 'q> {
    pub(crate) method: &'r str,
    pub(crate) path: &'r str,
    pub(crate) style: PathStyle,
    pub(crate) query: &'q [QueryParam<'r>],
    pub(crate) skip_signature: bool,
    pub(crate) headers: &'r [(&'r str, &'r str)],
    pub(crate) signed_headers: &'r str,
    pub(crate) payload: &'r [u8],
}

/// Writes the whole canonical request. Returns `false` if a signed header is missing.
pub(crate) fn write_canonical_request<S: Sink>(s: &mut S, p: CanonicalParts<'_, '_>) -> bool {
    s.put(p.method.as_bytes());
    s.put_byte(b'\n');
    write_path(s, p.path, p.style);
    s.put_byte(b'\n');
    write_query(s, p.query, p.skip_signature);
    s.put_byte(b'\n');
    if !write_headers(s, p.headers, p.signed_headers) {
        return false;
    }
    s.put(p.payload);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str, style: PathStyle) -> String {
        let mut v = Vec::new();
        write_path(&mut v, p, style);
        String::from_utf8(v).unwrap()
    }

    fn query(q: &str) -> String {
        let mut params = parse_query(q, 100).unwrap();
        sort_query(&mut params);
        let mut v = Vec::new();
        write_query(&mut v, &params, false);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn paths_normalize_or_stay_as_sent() {
        let n = PathStyle::Normalized;
        assert_eq!(path("", n), "/");
        assert_eq!(path("/a/b/../c/./d", n), "/a/c/d");
        assert_eq!(path("/a/b/..", n), "/a/");
        assert_eq!(path("/../..", n), "/");
        assert_eq!(path("//a//b//", n), "/a/b/");
        assert_eq!(path("/a%20b", n), "/a%2520b");
        assert_eq!(path("/a b/\u{1234}", n), "/a%20b/%E1%88%B4");
        assert_eq!(path("/a%20b/c+d", PathStyle::S3), "/a%20b/c+d");
        assert_eq!(path("//a/../b c", PathStyle::S3), "//a/../b%20c");
    }

    #[test]
    fn only_paths_already_in_signed_form_are_normal() {
        let n = PathStyle::Normalized;
        for ok in ["/", "/a", "/a/", "/a/b.c", "/a%2E%2E/b", "/...", "/a..b"] {
            assert!(path_is_normal(ok, n), "{ok}");
        }
        for bad in [
            "", "a", "*", "//", "/a//b", "/a/./b", "/a/../b", "/..", "/.", "/a/.",
        ] {
            assert!(!path_is_normal(bad, n), "{bad}");
        }
        assert!(path_is_normal("//a/../b", PathStyle::S3));
        assert!(!path_is_normal("a", PathStyle::S3));
    }

    #[test]
    fn queries_are_decoded_reencoded_and_sorted() {
        assert_eq!(query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(query("Param-3=3&Param=2"), "Param=2&Param-3=3");
        assert_eq!(query("k&&x=a+b%2f"), "k=&x=a%20b%2F");
        assert_eq!(query("x=a%2Bb"), "x=a%2Bb");
        assert_eq!(query("x=a%20b"), query("x=a+b"));
        assert_eq!(query("%7e=%41"), "~=A");
        assert!(parse_query("a=%zz", 10).is_err());
        assert!(parse_query("a&b&c", 2).is_err());
    }

    #[test]
    fn header_values_are_trimmed_collapsed_and_joined() {
        let headers = [
            ("My-Header", "  a   b\n   c "),
            ("my-header", "d"),
            ("Host", "h"),
        ];
        let mut v = Vec::new();
        assert!(write_headers(&mut v, &headers, "host;my-header"));
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "host:h\nmy-header:a b c,d\n\nhost;my-header\n"
        );
        assert!(!write_headers(&mut Vec::new(), &headers, "host;x-amz-date"));
    }

    #[test]
    fn a_single_space_at_either_end_is_trimmed_and_inner_single_spaces_kept() {
        for (raw, canonical) in [
            (" v", "v"),
            ("v ", "v"),
            ("\tv", "v"),
            ("a b", "a b"),
            ("a\tb", "a b"),
            ("plain", "plain"),
            ("", ""),
        ] {
            let mut v = Vec::new();
            put_header_value(&mut v, raw);
            assert_eq!(String::from_utf8(v).unwrap(), canonical, "{raw:?}");
        }
    }
}
