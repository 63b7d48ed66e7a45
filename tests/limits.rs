//! Every input size bound, at the limit and one past it, as a user meets it. Bounds are checked
//! before work proportional to the input is done, so the error says "too large" rather than
//! whatever a parser would have found inside.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::directory::{DirectoryFileError, InMemoryDirectory};
use tempcred::keys::KeyError;
use tempcred::limits::MAX_DIRECTORY_FILE_BYTES;
use tempcred::limits::MAX_TOKEN_TEXT_BYTES;
use tempcred::sigv4::{
    Limit, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Error, SigV4Verifier, SignableRequest,
};
use tempcred::token::MalformedToken;
use tempcred::wire::{parse_query, QueryLimits};
use tempcred::{
    AssumeRoleRequest, KeyRing, PolicyDocument, StsErrorCode, UnixTime, Verifier, VerifyError,
};

fn ring() -> KeyRing {
    KeyRing::from_text("sign:k1:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI").unwrap()
}

#[test]
fn session_token_text_is_at_most_4096_bytes() {
    let v = Verifier::new(&ring());
    let now = UnixTime::from_secs(1);
    let at_limit = "A".repeat(MAX_TOKEN_TEXT_BYTES);
    let over = "A".repeat(MAX_TOKEN_TEXT_BYTES + 1);
    assert_ne!(
        v.verify(&at_limit, now).unwrap_err(),
        VerifyError::Malformed(MalformedToken::TooLong)
    );
    assert_eq!(
        v.verify(&over, now).unwrap_err(),
        VerifyError::Malformed(MalformedToken::TooLong)
    );
}

fn policy_of_chars(n: usize) -> String {
    let head = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"#;
    let tail = r#""}}"#;
    let fill = n - head.len() - tail.len();
    format!("{head}{}{tail}", "b".repeat(fill))
}

#[test]
fn session_policies_are_at_most_2048_characters() {
    let at = policy_of_chars(2048);
    let over = policy_of_chars(2049);
    assert!(PolicyDocument::parse_session(&at).is_ok());
    assert!(PolicyDocument::parse_session(&over).is_err());
    let role = "arn:aws:iam::111111111111:role/r";
    assert!(AssumeRoleRequest::builder(role, "s1")
        .policy(at)
        .build()
        .is_ok());
    let e = AssumeRoleRequest::builder(role, "s1")
        .policy(over)
        .build()
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::ValidationError);
}

#[test]
fn fifty_tags_and_ten_policy_arns_at_most() {
    let role = "arn:aws:iam::111111111111:role/r";
    let with_tags = |n: usize| {
        (0..n).fold(AssumeRoleRequest::builder(role, "s1"), |b, i| {
            b.tag(format!("k{i}"), "v")
        })
    };
    assert!(with_tags(50).build().is_ok());
    assert_eq!(
        with_tags(51).build().unwrap_err().code,
        StsErrorCode::ValidationError
    );
    let with_arns = |n: usize| {
        (0..n).fold(AssumeRoleRequest::builder(role, "s1"), |b, i| {
            b.policy_arn(format!("arn:aws:iam::aws:policy/P{i}"))
        })
    };
    assert!(with_arns(10).build().is_ok());
    assert_eq!(
        with_arns(11).build().unwrap_err().code,
        StsErrorCode::ValidationError
    );
}

#[test]
fn query_api_bodies_are_bounded_before_decoding() {
    let limit = QueryLimits::DEFAULT.max_body_bytes;
    let prefix = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Pad=";
    let body = |n: usize| format!("{prefix}{}", "a".repeat(n - prefix.len()));
    assert!(parse_query(body(limit).as_bytes()).is_ok());
    assert_eq!(
        parse_query(body(limit + 1).as_bytes()).unwrap_err().code,
        StsErrorCode::RequestEntityTooLarge
    );
}

#[test]
fn sigv4_header_count_and_size_are_bounded() {
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring()),
        NoLongTermKeys,
        SigV4Config::new("sts"),
    );
    let limits = tempcred::sigv4::Limits::default();
    let check = |headers: &[(&str, &str)]| {
        verifier
            .verify(
                &SignableRequest {
                    method: "GET",
                    path: "/",
                    query: "",
                    headers,
                    payload: PayloadHash::Bytes(b""),
                },
                UnixTime::from_secs(1),
            )
            .unwrap_err()
    };
    let names: Vec<String> = (0..=limits.max_headers)
        .map(|i| format!("x-h{i}"))
        .collect();
    let at: Vec<(&str, &str)> = names[..limits.max_headers]
        .iter()
        .map(|n| (n.as_str(), "v"))
        .collect();
    let over: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    assert!(!matches!(check(&at), SigV4Error::TooLarge(_)));
    assert!(matches!(
        check(&over),
        SigV4Error::TooLarge(Limit::HeaderCount)
    ));
    // Names and values together: exactly the limit passes the size check, one more byte fails.
    let fits = "v".repeat(limits.max_header_bytes - "x-big".len());
    assert!(!matches!(
        check(&[("x-big", fits.as_str())]),
        SigV4Error::TooLarge(_)
    ));
    let big = "v".repeat(limits.max_header_bytes - "x-big".len() + 1);
    assert!(matches!(
        check(&[("x-big", big.as_str())]),
        SigV4Error::TooLarge(Limit::HeaderBytes)
    ));
}

#[test]
fn directory_files_are_at_most_16_mib() {
    let at = format!("{}{{}}", " ".repeat(MAX_DIRECTORY_FILE_BYTES - 2));
    assert!(InMemoryDirectory::from_json(&at).is_ok());
    let over = format!("{}{{}}", " ".repeat(MAX_DIRECTORY_FILE_BYTES - 1));
    assert!(matches!(
        InMemoryDirectory::from_json(&over).unwrap_err(),
        DirectoryFileError::TooLarge { .. }
    ));
}

#[test]
fn key_ring_text_is_at_most_64_kib() {
    let entry = "sign:k1:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI\n";
    let at = format!("{entry}{}", "#".repeat(64 * 1024 - entry.len()));
    assert!(KeyRing::from_text(&at).is_ok());
    let over = format!("{at}#");
    assert_eq!(KeyRing::from_text(&over).unwrap_err(), KeyError::TooLarge);
}

#[test]
fn web_identity_tokens_are_at_most_20000_bytes() {
    use tempcred::limits::MAX_ID_TOKEN_BYTES;
    use tempcred::web_identity::{unverified_issuer, WebIdentityError};
    let payload = data_encoding::BASE64URL_NOPAD.encode(br#"{"iss":"https://id.example.com"}"#);
    let token = |n: usize| {
        let head = format!("e30.{payload}.");
        format!("{head}{}", "s".repeat(n - head.len()))
    };
    assert!(unverified_issuer(&token(MAX_ID_TOKEN_BYTES)).is_ok());
    assert_eq!(
        unverified_issuer(&token(MAX_ID_TOKEN_BYTES + 1)).unwrap_err(),
        WebIdentityError::TooLarge
    );
}
