//! Red-team review: names that differ only in case; re-creation with derived unique IDs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::{AssumeRoleRequest, CallEnv, Issuer, KeyRing, RevokedSessions, UnixTime, Verifier};

const T0: u64 = 1_800_000_000;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}"#;
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn dir(roles: &[(&str, &str)]) -> Result<InMemoryDirectory, String> {
    let roles: Vec<String> = roles
        .iter()
        .map(|(arn, pol)| format!(r#"{{"arn":"{arn}","trust_policy":{TRUST},"policies":[{pol}]}}"#))
        .collect();
    InMemoryDirectory::from_json(&format!(
        r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/alice","access_keys":[{{"id":"AKIAALICEEXAMPLE0001","secret":"aliceSecretKeyForExamplesOnly00000000000"}}]}}],"roles":[{}]}}"#,
        roles.join(",")
    ))
    .map_err(|e| e.to_string())
}

#[test]
fn n_role_and_user_names_unique_ignoring_case() {
    // IAM: role and user names are unique ignoring case (PRODROLE and prodrole cannot coexist).
    let roles_ok = dir(&[
        ("arn:aws:iam::111111111111:role/deploy", ALLOW_ALL),
        ("arn:aws:iam::111111111111:role/Deploy", ALLOW_ALL),
    ])
    .is_ok();
    let users = r#"{"users":[{"arn":"arn:aws:iam::111111111111:user/alice"},{"arn":"arn:aws:iam::111111111111:user/ALICE"}]}"#;
    let users_ok = InMemoryDirectory::from_json(users).is_ok();
    assert!(
        !roles_ok && !users_ok,
        "roles deploy+Deploy coexist: {roles_ok}; users alice+ALICE coexist: {users_ok}"
    );
}

#[test]
fn n_revocation_by_name_ignoring_case() {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let d = Arc::new(dir(&[("arn:aws:iam::111111111111:role/deploy", ALLOW_ALL)]).unwrap());
    let iss = Issuer::builder(d.clone(), ring.clone()).build();
    let alice = iss
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let c = iss
        .assume_role_at(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "ss")
                .build()
                .unwrap(),
            &CallEnv::at(UnixTime::from_secs(T0)),
        )
        .unwrap()
        .credentials;
    let mut rv = RevokedSessions::default();
    rv.revoke_role_sessions(
        "111111111111".parse().unwrap(),
        tempcred::principal::RoleName::new("DEPLOY").unwrap(),
        UnixTime::from_secs(T0 + 1),
    );
    assert!(
        Verifier::new(&ring)
            .with_revoked_sessions(rv)
            .verify(c.session_token.expose_secret(), UnixTime::from_secs(T0 + 5))
            .is_err(),
        "revoking DEPLOY does not revoke sessions of role deploy"
    );
}

/// A role deleted and re-created gets a new unique ID in IAM; the directory says so with a new
/// `id` (the `directory` module docs: without one, the ID is derived from the ARN and the same ARN
/// is the same principal, whose edited policies apply to its existing sessions, as in AWS).
#[test]
fn n_recreated_role_with_a_new_id_is_a_new_principal() {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let old = Arc::new(dir(&[("arn:aws:iam::111111111111:role/deploy", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)]).unwrap());
    let iss = Issuer::builder(old.clone(), ring.clone()).build();
    let alice = iss
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let c = iss
        .assume_role_at(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "ss")
                .build()
                .unwrap(),
            &CallEnv::at(UnixTime::from_secs(T0)),
        )
        .unwrap()
        .credentials;
    let s = Verifier::new(&ring)
        .verify(c.session_token.expose_secret(), UnixTime::from_secs(T0))
        .unwrap();
    let delete_user = AuthorizationRequest::new("iam:DeleteUser", "*");
    // Re-created: a new unique ID. The old session is not the new role's.
    let recreated = Arc::new(
        dir(&[(
            r#"arn:aws:iam::111111111111:role/deploy","id":"AROARECREATEDROLE0002"#,
            ALLOW_ALL,
        )])
        .unwrap(),
    );
    let r = Authorizer::new(recreated as Arc<dyn Directory>).require(
        &s,
        &delete_user,
        UnixTime::from_secs(T0 + 5),
    );
    assert!(
        r.is_err(),
        "session of the deleted role acts as the re-created one"
    );
    // Edited in place (same derived ID): the new policy applies to the existing session.
    let edited = Arc::new(dir(&[("arn:aws:iam::111111111111:role/deploy", ALLOW_ALL)]).unwrap());
    assert!(Authorizer::new(edited as Arc<dyn Directory>)
        .require(&s, &delete_user, UnixTime::from_secs(T0 + 5))
        .is_ok());
}
