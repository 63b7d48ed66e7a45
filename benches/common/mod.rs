//! What several benches build the same way, in one place: the claims of an assumed-role session.

use tempcred::principal::{IamPath, Partition, RoleName, UniqueId};
use tempcred::token::{Claims, Operation, SessionPrincipal, TokenId};
use tempcred::{RoleSessionName, SessionTags, UnixTime};

/// The claims of an `AssumeRole` session of role `deploy` (account 123456789012) named
/// `session`: token ID bytes all `id`, live from `issued_at` to `expires_at` (Unix seconds); no
/// tags, session policy, MFA or source identity.
pub(crate) fn assumed_role_claims(
    id: u8,
    issued_at: u64,
    expires_at: u64,
    session: &str,
) -> Claims {
    Claims {
        token_id: TokenId([id; 16]),
        issued_at: UnixTime::from_secs(issued_at),
        expires_at: UnixTime::from_secs(expires_at),
        operation: Operation::AssumeRole,
        partition: Partition::aws(),
        account: "123456789012".parse().unwrap(),
        principal: SessionPrincipal::AssumedRole {
            role_path: IamPath::root(),
            role_name: RoleName::new("deploy").unwrap(),
            role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
            session_name: RoleSessionName::new(session).unwrap(),
        },
        source_identity: None,
        mfa_authenticated_at: None,
        chain_depth: 0,
        tags: SessionTags::new(),
        session_policy: None,
        policy_arns: Vec::new(),
    }
}
