//! Fuzz the policy parser and evaluator: see `fuzz/checks/policy_eval.rs`.
#![no_main]

#[path = "../checks/policy_eval.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
