//! What a long-term principal authenticates with: access keys and virtual MFA devices.

use super::DirectoryError;
use crate::credentials::{AccessKeyId, SecretAccessKey};
use crate::mfa::TotpSeed;
use crate::session::MfaSerialNumber;
use crate::validate::{Constraint, InvalidParameter};

/// A long-term access key: an `AKIA…` ID and its secret.
#[derive(Clone, Debug)]
pub struct AccessKey {
    /// The public key ID.
    pub id: AccessKeyId,
    /// The secret; redacted in `Debug`, zeroized on drop.
    pub secret: SecretAccessKey,
}

impl AccessKey {
    /// A long-term key; refuses a temporary (`ASIA…`) ID.
    ///
    /// # Errors
    ///
    /// [`DirectoryError`] when the access key ID is not a long-term (`AKIA…`) one.
    pub fn new(id: AccessKeyId, secret: SecretAccessKey) -> Result<Self, DirectoryError> {
        if id.kind() != crate::AccessKeyKind::LongTerm {
            return Err(InvalidParameter {
                field: "accessKeyId",
                constraint: Constraint::Rule("Long-term access key IDs start with AKIA"),
            }
            .into());
        }
        Ok(AccessKey { id, secret })
    }
}

/// A virtual MFA device: its serial number (usually an ARN) and its TOTP seed.
#[derive(Clone, Debug)]
pub struct MfaDevice {
    serial: MfaSerialNumber,
    seed: TotpSeed,
    owner_arn: Box<str>,
}

impl MfaDevice {
    /// A device registered to the user or root named by `owner_arn`.
    pub(super) fn owned_by(serial: MfaSerialNumber, seed: TotpSeed, owner_arn: &str) -> Self {
        MfaDevice {
            serial,
            seed,
            owner_arn: owner_arn.into(),
        }
    }

    /// The device's serial number.
    #[must_use]
    pub fn serial(&self) -> &MfaSerialNumber {
        &self.serial
    }

    /// The TOTP seed, for the MFA verifier.
    #[must_use]
    pub fn seed(&self) -> &TotpSeed {
        &self.seed
    }

    /// The ARN of the user (or root) the device belongs to. The issuer checks the device belongs
    /// to the caller.
    #[must_use]
    pub fn owner_arn(&self) -> &str {
        &self.owner_arn
    }
}
