//! The property the `aws_chunked` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_aws_chunked.rs`.
//!
//! The input's first byte picks the streaming mode (`% 3`) and the declared trailer
//! (`/ 3 % 6`: none, or one of the five checksums); its second byte the size of the pieces the
//! body is fed in; the rest is the `aws-chunked` body, verified with the harness's fixed signer.
//! Then:
//! - decoding never panics, and gives the same result fed whole or in pieces;
//! - the decoded bytes are never more than the body;
//! - an accepted body is exactly the canonical encoding of what it decoded to (its chunks, their
//!   signatures, its trailer): one accepted text per body, so nothing unsigned slips through.

use tempcred::sigv4::{
    ChecksumAlgorithm, ChunkSigner, ChunkedDecoder, ChunkedError, Signature, StreamingMode,
};
use tempcred::{SecretAccessKey, UnixTime};

/// The secret the harness signs and verifies chunks with.
pub(crate) const FUZZ_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The request time.
pub(crate) const FUZZ_NOW: u64 = 1_700_000_000;
/// The seed signature of the (imagined) request headers.
pub(crate) const FUZZ_SEED: &str =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

const MODES: [StreamingMode; 3] = [
    StreamingMode::Signed,
    StreamingMode::SignedWithTrailer,
    StreamingMode::UnsignedWithTrailer,
];

pub(crate) fn signer() -> ChunkSigner {
    ChunkSigner::new(
        &SecretAccessKey::new(FUZZ_SECRET).expect("valid secret"),
        UnixTime::from_secs(FUZZ_NOW),
        "us-east-1",
        "s3",
        &Signature::parse(FUZZ_SEED).expect("valid seed"),
    )
}

/// The mode and trailer the first byte selects.
pub(crate) fn select(byte: u8) -> (StreamingMode, Option<ChecksumAlgorithm>) {
    let mode = MODES[usize::from(byte) % 3];
    let trailer = match usize::from(byte) / 3 % 6 {
        0 => None,
        n => Some(ChecksumAlgorithm::ALL[n - 1]),
    };
    (mode, trailer)
}

/// The canonical `aws-chunked` encoding of `chunks` (then the final chunk and the trailer).
pub(crate) fn encode(
    mode: StreamingMode,
    chunks: &[Vec<u8>],
    trailer: Option<ChecksumAlgorithm>,
) -> Vec<u8> {
    let mut signer = signer();
    let mut body = Vec::new();
    let all: Vec<u8> = chunks.concat();
    for piece in chunks.iter().map(Vec::as_slice).chain([&b""[..]]) {
        body.extend_from_slice(format!("{:x}", piece.len()).as_bytes());
        if mode.signs_chunks() {
            let sig = signer.sign_chunk(piece);
            body.extend_from_slice(format!(";chunk-signature={sig}").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        if !piece.is_empty() || !mode.has_trailer() {
            body.extend_from_slice(piece);
            body.extend_from_slice(b"\r\n");
        }
    }
    if mode.has_trailer() {
        let mut lines = String::new();
        if let Some(a) = trailer {
            lines = format!("{}:{}\n", a.header_name(), a.checksum_base64(&all));
            body.extend_from_slice(lines.replace('\n', "\r\n").as_bytes());
        }
        if mode.signs_chunks() {
            let sig = signer.sign_trailer(lines.as_bytes());
            body.extend_from_slice(format!("x-amz-trailer-signature:{sig}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
    }
    body
}

/// Decodes `body` fed in pieces of `piece` bytes: the chunks, or the first error.
pub(crate) fn decode(
    mode: StreamingMode,
    trailer: Option<ChecksumAlgorithm>,
    body: &[u8],
    piece: usize,
) -> Result<Vec<Vec<u8>>, ChunkedError> {
    let mut decoder =
        ChunkedDecoder::new(mode, mode.signs_chunks().then(signer)).max_chunk_bytes(64 * 1024);
    if let Some(a) = trailer {
        decoder = decoder.trailer(a);
    }
    let mut chunks = Vec::new();
    for mut input in body.chunks(piece.max(1)) {
        while !input.is_empty() {
            let step = decoder.decode(input)?;
            if let Some(chunk) = step.chunk {
                chunks.push(chunk);
            }
            input = &input[step.consumed..];
        }
    }
    decoder.finish()?;
    Ok(chunks)
}

/// Whether the input decodes (for naming corpus files).
pub(crate) fn accepted(data: &[u8]) -> bool {
    match data {
        [sel, _, body @ ..] => {
            let (mode, trailer) = select(*sel);
            decode(mode, trailer, body, usize::MAX).is_ok()
        }
        _ => false,
    }
}

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let [sel, piece, body @ ..] = data else {
        return;
    };
    let (mode, trailer) = select(*sel);
    let whole = decode(mode, trailer, body, usize::MAX);
    let pieces = decode(mode, trailer, body, usize::from(*piece));
    assert_eq!(
        whole, pieces,
        "the result depends on how the body was split"
    );
    if let Ok(chunks) = whole {
        let decoded: usize = chunks.iter().map(Vec::len).sum();
        assert!(decoded <= body.len());
        assert_eq!(
            encode(mode, &chunks, trailer),
            body,
            "an accepted body is not the canonical encoding of what it decoded to"
        );
    }
}
