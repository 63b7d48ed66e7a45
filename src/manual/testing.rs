//! How tempcred is tested, and what each kind of test proves.
//!
//! A test derived from the code checks the code against itself; the suites here are derived
//! from outside it. Test files are under `tests/` in the repository; the README's second command
//! runs all of them (`cargo test --all-features`, with boto3, the AWS CLI and PyJWT installed).
//!
//! - **AWS's documentation and error model.** Policy cases taken from the IAM User Guide's
//!   examples, each citing its page (`policy_aws_*.rs`, `policy_trust_examples.rs`); the STS API
//!   reference's parameter rules (`wire_query.rs`, `limits.rs`); error codes and statuses checked
//!   against the botocore model the SDKs are generated from (`sts_error_model.rs`).
//! - **Other implementations' test data.** The official AWS SigV4 test suite
//!   (`sigv4_suite.rs`), moto's and other IAM implementations' policy behaviour
//!   (`policy_aws_*.rs`).
//! - **An attacker's goal.** For each delegation rule, the request that would profit from breaking
//!   it, next to the legitimate request (`attack_delegation.rs`); the attacks of independent
//!   reviewers who were given the public API and the rules but not these tests (`review_*.rs`);
//!   for offline attenuation, stripping, reordering, grafting and extending caveats, minting
//!   through STS, signing with the wrong half of a triple, with tokens the API refuses to build
//!   forged by an independent implementation of the chain (`attenuation.rs`).
//! - **Real clients.** boto3 and the AWS CLI against the example servers, exactly as a user runs
//!   them: `sts_server`, `object_store` in every S3 payload mode, the workload credential
//!   endpoints, web identity tokens verified by PyJWT and federated into a second deployment,
//!   encoded authorization messages, attenuated credentials through a `credential_process`
//!   profile (`real_client.rs` with the scripts in `tests/real_client/`).
//! - **Properties.** A child never exceeds its parent, every altered byte of a token, chunk,
//!   message or JWT is refused, render → parse round-trips (`*_props.rs`, proptest blocks in
//!   `token_verify.rs`, `sigv4_verify.rs`, `outbound_web_identity.rs` and others).
//! - **Fuzzing.** A `cargo fuzz` target for every parser (`fuzz/fuzz_targets/`), whose property
//!   lives in `fuzz/checks/` and is replayed on stable over the committed corpus by
//!   `fuzz_replay_*.rs`, so CI runs every fuzz finding ever kept.
//! - **Resources.** Heap allocations and peak memory counted by an instrumented allocator
//!   (`alloc_*.rs`); hostile connections against the example server (`real_client.rs`).
//! - **Mutation testing.** `cargo mutants` on the changed files of each security or policy change;
//!   each surviving mutant either gets a test or is recorded as equivalent (SECURITY.md, the
//!   CHANGELOG).
//! - **Performance.** criterion benches next to a baseline in the same run (`benches/`), never
//!   timed tests; the figures are in the README.
