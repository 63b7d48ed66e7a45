//! Fuzz the authorization-message decoder: see `fuzz/checks/authorization_message.rs`.
#![no_main]

#[path = "../checks/authorization_message.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = check::check(data);
});
