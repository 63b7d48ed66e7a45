//! `AssumeRoleWithSAML`: assertion validation is the application's (XML signatures are out of
//! scope for this crate); the Issuer applies the delegation rules to what the validator returns.

use crate::directory::SamlProvider;
use crate::error::StsError;
use crate::session::{RoleSessionName, SessionTags, SourceIdentity, TagKey};
use crate::time::UnixTime;

/// What a validated SAML assertion says, in the terms `AssumeRoleWithSAML` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SamlAttributes {
    /// `NameID` of the subject (`SAML:sub`).
    pub subject: String,
    /// Its format, e.g. `persistent` (`SAML:sub_type`).
    pub subject_type: String,
    /// The identity provider's issuer (`SAML:iss`).
    pub issuer: String,
    /// The recipient the assertion was for (`SAML:aud`).
    pub audience: String,
    /// Hash of issuer, account and provider name (`SAML:namequalifier`).
    pub name_qualifier: String,
    /// From the `https://aws.amazon.com/SAML/Attributes/RoleSessionName` attribute.
    pub role_session_name: RoleSessionName,
    /// From `https://aws.amazon.com/SAML/Attributes/PrincipalTag:*` attributes.
    pub tags: SessionTags,
    /// From `https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys`.
    pub transitive_tag_keys: Vec<TagKey>,
    /// From `https://aws.amazon.com/SAML/Attributes/SourceIdentity`.
    pub source_identity: Option<SourceIdentity>,
}

impl SamlAttributes {
    /// Attributes with the required fields; tags and source identity empty.
    pub fn new(
        subject: impl Into<String>,
        subject_type: impl Into<String>,
        issuer: impl Into<String>,
        audience: impl Into<String>,
        name_qualifier: impl Into<String>,
        role_session_name: RoleSessionName,
    ) -> Self {
        SamlAttributes {
            subject: subject.into(),
            subject_type: subject_type.into(),
            issuer: issuer.into(),
            audience: audience.into(),
            name_qualifier: name_qualifier.into(),
            role_session_name,
            tags: SessionTags::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
        }
    }
}

/// Validates a base64 SAML response for `provider` at `now`: signature, issuer, audience,
/// `NotOnOrAfter`. Refuse with `InvalidIdentityToken` (malformed or expired) or
/// `IDPRejectedClaim` (issuer or audience not accepted).
pub trait SamlAssertionValidator: Send + Sync {
    /// The assertion's attributes if it is valid.
    ///
    /// # Errors
    ///
    /// An [`StsError`](crate::StsError) (`InvalidIdentityToken`, `ExpiredTokenException`,
    /// `IDPRejectedClaim`) when the assertion is not valid for this provider at `now`.
    fn validate(
        &self,
        assertion: &str,
        provider: &SamlProvider,
        now: UnixTime,
    ) -> Result<SamlAttributes, StsError>;
}
