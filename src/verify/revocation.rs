//! AWS's "revoke active sessions" for a stateless verifier: a small snapshot, handed in by the
//! application, of roles whose sessions issued before a cut-off are no longer valid, and the
//! text form replicas can share it in ([`RevokedSessions::from_text`]).

use crate::principal::{AccountId, RoleName};
use crate::time::UnixTime;
use crate::token::{Claims, SessionPrincipal};
use crate::validate::InvalidParameter;

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

/// Why a revocation file was refused: the first bad line (1-based) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct RevocationFileError {
    /// The 1-based number of the first bad line.
    pub line: usize,
    /// What is wrong with it.
    pub kind: RevocationLineError,
}

/// What is wrong with a line of a revocation file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationLineError {
    /// Not exactly three fields separated by spaces or tabs.
    #[error("expected `ACCOUNT ROLE ISSUED-BEFORE`, found {0} fields")]
    FieldCount(usize),
    /// The account is not 12 digits.
    #[error("bad account ID: {0}")]
    Account(InvalidParameter),
    /// The role name is not an IAM role name.
    #[error("bad role name: {0}")]
    Role(InvalidParameter),
    /// The cut-off is not an RFC 3339 date-time (`2026-11-27T05:30:00Z`) at or after 1970.
    #[error("bad cut-off: expected an RFC 3339 date-time such as 2026-11-27T05:30:00Z")]
    Time,
}

impl RevokedSessions {
    /// Parses a revocation file: one `ACCOUNT ROLE ISSUED-BEFORE` line per role (sessions of
    /// role `ROLE` in account `ACCOUNT` issued before the RFC 3339 date-time `ISSUED-BEFORE` are
    /// revoked), fields separated by spaces or tabs. Blank lines and lines starting with `#` are
    /// ignored. The same role on two lines keeps the later cut-off. Strict: any other line
    /// refuses the whole file, so a half-read file never replaces a good snapshot.
    ///
    /// ```
    /// use tempcred::{RevokedSessions, UnixTime};
    /// let text = "# account      role    issued before\n\
    ///             222222222222 deploy 2026-11-27T05:30:00Z\n";
    /// let revoked = RevokedSessions::from_text(text).unwrap();
    /// assert_eq!(revoked.len(), 1);
    /// let err = RevokedSessions::from_text("222222222222 deploy yesterday").unwrap_err();
    /// assert_eq!(err.line, 1);
    /// ```
    ///
    /// # Errors
    ///
    /// [`RevocationFileError`] naming the first bad line.
    pub fn from_text(text: &str) -> Result<Self, RevocationFileError> {
        let mut revoked = RevokedSessions::default();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |kind| RevocationFileError {
                line: index.saturating_add(1),
                kind,
            };
            let fields: Vec<&str> = line.split([' ', '\t']).filter(|f| !f.is_empty()).collect();
            let [account, role, before] = fields[..] else {
                return Err(error(RevocationLineError::FieldCount(fields.len())));
            };
            let account =
                AccountId::new(account).map_err(|e| error(RevocationLineError::Account(e)))?;
            let role = RoleName::new(role).map_err(|e| error(RevocationLineError::Role(e)))?;
            let before =
                time::OffsetDateTime::parse(before, &time::format_description::well_known::Rfc3339)
                    .ok()
                    .and_then(|t| u64::try_from(t.unix_timestamp()).ok())
                    .ok_or_else(|| error(RevocationLineError::Time))?;
            revoked.revoke_role_sessions(account, role, UnixTime::from_secs(before));
        }
        Ok(revoked)
    }

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

    #[test]
    fn revocation_files_parse_strictly() {
        let text = "\n# comment\n  222222222222\tdeploy   2026-11-27T05:30:00Z  \n\
                    222222222222 deploy 2026-11-27T05:00:00+01:00\n\
                    111111111111 admin 1970-01-01T00:00:10Z\n";
        let r = RevokedSessions::from_text(text).unwrap();
        assert_eq!(r.len(), 2);
        // 05:30Z stays: 05:00+01:00 is 04:00Z, earlier.
        assert_eq!(r.0[0].2, UnixTime::from_secs(1_795_757_400));
        assert_eq!(r.0[1].2, UnixTime::from_secs(10));
        assert_eq!(
            RevokedSessions::from_text(""),
            Ok(RevokedSessions::default())
        );
        let bad = |text: &str| RevokedSessions::from_text(text).unwrap_err();
        assert_eq!(
            bad("# ok\n222222222222 deploy\n"),
            RevocationFileError {
                line: 2,
                kind: RevocationLineError::FieldCount(2)
            }
        );
        assert_eq!(
            bad("222222222222 deploy 2026-11-27T05:30:00Z extra").kind,
            RevocationLineError::FieldCount(4)
        );
        assert!(matches!(
            bad("22222222222 deploy 2026-11-27T05:30:00Z").kind,
            RevocationLineError::Account(_)
        ));
        assert!(matches!(
            bad("222222222222 de*ploy 2026-11-27T05:30:00Z").kind,
            RevocationLineError::Role(_)
        ));
        for time in [
            "2026-11-27",
            "1700000000",
            "2026-11-27T05:30:00",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(
                bad(&format!("222222222222 deploy {time}")).kind,
                RevocationLineError::Time,
                "{time}"
            );
        }
        assert_eq!(
            bad("222222222222 deploy 2026-11-27T05:30:00Z\ngarbage").to_string(),
            "line 2: expected `ACCOUNT ROLE ISSUED-BEFORE`, found 1 fields"
        );
    }
}
