use crate::bounded::bounded_name;
use crate::validate::{check_text, is_iam_name_char, InvalidParameter};

fn check_session_name(s: &str) -> Result<(), InvalidParameter> {
    check_text(
        "roleSessionName",
        s,
        2,
        64,
        "[\\w+=,.@-]*",
        is_iam_name_char,
    )
}

bounded_name!(
    /// `RoleSessionName`: 2–64 characters of `[\w+=,.@-]`, the session part of an assumed-role ARN.
    ///
    /// ```
    /// use tempcred::RoleSessionName;
    /// assert!(RoleSessionName::new("ci-run-42").is_ok());
    /// assert!(RoleSessionName::new("x").is_err());
    /// assert!(RoleSessionName::new("has space").is_err());
    /// ```
    RoleSessionName,
    64,
    check_session_name
);

fn check_federated_name(s: &str) -> Result<(), InvalidParameter> {
    check_text("name", s, 2, 32, "[\\w+=,.@-]*", is_iam_name_char)
}

bounded_name!(
    /// The `Name` of a `GetFederationToken` user: 2–32 characters of `[\w+=,.@-]`.
    FederatedUserName,
    32,
    check_federated_name
);

fn check_source_identity(s: &str) -> Result<(), InvalidParameter> {
    // The character set has no ':', so the reserved `aws:` prefix is refused by the pattern.
    check_text("sourceIdentity", s, 2, 64, "[\\w+=,.@-]*", is_iam_name_char)
}

bounded_name!(
    /// `SourceIdentity`: 2–64 characters of `[\w+=,.@-]`, not starting with `aws:`. Once set on a
    /// session it travels unchanged through every chained session.
    SourceIdentity,
    64,
    check_source_identity
);

fn check_external_id(s: &str) -> Result<(), InvalidParameter> {
    check_text("externalId", s, 2, 1224, "[\\w+=,.@:\\/-]*", |c| {
        is_iam_name_char(c) || c == ':' || c == '/'
    })
}

bounded_name!(
    /// `ExternalId`: 2–1224 characters of `[\w+=,.@:/-]`, the shared value a third party names in
    /// `AssumeRole` to defeat the confused-deputy problem.
    ExternalId,
    1224,
    check_external_id
);

fn check_serial(s: &str) -> Result<(), InvalidParameter> {
    check_text("serialNumber", s, 9, 256, "[\\w+=/:,.@-]*", |c| {
        is_iam_name_char(c) || c == ':' || c == '/'
    })
}

bounded_name!(
    /// `SerialNumber`: the MFA device's serial or ARN, 9–256 characters of `[\w+=/:,.@-]`.
    MfaSerialNumber,
    256,
    check_serial
);

fn check_token_code(s: &str) -> Result<(), InvalidParameter> {
    check_text("tokenCode", s, 6, 6, "[\\d]*", |c| c.is_ascii_digit())
}

/// `TokenCode`: exactly six digits from the MFA device. A one-time secret: `Debug` does not show
/// it, it is wiped on drop, there is no `Display`, and equality is constant-time.
///
/// ```
/// use tempcred::MfaTokenCode;
/// let code = MfaTokenCode::new("123456").unwrap();
/// assert_eq!(format!("{code:?}"), "MfaTokenCode(***OMITTED***)");
/// assert!(MfaTokenCode::new("12345").is_err());
/// ```
#[derive(Clone, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct MfaTokenCode([u8; 6]);

impl MfaTokenCode {
    /// Validates a code: exactly six ASCII digits.
    ///
    /// # Errors
    ///
    /// [`InvalidParameter`](crate::InvalidParameter) unless the code is exactly six digits.
    pub fn new(code: &str) -> Result<Self, InvalidParameter> {
        check_token_code(code)?;
        let digits: [u8; 6] = code.as_bytes().try_into().map_err(|_| InvalidParameter {
            field: "tokenCode",
            constraint: crate::validate::Constraint::TooLong(6),
        })?;
        Ok(MfaTokenCode(digits))
    }

    /// The six digits.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl PartialEq for MfaTokenCode {
    fn eq(&self, other: &Self) -> bool {
        subtle::ConstantTimeEq::ct_eq(&self.0[..], &other.0[..]).into()
    }
}

impl Eq for MfaTokenCode {}

impl std::fmt::Debug for MfaTokenCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaTokenCode(***OMITTED***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Constraint;

    #[test]
    fn each_parameter_has_an_allowed_and_a_refused_case() {
        assert!(RoleSessionName::new(&"a".repeat(64)).is_ok());
        assert!(RoleSessionName::new(&"a".repeat(65)).is_err());
        assert!(FederatedUserName::new(&"b".repeat(32)).is_ok());
        assert!(FederatedUserName::new(&"b".repeat(33)).is_err());
        assert!(SourceIdentity::new("alice@example.com").is_ok());
        assert!(matches!(
            SourceIdentity::new("aws:alice").unwrap_err().constraint,
            Constraint::Pattern(_)
        ));
        assert!(SourceIdentity::new("AWS:alice").is_err());
        assert!(ExternalId::new("urn:partner/42").is_ok());
        assert!(ExternalId::new(&"e".repeat(1224)).is_ok());
        assert!(ExternalId::new(&"e".repeat(1225)).is_err());
        assert!(ExternalId::new("x").is_err());
        assert!(ExternalId::new("no spaces").is_err());
        assert!(MfaSerialNumber::new("arn:aws:iam::123456789012:mfa/alice").is_ok());
        assert!(MfaSerialNumber::new("GAHT1234").is_err());
        assert!(MfaTokenCode::new("123456").is_ok());
        assert!(MfaTokenCode::new("12345").is_err());
        assert!(MfaTokenCode::new("12345a").is_err());
    }
}
