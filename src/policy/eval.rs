//! Evaluation: which statements apply to a request, the decision, and the explanation.
//!
//! Invariants: default deny; any applicable `Deny` wins over any `Allow`; every statement is
//! visited so the explanation is complete. Evaluation reads the context and the precompiled
//! document only, and allocates only to record applicable statements (and to substitute policy
//! variables that need it).

use super::context::{RequestContext, RequestPrincipal};
use super::model::{
    Effect, PolicyDocument, PrincipalKind, PrincipalSpec, PrincipalTarget, Statement,
};
use std::fmt;

/// The outcome of an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some statement allows and none denies.
    Allow,
    /// Some statement denies.
    ExplicitDeny,
    /// Nothing allows (the default).
    ImplicitDeny,
}

/// How a `Principal` element matched the caller, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalGrant {
    /// The caller's own session ARN is named exactly (`arn:aws:sts::ACCT:assumed-role/ROLE/NAME`
    /// or `…:federated-user/NAME`). AWS adds such a grant after the session is created, so the
    /// session's session policies do not limit it (IAM User Guide, "Session policies").
    Session,
    /// The caller's identity is named: its user ARN, the role ARN of a role session, its service
    /// or its identity provider. The grant is added before the session's session policies, which
    /// therefore limit it: the Issuer requires them to allow too.
    Named,
    /// Only the caller's account is named (`"AWS": "ACCT"` or `arn:…:root`). The Issuer must then
    /// also require the caller's identity policies to allow ([delegation rules](crate::manual::delegation_rules), rule 3).
    Account,
    /// Only a wildcard matched (`"*"`, `{"AWS": "*"}` or a `NotPrincipal` that excludes others).
    /// Treated like [`PrincipalGrant::Account`]: it names nobody in particular.
    Wildcard,
}

/// A statement that applied to the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementRef<'p> {
    /// The index of the policy in the list evaluated (0 for a single document).
    pub policy: usize,
    /// The index of the statement in its policy.
    pub statement: usize,
    /// Its `Sid`, if it has one.
    pub sid: Option<&'p str>,
    /// Its effect.
    pub effect: Effect,
    /// How its `Principal`/`NotPrincipal` matched; `None` when it has neither.
    pub grant: Option<PrincipalGrant>,
}

impl fmt::Display for StatementRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sid {
            Some(sid) => write!(f, "policy {} statement {:?}", self.policy, sid),
            None => write!(f, "policy {} statement #{}", self.policy, self.statement),
        }
    }
}

/// A decision with its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation<'p> {
    /// The decision.
    pub decision: Decision,
    /// Every applicable `Allow` statement, in order.
    pub allowed_by: Vec<StatementRef<'p>>,
    /// Every applicable `Deny` statement, in order.
    pub denied_by: Vec<StatementRef<'p>>,
}

impl Evaluation<'_> {
    /// Whether the decision is [`Decision::Allow`].
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allow
    }

    /// The strongest way a `Principal` element matched among the allowing statements.
    #[must_use]
    pub fn principal_grant(&self) -> Option<PrincipalGrant> {
        self.allowed_by.iter().filter_map(|s| s.grant).min()
    }

    /// Whether the request is allowed, but no allowing statement names the caller itself: the
    /// grant came only through its account (or a wildcard). For a trust policy the Issuer then
    /// also requires the caller's identity policies to allow ([delegation rules](crate::manual::delegation_rules), rule 3). Statements without
    /// a `Principal` element count as not naming the caller.
    #[must_use]
    pub fn allowed_only_via_account(&self) -> bool {
        self.is_allowed()
            && !matches!(
                self.principal_grant(),
                Some(PrincipalGrant::Named | PrincipalGrant::Session)
            )
    }
}

impl fmt::Display for Evaluation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, refs: &[StatementRef<'_>]| -> fmt::Result {
            for (i, r) in refs.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{r}")?;
            }
            Ok(())
        };
        match self.decision {
            Decision::Allow => {
                f.write_str("allowed by ")?;
                list(f, &self.allowed_by)
            }
            Decision::ExplicitDeny => {
                f.write_str("explicitly denied by ")?;
                list(f, &self.denied_by)
            }
            Decision::ImplicitDeny => f.write_str("implicitly denied: no statement allows"),
        }
    }
}

fn principal_grant(
    spec: &PrincipalSpec,
    caller: Option<&RequestPrincipal>,
) -> Option<PrincipalGrant> {
    let entries = match spec {
        PrincipalSpec::Any => return Some(PrincipalGrant::Wildcard),
        PrincipalSpec::Map(entries) => entries,
    };
    let caller = caller?;
    let mut best: Option<PrincipalGrant> = None;
    for (kind, values, _) in entries {
        for v in values {
            let grant = match (kind, &v.target) {
                // `{"AWS": "*"}` is `"*"` for IAM callers and anonymous ones alike.
                (PrincipalKind::Aws, PrincipalTarget::Any) => {
                    (caller.is_iam() || caller.is_anonymous()).then_some(PrincipalGrant::Wildcard)
                }
                (PrincipalKind::Aws, PrincipalTarget::Account(partition, account)) => caller
                    .in_account(partition.as_deref(), *account)
                    .then_some(PrincipalGrant::Account),
                (PrincipalKind::Aws, PrincipalTarget::Arn(arn)) if caller.is_session_arn(arn) => {
                    Some(PrincipalGrant::Session)
                }
                (PrincipalKind::Aws, PrincipalTarget::Arn(arn)) => {
                    caller.has_arn(arn).then_some(PrincipalGrant::Named)
                }
                (PrincipalKind::Service, PrincipalTarget::Any) => {
                    caller.is_service("*").then_some(PrincipalGrant::Wildcard)
                }
                (PrincipalKind::Service, PrincipalTarget::Name(n)) => {
                    caller.is_service(n).then_some(PrincipalGrant::Named)
                }
                (PrincipalKind::Federated, PrincipalTarget::Any) => {
                    caller.is_federated("*").then_some(PrincipalGrant::Wildcard)
                }
                (PrincipalKind::Federated, PrincipalTarget::Name(n)) => {
                    caller.is_federated(n).then_some(PrincipalGrant::Named)
                }
                // Canonical users are an S3 notion; no tempcred caller has one.
                _ => None,
            };
            best = match (best, grant) {
                (Some(b), Some(g)) => Some(b.min(g)),
                (b, g) => b.or(g),
            };
            if best == Some(PrincipalGrant::Session) {
                return best;
            }
        }
    }
    best
}

/// Whether a `NotPrincipal` element lists the caller itself, exempting it (IAM User Guide,
/// `NotPrincipal`). Narrower than [`principal_grant`]: an account entry exempts only
/// the account principal (`…:root`), not the account's users and roles; a role ARN exempts the
/// role, not its sessions (a session is exempt only by its assumed-role session ARN).
fn not_principal_exempts(spec: &PrincipalSpec, caller: Option<&RequestPrincipal>) -> bool {
    let entries = match spec {
        PrincipalSpec::Any => return true,
        PrincipalSpec::Map(entries) => entries,
    };
    let Some(caller) = caller else {
        return false;
    };
    entries.iter().any(|(kind, values, _)| {
        values.iter().any(|v| match (kind, &v.target) {
            (PrincipalKind::Aws, PrincipalTarget::Any) => caller.is_iam() || caller.is_anonymous(),
            (PrincipalKind::Aws, PrincipalTarget::Account(partition, account)) => {
                caller.is_account_root(partition.as_deref(), *account)
            }
            (PrincipalKind::Aws, PrincipalTarget::Arn(arn)) => caller.is_exactly(arn),
            (PrincipalKind::Service, PrincipalTarget::Any) => caller.is_service("*"),
            (PrincipalKind::Service, PrincipalTarget::Name(n)) => caller.is_service(n),
            (PrincipalKind::Federated, PrincipalTarget::Any) => caller.is_federated("*"),
            (PrincipalKind::Federated, PrincipalTarget::Name(n)) => caller.is_federated(n),
            _ => false,
        })
    })
}

/// Whether `st` applies to the request; `Some(grant)` says how its principal element matched.
fn applies(st: &Statement, ctx: &RequestContext) -> Option<Option<PrincipalGrant>> {
    let action = ctx.action();
    let action_hit = st
        .action
        .items
        .iter()
        .any(|a| a.pattern.matches(action, ctx));
    if action_hit == st.action.negated {
        return None;
    }
    if let Some(res) = &st.resource {
        let hit = match ctx.resource() {
            Some(r) => res.items.iter().any(|p| p.pattern.matches(r, ctx)),
            // A request on no resource is only matched by `*`.
            None => res
                .items
                .iter()
                .any(|p| matches!(p.pattern, super::matching::ArnPattern::Any)),
        };
        if hit == res.negated {
            return None;
        }
    }
    let grant = match &st.principal {
        None => None,
        Some((false, spec)) => Some(principal_grant(spec, ctx.principal())?),
        Some((true, spec)) if not_principal_exempts(spec, ctx.principal()) => return None,
        Some((true, _)) => Some(PrincipalGrant::Wildcard),
    };
    if !st.conditions.iter().all(|c| c.holds(ctx)) {
        return None;
    }
    Some(grant)
}

/// Evaluates several policies together, as one set: deny wins, default deny.
#[must_use]
pub fn evaluate<'p>(policies: &[&'p PolicyDocument], ctx: &RequestContext) -> Evaluation<'p> {
    let mut out = Evaluation {
        decision: Decision::ImplicitDeny,
        allowed_by: Vec::new(),
        denied_by: Vec::new(),
    };
    for (pi, doc) in policies.iter().enumerate() {
        for (si, st) in doc.statements.iter().enumerate() {
            let Some(grant) = applies(st, ctx) else {
                continue;
            };
            let r = StatementRef {
                policy: pi,
                statement: si,
                sid: st.sid.as_deref(),
                effect: st.effect,
                grant,
            };
            match st.effect {
                Effect::Allow => out.allowed_by.push(r),
                Effect::Deny => out.denied_by.push(r),
            }
        }
    }
    out.decision = if !out.denied_by.is_empty() {
        Decision::ExplicitDeny
    } else if !out.allowed_by.is_empty() {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    out
}

impl PolicyDocument {
    /// Evaluates this document alone against `ctx`.
    #[must_use]
    pub fn evaluate(&self, ctx: &RequestContext) -> Evaluation<'_> {
        evaluate(&[self], ctx)
    }
}

/// Evaluates a role's trust policy ([delegation rules](crate::manual::delegation_rules), rule 2). The context must carry the caller
/// ([`RequestContext::with_principal`]); check [`Evaluation::allowed_only_via_account`] to know
/// whether the caller's identity policies must also allow.
///
/// ```
/// use tempcred::policy::{evaluate_trust, RequestPrincipal, PolicyDocument, RequestContext};
/// use tempcred::principal::PrincipalArn;
/// let trust = PolicyDocument::parse_trust(r#"{"Version":"2012-10-17","Statement":[
///   {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}"#).unwrap();
/// let alice = PrincipalArn::parse("arn:aws:iam::111122223333:user/alice").unwrap();
/// let ctx = RequestContext::new("sts:AssumeRole").with_principal(RequestPrincipal::principal(&alice));
/// let eval = evaluate_trust(&trust, &ctx);
/// assert!(eval.is_allowed());
/// assert!(eval.allowed_only_via_account()); // alice's own policies must allow too
/// ```
#[must_use]
pub fn evaluate_trust<'p>(trust: &'p PolicyDocument, ctx: &RequestContext) -> Evaluation<'p> {
    trust.evaluate(ctx)
}

/// The combined decision of identity policies and session policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CombinedEvaluation<'p> {
    /// Allowed only if the identity policies allow and, when any session policy is present, the
    /// session policies allow too; an explicit deny in either refuses.
    pub decision: Decision,
    /// The identity policies' own evaluation.
    pub identity: Evaluation<'p>,
    /// The session policies' own evaluation, when any were given.
    pub session: Option<Evaluation<'p>>,
}

impl CombinedEvaluation<'_> {
    /// Whether the decision is [`Decision::Allow`].
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allow
    }
}

impl fmt::Display for CombinedEvaluation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "identity policies: {}", self.identity)?;
        if let Some(s) = &self.session {
            write!(f, "; session policies: {s}")?;
        }
        Ok(())
    }
}

/// Identity policies ∩ session policies ([delegation rules](crate::manual::delegation_rules), rules 3 and 4): the effective permissions of a
/// session. Pass an empty `session` slice when the session has no session policy.
///
/// ```
/// use tempcred::policy::{evaluate_with_session, PolicyDocument, RequestContext, Decision};
/// let role = PolicyDocument::parse_identity(r#"{"Version":"2012-10-17","Statement":
///   {"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#).unwrap();
/// let session = PolicyDocument::parse_session(r#"{"Version":"2012-10-17","Statement":
///   {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#).unwrap();
/// let get = RequestContext::new("s3:GetObject").with_resource("arn:aws:s3:::b/k");
/// let put = RequestContext::new("s3:PutObject").with_resource("arn:aws:s3:::b/k");
/// assert!(evaluate_with_session(&[&role], &[&session], &get).is_allowed());
/// assert_eq!(evaluate_with_session(&[&role], &[&session], &put).decision, Decision::ImplicitDeny);
/// assert!(evaluate_with_session(&[&role], &[], &put).is_allowed());
/// ```
#[must_use]
pub fn evaluate_with_session<'p>(
    identity: &[&'p PolicyDocument],
    session: &[&'p PolicyDocument],
    ctx: &RequestContext,
) -> CombinedEvaluation<'p> {
    let id = evaluate(identity, ctx);
    let sess = (!session.is_empty()).then(|| evaluate(session, ctx));
    let decision = match (id.decision, sess.as_ref().map(|s| s.decision)) {
        (Decision::ExplicitDeny, _) | (_, Some(Decision::ExplicitDeny)) => Decision::ExplicitDeny,
        (Decision::Allow, None | Some(Decision::Allow)) => Decision::Allow,
        _ => Decision::ImplicitDeny,
    };
    CombinedEvaluation {
        decision,
        identity: id,
        session: sess,
    }
}
