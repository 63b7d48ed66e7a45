//! The IAM policy language: parsing, the data model, conditions and evaluation.
//!
//! ```
//! use tempcred::policy::{evaluate_trust, RequestPrincipal, Decision, PolicyDocument, RequestContext};
//! use tempcred::principal::PrincipalArn;
//! let trust = PolicyDocument::parse_trust(r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "PartnerWithExternalId",
//!     "Effect": "Allow",
//!     "Principal": {"AWS": "arn:aws:iam::444455556666:role/partner"},
//!     "Action": "sts:AssumeRole",
//!     "Condition": {"StringEquals": {"sts:ExternalId": "Unique-3f9a"}}
//!   }]
//! }"#).unwrap();
//! let role = PrincipalArn::parse("arn:aws:iam::444455556666:role/partner").unwrap();
//! let caller = tempcred::policy::RequestPrincipal::role_session(&role, &"job-1".parse().unwrap()).unwrap();
//! let mut ctx = RequestContext::new("sts:AssumeRole")
//!     .with_resource("arn:aws:iam::111122223333:role/audit")
//!     .with_principal(caller);
//! assert_eq!(evaluate_trust(&trust, &ctx).decision, Decision::ImplicitDeny);
//! ctx.insert("sts:ExternalId", "Unique-3f9a");
//! let eval = evaluate_trust(&trust, &ctx);
//! assert_eq!(eval.decision, Decision::Allow);
//! assert!(!eval.allowed_only_via_account());
//! assert_eq!(eval.to_string(), r#"allowed by policy 0 statement "PartnerWithExternalId""#);
//! ```
//!
//! Invariants the module keeps:
//!
//! - A [`PolicyDocument`] exists only if its text passed every rule of the grammar (see
//!   [`PolicyDocument::parse`]); everything evaluation needs is compiled at parse time (lowercased
//!   actions, ARN patterns split into six parts, numbers, dates, CIDRs, base64), so evaluation
//!   never re-parses literals and never fails.
//! - Parsing work and memory are bounded by the size limit, which is checked first.
//! - Evaluation is pure: no global state, no I/O, no clock (time comes in as context keys).
//! - Default deny; an applicable `Deny` always wins; the explanation lists every applicable
//!   statement.
//! - Action names and condition key names compare case-insensitively; resources and values
//!   case-sensitively (unless the operator says `IgnoreCase`); wildcards never cross a colon
//!   between ARN parts.
//! - A policy variable whose key is absent (and has no default) makes its value match nothing;
//!   a variable's value is always matched as literal text, and ARN values are split into their
//!   six parts only after their variables are substituted.
//! - `Deny` + `NotPrincipal` exempts exactly the principals listed (IAM User Guide, `NotPrincipal`): an account entry
//!   exempts the account principal (`…:root`), not its users and roles; a role ARN exempts the
//!   role, not its sessions (only the assumed-role session ARN does). Role trust policies refuse
//!   `NotPrincipal`.
//! - `aws:SourceIp` and `IpAddress`/`NotIpAddress` CIDRs are compared with IPv4 read as
//!   IPv4-mapped IPv6, so `203.0.113.7` and `::ffff:203.0.113.7` are the same client.
//!
//! # Following IAM, and the stricter reading where IAM is silent
//!
//! The grammar follows what IAM accepts and refuses (the IAM User Guide's policy pages, and the
//! documents and error texts in moto's `tests/test_iam/test_iam_policies.py`); refusals carry
//! IAM's own message ([`MalformedReason::Refused`]). Where IAM documents nothing, this module
//! takes the stricter reading:
//!
//! - **Sid characters.** Identity and session policies: `[0-9A-Za-z]` (documented for IAM; the
//!   session rule is not documented, so the identity rule applies). Trust policies and documents
//!   parsed without a kind ([`PolicyDocument::parse`], the resource-based case): those and the
//!   space. Nothing else anywhere. Several empty Sids are allowed; uniqueness applies to
//!   non-empty ones.
//! - **Actions.** Exactly one colon; the vendor is `*` or `[A-Za-z0-9.-]+`; the name may hold
//!   spaces (IAM accepts them) but must not be empty or hold control characters.
//! - **Resources.** The partition must be one IAM knows (`aws`, `aws-cn`, `aws-us-gov`,
//!   `aws-iso`, `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`); the first part must be
//!   `arn` (IAM looks only at the partition); no whitespace outside policy variables; no policy
//!   variable in the partition or the service; an ARN of fewer than six parts is read with the
//!   missing parts as `*`, the normalisation IAM's own messages show (`a:b:cadfsdf` is printed
//!   `arn:b:cadfsdf:*:*:*`). `null` items of a `Resource`/`NotResource` array are skipped, but
//!   an array of nothing else is refused like an empty one. An IAM resource path is `*` or
//!   starts with one of the types IAM's message lists (`user/`, `role/`, …); a path that is a
//!   policy variable alone is refused.
//! - **Conditions.** An empty operator block constrains nothing (it holds); an unknown operator
//!   with an empty block is accepted and dropped, as IAM accepts it; one with keys is refused. An
//!   empty value list matches no context value, so a positive operator is false and a negated
//!   one true (the negation of its positive form, as for every negated operator).
//! - **Dates.** IAM's legacy date grammar (see `date.rs`): epoch seconds `0..=i64::MAX`, ISO 8601
//!   with optional month, day, time, fraction (up to nine digits) and zone. `-DIGITS` is read as
//!   epoch seconds before 1970 (IAM accepts the text; its meaning is undocumented); negative
//!   zone offsets (`-05:00`) are accepted as RFC 3339 has them. Instants compare at full
//!   precision (nanoseconds). A policy variable as a date value is refused, as IAM refuses it.
//! - **Policy variables.** `${key}`, `${key, 'default'}` with whitespace around the key and the
//!   quoted default ignored; a key may not contain `$`, `{` or `'`; a multi-valued key never
//!   substitutes, default or not.
//! - **Anonymous callers.** [`RequestPrincipal::anonymous`] matches only `"*"` and
//!   `{"AWS": "*"}`. A context with no caller set matches only `"Principal": "*"` and is
//!   never exempted by a `NotPrincipal`.

mod condition;
mod context;
mod date;
mod error;
mod eval;
mod matching;
mod model;
mod parse;

pub use context::{RequestContext, RequestPrincipal};
pub use error::{MalformedPolicyDocument, MalformedReason};
pub use eval::{
    evaluate, evaluate_trust, evaluate_with_session, CombinedEvaluation, Decision, Evaluation,
    PrincipalGrant, StatementRef,
};
pub use model::{Effect, PolicyDocument, PrincipalKind, Statement, Version};
pub use parse::PolicyKind;
