//! What a session is made of, beyond its principal: its name, source identity and tags, and the
//! other bounded request parameters of the STS operations (external ID, MFA serial and code).
//!
//! Each type enforces the AWS limit of its parameter at construction, so a value of the type is
//! always valid and the token codec and the Issuer can rely on it.

mod names;
mod tags;

pub use names::{
    ExternalId, FederatedUserName, MfaSerialNumber, MfaTokenCode, RoleSessionName, SourceIdentity,
};
pub use tags::{SessionTag, SessionTags, TagKey, TagValue, MAX_SESSION_TAGS};
