//! Red-team review: identity providers (JWT arrays, provider case confusion), SessionToken
//! equality, panics on bad input.
#![cfg(feature = "oidc")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::needless_borrow, // the borrow is the autoref-specialization probe for `PartialEq`
    missing_docs
)]

use data_encoding::BASE64URL_NOPAD;
use std::sync::Arc;
use tempcred::directory::{InMemoryDirectory, SamlProvider};
use tempcred::hazmat::SeededRandom;
use tempcred::issue::SamlAttributes;
use tempcred::keys::KeyId;
use tempcred::{
    AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest, CallEnv, Issuer, JwksValidator,
    KeyRing, RoleSessionName, StsError, UnixTime,
};

const T0: u64 = 1_800_000_000;

fn jwks() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/oidc_jwks.json"
    ))
    .unwrap()
}

fn dir_json(both_oidc_cases: bool) -> String {
    dir_json2(
        both_oidc_cases,
        r#"{"arn":"arn:aws:iam::111111111111:saml-provider/corp"}"#,
    )
}

fn dir_json2(both_oidc_cases: bool, saml: &str) -> String {
    let j = jwks();
    let second = if both_oidc_cases {
        format!(
            r#",{{"arn":"arn:aws:iam::111111111111:oidc-provider/ID.example.com","url":"https://ID.example.com","audiences":["sts.amazonaws.com"],"jwks":{j}}}"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"roles":[
  {{"arn":"arn:aws:iam::111111111111:role/web","trust_policy":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111111111111:oidc-provider/id.example.com"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}},"policies":[{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*"}}]}}]}},
  {{"arn":"arn:aws:iam::111111111111:role/t-web","trust_policy":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111111111111:role/web"}},"Action":"sts:AssumeRole"}}]}}}},
  {{"arn":"arn:aws:iam::111111111111:role/saml","trust_policy":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111111111111:saml-provider/corp"}},"Action":"sts:AssumeRoleWithSAML"}}]}}}}],
 "oidc_providers":[{{"arn":"arn:aws:iam::111111111111:oidc-provider/id.example.com","url":"https://id.example.com","audiences":["sts.amazonaws.com"],"jwks":{j}}}{second}],
 "saml_providers":[{saml}]}}"#
    )
}

struct AnySaml;
impl tempcred::issue::SamlAssertionValidator for AnySaml {
    fn validate(
        &self,
        _a: &str,
        provider: &SamlProvider,
        _now: UnixTime,
    ) -> Result<SamlAttributes, StsError> {
        Ok(SamlAttributes::new(
            "u",
            "persistent",
            format!("https://idp/{}", provider.name()),
            "https://signin.aws.amazon.com/saml",
            "q",
            RoleSessionName::new("samluser").unwrap(),
        ))
    }
}

fn issuer(both: bool) -> Result<Issuer, String> {
    issuer_from(&dir_json(both))
}

fn issuer_from(json: &str) -> Result<Issuer, String> {
    let d = InMemoryDirectory::from_json(json).map_err(|e| e.to_string())?;
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    Ok(Issuer::builder(Arc::new(d), ring)
        .web_identity_validator(Arc::new(JwksValidator::new()))
        .saml_validator(Arc::new(AnySaml))
        .build())
}

fn jwt(header: &str, claims: &str) -> String {
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/oidc_rsa_test_key.der"
    ))
    .unwrap();
    let key = jsonwebtoken::EncodingKey::from_rsa_der(&der);
    let msg = format!(
        "{}.{}",
        BASE64URL_NOPAD.encode(header.as_bytes()),
        BASE64URL_NOPAD.encode(claims.as_bytes())
    );
    let sig =
        jsonwebtoken::crypto::sign(msg.as_bytes(), &key, jsonwebtoken::Algorithm::RS256).unwrap();
    format!("{msg}.{sig}")
}

fn claims(iss: &str) -> String {
    format!(
        r#"{{"iss":"{iss}","sub":"user-1","aud":"sts.amazonaws.com","exp":{},"iat":{}}}"#,
        T0 + 600,
        T0
    )
}

fn web(iss: &Issuer, token: &str) -> Result<(), String> {
    let req = AssumeRoleWithWebIdentityRequest::builder(
        "arn:aws:iam::111111111111:role/web",
        "websess",
        token,
    )
    .build()
    .map_err(|e| e.to_string())?;
    iss.assume_role_with_web_identity_at(&req, &CallEnv::at(UnixTime::from_secs(T0 + 5)))
        .map(drop)
        .map_err(|e| format!("{}: {e}", e.code_str()))
}

const HDR: &str = r#"{"alg":"RS256","kid":"rsa-1","typ":"JWT"}"#;

#[test]
fn r9_json_arrays_refused() {
    let iss = issuer(false).unwrap();
    web(&iss, &jwt(HDR, &claims("https://id.example.com"))).unwrap();
    assert!(
        web(
            &iss,
            &jwt(
                r#"["RS256",null,"rsa-1"]"#,
                &claims("https://id.example.com")
            )
        )
        .is_err(),
        "array header accepted"
    );
    assert!(web(
        &iss,
        &jwt(
            r#"[{"alg":"RS256","kid":"rsa-1"}]"#,
            &claims("https://id.example.com")
        )
    )
    .is_err());
    let arr = format!(
        r#"["https://id.example.com","user-1","sts.amazonaws.com",{},null,{}]"#,
        T0 + 600,
        T0
    );
    assert!(web(&iss, &jwt(HDR, &arr)).is_err(), "array claims accepted");
    assert!(web(
        &iss,
        &jwt(HDR, &format!("[{}]", claims("https://id.example.com")))
    )
    .is_err());
    let tags_arr = format!(
        r#"{{"iss":"https://id.example.com","sub":"user-1","aud":"sts.amazonaws.com","exp":{},"https://aws.amazon.com/tags":[{{"team":["x"]}},[]]}}"#,
        T0 + 600
    );
    assert!(
        web(&iss, &jwt(HDR, &tags_arr)).is_err(),
        "array tags claim accepted"
    );
    // duplicate claims
    let dup = format!(
        r#"{{"iss":"https://id.example.com","sub":"user-1","sub":"admin","aud":"sts.amazonaws.com","exp":{}}}"#,
        T0 + 600
    );
    assert!(
        web(&iss, &jwt(HDR, &dup)).is_err(),
        "duplicate sub accepted"
    );
    assert!(
        tempcred::web_identity::unverified_issuer(&jwt(HDR, r#"["https://id.example.com"]"#))
            .is_err()
    );
}

#[test]
fn r6_oidc_provider_case() {
    let iss = match issuer(true) {
        Ok(i) => i,
        Err(e) => {
            assert!(e.contains("oidc"), "{e}");
            return; // the directory refuses providers that differ only in case: held
        }
    };
    web(&iss, &jwt(HDR, &claims("https://id.example.com"))).unwrap();
    assert!(
        web(&iss, &jwt(HDR, &claims("https://ID.example.com"))).is_err(),
        "token of ID.example.com accepted for a role trusting id.example.com"
    );
    assert!(web(&iss, &jwt(HDR, &claims("https://Id.Example.Com"))).is_err());
}

#[test]
fn r6_saml_provider_case() {
    let both = issuer_from(&dir_json2(
        false,
        r#"{"arn":"arn:aws:iam::111111111111:saml-provider/corp"},{"arn":"arn:aws:iam::111111111111:saml-provider/Corp"}"#,
    ));
    if let Ok(iss) = both {
        let req = AssumeRoleWithSamlRequest::builder(
            "arn:aws:iam::111111111111:role/saml",
            "arn:aws:iam::111111111111:saml-provider/Corp",
            "PHNhbWw+",
        )
        .build()
        .unwrap();
        assert!(iss
            .assume_role_with_saml_at(&req, &CallEnv::at(UnixTime::from_secs(T0)))
            .is_err());
    }
    // Only `Corp` registered; the role trusts `corp`.
    let only_upper = issuer_from(&dir_json2(
        false,
        r#"{"arn":"arn:aws:iam::111111111111:saml-provider/Corp"}"#,
    ))
    .unwrap();
    for p in ["Corp", "corp", "CORP"] {
        let req = AssumeRoleWithSamlRequest::builder(
            "arn:aws:iam::111111111111:role/saml",
            format!("arn:aws:iam::111111111111:saml-provider/{p}"),
            "PHNhbWw+",
        )
        .build()
        .unwrap();
        assert!(
            only_upper
                .assume_role_with_saml_at(&req, &CallEnv::at(UnixTime::from_secs(T0)))
                .is_err(),
            "{p} accepted with only Corp registered"
        );
    }
    let iss = issuer(false).unwrap();
    let go = |p: &str| {
        let req = AssumeRoleWithSamlRequest::builder(
            "arn:aws:iam::111111111111:role/saml",
            format!("arn:aws:iam::111111111111:saml-provider/{p}"),
            "PHNhbWw+",
        )
        .build()
        .unwrap();
        iss.assume_role_with_saml_at(&req, &CallEnv::at(UnixTime::from_secs(T0)))
            .map(drop)
            .map_err(|e| e.code_str())
    };
    go("corp").unwrap();
    assert!(
        go("Corp").is_err(),
        "SAML provider Corp accepted for a role trusting corp"
    );
    assert!(go("CORP").is_err());
}

// rule 10: SessionToken has no PartialEq (autoref specialisation probe)
struct Probe<T>(std::marker::PhantomData<T>);
trait HasEq {
    fn has_eq(&self) -> bool {
        true
    }
}
impl<T: PartialEq> HasEq for Probe<T> {}
trait NoEq {
    fn has_eq(&self) -> bool {
        false
    }
}
impl<T> NoEq for &Probe<T> {}

#[test]
fn r10_session_token_has_no_partial_eq() {
    assert!(
        !(&Probe::<tempcred::SessionToken>(std::marker::PhantomData)).has_eq(),
        "SessionToken: PartialEq"
    );
    assert!(
        !(&Probe::<tempcred::SecretAccessKey>(std::marker::PhantomData)).has_eq(),
        "SecretAccessKey: PartialEq"
    );
    assert!(
        !(&Probe::<tempcred::Credentials>(std::marker::PhantomData)).has_eq(),
        "Credentials: PartialEq"
    );
    assert!(
        !(&Probe::<tempcred::workload::AuthorizationToken>(std::marker::PhantomData)).has_eq(),
        "AuthorizationToken: PartialEq"
    );
    assert!(
        !(&Probe::<tempcred::sigv4::Signature>(std::marker::PhantomData)).has_eq(),
        "Signature: PartialEq"
    );
    assert!((&Probe::<String>(std::marker::PhantomData)).has_eq());
}

// rule 13: no panic on bad input
fn mutate(seed: u64, base: &[u8]) -> Vec<u8> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut v = base.to_vec();
    let n = (next() % 8) as usize + 1;
    let specials: &[&[u8]] = &[
        b"%",
        b"%FF",
        b"\xff",
        b"..",
        b"//",
        b"[",
        b"{",
        b"\"",
        b"\\u0000",
        b"\\ud800",
        b"9999999999999999999999",
        b"-1",
        b"1e400",
        b"&",
        b"=",
        b".member.",
        b"*",
        b"$",
        b"${",
        b"?",
        b":",
        b"\x00",
        b"\xe2\x82",
    ];
    for _ in 0..n {
        if v.is_empty() {
            v.push(b'a');
        }
        let pos = (next() as usize) % (v.len() + 1);
        match next() % 4 {
            0 => {
                let sp = specials[(next() as usize) % specials.len()];
                v.splice(pos..pos, sp.iter().copied());
            }
            1 => {
                if pos < v.len() {
                    v.remove(pos);
                }
            }
            2 => {
                if pos < v.len() {
                    v[pos] = (next() & 0xff) as u8;
                }
            }
            _ => {
                let end = (pos + (next() as usize % 16)).min(v.len());
                let chunk = v[pos..end].to_vec();
                v.splice(pos..pos, chunk);
            }
        }
    }
    v
}

#[test]
fn r13_parsers_do_not_panic() {
    let policy = br#"{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","222222222222"]},"Action":["sts:AssumeRole","s3:Get*"],"Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringLike":{"aws:PrincipalTag/team":"a*"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}"#;
    let query = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fa&RoleSessionName=ab&Tags.member.1.Key=k&Tags.member.1.Value=v&TransitiveTagKeys.member.1=k&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Fp&DurationSeconds=900&SerialNumber=arn%3Aaws%3Aiam%3A%3A111111111111%3Amfa%2Fx&TokenCode=123456";
    let dir = dir_json(true);
    let presign = b"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAALICEEXAMPLE0001%2F20270115%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20270115T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000";
    let token = jwt(HDR, &claims("https://id.example.com"));
    let iss = issuer(false).unwrap();
    let ep = tempcred::endpoint::StsEndpoint::new(issuer(false).unwrap());
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let verifier = tempcred::Verifier::new(&ring);
    let ctx = {
        let mut c =
            tempcred::RequestContext::new("s3:GetObject").with_resource("arn:aws:s3:::b/alice/x");
        c.insert("aws:username", "alice")
            .insert("aws:PrincipalTag/team", "abc")
            .insert("aws:SourceIp", "10.1.2.3")
            .insert_all("aws:TagKeys", ["a"]);
        c
    };
    let auth = "AWS4-HMAC-SHA256 Credential=AKIAALICEEXAMPLE0001/20270115/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000";
    for seed in 0..3000u64 {
        let p = mutate(seed, policy);
        let ps = String::from_utf8_lossy(&p);
        if let Ok(doc) = tempcred::PolicyDocument::parse(&ps, 100_000) {
            let _ = tempcred::policy::evaluate(&[&doc], &ctx);
        }
        let _ = tempcred::PolicyDocument::parse_trust(&ps);
        let q = mutate(seed, query);
        let _ = tempcred::wire::parse_query(&q);
        let qs = String::from_utf8_lossy(&q);
        let _ = ep.handle(
            &tempcred::endpoint::HttpRequest {
                method: "POST",
                path: "/",
                query: &qs,
                headers: &[
                    ("host", "h"),
                    ("authorization", auth),
                    ("x-amz-date", "20270115T000000Z"),
                ],
                body: &q,
                source_ip: None,
            },
            UnixTime::from_secs(T0),
        );
        let d = mutate(seed, dir.as_bytes());
        let _ = InMemoryDirectory::from_json(&String::from_utf8_lossy(&d));
        let pr = mutate(seed, presign);
        let prs = String::from_utf8_lossy(&pr);
        let _ = tempcred::internal::PresignedQuery::parse(&prs, 64);
        let _ = ep.handle(
            &tempcred::endpoint::HttpRequest {
                method: "GET",
                path: "/",
                query: &format!("Action=GetCallerIdentity&Version=2011-06-15&{prs}"),
                headers: &[("host", "h")],
                body: b"",
                source_ip: None,
            },
            UnixTime::from_secs(T0),
        );
        let a = mutate(seed, auth.as_bytes());
        let as_ = String::from_utf8_lossy(&a);
        let _ = ep.handle(
            &tempcred::endpoint::HttpRequest {
                method: "POST",
                path: &String::from_utf8_lossy(&mutate(seed, b"/a/./b/../c")),
                query: "",
                headers: &[
                    ("host", "h"),
                    ("authorization", &as_),
                    (
                        "x-amz-date",
                        &String::from_utf8_lossy(&mutate(seed + 1, b"20270115T000000Z")),
                    ),
                ],
                body: b"Action=GetCallerIdentity&Version=2011-06-15",
                source_ip: None,
            },
            UnixTime::from_secs(T0),
        );
        let t = mutate(seed, token.as_bytes());
        let ts = String::from_utf8_lossy(&t);
        let _ = tempcred::web_identity::unverified_issuer(&ts);
        let _ = web(&iss, &ts);
        let _ = verifier.verify(&ts, UnixTime::from_secs(T0));
        let _ = tempcred::PrincipalArn::parse(&String::from_utf8_lossy(&mutate(
            seed,
            b"arn:aws:iam::111111111111:role/a/b/c",
        )));
        let _ = tempcred::UnixTime::parse_iso8601(&String::from_utf8_lossy(&mutate(
            seed,
            b"2027-01-15T00:00:00.123+01:00",
        )));
        let _ = tempcred::keys::KeyRing::from_text(&String::from_utf8_lossy(&mutate(
            seed,
            b"tempcred-keyring v1\nk1 signing AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        )));
    }
}

#[test]
fn r13_unbounded_inputs() {
    // Huge inputs are refused without panicking.
    let big = "a".repeat(5_000_000);
    let ep = tempcred::endpoint::StsEndpoint::new(issuer(false).unwrap());
    let mut many = String::from("Action=GetCallerIdentity&Version=2011-06-15");
    for i in 0..200_000 {
        many.push_str(&format!("&Tags.member.{i}.Key=k"));
    }
    let r = ep.handle(
        &tempcred::endpoint::HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &[("host", "h")],
            body: many.as_bytes(),
            source_ip: None,
        },
        UnixTime::from_secs(T0),
    );
    assert_ne!(r.status, 200);
    let r = ep.handle(
        &tempcred::endpoint::HttpRequest {
            method: "GET",
            path: "/",
            query: &many,
            headers: &[("host", "h")],
            body: b"",
            source_ip: None,
        },
        UnixTime::from_secs(T0),
    );
    assert_ne!(r.status, 200);
    let _ = tempcred::PolicyDocument::parse(
        &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        usize::MAX,
    );
    let _ = tempcred::PolicyDocument::parse(&big, usize::MAX);
    let _ =
        InMemoryDirectory::from_json(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    let _ = tempcred::wire::parse_query(
        format!("Action=AssumeRole&Tags.member.{}.Key=k", u64::MAX).as_bytes(),
    );
    let _ = tempcred::wire::parse_query(b"Action=AssumeRole&Tags.member.99999999999999999999999.Key=k&PolicyArns.member.4294967295.arn=x");
}

#[test]
fn r1_web_identity_session_policy_limits_chaining() {
    let iss = issuer(false).unwrap();
    let token = jwt(HDR, &claims("https://id.example.com"));
    let go = |policy: Option<&str>| {
        let mut b = AssumeRoleWithWebIdentityRequest::builder(
            "arn:aws:iam::111111111111:role/web",
            "websess",
            token.as_str(),
        );
        if let Some(p) = policy {
            b = b.policy(p);
        }
        let c = iss
            .assume_role_with_web_identity_at(
                &b.build().unwrap(),
                &CallEnv::at(UnixTime::from_secs(T0 + 5)),
            )
            .unwrap()
            .credentials;
        let s = tempcred::Verifier::new(iss.key_ring())
            .verify(c.session_token.expose_secret(), UnixTime::from_secs(T0 + 5))
            .unwrap();
        iss.assume_role_at(
            &tempcred::Caller::from_session(s),
            &tempcred::AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/t-web", "chain")
                .build()
                .unwrap(),
            &CallEnv::at(UnixTime::from_secs(T0 + 6)),
        )
        .map(drop)
    };
    go(None).unwrap();
    assert!(go(Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)).is_err(), "narrowed web-identity session chained via role-ARN trust");
}

#[test]
fn r13_extreme_dates_and_sizes() {
    let ep = tempcred::endpoint::StsEndpoint::new(issuer(false).unwrap());
    for date in [
        "99991231T235959Z",
        "00000101T000000Z",
        "19700101T000000Z",
        "20270230T000000Z",
        "20271301T000000Z",
        "20270101T246060Z",
        "2027010T000000Z",
    ] {
        for exp in ["604800", "1", "0", "604801", "18446744073709551616", "-1"] {
            let q = format!("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAALICEEXAMPLE0001%2F{}%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date={date}&X-Amz-Expires={exp}&X-Amz-SignedHeaders=host&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000", &date[..8.min(date.len())]);
            for now in [0u64, T0, tempcred::limits::MAX_UNIX_TIME, u64::MAX] {
                let r = ep.handle(
                    &tempcred::endpoint::HttpRequest {
                        method: "GET",
                        path: "/",
                        query: &q,
                        headers: &[("host", "h")],
                        body: b"",
                        source_ip: None,
                    },
                    UnixTime::from_secs(now),
                );
                assert_ne!(r.status, 200);
            }
        }
    }
    let many: Vec<(String, String)> = (0..50_000)
        .map(|i| (format!("x-h-{i}"), "v".to_owned()))
        .collect();
    let signed = (0..50_000)
        .map(|i| format!("x-h-{i}"))
        .collect::<Vec<_>>()
        .join(";");
    let auth = format!("AWS4-HMAC-SHA256 Credential=AKIAALICEEXAMPLE0001/20270115/us-east-1/sts/aws4_request, SignedHeaders=host;{signed}, Signature=0000000000000000000000000000000000000000000000000000000000000000");
    let mut h: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    h.push(("host", "h"));
    h.push(("x-amz-date", "20270115T000000Z"));
    h.push(("authorization", &auth));
    let r = ep.handle(
        &tempcred::endpoint::HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &h,
            body: b"Action=GetCallerIdentity&Version=2011-06-15",
            source_ip: None,
        },
        UnixTime::from_secs(T0),
    );
    assert_ne!(r.status, 200);
    let _ = tempcred::UnixTime::from_secs(u64::MAX).to_rfc3339();
    let _ = tempcred::UnixTime::parse_iso8601("+999999-12-31T23:59:59Z");
    let _ = tempcred::UnixTime::parse_iso8601("-000001-01-01T00:00:00Z");
}
