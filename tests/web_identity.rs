//! `JwksValidator` as a user calls it: ID tokens signed in the test with the keys in `tests/data/`,
//! validated against the demo directory's OIDC provider.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::sync::Arc;
use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory, OidcProvider};
use tempcred::principal::AccountId;
use tempcred::web_identity::{IdentityTokenValidator, JwksValidator, WebIdentityError};
use tempcred::UnixTime;

const NOW: u64 = 1_700_000_000;
const RSA_DER: &[u8] = include_bytes!("data/oidc_rsa_test_key.der");
const EC_DER: &[u8] = include_bytes!("data/oidc_ec_test_key.der");

fn provider() -> Arc<OidcProvider> {
    let dir = InMemoryDirectory::from_json(demo_directory_json()).unwrap();
    dir.oidc_provider_by_url(
        AccountId::new("222222222222").unwrap(),
        "https://id.example.com",
    )
    .unwrap()
}

fn claims() -> Value {
    json!({
        "iss": "https://id.example.com",
        "sub": "user-42",
        "aud": "sts.amazonaws.com",
        "iat": NOW - 10,
        "nbf": NOW - 10,
        "exp": NOW + 3600,
        "amr": ["pwd", "mfa"],
    })
}

fn rs256(claims: &Value) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("rsa-1".into());
    encode(&h, claims, &EncodingKey::from_rsa_der(RSA_DER)).unwrap()
}

fn es256(claims: &Value) -> String {
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some("ec-1".into());
    encode(&h, claims, &EncodingKey::from_ec_der(EC_DER)).unwrap()
}

fn check(token: &str) -> Result<tempcred::ValidatedIdentity, WebIdentityError> {
    JwksValidator::new().validate(token, &provider(), UnixTime::from_secs(NOW))
}

fn b64(v: &Value) -> String {
    data_encoding::BASE64URL_NOPAD.encode(v.to_string().as_bytes())
}

#[test]
fn valid_rs256_token_is_accepted_with_its_context_keys() {
    let id = check(&rs256(&claims())).unwrap();
    assert_eq!(id.issuer, "https://id.example.com");
    assert_eq!(id.subject, "user-42");
    assert_eq!(id.audience, "sts.amazonaws.com");
    assert_eq!(id.amr, vec!["pwd", "mfa"]);
    assert_eq!(
        id.provider_arn,
        "arn:aws:iam::222222222222:oidc-provider/id.example.com"
    );
    let keys = id.context_keys();
    assert_eq!(keys[0].0, "id.example.com:aud");
    assert_eq!(
        keys[1],
        ("id.example.com:sub".into(), vec!["user-42".into()])
    );
    assert_eq!(keys[2].1, vec!["pwd", "mfa"]);
    assert!(id.tags.is_empty());
    assert_eq!(id.source_identity, None);
}

#[test]
fn valid_es256_token_is_accepted() {
    assert_eq!(check(&es256(&claims())).unwrap().subject, "user-42");
}

#[test]
fn audience_may_be_a_list() {
    let mut c = claims();
    c["aud"] = json!(["other-client", "sts.amazonaws.com"]);
    let id = check(&rs256(&c)).unwrap();
    assert_eq!(id.audience, "sts.amazonaws.com");
    assert_eq!(id.audiences.len(), 2);
}

#[test]
fn expired_and_not_yet_valid_tokens_are_refused_outside_the_leeway() {
    let mut c = claims();
    c["exp"] = json!(NOW - 301);
    assert_eq!(check(&rs256(&c)).unwrap_err(), WebIdentityError::Expired);
    c["exp"] = json!(NOW - 299); // within the 5-minute leeway
    assert!(check(&rs256(&c)).is_ok());
    let strict = JwksValidator::new().with_leeway_secs(0).unwrap();
    let r = strict.validate(&rs256(&c), &provider(), UnixTime::from_secs(NOW));
    assert_eq!(r.unwrap_err(), WebIdentityError::Expired);
    assert!(JwksValidator::new().with_leeway_secs(901).is_err());

    let mut c = claims();
    c["nbf"] = json!(NOW + 400);
    assert_eq!(
        check(&rs256(&c)).unwrap_err(),
        WebIdentityError::NotYetValid
    );
    let mut c = claims();
    c["iat"] = json!(NOW + 400);
    assert_eq!(
        check(&rs256(&c)).unwrap_err(),
        WebIdentityError::NotYetValid
    );
    let mut c = claims();
    c.as_object_mut().unwrap().remove("exp");
    assert_eq!(
        check(&rs256(&c)).unwrap_err(),
        WebIdentityError::InvalidClaim("exp")
    );
}

#[test]
fn wrong_audience_and_issuer_are_rejected_claims() {
    let mut c = claims();
    c["aud"] = json!("someone-else");
    let e = check(&rs256(&c)).unwrap_err();
    assert_eq!(e, WebIdentityError::AudienceMismatch);
    assert_eq!((e.aws_code(), e.http_status()), ("IDPRejectedClaim", 403));
    let mut c = claims();
    c["iss"] = json!("https://evil.example.com");
    let e = check(&rs256(&c)).unwrap_err();
    assert_eq!(e, WebIdentityError::IssuerMismatch);
    assert_eq!(e.aws_code(), "IDPRejectedClaim");
}

#[test]
fn unknown_kid_is_refused() {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("rotated-away".into());
    let t = encode(&h, &claims(), &EncodingKey::from_rsa_der(RSA_DER)).unwrap();
    let e = check(&t).unwrap_err();
    assert_eq!(e, WebIdentityError::UnknownKey);
    assert_eq!(e.aws_code(), "InvalidIdentityToken");
    // A kid naming a key of the other type is no match either.
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("ec-1".into());
    let t = encode(&h, &claims(), &EncodingKey::from_rsa_der(RSA_DER)).unwrap();
    assert_eq!(check(&t).unwrap_err(), WebIdentityError::UnknownKey);
    // Without a kid, the only RSA key is used.
    let t = encode(
        &Header::new(Algorithm::RS256),
        &claims(),
        &EncodingKey::from_rsa_der(RSA_DER),
    )
    .unwrap();
    assert!(check(&t).is_ok());
}

#[test]
fn tampered_payload_and_signature_are_refused() {
    let t = rs256(&claims());
    let parts: Vec<&str> = t.split('.').collect();
    let mut c = claims();
    c["sub"] = json!("admin");
    let forged = format!("{}.{}.{}", parts[0], b64(&c), parts[2]);
    assert_eq!(check(&forged).unwrap_err(), WebIdentityError::BadSignature);
    let mut sig = data_encoding::BASE64URL_NOPAD
        .decode(parts[2].as_bytes())
        .unwrap();
    sig[10] ^= 1;
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        data_encoding::BASE64URL_NOPAD.encode(&sig)
    );
    assert_eq!(check(&forged).unwrap_err(), WebIdentityError::BadSignature);
    // An ES256 signature moved onto an RS256 header does not verify either.
    let e = es256(&claims());
    let es_sig = e.split('.').nth(2).unwrap();
    let forged = format!("{}.{}.{}", parts[0], parts[1], es_sig);
    assert_eq!(check(&forged).unwrap_err(), WebIdentityError::BadSignature);
}

#[test]
fn alg_none_and_hmac_are_refused() {
    let none = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims()));
    assert_eq!(
        check(&none).unwrap_err(),
        WebIdentityError::UnsupportedAlgorithm
    );
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "None", "kid": "rsa-1"})),
        b64(&claims())
    );
    assert_eq!(
        check(&none).unwrap_err(),
        WebIdentityError::UnsupportedAlgorithm
    );
    // Key confusion: an HS256 token "signed" with the public key as HMAC secret.
    let hs = encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(b"public key bytes"),
    )
    .unwrap();
    assert_eq!(
        check(&hs).unwrap_err(),
        WebIdentityError::UnsupportedAlgorithm
    );
}

#[test]
fn malformed_and_oversized_tokens_are_refused_without_panic() {
    for bad in [
        "",
        "a",
        "a.b",
        "a.b.c.d",
        "!!.!!.!!",
        "e30.e30.",
        "eyJhbGciOiJSUzI1NiJ9..",
    ] {
        assert!(
            matches!(
                check(bad).unwrap_err(),
                WebIdentityError::Malformed(_) | WebIdentityError::UnknownKey
            ),
            "{bad}"
        );
    }
    let big = "a".repeat(20_001);
    assert_eq!(check(&big).unwrap_err(), WebIdentityError::TooLarge);
    let mut c = claims();
    c["pad"] = json!("x".repeat(20_000));
    assert_eq!(check(&rs256(&c)).unwrap_err(), WebIdentityError::TooLarge);
    let crit = format!(
        "{}.{}.AAAA",
        b64(&json!({"alg": "RS256", "crit": ["exp"]})),
        b64(&claims())
    );
    assert!(matches!(
        check(&crit).unwrap_err(),
        WebIdentityError::Malformed(_)
    ));
}

#[test]
fn aws_tags_and_source_identity_claims_are_parsed() {
    let mut c = claims();
    c["https://aws.amazon.com/tags"] = json!({
        "principal_tags": { "Project": ["Automation"], "CostCenter": ["987654"] },
        "transitive_tag_keys": ["Project"]
    });
    c["https://aws.amazon.com/source_identity"] = json!("alice@example.com");
    let id = check(&rs256(&c)).unwrap();
    assert_eq!(id.tags.len(), 2);
    let p = id.tags.get("project").unwrap();
    assert_eq!((p.value.as_str(), p.transitive), ("Automation", true));
    assert!(!id.tags.get("CostCenter").unwrap().transitive);
    assert_eq!(id.source_identity.unwrap().as_str(), "alice@example.com");

    let mut c = claims();
    c["https://aws.amazon.com/tags"] = json!({
        "principal_tags": { "Project": ["A"] }, "transitive_tag_keys": ["Other"]
    });
    assert!(matches!(
        check(&rs256(&c)).unwrap_err(),
        WebIdentityError::InvalidTags(_)
    ));
    let mut c = claims();
    c["https://aws.amazon.com/tags"] = json!({ "principal_tags": { "aws:x": ["A"] } });
    assert!(matches!(
        check(&rs256(&c)).unwrap_err(),
        WebIdentityError::InvalidTags(_)
    ));
    let mut c = claims();
    c["https://aws.amazon.com/source_identity"] = json!("aws:root");
    assert!(check(&rs256(&c)).is_err());
}

#[test]
fn errors_do_not_echo_the_token() {
    let t = rs256(&claims());
    let forged = format!("{}x", t);
    let e = check(&forged).unwrap_err();
    assert!(!format!("{e} {e:?}").contains(&t[..40]));
}

/// A genuine RS256 token of exactly `len` bytes, padded with a private claim (the header's
/// `typ` varies too, since not every length is a base64 length).
fn token_of_len(len: usize) -> String {
    let key = EncodingKey::from_rsa_der(RSA_DER);
    for typ in [None, Some("JWT"), Some("JWT1"), Some("JWT12")] {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some("rsa-1".into());
        h.typ = typ.map(String::from);
        let token = |n: usize| {
            let mut c = claims();
            c["pad"] = json!("x".repeat(n));
            encode(&h, &c, &key).unwrap()
        };
        let base = token(0).len();
        let guess = len.saturating_sub(base) * 3 / 4;
        for n in guess.saturating_sub(4)..=guess + 4 {
            let t = token(n);
            if t.len() == len {
                return t;
            }
        }
    }
    panic!("no token of {len} bytes");
}

#[test]
fn the_size_bound_is_exact_for_validation_and_for_reading_the_issuer() {
    use tempcred::limits::MAX_ID_TOKEN_BYTES;
    use tempcred::web_identity::unverified_issuer;
    let at_limit = token_of_len(MAX_ID_TOKEN_BYTES);
    assert_eq!(check(&at_limit).unwrap().subject, "user-42");
    assert_eq!(
        unverified_issuer(&at_limit).unwrap(),
        "https://id.example.com"
    );
    let over = token_of_len(MAX_ID_TOKEN_BYTES + 1);
    assert_eq!(check(&over).unwrap_err(), WebIdentityError::TooLarge);
    assert_eq!(
        unverified_issuer(&over).unwrap_err(),
        WebIdentityError::TooLarge
    );
}

#[test]
fn the_leeway_is_inclusive_at_its_edge_and_at_most_15_minutes() {
    assert_eq!(JwksValidator::new().leeway_secs(), 300);
    let widest = JwksValidator::new().with_leeway_secs(900).unwrap();
    assert_eq!(widest.leeway_secs(), 900);
    assert!(JwksValidator::new().with_leeway_secs(901).is_err());

    let at = |field: &str, t: u64| {
        let mut c = claims();
        c[field] = json!(t);
        check(&rs256(&c))
    };
    // Expired only once now is past exp + leeway.
    assert!(at("exp", NOW - 300).is_ok());
    assert_eq!(at("exp", NOW - 301).unwrap_err(), WebIdentityError::Expired);
    // Not yet valid only once nbf or iat is past now + leeway.
    for field in ["nbf", "iat"] {
        assert!(at(field, NOW + 300).is_ok(), "{field}");
        assert_eq!(
            at(field, NOW + 301).unwrap_err(),
            WebIdentityError::NotYetValid,
            "{field}"
        );
    }
    // The configured leeway is the one applied.
    let mut c = claims();
    c["exp"] = json!(NOW - 900);
    let r = widest.validate(&rs256(&c), &provider(), UnixTime::from_secs(NOW));
    assert!(r.is_ok());
}

#[test]
fn numeric_dates_may_have_a_fraction_but_must_be_in_range() {
    let with_exp = |exp: Value| {
        let mut c = claims();
        c["exp"] = exp;
        check(&rs256(&c))
    };
    let id = with_exp(json!(NOW as f64 + 3600.75)).unwrap();
    assert_eq!(id.expires_at, UnixTime::from_secs(NOW + 3600));
    for bad in [json!(-1.5), json!(-1), json!(1e300), json!("1700003600")] {
        assert!(
            matches!(with_exp(bad.clone()), Err(WebIdentityError::Malformed(_))),
            "{bad}"
        );
    }
}

#[test]
fn empty_signature_or_payload_is_malformed_before_any_key_is_used() {
    let t = rs256(&claims());
    let (head, _sig) = t.rsplit_once('.').unwrap();
    assert_eq!(
        check(&format!("{head}.")).unwrap_err(),
        WebIdentityError::Malformed("empty part")
    );
    let header = t.split('.').next().unwrap();
    assert_eq!(
        check(&format!("{header}..{}", t.rsplit('.').next().unwrap())).unwrap_err(),
        WebIdentityError::Malformed("empty part")
    );
}

#[test]
fn the_subject_must_be_1_to_255_characters() {
    let with_sub = |sub: String| {
        let mut c = claims();
        c["sub"] = json!(sub);
        check(&rs256(&c))
    };
    assert!(with_sub("s".repeat(255)).is_ok());
    for bad in [String::new(), "s".repeat(256)] {
        assert_eq!(
            with_sub(bad).unwrap_err(),
            WebIdentityError::InvalidClaim("sub")
        );
    }
}

#[test]
fn tag_values_are_one_string_or_a_one_element_array() {
    let with_tags = |principal_tags: Value| {
        let mut c = claims();
        c["https://aws.amazon.com/tags"] = json!({ "principal_tags": principal_tags });
        check(&rs256(&c))
    };
    let id = with_tags(json!({ "Project": "Bare", "Team": ["Listed"] })).unwrap();
    assert_eq!(id.tags.get("Project").unwrap().value.as_str(), "Bare");
    assert_eq!(id.tags.get("Team").unwrap().value.as_str(), "Listed");
    for bad in [json!(["A", "B"]), json!([]), json!([1]), json!(7)] {
        assert_eq!(
            with_tags(json!({ "Project": bad })).unwrap_err(),
            WebIdentityError::InvalidClaim("https://aws.amazon.com/tags"),
            "{bad}"
        );
    }
}

#[test]
fn a_key_must_fit_the_algorithm_in_type_declared_alg_and_use() {
    let jwks: Value = serde_json::from_str(include_str!("data/oidc_jwks.json")).unwrap();
    let provider_with = |edit: &dyn Fn(&mut Value)| {
        let mut set = jwks.clone();
        edit(&mut set["keys"][0]);
        tempcred::directory::OidcProvider::new(
            tempcred::principal::Partition::aws(),
            AccountId::new("222222222222").unwrap(),
            "https://id.example.com",
            vec!["sts.amazonaws.com".into()],
            &set.to_string(),
        )
        .unwrap()
    };
    let token = rs256(&claims());
    let validate =
        |p: &OidcProvider| JwksValidator::new().validate(&token, p, UnixTime::from_secs(NOW));
    // The RSA key as published, and without the optional `use` and `alg`.
    assert!(validate(&provider_with(&|_| {})).is_ok());
    assert!(validate(&provider_with(&|k| {
        k.as_object_mut().unwrap().remove("use");
        k.as_object_mut().unwrap().remove("alg");
    }))
    .is_ok());
    // Each mismatch alone makes the key unusable.
    for edit in [
        (&|k: &mut Value| k["use"] = json!("enc")) as &dyn Fn(&mut Value),
        &|k: &mut Value| k["alg"] = json!("RS384"),
        &|k: &mut Value| k["alg"] = json!("ES256"),
    ] {
        assert_eq!(
            validate(&provider_with(edit)).unwrap_err(),
            WebIdentityError::UnknownKey
        );
    }
}

/// Signs `header.payload` (both already JSON text) with the RS256 test key, whatever JSON they
/// hold: the signature is valid, so only the shape of the JSON can refuse the token.
fn rs256_raw(header: &str, payload: &str) -> String {
    let enc = |s: &str| data_encoding::BASE64URL_NOPAD.encode(s.as_bytes());
    let message = format!("{}.{}", enc(header), enc(payload));
    let sig = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_rsa_der(RSA_DER),
        Algorithm::RS256,
    )
    .unwrap();
    format!("{message}.{sig}")
}

/// Security issue 12 D: serde reads a JSON array into a struct positionally; an ID token whose
/// header or claims are arrays is refused as `InvalidIdentityToken`, however well signed.
#[test]
fn header_or_claims_that_are_json_arrays_are_refused() {
    let header = r#"{"alg":"RS256","kid":"rsa-1","typ":"JWT"}"#;
    let payload = claims().to_string();
    // The legitimate neighbour: the same parts as objects, signed the same way.
    assert_eq!(
        check(&rs256_raw(header, &payload)).unwrap().subject,
        "user-42"
    );

    let array_header = r#"["RS256","rsa-1"]"#;
    let array_claims = format!(
        r#"["https://id.example.com","user-42","sts.amazonaws.com",{},{},{},["pwd"]]"#,
        NOW + 3600,
        NOW - 10,
        NOW - 10
    );
    let array_tags = claims_with(json!(["not", "an", "object"]));
    for (what, token) in [
        ("array header", rs256_raw(array_header, &payload)),
        ("array claims", rs256_raw(header, &array_claims)),
        ("both", rs256_raw(array_header, &array_claims)),
        ("array tags claim", rs256_raw(header, &array_tags)),
    ] {
        let e = check(&token).unwrap_err();
        assert!(matches!(e, WebIdentityError::Malformed(_)), "{what}: {e:?}");
        assert_eq!(e.aws_code(), "InvalidIdentityToken", "{what}");
    }
    // Reading the issuer to choose a provider refuses an array too.
    assert!(tempcred::web_identity::unverified_issuer(&rs256_raw(header, &array_claims)).is_err());
    assert!(tempcred::web_identity::unverified_issuer(&rs256_raw(header, &payload)).is_ok());
}

fn claims_with(tags: Value) -> String {
    let mut c = claims();
    c["https://aws.amazon.com/tags"] = tags;
    c.to_string()
}

/// Security issue 12 D, the JWKS side: a key set or a key that is an array is not read
/// positionally, at directory load or at validation.
#[test]
fn jwks_and_keys_must_be_objects() {
    use tempcred::principal::Partition;
    let p = provider();
    let account = AccountId::new("222222222222").unwrap();
    let new = |jwks: &str| {
        OidcProvider::new(
            Partition::aws(),
            account,
            "https://id.example.com",
            vec!["sts.amazonaws.com".into()],
            jwks,
        )
    };
    assert!(new(p.jwks()).is_ok());
    assert!(new(r#"[[]]"#).is_err());
    // A key written as an array is skipped: with it the only candidate, the token is refused.
    let v: Value = serde_json::from_str(p.jwks()).unwrap();
    let rsa = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == "rsa-1")
        .unwrap()
        .clone();
    let positional: Vec<Value> = rsa.as_object().unwrap().values().cloned().collect();
    let with_array_key = new(&json!({ "keys": [positional] }).to_string()).unwrap();
    let token = rs256(&claims());
    let validate = |provider: &OidcProvider| {
        JwksValidator::new().validate(&token, provider, UnixTime::from_secs(NOW))
    };
    assert_eq!(
        validate(&with_array_key).unwrap_err(),
        WebIdentityError::UnknownKey
    );
    let with_object_key = new(&json!({ "keys": [rsa] }).to_string()).unwrap();
    assert!(validate(&with_object_key).is_ok());
}
