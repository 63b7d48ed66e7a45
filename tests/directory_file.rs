//! The JSON directory file as a user loads it: strict schema, paths in errors, no secret in any
//! error or `Debug` output, policy text kept verbatim.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::directory::{demo_directory_json, Directory, DirectoryFileError, InMemoryDirectory};
use tempcred::limits::MAX_DIRECTORY_FILE_BYTES;
use tempcred::principal::{AccountId, RoleName, UniqueIdKind, UserName};
use tempcred::{AccessKeyId, MfaSerialNumber};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn with_user(user: &str) -> String {
    format!(r#"{{"users":[{user}]}}"#)
}

fn err(text: &str) -> DirectoryFileError {
    InMemoryDirectory::from_json(text).unwrap_err()
}

fn path_of(text: &str) -> String {
    let e = err(text);
    e.path().unwrap_or("<none>").to_string()
}

#[test]
fn demo_directory_loads_and_answers_lookups() {
    let dir = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
    let a1 = AccountId::new("111111111111").unwrap();
    let a2 = AccountId::new("222222222222").unwrap();
    let alice = dir.user(a1, &UserName::new("alice").unwrap()).unwrap();
    assert_eq!(alice.policies().len(), 1);
    assert_eq!(alice.tags().get("team").unwrap().value.as_str(), "payments");
    let (owner, secret) = dir
        .user_by_access_key(&AccessKeyId::new("AKIADEMOALICE0000001").unwrap())
        .unwrap();
    assert_eq!(owner.arn(), "arn:aws:iam::111111111111:user/alice");
    assert_eq!(secret.expose_secret().len(), 40);
    let deploy = dir.role(a2, &RoleName::new("deploy").unwrap()).unwrap();
    assert_eq!(deploy.max_session_duration(), 7200);
    assert!(deploy
        .trust_policy()
        .original_text()
        .contains("sts:ExternalId"));
    let readonly = dir.role(a2, &RoleName::new("readonly").unwrap()).unwrap();
    assert_eq!(readonly.max_session_duration(), 3600);
    assert!(readonly
        .trust_policy()
        .original_text()
        .contains("arn:aws:iam::222222222222:role/deploy"));
    let serial = MfaSerialNumber::new("arn:aws:iam::111111111111:mfa/alice").unwrap();
    assert!(owner.has_mfa_device(&serial));
    assert!(dir.mfa_device(&serial).is_some());
    assert!(dir
        .oidc_provider_by_arn("arn:aws:iam::222222222222:oidc-provider/id.example.com")
        .is_some());
    assert!(dir
        .oidc_provider_by_url(a1, "https://id.example.com")
        .is_none());
    assert!(dir.root(a2).is_some());
    // Debug of the whole directory shows no secret.
    let debug = format!("{dir:?}");
    assert!(!debug.contains("DemoOnlyAliceSecret"));
    assert!(!debug.contains("JBSWY3DPEHPK3PXP"));
}

#[test]
fn unique_ids_are_stable_across_loads_and_can_be_given() {
    let a = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
    let b = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
    let acct = AccountId::new("222222222222").unwrap();
    let name = RoleName::new("deploy").unwrap();
    let id = a.role(acct, &name).unwrap().role_id();
    assert_eq!(id, b.role(acct, &name).unwrap().role_id());
    assert_eq!(id.kind(), UniqueIdKind::Role);

    let text = r#"{"roles":[{"arn":"arn:aws:iam::222222222222:role/deploy",
        "id":"AROA3XFRBF535PLBIFPI4","trust_policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}}]}"#;
    let d = InMemoryDirectory::from_json(text).unwrap();
    assert_eq!(
        d.role(acct, &name).unwrap().role_id().as_str(),
        "AROA3XFRBF535PLBIFPI4"
    );
    let text = r#"{"roles":[{"arn":"arn:aws:iam::222222222222:role/deploy",
        "id":"AIDA3XFRBF535PLBIFPI4","trust_policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}}]}"#;
    assert_eq!(path_of(text), "roles[0].id");
    let text = r#"{"roles":[{"arn":"arn:aws:iam::222222222222:role/a","id":"AROA3XFRBF535PLBIFPI4","trust_policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}},
        {"arn":"arn:aws:iam::222222222222:role/b","id":"AROA3XFRBF535PLBIFPI4","trust_policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}}]}"#;
    assert_eq!(path_of(text), "roles[1]");
}

#[test]
fn unknown_fields_are_errors_with_their_path() {
    assert_eq!(path_of(r#"{"partition":"aws","groups":[]}"#), "groups");
    assert_eq!(
        path_of(&with_user(
            r#"{"arn":"arn:aws:iam::111111111111:user/a","colour":"red"}"#
        )),
        "users[0].colour"
    );
    assert_eq!(
        path_of(&with_user(&format!(
            r#"{{"arn":"arn:aws:iam::111111111111:user/a","access_keys":[{{"id":"AKIAIOSFODNN7EXAMPLE","secret":"{SECRET}","note":1}}]}}"#
        ))),
        "users[0].access_keys[0].note"
    );
    assert_eq!(
        path_of(
            r#"{"oidc_providers":[{"arn":"x","url":"https://a","audiences":[],"jwks":{},"thumbprints":[]}]}"#
        ),
        "oidc_providers[0].thumbprints"
    );
    // Unknown elements inside policy documents are refused by the policy engine, with the path.
    assert_eq!(
        path_of(
            r#"{"roles":[{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{"Anything":1}}]}"#
        ),
        "roles[0].trust_policy"
    );
}

#[test]
fn bad_values_are_errors_with_their_path() {
    let user = |extra: &str| {
        with_user(&format!(
            r#"{{"arn":"arn:aws:iam::111111111111:user/a"{extra}}}"#
        ))
    };
    assert_eq!(
        path_of(&with_user(r#"{"arn":"arn:aws:iam::1111:user/a"}"#)),
        "users[0].arn"
    );
    assert_eq!(
        path_of(&with_user(r#"{"arn":"arn:aws:iam::111111111111:role/a"}"#)),
        "users[0].arn"
    );
    assert_eq!(
        path_of(&user(
            r#","access_keys":[{"id":"ASIAIOSFODNN7EXAMPLE","secret":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}]"#
        )),
        "users[0].access_keys[0].id"
    );
    assert_eq!(
        path_of(&user(
            r#","mfa_devices":[{"serial":"arn:aws:iam::111111111111:mfa/a","totp_base32":"not base32!"}]"#
        )),
        "users[0].mfa_devices[0].totp_base32"
    );
    assert_eq!(
        path_of(&user(
            r#","mfa_devices":[{"serial":"short","totp_base32":"JBSWY3DPEHPK3PXP"}]"#
        )),
        "users[0].mfa_devices[0].serial"
    );
    assert_eq!(
        path_of(&user(
            r#","policies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}, "not an object"]"#
        )),
        "users[0].policies[1]"
    );
    assert_eq!(
        path_of(&user(r#","tags":{"aws:x":"y"}"#)),
        "users[0].tags.aws:x"
    );
    assert_eq!(
        path_of(&user(r#","tags":{"Team":"a","team":"b"}"#)),
        "users[0].tags.team"
    );
    assert_eq!(
        path_of(&user(r#","tags":{"team":5}"#)),
        "users[0].tags.team"
    );
    let role = |extra: &str| {
        format!(
            r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}}}{extra}}}]}}"#
        )
    };
    assert_eq!(
        path_of(&role(r#","max_session_duration":60"#)),
        "roles[0].max_session_duration"
    );
    assert_eq!(
        path_of(&role(r#","max_session_duration":-1"#)),
        "roles[0].max_session_duration"
    );
    assert_eq!(
        path_of(r#"{"roles":[{"arn":"arn:aws:iam::111111111111:role/r"}]}"#),
        "roles[0]"
    );
    assert_eq!(
        path_of(r#"{"roles":[{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":[]}]}"#),
        "roles[0].trust_policy"
    );
    assert_eq!(path_of(r#"{"partition":"AWS"}"#), "partition");
    assert_eq!(
        path_of(
            r#"{"partition":"aws-cn","roles":[{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}}]}"#
        ),
        "roles[0]"
    );
    assert_eq!(
        path_of(
            r#"{"oidc_providers":[{"arn":"arn:aws:iam::111111111111:oidc-provider/other.example.com","url":"https://id.example.com","audiences":["a"],"jwks":{"keys":[]}}]}"#
        ),
        "oidc_providers[0].arn"
    );
    assert_eq!(
        path_of(
            r#"{"oidc_providers":[{"arn":"arn:aws:iam::111111111111:oidc-provider/id.example.com","url":"http://id.example.com","audiences":["a"],"jwks":{"keys":[]}}]}"#
        ),
        "oidc_providers[0]"
    );
    assert_eq!(path_of(r#"{"users":{}}"#), "users");
    assert!(matches!(
        err(r#"{} {}"#),
        DirectoryFileError::Invalid { .. }
    ));
    assert!(matches!(err("[]"), DirectoryFileError::Invalid { .. }));
    // Structs are objects only: the positional (array) form serde would accept is refused.
    assert_eq!(
        path_of(r#"{"users":[["arn:aws:iam::111111111111:user/a"]]}"#),
        "users[0]"
    );
}

#[test]
fn duplicates_are_refused() {
    let key = format!(r#"{{"id":"AKIAIOSFODNN7EXAMPLE","secret":"{SECRET}"}}"#);
    let text = format!(
        r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/a","access_keys":[{key}]}},
                      {{"arn":"arn:aws:iam::111111111111:user/b","access_keys":[{key}]}}]}}"#
    );
    let e = err(&text);
    assert_eq!(e.path(), Some("users[1]"));
    assert!(e.to_string().contains("AKIAIOSFODNN7EXAMPLE"));
    assert!(!e.to_string().contains("wJalr"));
    let text = r#"{"roles":[{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}},
                            {"arn":"arn:aws:iam::111111111111:role/path/r","trust_policy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}}]}"#;
    assert_eq!(path_of(text), "roles[1]");
    let text = r#"{"roots":[{"account":"111111111111"}],
                   "users":[{"arn":"arn:aws:iam::111111111111:user/a"}]}"#;
    assert!(InMemoryDirectory::from_json(text).is_ok());
}

#[test]
fn secrets_never_appear_in_errors() {
    // A secret of the wrong length, and a key ID error next to a valid secret.
    let bad_secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE";
    let text = with_user(&format!(
        r#"{{"arn":"arn:aws:iam::111111111111:user/a","access_keys":[{{"id":"AKIAIOSFODNN7EXAMPLE","secret":"{bad_secret}"}}]}}"#
    ));
    let e = err(&text);
    assert_eq!(e.path(), Some("users[0].access_keys[0].secret"));
    assert!(!format!("{e} {e:?}").contains("wJalr"));
    let text = with_user(
        r#"{"arn":"arn:aws:iam::111111111111:user/a","mfa_devices":[{"serial":"arn:aws:iam::111111111111:mfa/a","totp_base32":"JBSWY3DP"}]}"#,
    );
    let e = err(&text);
    assert!(!format!("{e} {e:?}").contains("JBSWY3DP"));
}

#[test]
fn policies_are_parsed_strictly_at_load_with_their_path() {
    let valid = r#"{ "Version" : "2012-10-17", "Statement": [ {"Effect":"Allow","Action":"s3:*","Resource":"*"} ] }"#;
    let trust = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#;
    let text = format!(
        r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{trust},"policies":[{valid}]}}]}}"#
    );
    let dir = InMemoryDirectory::from_json(&text).unwrap();
    let role = dir
        .role(
            AccountId::new("111111111111").unwrap(),
            &RoleName::new("r").unwrap(),
        )
        .unwrap();
    assert_eq!(role.trust_policy().original_text(), trust);
    assert_eq!(role.policies()[0].original_text(), valid);

    // Duplicate keys, a trust policy without Principal, an identity policy with one: refused.
    let duplicate = r#"{"Version":"2012-10-17","Statement":[],"Statement":[]}"#;
    let text = format!(
        r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{duplicate}}}]}}"#
    );
    assert_eq!(path_of(&text), "roles[0].trust_policy");
    let text = format!(
        r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{valid}}}]}}"#
    );
    assert_eq!(path_of(&text), "roles[0].trust_policy");
    let text = format!(
        r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{trust},"policies":[{valid},{trust}]}}]}}"#
    );
    assert_eq!(path_of(&text), "roles[0].policies[1]");
}

#[test]
fn size_is_bounded_before_parsing() {
    let big = " ".repeat(MAX_DIRECTORY_FILE_BYTES + 1);
    assert!(matches!(err(&big), DirectoryFileError::TooLarge { .. }));
    let r = InMemoryDirectory::from_json_reader(big.as_bytes());
    assert!(matches!(
        r.unwrap_err(),
        DirectoryFileError::TooLarge { .. }
    ));
    let ok = InMemoryDirectory::from_json_reader(demo_directory_json().as_bytes());
    assert!(ok.is_ok());
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let deep = format!(
        r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","trust_policy":{}{}}}]}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(InMemoryDirectory::from_json(&deep).is_err());
}

#[test]
fn the_size_bound_is_16_mib_exactly() {
    assert_eq!(MAX_DIRECTORY_FILE_BYTES, 16 * 1024 * 1024);
    // At the limit the file is parsed (here: an empty document padded with whitespace).
    let at_limit = format!("{{}}{}", " ".repeat(MAX_DIRECTORY_FILE_BYTES - 2));
    assert!(InMemoryDirectory::from_json(&at_limit).is_ok());
    assert!(InMemoryDirectory::from_json_reader(at_limit.as_bytes()).is_ok());
    let over = format!("{at_limit} ");
    assert!(matches!(err(&over), DirectoryFileError::TooLarge { .. }));
}

#[test]
fn roots_load_with_their_keys_and_devices() {
    let text = format!(
        r#"{{"roots":[{{"account":"333333333333",
            "access_keys":[{{"id":"AKIAROOTEXAMPLE00001","secret":"{SECRET}"}}],
            "mfa_devices":[{{"serial":"arn:aws:iam::333333333333:mfa/root-account-mfa-device",
                             "totp_base32":"JBSWY3DPEHPK3PXP"}}]}}]}}"#
    );
    let dir = InMemoryDirectory::from_json(&text).unwrap();
    let account = AccountId::new("333333333333").unwrap();
    let root = dir.root(account).unwrap();
    assert_eq!(root.access_keys().len(), 1);
    let (owner, secret) = dir
        .user_by_access_key(&AccessKeyId::new("AKIAROOTEXAMPLE00001").unwrap())
        .unwrap();
    assert_eq!(owner.arn(), "arn:aws:iam::333333333333:root");
    assert_eq!(secret.expose_secret(), SECRET);
    let serial =
        MfaSerialNumber::new("arn:aws:iam::333333333333:mfa/root-account-mfa-device").unwrap();
    assert!(dir.mfa_device(&serial).is_some());
    assert_eq!(
        path_of(r#"{"roots":[{"account":"33"}]}"#),
        "roots[0].account"
    );
}

#[test]
fn a_value_of_the_wrong_json_type_says_what_was_expected() {
    let message = |text: &str| err(text).to_string();
    assert!(message(r#"{"users":[5]}"#).contains("a JSON object"));
    assert!(message(&with_user(
        r#"{"arn":"arn:aws:iam::111111111111:user/a","access_keys":[{"id":"AKIAIOSFODNN7EXAMPLE","secret":5}]}"#
    ))
    .contains("a secret access key"));
    assert!(message(&with_user(
        r#"{"arn":"arn:aws:iam::111111111111:user/a","mfa_devices":[{"serial":"arn:aws:iam::111111111111:mfa/a","totp_base32":5}]}"#
    ))
    .contains("a base32 TOTP seed"));
    assert!(message(&with_user(
        r#"{"arn":"arn:aws:iam::111111111111:user/a","tags":[1]}"#
    ))
    .contains("an object of tag keys"));
}

/// A minimal valid trust policy.
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

#[test]
fn loaded_entities_answer_with_the_values_of_the_file() {
    let jwks = r#"{"keys":[]}"#;
    let text = format!(
        r#"{{"partition":"aws-cn",
        "users":[{{"arn":"arn:aws-cn:iam::111111111111:user/ops/alice",
            "access_keys":[{{"id":"AKIAALICEEXAMPLE0001","secret":"{SECRET}"}}],
            "mfa_devices":[{{"serial":"arn:aws-cn:iam::111111111111:mfa/alice","totp_base32":"JBSWY3DPEHPK3PXP"}}]}}],
        "roots":[{{"account":"111111111111"}}],
        "roles":[{{"arn":"arn:aws-cn:iam::111111111111:role/svc/deploy","max_session_duration":3600,
            "trust_policy":{TRUST},"tags":{{"team":"payments"}}}}],
        "oidc_providers":[{{"arn":"arn:aws-cn:iam::111111111111:oidc-provider/id.example.com",
            "url":"https://id.example.com","audiences":["a1","a2"],"jwks":{jwks}}}],
        "saml_providers":[{{"arn":"arn:aws-cn:iam::111111111111:saml-provider/corp-idp"}}]}}"#
    );
    let dir = InMemoryDirectory::from_json(&text).unwrap();
    let account = AccountId::new("111111111111").unwrap();
    let cn = tempcred::principal::Partition::new("aws-cn").unwrap();
    assert_eq!(dir.partition(), cn);

    let role = dir
        .role(account, &RoleName::new("deploy").unwrap())
        .unwrap();
    assert_eq!(role.path().to_string(), "/svc/");
    assert_eq!(role.tags().get("team").unwrap().value.as_str(), "payments");
    let alice = dir.user(account, &UserName::new("alice").unwrap()).unwrap();
    assert_eq!(alice.path().to_string(), "/ops/");
    assert_eq!(alice.partition(), cn);
    assert_eq!(dir.root(account).unwrap().partition(), cn);

    let (owner, _) = dir
        .user_by_access_key(&AccessKeyId::new("AKIAALICEEXAMPLE0001").unwrap())
        .unwrap();
    assert_eq!(owner.partition(), cn);
    let own = MfaSerialNumber::new("arn:aws-cn:iam::111111111111:mfa/alice").unwrap();
    let other = MfaSerialNumber::new("arn:aws-cn:iam::111111111111:mfa/bob").unwrap();
    assert!(owner.has_mfa_device(&own));
    assert!(!owner.has_mfa_device(&other));

    let oidc = dir
        .oidc_provider_by_arn("arn:aws-cn:iam::111111111111:oidc-provider/id.example.com")
        .unwrap();
    assert_eq!(oidc.partition(), cn);
    assert_eq!(oidc.url(), "https://id.example.com");
    assert_eq!(oidc.audiences().collect::<Vec<_>>(), ["a1", "a2"]);
    assert_eq!(oidc.jwks(), jwks);
    let saml = dir
        .saml_provider("arn:aws-cn:iam::111111111111:saml-provider/corp-idp")
        .unwrap();
    assert_eq!(saml.name(), "corp-idp");
}

#[test]
fn max_session_duration_is_3600_to_43200_seconds() {
    let with = |secs: u64| {
        InMemoryDirectory::from_json(&format!(
            r#"{{"roles":[{{"arn":"arn:aws:iam::111111111111:role/r","max_session_duration":{secs},
                "trust_policy":{TRUST}}}]}}"#
        ))
    };
    for ok in [3600, 43_200] {
        assert!(with(ok).is_ok(), "{ok}");
    }
    for bad in [3599, 43_201] {
        assert_eq!(
            with(bad).unwrap_err().path(),
            Some("roles[0].max_session_duration"),
            "{bad}"
        );
    }
}

#[test]
fn arns_are_bounded_at_1024_bytes() {
    let prefix = "arn:aws:iam::111111111111:role/";
    let arn = |len: usize| format!("{prefix}{}/r", "p".repeat(len - prefix.len() - 2));
    let with = |arn: String| {
        InMemoryDirectory::from_json(&format!(
            r#"{{"roles":[{{"arn":"{arn}","trust_policy":{TRUST}}}]}}"#
        ))
    };
    let e = with(arn(1025)).unwrap_err();
    assert!(e.to_string().contains("too long"), "{e}");
    // At 1024 bytes the ARN itself is fine; only the path's own 512-byte limit can refuse it.
    let e = with(arn(1024)).unwrap_err();
    assert!(!e.to_string().contains("too long"), "{e}");
}

#[test]
fn the_directory_lists_what_it_holds_and_refuses_duplicates_within_one_entry() {
    let dir = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
    assert_eq!(dir.partition().as_str(), "aws");
    assert!(dir.roles().count() > 0);
    assert!(dir.users().count() > 0);
    assert!(dir.oidc_providers().count() > 0);

    // The same MFA serial twice on one user (not only across users) is a duplicate.
    let device = r#"{"serial":"arn:aws:iam::111111111111:mfa/a","totp_base32":"JBSWY3DPEHPK3PXP"}"#;
    let e = err(&with_user(&format!(
        r#"{{"arn":"arn:aws:iam::111111111111:user/a","mfa_devices":[{device},{device}]}}"#
    )));
    assert!(e.to_string().contains("MFA serial number"), "{e}");
}

#[test]
fn managed_policy_arns_must_be_iam_policy_arns() {
    let with = |arn: &str| {
        InMemoryDirectory::from_json(&format!(
            r#"{{"managed_policies":[{{"arn":"{arn}","document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}}}]}}"#
        ))
    };
    assert!(with("arn:aws:iam::111111111111:policy/read").is_ok());
    assert!(with("arn:aws:iam::aws:policy/ReadOnlyAccess").is_ok());
    for bad in [
        "arn:aws:s3::111111111111:policy/read",
        "arn:aws:iam::111111111111:role/read",
        "not-an-arn",
    ] {
        assert!(with(bad).is_err(), "{bad}");
    }
    let long = format!("arn:aws:iam::111111111111:policy/{}", "p".repeat(2100));
    assert!(with(&long).is_err());
}
