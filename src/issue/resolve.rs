//! Who the caller is, as policies see them: the principal to match against trust policies, the
//! context keys the server sets, and the caller's own permissions.

use super::caller::Caller;
use crate::directory::Directory;
use crate::error::StsError;
use crate::policy::{self, PolicyDocument, RequestContext};
use crate::principal::{AccountId, PrincipalArn};
use crate::session::SessionTags;
use crate::time::UnixTime;
use crate::token::{Claims, LongTermPrincipal, SessionPrincipal};
use std::sync::Arc;

/// The caller's permissions: the identity policies, and the session policies that bound them.
#[derive(Debug, Clone)]
pub(crate) enum Permissions {
    /// The account root: every action on the account's own resources.
    Root,
    /// Identity policies ∩ session policies (empty `session` means no session policy).
    Policies {
        identity: Vec<Arc<PolicyDocument>>,
        session: Vec<Arc<PolicyDocument>>,
    },
    /// Bounded by session policies alone: a federated session (of the root, or of anyone when it
    /// has no session policy, in which case it may do nothing).
    SessionOnly(Vec<Arc<PolicyDocument>>),
}

/// A caller resolved against the directory.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub(crate) principal: policy::RequestPrincipal,
    pub(crate) arn: String,
    pub(crate) principal_arn: String,
    pub(crate) account: AccountId,
    pub(crate) principal_type: &'static str,
    pub(crate) user_id: String,
    pub(crate) username: Option<String>,
    pub(crate) tags: SessionTags,
    pub(crate) permissions: Permissions,
    pub(crate) session: Option<Claims>,
    /// The policy caveats of an attenuated session: each must allow, on top of `permissions`.
    pub(crate) caveats: Vec<Arc<PolicyDocument>>,
}

fn gone(arn: &str) -> StsError {
    StsError::access_denied(format!(
        "The identity {arn} that signed the request no longer exists."
    ))
}

/// The session policies of a verified session, parsed again from its claims.
pub(crate) fn session_policies(
    directory: &dyn Directory,
    claims: &Claims,
) -> Result<Vec<Arc<PolicyDocument>>, StsError> {
    let mut out = Vec::new();
    if let Some(text) = &claims.session_policy {
        let doc = PolicyDocument::parse_session(text)
            .map_err(|e| StsError::malformed_policy(e.to_string()))?;
        out.push(Arc::new(doc));
    }
    for arn in &claims.policy_arns {
        let doc = directory.managed_policy(arn).ok_or_else(|| {
            StsError::access_denied(format!("The session policy {arn} no longer exists."))
        })?;
        out.push(doc);
    }
    Ok(out)
}

fn long_term(
    directory: &dyn Directory,
    partition: crate::principal::Partition,
    account: AccountId,
    principal: &LongTermPrincipal,
) -> Result<Resolved, StsError> {
    match principal {
        LongTermPrincipal::Root => {
            let arn = PrincipalArn::root(partition, account);
            Ok(Resolved {
                principal: policy::RequestPrincipal::principal(&arn),
                arn: arn.to_string(),
                principal_arn: arn.to_string(),
                account,
                principal_type: "Account",
                user_id: account.to_string(),
                username: None,
                tags: SessionTags::new(),
                permissions: Permissions::Root,
                session: None,
                caveats: Vec::new(),
            })
        }
        LongTermPrincipal::User {
            path,
            name,
            user_id,
        } => {
            let arn = PrincipalArn::User {
                partition,
                account,
                path: path.clone(),
                name: *name,
            };
            let user = directory
                .user(account, name)
                // A user deleted and re-created under the same name is a new principal (its
                // unique ID differs): sessions and keys of the old one do not carry over.
                .filter(|u| u.path() == path && u.user_id() == *user_id)
                .ok_or_else(|| gone(&arn.to_string()))?;
            Ok(Resolved {
                principal: policy::RequestPrincipal::principal(&arn),
                arn: arn.to_string(),
                principal_arn: arn.to_string(),
                account,
                principal_type: "User",
                user_id: user.user_id().to_string(),
                username: Some(name.to_string()),
                tags: user.tags().clone(),
                permissions: Permissions::Policies {
                    identity: user.policies().to_vec(),
                    session: Vec::new(),
                },
                session: None,
                caveats: Vec::new(),
            })
        }
    }
}

/// Resolves a caller: looks up the user or role behind it and its policies.
pub(crate) fn resolve(directory: &dyn Directory, caller: &Caller) -> Result<Resolved, StsError> {
    if let Some((partition, account, principal)) = caller.long_term_identity() {
        return long_term(directory, partition, account, principal);
    }
    match caller.session() {
        None => Err(StsError::internal_failure()),
        Some(s) => {
            let claims = s.claims();
            let (partition, account) = (claims.partition, claims.account);
            let mut r = match &claims.principal {
                SessionPrincipal::AssumedRole {
                    role_path,
                    role_name,
                    role_id,
                    session_name,
                } => {
                    let role_arn = PrincipalArn::Role {
                        partition,
                        account,
                        path: role_path.clone(),
                        name: *role_name,
                    };
                    let role = directory
                        .role(account, role_name)
                        .filter(|r| r.role_id() == *role_id)
                        .ok_or_else(|| gone(&role_arn.to_string()))?;
                    let principal = policy::RequestPrincipal::role_session(&role_arn, session_name)
                        .map_err(|_| StsError::internal_failure())?;
                    // A role session's principal tags: the role's tags, overridden by session tags.
                    let mut tags = SessionTags::new();
                    for t in claims.tags.iter() {
                        let _ = tags.insert(t.key.clone(), t.value.clone(), t.transitive);
                    }
                    for t in role.tags().iter() {
                        let _ = tags.insert(t.key.clone(), t.value.clone(), false);
                    }
                    Resolved {
                        principal,
                        arn: claims.caller_identity().arn,
                        principal_arn: role_arn.to_string(),
                        account,
                        principal_type: "AssumedRole",
                        user_id: format!("{role_id}:{session_name}"),
                        username: None,
                        tags,
                        permissions: Permissions::Policies {
                            identity: role.policies().to_vec(),
                            session: session_policies(directory, claims)?,
                        },
                        session: None,
                        caveats: Vec::new(),
                    }
                }
                SessionPrincipal::FederatedUser { name, parent } => {
                    let parent = long_term(directory, partition, account, parent)?;
                    let arn = format!("arn:{partition}:sts::{account}:federated-user/{name}");
                    let session = session_policies(directory, claims)?;
                    // GetFederationToken: the parent's policies ∩ the session policy; with no
                    // session policy the session may do nothing.
                    let permissions = match parent.permissions {
                        Permissions::Policies { identity, .. } if !session.is_empty() => {
                            Permissions::Policies { identity, session }
                        }
                        _ => Permissions::SessionOnly(session),
                    };
                    let principal = PrincipalArn::parse(&arn)
                        .map(|p| policy::RequestPrincipal::principal(&p))
                        .map_err(|_| StsError::internal_failure())?;
                    Resolved {
                        principal,
                        principal_arn: arn.clone(),
                        arn,
                        account,
                        principal_type: "FederatedUser",
                        user_id: format!("{account}:{name}"),
                        username: None,
                        tags: claims.tags.clone(),
                        permissions,
                        session: None,
                        caveats: Vec::new(),
                    }
                }
                SessionPrincipal::LongTerm(p) => long_term(directory, partition, account, p)?,
            };
            r.session = Some(claims.clone());
            r.caveats = s
                .attenuation()
                .map(|a| a.policies().to_vec())
                .unwrap_or_default();
            Ok(r)
        }
    }
}

impl Resolved {
    /// Whether the caller may do the request in `ctx`: its permissions ([`Permissions::allow`])
    /// and, for an attenuated session, every policy caveat on its own. An intersection: an
    /// explicit deny anywhere refuses, and every part must allow.
    pub(crate) fn allow(
        &self,
        ctx: &RequestContext,
        own_account: AccountId,
        resource_account: AccountId,
    ) -> Decision {
        let base = self.permissions.allow(ctx, own_account, resource_account);
        self.with_caveats(base, ctx)
    }

    /// `decision` further limited by the policy caveats (explicit deny wins, then implicit).
    pub(crate) fn with_caveats(&self, decision: Decision, ctx: &RequestContext) -> Decision {
        if decision == Decision::ExplicitDeny {
            return decision;
        }
        let mut out = decision;
        for doc in &self.caveats {
            match policy::evaluate(&[&**doc], ctx).decision {
                Decision::ExplicitDeny => return Decision::ExplicitDeny,
                Decision::ImplicitDeny => out = Decision::ImplicitDeny,
                Decision::Allow => {}
            }
        }
        out
    }
}

impl Permissions {
    /// Whether these permissions allow the request in `ctx` (identity ∩ session, deny wins).
    /// `resource_account` is the account that owns the resource, for the root's implicit grant.
    pub(crate) fn allow(
        &self,
        ctx: &RequestContext,
        own_account: AccountId,
        resource_account: AccountId,
    ) -> Decision {
        match self {
            Permissions::Root => {
                if own_account == resource_account {
                    Decision::Allow
                } else {
                    Decision::ImplicitDeny
                }
            }
            Permissions::Policies { identity, session } => {
                let id: Vec<&PolicyDocument> = identity.iter().map(|d| &**d).collect();
                let sess: Vec<&PolicyDocument> = session.iter().map(|d| &**d).collect();
                policy::evaluate_with_session(&id, &sess, ctx).decision
            }
            // No session policy at all: nothing allows, so the answer is an implicit deny.
            Permissions::SessionOnly(session) => {
                let sess: Vec<&PolicyDocument> = session.iter().map(|d| &**d).collect();
                policy::evaluate(&sess, ctx).decision
            }
        }
    }
}

impl Permissions {
    /// The session policies' own decision: what limits a grant that a resource-based policy (a
    /// trust policy) makes to the caller's role or user ARN. No session policy limits nothing.
    pub(crate) fn session_policies_allow(&self, ctx: &RequestContext) -> Decision {
        let session = match self {
            Permissions::Root => return Decision::Allow,
            Permissions::Policies { session, .. } if session.is_empty() => return Decision::Allow,
            Permissions::Policies { session, .. } | Permissions::SessionOnly(session) => session,
        };
        let sess: Vec<&PolicyDocument> = session.iter().map(|d| &**d).collect();
        policy::evaluate(&sess, ctx).decision
    }
}

pub(crate) use policy::Decision;

/// Adds the keys the server sets for every request: time, epoch, source IP.
pub(crate) fn add_environment(
    ctx: &mut RequestContext,
    now: UnixTime,
    source_ip: Option<std::net::IpAddr>,
) {
    ctx.insert_now(now);
    if let Some(ip) = source_ip {
        ctx.insert("aws:SourceIp", &ip.to_string());
    }
}

/// Adds the caller's keys ([delegation rules](crate::manual::delegation_rules), "The request context"): principal ARN, account, type, user ID,
/// user name, principal tags, source identity, MFA, token issue time.
pub(crate) fn add_caller(ctx: &mut RequestContext, r: &Resolved, now: UnixTime) {
    ctx.insert("aws:PrincipalArn", &r.principal_arn)
        .insert("aws:PrincipalAccount", &r.account.to_string())
        .insert("aws:PrincipalType", r.principal_type)
        .insert("aws:userid", &r.user_id)
        .insert_principal_tags(&r.tags);
    if let Some(name) = &r.username {
        ctx.insert("aws:username", name);
    }
    match &r.session {
        None => {}
        Some(claims) => {
            ctx.insert_time("aws:TokenIssueTime", claims.issued_at);
            if let Some(si) = &claims.source_identity {
                ctx.insert("aws:SourceIdentity", si.as_str());
            }
            match claims.mfa_authenticated_at {
                Some(t) => {
                    ctx.insert_bool("aws:MultiFactorAuthPresent", true);
                    ctx.insert_number(
                        "aws:MultiFactorAuthAge",
                        i64::try_from(now.seconds_since(t)).unwrap_or(i64::MAX),
                    );
                }
                // Temporary credentials made without MFA say so; long-term keys carry no MFA keys.
                None => {
                    ctx.insert_bool("aws:MultiFactorAuthPresent", false);
                }
            }
        }
    }
}
