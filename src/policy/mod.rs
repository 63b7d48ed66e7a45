//! The IAM policy language (SPEC §3): parsing, the data model, conditions and evaluation.
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
//! - A [`PolicyDocument`] exists only if its text passed every rule of SPEC §3 (see
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
//! - A policy variable whose key is absent makes its value match nothing.

mod condition;
mod context;
mod date;
mod error;
mod eval;
mod matching;
mod model;
mod parse;

pub use condition::{
    ConditionBlock, ConditionEntry, ConditionOperator, Operator, SetQualifier, UnknownOperator,
};
pub use context::{RequestContext, RequestPrincipal};
pub use error::{MalformedPolicyDocument, MalformedReason};
pub use eval::{
    evaluate, evaluate_trust, evaluate_with_session, CombinedEvaluation, Decision, Evaluation,
    PrincipalGrant, StatementRef,
};
pub use model::{Effect, PolicyDocument, PrincipalKind, Statement, Version};
pub use parse::{
    PolicyKind, IDENTITY_POLICY_MAX_CHARS, SESSION_POLICY_MAX_CHARS, TRUST_POLICY_MAX_CHARS,
};
