//! AWS's "revoke active sessions" for a stateless verifier: a small snapshot, handed in by the
//! application, of roles whose sessions issued before a cut-off are no longer valid.

use crate::principal::{AccountId, RoleName};
use crate::time::UnixTime;
use crate::token::{Claims, SessionPrincipal};

/// Roles whose older sessions are revoked.
///
/// ```
/// use tempcred::{RevokedSessions, UnixTime};
/// let mut revoked = RevokedSessions::default();
/// revoked.revoke_role_sessions(
///     "123456789012".parse().unwrap(),
///     tempcred::principal::RoleName::new("deploy").unwrap(),
///     UnixTime::from_secs(1_700_000_000),
/// );
/// assert_eq!(revoked.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevokedSessions(Vec<(AccountId, RoleName, UnixTime)>);

impl RevokedSessions {
    /// Sessions of `role` in `account` issued before `issued_before` are invalid. A later call for
    /// the same role moves the cut-off forward only.
    pub fn revoke_role_sessions(
        &mut self,
        account: AccountId,
        role: RoleName,
        issued_before: UnixTime,
    ) {
        match self
            .0
            .iter_mut()
            .find(|(a, r, _)| *a == account && *r == role)
        {
            Some(entry) => entry.2 = entry.2.max(issued_before),
            None => self.0.push((account, role, issued_before)),
        }
    }

    /// How many roles have a cut-off.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no role has a cut-off.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn is_revoked(&self, claims: &Claims) -> bool {
        let SessionPrincipal::AssumedRole { role_name, .. } = &claims.principal else {
            return false;
        };
        // Role names are unique ignoring case in IAM (the directory refuses `deploy` beside
        // `Deploy`), so a cut-off for `DEPLOY` is one for `deploy`: revocation errs on the side
        // of refusing.
        self.0.iter().any(|(a, r, before)| {
            *a == claims.account
                && r.as_str().eq_ignore_ascii_case(role_name.as_str())
                && claims.issued_at < *before
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: &str) -> AccountId {
        n.parse().unwrap()
    }

    #[test]
    fn cut_offs_are_per_role_and_only_move_forward() {
        let mut r = RevokedSessions::default();
        assert!(r.is_empty());
        assert_eq!(r.len(), 0);
        let deploy = RoleName::new("deploy").unwrap();
        let admin = RoleName::new("admin").unwrap();
        r.revoke_role_sessions(account("111111111111"), deploy, UnixTime::from_secs(100));
        assert!(!r.is_empty());
        assert_eq!(r.len(), 1);
        // Same role again: still one entry, and an earlier cut-off does not move it back.
        r.revoke_role_sessions(account("111111111111"), deploy, UnixTime::from_secs(50));
        assert_eq!(r.len(), 1);
        assert_eq!(r.0[0].2, UnixTime::from_secs(100));
        r.revoke_role_sessions(account("111111111111"), deploy, UnixTime::from_secs(200));
        assert_eq!(r.0[0].2, UnixTime::from_secs(200));
        // Another role in the same account, and the same role name in another account, are
        // separate entries.
        r.revoke_role_sessions(account("111111111111"), admin, UnixTime::from_secs(10));
        r.revoke_role_sessions(account("222222222222"), deploy, UnixTime::from_secs(10));
        assert_eq!(r.len(), 3);
        assert_eq!(r.0[0].2, UnixTime::from_secs(200));
    }
}
