//! `aws-chunked` bodies: decoding, chunk-signature verification and trailing checksums.
//!
//! An `aws-chunked` body is a sequence of chunks, each `hex-size[;chunk-signature=SIG]\r\n`,
//! `size` bytes of data and `\r\n`, ended by a chunk of size 0 and, in the trailer modes, by
//! trailer lines (`x-amz-checksum-crc32:BASE64\r\n`, in the signed mode then
//! `x-amz-trailer-signature:SIG\r\n`) and an empty line. Signed chunks chain their signatures
//! from the seed signature of the request's headers:
//!
//! ```text
//! chunk:   AWS4-HMAC-SHA256-PAYLOAD \n DATE \n SCOPE \n PREV_SIG \n SHA256("") \n SHA256(data)
//! trailer: AWS4-HMAC-SHA256-TRAILER \n DATE \n SCOPE \n PREV_SIG \n SHA256("name:value\n"…)
//! ```
//!
//! Invariants [`ChunkedDecoder`] keeps:
//!
//! - It is a pure state machine: no I/O, fed byte slices of any size and split anywhere; the
//!   result does not depend on where the input was split.
//! - Decoded bytes are handed out only once the chunk they belong to is complete and, when
//!   chunks are signed, its signature verified (compared in constant time). A chunk is never
//!   handed out in part.
//! - Memory is bounded by [`ChunkedDecoder::max_chunk_bytes`] plus a fixed line buffer: a
//!   chunk header or trailer line longer than [`MAX_CHUNK_LINE_BYTES`] is refused, a chunk larger
//!   than the bound is refused at its header, before its data is read.
//! - Strict framing, one accepted text per body: sizes are lowercase hex without leading zeros
//!   or signs (as every AWS SDK writes them), every
//!   line ends in `\r\n`, nothing may follow the final empty line, the declared decoded length
//!   must be met exactly, a declared trailer must be present exactly once with a valid
//!   checksum, and an undeclared one is refused.
//! - After the first error the decoder stays failed: it never yields the unverified rest.
//! - `Debug` shows neither the signing key nor signatures.

use super::date::AmzDate;
use super::payload::StreamingMode;
use super::request::{hex32, EMPTY_PAYLOAD_SHA256};
use super::signature::{HmacSha256, Signature, SigningKey};
use crate::credentials::SecretAccessKey;
use crate::limits::{DEFAULT_MAX_CHUNK_BYTES, MAX_CHUNK_LINE_BYTES};
use crate::time::UnixTime;
use hmac::Mac;
use sha2::{Digest, Sha256};
use std::fmt;

/// Why an `aws-chunked` body was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChunkedError {
    /// The framing is broken (a bad chunk header, a missing `\r\n`, data after the end).
    #[error("The aws-chunked body is malformed: {0}")]
    Malformed(&'static str),
    /// The body ended before its final chunk and trailer.
    #[error("The aws-chunked body ended early")]
    Truncated,
    /// A chunk is larger than this service accepts.
    #[error("An aws-chunked chunk is larger than this service accepts")]
    ChunkTooLarge,
    /// A chunk or trailer signature does not match.
    #[error("The chunk signature we calculated does not match the signature you provided")]
    SignatureDoesNotMatch,
    /// The decoded bytes are not `x-amz-decoded-content-length` long.
    #[error("The decoded body length does not match x-amz-decoded-content-length")]
    DecodedLength,
    /// A trailer is missing, repeated, undeclared or malformed.
    #[error("The aws-chunked trailer is malformed or not the declared one")]
    Trailer,
    /// The trailing checksum does not match the decoded bytes.
    #[error("The {0} you specified did not match the calculated checksum")]
    BadDigest(ChecksumAlgorithm),
}

impl ChunkedError {
    /// The AWS (S3) error code.
    #[must_use]
    pub fn aws_code(&self) -> &'static str {
        match self {
            ChunkedError::Malformed(_) | ChunkedError::Truncated => "IncompleteBody",
            ChunkedError::ChunkTooLarge => "EntityTooLarge",
            ChunkedError::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            ChunkedError::DecodedLength => "IncompleteBody",
            ChunkedError::Trailer => "MalformedTrailerError",
            ChunkedError::BadDigest(_) => "BadDigest",
        }
    }

    /// The HTTP status.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self {
            ChunkedError::SignatureDoesNotMatch => 403,
            _ => 400,
        }
    }
}

/// The trailing checksums S3 defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChecksumAlgorithm {
    /// `x-amz-checksum-crc32` (CRC-32/ISO-HDLC).
    Crc32,
    /// `x-amz-checksum-crc32c` (CRC-32/ISCSI).
    Crc32c,
    /// `x-amz-checksum-crc64nvme` (CRC-64/NVME).
    Crc64Nvme,
    /// `x-amz-checksum-sha1`.
    Sha1,
    /// `x-amz-checksum-sha256`.
    Sha256,
}

impl fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChecksumAlgorithm::Crc32 => "CRC32",
            ChecksumAlgorithm::Crc32c => "CRC32C",
            ChecksumAlgorithm::Crc64Nvme => "CRC64NVME",
            ChecksumAlgorithm::Sha1 => "SHA1",
            ChecksumAlgorithm::Sha256 => "SHA256",
        })
    }
}

impl ChecksumAlgorithm {
    /// Every algorithm.
    pub const ALL: [ChecksumAlgorithm; 5] = [
        ChecksumAlgorithm::Crc32,
        ChecksumAlgorithm::Crc32c,
        ChecksumAlgorithm::Crc64Nvme,
        ChecksumAlgorithm::Sha1,
        ChecksumAlgorithm::Sha256,
    ];

    /// The trailer (and header) name, e.g. `x-amz-checksum-crc32`.
    #[must_use]
    pub fn header_name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "x-amz-checksum-crc32",
            ChecksumAlgorithm::Crc32c => "x-amz-checksum-crc32c",
            ChecksumAlgorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            ChecksumAlgorithm::Sha1 => "x-amz-checksum-sha1",
            ChecksumAlgorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The algorithm named by an `X-Amz-Trailer` value (case-insensitive).
    #[must_use]
    pub fn from_header_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.header_name().eq_ignore_ascii_case(name))
    }

    /// The checksum of `bytes`, base64-encoded as the trailer carries it.
    #[must_use]
    pub fn checksum_base64(self, bytes: &[u8]) -> String {
        let mut running = Running::new(self);
        running.update(bytes);
        data_encoding::BASE64.encode(running.finish().as_slice())
    }
}

static CRC32: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);
static CRC32C: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISCSI);
static CRC64NVME: crc::Crc<u64, crc::Table<16>> =
    crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_NVME);

/// A checksum being computed.
enum Running {
    Crc32(crc::Digest<'static, u32, crc::Table<16>>),
    Crc32c(crc::Digest<'static, u32, crc::Table<16>>),
    Crc64Nvme(crc::Digest<'static, u64, crc::Table<16>>),
    Sha1(sha1::Sha1),
    Sha256(Sha256),
}

/// A checksum's bytes (at most 32).
struct ChecksumBytes {
    bytes: [u8; 32],
    len: usize,
}

impl ChecksumBytes {
    fn of(bytes: &[u8]) -> Self {
        let mut out = ChecksumBytes {
            bytes: [0; 32],
            len: bytes.len().min(32),
        };
        if let (Some(dst), Some(src)) = (out.bytes.get_mut(..out.len), bytes.get(..out.len)) {
            dst.copy_from_slice(src);
        }
        out
    }
    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl Running {
    fn new(algorithm: ChecksumAlgorithm) -> Self {
        match algorithm {
            ChecksumAlgorithm::Crc32 => Running::Crc32(CRC32.digest()),
            ChecksumAlgorithm::Crc32c => Running::Crc32c(CRC32C.digest()),
            ChecksumAlgorithm::Crc64Nvme => Running::Crc64Nvme(CRC64NVME.digest()),
            ChecksumAlgorithm::Sha1 => Running::Sha1(sha1::Sha1::new()),
            ChecksumAlgorithm::Sha256 => Running::Sha256(Sha256::new()),
        }
    }
    fn update(&mut self, bytes: &[u8]) {
        match self {
            Running::Crc32(d) | Running::Crc32c(d) => d.update(bytes),
            Running::Crc64Nvme(d) => d.update(bytes),
            Running::Sha1(d) => Digest::update(d, bytes),
            Running::Sha256(d) => Digest::update(d, bytes),
        }
    }
    fn finish(self) -> ChecksumBytes {
        match self {
            Running::Crc32(d) | Running::Crc32c(d) => {
                ChecksumBytes::of(&d.finalize().to_be_bytes())
            }
            Running::Crc64Nvme(d) => ChecksumBytes::of(&d.finalize().to_be_bytes()),
            Running::Sha1(d) => ChecksumBytes::of(&d.finalize()),
            Running::Sha256(d) => ChecksumBytes::of(&d.finalize()),
        }
    }
}

/// The chain of chunk signatures of one request: the signing key, the request's date and
/// scope, and the previous signature (first the seed signature of the headers).
///
/// A verifier gets one from [`super::SigV4Verifier::verify_streaming`]; a client makes one with
/// [`ChunkSigner::new`] to sign chunks. `Debug` shows the date and scope only.
#[derive(Clone)]
pub struct ChunkSigner {
    key: SigningKey,
    date: AmzDate,
    scope: String,
    previous: Signature,
}

impl fmt::Debug for ChunkSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSigner")
            .field("date", &self.date)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl ChunkSigner {
    /// A signer for chunks following the request signed with `seed` by `secret` at `time` for
    /// `region` and `service` (the same values the request's headers were signed with).
    #[must_use]
    pub fn new(
        secret: &SecretAccessKey,
        time: UnixTime,
        region: &str,
        service: &str,
        seed: &Signature,
    ) -> Self {
        let date = AmzDate::from_unix(time);
        let scope = super::signer::credential_scope(time, region, service);
        let key = SigningKey::derive(
            secret,
            super::signature::ScopeParts {
                date: date.date_str(),
                region,
                service,
            },
        );
        ChunkSigner {
            key,
            date,
            scope,
            previous: seed.clone(),
        }
    }

    pub(crate) fn from_parts(
        key: SigningKey,
        date: AmzDate,
        scope: String,
        seed: Signature,
    ) -> Self {
        ChunkSigner {
            key,
            date,
            scope,
            previous: seed,
        }
    }

    fn mac(&self, algorithm: &str, last_line: &[u8; 32], empty_line: bool) -> HmacSha256 {
        let mut mac = self.key.mac();
        mac.update(algorithm.as_bytes());
        mac.update(b"\n");
        mac.update(self.date.as_str().as_bytes());
        mac.update(b"\n");
        mac.update(self.scope.as_bytes());
        mac.update(b"\n");
        mac.update(&hex32(self.previous.bytes()));
        mac.update(b"\n");
        if empty_line {
            mac.update(EMPTY_PAYLOAD_SHA256.as_bytes());
            mac.update(b"\n");
        }
        mac.update(&hex32(last_line));
        mac
    }

    /// The signature of the next chunk, whose data has SHA-256 `data_sha256`; it becomes the
    /// previous signature.
    pub fn sign_chunk(&mut self, data: &[u8]) -> Signature {
        let digest: [u8; 32] = Sha256::digest(data).into();
        let sig = Signature::from_bytes(
            self.mac("AWS4-HMAC-SHA256-PAYLOAD", &digest, true)
                .finalize()
                .into_bytes()
                .into(),
        );
        self.previous = sig.clone();
        sig
    }

    /// The signature of the trailer whose lines are `trailer` (each `name:value\n`).
    pub fn sign_trailer(&mut self, trailer: &[u8]) -> Signature {
        let digest: [u8; 32] = Sha256::digest(trailer).into();
        let sig = Signature::from_bytes(
            self.mac("AWS4-HMAC-SHA256-TRAILER", &digest, false)
                .finalize()
                .into_bytes()
                .into(),
        );
        self.previous = sig.clone();
        sig
    }

    fn verify(
        &mut self,
        algorithm: &str,
        digest: &[u8; 32],
        empty_line: bool,
        claimed: &Signature,
    ) -> bool {
        let ok = self
            .mac(algorithm, digest, empty_line)
            .verify_slice(claimed.bytes())
            .is_ok();
        if ok {
            self.previous = claimed.clone();
        }
        ok
    }
}

/// Where the decoder is in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading a chunk header line.
    Header,
    /// Reading `remaining` bytes of chunk data.
    Data {
        remaining: usize,
        last: bool,
    },
    /// Expecting the `\r` (then `\n`) after chunk data.
    DataCr {
        last: bool,
    },
    DataLf {
        last: bool,
    },
    /// Reading trailer lines.
    Trailer,
    /// The body is complete.
    Done,
    /// An error happened; the decoder yields nothing more.
    Failed(ChunkedError),
}

/// What one call of [`ChunkedDecoder::decode`] did.
#[derive(Debug)]
#[non_exhaustive]
pub struct Decoded {
    /// How many input bytes were used; the rest must be passed again.
    pub consumed: usize,
    /// A complete, verified chunk's data, if one was completed.
    pub chunk: Option<Vec<u8>>,
}

/// Decodes and verifies an `aws-chunked` body: framing, chunk and trailer signatures chained
/// from the seed signature, trailing checksums and the decoded length.
///
/// ```
/// use tempcred::sigv4::{ChecksumAlgorithm, ChunkedDecoder, StreamingMode};
/// let crc = ChecksumAlgorithm::Crc32.checksum_base64(b"hello world");
/// let body = format!("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n");
/// let mut decoder = ChunkedDecoder::new(StreamingMode::UnsignedWithTrailer, None)
///     .decoded_length(11)
///     .trailer(ChecksumAlgorithm::Crc32);
/// let mut out = Vec::new();
/// let mut input = body.as_bytes();
/// while !input.is_empty() {
///     let step = decoder.decode(input).unwrap();
///     out.extend(step.chunk.unwrap_or_default());
///     input = &input[step.consumed..];
/// }
/// decoder.finish().unwrap();
/// assert_eq!(out, b"hello world");
/// ```
pub struct ChunkedDecoder {
    mode: StreamingMode,
    signer: Option<ChunkSigner>,
    max_chunk_bytes: usize,
    decoded_length: Option<u64>,
    trailer: Option<ChecksumAlgorithm>,
    state: State,
    line: [u8; MAX_CHUNK_LINE_BYTES],
    line_len: usize,
    /// The line ended in `\r`; `\n` must follow.
    line_cr: bool,
    chunk: Vec<u8>,
    chunk_hash: Sha256,
    claimed: Option<Signature>,
    decoded: u64,
    checksum: Option<Running>,
    trailer_value_ok: Option<bool>,
    trailer_lines: Sha256,
    trailer_signed: bool,
}

impl fmt::Debug for ChunkedDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedDecoder")
            .field("mode", &self.mode)
            .field("state", &self.state)
            .field("decoded", &self.decoded)
            .field("decoded_length", &self.decoded_length)
            .field("trailer", &self.trailer)
            .finish_non_exhaustive()
    }
}

fn parse_hex_size(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 16 || (text.len() > 1 && text.first() == Some(&b'0')) {
        return None;
    }
    let mut n: u64 = 0;
    for &b in text {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        n = n.checked_mul(16)?.checked_add(u64::from(d))?;
    }
    Some(n)
}

impl ChunkedDecoder {
    /// A decoder for `mode`. Signed modes need the request's [`ChunkSigner`] (without one every
    /// signed chunk is refused); chunks are at most [`DEFAULT_MAX_CHUNK_BYTES`]; no decoded
    /// length and no trailer are expected until set.
    #[must_use]
    pub fn new(mode: StreamingMode, signer: Option<ChunkSigner>) -> Self {
        ChunkedDecoder {
            mode,
            signer,
            max_chunk_bytes: DEFAULT_MAX_CHUNK_BYTES,
            decoded_length: None,
            trailer: None,
            state: State::Header,
            line: [0; MAX_CHUNK_LINE_BYTES],
            line_len: 0,
            line_cr: false,
            chunk: Vec::new(),
            chunk_hash: Sha256::new(),
            claimed: None,
            decoded: 0,
            checksum: None,
            trailer_value_ok: None,
            trailer_lines: Sha256::new(),
            trailer_signed: false,
        }
    }

    /// Refuses chunks larger than `limit` bytes.
    #[must_use]
    pub fn max_chunk_bytes(mut self, limit: usize) -> Self {
        self.max_chunk_bytes = limit;
        self
    }

    /// The body must decode to exactly `length` bytes (`x-amz-decoded-content-length`).
    #[must_use]
    pub fn decoded_length(mut self, length: u64) -> Self {
        self.decoded_length = Some(length);
        self
    }

    /// The body must end with the trailer `algorithm` names (`X-Amz-Trailer`), matching the
    /// decoded bytes. Ignored in [`StreamingMode::Signed`], which has no trailer.
    #[must_use]
    pub fn trailer(mut self, algorithm: ChecksumAlgorithm) -> Self {
        self.trailer = Some(algorithm);
        self.checksum = Some(Running::new(algorithm));
        self
    }

    /// Whether the whole body, trailer included, has been read and verified.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes from `input`, stopping after the first chunk completed (and verified) in it, or
    /// at its end. Call again with the unused rest.
    ///
    /// # Errors
    ///
    /// [`ChunkedError`] at the first malformed chunk, bad chunk or trailer signature, chunk over
    /// the limit, or byte past the declared length.
    pub fn decode(&mut self, input: &[u8]) -> Result<Decoded, ChunkedError> {
        match self.decode_inner(input) {
            Ok(d) => Ok(d),
            Err(e) => {
                self.state = State::Failed(e);
                self.chunk = Vec::new();
                Err(e)
            }
        }
    }

    /// Checks that the body is complete: call at its end.
    ///
    /// # Errors
    ///
    /// [`ChunkedError`] when the body ended early, the decoded length differs from the declared
    /// one, or the trailer or its checksum is missing or wrong.
    pub fn finish(&self) -> Result<(), ChunkedError> {
        match self.state {
            State::Done => Ok(()),
            State::Failed(e) => Err(e),
            _ => Err(ChunkedError::Truncated),
        }
    }

    fn decode_inner(&mut self, input: &[u8]) -> Result<Decoded, ChunkedError> {
        let mut at = 0usize;
        while at < input.len() {
            let rest = input.get(at..).unwrap_or(&[]);
            match self.state {
                State::Failed(e) => return Err(e),
                State::Done => return Err(ChunkedError::Malformed("data after the end")),
                State::Header | State::Trailer => {
                    let Some(byte) = rest.first().copied() else {
                        break;
                    };
                    at += 1;
                    if let Some(line_len) = self.push_line_byte(byte)? {
                        if self.state == State::Header {
                            self.end_header(line_len)?;
                        } else {
                            self.end_trailer_line(line_len)?;
                        }
                    }
                }
                State::Data { remaining, last } => {
                    let n = remaining.min(rest.len());
                    let data = rest.get(..n).unwrap_or(&[]);
                    self.chunk.extend_from_slice(data);
                    // Only a signed chunk's hash is used: unsigned modes are checked by their
                    // trailer alone, and hashing their data too halved their throughput.
                    if self.claimed.is_some() {
                        self.chunk_hash.update(data);
                    }
                    if let Some(c) = self.checksum.as_mut() {
                        c.update(data);
                    }
                    at += n;
                    let remaining = remaining - n;
                    self.state = if remaining == 0 {
                        State::DataCr { last }
                    } else {
                        State::Data { remaining, last }
                    };
                }
                State::DataCr { last } => {
                    if rest.first() != Some(&b'\r') {
                        return Err(ChunkedError::Malformed("chunk data not followed by CRLF"));
                    }
                    at += 1;
                    self.state = State::DataLf { last };
                }
                State::DataLf { last } => {
                    if rest.first() != Some(&b'\n') {
                        return Err(ChunkedError::Malformed("chunk data not followed by CRLF"));
                    }
                    at += 1;
                    self.end_chunk(last)?;
                    if last {
                        self.end_body()?;
                    } else {
                        self.state = State::Header;
                        let chunk = std::mem::take(&mut self.chunk);
                        return Ok(Decoded {
                            consumed: at,
                            chunk: Some(chunk),
                        });
                    }
                }
            }
        }
        Ok(Decoded {
            consumed: at,
            chunk: None,
        })
    }

    /// Adds a byte to the current line; the line's length when it is complete (`\r\n`).
    fn push_line_byte(&mut self, byte: u8) -> Result<Option<usize>, ChunkedError> {
        if self.line_cr {
            if byte != b'\n' {
                return Err(ChunkedError::Malformed("a line without CRLF"));
            }
            self.line_cr = false;
            let len = self.line_len;
            self.line_len = 0;
            return Ok(Some(len));
        }
        match byte {
            b'\r' => self.line_cr = true,
            b'\n' => return Err(ChunkedError::Malformed("a line without CRLF")),
            _ => {
                let slot = self
                    .line
                    .get_mut(self.line_len)
                    .ok_or(ChunkedError::Malformed("a line longer than 256 bytes"))?;
                *slot = byte;
                self.line_len += 1;
            }
        }
        Ok(None)
    }

    fn end_header(&mut self, len: usize) -> Result<(), ChunkedError> {
        let line = self.line.get(..len).unwrap_or(&[]);
        let (size_text, claimed) = if self.mode.signs_chunks() {
            let at = line
                .iter()
                .position(|&b| b == b';')
                .ok_or(ChunkedError::Malformed(
                    "a chunk header without a signature",
                ))?;
            let (size, ext) = line.split_at(at);
            let sig = ext
                .strip_prefix(b";chunk-signature=".as_slice())
                .and_then(|s| std::str::from_utf8(s).ok())
                .and_then(Signature::parse)
                .ok_or(ChunkedError::Malformed("a bad chunk signature"))?;
            (size, Some(sig))
        } else {
            (line, None)
        };
        let size = parse_hex_size(size_text).ok_or(ChunkedError::Malformed("a bad chunk size"))?;
        if size > self.max_chunk_bytes as u64 {
            return Err(ChunkedError::ChunkTooLarge);
        }
        let total = self.decoded.saturating_add(size);
        if self.decoded_length.is_some_and(|declared| total > declared) {
            return Err(ChunkedError::DecodedLength);
        }
        let size = usize::try_from(size).map_err(|_| ChunkedError::ChunkTooLarge)?;
        self.claimed = claimed;
        self.chunk_hash = Sha256::new();
        let last = size == 0;
        if last && self.mode.has_trailer() {
            // The final chunk has no data line: the trailer follows at once.
            self.end_chunk(true)?;
            self.state = State::Trailer;
        } else if last {
            self.state = State::DataCr { last };
        } else {
            self.state = State::Data {
                remaining: size,
                last,
            };
        }
        Ok(())
    }

    /// Verifies the chunk just read (its signature, if chunks are signed).
    fn end_chunk(&mut self, last: bool) -> Result<(), ChunkedError> {
        let hash = std::mem::replace(&mut self.chunk_hash, Sha256::new());
        self.decoded = self.decoded.saturating_add(self.chunk.len() as u64);
        if let Some(claimed) = self.claimed.take() {
            let digest: [u8; 32] = hash.finalize().into();
            let signer = self
                .signer
                .as_mut()
                .ok_or(ChunkedError::SignatureDoesNotMatch)?;
            if !signer.verify("AWS4-HMAC-SHA256-PAYLOAD", &digest, true, &claimed) {
                return Err(ChunkedError::SignatureDoesNotMatch);
            }
        }
        let _ = last;
        Ok(())
    }

    fn end_trailer_line(&mut self, len: usize) -> Result<(), ChunkedError> {
        let line = self.line.get(..len).unwrap_or(&[]);
        if line.is_empty() {
            return self.end_body();
        }
        if self.trailer_signed {
            return Err(ChunkedError::Trailer);
        }
        let at = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(ChunkedError::Trailer)?;
        let (name, value) = line.split_at(at);
        let value = value.get(1..).unwrap_or(&[]);
        let name = std::str::from_utf8(name).map_err(|_| ChunkedError::Trailer)?;
        let value = std::str::from_utf8(value).map_err(|_| ChunkedError::Trailer)?;
        if self.mode.signs_chunks() && name == "x-amz-trailer-signature" {
            let claimed = Signature::parse(value).ok_or(ChunkedError::Trailer)?;
            let digest: [u8; 32] = std::mem::replace(&mut self.trailer_lines, Sha256::new())
                .finalize()
                .into();
            let signer = self
                .signer
                .as_mut()
                .ok_or(ChunkedError::SignatureDoesNotMatch)?;
            if !signer.verify("AWS4-HMAC-SHA256-TRAILER", &digest, false, &claimed) {
                return Err(ChunkedError::SignatureDoesNotMatch);
            }
            self.trailer_signed = true;
            return Ok(());
        }
        let algorithm = self.trailer.ok_or(ChunkedError::Trailer)?;
        if name != algorithm.header_name() || self.trailer_value_ok.is_some() {
            return Err(ChunkedError::Trailer);
        }
        self.trailer_lines.update(name.as_bytes());
        self.trailer_lines.update(b":");
        self.trailer_lines.update(value.as_bytes());
        self.trailer_lines.update(b"\n");
        let sent = data_encoding::BASE64
            .decode(value.as_bytes())
            .map_err(|_| ChunkedError::Trailer)?;
        let computed = self.checksum.take().ok_or(ChunkedError::Trailer)?.finish();
        self.trailer_value_ok = Some(sent.as_slice() == computed.as_slice());
        Ok(())
    }

    fn end_body(&mut self) -> Result<(), ChunkedError> {
        if self.decoded_length.is_some_and(|d| d != self.decoded) {
            return Err(ChunkedError::DecodedLength);
        }
        if self.mode.has_trailer() {
            match (self.trailer, self.trailer_value_ok) {
                (Some(a), Some(false)) => return Err(ChunkedError::BadDigest(a)),
                (Some(_), None) => return Err(ChunkedError::Trailer),
                _ => {}
            }
            if self.mode.signs_chunks() && !self.trailer_signed {
                return Err(ChunkedError::Trailer);
            }
        }
        self.state = State::Done;
        Ok(())
    }
}
