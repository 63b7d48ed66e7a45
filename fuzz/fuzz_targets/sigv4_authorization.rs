//! Fuzz SigV4 `Authorization` header and presigned-query parsing and request verification: see
//! `fuzz/checks/sigv4_authorization.rs`.
#![no_main]

#[path = "../checks/sigv4_authorization.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
