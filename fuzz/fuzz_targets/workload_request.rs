//! Fuzz the workload credential endpoints: see `fuzz/checks/workload_request.rs`.
#![no_main]

#[path = "../checks/workload_request.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
