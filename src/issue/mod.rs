//! The Issuer: STS operations under AWS's delegation rules ([`manual::delegation_rules`](crate::manual::delegation_rules)).
//!
//! Invariants this module keeps:
//! - every attempt, allowed or refused, produces exactly one audit event;
//! - a role that does not exist is refused exactly like a role that does not trust the caller;
//! - a new session never has more rights than its parent: its permissions are the target role's
//!   policies ∩ the session policy passed now, and a chained session keeps its parent's source
//!   identity and transitive tags, which it cannot change;
//! - every context key the server sets comes from verified state (the caller's session, the
//!   directory, the clock), never from the request.

mod caller;
mod duration;
mod inherit;
mod issuer;
pub(crate) mod resolve;
mod saml;

pub use caller::{Authentication, Caller};
pub use issuer::{CallEnv, Issuer, IssuerBuilder};
pub use saml::{SamlAssertionValidator, SamlAttributes};
