//! The IAM policy language: AWS's documented cases, operators, variables, properties.
//!
//! One test binary per domain (each binary links the whole dependency graph); each file below is
//! a module, and its own tests keep their names under it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "policy_aws_anonymous.rs"]
mod policy_aws_anonymous;
#[path = "policy_aws_dates.rs"]
mod policy_aws_dates;
#[path = "policy_aws_grammar.rs"]
mod policy_aws_grammar;
#[path = "policy_aws_notprincipal.rs"]
mod policy_aws_notprincipal;
#[path = "policy_aws_source_ip.rs"]
mod policy_aws_source_ip;
#[path = "policy_aws_variables.rs"]
mod policy_aws_variables;
#[path = "policy_operators.rs"]
mod policy_operators;
#[path = "policy_props.rs"]
mod policy_props;
#[path = "policy_rules.rs"]
mod policy_rules;
#[path = "policy_trust_examples.rs"]
mod policy_trust_examples;
