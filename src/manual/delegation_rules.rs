//! Who may get which credentials, for how long, with what rights.
//!
//! Every operation is a method of [`Issuer`](crate::Issuer) (and, on the wire, an action of
//! [`StsEndpoint`](crate::endpoint::StsEndpoint)); every attempt, allowed or refused, is one
//! [`AuditEvent`](crate::AuditEvent). Lifetimes and sizes are in [`crate::limits`].
//!
//! ## Operations and callers
//!
//! | operation | caller | lifetime | tests |
//! |---|---|---|---|
//! | `AssumeRole` | an IAM user, a role session (chaining), a user's `GetSessionToken` credentials; not the root, not federated users | 900 s to the role's `MaxSessionDuration` (1–12 h), default 1 h; chained: at most 1 h, a longer request fails | `issuer_assume_role.rs`, `issuer_chaining.rs`, `attack_delegation.rs` |
//! | `AssumeRoleWithWebIdentity` | whoever holds an ID token of a provider in the directory | as `AssumeRole` | `issuer_web_identity.rs`, `web_identity.rs`, `review_idp.rs` |
//! | `AssumeRoleWithSAML` | whoever holds an assertion the application's validator accepts | as `AssumeRole` | `issuer_saml.rs` |
//! | `GetSessionToken` | IAM users and the root, long-term keys only | users 900 s–36 h (default 12 h); root at most 1 h | `issuer_session_tokens.rs` |
//! | `GetFederationToken` | IAM users and the root, long-term keys only; needs `sts:GetFederationToken` | as `GetSessionToken` | `issuer_session_tokens.rs` |
//! | `GetCallerIdentity` | any authenticated caller; no policy can deny it | — | `issuer_audit.rs`, `real_client.rs` |
//! | `GetWebIdentityToken` | users, the root, role sessions; needs `sts:GetWebIdentityToken` | 60–3600 s, default 300 s, never past the caller's session | `outbound_web_identity.rs`, `review_outbound.rs` |
//! | `GetAccessKeyInfo` | users, the root, role sessions; needs `sts:GetAccessKeyInfo` | — | `outbound_web_identity.rs` |
//! | `DecodeAuthorizationMessage` | users, the root, role sessions of the message's account; needs `sts:DecodeAuthorizationMessage` | — | `authorization_message.rs` |
//! | service assumption | a service principal the trust policy names ([`Issuer::assume_role_for_service`](crate::Issuer::assume_role_for_service)) | as `AssumeRole` | `issuer_assume_role.rs`, `workload.rs` |
//!
//! Credentials from `GetSessionToken` may call only `AssumeRole` and `GetCallerIdentity`, those
//! from `GetFederationToken` only `GetCallerIdentity`, as in AWS.
//!
//! ## Assuming a role
//!
//! 1. The role must exist; one that does not is refused exactly like one that does not trust the
//!    caller (`AccessDenied`), so existence does not leak.
//! 2. The trust policy is evaluated for the action with the whole request context; passing tags
//!    also needs `sts:TagSession`, setting a source identity `sts:SetSourceIdentity`.
//! 3. When the trust policy grants only through the caller's account, or the caller is in another
//!    account, the caller's own policies must allow the action on the role too. A grant to the
//!    caller's role or user ARN is limited by the caller's session policies; a grant to the exact
//!    session ARN is not (AWS adds it after the session was made). An explicit deny anywhere
//!    refuses. `NotPrincipal` is refused in trust policies.
//! 4. A child session never has more rights than its parent: its permissions are the target
//!    role's policies ∩ the session policies passed now; a chained session keeps its source
//!    identity and transitive tags, which it can neither change nor drop.
//! 5. MFA codes are checked by the [`MfaVerifier`](crate::MfaVerifier); a bad code is
//!    `AccessDenied`. `aws:MultiFactorAuthPresent` / `…Age` then appear in this and chained
//!    sessions' contexts.
//!
//! Tested by `issuer_assume_role.rs`, `issuer_chaining.rs`, `attack_delegation.rs` (each rule
//! with the request that would profit from breaking it), `review_delegation.rs` and
//! `review_foreign.rs` (an independent review's attacks), `policy_trust_examples.rs` (AWS's own
//! trust policy examples).
//!
//! ## The request context
//!
//! The Issuer provides `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
//! `aws:userid`, `aws:username`, `aws:PrincipalTag/K`, `aws:RequestTag/K`, `aws:TagKeys`,
//! `aws:SourceIdentity`, `aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`,
//! `aws:TokenIssueTime`, `aws:CurrentTime`, `aws:EpochTime`, `aws:SourceIp` (when the application
//! supplies it), `aws:FederatedProvider`, `sts:ExternalId`, `sts:RoleSessionName`,
//! `sts:SourceIdentity`, `sts:TransitiveTagKeys`, for web identity `HOST:aud`, `HOST:sub`,
//! `HOST:amr`, and for `GetWebIdentityToken` `sts:IdentityTokenAudience`, `sts:DurationSeconds`,
//! `sts:SigningAlgorithm`. Nothing the caller sends overrides a value the server sets.
//!
//! ## Using a session
//!
//! A [`VerifiedSession`](crate::VerifiedSession) comes only from the [`Verifier`](crate::Verifier)
//! (the key ring, expiry with a leeway, the revocation snapshot); a [`Caller`](crate::Caller) only
//! from a verified session, a verified SigV4 request, the directory, or the application's own
//! authentication; an [`Authorized`](crate::authorize::Authorized) proof only from the
//! [`Authorizer`](crate::authorize::Authorizer), which evaluates the session's identity policies ∩
//! its session policies. The tower layer puts these proofs in request extensions.
