//! Fuzz the signing-key-ring text parser: see `fuzz/checks/signing_keys_text.rs`.
#![no_main]

#[path = "../checks/signing_keys_text.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
