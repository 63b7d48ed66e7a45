//! Fuzz `aws-chunked` decoding and chunk-signature verification: see
//! `fuzz/checks/aws_chunked.rs`.
#![no_main]

#[path = "../checks/aws_chunked.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
