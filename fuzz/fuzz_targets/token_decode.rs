//! Fuzz the session-token decoder and verifier: see `fuzz/checks/token_decode.rs`.
#![no_main]

#[path = "../checks/token_decode.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
