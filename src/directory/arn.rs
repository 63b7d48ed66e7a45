//! The few IAM ARN shapes the directory stores, parsed strictly.
//!
//! The policy engine has the general ARN type; the directory only needs to split
//! `arn:PARTITION:iam::ACCOUNT:KIND/PATH/NAME` into checked parts, so it does that here and stays
//! independent of the engine.

use crate::principal::{AccountId, IamPath, Partition};

/// The longest ARN the directory accepts, in bytes (a 512-byte path and a 64-byte name fit easily).
pub(crate) const MAX_ARN_BYTES: usize = 1024;

/// `arn:P:iam::A:RESOURCE` split into checked partition and account, and the raw resource.
pub(crate) fn split_iam_arn(arn: &str) -> Result<(Partition, AccountId, &str), &'static str> {
    if arn.len() > MAX_ARN_BYTES {
        return Err("ARN is too long");
    }
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err("expected an IAM ARN: arn:PARTITION:iam::ACCOUNT:RESOURCE");
    };
    let partition = Partition::new(partition).map_err(|_| "invalid partition in ARN")?;
    let account = AccountId::new(account).map_err(|_| "invalid account ID in ARN")?;
    Ok((partition, account, resource))
}

/// Splits `KIND/PATH/NAME` (the path may be just `/`) into the path (with both slashes) and name.
pub(crate) fn split_path_name<'a>(
    resource: &'a str,
    kind: &str,
) -> Result<(IamPath, &'a str), &'static str> {
    let rest = resource
        .strip_prefix(kind)
        .filter(|r| r.starts_with('/'))
        .ok_or("ARN names the wrong kind of resource")?;
    let cut = rest.rfind('/').map_or(0, |i| i.saturating_add(1));
    let (path, name) = (
        rest.get(..cut).unwrap_or("/"),
        rest.get(cut..).unwrap_or(""),
    );
    let path = IamPath::new(path).map_err(|_| "invalid path in ARN")?;
    Ok((path, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_role_and_user_arns() {
        let (p, a, r) = split_iam_arn("arn:aws:iam::123456789012:role/a/b/deploy").unwrap();
        assert_eq!(
            (p.as_str(), a.to_string().as_str()),
            ("aws", "123456789012")
        );
        let (path, name) = split_path_name(r, "role").unwrap();
        assert_eq!((path.as_str(), name), ("/a/b/", "deploy"));
        let (path, name) = split_path_name("user/alice", "user").unwrap();
        assert_eq!((path.as_str(), name), ("/", "alice"));
        assert!(split_path_name("user/alice", "role").is_err());
        assert!(split_path_name("userx/alice", "user").is_err());
        for bad in [
            "arn:aws:sts::123456789012:role/x",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:aws:iam::12345678901:role/x",
            "arn:AWS:iam::123456789012:role/x",
            "aws:iam::123456789012:role/x",
            "arn:aws:iam::123456789012",
        ] {
            assert!(split_iam_arn(bad).is_err(), "{bad}");
        }
    }
}
