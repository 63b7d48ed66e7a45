//! Fuzz the attenuated-token (version 2) caveat decoder behind a valid chain, and the holder's
//! parser: see `fuzz/checks/attenuated_token.rs`.
#![no_main]

#[path = "../checks/attenuated_token.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
