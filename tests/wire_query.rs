//! The STS Query API as a server sees it: every parameter rule of SPEC §4 with an allowed and a
//! refused case, request bodies as boto3 and the AWS CLI send them, protocol errors, and
//! property tests (render → parse round-trips, arbitrary bytes never panic).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use tempcred::wire::{parse_query, parse_query_with_limits, render_query, QueryLimits};
use tempcred::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    GetFederationTokenRequest, GetSessionTokenRequest, StsErrorCode, StsRequest,
};

const AR: &str = "Action=AssumeRole&Version=2011-06-15\
    &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy&RoleSessionName=ci";

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An `AssumeRole` body with `extra` appended.
fn ar(extra: &str) -> Result<Box<AssumeRoleRequest>, tempcred::StsError> {
    match parse_query(format!("{AR}{extra}").as_bytes())? {
        StsRequest::AssumeRole(r) => Ok(r),
        other => panic!("{other:?}"),
    }
}

/// Asserts a `ValidationError` whose message names `field`.
fn refused(result: Result<impl std::fmt::Debug, tempcred::StsError>, field: &str) {
    let e = result.expect_err("must be refused");
    assert_eq!(e.code, StsErrorCode::ValidationError, "{e}");
    assert!(e.message.contains(field), "{field} not in: {}", e.message);
}

fn gft(extra: &str) -> Result<StsRequest, tempcred::StsError> {
    parse_query(format!("Action=GetFederationToken&Version=2011-06-15{extra}").as_bytes())
}

fn tags(n: usize, key: impl Fn(usize) -> String) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "&Tags.member.{i}.Key={}&Tags.member.{i}.Value=v",
                enc(&key(i))
            )
        })
        .collect()
}

#[test]
fn role_session_name() {
    assert_eq!(ar("").unwrap().role_session_name().as_str(), "ci");
    let ok = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx\
         &RoleSessionName={}",
        enc(&"a_+=,.@-".repeat(8))
    );
    assert!(parse_query(ok.as_bytes()).is_ok());
    for bad in [
        "x",
        &"a".repeat(65),
        "has%20space",
        "semi%3Bcolon",
        "slash%2F",
    ] {
        let body = format!(
            "Action=AssumeRole&Version=2011-06-15\
             &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx&RoleSessionName={bad}"
        );
        refused(parse_query(body.as_bytes()), "roleSessionName");
    }
}

#[test]
fn federation_name() {
    assert!(gft("&Name=bob").is_ok());
    assert!(gft(&format!("&Name={}", "b".repeat(32))).is_ok());
    refused(gft(&format!("&Name={}", "b".repeat(33))), "name");
    refused(gft("&Name=b"), "name");
    refused(gft("&Name=bo%2Fb"), "name");
    refused(gft(""), "name");
}

#[test]
fn external_id() {
    assert_eq!(
        ar("&ExternalId=urn%3Apartner%2F42")
            .unwrap()
            .external_id()
            .unwrap()
            .as_str(),
        "urn:partner/42"
    );
    assert!(ar(&format!("&ExternalId={}", "e".repeat(1224))).is_ok());
    refused(
        ar(&format!("&ExternalId={}", "e".repeat(1225))),
        "externalId",
    );
    refused(ar("&ExternalId=e"), "externalId");
    refused(ar("&ExternalId="), "externalId");
    refused(ar("&ExternalId=a%20b"), "externalId");
}

#[test]
fn source_identity() {
    assert!(ar("&SourceIdentity=alice%40example.com").is_ok());
    refused(ar("&SourceIdentity=aws%3Aalice"), "sourceIdentity");
    refused(ar("&SourceIdentity=a"), "sourceIdentity");
    refused(
        ar(&format!("&SourceIdentity={}", "s".repeat(65))),
        "sourceIdentity",
    );
}

#[test]
fn mfa_serial_and_code() {
    let serial = "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice";
    let r = ar(&format!("{serial}&TokenCode=123456")).unwrap();
    assert_eq!(r.token_code().unwrap().expose_secret(), "123456");
    refused(
        ar("&SerialNumber=GAHT1234&TokenCode=123456"),
        "serialNumber",
    );
    refused(
        ar(&format!(
            "&SerialNumber={}&TokenCode=123456",
            "s".repeat(257)
        )),
        "serialNumber",
    );
    refused(ar(&format!("{serial}&TokenCode=12345")), "tokenCode");
    refused(ar(&format!("{serial}&TokenCode=1234567")), "tokenCode");
    refused(ar(&format!("{serial}&TokenCode=12345a")), "tokenCode");
    // A code never appears in the error.
    let e = ar(&format!("{serial}&TokenCode=98765x")).unwrap_err();
    assert!(!e.message.contains("98765"));
    // Half a pair is AccessDenied, as AWS answers.
    assert_eq!(ar(serial).unwrap_err().code, StsErrorCode::AccessDenied);
    assert_eq!(
        ar("&TokenCode=123456").unwrap_err().code,
        StsErrorCode::AccessDenied
    );
    let gst = "Action=GetSessionToken&Version=2011-06-15";
    assert!(parse_query(format!("{gst}{serial}&TokenCode=000000").as_bytes()).is_ok());
    refused(
        parse_query(format!("{gst}{serial}&TokenCode=00000").as_bytes()),
        "tokenCode",
    );
}

#[test]
fn policy_length() {
    let policy = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"{}\"}}]}}",
        "*".repeat(1000)
    );
    assert_eq!(
        ar(&format!("&Policy={}", enc(&policy))).unwrap().policy(),
        Some(&*policy)
    );
    assert!(ar(&format!("&Policy={}", "x".repeat(2048))).is_ok());
    refused(ar(&format!("&Policy={}", "x".repeat(2049))), "policy");
    refused(ar("&Policy="), "policy");
    refused(
        gft(&format!("&Name=bob&Policy={}", "x".repeat(2049))),
        "policy",
    );
    // Characters, not bytes: 2048 two-byte characters are allowed.
    assert!(ar(&format!("&Policy={}", enc(&"é".repeat(2048)))).is_ok());
}

#[test]
fn policy_arns() {
    let arns = |n: usize| -> String {
        (1..=n)
            .map(|i| format!("&PolicyArns.member.{i}.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FP{i}"))
            .collect()
    };
    let r = ar(&arns(10)).unwrap();
    assert_eq!(r.policy_arns().len(), 10);
    assert_eq!(r.policy_arns()[9], "arn:aws:iam::aws:policy/P10");
    refused(ar(&arns(11)), "policyArns");
    refused(ar("&PolicyArns.member.1.arn=short"), "policyArns");
    assert!(gft(&format!("&Name=bob{}", arns(10))).is_ok());
    refused(gft(&format!("&Name=bob{}", arns(11))), "policyArns");
}

#[test]
fn tag_count_key_value_limits() {
    let r = ar(&tags(50, |i| format!("k{i}"))).unwrap();
    assert_eq!(r.tags().len(), 50);
    refused(ar(&tags(51, |i| format!("k{i}"))), "tags");
    assert!(ar(&tags(1, |_| "k".repeat(128))).is_ok());
    refused(ar(&tags(1, |_| "k".repeat(129))), "tags.member.key");
    refused(
        ar("&Tags.member.1.Key=&Tags.member.1.Value=v"),
        "tags.member.key",
    );
    assert!(ar("&Tags.member.1.Key=Cost%20Center&Tags.member.1.Value=a%2Fb%3Ac%40d").is_ok());
    refused(
        ar("&Tags.member.1.Key=semi%3Bcolon&Tags.member.1.Value=v"),
        "tags.member.key",
    );
    assert!(ar("&Tags.member.1.Key=k&Tags.member.1.Value=").is_ok());
    assert!(ar(&format!(
        "&Tags.member.1.Key=k&Tags.member.1.Value={}",
        "v".repeat(256)
    ))
    .is_ok());
    refused(
        ar(&format!(
            "&Tags.member.1.Key=k&Tags.member.1.Value={}",
            "v".repeat(257)
        )),
        "tags.member.value",
    );
    refused(
        ar("&Tags.member.1.Key=k&Tags.member.1.Value=%3C"),
        "tags.member.value",
    );
    refused(ar("&Tags.member.1.Key=k"), "tags.member.value");
    refused(ar("&Tags.member.1.Value=v"), "tags.member.key");
    assert!(gft(&format!("&Name=bob{}", tags(50, |i| format!("k{i}")))).is_ok());
    refused(
        gft(&format!("&Name=bob{}", tags(51, |i| format!("k{i}")))),
        "tags",
    );
}

#[test]
fn tag_keys_unique_ignoring_case_and_not_aws() {
    assert!(ar(
        "&Tags.member.1.Key=team&Tags.member.1.Value=a&Tags.member.2.Key=env&Tags.member.2.Value=b"
    )
    .is_ok());
    refused(
        ar("&Tags.member.1.Key=team&Tags.member.1.Value=a&Tags.member.2.Key=TEAM&Tags.member.2.Value=b"),
        "tags",
    );
    refused(
        ar("&Tags.member.1.Key=aws%3Ateam&Tags.member.1.Value=a"),
        "tags.member.key",
    );
    refused(
        ar("&Tags.member.1.Key=AWS%3Ateam&Tags.member.1.Value=a"),
        "tags.member.key",
    );
    assert!(ar("&Tags.member.1.Key=awsteam&Tags.member.1.Value=a").is_ok());
}

#[test]
fn transitive_tag_keys() {
    let base = tags(50, |i| format!("k{i}"));
    let all: String = (1..=50)
        .map(|i| format!("&TransitiveTagKeys.member.{i}=k{i}"))
        .collect();
    let r = ar(&format!("{base}{all}")).unwrap();
    assert_eq!(r.transitive_tag_keys().count(), 50);
    refused(
        ar(&format!("{base}{all}&TransitiveTagKeys.member.51=k1")),
        "transitiveTagKeys",
    );
    let r = ar("&Tags.member.1.Key=team&Tags.member.1.Value=a&Tags.member.2.Key=env&Tags.member.2.Value=b&TransitiveTagKeys.member.1=team").unwrap();
    assert!(r.tags().get("team").unwrap().transitive);
    assert!(!r.tags().get("env").unwrap().transitive);
    refused(
        ar("&Tags.member.1.Key=team&Tags.member.1.Value=a&TransitiveTagKeys.member.1=env"),
        "transitiveTagKeys",
    );
    refused(ar("&TransitiveTagKeys.member.1=team"), "transitiveTagKeys");
}

#[test]
fn duration_seconds() {
    assert_eq!(
        ar("&DurationSeconds=900").unwrap().duration_seconds(),
        Some(900)
    );
    assert_eq!(
        ar("&DurationSeconds=43200").unwrap().duration_seconds(),
        Some(43_200)
    );
    for bad in ["abc", "", "%2B900", "-900", "900.5", "9e2", "%20900", "%2B"] {
        refused(ar(&format!("&DurationSeconds={bad}")), "durationSeconds");
        let e = ar(&format!("&DurationSeconds={bad}")).unwrap_err();
        assert!(
            e.message.contains("Member must be an integer"),
            "{bad}: {e}"
        );
    }
    // Leading zeros are digits like any other; past u32::MAX is "too large" at any length.
    assert_eq!(
        ar("&DurationSeconds=0000000000900")
            .unwrap()
            .duration_seconds(),
        Some(900)
    );
    for big in ["4294967296", "99999999999", &"9".repeat(40)] {
        let e = ar(&format!("&DurationSeconds={big}")).unwrap_err();
        assert_eq!(e.code, tempcred::StsErrorCode::ValidationError);
        assert!(e.message.contains("4294967295"), "{big}: {e}");
    }
    refused(ar("&DurationSeconds=899"), "durationSeconds");
    refused(ar("&DurationSeconds=43201"), "durationSeconds");
    let gst = |d: &str| {
        parse_query(
            format!("Action=GetSessionToken&Version=2011-06-15&DurationSeconds={d}").as_bytes(),
        )
    };
    assert!(gst("129600").is_ok());
    refused(gst("129601"), "durationSeconds");
    refused(gst("twelve"), "durationSeconds");
}

#[test]
fn required_parameters() {
    refused(
        parse_query(b"Action=AssumeRole&Version=2011-06-15&RoleSessionName=ci"),
        "roleArn",
    );
    refused(
        parse_query(b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx"),
        "roleSessionName",
    );
    refused(
        parse_query(b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx&RoleSessionName=s1"),
        "webIdentityToken",
    );
    refused(
        parse_query(b"Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx&SAMLAssertion=PHNhbWw%2B"),
        "principalArn",
    );
    refused(
        parse_query(b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Ax&RoleSessionName=ci"),
        "roleArn",
    );
}

#[test]
fn protocol_errors() {
    let code = |body: &[u8]| parse_query(body).unwrap_err().code;
    assert_eq!(code(b"Version=2011-06-15"), StsErrorCode::MissingAction);
    assert_eq!(
        code(b"Action=GetCallerIdentity"),
        StsErrorCode::MissingParameter
    );
    assert_eq!(
        code(b"Action=GetCallerIdentity&Version=2010-01-01"),
        StsErrorCode::InvalidAction
    );
    let e = parse_query(b"Action=DeleteEverything&Version=2011-06-15").unwrap_err();
    assert_eq!(e.code, StsErrorCode::InvalidAction);
    assert_eq!(
        e.message,
        "Could not find operation DeleteEverything for version 2011-06-15"
    );
    assert_eq!(
        code(b"Action=getcalleridentity&Version=2011-06-15"),
        StsErrorCode::InvalidAction
    );
    assert_eq!(
        code(b"Action=GetCallerIdentity&Version=2011-06-15&Action=GetCallerIdentity"),
        StsErrorCode::InvalidParameterValue
    );
    assert_eq!(
        code(b"Action=GetCallerIdentity&Version=2011-06-15&RoleArn=x"),
        StsErrorCode::InvalidParameterValue
    );
    assert_eq!(
        code(format!("{AR}&RoleSessionName=other").as_bytes()),
        StsErrorCode::InvalidParameterValue
    );
    assert_eq!(
        code(format!("{AR}&Tags.member.2.Key=a&Tags.member.2.Value=b").as_bytes()),
        StsErrorCode::InvalidParameterValue
    );
    assert_eq!(
        code(format!("{AR}&Tags.member.0.Key=a&Tags.member.0.Value=b").as_bytes()),
        StsErrorCode::InvalidParameterValue
    );
    assert_eq!(
        code(format!("{AR}&Tags.member.01.Key=a&Tags.member.01.Value=b").as_bytes()),
        StsErrorCode::InvalidParameterValue
    );
    assert_eq!(
        code(format!("{AR}&Tags.member.1.key=a&Tags.member.1.value=b").as_bytes()),
        StsErrorCode::InvalidParameterValue
    );
    assert_eq!(
        code(format!("{AR}&ExternalId=%G1").as_bytes()),
        StsErrorCode::MalformedQueryString
    );
    assert_eq!(
        code(format!("{AR}&ExternalId=%FF%FE").as_bytes()),
        StsErrorCode::MalformedQueryString
    );
    assert_eq!(
        code(b"=x&Action=GetCallerIdentity&Version=2011-06-15"),
        StsErrorCode::MalformedQueryString
    );
    // Empty pairs and SigV4 presign fields are skipped.
    assert!(parse_query(b"&Action=GetCallerIdentity&&Version=2011-06-15&").is_ok());
    assert!(parse_query(b"Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abc").is_ok());
    // Unknown-parameter errors echo only a bounded prefix of the name.
    let e = parse_query(
        format!(
            "Action=GetCallerIdentity&Version=2011-06-15&{}=1",
            "N".repeat(5000)
        )
        .as_bytes(),
    )
    .unwrap_err();
    let echoed = "N".repeat(tempcred::limits::MAX_ECHO_CHARS);
    assert!(e.message.contains(&format!("parameter {echoed} is")), "{e}");
    assert!(!e.message.contains(&format!("{echoed}N")));
    // The same for a repeated parameter.
    let name = "M".repeat(tempcred::limits::MAX_ECHO_CHARS + 50);
    let e = parse_query(
        format!("Action=GetCallerIdentity&Version=2011-06-15&{name}=1&{name}=2").as_bytes(),
    )
    .unwrap_err();
    let echoed = "M".repeat(tempcred::limits::MAX_ECHO_CHARS);
    assert!(
        e.message.contains(&format!("parameter {echoed} appears")),
        "{e}"
    );
}

#[test]
fn limits_are_checked_before_work() {
    let big = format!("{AR}&Policy={}", "x".repeat(70_000));
    assert_eq!(
        parse_query(big.as_bytes()).unwrap_err().code,
        StsErrorCode::RequestEntityTooLarge
    );
    let many = format!(
        "Action=GetCallerIdentity&Version=2011-06-15{}",
        "&".repeat(300)
    );
    assert_eq!(
        parse_query(many.as_bytes()).unwrap_err().code,
        StsErrorCode::InvalidParameterValue
    );
    // Pairs are counted by separators, before decoding: 256 is allowed, 257 is not.
    let pairs = |n: usize| {
        format!(
            "Action=GetCallerIdentity&Version=2011-06-15{}",
            "&".repeat(n - 2)
        )
    };
    assert!(parse_query(pairs(256).as_bytes()).is_ok());
    assert_eq!(
        parse_query(pairs(257).as_bytes()).unwrap_err().code,
        StsErrorCode::InvalidParameterValue
    );
    let three = QueryLimits::default().with_max_parameters(3);
    assert!(parse_query_with_limits(pairs(3).as_bytes(), &three).is_ok());
    assert_eq!(
        parse_query_with_limits(pairs(4).as_bytes(), &three)
            .unwrap_err()
            .code,
        StsErrorCode::InvalidParameterValue
    );
    let limits = QueryLimits::default().with_max_body_bytes(32);
    assert_eq!(
        parse_query_with_limits(AR.as_bytes(), &limits)
            .unwrap_err()
            .code,
        StsErrorCode::RequestEntityTooLarge
    );
    // A large SAML assertion fits once the limit is raised explicitly.
    let saml = format!(
        "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx\
         &PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp&SAMLAssertion={}",
        "A".repeat(99_000)
    );
    assert!(parse_query(saml.as_bytes()).is_err());
    let raised = QueryLimits::default().with_max_body_bytes(256 * 1024);
    assert!(parse_query_with_limits(saml.as_bytes(), &raised).is_ok());
}

/// Bodies as botocore's query serializer writes them (`percent-encoding` of everything but
/// `A-Za-z0-9-_.~`, parameters in the shape's member order).
#[test]
fn boto3_and_cli_bodies() {
    let body = "Action=AssumeRole&Version=2011-06-15\
        &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy&RoleSessionName=botocore-session-1700000000\
        &PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess\
        &DurationSeconds=3600\
        &Tags.member.1.Key=team&Tags.member.1.Value=payments\
        &Tags.member.2.Key=cost-center&Tags.member.2.Value=cc%2042\
        &TransitiveTagKeys.member.1=team\
        &ExternalId=partner-42\
        &SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Falice&TokenCode=123456\
        &SourceIdentity=alice";
    let r = match parse_query(body.as_bytes()).unwrap() {
        StsRequest::AssumeRole(r) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        r.role_session_name().as_str(),
        "botocore-session-1700000000"
    );
    assert_eq!(r.policy_arns(), ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    assert_eq!(r.duration_seconds(), Some(3600));
    assert_eq!(r.tags().get("cost-center").unwrap().value.as_str(), "cc 42");
    assert!(r.tags().get("team").unwrap().transitive);
    assert_eq!(r.external_id().unwrap().as_str(), "partner-42");
    assert_eq!(
        r.serial_number().unwrap().as_str(),
        "arn:aws:iam::111111111111:mfa/alice"
    );
    assert_eq!(r.source_identity().unwrap().as_str(), "alice");
    // The same body, as render_query writes it, is byte-identical.
    assert_eq!(render_query(&StsRequest::AssumeRole(r)).as_str(), body);

    // `aws sts get-caller-identity`
    assert_eq!(
        parse_query(b"Action=GetCallerIdentity&Version=2011-06-15").unwrap(),
        StsRequest::GetCallerIdentity(tempcred::GetCallerIdentityRequest)
    );
    // `aws sts get-session-token --duration-seconds 129600`
    let StsRequest::GetSessionToken(g) =
        parse_query(b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129600").unwrap()
    else {
        panic!()
    };
    assert_eq!(g.duration_seconds(), Some(129_600));
    // `aws sts get-federation-token --name bob --policy '{...}' --tags Key=project,Value=x`
    let body = "Action=GetFederationToken&Version=2011-06-15&Name=bob\
        &Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D\
        &Tags.member.1.Key=project&Tags.member.1.Value=x";
    let StsRequest::GetFederationToken(f) = parse_query(body.as_bytes()).unwrap() else {
        panic!()
    };
    assert!(f
        .policy()
        .unwrap()
        .starts_with("{\"Version\":\"2012-10-17\""));
    // boto3 assume_role_with_web_identity (unsigned, form body)
    let jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    let body = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb&RoleSessionName=app1\
         &WebIdentityToken={jwt}&DurationSeconds=900"
    );
    let StsRequest::AssumeRoleWithWebIdentity(w) = parse_query(body.as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!(w.web_identity_token().expose_secret(), jwt);
    assert!(!format!("{w:?}").contains("eyJ"));
    // Some clients (curl --data, Java SDK v1) encode spaces as `+`.
    let r = ar("&Tags.member.1.Key=Cost+Center&Tags.member.1.Value=a+b").unwrap();
    assert_eq!(r.tags().get("cost center").unwrap().value.as_str(), "a b");
}

fn arb_name(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9_+=,.@-]{{{min},{max}}}")).unwrap()
}

fn arb_tag_text(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9 _.:/=+@é-]{{{min},{max}}}")).unwrap()
}

fn arb_assume_role() -> impl Strategy<Value = StsRequest> {
    (
        arb_name(2, 64),
        proptest::option::of(900u32..=43_200),
        proptest::option::of(
            proptest::string::string_regex("[A-Za-z0-9_+=,.@:/-]{2,100}").unwrap(),
        ),
        proptest::option::of(proptest::string::string_regex("[ -~\n\té]{1,300}").unwrap()),
        proptest::collection::vec(
            proptest::string::string_regex("arn:aws:iam::[0-9]{12}:policy/[A-Za-z]{1,20}").unwrap(),
            0..=10,
        ),
        proptest::collection::btree_map(
            proptest::string::string_regex("[a-z0-9]{1,20}").unwrap(),
            (arb_tag_text(0, 40), any::<bool>()),
            0..=12,
        ),
        proptest::option::of((
            proptest::string::string_regex("arn:aws:iam::[0-9]{12}:mfa/[a-z]{1,10}").unwrap(),
            proptest::string::string_regex("[0-9]{6}").unwrap(),
        )),
        proptest::option::of(arb_name(2, 64)),
    )
        .prop_filter_map(
            "valid",
            |(session, duration, external, policy, arns, tags, mfa, source)| {
                let mut b = AssumeRoleRequest::builder(
                    "arn:aws:iam::123456789012:role/path/deploy",
                    session,
                );
                if let Some(d) = duration {
                    b = b.duration_seconds(d);
                }
                if let Some(e) = external {
                    b = b.external_id(e);
                }
                if let Some(p) = policy {
                    b = b.policy(p);
                }
                for a in arns {
                    b = b.policy_arn(a);
                }
                for (k, (v, transitive)) in tags {
                    if transitive {
                        b = b.transitive_tag_key(k.clone());
                    }
                    b = b.tag(k, v);
                }
                if let Some((s, c)) = mfa {
                    b = b.serial_number(s).token_code(c);
                }
                if let Some(s) = source {
                    b = b.source_identity(s);
                }
                b.build().ok().map(StsRequest::from)
            },
        )
}

fn arb_request() -> impl Strategy<Value = StsRequest> {
    let role = "arn:aws:iam::123456789012:role/r";
    prop_oneof![
        arb_assume_role(),
        (
            arb_name(2, 64),
            proptest::string::string_regex("[A-Za-z0-9._-]{4,500}").unwrap(),
            proptest::option::of(900u32..=43_200)
        )
            .prop_map(move |(s, t, d)| {
                let mut b = AssumeRoleWithWebIdentityRequest::builder(role, s, t)
                    .provider_id("www.amazon.com");
                if let Some(d) = d {
                    b = b.duration_seconds(d);
                }
                b.build().unwrap().into()
            }),
        proptest::string::string_regex("[A-Za-z0-9+/=]{4,500}")
            .unwrap()
            .prop_map(move |a| {
                AssumeRoleWithSamlRequest::builder(
                    role,
                    "arn:aws:iam::123456789012:saml-provider/idp",
                    a,
                )
                .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .build()
                .unwrap()
                .into()
            }),
        (proptest::option::of(900u32..=129_600), any::<bool>()).prop_map(|(d, mfa)| {
            let mut b = GetSessionTokenRequest::builder();
            if let Some(d) = d {
                b = b.duration_seconds(d);
            }
            if mfa {
                b = b
                    .serial_number("arn:aws:iam::123456789012:mfa/bob")
                    .token_code("012345");
            }
            b.build().unwrap().into()
        }),
        (
            arb_name(2, 32),
            proptest::collection::btree_map(
                proptest::string::string_regex("[a-z]{1,10}").unwrap(),
                arb_tag_text(0, 20),
                0..5
            )
        )
            .prop_map(|(n, tags)| {
                let mut b =
                    GetFederationTokenRequest::builder(n).policy("{\"Version\":\"2012-10-17\"}");
                for (k, v) in tags {
                    b = b.tag(k, v);
                }
                b.build().unwrap().into()
            }),
        Just(StsRequest::GetCallerIdentity(
            tempcred::GetCallerIdentityRequest
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn render_then_parse_round_trips(req in arb_request()) {
        let body = render_query(&req);
        prop_assert_eq!(parse_query(body.as_bytes()).unwrap(), req);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_query(&bytes);
    }

    #[test]
    fn near_valid_bodies_never_panic(
        extra in proptest::collection::vec(
            prop_oneof![
                Just("&Tags.member.".to_string()),
                Just("&PolicyArns.member.".to_string()),
                Just("&TransitiveTagKeys.member.".to_string()),
                Just(".Key=".to_string()),
                Just(".Value=".to_string()),
                Just(".arn=".to_string()),
                Just("&DurationSeconds=".to_string()),
                "[0-9]{1,3}",
                "[%+=&a-zA-Z0-9]{0,8}",
            ],
            0..30,
        )
    ) {
        let body = format!("{AR}{}", extra.concat());
        let _ = parse_query(body.as_bytes());
    }
}

/// Security issue 12 A: what SigV4 verifies and what the Query API parser uses are the same
/// parameters with the same meaning. A GET query is read the way every form decoder reads it:
/// `%2B` is a plus, `+` a space, and SigV4 canonicalizes it that way too (`+` as `%20`, as MinIO
/// does), so turning a signed `%2B` into `+` changes the signature.
mod signed_query_meaning {
    use std::sync::Arc;
    use tempcred::directory::InMemoryDirectory;
    use tempcred::endpoint::{HttpRequest, HttpResponse, StsEndpoint};
    use tempcred::hazmat::SeededRandom;
    use tempcred::keys::KeyId;
    use tempcred::sigv4::{sign, PayloadHash, SignableRequest, SigningParams};
    use tempcred::{Issuer, KeyRing, SecretAccessKey, UnixTime, Verifier};

    const ID: &str = "AKIAALICEEXAMPLE0001";
    const SECRET: &str = "aliceSecretKeyForTestsOnly0000000000000A";
    const NOW: u64 = 1_767_225_600;
    const BASE: &str = "Action=AssumeRole&Version=2011-06-15\
        &RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Ftagged&RoleSessionName=s1\
        &Tags.member.1.Key=k";

    fn endpoint() -> StsEndpoint {
        let dir = InMemoryDirectory::from_json(&format!(
            r#"{{
          "users": [{{ "arn": "arn:aws:iam::111111111111:user/alice",
            "access_keys": [{{ "id": "{ID}", "secret": "{SECRET}" }}],
            "policies": [{{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*" }}] }}] }}],
          "roles": [{{ "arn": "arn:aws:iam::111111111111:role/tagged",
            "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
              "Principal": {{ "AWS": "arn:aws:iam::111111111111:user/alice" }}, "Action": ["sts:AssumeRole", "sts:TagSession"] }}] }} }}]
        }}"#
        ))
        .unwrap();
        let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
        StsEndpoint::new(Issuer::builder(Arc::new(dir), ring).build())
    }

    /// The signed headers of a GET of `query`.
    fn signed_headers(query: &str) -> Vec<(String, String)> {
        let host = [("host", "sts.example.com")];
        let req = SignableRequest {
            method: "GET",
            path: "/",
            query,
            headers: &host,
            payload: PayloadHash::Bytes(b""),
        };
        let secret = SecretAccessKey::new(SECRET).unwrap();
        let p = SigningParams::new(ID, &secret, "us-east-1", "sts", UnixTime::from_secs(NOW));
        let mut out: Vec<(String, String)> = vec![("host".into(), "sts.example.com".into())];
        out.extend(
            sign(&req, &p)
                .unwrap()
                .headers
                .into_iter()
                .map(|(n, v)| (n.to_string(), v)),
        );
        out
    }

    fn get(e: &StsEndpoint, query: &str, headers: &[(String, String)]) -> HttpResponse {
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        e.handle(
            &HttpRequest {
                method: "GET",
                path: "/",
                query,
                headers: &headers,
                body: b"",
                source_ip: None,
            },
            UnixTime::from_secs(NOW),
        )
    }

    /// The value of tag `k` in the session the answer carries.
    fn issued_tag(e: &StsEndpoint, answer: &HttpResponse) -> String {
        assert_eq!(answer.status, 200, "{}", answer.body.as_str());
        let body = answer.body.as_str();
        let start = body.find("<SessionToken>").unwrap() + "<SessionToken>".len();
        let end = body.find("</SessionToken>").unwrap();
        let session = Verifier::new(e.issuer().key_ring())
            .verify(&body[start..end], UnixTime::from_secs(NOW))
            .unwrap();
        session
            .claims()
            .tags
            .get("k")
            .unwrap()
            .value
            .as_str()
            .to_string()
    }

    #[test]
    fn a_signed_percent_2b_rewritten_to_plus_is_refused() {
        let e = endpoint();
        let signed = format!("{BASE}&Tags.member.1.Value=a%2Bb");
        let headers = signed_headers(&signed);
        let altered = signed.replace("a%2Bb", "a+b");
        let answer = get(&e, &altered, &headers);
        assert_eq!(answer.status, 403, "{}", answer.body.as_str());
        assert!(answer.body.contains("<Code>SignatureDoesNotMatch</Code>"));
        // And the other way: a signed space (`+`) cannot become a plus.
        let signed = format!("{BASE}&Tags.member.1.Value=a+b");
        let headers = signed_headers(&signed);
        let answer = get(&e, &signed.replace("a+b", "a%2Bb"), &headers);
        assert_eq!(answer.status, 403, "{}", answer.body.as_str());
    }

    #[test]
    fn plus_and_space_keep_the_meaning_they_were_signed_with() {
        let e = endpoint();
        // `%2B` signed and sent: the tag is a plus.
        let q = format!("{BASE}&Tags.member.1.Value=a%2Bb");
        assert_eq!(issued_tag(&e, &get(&e, &q, &signed_headers(&q))), "a+b");
        // `+` signed and sent: the tag is a space, the meaning the signer's form encoder gave it.
        let q = format!("{BASE}&Tags.member.1.Value=a+b");
        assert_eq!(issued_tag(&e, &get(&e, &q, &signed_headers(&q))), "a b");
        // `%20` and `+` are two spellings of one space: either spelling of the signed meaning
        // verifies, and the tag is the same.
        let q = format!("{BASE}&Tags.member.1.Value=a%20b");
        let headers = signed_headers(&q);
        let respelled = q.replace("a%20b", "a+b");
        assert_eq!(issued_tag(&e, &get(&e, &respelled, &headers)), "a b");
    }

    #[test]
    fn duplicates_empty_values_and_order_cannot_change_the_meaning() {
        let e = endpoint();
        let q = format!("{BASE}&Tags.member.1.Value=v");
        let headers = signed_headers(&q);
        // A second copy of a signed parameter is refused (by the parser as a duplicate, and it is
        // not covered by the signature either), whichever spelling it uses (`%4B` is `K`).
        for extra in [
            "&Tags.member.1.Value=w",
            "&Tags.member.1.%4Bey=x",
            "&Tags.member.1.Value",
        ] {
            let dup = format!("{q}{extra}");
            let answer = get(&e, &dup, &headers);
            assert!(
                matches!(answer.status, 400 | 403),
                "{extra}: {}",
                answer.status
            );
        }
        // Reordering is not a change of meaning: both readers ignore order.
        let reordered = format!(
            "Tags.member.1.Value=v&{}",
            q.replace("&Tags.member.1.Value=v", "")
        );
        assert_eq!(issued_tag(&e, &get(&e, &reordered, &headers)), "v");
        // `Value` and `Value=` are one empty value to both readers.
        let q = format!("{BASE}&Tags.member.1.Value=v&ExternalId=");
        let headers = signed_headers(&q);
        let respelled = q.replace("&ExternalId=", "&ExternalId");
        let a = get(&e, &respelled, &headers);
        let b = get(&e, &q, &headers);
        assert_eq!(a.status, b.status);
    }
}

// ---- GetWebIdentityToken and GetAccessKeyInfo (issue 16) --------------------------------------

fn gwit(extra: &str) -> Result<StsRequest, tempcred::StsError> {
    parse_query(format!("Action=GetWebIdentityToken&Version=2011-06-15{extra}").as_bytes())
}

/// STS API reference, `GetWebIdentityToken`: `Audience.member.N` (1–10 members of 1–1000
/// characters, required), `SigningAlgorithm` (required: RS256 or ES384), `DurationSeconds`
/// (60–3600), `Tags.member.N` (as session tags).
#[test]
fn get_web_identity_token_parameters() {
    let ok =
        gwit("&Audience.member.1=https%3A%2F%2Fapi.example.com&SigningAlgorithm=ES384").unwrap();
    match &ok {
        StsRequest::GetWebIdentityToken(r) => {
            assert_eq!(r.audiences(), ["https://api.example.com"]);
            assert_eq!(r.duration_seconds(), None);
        }
        other => panic!("{other:?}"),
    }
    // As botocore serializes a request with every member, back and forth.
    let full = gwit(
        "&Audience.member.1=a&Audience.member.2=b&DurationSeconds=3600&SigningAlgorithm=RS256\
         &Tags.member.1.Key=job&Tags.member.1.Value=nightly",
    )
    .unwrap();
    assert_eq!(parse_query(render_query(&full).as_bytes()).unwrap(), full);
    assert_eq!(
        render_query(&full).as_str(),
        "Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=a&Audience.member.2=b\
         &DurationSeconds=3600&SigningAlgorithm=RS256&Tags.member.1.Key=job&Tags.member.1.Value=nightly"
    );
    // Required members.
    refused(gwit("&SigningAlgorithm=ES384"), "audience");
    refused(gwit("&Audience.member.1=a"), "signingAlgorithm");
    // Bounds.
    refused(
        gwit("&Audience.member.1=&SigningAlgorithm=ES384"),
        "audience",
    );
    let long = "a".repeat(1001);
    refused(
        gwit(&format!("&Audience.member.1={long}&SigningAlgorithm=ES384")),
        "audience",
    );
    let at_max = "a".repeat(1000);
    assert!(gwit(&format!(
        "&Audience.member.1={at_max}&SigningAlgorithm=ES384"
    ))
    .is_ok());
    let eleven: String = (1..=11)
        .map(|i| format!("&Audience.member.{i}=a{i}"))
        .collect();
    assert!(gwit(&format!("{eleven}&SigningAlgorithm=ES384")).is_err());
    let ten: String = (1..=10)
        .map(|i| format!("&Audience.member.{i}=a{i}"))
        .collect();
    assert!(gwit(&format!("{ten}&SigningAlgorithm=ES384")).is_ok());
    for (secs, ok) in [("59", false), ("60", true), ("3600", true), ("3601", false)] {
        let r = gwit(&format!(
            "&Audience.member.1=a&SigningAlgorithm=ES384&DurationSeconds={secs}"
        ));
        assert_eq!(r.is_ok(), ok, "{secs}");
    }
    for alg in ["es384", "HS256", "none", "RS384", "ES256"] {
        refused(
            gwit(&format!("&Audience.member.1=a&SigningAlgorithm={alg}")),
            "signingAlgorithm",
        );
    }
    // A gap in the list and an unknown parameter are structural errors, as for other lists.
    let gap = gwit("&Audience.member.2=a&SigningAlgorithm=ES384").unwrap_err();
    assert_eq!(gap.code, StsErrorCode::InvalidParameterValue);
    let extra = gwit("&Audience.member.1=a&SigningAlgorithm=ES384&SubjectMode=x").unwrap_err();
    assert_eq!(extra.code, StsErrorCode::InvalidParameterValue);
    // Tags follow the session-tag rules (here: a reserved `aws:` key).
    refused(
        gwit("&Audience.member.1=a&SigningAlgorithm=ES384&Tags.member.1.Key=aws%3Ax&Tags.member.1.Value=v"),
        "tags",
    );
}

/// STS API reference, `GetAccessKeyInfo`: `AccessKeyId`, 16–128 characters of `[\w]`.
#[test]
fn get_access_key_info_parameters() {
    let parse = |extra: &str| {
        parse_query(format!("Action=GetAccessKeyInfo&Version=2011-06-15{extra}").as_bytes())
    };
    let ok = parse("&AccessKeyId=AKIAIOSFODNN7EXAMPLE").unwrap();
    assert_eq!(parse_query(render_query(&ok).as_bytes()).unwrap(), ok);
    refused(parse(""), "accessKeyId");
    refused(parse("&AccessKeyId=AKIA1234567890"), "accessKeyId");
    refused(
        parse(&format!("&AccessKeyId={}", "A".repeat(129))),
        "accessKeyId",
    );
    refused(parse("&AccessKeyId=AKIAIOSFODNN7EXAMPL%2D"), "accessKeyId");
    assert!(parse(&format!("&AccessKeyId={}", "A".repeat(128))).is_ok());
}
