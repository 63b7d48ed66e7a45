//! Typed STS responses: the credentials plus the identity fields AWS returns for each operation.
//!
//! These are plain data built by the Issuer; [`crate::wire`] renders them as the AWS XML (or the
//! credential JSON). `Debug` never shows the secret: [`Credentials`] redacts it.

use crate::credentials::Credentials;
use crate::principal::AccountId;
use crate::request::{Action, WebIdentityToken};
use crate::session::SourceIdentity;
use crate::time::UnixTime;

/// The assumed-role session's identity, `<AssumedRoleUser>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumedRoleUser {
    /// `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`.
    pub arn: String,
    /// `AROA…:SESSION`.
    pub assumed_role_id: String,
}

/// The federated user's identity, `<FederatedUser>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FederatedUser {
    /// `arn:aws:sts::ACCT:federated-user/NAME`.
    pub arn: String,
    /// `ACCT:NAME`.
    pub federated_user_id: String,
}

/// The result of `AssumeRole`.
#[derive(Clone, Debug)]
pub struct AssumeRoleResponse {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The new session's identity.
    pub assumed_role_user: AssumedRoleUser,
    /// How much of the allowed space the session policy and tags use, in percent. AWS returns it
    /// only when a policy or tags were passed, so `None` omits the element.
    pub packed_policy_size: Option<u32>,
    /// The session's source identity, if any.
    pub source_identity: Option<SourceIdentity>,
}

/// The result of `AssumeRoleWithWebIdentity`.
#[derive(Clone, Debug)]
pub struct AssumeRoleWithWebIdentityResponse {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The token's `sub` claim.
    pub subject_from_web_identity_token: String,
    /// The new session's identity.
    pub assumed_role_user: AssumedRoleUser,
    /// Percent of the allowed space used by policy and tags, when any were passed.
    pub packed_policy_size: Option<u32>,
    /// The issuing provider (its `iss` without `https://`, or the `ProviderId`).
    pub provider: String,
    /// The token's audience (`aud` / the client ID).
    pub audience: String,
    /// The session's source identity, if any.
    pub source_identity: Option<SourceIdentity>,
}

/// The result of `AssumeRoleWithSAML`.
#[derive(Clone, Debug)]
pub struct AssumeRoleWithSamlResponse {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The new session's identity.
    pub assumed_role_user: AssumedRoleUser,
    /// Percent of the allowed space used by policy and tags, when any were passed.
    pub packed_policy_size: Option<u32>,
    /// The assertion's `NameID`.
    pub subject: String,
    /// The `NameID` format (`persistent`, `transient` or a full URI).
    pub subject_type: String,
    /// The assertion's issuer.
    pub issuer: String,
    /// The assertion's recipient (`https://signin.aws.amazon.com/saml` in AWS).
    pub audience: String,
    /// Hash of issuer, account and provider name, identifying the user.
    pub name_qualifier: String,
    /// The session's source identity, if any.
    pub source_identity: Option<SourceIdentity>,
}

/// The result of `GetSessionToken`.
#[derive(Clone, Debug)]
pub struct GetSessionTokenResponse {
    /// The temporary credentials.
    pub credentials: Credentials,
}

/// The result of `GetFederationToken`.
#[derive(Clone, Debug)]
pub struct GetFederationTokenResponse {
    /// The temporary credentials.
    pub credentials: Credentials,
    /// The federated user's identity.
    pub federated_user: FederatedUser,
    /// Percent of the allowed space used by policy and tags, when any were passed.
    pub packed_policy_size: Option<u32>,
}

/// The result of `GetCallerIdentity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetCallerIdentityResponse {
    /// The caller's account.
    pub account: AccountId,
    /// The caller's ARN.
    pub arn: String,
    /// The caller's unique ID (`AIDA…`, `AROA…:SESSION`, `ACCT:NAME` or the account ID).
    pub user_id: String,
}

/// The result of `GetWebIdentityToken`.
///
/// `Debug` shows the token's length, not the token: it is a bearer credential until it expires.
#[derive(Clone, Debug)]
pub struct GetWebIdentityTokenResponse {
    /// The signed JWT (compact JWS).
    pub web_identity_token: WebIdentityToken,
    /// When the token expires (its `exp`).
    pub expiration: UnixTime,
}

/// The result of `GetAccessKeyInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetAccessKeyInfoResponse {
    /// The account the access key ID belongs to.
    pub account: AccountId,
}

/// The result of `DecodeAuthorizationMessage`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeAuthorizationMessageResponse {
    /// The decoded message: AWS's JSON (see [`crate::authorization_message`]).
    pub decoded_message: String,
}

/// Any STS response.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum StsResponse {
    /// `AssumeRole`.
    AssumeRole(AssumeRoleResponse),
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityResponse),
    /// `AssumeRoleWithSAML`.
    AssumeRoleWithSaml(AssumeRoleWithSamlResponse),
    /// `GetSessionToken`.
    GetSessionToken(GetSessionTokenResponse),
    /// `GetFederationToken`.
    GetFederationToken(GetFederationTokenResponse),
    /// `GetCallerIdentity`.
    GetCallerIdentity(GetCallerIdentityResponse),
    /// `GetWebIdentityToken`.
    GetWebIdentityToken(GetWebIdentityTokenResponse),
    /// `GetAccessKeyInfo`.
    GetAccessKeyInfo(GetAccessKeyInfoResponse),
    /// `DecodeAuthorizationMessage`.
    DecodeAuthorizationMessage(DecodeAuthorizationMessageResponse),
}

impl StsResponse {
    /// The operation this answers.
    #[must_use]
    pub fn action(&self) -> Action {
        match self {
            StsResponse::AssumeRole(_) => Action::AssumeRole,
            StsResponse::AssumeRoleWithWebIdentity(_) => Action::AssumeRoleWithWebIdentity,
            StsResponse::AssumeRoleWithSaml(_) => Action::AssumeRoleWithSaml,
            StsResponse::GetSessionToken(_) => Action::GetSessionToken,
            StsResponse::GetFederationToken(_) => Action::GetFederationToken,
            StsResponse::GetCallerIdentity(_) => Action::GetCallerIdentity,
            StsResponse::GetWebIdentityToken(_) => Action::GetWebIdentityToken,
            StsResponse::GetAccessKeyInfo(_) => Action::GetAccessKeyInfo,
            StsResponse::DecodeAuthorizationMessage(_) => Action::DecodeAuthorizationMessage,
        }
    }

    /// The credentials, for the operations that issue them.
    #[must_use]
    pub fn credentials(&self) -> Option<&Credentials> {
        match self {
            StsResponse::AssumeRole(r) => Some(&r.credentials),
            StsResponse::AssumeRoleWithWebIdentity(r) => Some(&r.credentials),
            StsResponse::AssumeRoleWithSaml(r) => Some(&r.credentials),
            StsResponse::GetSessionToken(r) => Some(&r.credentials),
            StsResponse::GetFederationToken(r) => Some(&r.credentials),
            StsResponse::GetCallerIdentity(_)
            | StsResponse::GetWebIdentityToken(_)
            | StsResponse::GetAccessKeyInfo(_)
            | StsResponse::DecodeAuthorizationMessage(_) => None,
        }
    }
}

macro_rules! from_response {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for StsResponse {
            fn from(r: $ty) -> Self {
                StsResponse::$variant(r)
            }
        }
    )*};
}

from_response!(
    AssumeRole(AssumeRoleResponse),
    AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityResponse),
    AssumeRoleWithSaml(AssumeRoleWithSamlResponse),
    GetSessionToken(GetSessionTokenResponse),
    GetFederationToken(GetFederationTokenResponse),
    GetCallerIdentity(GetCallerIdentityResponse),
    GetWebIdentityToken(GetWebIdentityTokenResponse),
    GetAccessKeyInfo(GetAccessKeyInfoResponse),
    DecodeAuthorizationMessage(DecodeAuthorizationMessageResponse)
);
