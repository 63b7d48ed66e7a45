//! `aws-chunked` bodies: AWS's documented chunked-upload example, end to end, the three
//! streaming modes, the trailing checksums, and (proptest) that any altered byte is refused and
//! that chunk boundaries anywhere in the input verify.
#![cfg(feature = "aws-chunked")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    ChecksumAlgorithm, ChunkSigner, ChunkedDecoder, ChunkedError, LongTermKeys, PathStyle,
    PayloadHash, SigV4Config, SigV4Verifier, SignableRequest, Signature, StreamingMode,
};
use tempcred::{AccessKeyId, KeyRing, SecretAccessKey, UnixTime, Verifier};

const AWS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// 2013-05-24T00:00:00Z, the time of AWS's example.
const AWS_TIME: u64 = 1_369_353_600;
const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const CHUNK_1: &str = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
const CHUNK_2: &str = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
const CHUNK_3: &str = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

struct AwsExampleKeys;

impl LongTermKeys for AwsExampleKeys {
    type Owner = ();
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, ())> {
        (id.as_str() == AWS_KEY).then(|| (SecretAccessKey::new(AWS_SECRET).unwrap(), ()))
    }
}

fn aws_signer() -> ChunkSigner {
    ChunkSigner::new(
        &SecretAccessKey::new(AWS_SECRET).unwrap(),
        UnixTime::from_secs(AWS_TIME),
        "us-east-1",
        "s3",
        &Signature::parse(SEED).unwrap(),
    )
}

/// The body of AWS's example: 65536 and 1024 bytes of `a`, then the final chunk.
fn aws_body() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(format!("10000;chunk-signature={CHUNK_1}\r\n").as_bytes());
    body.extend(std::iter::repeat_n(b'a', 65536));
    body.extend_from_slice(format!("\r\n400;chunk-signature={CHUNK_2}\r\n").as_bytes());
    body.extend(std::iter::repeat_n(b'a', 1024));
    body.extend_from_slice(format!("\r\n0;chunk-signature={CHUNK_3}\r\n\r\n").as_bytes());
    body
}

/// Feeds `body` in pieces of the given sizes (cycled); the decoded bytes or the first error.
fn decode_in(
    mut decoder: ChunkedDecoder,
    body: &[u8],
    splits: &[usize],
) -> Result<Vec<u8>, ChunkedError> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while at < body.len() {
        let step = splits
            .get(i % splits.len().max(1))
            .copied()
            .unwrap_or(usize::MAX)
            .max(1);
        i += 1;
        let end = at.saturating_add(step).min(body.len());
        let mut piece = &body[at..end];
        while !piece.is_empty() {
            let d = decoder.decode(piece)?;
            if let Some(chunk) = d.chunk {
                out.extend(chunk);
            }
            piece = &piece[d.consumed..];
        }
        at = end;
    }
    decoder.finish()?;
    Ok(out)
}

#[test]
fn aws_documented_example_seed_and_chunk_signatures() {
    // The chunk signatures chain exactly as in the documentation.
    let mut signer = aws_signer();
    let a = vec![b'a'; 65536];
    assert_eq!(signer.sign_chunk(&a).to_string(), CHUNK_1);
    assert_eq!(signer.sign_chunk(&a[..1024]).to_string(), CHUNK_2);
    assert_eq!(signer.sign_chunk(b"").to_string(), CHUNK_3);

    // The seed signature verifies from the example's headers.
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={AWS_KEY}/20130524/us-east-1/s3/aws4_request,\
         SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
         x-amz-decoded-content-length;x-amz-storage-class,Signature={SEED}"
    );
    let headers = [
        ("Host", "s3.amazonaws.com"),
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("Authorization", auth.as_str()),
        ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        ("Content-Encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
        ("Content-Length", "66824"),
    ];
    let request = SignableRequest {
        method: "PUT",
        path: "/examplebucket/chunkObject.txt",
        query: "",
        headers: &headers,
        payload: PayloadHash::Unsigned,
    };
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(1)).unwrap();
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        AwsExampleKeys,
        SigV4Config::new("s3").with_path_style(PathStyle::S3),
    );
    let now = UnixTime::from_secs(AWS_TIME + 10);
    let (_, signer) = verifier
        .verify_streaming(&request, StreamingMode::Signed, now)
        .unwrap();
    // The wrong mode is not what was signed.
    assert!(verifier
        .verify_streaming(&request, StreamingMode::SignedWithTrailer, now)
        .is_err());

    // And the body decodes, verified, in any split.
    let body = aws_body();
    assert_eq!(body.len(), 66824);
    for splits in [&[usize::MAX][..], &[1], &[7, 1, 100], &[65_000, 3]] {
        let decoder =
            ChunkedDecoder::new(StreamingMode::Signed, Some(signer.clone())).decoded_length(66560);
        let out = decode_in(decoder, &body, splits).unwrap();
        assert_eq!(out.len(), 66560);
        assert!(out.iter().all(|&b| b == b'a'));
    }
    // Without the verified signer's chain (another seed), the first chunk is refused.
    let mut other = aws_signer();
    other.sign_chunk(b"x");
    let decoder = ChunkedDecoder::new(StreamingMode::Signed, Some(other));
    assert_eq!(
        decode_in(decoder, &body, &[usize::MAX]),
        Err(ChunkedError::SignatureDoesNotMatch)
    );
}

/// An encoder for tests: `data` split into `chunk` sized pieces in `mode`, with `trailer`.
fn encode(
    mode: StreamingMode,
    data: &[u8],
    chunk: usize,
    trailer: Option<ChecksumAlgorithm>,
) -> Vec<u8> {
    let mut signer = aws_signer();
    let mut body = Vec::new();
    let mut pieces: Vec<&[u8]> = data.chunks(chunk.max(1)).collect();
    pieces.push(b"");
    for piece in pieces {
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
        let mut lines = Vec::new();
        if let Some(a) = trailer {
            lines.extend_from_slice(
                format!("{}:{}\n", a.header_name(), a.checksum_base64(data)).as_bytes(),
            );
        }
        body.extend_from_slice(
            &lines
                .iter()
                .flat_map(|&b| {
                    if b == b'\n' {
                        vec![b'\r', b'\n']
                    } else {
                        vec![b]
                    }
                })
                .collect::<Vec<u8>>(),
        );
        if mode.signs_chunks() {
            let sig = signer.sign_trailer(&lines);
            body.extend_from_slice(format!("x-amz-trailer-signature:{sig}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
    }
    body
}

fn decoder(mode: StreamingMode, len: u64, trailer: Option<ChecksumAlgorithm>) -> ChunkedDecoder {
    let signer = mode.signs_chunks().then(aws_signer);
    let d = ChunkedDecoder::new(mode, signer).decoded_length(len);
    match trailer {
        Some(a) => d.trailer(a),
        None => d,
    }
}

const MODES: [StreamingMode; 3] = [
    StreamingMode::Signed,
    StreamingMode::SignedWithTrailer,
    StreamingMode::UnsignedWithTrailer,
];

#[test]
fn every_mode_and_checksum_round_trips() {
    let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    for mode in MODES {
        let trailers: Vec<Option<ChecksumAlgorithm>> = if mode.has_trailer() {
            ChecksumAlgorithm::ALL
                .into_iter()
                .map(Some)
                .chain([None])
                .collect()
        } else {
            vec![None]
        };
        for trailer in trailers {
            let body = encode(mode, &data, 1000, trailer);
            let out = decode_in(decoder(mode, 5000, trailer), &body, &[13]).unwrap();
            assert_eq!(out, data, "{mode:?} {trailer:?}");
        }
    }
}

#[test]
fn known_checksums() {
    // The standard check values of each CRC over "123456789", big-endian, base64.
    let b64 = |bytes: &[u8]| data_encoding::BASE64.encode(bytes);
    assert_eq!(
        ChecksumAlgorithm::Crc32.checksum_base64(b"123456789"),
        b64(&0xcbf4_3926u32.to_be_bytes())
    );
    assert_eq!(
        ChecksumAlgorithm::Crc32c.checksum_base64(b"123456789"),
        b64(&0xe306_9283u32.to_be_bytes())
    );
    assert_eq!(
        ChecksumAlgorithm::Crc64Nvme.checksum_base64(b"123456789"),
        b64(&0xae8b_1486_0a79_9888u64.to_be_bytes())
    );
    assert_eq!(
        ChecksumAlgorithm::Sha256.checksum_base64(b""),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    assert_eq!(
        ChecksumAlgorithm::Sha1.checksum_base64(b""),
        "2jmj7l5rSw0yVb/vlWAYkK/YBwk="
    );
}

#[test]
fn framing_errors_are_refused() {
    let m = StreamingMode::UnsignedWithTrailer;
    let crc = ChecksumAlgorithm::Crc32.checksum_base64(b"hello");
    let good = format!("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n");
    let run = |body: &str, trailer: Option<ChecksumAlgorithm>| {
        decode_in(decoder(m, 5, trailer), body.as_bytes(), &[3])
    };
    assert_eq!(
        run(&good, Some(ChecksumAlgorithm::Crc32)).unwrap(),
        b"hello"
    );
    let cases = [
        good.replace("5\r\n", "05\r\n"),         // leading zero
        good.replace("5\r\n", "g\r\n"),          // not hex
        good.replace("5\r\n", "+5\r\n"),         // sign
        good.replace("hello\r\n", "hello\n"),    // missing CR
        good.replace("hello\r\n", "hellox\r\n"), // data longer than size
        format!("{good}x"),                      // trailing garbage
        good.replace(&crc, "AAAAAA=="),          // wrong checksum
        good.replace("crc32:", "crc32c:"),       // undeclared trailer
        good.replace(&format!("x-amz-checksum-crc32:{crc}\r\n"), ""), // missing trailer
        format!("{}{}", "f".repeat(300), "\r\n"), // oversize header
        good[..good.len() - 2].to_string(),      // truncated
        good.replace("5\r\nhello", "4\r\nhell"), // wrong decoded length
    ];
    for case in cases {
        assert!(
            run(&case, Some(ChecksumAlgorithm::Crc32)).is_err(),
            "{case:?}"
        );
    }
    // A chunk over the bound is refused at its header.
    let d = ChunkedDecoder::new(m, None).max_chunk_bytes(4);
    assert_eq!(
        decode_in(d, good.as_bytes(), &[100]),
        Err(ChunkedError::ChunkTooLarge)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_split_verifies(
        data in proptest::collection::vec(any::<u8>(), 0..600),
        chunk in 1usize..200,
        splits in proptest::collection::vec(1usize..50, 1..8),
        mode in 0usize..3,
        alg in 0usize..5,
    ) {
        let mode = MODES[mode];
        let trailer = mode.has_trailer().then_some(ChecksumAlgorithm::ALL[alg]);
        let body = encode(mode, &data, chunk, trailer);
        let out = decode_in(decoder(mode, data.len() as u64, trailer), &body, &splits).unwrap();
        prop_assert_eq!(out, data);
    }

    #[test]
    fn any_altered_byte_is_refused(
        data in proptest::collection::vec(any::<u8>(), 1..300),
        chunk in 1usize..100,
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        mode in 0usize..3,
        alg in 0usize..5,
    ) {
        let mode = MODES[mode];
        let trailer = mode.has_trailer().then_some(ChecksumAlgorithm::ALL[alg]);
        let mut body = encode(mode, &data, chunk, trailer);
        let i = at.index(body.len());
        body[i] ^= flip;
        let result = decode_in(decoder(mode, data.len() as u64, trailer), &body, &[17]);
        prop_assert!(result.is_err(), "byte {} of {:?}", i, String::from_utf8_lossy(&body));
    }

    #[test]
    fn a_wrong_decoded_length_is_refused(
        data in proptest::collection::vec(any::<u8>(), 0..300),
        delta in 1u64..1000,
        up in any::<bool>(),
        mode in 0usize..3,
    ) {
        let mode = MODES[mode];
        let trailer = mode.has_trailer().then_some(ChecksumAlgorithm::Crc32c);
        let body = encode(mode, &data, 64, trailer);
        let n = data.len() as u64;
        let claimed = if up { n + delta } else if n >= delta { n - delta } else { n + delta };
        prop_assert!(decode_in(decoder(mode, claimed, trailer), &body, &[31]).is_err());
    }
}
