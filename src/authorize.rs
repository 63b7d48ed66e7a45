//! Authorization of a verified session ([`manual::delegation_rules`](crate::manual::delegation_rules), "Using a session"): may this session do `action` on `resource`?
//!
//! The session's permissions are the identity policies of its role (or user) from the
//! application's directory ∩ the session policies it carries ∩ each policy caveat of an
//! attenuated session ([`crate::attenuate`]); an explicit deny anywhere refuses, and a federated
//! session without a session policy may do nothing. The request context carries
//! the session's principal keys, tags, source identity, MFA state and issue time, set from the
//! verified token and the directory, never from the request.
//!
//! With [`Authorizer::with_authorization_messages`], every `AccessDenied` that
//! [`Authorizer::require`] answers carries an encoded authorization message, as AWS's do: the
//! explanation of the refusal, sealed for whoever may call `sts:DecodeAuthorizationMessage` (see
//! [`crate::authorization_message`]).

use crate::directory::Directory;
use crate::error::StsError;
use crate::issue::resolve::{add_caller, add_environment, resolve, Resolved};
use crate::issue::Caller;
use crate::policy::{Decision, RequestContext};
use crate::time::UnixTime;
use crate::verify::{RevokedSessions, VerifiedSession};
use std::net::IpAddr;
use std::sync::Arc;

/// One action a service is asked to perform.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest<'a> {
    /// The action, e.g. `s3:GetObject`.
    pub action: &'a str,
    /// The resource ARN.
    pub resource: &'a str,
    /// The account that owns the resource (for the root's implicit grant); `None` means the
    /// session's own account.
    pub resource_account: Option<crate::principal::AccountId>,
    /// The client's address, for `aws:SourceIp`.
    pub source_ip: Option<IpAddr>,
    /// Service-specific context keys (e.g. `s3:prefix`). Keys in the `aws:` namespace are ignored:
    /// only verified state sets those. With authorization messages on, these keys and values are
    /// shown to every principal of the account allowed `sts:DecodeAuthorizationMessage`: keys
    /// that name a credential (`…security-token`, `…signature`, `authorization`, `…secret…`, …)
    /// and values shaped like a session token or a secret access key are redacted, but do not
    /// pass credentials here.
    pub extra_context: &'a [(&'a str, &'a str)],
}

impl<'a> AuthorizationRequest<'a> {
    /// `action` on `resource`, no extra context.
    #[must_use]
    pub fn new(action: &'a str, resource: &'a str) -> Self {
        AuthorizationRequest {
            action,
            resource,
            resource_account: None,
            source_ip: None,
            extra_context: &[],
        }
    }
}

/// Proof that a session was allowed one action on one resource: only
/// [`Authorizer::require`] makes it, so a handler that takes an `Authorized` cannot be reached
/// without the check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Authorized {
    action: Box<str>,
    resource: Box<str>,
}

impl Authorized {
    /// The action that was allowed.
    #[must_use]
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource it was allowed on.
    #[must_use]
    pub fn resource(&self) -> &str {
        &self.resource
    }
}

/// Decides what verified sessions may do, with the identity policies from a [`Directory`].
///
/// ```
/// # use std::sync::Arc;
/// # use tempcred::*;
/// # use tempcred::directory::InMemoryDirectory;
/// # use tempcred::keys::KeyId;
/// # use tempcred::authorize::{Authorizer, AuthorizationRequest};
/// # let directory = Arc::new(InMemoryDirectory::from_json(r#"{
/// #   "users": [{ "arn": "arn:aws:iam::111111111111:user/alice",
/// #     "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForTestsOnly0000000000000A" }] }],
/// #   "roles": [{ "arn": "arn:aws:iam::111111111111:role/reader",
/// #     "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
/// #        "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] },
/// #     "policies": [{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
/// #        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*" }] }] }]
/// # }"#).unwrap());
/// # let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SystemRandom).unwrap();
/// # let issuer = Issuer::builder(directory.clone(), ring.clone()).build();
/// # let alice = issuer.long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap()).unwrap();
/// # let creds = issuer.assume_role(&alice, &AssumeRoleRequest::builder(
/// #     "arn:aws:iam::111111111111:role/reader", "s1").build().unwrap()).unwrap().credentials;
/// # let now = creds.expiration.saturating_sub(60);
/// let session = Verifier::new(&ring).verify(creds.session_token.expose_secret(), now).unwrap();
/// let authorizer = Authorizer::new(directory);
/// let read = AuthorizationRequest::new("s3:GetObject", "arn:aws:s3:::reports/q1.csv");
/// let write = AuthorizationRequest::new("s3:PutObject", "arn:aws:s3:::reports/q1.csv");
/// assert_eq!(authorizer.authorize(&session, &read, now).unwrap(), Decision::Allow);
/// assert_eq!(authorizer.authorize(&session, &write, now).unwrap(), Decision::ImplicitDeny);
/// ```
pub struct Authorizer {
    directory: Arc<dyn Directory>,
    revoked: RevokedSessions,
    #[cfg(feature = "authorization-messages")]
    messages: Option<crate::authorization_message::AuthorizationMessages>,
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Authorizer");
        d.field("revoked", &self.revoked);
        #[cfg(feature = "authorization-messages")]
        d.field("messages", &self.messages);
        d.finish_non_exhaustive()
    }
}

impl Authorizer {
    /// An authorizer reading identity policies from `directory`.
    pub fn new(directory: Arc<dyn Directory>) -> Self {
        Authorizer {
            directory,
            revoked: RevokedSessions::default(),
            #[cfg(feature = "authorization-messages")]
            messages: None,
        }
    }

    /// Attaches an encoded authorization message to every `AccessDenied` of
    /// [`Authorizer::require`] and [`Authorizer::require_caller`] (and so of the tower layer's
    /// `authorize_with`): `… Encoded authorization failure message: MESSAGE`, sealed with
    /// `messages`' key ring, which the STS that decodes must share. Read it back with
    /// [`StsError::encoded_authorization_message`].
    ///
    /// The message explains the refusal to operators only: it is encrypted, and only a caller of
    /// the same account allowed `sts:DecodeAuthorizationMessage` can have the STS decode it. If a
    /// message cannot be sealed (the random source fails), the refusal is answered without one.
    #[cfg(feature = "authorization-messages")]
    #[must_use]
    pub fn with_authorization_messages(
        mut self,
        messages: crate::authorization_message::AuthorizationMessages,
    ) -> Self {
        self.messages = Some(messages);
        self
    }

    /// Refuses sessions that `revoked` lists, whatever verifier let them in.
    #[must_use]
    pub fn with_revoked_sessions(mut self, revoked: RevokedSessions) -> Self {
        self.revoked = revoked;
        self
    }

    /// Requires that `session` may do `request` at `now`: the proof, or the ready AWS error
    /// (`AccessDenied` in AWS's words, naming the session, the action and the resource) to send
    /// back as it is.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use tempcred::*;
    /// # use tempcred::directory::{demo_directory_json, InMemoryDirectory};
    /// # use tempcred::authorize::{Authorizer, AuthorizationRequest};
    /// # let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    /// # let ring = KeyRing::generate(tempcred::keys::KeyId::new("k")?, &SystemRandom)?;
    /// # let issuer = Issuer::builder(directory.clone(), ring.clone()).build();
    /// # let alice = issuer.long_term_caller(&"AKIADEMOALICE0000001".parse()?).ok_or("alice")?;
    /// # let creds = issuer.assume_role(&alice, &AssumeRoleRequest::builder(
    /// #     "arn:aws:iam::222222222222:role/deploy", "ci").external_id("demo-external-id").build()?)?.credentials;
    /// # let now = creds.expiration.saturating_sub(60);
    /// # let session = Verifier::new(&ring).verify(creds.session_token.expose_secret(), now)?;
    /// let authorizer = Authorizer::new(directory);
    /// let denied = authorizer
    ///     .require(&session, &AuthorizationRequest::new("iam:DeleteRole", "*"), now)
    ///     .unwrap_err();
    /// assert_eq!(denied.code_str(), "AccessDenied");
    /// assert_eq!(denied.http_status(), 403);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `AccessDenied` when the policies do not allow (implicitly or explicitly), and every error
    /// of [`Authorizer::authorize`].
    pub fn require(
        &self,
        session: &VerifiedSession,
        request: &AuthorizationRequest<'_>,
        now: UnixTime,
    ) -> Result<Authorized, StsError> {
        self.require_caller(&Caller::from_session(session.clone()), request, now)
    }

    /// [`Authorizer::require`] for any authenticated caller.
    ///
    /// # Errors
    ///
    /// As [`Authorizer::require`].
    pub fn require_caller(
        &self,
        caller: &Caller,
        request: &AuthorizationRequest<'_>,
        now: UnixTime,
    ) -> Result<Authorized, StsError> {
        let (resolved, ctx, decision) = self.decide(caller, request, now)?;
        match decision {
            Decision::Allow => Ok(Authorized {
                action: request.action.into(),
                resource: request.resource.into(),
            }),
            Decision::ExplicitDeny | Decision::ImplicitDeny => {
                let refused =
                    StsError::not_authorized(&caller.arn(), request.action, request.resource);
                #[cfg(feature = "authorization-messages")]
                if let Some(messages) = &self.messages {
                    use crate::authorization_message::{Explanation, Owners};
                    let owners = Owners::of(&resolved);
                    let explanation = Explanation::new(
                        caller.partition(),
                        &resolved,
                        &owners,
                        &ctx,
                        request.action,
                        request.resource,
                        decision,
                    );
                    if let Ok(encoded) = messages.seal(&explanation, now) {
                        return Err(refused.with_encoded_authorization_message(&encoded));
                    }
                }
                let _ = (resolved, ctx);
                Err(refused)
            }
        }
    }

    /// The decision for `request` by `session` at `now`.
    ///
    /// # Errors
    ///
    /// `ExpiredToken` when the session has expired by `now` (with the leeway it was verified
    /// with), `InvalidClientTokenId` when it is revoked or not yet valid, `AccessDenied` when its
    /// role or user no longer exists (or was re-created), and the policy errors of a session
    /// policy that cannot be read.
    pub fn authorize(
        &self,
        session: &VerifiedSession,
        request: &AuthorizationRequest<'_>,
        now: UnixTime,
    ) -> Result<Decision, StsError> {
        self.authorize_caller(&Caller::from_session(session.clone()), request, now)
    }

    /// The decision for `request` by any authenticated caller at `now`: a session, or a user
    /// who signed with a long-term key (its identity policies alone), or one the application
    /// authenticated.
    ///
    /// # Errors
    ///
    /// As [`Authorizer::authorize`].
    pub fn authorize_caller(
        &self,
        caller: &Caller,
        request: &AuthorizationRequest<'_>,
        now: UnixTime,
    ) -> Result<Decision, StsError> {
        self.decide(caller, request, now).map(|(_, _, d)| d)
    }

    /// The decision, with the resolved caller and the context it was made in.
    fn decide(
        &self,
        caller: &Caller,
        request: &AuthorizationRequest<'_>,
        now: UnixTime,
    ) -> Result<(Resolved, RequestContext, Decision), StsError> {
        caller.check_live(now, &self.revoked)?;
        let resolved = resolve(&*self.directory, caller)?;
        let mut ctx = RequestContext::new(request.action)
            .with_resource(request.resource)
            .with_principal(resolved.principal.clone());
        for (key, value) in request.extra_context {
            let reserved = key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"));
            if !reserved {
                ctx.push(key, value);
            }
        }
        add_environment(&mut ctx, now, request.source_ip);
        add_caller(&mut ctx, &resolved, now);
        let owner = request.resource_account.unwrap_or(resolved.account);
        let decision = resolved.allow(&ctx, resolved.account, owner);
        Ok((resolved, ctx, decision))
    }
}
