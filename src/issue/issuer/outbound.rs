//! The operations that issue no AWS credentials: `GetWebIdentityToken` (outbound identity
//! federation) and `GetAccessKeyInfo`.

use super::{Attempt, Issuer, MintedLike};
use crate::audit::AuditAction;
use crate::credentials::{AccessKeyId, AccessKeyKind};
use crate::error::{StsError, StsErrorCode};
use crate::issue::caller::may_call_other_sts_operations;
use crate::issue::{CallEnv, Caller};
use crate::request::{GetAccessKeyInfoRequest, GetWebIdentityTokenRequest};
use crate::response::{GetAccessKeyInfoResponse, GetWebIdentityTokenResponse};
use crate::session::SourceIdentity;
use crate::time::UnixTime;
use crate::token::TokenId;

/// The most characters of the audiences an audit event records (they may total 10 000).
const MAX_AUDIT_AUDIENCE_CHARS: usize = 256;

impl MintedLike for GetWebIdentityTokenResponse {
    fn token_id(&self) -> Option<TokenId> {
        None
    }
    fn expiration(&self) -> Option<UnixTime> {
        Some(self.expiration)
    }
    fn source_identity(&self) -> Option<SourceIdentity> {
        None
    }
}

/// `AccessDenied` for credentials AWS lets call nothing but `AssumeRole` / `GetCallerIdentity`
/// (`GetSessionToken`'s and `GetFederationToken`'s): the check every operation of this family
/// makes, `DecodeAuthorizationMessage` included.
pub(super) fn check_credential_kind(caller: &Caller, action: &str) -> Result<(), StsError> {
    if may_call_other_sts_operations(caller.kind()) {
        Ok(())
    } else {
        Err(StsError::access_denied(format!(
            "Cannot call {action} with session credentials obtained from GetSessionToken or \
             GetFederationToken."
        )))
    }
}

fn disabled(why: &str) -> StsError {
    StsError::new(
        StsErrorCode::OutboundWebIdentityFederationDisabled,
        format!("Outbound web identity federation is not enabled: {why}."),
    )
}

at_the_issuers_clock! {
    /// `GetWebIdentityToken` at the issuer's clock: see
    /// [`get_web_identity_token_at`](Self::get_web_identity_token_at).
    ///
    /// # Errors
    ///
    /// As [`get_web_identity_token_at`](Self::get_web_identity_token_at).
    fn get_web_identity_token(caller: &Caller, request: &GetWebIdentityTokenRequest)
        -> GetWebIdentityTokenResponse = get_web_identity_token_at;
    /// `GetAccessKeyInfo` at the issuer's clock: see
    /// [`get_access_key_info_at`](Self::get_access_key_info_at).
    ///
    /// # Errors
    ///
    /// As [`get_access_key_info_at`](Self::get_access_key_info_at).
    fn get_access_key_info(caller: &Caller, request: &GetAccessKeyInfoRequest)
        -> GetAccessKeyInfoResponse = get_access_key_info_at;
}

impl Issuer {
    /// `GetWebIdentityToken` at `env.now`: a JWT, signed by the issuer's
    /// [`OutboundFederation`](crate::outbound::OutboundFederation) keys, that says who `caller`
    /// is to the audiences it names.
    ///
    /// Callers: IAM users, the root and role sessions; credentials from `GetSessionToken` and
    /// `GetFederationToken` are refused, as AWS refuses them every STS operation but
    /// `AssumeRole` / `GetCallerIdentity`. The caller's identity policies (and session policies)
    /// must allow `sts:GetWebIdentityToken` on `*`, and `sts:TagGetWebIdentityToken` as well when the request
    /// has tags, with the condition keys AWS documents: `sts:IdentityTokenAudience` (each
    /// audience), `sts:DurationSeconds`, `sts:SigningAlgorithm`, `aws:RequestTag/…` and
    /// `aws:TagKeys`. No policy allows anything to the root user but its own account's actions,
    /// which include this one.
    ///
    /// # Errors
    ///
    /// `OutboundWebIdentityFederationDisabledException` without outbound federation or without a
    /// signing key for the algorithm; `AccessDenied` when the policies do not allow;
    /// `SessionDurationEscalationException` when the token would outlive the caller's session;
    /// `JWTPayloadSizeExceededException` when the claims exceed
    /// [`MAX_WEB_IDENTITY_TOKEN_PAYLOAD_BYTES`](crate::limits::MAX_WEB_IDENTITY_TOKEN_PAYLOAD_BYTES); `ExpiredToken` /
    /// `InvalidClientTokenId` for a session no longer live or not this issuer's.
    pub fn get_web_identity_token_at(
        &self,
        caller: &Caller,
        request: &GetWebIdentityTokenRequest,
        env: &CallEnv,
    ) -> Result<GetWebIdentityTokenResponse, StsError> {
        let audiences = request.audiences().join(" ");
        let mut attempt = Attempt {
            target: Some(audiences.chars().take(MAX_AUDIT_AUDIENCE_CHARS).collect()),
            source_identity: caller.session().and_then(|s| s.claims().source_identity),
            ..Attempt::for_caller(caller)
        };
        let result = self.get_web_identity_token_inner(caller, request, env);
        self.record(
            env,
            AuditAction::GetWebIdentityToken,
            &mut attempt,
            result.as_ref(),
        );
        result
    }

    fn get_web_identity_token_inner(
        &self,
        caller: &Caller,
        request: &GetWebIdentityTokenRequest,
        env: &CallEnv,
    ) -> Result<GetWebIdentityTokenResponse, StsError> {
        self.accept(caller, env, AuditAction::GetWebIdentityToken)?;
        check_credential_kind(caller, "GetWebIdentityToken")?;
        #[cfg(not(feature = "oidc"))]
        {
            let _ = (request, env);
            Err(disabled("tempcred was built without the `oidc` feature"))
        }
        #[cfg(feature = "oidc")]
        {
            use crate::outbound::{MintError, TokenContent};
            let outbound = self
                .outbound
                .as_ref()
                .ok_or_else(|| disabled("this issuer has no signing keys"))?;
            let algorithm = request.signing_algorithm();
            if !outbound.can_sign(algorithm) {
                return Err(disabled(&format!("no signing key for {algorithm}")));
            }
            let secs = request
                .duration_seconds()
                .unwrap_or(crate::limits::DEFAULT_TOKEN_DURATION_SECS);
            let actions: &[&str] = if request.tags().is_empty() {
                &["sts:GetWebIdentityToken"]
            } else {
                &["sts:GetWebIdentityToken", "sts:TagGetWebIdentityToken"]
            };
            let resolved = self.require_permission(caller, env, actions, Some("*"), |ctx| {
                super::add_request_tags(ctx, request.tags(), &[]);
                ctx.insert_all("sts:IdentityTokenAudience", request.audiences().iter())
                    .insert_number("sts:DurationSeconds", i64::from(secs))
                    .insert("sts:SigningAlgorithm", algorithm.as_str());
            })?;
            let account = resolved.account;
            let expires_at = env.now.saturating_add(u64::from(secs));
            if let Some(session) = &resolved.session {
                if expires_at > session.expires_at {
                    return Err(StsError::new(
                        StsErrorCode::SessionDurationEscalation,
                        "The requested token duration would extend the session beyond its \
                         original expiration time.",
                    ));
                }
            }
            let source_identity = resolved
                .session
                .as_ref()
                .and_then(|c| c.source_identity.as_ref())
                .map(|s| s.as_str().to_owned());
            let content = TokenContent {
                algorithm,
                subject: &resolved.principal_arn,
                audiences: request.audiences(),
                issued_at: env.now,
                expires_at,
                account,
                principal_tags: &resolved.tags,
                request_tags: request.tags(),
                source_identity: source_identity.as_deref(),
            };
            let token = outbound
                .mint(&content, &*self.random)
                .map_err(|e| match e {
                    MintError::PayloadTooLarge => StsError::new(
                        StsErrorCode::JwtPayloadSizeExceeded,
                        "The requested token payload size exceeds the maximum allowed size.",
                    ),
                    MintError::NoKey(alg) => disabled(&format!("no signing key for {alg}")),
                    MintError::Failed => StsError::internal_failure(),
                })?;
            Ok(GetWebIdentityTokenResponse {
                web_identity_token: crate::request::WebIdentityToken::from_checked(token),
                expiration: expires_at,
            })
        }
    }

    /// `GetAccessKeyInfo` at `env.now`: the account an access key ID belongs to.
    ///
    /// What a stateless issuer can answer, and why:
    /// - a long-term key (`AKIA…`) of the directory: its owner's account;
    /// - a temporary key (`ASIA…`): only the caller's own. tempcred's temporary key IDs are
    ///   derived from the session token's MAC and record no account, and the issuer keeps no list
    ///   of what it issued, so another session's key ID says nothing without its token;
    /// - anything else: `InvalidParameterValue` (AWS too may answer an error for a deleted key).
    ///
    /// AWS reads the account out of the key ID itself, so it never needs the key to exist; that
    /// is the one departure. The caller's identity policies must allow `sts:GetAccessKeyInfo` on
    /// `*` (AWS lists the action in its authorization reference; where AWS says no more, tempcred
    /// refuses by default).
    ///
    /// # Errors
    ///
    /// `AccessDenied` when the policies do not allow; `InvalidParameterValue` for a key whose
    /// account cannot be told; `ExpiredToken` / `InvalidClientTokenId` for a session no longer
    /// live or not this issuer's.
    pub fn get_access_key_info_at(
        &self,
        caller: &Caller,
        request: &GetAccessKeyInfoRequest,
        env: &CallEnv,
    ) -> Result<GetAccessKeyInfoResponse, StsError> {
        let mut attempt = Attempt {
            target: Some(request.access_key_id().to_owned()),
            ..Attempt::for_caller(caller)
        };
        let result = self.get_access_key_info_inner(caller, request, env);
        self.record::<()>(
            env,
            AuditAction::GetAccessKeyInfo,
            &mut attempt,
            result.as_ref().map(|_| &()),
        );
        result
    }

    fn get_access_key_info_inner(
        &self,
        caller: &Caller,
        request: &GetAccessKeyInfoRequest,
        env: &CallEnv,
    ) -> Result<GetAccessKeyInfoResponse, StsError> {
        self.accept(caller, env, AuditAction::GetAccessKeyInfo)?;
        check_credential_kind(caller, "GetAccessKeyInfo")?;
        self.require_permission(caller, env, &["sts:GetAccessKeyInfo"], Some("*"), |_| {})?;
        let unknown = || {
            StsError::invalid_parameter_value(
                "The account of this access key ID cannot be determined: it is not a long-term \
                 key of this service, nor the caller's own temporary key.",
            )
        };
        let id = AccessKeyId::new(request.access_key_id()).map_err(|_| unknown())?;
        let account = match id.kind() {
            AccessKeyKind::LongTerm => self
                .directory
                .user_by_access_key(&id)
                .map(|(owner, _secret)| owner.account())
                .ok_or_else(unknown)?,
            AccessKeyKind::Temporary => caller
                .session()
                .filter(|s| s.access_key_id() == &id)
                .map(|s| s.claims().account)
                .ok_or_else(unknown)?,
        };
        Ok(GetAccessKeyInfoResponse { account })
    }
}
