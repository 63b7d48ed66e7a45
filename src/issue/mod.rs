//! The Issuer: STS operations under AWS's delegation rules.

mod caller;
mod duration;
mod inherit;

pub use caller::Caller;
pub use duration::{
    DEFAULT_ROLE_SESSION_SECS, DEFAULT_USER_SESSION_SECS, MAX_CHAINED_SESSION_SECS,
    MAX_ROOT_SESSION_SECS, MAX_USER_SESSION_SECS, MIN_SESSION_SECS, ROLE_MAX_SESSION_RANGE,
};
