//! Typed STS requests, one per operation, each built through a validating builder.
//!
//! Invariant: a request value exists only if every parameter passed the wire-level rules of its
//! operation (lengths, character sets, list sizes, tag-key uniqueness, transitive keys ⊆ tag keys,
//! the API's `DurationSeconds` range). What needs the directory or the key ring (the role's maximum
//! session duration, whether `RoleArn` names a role, whether `Policy` is a valid policy) is the
//! Issuer's to check. Fields are private so no one can break the invariant after the build.
//!
//! Secrets a request carries (web identity token, SAML assertion, MFA code) are redacted in
//! `Debug` and never appear in an error.

use crate::error::StsError;
use crate::outbound::SigningAlgorithm;
use crate::session::{
    ExternalId, FederatedUserName, MfaSerialNumber, MfaTokenCode, RoleSessionName, SessionTags,
    SourceIdentity, TagKey, TagValue, MAX_SESSION_TAGS,
};
use crate::validate::{check_text, Constraint, InvalidParameter};
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::limits::{
    MAX_ENCODED_MESSAGE_CHARS, MAX_POLICY_ARNS, MAX_SESSION_POLICY_CHARS, MAX_TOKEN_AUDIENCES,
    MAX_TOKEN_AUDIENCE_CHARS, MAX_TOKEN_DURATION_SECS, MAX_TRANSITIVE_TAG_KEYS,
    MAX_USER_SESSION_SECS, MIN_SESSION_SECS, MIN_TOKEN_DURATION_SECS, ROLE_MAX_SESSION_RANGE,
};

/// The STS operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `AssumeRole`.
    AssumeRole,
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
    /// `AssumeRoleWithSAML`.
    AssumeRoleWithSaml,
    /// `GetSessionToken`.
    GetSessionToken,
    /// `GetFederationToken`.
    GetFederationToken,
    /// `GetCallerIdentity`.
    GetCallerIdentity,
    /// `GetWebIdentityToken`.
    GetWebIdentityToken,
    /// `GetAccessKeyInfo`.
    GetAccessKeyInfo,
    /// `DecodeAuthorizationMessage`.
    DecodeAuthorizationMessage,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 9] = [
        Action::AssumeRole,
        Action::AssumeRoleWithWebIdentity,
        Action::AssumeRoleWithSaml,
        Action::GetSessionToken,
        Action::GetFederationToken,
        Action::GetCallerIdentity,
        Action::GetWebIdentityToken,
        Action::GetAccessKeyInfo,
        Action::DecodeAuthorizationMessage,
    ];

    /// The `Action` parameter's value (`AssumeRoleWithSAML`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Action::AssumeRole => "AssumeRole",
            Action::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            Action::AssumeRoleWithSaml => "AssumeRoleWithSAML",
            Action::GetSessionToken => "GetSessionToken",
            Action::GetFederationToken => "GetFederationToken",
            Action::GetCallerIdentity => "GetCallerIdentity",
            Action::GetWebIdentityToken => "GetWebIdentityToken",
            Action::GetAccessKeyInfo => "GetAccessKeyInfo",
            Action::DecodeAuthorizationMessage => "DecodeAuthorizationMessage",
        }
    }

    /// The IAM action name used in policies (`sts:AssumeRole`, …).
    #[must_use]
    pub fn iam_action(self) -> &'static str {
        match self {
            Action::AssumeRole => "sts:AssumeRole",
            Action::AssumeRoleWithWebIdentity => "sts:AssumeRoleWithWebIdentity",
            Action::AssumeRoleWithSaml => "sts:AssumeRoleWithSAML",
            Action::GetSessionToken => "sts:GetSessionToken",
            Action::GetFederationToken => "sts:GetFederationToken",
            Action::GetCallerIdentity => "sts:GetCallerIdentity",
            Action::GetWebIdentityToken => "sts:GetWebIdentityToken",
            Action::GetAccessKeyInfo => "sts:GetAccessKeyInfo",
            Action::DecodeAuthorizationMessage => "sts:DecodeAuthorizationMessage",
        }
    }

    /// The action with this exact (case-sensitive, as AWS) name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! secret_text {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// Wraps text the crate made or checked itself.
            #[allow(dead_code)]
            pub(crate) fn from_checked(text: String) -> Self {
                $name(text)
            }

            /// The text. Use it only to validate the credential it is.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }

            /// Length in bytes.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether it is empty (never, for a validated request).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(<{} bytes>)", stringify!($name), self.0.len())
            }
        }

        /// Constant-time equality.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
            }
        }

        impl Eq for $name {}
    };
}

secret_text!(
    /// An OIDC ID token (`WebIdentityToken`, 4–20000 characters): a bearer credential, wiped on
    /// drop, shown by `Debug` only as its length.
    WebIdentityToken
);

secret_text!(
    /// A base64 SAML response (`SAMLAssertion`, 4–100000 characters): a bearer credential, wiped
    /// on drop, shown by `Debug` only as its length.
    SamlAssertion
);

/// Wraps a value so `Debug` prints `***OMITTED***`.
#[derive(Clone, PartialEq, Eq, Default)]
struct Redacted<T>(T);

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***OMITTED***")
    }
}

/// `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]`: the
/// character class of ARNs, policies and tokens in the STS API.
fn is_api_text_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

const API_TEXT_PATTERN: &str =
    "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+";

fn api_text(field: &'static str, v: &str, min: usize, max: usize) -> Result<(), StsError> {
    check_text(field, v, min, max, API_TEXT_PATTERN, is_api_text_char).map_err(StsError::from)
}

fn check_arn(field: &'static str, v: &str) -> Result<String, StsError> {
    api_text(field, v, 20, 2048)?;
    Ok(v.to_owned())
}

fn check_duration(secs: Option<u32>, max: u32) -> Result<Option<u32>, StsError> {
    let err = |constraint| -> StsError {
        InvalidParameter {
            field: "durationSeconds",
            constraint,
        }
        .into()
    };
    match secs {
        Some(s) if s < MIN_SESSION_SECS => Err(err(Constraint::LessThan(MIN_SESSION_SECS.into()))),
        Some(s) if s > max => Err(err(Constraint::GreaterThan(max.into()))),
        other => Ok(other),
    }
}

fn check_policy(policy: Option<String>) -> Result<Option<String>, StsError> {
    if let Some(p) = &policy {
        api_text("policy", p, 1, MAX_SESSION_POLICY_CHARS)?;
    }
    Ok(policy)
}

fn check_policy_arns(arns: Vec<String>) -> Result<Vec<String>, StsError> {
    if arns.len() > MAX_POLICY_ARNS {
        return Err(InvalidParameter {
            field: "policyArns",
            constraint: Constraint::TooManyMembers(MAX_POLICY_ARNS),
        }
        .into());
    }
    for a in &arns {
        api_text("policyArns.member.arn", a, 20, 2048)?;
    }
    Ok(arns)
}

/// Builds session tags from `(key, value)` pairs, marking those named in `transitive`.
fn check_tags(
    pairs: Vec<(String, String)>,
    transitive: Vec<String>,
) -> Result<SessionTags, StsError> {
    if pairs.len() > MAX_SESSION_TAGS {
        return Err(InvalidParameter {
            field: "tags",
            constraint: Constraint::TooManyMembers(MAX_SESSION_TAGS),
        }
        .into());
    }
    if transitive.len() > MAX_TRANSITIVE_TAG_KEYS {
        return Err(InvalidParameter {
            field: "transitiveTagKeys",
            constraint: Constraint::TooManyMembers(MAX_TRANSITIVE_TAG_KEYS),
        }
        .into());
    }
    let mut keys = Vec::with_capacity(pairs.len());
    for (k, v) in &pairs {
        keys.push((TagKey::new(k)?, TagValue::new(v)?));
    }
    for t in &transitive {
        let t = TagKey::new(t).map_err(|e| InvalidParameter {
            field: "transitiveTagKeys.member",
            constraint: e.constraint,
        })?;
        if !keys
            .iter()
            .any(|(k, _)| k.as_str().eq_ignore_ascii_case(t.as_str()))
        {
            return Err(InvalidParameter {
                field: "transitiveTagKeys",
                constraint: Constraint::Rule("Member must be one of the keys passed in Tags"),
            }
            .into());
        }
    }
    let mut tags = SessionTags::new();
    for (k, v) in keys {
        let is_transitive = transitive
            .iter()
            .any(|t| t.eq_ignore_ascii_case(k.as_str()));
        tags.insert(k, v, is_transitive)?;
    }
    Ok(tags)
}

/// Checks an optional MFA pair: both or neither.
fn check_mfa(
    serial: Option<String>,
    code: Option<Redacted<String>>,
) -> Result<Option<(MfaSerialNumber, Redacted<MfaTokenCode>)>, StsError> {
    match (serial, code) {
        (None, None) => Ok(None),
        (Some(s), Some(c)) => {
            let s = MfaSerialNumber::new(&s)?;
            // MfaTokenCode's own error names the field and rule only, never the code.
            let c = MfaTokenCode::new(&c.0)?;
            Ok(Some((s, Redacted(c))))
        }
        (Some(s), None) => {
            MfaSerialNumber::new(&s)?;
            Err(StsError::mfa_incomplete())
        }
        (None, Some(c)) => {
            MfaTokenCode::new(&c.0)?;
            Err(StsError::mfa_incomplete())
        }
    }
}

/// The setters the builders share, each written once: a parameter means the same in every
/// operation that takes it, and each builder lists the ones its operation has.
macro_rules! shared_setters {
    ($builder:ty: $($setter:ident),+) => {
        impl $builder {
            $(shared_setters!(@ $setter);)+
        }
    };
    (@ duration_seconds) => {
        /// `DurationSeconds`: the lifetime asked for, in seconds.
        #[must_use]
        pub fn duration_seconds(mut self, secs: u32) -> Self {
            self.duration_seconds = Some(secs);
            self
        }
    };
    (@ policy) => {
        /// `Policy`: an inline session policy (JSON text).
        #[must_use]
        pub fn policy(mut self, policy: impl Into<String>) -> Self {
            self.policy = Some(policy.into());
            self
        }
    };
    (@ policy_arn) => {
        /// Appends one `PolicyArns` member: a managed policy used as a session policy.
        #[must_use]
        pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
            self.policy_arns.push(arn.into());
            self
        }
    };
    (@ tag) => {
        /// Appends one `Tags` member.
        #[must_use]
        pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
            self.tags.push((key.into(), value.into()));
            self
        }
    };
    (@ serial_number) => {
        /// `SerialNumber` of the MFA device.
        #[must_use]
        pub fn serial_number(mut self, serial: impl Into<String>) -> Self {
            self.serial_number = Some(serial.into());
            self
        }
    };
    (@ token_code) => {
        /// `TokenCode` from the MFA device (redacted in `Debug`).
        #[must_use]
        pub fn token_code(mut self, code: impl Into<String>) -> Self {
            self.token_code = Some(Redacted(code.into()));
            self
        }
    };
}

// ---------------------------------------------------------------------------------------------
// AssumeRole

/// An `AssumeRole` request.
///
/// ```
/// use tempcred::AssumeRoleRequest;
/// let req = AssumeRoleRequest::builder("arn:aws:iam::123456789012:role/deploy", "ci-42")
///     .duration_seconds(1800)
///     .tag("team", "payments")
///     .transitive_tag_key("team")
///     .build()
///     .unwrap();
/// assert_eq!(req.role_session_name().as_str(), "ci-42");
/// assert!(req.tags().get("TEAM").unwrap().transitive);
/// assert!(AssumeRoleRequest::builder("arn:aws:iam::123456789012:role/deploy", "x")
///     .build().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRoleRequest {
    role_arn: String,
    role_session_name: RoleSessionName,
    duration_seconds: Option<u32>,
    external_id: Option<ExternalId>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: SessionTags,
    mfa: Option<(MfaSerialNumber, Redacted<MfaTokenCode>)>,
    source_identity: Option<SourceIdentity>,
}

/// Collects the parameters of an [`AssumeRoleRequest`]; [`build`](Self::build) validates them.
#[derive(Clone, Debug, Default)]
pub struct AssumeRoleRequestBuilder {
    role_arn: String,
    role_session_name: String,
    duration_seconds: Option<u32>,
    external_id: Option<String>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
    serial_number: Option<String>,
    token_code: Option<Redacted<String>>,
    source_identity: Option<String>,
}

impl AssumeRoleRequest {
    /// Starts a request for `role_arn` (20–2048 characters) and a session name.
    pub fn builder(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> AssumeRoleRequestBuilder {
        AssumeRoleRequestBuilder {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            ..Default::default()
        }
    }

    /// `RoleArn`, as sent (the Issuer parses it).
    #[must_use]
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }
    /// `RoleSessionName`.
    #[must_use]
    pub fn role_session_name(&self) -> &RoleSessionName {
        &self.role_session_name
    }
    /// `DurationSeconds`, if given (900–43200 here; the role's maximum is the Issuer's check).
    #[must_use]
    pub fn duration_seconds(&self) -> Option<u32> {
        self.duration_seconds
    }
    /// `ExternalId`.
    #[must_use]
    pub fn external_id(&self) -> Option<&ExternalId> {
        self.external_id.as_ref()
    }
    /// `Policy`: the inline session policy text, not yet parsed.
    #[must_use]
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }
    /// `PolicyArns`: managed session policy ARNs, at most 10.
    #[must_use]
    pub fn policy_arns(&self) -> &[String] {
        &self.policy_arns
    }
    /// `Tags`, with `TransitiveTagKeys` as their transitive flags.
    #[must_use]
    pub fn tags(&self) -> &SessionTags {
        &self.tags
    }
    /// The keys named in `TransitiveTagKeys` (as spelled in `Tags`).
    pub fn transitive_tag_keys(&self) -> impl Iterator<Item = &TagKey> {
        self.tags.transitive().map(|t| &t.key)
    }
    /// `SerialNumber`.
    #[must_use]
    pub fn serial_number(&self) -> Option<&MfaSerialNumber> {
        self.mfa.as_ref().map(|(s, _)| s)
    }
    /// `TokenCode` (present exactly when `SerialNumber` is).
    #[must_use]
    pub fn token_code(&self) -> Option<&MfaTokenCode> {
        self.mfa.as_ref().map(|(_, c)| &c.0)
    }
    /// `SourceIdentity`.
    #[must_use]
    pub fn source_identity(&self) -> Option<&SourceIdentity> {
        self.source_identity.as_ref()
    }
}

shared_setters!(AssumeRoleRequestBuilder: duration_seconds, policy, policy_arn, tag, serial_number, token_code);

impl AssumeRoleRequestBuilder {
    /// `ExternalId`.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }
    /// Appends one `TransitiveTagKeys` member; it must name one of the tags.
    pub fn transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.transitive_tag_keys.push(key.into());
        self
    }
    /// `SourceIdentity`.
    pub fn source_identity(mut self, id: impl Into<String>) -> Self {
        self.source_identity = Some(id.into());
        self
    }

    /// Validates every parameter; the first broken rule is a `ValidationError` naming the field
    /// and the rule (or `AccessDenied` for a half MFA pair, as AWS answers).
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError` naming the field, as AWS words it) for the
    /// first parameter that breaks the STS API reference's constraints.
    pub fn build(self) -> Result<AssumeRoleRequest, StsError> {
        Ok(AssumeRoleRequest {
            role_arn: check_arn("roleArn", &self.role_arn)?,
            role_session_name: RoleSessionName::new(&self.role_session_name)?,
            duration_seconds: check_duration(self.duration_seconds, *ROLE_MAX_SESSION_RANGE.end())?,
            external_id: self
                .external_id
                .as_deref()
                .map(ExternalId::new)
                .transpose()?,
            policy: check_policy(self.policy)?,
            policy_arns: check_policy_arns(self.policy_arns)?,
            tags: check_tags(self.tags, self.transitive_tag_keys)?,
            mfa: check_mfa(self.serial_number, self.token_code)?,
            source_identity: self
                .source_identity
                .as_deref()
                .map(SourceIdentity::new)
                .transpose()?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// AssumeRoleWithWebIdentity

/// An `AssumeRoleWithWebIdentity` request (unsigned in AWS: the token is the credential).
///
/// ```
/// use tempcred::AssumeRoleWithWebIdentityRequest;
/// let req = AssumeRoleWithWebIdentityRequest::builder(
///     "arn:aws:iam::123456789012:role/web", "app1", "eyJhbGciOi.eyJzdWIi.c2ln")
///     .build().unwrap();
/// assert!(!format!("{req:?}").contains("eyJhbGciOi"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRoleWithWebIdentityRequest {
    role_arn: String,
    role_session_name: RoleSessionName,
    web_identity_token: WebIdentityToken,
    provider_id: Option<String>,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    policy_arns: Vec<String>,
}

/// Collects the parameters of an [`AssumeRoleWithWebIdentityRequest`].
#[derive(Clone, Debug, Default)]
pub struct AssumeRoleWithWebIdentityRequestBuilder {
    role_arn: String,
    role_session_name: String,
    web_identity_token: Redacted<String>,
    provider_id: Option<String>,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    policy_arns: Vec<String>,
}

impl AssumeRoleWithWebIdentityRequest {
    /// Starts a request for `role_arn`, a session name and the OIDC ID token.
    pub fn builder(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: impl Into<String>,
    ) -> AssumeRoleWithWebIdentityRequestBuilder {
        AssumeRoleWithWebIdentityRequestBuilder {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token: Redacted(web_identity_token.into()),
            ..Default::default()
        }
    }
    /// `RoleArn`, as sent.
    #[must_use]
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }
    /// `RoleSessionName`.
    #[must_use]
    pub fn role_session_name(&self) -> &RoleSessionName {
        &self.role_session_name
    }
    /// `WebIdentityToken`, not yet validated as a JWT.
    #[must_use]
    pub fn web_identity_token(&self) -> &WebIdentityToken {
        &self.web_identity_token
    }
    /// `ProviderId` (OAuth 2.0 providers only).
    #[must_use]
    pub fn provider_id(&self) -> Option<&str> {
        self.provider_id.as_deref()
    }
    /// `DurationSeconds`.
    #[must_use]
    pub fn duration_seconds(&self) -> Option<u32> {
        self.duration_seconds
    }
    /// `Policy`.
    #[must_use]
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }
    /// `PolicyArns`.
    #[must_use]
    pub fn policy_arns(&self) -> &[String] {
        &self.policy_arns
    }
}

shared_setters!(AssumeRoleWithWebIdentityRequestBuilder: duration_seconds, policy, policy_arn);

impl AssumeRoleWithWebIdentityRequestBuilder {
    /// `ProviderId`.
    pub fn provider_id(mut self, id: impl Into<String>) -> Self {
        self.provider_id = Some(id.into());
        self
    }
    /// Validates every parameter.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError` naming the field, as AWS words it) for the
    /// first parameter that breaks the STS API reference's constraints.
    pub fn build(self) -> Result<AssumeRoleWithWebIdentityRequest, StsError> {
        let role_arn = check_arn("roleArn", &self.role_arn)?;
        let role_session_name = RoleSessionName::new(&self.role_session_name)?;
        api_text("webIdentityToken", &self.web_identity_token.0, 4, 20_000)?;
        let provider_id = match self.provider_id {
            Some(p) => {
                api_text("providerId", &p, 4, 2048)?;
                Some(p)
            }
            None => None,
        };
        Ok(AssumeRoleWithWebIdentityRequest {
            role_arn,
            role_session_name,
            web_identity_token: WebIdentityToken(self.web_identity_token.0.clone()),
            provider_id,
            duration_seconds: check_duration(self.duration_seconds, *ROLE_MAX_SESSION_RANGE.end())?,
            policy: check_policy(self.policy)?,
            policy_arns: check_policy_arns(self.policy_arns)?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// AssumeRoleWithSAML

/// An `AssumeRoleWithSAML` request (unsigned in AWS: the assertion is the credential).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRoleWithSamlRequest {
    role_arn: String,
    principal_arn: String,
    saml_assertion: SamlAssertion,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    policy_arns: Vec<String>,
}

/// Collects the parameters of an [`AssumeRoleWithSamlRequest`].
#[derive(Clone, Debug, Default)]
pub struct AssumeRoleWithSamlRequestBuilder {
    role_arn: String,
    principal_arn: String,
    saml_assertion: Redacted<String>,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    policy_arns: Vec<String>,
}

impl AssumeRoleWithSamlRequest {
    /// Starts a request for `role_arn`, the SAML provider's ARN and the base64 SAML response.
    pub fn builder(
        role_arn: impl Into<String>,
        principal_arn: impl Into<String>,
        saml_assertion: impl Into<String>,
    ) -> AssumeRoleWithSamlRequestBuilder {
        AssumeRoleWithSamlRequestBuilder {
            role_arn: role_arn.into(),
            principal_arn: principal_arn.into(),
            saml_assertion: Redacted(saml_assertion.into()),
            ..Default::default()
        }
    }
    /// `RoleArn`, as sent.
    #[must_use]
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }
    /// `PrincipalArn`: the SAML provider, as sent.
    #[must_use]
    pub fn principal_arn(&self) -> &str {
        &self.principal_arn
    }
    /// `SAMLAssertion`, not yet validated.
    #[must_use]
    pub fn saml_assertion(&self) -> &SamlAssertion {
        &self.saml_assertion
    }
    /// `DurationSeconds`.
    #[must_use]
    pub fn duration_seconds(&self) -> Option<u32> {
        self.duration_seconds
    }
    /// `Policy`.
    #[must_use]
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }
    /// `PolicyArns`.
    #[must_use]
    pub fn policy_arns(&self) -> &[String] {
        &self.policy_arns
    }
}

shared_setters!(AssumeRoleWithSamlRequestBuilder: duration_seconds, policy, policy_arn);

impl AssumeRoleWithSamlRequestBuilder {
    /// Validates every parameter.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError` naming the field, as AWS words it) for the
    /// first parameter that breaks the STS API reference's constraints.
    pub fn build(self) -> Result<AssumeRoleWithSamlRequest, StsError> {
        let role_arn = check_arn("roleArn", &self.role_arn)?;
        let principal_arn = check_arn("principalArn", &self.principal_arn)?;
        api_text("sAMLAssertion", &self.saml_assertion.0, 4, 100_000)?;
        Ok(AssumeRoleWithSamlRequest {
            role_arn,
            principal_arn,
            saml_assertion: SamlAssertion(self.saml_assertion.0.clone()),
            duration_seconds: check_duration(self.duration_seconds, *ROLE_MAX_SESSION_RANGE.end())?,
            policy: check_policy(self.policy)?,
            policy_arns: check_policy_arns(self.policy_arns)?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// GetSessionToken

/// A `GetSessionToken` request.
///
/// ```
/// use tempcred::GetSessionTokenRequest;
/// let req = GetSessionTokenRequest::builder()
///     .serial_number("arn:aws:iam::123456789012:mfa/alice")
///     .token_code("987654")
///     .build().unwrap();
/// assert!(!format!("{req:?}").contains("987654"));
/// assert!(GetSessionTokenRequest::builder().token_code("123456").build().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct GetSessionTokenRequest {
    duration_seconds: Option<u32>,
    mfa: Option<(MfaSerialNumber, Redacted<MfaTokenCode>)>,
}

/// Collects the parameters of a [`GetSessionTokenRequest`].
#[derive(Clone, Debug, Default)]
pub struct GetSessionTokenRequestBuilder {
    duration_seconds: Option<u32>,
    serial_number: Option<String>,
    token_code: Option<Redacted<String>>,
}

impl GetSessionTokenRequest {
    /// Starts a request; every parameter is optional.
    #[must_use]
    pub fn builder() -> GetSessionTokenRequestBuilder {
        GetSessionTokenRequestBuilder::default()
    }
    /// `DurationSeconds` (900–129600 here; the root's 3600 clamp is the Issuer's).
    #[must_use]
    pub fn duration_seconds(&self) -> Option<u32> {
        self.duration_seconds
    }
    /// `SerialNumber`.
    #[must_use]
    pub fn serial_number(&self) -> Option<&MfaSerialNumber> {
        self.mfa.as_ref().map(|(s, _)| s)
    }
    /// `TokenCode` (present exactly when `SerialNumber` is).
    #[must_use]
    pub fn token_code(&self) -> Option<&MfaTokenCode> {
        self.mfa.as_ref().map(|(_, c)| &c.0)
    }
}

shared_setters!(GetSessionTokenRequestBuilder: duration_seconds, serial_number, token_code);

impl GetSessionTokenRequestBuilder {
    /// Validates every parameter.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError` naming the field, as AWS words it) for the
    /// first parameter that breaks the STS API reference's constraints.
    pub fn build(self) -> Result<GetSessionTokenRequest, StsError> {
        Ok(GetSessionTokenRequest {
            duration_seconds: check_duration(self.duration_seconds, MAX_USER_SESSION_SECS)?,
            mfa: check_mfa(self.serial_number, self.token_code)?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// GetFederationToken

/// A `GetFederationToken` request.
///
/// ```
/// use tempcred::GetFederationTokenRequest;
/// let req = GetFederationTokenRequest::builder("bob")
///     .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
///     .build().unwrap();
/// assert_eq!(req.name().as_str(), "bob");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetFederationTokenRequest {
    name: FederatedUserName,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: SessionTags,
}

/// Collects the parameters of a [`GetFederationTokenRequest`].
#[derive(Clone, Debug, Default)]
pub struct GetFederationTokenRequestBuilder {
    name: String,
    duration_seconds: Option<u32>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: Vec<(String, String)>,
}

impl GetFederationTokenRequest {
    /// Starts a request for the federated user `name`.
    pub fn builder(name: impl Into<String>) -> GetFederationTokenRequestBuilder {
        GetFederationTokenRequestBuilder {
            name: name.into(),
            ..Default::default()
        }
    }
    /// `Name`.
    #[must_use]
    pub fn name(&self) -> &FederatedUserName {
        &self.name
    }
    /// `DurationSeconds`.
    #[must_use]
    pub fn duration_seconds(&self) -> Option<u32> {
        self.duration_seconds
    }
    /// `Policy`.
    #[must_use]
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_deref()
    }
    /// `PolicyArns`.
    #[must_use]
    pub fn policy_arns(&self) -> &[String] {
        &self.policy_arns
    }
    /// `Tags` (never transitive: a federated session cannot chain).
    #[must_use]
    pub fn tags(&self) -> &SessionTags {
        &self.tags
    }
}

shared_setters!(GetFederationTokenRequestBuilder: duration_seconds, policy, policy_arn, tag);

impl GetFederationTokenRequestBuilder {
    /// Validates every parameter.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError` naming the field, as AWS words it) for the
    /// first parameter that breaks the STS API reference's constraints.
    pub fn build(self) -> Result<GetFederationTokenRequest, StsError> {
        Ok(GetFederationTokenRequest {
            name: FederatedUserName::new(&self.name)?,
            duration_seconds: check_duration(self.duration_seconds, MAX_USER_SESSION_SECS)?,
            policy: check_policy(self.policy)?,
            policy_arns: check_policy_arns(self.policy_arns)?,
            tags: check_tags(self.tags, Vec::new())?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// GetCallerIdentity

/// A `GetCallerIdentity` request: it has no parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct GetCallerIdentityRequest;

// ---------------------------------------------------------------------------------------------
// GetWebIdentityToken

/// A `GetWebIdentityToken` request: a signed JWT that says who the caller is, for `Audience`.
///
/// ```
/// use tempcred::outbound::SigningAlgorithm;
/// use tempcred::GetWebIdentityTokenRequest;
/// let req = GetWebIdentityTokenRequest::builder("ES384")
///     .audience("https://api.example.com")
///     .tag("job", "nightly")
///     .build()?;
/// assert_eq!(req.signing_algorithm(), SigningAlgorithm::Es384);
/// assert_eq!(req.duration_seconds(), None); // 300 seconds
/// // As the API reference says: 1 to 10 audiences, 60 to 3600 seconds, RS256 or ES384.
/// assert!(GetWebIdentityTokenRequest::builder("RS256").build().is_err());
/// assert!(GetWebIdentityTokenRequest::builder("HS256").audience("a").build().is_err());
/// assert!(GetWebIdentityTokenRequest::builder("RS256").audience("a").duration_seconds(59).build().is_err());
/// # Ok::<(), tempcred::StsError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetWebIdentityTokenRequest {
    audiences: Vec<String>,
    duration_seconds: Option<u32>,
    signing_algorithm: SigningAlgorithm,
    tags: SessionTags,
}

/// Collects the parameters of a [`GetWebIdentityTokenRequest`].
#[derive(Clone, Debug, Default)]
pub struct GetWebIdentityTokenRequestBuilder {
    audiences: Vec<String>,
    duration_seconds: Option<u32>,
    signing_algorithm: String,
    tags: Vec<(String, String)>,
}

impl GetWebIdentityTokenRequest {
    /// Starts a request signed with `signing_algorithm` (`RS256` or `ES384`).
    pub fn builder(signing_algorithm: impl Into<String>) -> GetWebIdentityTokenRequestBuilder {
        GetWebIdentityTokenRequestBuilder {
            signing_algorithm: signing_algorithm.into(),
            ..Default::default()
        }
    }
    /// `Audience`: the token's `aud`, in request order.
    #[must_use]
    pub fn audiences(&self) -> &[String] {
        &self.audiences
    }
    /// `DurationSeconds` (60–3600; 300 when absent).
    #[must_use]
    pub fn duration_seconds(&self) -> Option<u32> {
        self.duration_seconds
    }
    /// `SigningAlgorithm`.
    #[must_use]
    pub fn signing_algorithm(&self) -> SigningAlgorithm {
        self.signing_algorithm
    }
    /// `Tags`: custom claims under `request_tags`.
    #[must_use]
    pub fn tags(&self) -> &SessionTags {
        &self.tags
    }
}

shared_setters!(GetWebIdentityTokenRequestBuilder: duration_seconds, tag);

impl GetWebIdentityTokenRequestBuilder {
    /// Appends one `Audience` member.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }
    /// Validates every parameter against the API reference's constraints.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError` naming the field, as AWS words it) for the
    /// first parameter that breaks the STS API reference's constraints.
    pub fn build(self) -> Result<GetWebIdentityTokenRequest, StsError> {
        let invalid =
            |field, constraint| -> StsError { InvalidParameter { field, constraint }.into() };
        if self.audiences.is_empty() {
            return Err(invalid("audience", Constraint::TooShort(1)));
        }
        if self.audiences.len() > MAX_TOKEN_AUDIENCES {
            return Err(invalid(
                "audience",
                Constraint::TooManyMembers(MAX_TOKEN_AUDIENCES),
            ));
        }
        for a in &self.audiences {
            api_text("audience", a, 1, MAX_TOKEN_AUDIENCE_CHARS)?;
        }
        match self.duration_seconds {
            Some(s) if s < MIN_TOKEN_DURATION_SECS => {
                return Err(invalid(
                    "durationSeconds",
                    Constraint::LessThan(MIN_TOKEN_DURATION_SECS.into()),
                ))
            }
            Some(s) if s > MAX_TOKEN_DURATION_SECS => {
                return Err(invalid(
                    "durationSeconds",
                    Constraint::GreaterThan(MAX_TOKEN_DURATION_SECS.into()),
                ))
            }
            _ => {}
        }
        let signing_algorithm =
            SigningAlgorithm::from_name(&self.signing_algorithm).ok_or_else(|| {
                invalid(
                    "signingAlgorithm",
                    Constraint::Rule("Member must satisfy enum value set: [RS256, ES384]"),
                )
            })?;
        Ok(GetWebIdentityTokenRequest {
            audiences: self.audiences,
            duration_seconds: self.duration_seconds,
            signing_algorithm,
            tags: check_tags(self.tags, Vec::new())?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// GetAccessKeyInfo

/// A `GetAccessKeyInfo` request: which account an access key ID belongs to.
///
/// ```
/// use tempcred::GetAccessKeyInfoRequest;
/// assert!(GetAccessKeyInfoRequest::new("AKIAIOSFODNN7EXAMPLE").is_ok());
/// // The API's constraint: 16 to 128 word characters.
/// assert!(GetAccessKeyInfoRequest::new("AKIA-SHORT").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetAccessKeyInfoRequest {
    access_key_id: String,
}

impl GetAccessKeyInfoRequest {
    /// A request for `access_key_id` (16–128 characters of `[A-Za-z0-9_]`).
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError`) unless the ID is 16–128 word characters.
    pub fn new(access_key_id: impl Into<String>) -> Result<Self, StsError> {
        let access_key_id = access_key_id.into();
        check_text("accessKeyId", &access_key_id, 16, 128, "[\\w]*", |c| {
            c.is_ascii_alphanumeric() || c == '_'
        })?;
        Ok(GetAccessKeyInfoRequest { access_key_id })
    }
    /// `AccessKeyId`.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
}

// ---------------------------------------------------------------------------------------------
// DecodeAuthorizationMessage

/// A `DecodeAuthorizationMessage` request: the encoded message an `AccessDenied` carried,
/// 1–[`MAX_ENCODED_MESSAGE_CHARS`] characters. Whether it is a message this STS sealed is the
/// Issuer's to check. `Debug` shows its length only.
///
/// ```
/// use tempcred::DecodeAuthorizationMessageRequest;
/// assert!(DecodeAuthorizationMessageRequest::new("AQ5rZXk").is_ok());
/// let e = DecodeAuthorizationMessageRequest::new("").unwrap_err();
/// assert!(e.message.contains("encodedMessage"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeAuthorizationMessageRequest {
    encoded_message: String,
}

impl DecodeAuthorizationMessageRequest {
    /// Validates the length (`ValidationError` outside 1–10 240 characters).
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) (`ValidationError`) outside 1–10240 characters.
    pub fn new(encoded_message: impl Into<String>) -> Result<Self, StsError> {
        let encoded_message = encoded_message.into();
        check_text(
            "encodedMessage",
            &encoded_message,
            1,
            MAX_ENCODED_MESSAGE_CHARS,
            "",
            |_| true,
        )?;
        Ok(DecodeAuthorizationMessageRequest { encoded_message })
    }

    /// The encoded message.
    #[must_use]
    pub fn encoded_message(&self) -> &str {
        &self.encoded_message
    }
}

impl fmt::Debug for DecodeAuthorizationMessageRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DecodeAuthorizationMessageRequest(<{} bytes>)",
            self.encoded_message.len()
        )
    }
}

/// Any STS request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StsRequest {
    /// `AssumeRole` (boxed: an `ExternalId` is stored inline and is large).
    AssumeRole(Box<AssumeRoleRequest>),
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest),
    /// `AssumeRoleWithSAML`.
    AssumeRoleWithSaml(AssumeRoleWithSamlRequest),
    /// `GetSessionToken`.
    GetSessionToken(GetSessionTokenRequest),
    /// `GetFederationToken`.
    GetFederationToken(GetFederationTokenRequest),
    /// `GetCallerIdentity`.
    GetCallerIdentity(GetCallerIdentityRequest),
    /// `GetWebIdentityToken`.
    GetWebIdentityToken(GetWebIdentityTokenRequest),
    /// `GetAccessKeyInfo`.
    GetAccessKeyInfo(GetAccessKeyInfoRequest),
    /// `DecodeAuthorizationMessage`.
    DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest),
}

impl StsRequest {
    /// The operation.
    #[must_use]
    pub fn action(&self) -> Action {
        match self {
            StsRequest::AssumeRole(_) => Action::AssumeRole,
            StsRequest::AssumeRoleWithWebIdentity(_) => Action::AssumeRoleWithWebIdentity,
            StsRequest::AssumeRoleWithSaml(_) => Action::AssumeRoleWithSaml,
            StsRequest::GetSessionToken(_) => Action::GetSessionToken,
            StsRequest::GetFederationToken(_) => Action::GetFederationToken,
            StsRequest::GetCallerIdentity(_) => Action::GetCallerIdentity,
            StsRequest::GetWebIdentityToken(_) => Action::GetWebIdentityToken,
            StsRequest::GetAccessKeyInfo(_) => Action::GetAccessKeyInfo,
            StsRequest::DecodeAuthorizationMessage(_) => Action::DecodeAuthorizationMessage,
        }
    }

    /// Whether AWS requires a SigV4 signature for this action (all but the web-identity and SAML
    /// operations, whose token or assertion is the credential).
    #[must_use]
    pub fn requires_signature(&self) -> bool {
        !matches!(
            self,
            StsRequest::AssumeRoleWithWebIdentity(_) | StsRequest::AssumeRoleWithSaml(_)
        )
    }
}

macro_rules! from_request {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for StsRequest {
            fn from(r: $ty) -> Self {
                StsRequest::$variant(r)
            }
        }
    )*};
}

impl From<AssumeRoleRequest> for StsRequest {
    fn from(r: AssumeRoleRequest) -> Self {
        StsRequest::AssumeRole(Box::new(r))
    }
}

from_request!(
    AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest),
    AssumeRoleWithSaml(AssumeRoleWithSamlRequest),
    GetSessionToken(GetSessionTokenRequest),
    GetFederationToken(GetFederationTokenRequest),
    GetCallerIdentity(GetCallerIdentityRequest),
    GetWebIdentityToken(GetWebIdentityTokenRequest),
    GetAccessKeyInfo(GetAccessKeyInfoRequest),
    DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest)
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::StsErrorCode;

    const ROLE: &str = "arn:aws:iam::123456789012:role/deploy";

    #[test]
    fn assume_role_rules() {
        assert!(AssumeRoleRequest::builder(ROLE, "ok").build().is_ok());
        let e = AssumeRoleRequest::builder("arn:aws:iam::1:r", "ok")
            .build()
            .unwrap_err();
        assert!(e.message.contains("roleArn"), "{e}");
        let e = AssumeRoleRequest::builder(ROLE, "ok")
            .duration_seconds(899)
            .build()
            .unwrap_err();
        assert!(e.message.contains("durationSeconds"));
        assert!(AssumeRoleRequest::builder(ROLE, "ok")
            .duration_seconds(43_201)
            .build()
            .is_err());
        let e = AssumeRoleRequest::builder(ROLE, "ok")
            .tag("a", "1")
            .transitive_tag_key("b")
            .build()
            .unwrap_err();
        assert!(e.message.contains("transitiveTagKeys"));
        let e = AssumeRoleRequest::builder(ROLE, "ok")
            .serial_number("arn:aws:iam::123456789012:mfa/alice")
            .build()
            .unwrap_err();
        assert_eq!(e.code, StsErrorCode::AccessDenied);
    }

    #[test]
    fn secrets_are_redacted() {
        let r = AssumeRoleRequest::builder(ROLE, "ok")
            .serial_number("arn:aws:iam::123456789012:mfa/alice")
            .token_code("987654");
        assert!(!format!("{r:?}").contains("987654"));
        let r = r.build().unwrap();
        assert!(!format!("{r:?}").contains("987654"));
        assert_eq!(r.token_code().unwrap().expose_secret(), "987654");
        let e = AssumeRoleRequest::builder(ROLE, "ok")
            .serial_number("arn:aws:iam::123456789012:mfa/alice")
            .token_code("98765x")
            .build()
            .unwrap_err();
        assert!(!e.message.contains("98765x"));
        let w = AssumeRoleWithWebIdentityRequest::builder(ROLE, "s1", "secret-jwt-text");
        assert!(!format!("{w:?}").contains("secret-jwt"));
        assert!(!format!("{:?}", w.build().unwrap()).contains("secret-jwt"));
        let s = AssumeRoleWithSamlRequest::builder(
            ROLE,
            "arn:aws:iam::123456789012:saml-provider/idp",
            "PHNhbWw+secret",
        );
        assert!(!format!("{s:?}").contains("PHNhbWw"));
        assert!(!format!("{:?}", s.build().unwrap()).contains("PHNhbWw"));
    }
}
