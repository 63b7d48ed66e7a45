//! Principals and identifiers: ARNs, account IDs, partitions, IAM names and paths, unique IDs.
//!
//! Every type here parses strictly and prints back exactly the string it was parsed from.

mod arn;
mod names;

pub use arn::{Arn, ArnError, PrincipalArn};
pub use names::{AccountId, IamPath, Partition, RoleName, UniqueId, UniqueIdKind, UserName};
