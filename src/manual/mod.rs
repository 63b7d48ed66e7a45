//! The manual: how tempcred works and why, in the crate's own documentation.
//!
//! The API docs say what each item does; these pages say how the parts fit, which rule lives
//! where, and how each rule is tested. Each page links the code that enforces a rule and names
//! the test files (under `tests/` in the repository) that check it.
//!
//! - [`delegation_rules`]: who may get which credentials, for how long, with what rights; the
//!   request context policies see.
//! - [`token_format`]: the session token, the key ring and how credentials are derived from the
//!   token alone.
//! - [`attenuation`]: narrowing credentials offline: the construction, why it is sound, and
//!   what it cannot do.
//! - [`security_model`]: what tempcred protects, what it assumes, revocation and key rotation
//!   (the repository's `SECURITY.md`).
//! - [`testing`]: where the tests come from, and what each kind proves.
//!
//! Limits (lifetimes, sizes, counts) are in [`crate::limits`], each once, with the AWS quota it
//! mirrors.

pub mod attenuation;
pub mod delegation_rules;
pub mod security_model;
pub mod testing;
pub mod token_format;
