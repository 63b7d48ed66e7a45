//! Fuzz the key-ring text parser: see `fuzz/checks/key_ring_text.rs`.
#![no_main]

#[path = "../checks/key_ring_text.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
