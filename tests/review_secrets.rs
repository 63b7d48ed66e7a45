//! Red-team review: secrets echoed in error messages (directory files, key rings, MFA codes,
//! identity tokens).
#![cfg(all(feature = "oidc", feature = "totp"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use tempcred::directory::InMemoryDirectory;
use tempcred::endpoint::{HttpRequest, StsEndpoint};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyRing};
use tempcred::{
    AssumeRoleRequest, AssumeRoleWithWebIdentityRequest, GetSessionTokenRequest, Issuer, UnixTime,
};

fn check(label: &str, text: &str, secret: &str, found: &mut Vec<String>) {
    if text.contains(secret) {
        found.push(format!("{label}: {text}"));
    }
}

#[test]
fn s_errors_do_not_echo_secrets() {
    let mut found = Vec::new();
    // directory file: bad secrets / seeds
    for (secret, json_val) in [
        ("SHORTSECRETVALUE0123", r#""SHORTSECRETVALUE0123""#),
        (
            "aliceSecretKeyForExamplesOnly0000000000\u{e9}",
            "\"aliceSecretKeyForExamplesOnly0000000000\u{e9}\"",
        ),
        ("998877665544332211", "998877665544332211"),
    ] {
        let d = format!(
            r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/alice","access_keys":[{{"id":"AKIAALICEEXAMPLE0001","secret":{json_val}}}]}}]}}"#
        );
        if let Err(e) = InMemoryDirectory::from_json(&d) {
            check(
                "directory secret",
                &format!("{e} {e:?}"),
                secret,
                &mut found,
            );
        }
    }
    for seed in ["NOTBASE32SEED!!SECRET", "JBSWY3DPEHPK3PXP1", "AB"] {
        let d = format!(
            r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/alice","mfa_devices":[{{"serial":"arn:aws:iam::111111111111:mfa/alice","totp_base32":"{seed}"}}]}}]}}"#
        );
        if let Err(e) = InMemoryDirectory::from_json(&d) {
            check(
                "directory totp seed",
                &format!("{e} {e:?}"),
                seed,
                &mut found,
            );
        }
    }
    // duplicate access key with secret
    let d = r#"{"users":[{"arn":"arn:aws:iam::111111111111:user/alice","access_keys":[{"id":"AKIAALICEEXAMPLE0001","secret":"aliceSecretKeyForExamplesOnly00000000000"},{"id":"AKIAALICEEXAMPLE0001","secret":"aliceSecretKeyForExamplesOnly00000000000"}]}]}"#;
    if let Err(e) = InMemoryDirectory::from_json(d) {
        check(
            "dup key",
            &format!("{e} {e:?}"),
            "aliceSecretKeyForExamplesOnly",
            &mut found,
        );
    }
    // The loaded directory's Debug
    let good = r#"{"users":[{"arn":"arn:aws:iam::111111111111:user/alice","access_keys":[{"id":"AKIAALICEEXAMPLE0001","secret":"aliceSecretKeyForExamplesOnly00000000000"}],"mfa_devices":[{"serial":"arn:aws:iam::111111111111:mfa/alice","totp_base32":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}]}]}"#;
    let dir = Arc::new(InMemoryDirectory::from_json(good).unwrap());
    let dbg = format!("{dir:?}");
    check(
        "directory Debug",
        &dbg,
        "aliceSecretKeyForExamplesOnly",
        &mut found,
    );
    check("directory Debug seed", &dbg, "JBSWY3DPEHPK3PXP", &mut found);
    // key ring text
    for line in [
        "k1 signing NOTVALIDBASE64$$SECRETKEYMATERIAL",
        "k1 signing QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
        "k1 bogus QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
    ] {
        for header in ["tempcred-keyring v1\n", ""] {
            let text = format!("{header}{line}\n");
            if let Err(e) = KeyRing::from_text(&text) {
                let secret = line.split(' ').nth(2).unwrap();
                check("keyring text", &format!("{e} {e:?}"), secret, &mut found);
            }
        }
    }
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    // MFA codes in validation errors
    for code in ["12345", "1234567", "12a456", "98765x"] {
        if let Err(e) = GetSessionTokenRequest::builder()
            .serial_number("arn:aws:iam::111111111111:mfa/alice")
            .token_code(code)
            .build()
        {
            check("token code", &format!("{e} {e:?}"), code, &mut found);
        }
        if let Err(e) = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/r", "ss")
            .serial_number("arn:aws:iam::111111111111:mfa/alice")
            .token_code(code)
            .build()
        {
            check("token code AR", &format!("{e} {e:?}"), code, &mut found);
        }
    }
    let iss = Issuer::builder(dir.clone(), ring.clone()).build();
    let ep = StsEndpoint::new(iss);
    for body in [
        "Action=GetSessionToken&Version=2011-06-15&SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Falice&TokenCode=98765",
        "Action=GetSessionToken&Version=2011-06-15&SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Falice&TokenCode=98765x",
    ] {
        let r = ep.handle(&HttpRequest { method: "POST", path: "/", query: "", headers: &[("host", "h")], body: body.as_bytes(), source_ip: None }, UnixTime::from_secs(1_800_000_000));
        check("endpoint token code", &r.body, "98765", &mut found);
    }
    // identity tokens in errors
    for tok in [
        "x",
        "SECRETIDTOKENPART.SECRETIDTOKENPART.SECRETIDTOKENPART",
        &"S".repeat(30_000),
    ] {
        let b = AssumeRoleWithWebIdentityRequest::builder(
            "arn:aws:iam::111111111111:role/r",
            "ss",
            tok,
        )
        .build();
        match b {
            Err(e) => check(
                "web identity build",
                &format!("{e} {e:?}"),
                if tok.len() > 20 { &tok[..20] } else { tok },
                &mut found,
            ),
            Ok(req) => {
                let iss = Issuer::builder(dir.clone(), ring.clone())
                    .web_identity_validator(Arc::new(tempcred::JwksValidator::new()))
                    .build();
                if let Err(e) = iss.assume_role_with_web_identity(&req) {
                    if tok.len() > 1 {
                        check(
                            "web identity",
                            &format!("{e} {e:?}"),
                            "SECRETIDTOKENPART",
                            &mut found,
                        );
                    }
                }
            }
        }
        let body = format!("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fr&RoleSessionName=ss&WebIdentityToken={tok}");
        let r = ep.handle(
            &HttpRequest {
                method: "POST",
                path: "/",
                query: "",
                headers: &[("host", "h")],
                body: body.as_bytes(),
                source_ip: None,
            },
            UnixTime::from_secs(1_800_000_000),
        );
        if tok.len() > 1 {
            check(
                "endpoint web identity",
                &r.body,
                if tok.len() > 60 {
                    &tok[..60]
                } else {
                    "SECRETIDTOKENPART"
                },
                &mut found,
            );
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
