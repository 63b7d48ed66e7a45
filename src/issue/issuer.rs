//! The Issuer and its operations.

use super::caller::{may_assume_role, Authentication, Caller, CredentialKind};
use super::duration::{self, DurationError};
use super::inherit::{child_session, InheritError, SessionAttributes};
use super::resolve::{self, add_caller, add_environment, Decision, Resolved};
use super::saml::{SamlAssertionValidator, SamlAttributes};
use crate::audit::{AuditAction, AuditEvent, AuditOutcome, AuditSink, NullAuditSink};
use crate::credentials::Credentials;
use crate::directory::{Directory, Role};
use crate::error::StsError;
use crate::keys::KeyRing;
use crate::limits::MAX_TOKEN_TEXT_BYTES;
use crate::mfa::MfaVerifier;
use crate::policy::{self, PolicyDocument, PrincipalGrant, RequestContext};
use crate::principal::{AccountId, Partition, PrincipalArn, RoleName};
use crate::random::{RandomSource, SystemRandom};
use crate::request::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    DecodeAuthorizationMessageRequest, GetFederationTokenRequest, GetSessionTokenRequest,
    StsRequest,
};
use crate::response::{
    AssumeRoleResponse, AssumeRoleWithSamlResponse, AssumeRoleWithWebIdentityResponse,
    AssumedRoleUser, DecodeAuthorizationMessageResponse, FederatedUser, GetCallerIdentityResponse,
    GetFederationTokenResponse, GetSessionTokenResponse, StsResponse,
};
use crate::session::{
    MfaSerialNumber, MfaTokenCode, RoleSessionName, SessionTags, SourceIdentity, TagKey,
};
use crate::time::{Clock, SystemClock, UnixTime};
use crate::token::{Claims, LongTermPrincipal, Operation, SealError, SessionPrincipal, TokenId};
use crate::verify::RevokedSessions;
use crate::web_identity::IdentityTokenValidator;
use std::net::IpAddr;
use std::sync::Arc;

/// The facts of one call that do not come from the request itself: when it happens and, if the
/// application knows it, the client's address (`aws:SourceIp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallEnv {
    /// The instant of the call.
    pub now: UnixTime,
    /// The client's IP address, if known.
    pub source_ip: Option<IpAddr>,
}

impl CallEnv {
    /// A call at `now` from an unknown address.
    #[must_use]
    pub fn at(now: UnixTime) -> Self {
        CallEnv {
            now,
            source_ip: None,
        }
    }

    /// The same call from `ip`.
    #[must_use]
    pub fn with_source_ip(mut self, ip: IpAddr) -> Self {
        self.source_ip = Some(ip);
        self
    }
}

/// Issues temporary credentials under AWS STS's delegation rules ([`manual::delegation_rules`](crate::manual::delegation_rules)).
///
/// Every operation validates its parameters, evaluates the trust and identity policies, applies
/// the lifetime and chaining rules, seals a session token with the key ring's signing key, and
/// records an audit event whether it succeeds or not. `Issuer` is `Send + Sync`.
///
/// ```
/// use std::sync::Arc;
/// use tempcred::{Caller, Issuer, KeyRing, SystemRandom, Verifier, UnixTime};
/// use tempcred::directory::InMemoryDirectory;
/// use tempcred::keys::KeyId;
/// use tempcred::AssumeRoleRequest;
///
/// let directory = InMemoryDirectory::from_json(r#"{
///   "users": [{ "arn": "arn:aws:iam::111111111111:user/alice",
///               "access_keys": [{ "id": "AKIAALICEEXAMPLE0001",
///                                 "secret": "aliceSecretKeyForTestsOnly0000000000000A" }] }],
///   "roles": [{ "arn": "arn:aws:iam::111111111111:role/deploy",
///               "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
///                  "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" },
///                  "Action": "sts:AssumeRole" }] } }]
/// }"#).unwrap();
/// let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SystemRandom).unwrap();
/// let issuer = Issuer::builder(Arc::new(directory), ring.clone()).build();
///
/// let alice = issuer.long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap()).unwrap();
/// let request = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "ci")
///     .build()
///     .unwrap();
/// let response = issuer.assume_role(&alice, &request).unwrap();
///
/// let session = Verifier::new(&ring)
///     .verify(response.credentials.session_token.expose_secret(), response.credentials.expiration.saturating_sub(60))
///     .unwrap();
/// assert_eq!(session.caller_identity().arn, "arn:aws:sts::111111111111:assumed-role/deploy/ci");
/// ```
pub struct Issuer {
    directory: Arc<dyn Directory>,
    ring: KeyRing,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    audit: Arc<dyn AuditSink>,
    mfa: Option<Arc<dyn MfaVerifier>>,
    web_identity: Option<Arc<dyn IdentityTokenValidator>>,
    saml: Option<Arc<dyn SamlAssertionValidator>>,
    revoked: RevokedSessions,
    #[cfg(feature = "oidc")]
    outbound: Option<crate::outbound::OutboundFederation>,
}

/// An operation at the issuer's clock: its `…_at` form at [`Issuer::now`]. Each clock form is
/// generated from this one definition, so none can differ from its explicit-time form.
macro_rules! at_the_issuers_clock {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $at:ident;)+) => {
        impl Issuer {
            $(
                $(#[$doc])*
                pub fn $name(&self, $($arg: $ty),*) -> Result<$ret, StsError> {
                    self.$at($($arg,)* &self.now())
                }
            )+
        }
    };
}

mod outbound;

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("ring", &self.ring)
            .field("mfa", &self.mfa.is_some())
            .field("web_identity", &self.web_identity.is_some())
            .field("saml", &self.saml.is_some())
            .field("revoked", &self.revoked)
            .field("outbound", &self.outbound_issuer())
            .finish_non_exhaustive()
    }
}

/// Builds an [`Issuer`]; only the directory and the key ring are required.
#[derive(Debug)]
pub struct IssuerBuilder {
    issuer: Issuer,
}

impl IssuerBuilder {
    /// Reads the time from `clock` (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.issuer.clock = clock;
        self
    }

    /// Draws token IDs from `random` (default: the operating system).
    pub fn random(mut self, random: Arc<dyn RandomSource>) -> Self {
        self.issuer.random = random;
        self
    }

    /// Sends an audit event for every attempt to `sink` (default: nowhere).
    pub fn audit_sink(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.issuer.audit = sink;
        self
    }

    /// Checks MFA codes with `mfa`. Without one, any request with `SerialNumber` is refused.
    pub fn mfa_verifier(mut self, mfa: Arc<dyn MfaVerifier>) -> Self {
        self.issuer.mfa = Some(mfa);
        self
    }

    /// Validates web-identity tokens with `validator`. Without one, `AssumeRoleWithWebIdentity`
    /// is refused.
    pub fn web_identity_validator(mut self, validator: Arc<dyn IdentityTokenValidator>) -> Self {
        self.issuer.web_identity = Some(validator);
        self
    }

    /// Validates SAML assertions with `validator`. Without one, `AssumeRoleWithSAML` is refused.
    pub fn saml_validator(mut self, validator: Arc<dyn SamlAssertionValidator>) -> Self {
        self.issuer.saml = Some(validator);
        self
    }

    /// Refuses callers whose sessions `revoked` lists (AWS's "revoke active sessions"): a
    /// revoked session can neither chain nor call any other operation. The [`StsEndpoint`]
    /// built on this issuer verifies request signatures with the same snapshot.
    ///
    /// [`StsEndpoint`]: crate::endpoint::StsEndpoint
    #[must_use]
    pub fn revoked_sessions(mut self, revoked: RevokedSessions) -> Self {
        self.issuer.revoked = revoked;
        self
    }

    /// Enables `GetWebIdentityToken`: tokens with `iss` = the federation's issuer URL, signed
    /// with its keys (default: none, and `GetWebIdentityToken` is refused with
    /// `OutboundWebIdentityFederationDisabledException`, as in an AWS account that has not
    /// enabled the feature).
    #[cfg(feature = "oidc")]
    #[must_use]
    pub fn outbound_federation(mut self, federation: crate::outbound::OutboundFederation) -> Self {
        self.issuer.outbound = Some(federation);
        self
    }

    /// The issuer.
    #[must_use]
    pub fn build(self) -> Issuer {
        self.issuer
    }
}

/// A token just sealed, with what the audit event records of it.
struct Minted {
    credentials: Credentials,
    token_id: TokenId,
    /// Reported, as AWS does, only when the session carries session policies or tags.
    packed_policy_size: Option<u32>,
    source_identity: Option<SourceIdentity>,
}

/// What an attempt is about, for its audit event.
#[derive(Default)]
struct Attempt {
    caller_arn: Option<String>,
    caller_authentication: Option<Authentication>,
    target: Option<String>,
    session_name: Option<String>,
    source_identity: Option<SourceIdentity>,
    subject: Option<String>,
    caller_caveats: Option<u8>,
    caller_access_key_id: Option<crate::AccessKeyId>,
}

impl Attempt {
    /// The attempt of an authenticated caller: its ARN, how it proved who it is, the access key
    /// ID of a session (public; it tells an attenuated child from its parent and its siblings),
    /// and how many caveats its credentials carry if they were attenuated.
    fn for_caller(caller: &Caller) -> Self {
        Attempt {
            caller_arn: Some(caller.arn()),
            caller_authentication: Some(caller.authentication()),
            caller_caveats: caller
                .session()
                .and_then(|s| s.attenuation())
                .and_then(|a| u8::try_from(a.caveat_count()).ok()),
            caller_access_key_id: caller.session().map(|s| *s.access_key_id()),
            ..Attempt::default()
        }
    }
}

fn refused(caller_arn: &str, action: &str, resource: &str) -> StsError {
    StsError::not_authorized(caller_arn, action, resource)
}

fn duration_error(e: DurationError) -> StsError {
    StsError::validation(e.message())
}

fn inherit_error(e: InheritError) -> StsError {
    match e {
        InheritError::SourceIdentityChanged => StsError::access_denied(e.message()),
        other => StsError::validation(other.message()),
    }
}

/// `PackedPolicySize`: the share of the token size limit used, in percent (rounded up).
fn packed_size(token_len: usize) -> u32 {
    let pct = token_len.saturating_mul(100).div_ceil(MAX_TOKEN_TEXT_BYTES);
    u32::try_from(pct).unwrap_or(u32::MAX)
}

at_the_issuers_clock! {
    /// `AssumeRole`, now.
    ///
    /// # Errors
    ///
    /// As the operation's `…_at` form, at the issuer's clock.
    fn assume_role(caller: &Caller, request: &AssumeRoleRequest)
        -> AssumeRoleResponse = assume_role_at;
    /// `AssumeRole` by a service principal such as `ec2.amazonaws.com` (the instance-role case):
    /// the role's trust policy must name the service. Not role chaining.
    ///
    /// # Errors
    ///
    /// As the operation's `…_at` form, at the issuer's clock.
    fn assume_role_for_service(service: &str, request: &AssumeRoleRequest)
        -> AssumeRoleResponse = assume_role_for_service_at;
    /// `AssumeRoleWithWebIdentity`, now.
    ///
    /// # Errors
    ///
    /// As the operation's `…_at` form, at the issuer's clock.
    fn assume_role_with_web_identity(request: &AssumeRoleWithWebIdentityRequest)
        -> AssumeRoleWithWebIdentityResponse = assume_role_with_web_identity_at;
    /// `AssumeRoleWithSAML`, now.
    ///
    /// # Errors
    ///
    /// As the operation's `…_at` form, at the issuer's clock.
    fn assume_role_with_saml(request: &AssumeRoleWithSamlRequest)
        -> AssumeRoleWithSamlResponse = assume_role_with_saml_at;
    /// `GetSessionToken`, now.
    ///
    /// # Errors
    ///
    /// As the operation's `…_at` form, at the issuer's clock.
    fn get_session_token(caller: &Caller, request: &GetSessionTokenRequest)
        -> GetSessionTokenResponse = get_session_token_at;
    /// `GetFederationToken`, now.
    ///
    /// # Errors
    ///
    /// As the operation's `…_at` form, at the issuer's clock.
    fn get_federation_token(caller: &Caller, request: &GetFederationTokenRequest)
        -> GetFederationTokenResponse = get_federation_token_at;
    /// `GetCallerIdentity`: who the caller is. It needs no permission and no policy can deny it;
    /// only a session that has expired or been revoked since it was verified is refused.
    ///
    /// # Errors
    ///
    /// `ExpiredToken` or `InvalidClientTokenId` for such a session.
    fn get_caller_identity(caller: &Caller) -> GetCallerIdentityResponse = get_caller_identity_at;
    /// `DecodeAuthorizationMessage`, now: the JSON explanation sealed into an `AccessDenied`
    /// (see the `authorization_message` module, feature `authorization-messages`; without the
    /// feature every message is refused).
    ///
    /// ```
    /// # #[cfg(feature = "authorization-messages")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # use std::sync::Arc;
    /// # use tempcred::directory::{demo_directory_json, InMemoryDirectory};
    /// # use tempcred::*;
    /// use tempcred::authorization_message::AuthorizationMessages;
    /// use tempcred::authorize::{AuthorizationRequest, Authorizer};
    /// # let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    /// # let ring = KeyRing::generate(tempcred::keys::KeyId::new("k")?, &SystemRandom)?;
    /// let issuer = Issuer::builder(directory.clone(), ring.clone()).build();
    /// let alice = issuer.long_term_caller(&"AKIADEMOALICE0000001".parse()?).ok_or("alice")?;
    /// // A service sharing the ring refuses alice something…
    /// let authorizer = Authorizer::new(directory)
    ///     .with_authorization_messages(AuthorizationMessages::new(ring));
    /// let refused = authorizer
    ///     .require_caller(&alice, &AuthorizationRequest::new("iam:DeleteUser", "*"), issuer.now().now)
    ///     .unwrap_err();
    /// // …and alice, whose demo policy allows sts:DecodeAuthorizationMessage, reads why.
    /// let request = DecodeAuthorizationMessageRequest::new(
    ///     refused.encoded_authorization_message().ok_or("no message")?)?;
    /// let decoded = issuer.decode_authorization_message(&alice, &request)?.decoded_message;
    /// assert!(decoded.contains(r#""action":"iam:DeleteUser""#));
    /// # Ok(()) }
    /// # #[cfg(not(feature = "authorization-messages"))]
    /// # fn main() {}
    /// ```
    ///
    /// # Errors
    ///
    /// `AccessDenied` unless the caller's policies (∩ its session policies) allow
    /// `sts:DecodeAuthorizationMessage` on `*`, or when it holds `GetSessionToken` or
    /// federated-user credentials (which may not call it); then, and only then,
    /// `InvalidAuthorizationMessageException` for a message this issuer's ring did not seal, an
    /// altered one, one about a refusal in another account, or an expired one.
    fn decode_authorization_message(caller: &Caller, request: &DecodeAuthorizationMessageRequest)
        -> DecodeAuthorizationMessageResponse = decode_authorization_message_at;
}

impl Issuer {
    /// Starts building an issuer over `directory` that signs with `ring`.
    pub fn builder(directory: Arc<dyn Directory>, ring: KeyRing) -> IssuerBuilder {
        IssuerBuilder {
            issuer: Issuer {
                directory,
                ring,
                clock: Arc::new(SystemClock),
                random: Arc::new(SystemRandom),
                audit: Arc::new(NullAuditSink),
                mfa: None,
                web_identity: None,
                saml: None,
                revoked: RevokedSessions::default(),
                #[cfg(feature = "oidc")]
                outbound: None,
            },
        }
    }

    /// The revocation snapshot the issuer refuses session callers by.
    #[must_use]
    pub fn revoked_sessions(&self) -> &RevokedSessions {
        &self.revoked
    }

    /// The directory the issuer reads.
    #[must_use]
    pub fn directory(&self) -> &Arc<dyn Directory> {
        &self.directory
    }

    /// The key ring the issuer signs with.
    #[must_use]
    pub fn key_ring(&self) -> &KeyRing {
        &self.ring
    }

    /// The outbound identity federation (`GetWebIdentityToken`), when enabled: its issuer URL,
    /// keys, JWKS and discovery document.
    #[cfg(feature = "oidc")]
    #[must_use]
    pub fn outbound_federation(&self) -> Option<&crate::outbound::OutboundFederation> {
        self.outbound.as_ref()
    }

    fn outbound_issuer(&self) -> Option<&str> {
        #[cfg(feature = "oidc")]
        return self.outbound.as_ref().map(|o| o.issuer());
        #[cfg(not(feature = "oidc"))]
        None
    }

    /// The current call environment from the issuer's clock.
    #[must_use]
    pub fn now(&self) -> CallEnv {
        CallEnv::at(self.clock.now())
    }

    /// The caller behind a long-term access key, from the directory. Checking the request's
    /// signature is the caller's job (see the `sigv4` module).
    #[must_use]
    pub fn long_term_caller(&self, id: &crate::AccessKeyId) -> Option<Caller> {
        let (owner, _) = self.directory.user_by_access_key(id)?;
        Some(Caller::long_term(&owner, Authentication::AccessKey))
    }

    /// Runs any operation: what the Query API front end calls. `caller` is `None` for the unsigned
    /// operations (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`); the signed ones without a
    /// caller are refused with `MissingAuthenticationToken`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) with the code and message AWS answers: `AccessDenied` when the
    /// trust or identity policies do not allow (an unknown role is refused the same way),
    /// `ValidationError` for a lifetime or parameter out of range, `ExpiredToken` /
    /// `InvalidClientTokenId` for a caller's session that is no longer live, revoked or not this
    /// issuer's, `PackedPolicyTooLarge` when the token would exceed 4096 bytes. Signed operations
    /// without a caller are `MissingAuthenticationToken`.
    pub fn handle(
        &self,
        caller: Option<&Caller>,
        request: &StsRequest,
        env: &CallEnv,
    ) -> Result<StsResponse, StsError> {
        let need = || caller.ok_or_else(StsError::missing_authentication_token);
        Ok(match request {
            StsRequest::AssumeRole(r) => {
                StsResponse::AssumeRole(self.assume_role_at(need()?, r, env)?)
            }
            StsRequest::AssumeRoleWithWebIdentity(r) => StsResponse::AssumeRoleWithWebIdentity(
                self.assume_role_with_web_identity_at(r, env)?,
            ),
            StsRequest::AssumeRoleWithSaml(r) => {
                StsResponse::AssumeRoleWithSaml(self.assume_role_with_saml_at(r, env)?)
            }
            StsRequest::GetSessionToken(r) => {
                StsResponse::GetSessionToken(self.get_session_token_at(need()?, r, env)?)
            }
            StsRequest::GetFederationToken(r) => {
                StsResponse::GetFederationToken(self.get_federation_token_at(need()?, r, env)?)
            }
            StsRequest::GetCallerIdentity(_) => {
                StsResponse::GetCallerIdentity(self.get_caller_identity_at(need()?, env)?)
            }
            StsRequest::GetWebIdentityToken(r) => {
                StsResponse::GetWebIdentityToken(self.get_web_identity_token_at(need()?, r, env)?)
            }
            StsRequest::GetAccessKeyInfo(r) => {
                StsResponse::GetAccessKeyInfo(self.get_access_key_info_at(need()?, r, env)?)
            }
            StsRequest::DecodeAuthorizationMessage(r) => StsResponse::DecodeAuthorizationMessage(
                self.decode_authorization_message_at(need()?, r, env)?,
            ),
        })
    }

    // ---- operations at an explicit instant ----

    /// `DecodeAuthorizationMessage` at `env.now`.
    ///
    /// # Errors
    ///
    /// As [`Issuer::decode_authorization_message`].
    pub fn decode_authorization_message_at(
        &self,
        caller: &Caller,
        request: &DecodeAuthorizationMessageRequest,
        env: &CallEnv,
    ) -> Result<DecodeAuthorizationMessageResponse, StsError> {
        let mut attempt = Attempt::for_caller(caller);
        let result = self.decode_authorization_message_inner(caller, request, env);
        if let Ok((_, refused_arn)) = &result {
            attempt.target.clone_from(refused_arn);
        }
        self.record::<()>(
            env,
            AuditAction::DecodeAuthorizationMessage,
            &mut attempt,
            result.as_ref().map(|_| &()),
        );
        result.map(|(decoded_message, _)| DecodeAuthorizationMessageResponse { decoded_message })
    }

    /// `AssumeRole` at `env.now`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) with the code and message AWS answers: `AccessDenied` when the
    /// trust or identity policies do not allow (an unknown role is refused the same way),
    /// `ValidationError` for a lifetime or parameter out of range, `ExpiredToken` /
    /// `InvalidClientTokenId` for a caller's session that is no longer live, revoked or not this
    /// issuer's, `PackedPolicyTooLarge` when the token would exceed 4096 bytes.
    pub fn assume_role_at(
        &self,
        caller: &Caller,
        request: &AssumeRoleRequest,
        env: &CallEnv,
    ) -> Result<AssumeRoleResponse, StsError> {
        let mut attempt = Attempt {
            target: Some(request.role_arn().to_owned()),
            session_name: Some(request.role_session_name().to_string()),
            source_identity: request.source_identity().copied(),
            ..Attempt::for_caller(caller)
        };
        let result = self.assume_role_inner(caller, request, env);
        self.record(
            env,
            AuditAction::AssumeRole,
            &mut attempt,
            result.as_ref().map(|(m, _)| m),
        );
        result.map(|(minted, user)| AssumeRoleResponse {
            packed_policy_size: minted.packed_policy_size,
            source_identity: minted.source_identity,
            credentials: minted.credentials,
            assumed_role_user: user,
        })
    }

    /// `AssumeRole` by a service principal at `env.now`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) with the code and message AWS answers: `AccessDenied` when the
    /// trust or identity policies do not allow (an unknown role is refused the same way),
    /// `ValidationError` for a lifetime or parameter out of range, `ExpiredToken` /
    /// `InvalidClientTokenId` for a caller's session that is no longer live, revoked or not this
    /// issuer's, `PackedPolicyTooLarge` when the token would exceed 4096 bytes.
    pub fn assume_role_for_service_at(
        &self,
        service: &str,
        request: &AssumeRoleRequest,
        env: &CallEnv,
    ) -> Result<AssumeRoleResponse, StsError> {
        let mut attempt = Attempt {
            caller_arn: Some(service.to_owned()),
            target: Some(request.role_arn().to_owned()),
            session_name: Some(request.role_session_name().to_string()),
            ..Attempt::default()
        };
        let result = self.assume_role_for_service_inner(service, request, env);
        self.record(
            env,
            AuditAction::AssumeRoleForService,
            &mut attempt,
            result.as_ref().map(|(m, _)| m),
        );
        result.map(|(minted, user)| AssumeRoleResponse {
            packed_policy_size: minted.packed_policy_size,
            source_identity: minted.source_identity,
            credentials: minted.credentials,
            assumed_role_user: user,
        })
    }

    /// `GetSessionToken` at `env.now`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) with the code and message AWS answers: `AccessDenied` when the
    /// trust or identity policies do not allow (an unknown role is refused the same way),
    /// `ValidationError` for a lifetime or parameter out of range, `ExpiredToken` /
    /// `InvalidClientTokenId` for a caller's session that is no longer live, revoked or not this
    /// issuer's, `PackedPolicyTooLarge` when the token would exceed 4096 bytes.
    pub fn get_session_token_at(
        &self,
        caller: &Caller,
        request: &GetSessionTokenRequest,
        env: &CallEnv,
    ) -> Result<GetSessionTokenResponse, StsError> {
        let mut attempt = Attempt::for_caller(caller);
        let result = self.get_session_token_inner(caller, request, env);
        self.record(
            env,
            AuditAction::GetSessionToken,
            &mut attempt,
            result.as_ref(),
        );
        result.map(|m| GetSessionTokenResponse {
            credentials: m.credentials,
        })
    }

    /// `GetFederationToken` at `env.now`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) with the code and message AWS answers: `AccessDenied` when the
    /// trust or identity policies do not allow (an unknown role is refused the same way),
    /// `ValidationError` for a lifetime or parameter out of range, `ExpiredToken` /
    /// `InvalidClientTokenId` for a caller's session that is no longer live, revoked or not this
    /// issuer's, `PackedPolicyTooLarge` when the token would exceed 4096 bytes.
    pub fn get_federation_token_at(
        &self,
        caller: &Caller,
        request: &GetFederationTokenRequest,
        env: &CallEnv,
    ) -> Result<GetFederationTokenResponse, StsError> {
        let (p, a) = (caller.partition(), caller.account());
        let fed_arn = format!("arn:{p}:sts::{a}:federated-user/{}", request.name());
        let mut attempt = Attempt {
            target: Some(fed_arn.clone()),
            session_name: Some(request.name().to_string()),
            ..Attempt::for_caller(caller)
        };
        let result = self.get_federation_token_inner(caller, request, &fed_arn, env);
        self.record(
            env,
            AuditAction::GetFederationToken,
            &mut attempt,
            result.as_ref(),
        );
        result.map(|m| GetFederationTokenResponse {
            packed_policy_size: m.packed_policy_size,
            credentials: m.credentials,
            federated_user: FederatedUser {
                federated_user_id: format!("{a}:{}", request.name()),
                arn: fed_arn,
            },
        })
    }

    /// `GetCallerIdentity` at `env.now`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError): `ExpiredToken` / `InvalidClientTokenId` for a session no
    /// longer live, revoked or not this issuer's; `AccessDenied` for a long-term caller no longer
    /// in the directory.
    pub fn get_caller_identity_at(
        &self,
        caller: &Caller,
        env: &CallEnv,
    ) -> Result<GetCallerIdentityResponse, StsError> {
        let mut attempt = Attempt::for_caller(caller);
        // The ARN the attempt already wrote, not written a second time.
        let arn = attempt.caller_arn.clone().unwrap_or_else(|| caller.arn());
        let (account, user_id) = (caller.account(), caller.user_id());
        // A session is its own proof; a long-term or application-authenticated identity must
        // still be in the directory, under the same unique ID.
        let live = self
            .accept(caller, env, AuditAction::GetCallerIdentity)
            .and_then(|()| match caller.session() {
                Some(_) => Ok(()),
                None => resolve::resolve(&*self.directory, caller).map(drop),
            });
        self.record::<()>(
            env,
            AuditAction::GetCallerIdentity,
            &mut attempt,
            live.as_ref().map(|()| &()),
        );
        live.map(|()| GetCallerIdentityResponse {
            account,
            arn,
            user_id,
        })
    }

    /// `AssumeRoleWithWebIdentity` at `env.now`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) with the code and message AWS answers: `AccessDenied` when the
    /// trust or identity policies do not allow (an unknown role is refused the same way),
    /// `ValidationError` for a lifetime or parameter out of range, `ExpiredToken` /
    /// `InvalidClientTokenId` for a caller's session that is no longer live, revoked or not this
    /// issuer's, `PackedPolicyTooLarge` when the token would exceed 4096 bytes. Token problems are
    /// `InvalidIdentityToken`, `ExpiredTokenException` or `IDPRejectedClaim`, as AWS names them.
    pub fn assume_role_with_web_identity_at(
        &self,
        request: &AssumeRoleWithWebIdentityRequest,
        env: &CallEnv,
    ) -> Result<AssumeRoleWithWebIdentityResponse, StsError> {
        let mut attempt = Attempt {
            target: Some(request.role_arn().to_owned()),
            session_name: Some(request.role_session_name().to_string()),
            ..Attempt::default()
        };
        let result = self.web_identity_inner(request, env, &mut attempt);
        self.record(
            env,
            AuditAction::AssumeRoleWithWebIdentity,
            &mut attempt,
            result.as_ref().map(|r| &r.0),
        );
        result.map(
            |(minted, user, identity)| AssumeRoleWithWebIdentityResponse {
                packed_policy_size: minted.packed_policy_size,
                source_identity: minted.source_identity,
                credentials: minted.credentials,
                subject_from_web_identity_token: identity.subject,
                assumed_role_user: user,
                provider: identity.issuer,
                audience: identity.audience,
            },
        )
    }

    /// `AssumeRoleWithSAML` at `env.now`.
    ///
    /// # Errors
    ///
    /// [`StsError`](crate::StsError) with the code and message AWS answers: `AccessDenied` when the
    /// trust or identity policies do not allow (an unknown role is refused the same way),
    /// `ValidationError` for a lifetime or parameter out of range, `ExpiredToken` /
    /// `InvalidClientTokenId` for a caller's session that is no longer live, revoked or not this
    /// issuer's, `PackedPolicyTooLarge` when the token would exceed 4096 bytes. Assertion problems
    /// are `InvalidIdentityToken` or `IDPRejectedClaim`, as AWS names them.
    pub fn assume_role_with_saml_at(
        &self,
        request: &AssumeRoleWithSamlRequest,
        env: &CallEnv,
    ) -> Result<AssumeRoleWithSamlResponse, StsError> {
        let mut attempt = Attempt {
            target: Some(request.role_arn().to_owned()),
            caller_arn: Some(request.principal_arn().to_owned()),
            ..Attempt::default()
        };
        let result = self.saml_inner(request, env, &mut attempt);
        self.record(
            env,
            AuditAction::AssumeRoleWithSaml,
            &mut attempt,
            result.as_ref().map(|r| &r.0),
        );
        result.map(|(minted, user, attrs)| AssumeRoleWithSamlResponse {
            packed_policy_size: minted.packed_policy_size,
            source_identity: minted.source_identity,
            credentials: minted.credentials,
            assumed_role_user: user,
            subject: attrs.subject,
            subject_type: attrs.subject_type,
            issuer: attrs.issuer,
            audience: attrs.audience,
            name_qualifier: attrs.name_qualifier,
        })
    }

    // ---- the rules ----

    fn assume_role_inner(
        &self,
        caller: &Caller,
        request: &AssumeRoleRequest,
        env: &CallEnv,
    ) -> Result<(Minted, AssumedRoleUser), StsError> {
        self.accept(caller, env, AuditAction::AssumeRole)?;
        let caller_arn = caller.arn();
        let kind = caller.kind();
        if matches!(
            kind,
            CredentialKind::Root | CredentialKind::SessionTokenOfRoot
        ) {
            return Err(StsError::access_denied(
                "Roles may not be assumed by root accounts.",
            ));
        }
        if !may_assume_role(kind) {
            return Err(refused(&caller_arn, "sts:AssumeRole", request.role_arn()));
        }
        let target = self.target(
            request.role_arn(),
            request.duration_seconds(),
            request.policy(),
            request.policy_arns(),
        )?;
        let resolved = resolve::resolve(&*self.directory, caller)?;
        let mfa_now = self.check_mfa(
            &resolved,
            request.serial_number(),
            request.token_code(),
            env,
        )?;
        let mut context = Vec::new();
        if let Some(ext) = request.external_id() {
            context.push(("sts:ExternalId".to_owned(), vec![ext.as_str().to_owned()]));
        }
        self.assume(
            &target,
            Assumption {
                operation: Operation::AssumeRole,
                action: "sts:AssumeRole",
                principal: resolved.principal.clone(),
                caller_name: &caller_arn,
                iam_caller: Some(&resolved),
                chaining: kind == CredentialKind::RoleSession,
                session_name: *request.role_session_name(),
                tags: request.tags(),
                transitive: request.transitive_tag_keys().cloned().collect(),
                source_identity: request.source_identity(),
                mfa_now,
                context,
            },
            env,
        )
    }

    fn assume_role_for_service_inner(
        &self,
        service: &str,
        request: &AssumeRoleRequest,
        env: &CallEnv,
    ) -> Result<(Minted, AssumedRoleUser), StsError> {
        let target = self.target(
            request.role_arn(),
            request.duration_seconds(),
            request.policy(),
            request.policy_arns(),
        )?;
        if request.serial_number().is_some() || request.external_id().is_some() {
            return Err(StsError::validation(
                "SerialNumber and ExternalId are not used when a service assumes a role.",
            ));
        }
        self.assume(
            &target,
            Assumption {
                operation: Operation::AssumeRoleForService,
                action: "sts:AssumeRole",
                principal: policy::RequestPrincipal::service(service),
                caller_name: service,
                iam_caller: None,
                chaining: false,
                session_name: *request.role_session_name(),
                tags: request.tags(),
                transitive: request.transitive_tag_keys().cloned().collect(),
                source_identity: request.source_identity(),
                mfa_now: None,
                context: Vec::new(),
            },
            env,
        )
    }

    fn web_identity_inner(
        &self,
        request: &AssumeRoleWithWebIdentityRequest,
        env: &CallEnv,
        attempt: &mut Attempt,
    ) -> Result<
        (
            Minted,
            AssumedRoleUser,
            crate::web_identity::ValidatedIdentity,
        ),
        StsError,
    > {
        let target = self.target(
            request.role_arn(),
            request.duration_seconds(),
            request.policy(),
            request.policy_arns(),
        )?;
        let validator = self.web_identity.as_ref().ok_or_else(|| {
            StsError::invalid_identity_token("Web identity federation is not configured.")
        })?;
        let token = request.web_identity_token().expose_secret();
        let issuer = crate::web_identity::unverified_issuer(token)?;
        let provider = self
            .directory
            .oidc_provider_by_url(target.account, &issuer)
            .filter(|p| p.partition() == target.partition)
            .ok_or_else(|| {
                StsError::invalid_identity_token(
                    "No OpenIDConnect provider found in your account for the issuer of the token.",
                )
            })?;
        let identity = validator.validate(token, &provider, env.now)?;
        attempt.caller_arn = Some(identity.provider_arn.clone());
        attempt.subject = Some(identity.subject.clone());
        attempt.source_identity = identity.source_identity;
        let mut context = identity.context_keys();
        context.push((
            "aws:FederatedProvider".to_owned(),
            vec![identity.provider_arn.clone()],
        ));
        let minted = self.assume(
            &target,
            Assumption {
                operation: Operation::AssumeRoleWithWebIdentity,
                action: "sts:AssumeRoleWithWebIdentity",
                principal: policy::RequestPrincipal::federated(&identity.provider_arn),
                caller_name: &identity.provider_arn,
                iam_caller: None,
                chaining: false,
                session_name: *request.role_session_name(),
                tags: &identity.tags,
                transitive: identity.tags.transitive().map(|t| t.key.clone()).collect(),
                source_identity: identity.source_identity.as_ref(),
                mfa_now: None,
                context,
            },
            env,
        )?;
        Ok((minted.0, minted.1, identity))
    }

    fn saml_inner(
        &self,
        request: &AssumeRoleWithSamlRequest,
        env: &CallEnv,
        attempt: &mut Attempt,
    ) -> Result<(Minted, AssumedRoleUser, SamlAttributes), StsError> {
        let target = self.target(
            request.role_arn(),
            request.duration_seconds(),
            request.policy(),
            request.policy_arns(),
        )?;
        let validator = self.saml.as_ref().ok_or_else(|| {
            StsError::invalid_identity_token("SAML federation is not configured.")
        })?;
        let provider = self
            .directory
            .saml_provider(request.principal_arn())
            .ok_or_else(|| StsError::invalid_identity_token("The SAML provider does not exist."))?;
        let saml =
            validator.validate(request.saml_assertion().expose_secret(), &provider, env.now)?;
        attempt.subject = Some(saml.subject.clone());
        attempt.session_name = Some(saml.role_session_name.to_string());
        attempt.source_identity = saml.source_identity;
        let provider_arn = request.principal_arn();
        let key = |k: &str, v: &str| (k.to_owned(), vec![v.to_owned()]);
        let context = vec![
            key("aws:FederatedProvider", provider_arn),
            key("SAML:sub", &saml.subject),
            key("SAML:sub_type", &saml.subject_type),
            key("SAML:iss", &saml.issuer),
            key("SAML:aud", &saml.audience),
            key("SAML:namequalifier", &saml.name_qualifier),
        ];
        let minted = self.assume(
            &target,
            Assumption {
                operation: Operation::AssumeRoleWithSaml,
                action: "sts:AssumeRoleWithSAML",
                principal: policy::RequestPrincipal::federated(provider_arn),
                caller_name: provider_arn,
                iam_caller: None,
                chaining: false,
                session_name: saml.role_session_name,
                tags: &saml.tags,
                transitive: saml.transitive_tag_keys.clone(),
                source_identity: saml.source_identity.as_ref(),
                mfa_now: None,
                context,
            },
            env,
        )?;
        Ok((minted.0, minted.1, saml))
    }

    /// Checks what a request says about its target before anything about the caller: the role
    /// ARN's shape and the session policies (`ValidationError` and
    /// `MalformedPolicyDocument` come first, as with AWS).
    fn target(
        &self,
        role_arn: &str,
        duration: Option<u32>,
        policy: Option<&str>,
        policy_arns: &[String],
    ) -> Result<Target, StsError> {
        let (arn, partition, account, name) = parse_role_arn(role_arn)?;
        // The duration's range (900–43200) is already guaranteed by the request types, whose
        // builders refuse anything else; what is left is the role's own maximum.
        Ok(Target {
            session_policies: self.parse_session_policies(policy, policy_arns)?,
            arn,
            partition,
            account,
            name,
            requested_secs: duration,
        })
    }

    /// The part of every way of assuming a role that does not depend on the way in: what the
    /// session inherits, the role lookup, the trust policy (and, for IAM callers, their own
    /// policies) for every action the request needs, the lifetime, and the token.
    fn assume(
        &self,
        target: &Target,
        a: Assumption<'_>,
        env: &CallEnv,
    ) -> Result<(Minted, AssumedRoleUser), StsError> {
        let parent = a.iam_caller.and_then(|r| r.session.as_ref());
        let attrs = child_session(parent, a.tags, &a.transitive, a.source_identity, a.mfa_now)
            .map_err(inherit_error)?;
        // A role that does not exist is refused exactly like a role that does not trust the
        // caller. The lookup comes after every check that does not depend on the role (MFA,
        // inherited source identity and tags), so those answer the same either way.
        let deny = |action: &str| refused(a.caller_name, action, &target.arn);
        let role = self
            .find_role(target.partition, target.account, &target.name, &target.arn)
            .ok_or_else(|| deny(a.action))?;

        let mut ctx = RequestContext::new(a.action)
            .with_resource(&target.arn)
            .with_principal(a.principal);
        add_environment(&mut ctx, env.now, env.source_ip);
        if let Some(caller) = a.iam_caller {
            add_caller(&mut ctx, caller, env.now);
        }
        if a.mfa_now.is_some() {
            ctx.insert_bool("aws:MultiFactorAuthPresent", true);
            ctx.insert_number("aws:MultiFactorAuthAge", 0);
        }
        ctx.insert("sts:RoleSessionName", a.session_name.as_str());
        for (key, values) in &a.context {
            ctx.insert_all(key, values.iter().map(String::as_str));
        }
        add_request_tags(&mut ctx, a.tags, &a.transitive);
        if let Some(si) = a.source_identity {
            ctx.insert("sts:SourceIdentity", si.as_str());
        }

        let passes_tags = !a.tags.is_empty() || !a.transitive.is_empty();
        for action in session_actions(a.action, &attrs, passes_tags) {
            ctx.set_action(action);
            let trust = policy::evaluate_trust(role.trust_policy(), &ctx);
            if !trust.is_allowed() {
                return Err(deny(action));
            }
            if let Some(caller) = a.iam_caller {
                if !identity_side_allows(caller, &ctx, target.account, trust.principal_grant()) {
                    return Err(deny(action));
                }
            }
        }

        let secs = duration::role_session(
            target.requested_secs,
            role.max_session_duration(),
            a.chaining,
        )
        .map_err(duration_error)?;
        let minted = self.mint(
            env,
            a.operation,
            &role,
            a.session_name,
            attrs,
            secs,
            &target.session_policies,
        )?;
        Ok((minted, assumed_role_user(&role, &a.session_name)))
    }

    fn get_session_token_inner(
        &self,
        caller: &Caller,
        request: &GetSessionTokenRequest,
        env: &CallEnv,
    ) -> Result<Minted, StsError> {
        self.accept(caller, env, AuditAction::GetSessionToken)?;
        let (partition, account, principal, secs) =
            long_term_session(caller, "GetSessionToken", request.duration_seconds())?;
        let resolved = resolve::resolve(&*self.directory, caller)?;
        let mfa = self.check_mfa(
            &resolved,
            request.serial_number(),
            request.token_code(),
            env,
        )?;
        let claims = Claims {
            mfa_authenticated_at: mfa,
            ..self.new_claims(
                env,
                secs,
                Operation::GetSessionToken,
                (partition, account),
                SessionPrincipal::LongTerm(principal.clone()),
            )?
        };
        self.seal(&claims)
    }

    fn get_federation_token_inner(
        &self,
        caller: &Caller,
        request: &GetFederationTokenRequest,
        fed_arn: &str,
        env: &CallEnv,
    ) -> Result<Minted, StsError> {
        self.accept(caller, env, AuditAction::GetFederationToken)?;
        let (partition, account, principal, secs) =
            long_term_session(caller, "GetFederationToken", request.duration_seconds())?;
        let session_policies =
            self.parse_session_policies(request.policy(), request.policy_arns())?;
        let resolved = resolve::resolve(&*self.directory, caller)?;
        let caller_arn = caller.arn();
        let mut ctx = RequestContext::new("sts:GetFederationToken")
            .with_resource(fed_arn)
            .with_principal(resolved.principal.clone());
        add_environment(&mut ctx, env.now, env.source_ip);
        add_caller(&mut ctx, &resolved, env.now);
        add_request_tags(&mut ctx, request.tags(), &[]);
        let mut actions = vec!["sts:GetFederationToken"];
        if !request.tags().is_empty() {
            actions.push("sts:TagSession");
        }
        for action in actions {
            ctx.set_action(action);
            if resolved.allow(&ctx, account, account) != Decision::Allow {
                return Err(refused(&caller_arn, action, fed_arn));
            }
        }
        let claims = Claims {
            tags: request.tags().clone(),
            session_policy: session_policies.inline_text,
            policy_arns: session_policies.arns,
            ..self.new_claims(
                env,
                secs,
                Operation::GetFederationToken,
                (partition, account),
                SessionPrincipal::FederatedUser {
                    name: *request.name(),
                    parent: principal.clone(),
                },
            )?
        };
        self.seal(&claims)
    }

    /// The permission check, then the message: a caller not allowed to decode learns nothing of
    /// whether a message is valid. Answers the JSON and the refused principal's ARN (for the
    /// audit event).
    fn decode_authorization_message_inner(
        &self,
        caller: &Caller,
        request: &DecodeAuthorizationMessageRequest,
        env: &CallEnv,
    ) -> Result<(String, Option<String>), StsError> {
        self.accept(caller, env, AuditAction::DecodeAuthorizationMessage)?;
        outbound::check_credential_kind(caller, "DecodeAuthorizationMessage")?;
        // The action has no resource type: only statements on `Resource: "*"` grant it.
        self.require_permission(
            caller,
            env,
            &["sts:DecodeAuthorizationMessage"],
            None,
            |_| {},
        )?;
        self.open_authorization_message(caller, request.encoded_message(), env.now)
    }

    #[cfg(feature = "authorization-messages")]
    fn open_authorization_message(
        &self,
        caller: &Caller,
        text: &str,
        now: UnixTime,
    ) -> Result<(String, Option<String>), StsError> {
        let decoded = crate::authorization_message::open(
            &self.ring,
            text,
            caller.partition(),
            caller.account(),
            now,
        )?;
        let refused_arn = serde_json::from_str::<serde_json::Value>(decoded.json())
            .ok()
            .and_then(|v| {
                v.pointer("/context/principal/arn")
                    .and_then(|a| a.as_str())
                    .map(str::to_owned)
            });
        Ok((decoded.into_json(), refused_arn))
    }

    #[cfg(not(feature = "authorization-messages"))]
    fn open_authorization_message(
        &self,
        _caller: &Caller,
        _text: &str,
        _now: UnixTime,
    ) -> Result<(String, Option<String>), StsError> {
        Err(StsError::invalid_authorization_message(
            "This STS was built without authorization messages: it decodes none.",
        ))
    }

    // ---- helpers ----

    /// Resolves `caller` and requires its policies (identity ∩ session) to allow each of
    /// `actions` on `resource` (`None`: an action with no resource type, which only statements on
    /// `Resource: "*"` grant), with the environment, the caller's own keys and what `extend` adds
    /// in the request context. A refusal names the first action refused. The rule
    /// `GetWebIdentityToken`, `GetAccessKeyInfo` and `DecodeAuthorizationMessage` share.
    fn require_permission(
        &self,
        caller: &Caller,
        env: &CallEnv,
        actions: &[&str],
        resource: Option<&str>,
        extend: impl FnOnce(&mut RequestContext),
    ) -> Result<Resolved, StsError> {
        // No action would allow everything: that is a caller's bug, never a grant.
        let Some(first) = actions.first() else {
            return Err(StsError::internal_failure());
        };
        let resolved = resolve::resolve(&*self.directory, caller)?;
        let mut ctx = RequestContext::new(first).with_principal(resolved.principal.clone());
        if let Some(resource) = resource {
            ctx = ctx.with_resource(resource);
        }
        add_environment(&mut ctx, env.now, env.source_ip);
        add_caller(&mut ctx, &resolved, env.now);
        extend(&mut ctx);
        for action in actions {
            ctx.set_action(action);
            if resolved.allow(&ctx, resolved.account, resolved.account) != Decision::Allow {
                return Err(refused(&caller.arn(), action, resource.unwrap_or("*")));
            }
        }
        Ok(resolved)
    }

    /// A caller this issuer acts for, for `action`: the first check of every operation with a
    /// caller. A session must still be live at `env.now`, not revoked, and verified with a key
    /// of this issuer's own ring (a session another ring verified, even one reusing this ring's
    /// key IDs, is not one of ours).
    ///
    /// An attenuated session ([`crate::attenuate`]) may call `GetCallerIdentity` and nothing
    /// else: every other operation issues credentials or reveals something (a web identity token,
    /// a decoded authorization message, an account), and what it returned would not carry the
    /// caveats, so a child limited to ten minutes or one prefix would walk out with a fresh,
    /// unlimited credential. AWS has no attenuated credentials; this is tempcred's rule, answered
    /// with AWS's `AccessDenied`.
    fn accept(&self, caller: &Caller, env: &CallEnv, action: AuditAction) -> Result<(), StsError> {
        caller.check_live(env.now, &self.revoked)?;
        match caller.session() {
            Some(s) if !self.ring.verified(s) => Err(StsError::invalid_client_token_id()),
            Some(s) if s.is_attenuated() && action != AuditAction::GetCallerIdentity => {
                Err(StsError::access_denied(format!(
                    "Cannot call {} with attenuated credentials: they may call only \
                     GetCallerIdentity.",
                    action.name()
                )))
            }
            _ => Ok(()),
        }
    }

    fn find_role(
        &self,
        partition: Partition,
        account: AccountId,
        name: &RoleName,
        arn: &str,
    ) -> Option<Arc<Role>> {
        self.directory
            .role(account, name)
            .filter(|r| r.partition() == partition && r.arn() == arn)
    }

    fn parse_session_policies(
        &self,
        inline: Option<&str>,
        arns: &[String],
    ) -> Result<SessionPolicies, StsError> {
        let inline_doc = inline
            .map(PolicyDocument::parse_session)
            .transpose()
            .map_err(|e| StsError::malformed_policy(e.to_string()))?;
        for arn in arns {
            if self.directory.managed_policy(arn).is_none() {
                return Err(StsError::validation(format!(
                    "Policy {arn} does not exist or is not attachable."
                )));
            }
        }
        Ok(SessionPolicies {
            // Tokens carry the compact form: same meaning, fewer bytes.
            inline_text: inline_doc.map(|d| d.to_json().into()),
            arns: arns.iter().map(|a| a.as_str().into()).collect(),
        })
    }

    fn check_mfa(
        &self,
        caller: &Resolved,
        serial: Option<&MfaSerialNumber>,
        code: Option<&MfaTokenCode>,
        env: &CallEnv,
    ) -> Result<Option<UnixTime>, StsError> {
        let (serial, code) = match (serial, code) {
            (None, None) => return Ok(None),
            (Some(s), Some(c)) => (s, c),
            _ => return Err(StsError::mfa_incomplete()),
        };
        // The device must belong to the caller's own long-term identity.
        let owned = self
            .directory
            .mfa_device(serial)
            .is_some_and(|d| d.owner_arn() == caller.arn);
        let verifier = self.mfa.as_ref().ok_or_else(StsError::mfa_failed)?;
        if !owned {
            return Err(StsError::mfa_failed());
        }
        verifier
            .verify(serial, code, env.now)
            .map_err(|_| StsError::mfa_failed())?;
        Ok(Some(env.now))
    }

    fn token_id(&self) -> Result<TokenId, StsError> {
        let mut id = [0u8; 16];
        self.random
            .fill_bytes(&mut id)
            .map_err(|_| StsError::internal_failure())?;
        Ok(TokenId(id))
    }

    #[allow(clippy::too_many_arguments)]
    fn mint(
        &self,
        env: &CallEnv,
        operation: Operation,
        role: &Role,
        session_name: RoleSessionName,
        attrs: SessionAttributes,
        secs: u32,
        session_policies: &SessionPolicies,
    ) -> Result<Minted, StsError> {
        let claims = Claims {
            source_identity: attrs.source_identity,
            mfa_authenticated_at: attrs.mfa_authenticated_at,
            chain_depth: attrs.chain_depth,
            tags: attrs.tags,
            session_policy: session_policies.inline_text.clone(),
            policy_arns: session_policies.arns.clone(),
            ..self.new_claims(
                env,
                secs,
                operation,
                (role.partition(), role.account()),
                SessionPrincipal::AssumedRole {
                    role_path: role.path().clone(),
                    role_name: *role.name(),
                    role_id: role.role_id(),
                    session_name,
                },
            )?
        };
        self.seal(&claims)
    }

    /// Claims of a session issued at `env.now` for `secs` seconds, with a fresh token ID and
    /// nothing else: no source identity, MFA, tags or session policies until the operation adds
    /// what it carries.
    fn new_claims(
        &self,
        env: &CallEnv,
        secs: u32,
        operation: Operation,
        (partition, account): (Partition, AccountId),
        principal: SessionPrincipal,
    ) -> Result<Claims, StsError> {
        Ok(Claims {
            token_id: self.token_id()?,
            issued_at: env.now,
            expires_at: env.now.saturating_add(u64::from(secs)),
            operation,
            partition,
            account,
            principal,
            source_identity: None,
            mfa_authenticated_at: None,
            chain_depth: 0,
            tags: SessionTags::new(),
            session_policy: None,
            policy_arns: Vec::new(),
        })
    }

    fn seal(&self, claims: &Claims) -> Result<Minted, StsError> {
        let credentials = claims.seal_with(&self.ring).map_err(|e| match e {
            SealError::TooLarge { size } => StsError::packed_policy_too_large(packed_size(size)),
            _ => StsError::internal_failure(),
        })?;
        let packs = claims.session_policy.is_some()
            || !claims.policy_arns.is_empty()
            || !claims.tags.is_empty();
        Ok(Minted {
            packed_policy_size: packs.then(|| packed_size(credentials.session_token.len())),
            token_id: claims.token_id,
            source_identity: claims.source_identity,
            credentials,
        })
    }

    fn record<T: MintedLike>(
        &self,
        env: &CallEnv,
        action: AuditAction,
        attempt: &mut Attempt,
        result: Result<&T, &StsError>,
    ) {
        let outcome = match &result {
            Ok(_) => AuditOutcome::Allowed,
            Err(e) => AuditOutcome::Refused {
                error_code: e.code_str(),
            },
        };
        let mut event = AuditEvent::new(env.now, action, outcome);
        event.caller_arn = attempt.caller_arn.take();
        event.caller_authentication = attempt.caller_authentication.take();
        event.caller_caveats = attempt.caller_caveats.take();
        event.caller_access_key_id = attempt.caller_access_key_id.take();
        event.target = attempt.target.take();
        event.session_name = attempt.session_name.take();
        event.web_identity_subject = attempt.subject.take();
        event.source_ip = env.source_ip;
        event.source_identity = attempt.source_identity;
        if let Ok(m) = result {
            event.token_id = m.token_id();
            event.expiration = m.expiration();
            if let Some(si) = m.source_identity() {
                event.source_identity = Some(si);
            }
        }
        self.audit.record(&event);
    }
}

/// The role a request names, with the parameters checked before the caller is.
struct Target {
    arn: String,
    partition: Partition,
    account: AccountId,
    name: RoleName,
    requested_secs: Option<u32>,
    session_policies: SessionPolicies,
}

/// Who assumes the role and what the request adds, once its way in (IAM caller, service, web
/// identity, SAML) has been checked.
struct Assumption<'a> {
    operation: Operation,
    /// `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`.
    action: &'static str,
    principal: policy::RequestPrincipal,
    /// The name refusals give the caller.
    caller_name: &'a str,
    /// An IAM caller: its session (if any) is the parent, and its own policies are checked too.
    iam_caller: Option<&'a Resolved>,
    /// Role chaining: the one-hour cap applies.
    chaining: bool,
    session_name: RoleSessionName,
    tags: &'a SessionTags,
    transitive: Vec<TagKey>,
    source_identity: Option<&'a SourceIdentity>,
    mfa_now: Option<UnixTime>,
    /// The way in's own condition keys (`sts:ExternalId`, `HOST:aud`, `SAML:sub`, …).
    context: Vec<(String, Vec<String>)>,
}

/// Session policies checked at issue time.
struct SessionPolicies {
    inline_text: Option<Box<str>>,
    /// The managed-policy ARNs, each checked to exist, in the form the claims carry.
    arns: Vec<Box<str>>,
}

/// What an audit event takes from a successful result.
trait MintedLike {
    fn token_id(&self) -> Option<TokenId>;
    fn expiration(&self) -> Option<UnixTime>;
    fn source_identity(&self) -> Option<SourceIdentity>;
}

impl MintedLike for Minted {
    fn token_id(&self) -> Option<TokenId> {
        Some(self.token_id)
    }
    fn expiration(&self) -> Option<UnixTime> {
        Some(self.credentials.expiration)
    }
    fn source_identity(&self) -> Option<SourceIdentity> {
        self.source_identity
    }
}

impl MintedLike for () {
    fn token_id(&self) -> Option<TokenId> {
        None
    }
    fn expiration(&self) -> Option<UnixTime> {
        None
    }
    fn source_identity(&self) -> Option<SourceIdentity> {
        None
    }
}

/// `GetSessionToken` and `GetFederationToken` take long-term keys only: the caller's partition,
/// account and principal, and the session's lifetime (root's clamped to an hour).
fn long_term_session<'c>(
    caller: &'c Caller,
    operation: &str,
    requested: Option<u32>,
) -> Result<(Partition, AccountId, &'c LongTermPrincipal, u32), StsError> {
    let Some((partition, account, principal)) = caller.long_term_key_holder() else {
        return Err(StsError::access_denied(
            if caller.authentication() == Authentication::Application {
                format!("Cannot call {operation} without long-term access keys")
            } else {
                format!("Cannot call {operation} with session credentials")
            },
        ));
    };
    let root = matches!(principal, LongTermPrincipal::Root);
    let secs = duration::user_session(requested, root).map_err(duration_error)?;
    Ok((partition, account, principal, secs))
}

/// `PolicyArns` as the token stores them.
fn assumed_role_user(role: &Role, session_name: &RoleSessionName) -> AssumedRoleUser {
    AssumedRoleUser {
        arn: format!(
            "arn:{}:sts::{}:assumed-role/{}/{session_name}",
            role.partition(),
            role.account(),
            role.name()
        ),
        assumed_role_id: format!("{}:{session_name}", role.role_id()),
    }
}

/// The identity side of a trust-policy grant (IAM User Guide: "Session policies", "Cross
/// account resource access"): an explicit deny in the caller's identity or session policies
/// always refuses; across accounts, or when the trust policy grants only through the account or a
/// wildcard, the caller's identity policies ∩ session policies must allow; when it names the
/// caller's role or user ARN, the caller's session policies (if any) must allow, since such a
/// grant is added before the session and limited by it; only a grant to the caller's own session
/// ARN is not limited.
fn identity_side_allows(
    caller: &Resolved,
    ctx: &RequestContext,
    target_account: AccountId,
    grant: Option<PrincipalGrant>,
) -> bool {
    let effective = caller.allow(ctx, caller.account, target_account);
    match effective {
        Decision::Allow => return true,
        Decision::ExplicitDeny => return false,
        Decision::ImplicitDeny => {}
    }
    if caller.account != target_account {
        return false;
    }
    match grant {
        Some(PrincipalGrant::Session) => true,
        Some(PrincipalGrant::Named) => {
            caller.with_caveats(caller.permissions.session_policies_allow(ctx), ctx)
                == Decision::Allow
        }
        Some(PrincipalGrant::Account | PrincipalGrant::Wildcard) | None => false,
    }
}

/// The trust-policy actions a request needs: the operation, `sts:TagSession` when it passes
/// tags, `sts:SetSourceIdentity` when the session will carry a source identity.
fn session_actions(
    op: &'static str,
    attrs: &SessionAttributes,
    passes_tags: bool,
) -> Vec<&'static str> {
    let mut actions = vec![op];
    if passes_tags {
        actions.push("sts:TagSession");
    }
    if attrs.source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    actions
}

fn add_request_tags(ctx: &mut RequestContext, tags: &SessionTags, transitive: &[TagKey]) {
    if tags.is_empty() {
        return;
    }
    ctx.insert_request_tags(tags);
    ctx.insert_all("aws:TagKeys", tags.iter().map(|t| t.key.as_str()));
    if !transitive.is_empty() {
        ctx.insert_all(
            "sts:TransitiveTagKeys",
            transitive.iter().map(TagKey::as_str),
        );
    }
}

/// Parses `RoleArn` into its text, partition, account and role name; anything but a role ARN is a
/// `ValidationError`.
fn parse_role_arn(text: &str) -> Result<(String, Partition, AccountId, RoleName), StsError> {
    match PrincipalArn::parse(text) {
        Ok(PrincipalArn::Role {
            partition,
            account,
            name,
            ..
        }) => Ok((text.to_owned(), partition, account, name)),
        _ => Err(StsError::validation(
            "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must be a valid role ARN",
        )),
    }
}
