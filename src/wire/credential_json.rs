//! Credential JSON documents that AWS tools read: the `credential_process` output and the
//! instance-metadata (IMDS) and container (ECS) credential endpoints' answers.
//!
//! These functions, with the XML responses, are the only places the crate serializes a secret
//! access key or a session token (see [`crate::wire`]). Each returns a [`Zeroizing`] string so the
//! copy is wiped when dropped; the credential types themselves have no `Serialize`.

use crate::credentials::Credentials;
use crate::time::UnixTime;
use crate::wire::xml::iso8601;
use serde::Serialize;
use zeroize::Zeroizing;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CredentialProcess<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Imds<'a> {
    code: &'a str,
    last_updated: &'a str,
    #[serde(rename = "Type")]
    kind: &'a str,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    expiration: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Container<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    expiration: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<&'a str>,
}

fn to_json<T: Serialize>(value: &T) -> Zeroizing<String> {
    // Serializing a struct of strings and integers into a String cannot fail; an empty document
    // (which every SDK refuses) is the fail-closed answer if it ever did.
    Zeroizing::new(serde_json::to_string(value).unwrap_or_default())
}

/// The output of a `credential_process` program (AWS CLI and SDK config):
/// `{"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":"…Z"}`.
///
/// ```
/// use tempcred::hazmat::Seal; // minting a token of a chosen shape, for the example
/// # use tempcred::*; use tempcred::token::*; use tempcred::principal::*; use tempcred::keys::KeyId;
/// # let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SystemRandom).unwrap();
/// # let claims = Claims { token_id: TokenId([1; 16]), issued_at: UnixTime::from_secs(1_699_999_000),
/// #   expires_at: UnixTime::from_secs(1_700_000_000), operation: Operation::AssumeRole,
/// #   partition: Partition::aws(), account: "123456789012".parse().unwrap(),
/// #   principal: SessionPrincipal::AssumedRole { role_path: IamPath::root(),
/// #     role_name: RoleName::new("deploy").unwrap(),
/// #     role_id: UniqueId::new("AROA3XFRBF535PLBIFPI4").unwrap(),
/// #     session_name: RoleSessionName::new("ci").unwrap() },
/// #   source_identity: None, mfa_authenticated_at: None, chain_depth: 0,
/// #   tags: SessionTags::new(), session_policy: None, policy_arns: vec![] };
/// let creds: Credentials = claims.seal(&ring).unwrap();
/// let json = tempcred::wire::credential_process_json(&creds);
/// let v: serde_json::Value = serde_json::from_str(&json).unwrap();
/// assert_eq!(v["Version"], 1);
/// assert_eq!(v["Expiration"], "2023-11-14T22:13:20Z");
/// ```
#[must_use]
pub fn credential_process_json(credentials: &Credentials) -> Zeroizing<String> {
    let expiration = iso8601(credentials.expiration);
    to_json(&CredentialProcess {
        version: 1,
        access_key_id: credentials.access_key_id.as_str(),
        secret_access_key: credentials.secret_access_key.expose_secret(),
        session_token: credentials.session_token.expose_secret(),
        expiration: &expiration,
    })
}

/// The answer of the instance-metadata endpoint
/// `/latest/meta-data/iam/security-credentials/ROLE`:
/// `{"Code":"Success","LastUpdated":…,"Type":"AWS-HMAC","AccessKeyId":…,"SecretAccessKey":…,
/// "Token":…,"Expiration":…}`. `last_updated` is when these credentials were obtained.
#[must_use]
pub fn imds_credentials_json(
    credentials: &Credentials,
    last_updated: UnixTime,
) -> Zeroizing<String> {
    let expiration = iso8601(credentials.expiration);
    let updated = iso8601(last_updated);
    to_json(&Imds {
        code: "Success",
        last_updated: &updated,
        kind: "AWS-HMAC",
        access_key_id: credentials.access_key_id.as_str(),
        secret_access_key: credentials.secret_access_key.expose_secret(),
        token: credentials.session_token.expose_secret(),
        expiration: &expiration,
    })
}

/// The answer of the container credentials endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` /
/// `…_FULL_URI`): `{"AccessKeyId":…,"SecretAccessKey":…,"Token":…,"Expiration":…}`, plus
/// `"RoleArn"` when given, as ECS sends it.
#[must_use]
pub fn container_credentials_json(
    credentials: &Credentials,
    role_arn: Option<&str>,
) -> Zeroizing<String> {
    let expiration = iso8601(credentials.expiration);
    to_json(&Container {
        access_key_id: credentials.access_key_id.as_str(),
        secret_access_key: credentials.secret_access_key.expose_secret(),
        token: credentials.session_token.expose_secret(),
        expiration: &expiration,
        role_arn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{AccessKeyId, SecretAccessKey, SessionToken};

    fn creds() -> Credentials {
        Credentials {
            access_key_id: AccessKeyId::new("ASIAIOSFODNN7EXAMPLE").unwrap(),
            secret_access_key: SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .unwrap(),
            session_token: SessionToken::from_encoded("AQoDYXdzEPT//////////wEXAMPLE".into()),
            expiration: UnixTime::from_secs(1_311_201_713),
        }
    }

    #[test]
    fn credential_process_golden() {
        assert_eq!(
            credential_process_json(&creds()).as_str(),
            r#"{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"AQoDYXdzEPT//////////wEXAMPLE","Expiration":"2011-07-20T22:41:53Z"}"#
        );
    }

    #[test]
    fn imds_golden() {
        assert_eq!(
            imds_credentials_json(&creds(), UnixTime::from_secs(1_311_198_113)).as_str(),
            r#"{"Code":"Success","LastUpdated":"2011-07-20T21:41:53Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","Token":"AQoDYXdzEPT//////////wEXAMPLE","Expiration":"2011-07-20T22:41:53Z"}"#
        );
    }

    #[test]
    fn container_golden() {
        assert_eq!(
            container_credentials_json(&creds(), None).as_str(),
            r#"{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","Token":"AQoDYXdzEPT//////////wEXAMPLE","Expiration":"2011-07-20T22:41:53Z"}"#
        );
        let with_role =
            container_credentials_json(&creds(), Some("arn:aws:iam::123456789012:role/task"));
        assert!(with_role.ends_with(r#","RoleArn":"arn:aws:iam::123456789012:role/task"}"#));
    }
}
