//! Shared builders for integration tests: sample claims and key rings.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::principal::{IamPath, Partition, RoleName, UniqueId};
use tempcred::token::{Claims, Operation, SessionPrincipal, TokenId};
use tempcred::{KeyRing, RoleSessionName, SessionTags, UnixTime};

/// Issue time of [`assume_role_claims`].
pub(crate) const ISSUED_AT: u64 = 1_764_000_000;
/// Lifetime of [`assume_role_claims`].
pub(crate) const LIFETIME: u64 = 3600;

/// A ring with one signing key, `k1`, of fixed material.
pub(crate) fn ring() -> KeyRing {
    KeyRing::new(
        KeyId::new("k1").unwrap(),
        KeyMaterial::from_bytes(&[0x42; 32]).unwrap(),
    )
    .unwrap()
}

/// Claims of a plain one-hour `AssumeRole` session of `role/deploy`.
pub(crate) fn assume_role_claims() -> Claims {
    Claims {
        token_id: TokenId([7; 16]),
        issued_at: UnixTime::from_secs(ISSUED_AT),
        expires_at: UnixTime::from_secs(ISSUED_AT + LIFETIME),
        operation: Operation::AssumeRole,
        partition: Partition::aws(),
        account: "123456789012".parse().unwrap(),
        principal: SessionPrincipal::AssumedRole {
            role_path: IamPath::root(),
            role_name: RoleName::new("deploy").unwrap(),
            role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
            session_name: RoleSessionName::new("ci-run-42").unwrap(),
        },
        source_identity: None,
        mfa_authenticated_at: None,
        chain_depth: 0,
        tags: SessionTags::new(),
        session_policy: None,
        policy_arns: Vec::new(),
    }
}
