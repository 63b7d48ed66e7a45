//! What a new session inherits from the session that asked for it ([delegation rules](crate::manual::delegation_rules), rules 4 and 5): the source
//! identity (immutable), transitive tags (not overridable), MFA time, and the chain depth.

use crate::limits::MAX_CHAIN_DEPTH;
use crate::session::{SessionTags, SourceIdentity, TagKey};
use crate::time::UnixTime;
use crate::token::Claims;

/// The inherited and requested attributes of a new session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionAttributes {
    pub(crate) tags: SessionTags,
    pub(crate) source_identity: Option<SourceIdentity>,
    pub(crate) mfa_authenticated_at: Option<UnixTime>,
    pub(crate) chain_depth: u8,
}

/// Why the attributes of a chained session were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InheritError {
    /// A chained request names a different source identity than the parent's.
    SourceIdentityChanged,
    /// A request tag has the key of an inherited transitive tag.
    TransitiveTagOverride(String),
    /// Inherited plus requested tags are more than 50, or keys repeat.
    Tags(crate::validate::InvalidParameter),
    /// The chain is deeper than the token format records.
    ChainTooDeep,
}

impl InheritError {
    pub(crate) fn message(&self) -> String {
        match self {
            InheritError::SourceIdentityChanged => {
                "The source identity of a role session cannot be changed once set.".to_owned()
            }
            InheritError::TransitiveTagOverride(k) => format!(
                "The key {k} is a transitive session tag inherited from the calling session and cannot be overridden."
            ),
            InheritError::Tags(p) => p.to_string(),
            InheritError::ChainTooDeep => "The role chain is too long.".to_owned(),
        }
    }
}

/// Builds the new session's attributes.
///
/// - `parent`: the caller's session claims when the caller used temporary credentials;
/// - `tags`, `transitive_keys`: this request's tags and which of their keys are transitive;
/// - `source_identity`: the one requested now, if any;
/// - `mfa_now`: when MFA was proven by this request, if it was.
pub(crate) fn child_session(
    parent: Option<&Claims>,
    tags: &SessionTags,
    transitive_keys: &[TagKey],
    source_identity: Option<&SourceIdentity>,
    mfa_now: Option<UnixTime>,
) -> Result<SessionAttributes, InheritError> {
    let mut out = SessionTags::new();
    if let Some(p) = parent {
        for t in p.tags.transitive() {
            out.insert(t.key.clone(), t.value.clone(), true)
                .map_err(InheritError::Tags)?;
        }
    }
    for tag in tags {
        let key = &tag.key;
        if out.get(key.as_str()).is_some_and(|t| t.transitive) {
            return Err(InheritError::TransitiveTagOverride(key.as_str().to_owned()));
        }
        let transitive = tag.transitive
            || transitive_keys
                .iter()
                .any(|k| k.as_str().eq_ignore_ascii_case(key.as_str()));
        out.insert(key.clone(), tag.value.clone(), transitive)
            .map_err(InheritError::Tags)?;
    }
    let inherited_si = parent.and_then(|p| p.source_identity);
    let source_identity = match (inherited_si, source_identity) {
        (Some(old), Some(new)) if old != *new => return Err(InheritError::SourceIdentityChanged),
        (Some(old), _) => Some(old),
        (None, new) => new.copied(),
    };
    let chain_depth = match parent {
        None => 0,
        Some(p) => p
            .chain_depth
            .checked_add(1)
            .filter(|d| *d <= MAX_CHAIN_DEPTH)
            .ok_or(InheritError::ChainTooDeep)?,
    };
    Ok(SessionAttributes {
        tags: out,
        source_identity,
        mfa_authenticated_at: mfa_now.or(parent.and_then(|p| p.mfa_authenticated_at)),
        chain_depth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::{IamPath, Partition, RoleName, UniqueId};
    use crate::session::RoleSessionName;
    use crate::token::{Operation, SessionPrincipal, TokenId};

    use crate::session::TagValue;

    fn k(s: &str) -> TagKey {
        TagKey::new(s).unwrap()
    }

    fn tags(pairs: &[(TagKey, TagValue)]) -> SessionTags {
        let mut t = SessionTags::new();
        for (k, v) in pairs {
            t.insert(k.clone(), v.clone(), false).unwrap();
        }
        t
    }
    fn v(s: &str) -> TagValue {
        TagValue::new(s).unwrap()
    }

    fn parent() -> Claims {
        let mut tags = SessionTags::new();
        tags.insert(k("team"), v("payments"), true).unwrap();
        tags.insert(k("project"), v("x"), false).unwrap();
        Claims {
            token_id: TokenId([1; 16]),
            issued_at: UnixTime::from_secs(1000),
            expires_at: UnixTime::from_secs(4600),
            operation: Operation::AssumeRole,
            partition: Partition::aws(),
            account: "123456789012".parse().unwrap(),
            principal: SessionPrincipal::AssumedRole {
                role_path: IamPath::root(),
                role_name: RoleName::new("a").unwrap(),
                role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
                session_name: RoleSessionName::new("s1").unwrap(),
            },
            source_identity: Some(SourceIdentity::new("alice").unwrap()),
            mfa_authenticated_at: Some(UnixTime::from_secs(900)),
            chain_depth: 0,
            tags,
            session_policy: None,
            policy_arns: vec![],
        }
    }

    #[test]
    fn transitive_tags_source_identity_and_mfa_are_inherited() {
        let p = parent();
        let a = child_session(Some(&p), &tags(&[(k("env"), v("prod"))]), &[], None, None).unwrap();
        assert_eq!(
            a.tags.get("team").map(|t| (t.value.as_str(), t.transitive)),
            Some(("payments", true))
        );
        assert!(
            a.tags.get("project").is_none(),
            "non-transitive tags do not travel"
        );
        assert_eq!(a.tags.get("env").map(|t| t.transitive), Some(false));
        assert_eq!(a.source_identity, p.source_identity);
        assert_eq!(a.mfa_authenticated_at, Some(UnixTime::from_secs(900)));
        assert_eq!(a.chain_depth, 1);
    }

    #[test]
    fn an_inherited_transitive_key_cannot_be_passed_again() {
        let p = parent();
        let e = child_session(Some(&p), &tags(&[(k("TEAM"), v("other"))]), &[], None, None)
            .unwrap_err();
        assert_eq!(e, InheritError::TransitiveTagOverride("TEAM".into()));
        // A non-transitive parent tag may be set anew.
        assert!(child_session(Some(&p), &tags(&[(k("project"), v("y"))]), &[], None, None).is_ok());
    }

    #[test]
    fn source_identity_never_changes_along_a_chain() {
        let p = parent();
        let same = SourceIdentity::new("alice").unwrap();
        let other = SourceIdentity::new("mallory").unwrap();
        assert!(child_session(Some(&p), &SessionTags::new(), &[], Some(&same), None).is_ok());
        assert_eq!(
            child_session(Some(&p), &SessionTags::new(), &[], Some(&other), None).unwrap_err(),
            InheritError::SourceIdentityChanged
        );
        let fresh = child_session(None, &SessionTags::new(), &[], Some(&other), None).unwrap();
        assert_eq!(fresh.source_identity, Some(other));
        assert_eq!(fresh.chain_depth, 0);
    }

    #[test]
    fn request_tags_marked_transitive_and_limits() {
        let a = child_session(
            None,
            &tags(&[(k("a"), v("1")), (k("b"), v("2"))]),
            &[k("A")],
            None,
            None,
        )
        .unwrap();
        assert_eq!(a.tags.get("a").map(|t| t.transitive), Some(true));
        assert_eq!(a.tags.get("b").map(|t| t.transitive), Some(false));
        let p = parent();
        let many: Vec<_> = (0..50).map(|i| (k(&format!("k{i}")), v("x"))).collect();
        assert!(matches!(
            child_session(Some(&p), &tags(&many), &[], None, None),
            Err(InheritError::Tags(_))
        ));
        assert!(child_session(None, &tags(&many), &[], None, None).is_ok());
        let mut deep = parent();
        deep.chain_depth = MAX_CHAIN_DEPTH;
        assert_eq!(
            child_session(Some(&deep), &SessionTags::new(), &[], None, None).unwrap_err(),
            InheritError::ChainTooDeep
        );
    }
}
