//! `aws-chunked` verification throughput: decoding a 4 MiB body of 64 KiB signed chunks
//! (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`), and of 1 MiB unsigned chunks with a CRC32 trailer
//! (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, boto3's default), next to the floor: one SHA-256 of
//! the same bytes, in the same run. Throughput is reported in bytes of decoded payload.
//!
//! After criterion's figures, the ratios to SHA-256 from paired rounds: each round times the
//! SHA-256 of the payload and the decode of each body back to back, three times, and takes the
//! ratio of the fastest of each, so a machine whose load changes during the run (criterion
//! measures one function after the other, seconds apart) moves both sides of a ratio alike, and
//! a time slice lost to another process in one repetition is dropped. The median and quartiles
//! of the per-round ratios are printed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    missing_docs
)]

use criterion::{black_box, criterion_group, Criterion, Throughput};
use sha2::{Digest, Sha256};
use std::time::Instant;
use tempcred::sigv4::{ChecksumAlgorithm, ChunkSigner, ChunkedDecoder, Signature, StreamingMode};
use tempcred::{SecretAccessKey, UnixTime};

const SIZE: usize = 4 * 1024 * 1024;
const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

fn signer() -> ChunkSigner {
    ChunkSigner::new(
        &SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap(),
        UnixTime::from_secs(1_700_000_000),
        "us-east-1",
        "s3",
        &Signature::parse(SEED).unwrap(),
    )
}

fn encode(mode: StreamingMode, data: &[u8], chunk: usize) -> Vec<u8> {
    let mut signer = signer();
    let mut body = Vec::with_capacity(data.len() + data.len() / chunk * 100 + 200);
    for piece in data.chunks(chunk).chain([&b""[..]]) {
        body.extend_from_slice(format!("{:x}", piece.len()).as_bytes());
        if mode.signs_chunks() {
            body.extend_from_slice(
                format!(";chunk-signature={}", signer.sign_chunk(piece)).as_bytes(),
            );
        }
        body.extend_from_slice(b"\r\n");
        if !piece.is_empty() || !mode.has_trailer() {
            body.extend_from_slice(piece);
            body.extend_from_slice(b"\r\n");
        }
    }
    if mode.has_trailer() {
        let crc = ChecksumAlgorithm::Crc32.checksum_base64(data);
        body.extend_from_slice(format!("x-amz-checksum-crc32:{crc}\r\n\r\n").as_bytes());
    }
    body
}

/// Decodes `body` fed in 16 KiB reads, as from a socket; the decoded length.
fn decode(decoder: ChunkedDecoder, body: &[u8]) -> usize {
    let mut decoder = decoder;
    let mut n = 0;
    for mut input in body.chunks(16 * 1024) {
        while !input.is_empty() {
            let step = decoder.decode(input).unwrap();
            n += step.chunk.map_or(0, |c| c.len());
            input = &input[step.consumed..];
        }
    }
    decoder.finish().unwrap();
    n
}

fn bench(c: &mut Criterion) {
    let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    let signed = encode(StreamingMode::Signed, &data, 64 * 1024);
    let unsigned = encode(StreamingMode::UnsignedWithTrailer, &data, 1024 * 1024);
    let mut group = c.benchmark_group("aws_chunked_4MiB");
    group.throughput(Throughput::Bytes(SIZE as u64));
    group.sample_size(20);
    group.bench_function("baseline_sha256_of_the_payload", |b| {
        b.iter(|| Sha256::digest(black_box(&data)))
    });
    group.bench_function("signed_64KiB_chunks", |b| {
        b.iter(|| {
            let d = ChunkedDecoder::new(StreamingMode::Signed, Some(signer()))
                .decoded_length(SIZE as u64);
            decode(d, black_box(&signed))
        })
    });
    group.bench_function("unsigned_1MiB_chunks_crc32_trailer", |b| {
        b.iter(|| {
            let d = ChunkedDecoder::new(StreamingMode::UnsignedWithTrailer, None)
                .decoded_length(SIZE as u64)
                .trailer(ChecksumAlgorithm::Crc32);
            decode(d, black_box(&unsigned))
        })
    });
    group.finish();
}

/// Seconds that `f` takes once.
fn time(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

/// The (25th, 50th, 75th) percentiles of `values`.
fn quartiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: usize| values[(values.len() - 1) * q / 4];
    (at(1), at(2), at(3))
}

fn paired_ratios() {
    const ROUNDS: usize = 101;
    let data: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    let signed = encode(StreamingMode::Signed, &data, 64 * 1024);
    let unsigned = encode(StreamingMode::UnsignedWithTrailer, &data, 1024 * 1024);
    let sha = || {
        black_box(Sha256::digest(black_box(&data)));
    };
    let signed_decode = || {
        let d =
            ChunkedDecoder::new(StreamingMode::Signed, Some(signer())).decoded_length(SIZE as u64);
        black_box(decode(d, black_box(&signed)));
    };
    let unsigned_decode = || {
        let d = ChunkedDecoder::new(StreamingMode::UnsignedWithTrailer, None)
            .decoded_length(SIZE as u64)
            .trailer(ChecksumAlgorithm::Crc32);
        black_box(decode(d, black_box(&unsigned)));
    };
    for _ in 0..10 {
        sha();
        signed_decode();
        unsigned_decode();
    }
    let (mut floor, mut s, mut u, mut s_ratio, mut u_ratio) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        let (mut t_floor, mut t_signed, mut t_unsigned) = (f64::MAX, f64::MAX, f64::MAX);
        for _ in 0..3 {
            t_floor = t_floor.min(time(sha));
            t_signed = t_signed.min(time(signed_decode));
            t_unsigned = t_unsigned.min(time(unsigned_decode));
        }
        floor.push(t_floor);
        s.push(t_signed);
        u.push(t_unsigned);
        s_ratio.push(t_floor / t_signed);
        u_ratio.push(t_floor / t_unsigned);
    }
    let mib_s = |secs: Vec<f64>| SIZE as f64 / quartiles(secs).1 / (1024.0 * 1024.0);
    println!("\naws-chunked throughput / SHA-256 throughput ({ROUNDS} paired rounds of 4 MiB, fastest of 3 each):");
    println!(
        "  SHA-256 of the payload             {:>6.0} MiB/s",
        mib_s(floor)
    );
    for (name, secs, ratios) in [
        ("signed, 64 KiB chunks           ", s, s_ratio),
        ("unsigned, 1 MiB chunks, CRC32   ", u, u_ratio),
    ] {
        let (q1, median, q3) = quartiles(ratios);
        println!(
            "  {name}   {:>6.0} MiB/s   ratio {median:.3} (quartiles {q1:.3}–{q3:.3}; goal >= 0.8)",
            mib_s(secs)
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    paired_ratios();
}
