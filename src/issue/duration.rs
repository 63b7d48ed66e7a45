//! Session lifetimes per operation ([`crate::limits`]): minimum, maximum and default, role chaining and
//! root's limits.

use crate::validate::{Constraint, InvalidParameter};

use crate::limits::{
    DEFAULT_ROLE_SESSION_SECS, DEFAULT_USER_SESSION_SECS, MAX_CHAINED_SESSION_SECS,
    MAX_ROOT_SESSION_SECS, MAX_USER_SESSION_SECS, MIN_SESSION_SECS, ROLE_MAX_SESSION_RANGE,
};

/// Why a requested duration was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DurationError {
    /// Outside the parameter's own range.
    Parameter(InvalidParameter),
    /// Over the role's `MaxSessionDuration`.
    OverRoleMaximum,
    /// Over the one-hour cap of role chaining.
    OverChainingLimit,
}

impl DurationError {
    pub(crate) fn message(&self) -> String {
        match self {
            DurationError::Parameter(p) => p.to_string(),
            DurationError::OverRoleMaximum => {
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                    .to_owned()
            }
            DurationError::OverChainingLimit => {
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
                    .to_owned()
            }
        }
    }
}

fn parameter(constraint: Constraint) -> DurationError {
    DurationError::Parameter(InvalidParameter {
        field: "durationSeconds",
        constraint,
    })
}

/// The lifetime of a role session (`AssumeRole` and its web-identity, SAML and service variants).
/// Chained sessions are capped at one hour and a longer request fails rather than being clamped.
pub(crate) fn role_session(
    requested: Option<u32>,
    role_max: u32,
    chaining: bool,
) -> Result<u32, DurationError> {
    let Some(secs) = requested else {
        return Ok(DEFAULT_ROLE_SESSION_SECS.min(role_max));
    };
    if secs < MIN_SESSION_SECS {
        return Err(parameter(Constraint::LessThan(u64::from(MIN_SESSION_SECS))));
    }
    if secs > *ROLE_MAX_SESSION_RANGE.end() {
        return Err(parameter(Constraint::GreaterThan(u64::from(
            *ROLE_MAX_SESSION_RANGE.end(),
        ))));
    }
    if chaining && secs > MAX_CHAINED_SESSION_SECS {
        return Err(DurationError::OverChainingLimit);
    }
    if secs > role_max {
        return Err(DurationError::OverRoleMaximum);
    }
    Ok(secs)
}

/// The lifetime of a `GetSessionToken` or `GetFederationToken` session. Root's sessions are
/// clamped to one hour.
pub(crate) fn user_session(requested: Option<u32>, root: bool) -> Result<u32, DurationError> {
    let secs = requested.unwrap_or(if root {
        MAX_ROOT_SESSION_SECS
    } else {
        DEFAULT_USER_SESSION_SECS
    });
    if secs < MIN_SESSION_SECS {
        return Err(parameter(Constraint::LessThan(u64::from(MIN_SESSION_SECS))));
    }
    if secs > MAX_USER_SESSION_SECS {
        return Err(parameter(Constraint::GreaterThan(u64::from(
            MAX_USER_SESSION_SECS,
        ))));
    }
    Ok(if root {
        secs.min(MAX_ROOT_SESSION_SECS)
    } else {
        secs
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sessions() {
        assert_eq!(role_session(None, 43_200, false), Ok(3600));
        assert!(matches!(
            role_session(Some(899), 3600, false),
            Err(DurationError::Parameter(_))
        ));
        assert_eq!(role_session(Some(900), 3600, false), Ok(900));
        assert_eq!(role_session(Some(3600), 3600, false), Ok(3600));
        assert_eq!(
            role_session(Some(3601), 3600, false),
            Err(DurationError::OverRoleMaximum)
        );
        assert_eq!(role_session(Some(43_200), 43_200, false), Ok(43_200));
        assert!(matches!(
            role_session(Some(43_201), 43_200, false),
            Err(DurationError::Parameter(_))
        ));
        assert_eq!(role_session(Some(3600), 43_200, true), Ok(3600));
        assert_eq!(
            role_session(Some(3601), 43_200, true),
            Err(DurationError::OverChainingLimit)
        );
        assert_eq!(role_session(None, 43_200, true), Ok(3600));
    }

    #[test]
    fn user_and_root_sessions() {
        assert_eq!(user_session(None, false), Ok(43_200));
        assert_eq!(user_session(Some(129_600), false), Ok(129_600));
        assert!(user_session(Some(129_601), false).is_err());
        assert!(user_session(Some(899), false).is_err());
        assert_eq!(user_session(Some(900), false), Ok(900));
        assert_eq!(user_session(None, true), Ok(3600));
        assert_eq!(user_session(Some(7200), true), Ok(3600), "root is clamped");
        assert!(user_session(Some(899), true).is_err());
        assert!(user_session(Some(129_601), true).is_err());
    }

    #[test]
    fn messages_follow_aws() {
        assert!(DurationError::OverChainingLimit
            .message()
            .contains("role chaining"));
        assert!(role_session(Some(1), 3600, false)
            .unwrap_err()
            .message()
            .contains("durationSeconds"));
    }
}
