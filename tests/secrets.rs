//! No secret — signing keys, derived secrets, long-term secrets, TOTP seeds and codes, session
//! tokens, web-identity tokens — appears in any `Debug`, `Display`, error message, audit event or
//! serialized output other than the credential documents whose job is to carry it; and every
//! secret type is wiped on drop.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::directory::InMemoryDirectory;
use tempcred::keys::KeyMaterial;
use tempcred::{
    AssumeRoleRequest, KeyRing, MfaTokenCode, SecretAccessKey, SessionToken, TotpSeed, Verifier,
};
use zeroize::ZeroizeOnDrop;

const ALICE_SECRET: &str = "aliceSecretKeyForTestsOnly0000000000000A";
const SEED_B32: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const KEY_B64: &str = "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI";

fn directory() -> InMemoryDirectory {
    InMemoryDirectory::from_json(&format!(
        r#"{{
      "users": [{{ "arn": "arn:aws:iam::111111111111:user/alice",
        "access_keys": [{{ "id": "AKIAALICEEXAMPLE0001", "secret": "{ALICE_SECRET}" }}],
        "mfa_devices": [{{ "serial": "arn:aws:iam::111111111111:mfa/alice", "totp_base32": "{SEED_B32}" }}],
        "policies": [{{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" }}] }}] }}],
      "roles": [{{ "arn": "arn:aws:iam::111111111111:role/deploy",
        "trust_policy": {{ "Version": "2012-10-17", "Statement": [{{ "Effect": "Allow",
          "Principal": {{ "AWS": "arn:aws:iam::111111111111:user/alice" }}, "Action": "sts:AssumeRole" }}] }} }}]
    }}"#
    ))
    .unwrap()
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} shows a secret ({}…): {text}",
            &secret[..8.min(secret.len())]
        );
    }
}

/// A web identity token minted by `GetWebIdentityToken` is a bearer credential for its audience
/// until it expires: the response's `Debug`, the audit event and the error paths never show it,
/// and the signing ring's `Debug` shows no key material.
#[cfg(feature = "oidc")]
#[test]
fn outbound_web_identity_tokens_and_signing_keys_stay_out_of_debug_and_audit() {
    use std::sync::Arc;
    use tempcred::audit::MemoryAuditSink;
    use tempcred::keys::KeyId;
    use tempcred::outbound::{
        OutboundFederation, SigningAlgorithm, SigningKeyRing, SigningKeyRole,
    };
    let mut ring = SigningKeyRing::new();
    ring.generate(
        KeyId::new("es").unwrap(),
        SigningAlgorithm::Es384,
        SigningKeyRole::Sign,
        &tempcred::hazmat::SeededRandom::new(5),
    )
    .unwrap();
    let private_text = ring.to_text().to_string();
    let private_line = private_text
        .lines()
        .find(|l| l.starts_with("sign:"))
        .unwrap();
    let pkcs8 = private_line.rsplit(':').next().unwrap().to_owned();
    assert!(!format!("{ring:?}").contains(&pkcs8[..40]));
    let audit = Arc::new(MemoryAuditSink::new());
    let dir =
        Arc::new(InMemoryDirectory::from_json(tempcred::directory::demo_directory_json()).unwrap());
    let issuer = tempcred::Issuer::builder(
        dir,
        KeyRing::generate(
            KeyId::new("k").unwrap(),
            &tempcred::hazmat::SeededRandom::new(6),
        )
        .unwrap(),
    )
    .audit_sink(audit.clone())
    .outbound_federation(OutboundFederation::new("https://sts.example.com", ring).unwrap())
    .build();
    assert!(!format!("{issuer:?}").contains(&pkcs8[..40]));
    let alice = issuer
        .long_term_caller(&tempcred::AccessKeyId::new("AKIADEMOALICE0000001").unwrap())
        .unwrap();
    let req = tempcred::GetWebIdentityTokenRequest::builder("ES384")
        .audience("https://api.example.com")
        .build()
        .unwrap();
    let resp = issuer.get_web_identity_token(&alice, &req).unwrap();
    let token = resp.web_identity_token.expose_secret().to_owned();
    let signature = token.rsplit('.').next().unwrap().to_owned();
    let secrets = [token.as_str(), signature.as_str()];
    assert_clean(
        "GetWebIdentityTokenResponse Debug",
        &format!("{resp:?}"),
        &secrets,
    );
    let response = tempcred::StsResponse::GetWebIdentityToken(resp);
    assert_clean("StsResponse Debug", &format!("{response:?}"), &secrets);
    for event in audit.events() {
        assert_clean(
            "audit event",
            &serde_json::to_string(&event).unwrap(),
            &secrets,
        );
        assert_clean("audit event Debug", &format!("{event:?}"), &secrets);
    }
    assert_eq!(audit.events().len(), 1);
}

#[test]
fn secret_types_zeroize_on_drop() {
    fn wiped<T: ZeroizeOnDrop>() {}
    wiped::<SecretAccessKey>();
    wiped::<KeyMaterial>();
    wiped::<SessionToken>();
    wiped::<TotpSeed>();
    wiped::<MfaTokenCode>();
    wiped::<tempcred::WebIdentityToken>();
    wiped::<tempcred::SamlAssertion>();
}

#[test]
fn debug_of_secret_holders_shows_no_secret() {
    let material = data_encoding::BASE64URL_NOPAD
        .decode(KEY_B64.as_bytes())
        .unwrap();
    let ring = KeyRing::from_text(&format!("sign:k1:{KEY_B64}")).unwrap();
    let dir = directory();
    let seed = TotpSeed::from_base32(SEED_B32).unwrap();
    let code = MfaTokenCode::new("246810").unwrap();
    let request = AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "s1")
        .serial_number("arn:aws:iam::111111111111:mfa/alice")
        .token_code("246810")
        .build()
        .unwrap();
    let wit = tempcred::AssumeRoleWithWebIdentityRequest::builder(
        "arn:aws:iam::111111111111:role/deploy",
        "s1",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3aXQtc2VjcmV0In0.c2lnbmF0dXJl",
    )
    .build()
    .unwrap();
    let texts = [
        format!("{ring:?}"),
        format!("{:?}", KeyMaterial::from_bytes(&material).unwrap()),
        format!("{dir:?}"),
        format!("{seed:?}"),
        format!("{code:?}"),
        format!("{request:?}"),
        format!("{wit:?}"),
        format!("{:?}", SecretAccessKey::new(ALICE_SECRET).unwrap()),
        format!("{:?}", Verifier::new(&ring)),
    ];
    for text in &texts {
        assert_clean(
            "Debug",
            text,
            &[
                ALICE_SECRET,
                SEED_B32,
                KEY_B64,
                "246810",
                "wit-secret",
                "eyJzdWIi",
                "66, 66, 66",
            ],
        );
    }
}

#[test]
fn errors_show_no_secret() {
    let bad_ring = KeyRing::from_text(&format!("signing:k1:{KEY_B64}")).unwrap_err();
    let short = &ALICE_SECRET[..39];
    let bad_dir = InMemoryDirectory::from_json(&format!(
        r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/a","access_keys":[{{"id":"AKIAALICEEXAMPLE0001","secret":"{short}"}}]}}]}}"#
    ))
    .unwrap_err();
    let bad_seed = InMemoryDirectory::from_json(&format!(
        r#"{{"users":[{{"arn":"arn:aws:iam::111111111111:user/a","mfa_devices":[{{"serial":"arn:aws:iam::111111111111:mfa/a","totp_base32":"{SEED_B32}!"}}]}}]}}"#
    ))
    .unwrap_err();
    for text in [
        format!("{bad_ring} {bad_ring:?}"),
        format!("{bad_dir} {bad_dir:?}"),
        format!("{bad_seed} {bad_seed:?}"),
    ] {
        assert_clean("error", &text, &[KEY_B64, short, SEED_B32]);
    }
}

#[cfg(feature = "totp")]
#[test]
fn audit_events_and_errors_of_real_flows_show_no_secret() {
    use std::sync::Arc;
    use tempcred::audit::MemoryAuditSink;
    use tempcred::hazmat::SeededRandom;
    use tempcred::{GetSessionTokenRequest, Issuer, ManualClock, UnixTime};

    let now = UnixTime::from_secs(1_764_000_000);
    let audit = Arc::new(MemoryAuditSink::new());
    let directory = Arc::new(directory());
    let ring = KeyRing::from_text(&format!("sign:k1:{KEY_B64}")).unwrap();
    let issuer = Issuer::builder(directory.clone(), ring.clone())
        .clock(Arc::new(ManualClock::new(now)))
        .random(Arc::new(SeededRandom::new(5)))
        .audit_sink(audit.clone())
        .mfa_verifier(Arc::new(tempcred::TotpVerifier::new(directory.clone())))
        .build();
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    let seed = TotpSeed::from_base32(SEED_B32).unwrap();
    let good_code = format!("{:06}", tempcred::mfa::totp_code(&seed, now));
    let bad_code = if good_code == "000000" {
        "000001"
    } else {
        "000000"
    };

    let ok = issuer
        .get_session_token(
            &alice,
            &GetSessionTokenRequest::builder()
                .serial_number("arn:aws:iam::111111111111:mfa/alice")
                .token_code(good_code.clone())
                .build()
                .unwrap(),
        )
        .unwrap();
    let refused = issuer
        .get_session_token(
            &alice,
            &GetSessionTokenRequest::builder()
                .serial_number("arn:aws:iam::111111111111:mfa/alice")
                .token_code(bad_code)
                .build()
                .unwrap(),
        )
        .unwrap_err();
    let assumed = issuer
        .assume_role(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/deploy", "s1")
                .build()
                .unwrap(),
        )
        .unwrap();
    let events = audit.events();
    assert_eq!(events.len(), 3);
    // Codes are six digits, so they are looked for as quoted strings (as they would be serialized)
    // rather than as digits that timestamps also contain.
    let (good_quoted, bad_quoted) = (format!("\"{good_code}\""), format!("\"{bad_code}\""));
    let secrets = [
        ALICE_SECRET,
        SEED_B32,
        KEY_B64,
        &good_quoted,
        &bad_quoted,
        ok.credentials.secret_access_key.expose_secret(),
        &ok.credentials.session_token.expose_secret()[..32],
        assumed.credentials.secret_access_key.expose_secret(),
        &assumed.credentials.session_token.expose_secret()[..32],
    ];
    for event in &events {
        let json = serde_json::to_string(event).unwrap();
        assert_clean("audit event", &json, &secrets);
        assert_clean("audit event Debug", &format!("{event:?}"), &secrets);
    }
    assert_clean("error", &format!("{refused} {refused:?}"), &secrets);
    assert_clean("response Debug", &format!("{ok:?} {assumed:?}"), &secrets);
    // The one place a secret belongs: the credential documents handed to its owner.
    let json = tempcred::wire::credential_process_json(&assumed.credentials);
    assert!(json.contains(assumed.credentials.secret_access_key.expose_secret()));
}

/// Canaries: distinctive texts placed wherever a secret can travel (session token, signature,
/// web identity token, body), then looked for in every `Debug` of the types that carry them.
mod wire_canaries {
    pub(crate) const TOKEN: &str = "CanarySessionTokenQ2FuYXJ5";
    pub(crate) const QUERY_TOKEN: &str = "CanaryWebIdentityTokenInQuery";
    pub(crate) const BODY: &str = "CanaryBodyAssertionPHNhbWw";
    /// 64 lowercase hex digits, as a signature.
    pub(crate) const SIGNATURE: &str =
        "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";
    pub(crate) const ALL: [&str; 5] = [TOKEN, QUERY_TOKEN, BODY, SIGNATURE, "5ca1ab1e"];
}

/// Security issue 12 C: the SigV4, wire and endpoint types that hold a request or a response
/// show no token, signature, authorization header, query value or body in `Debug`.
#[test]
fn debug_of_requests_signatures_and_responses_shows_no_canary() {
    use tempcred::endpoint::HttpRequest;
    use tempcred::internal::{AuthorizationHeader, PresignedQuery};
    use tempcred::sigv4::{PayloadHash, SigV4Config, SignableRequest, Signature, UntrustedRequest};
    use wire_canaries::*;

    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/sts/aws4_request, \
         SignedHeaders=host;x-amz-date;x-amz-security-token, Signature={SIGNATURE}"
    );
    let headers = [
        ("Host", "sts.example.com"),
        ("X-Amz-Date", "20240101T000000Z"),
        ("X-Amz-Security-Token", TOKEN),
        ("Authorization", authorization.as_str()),
        ("Cookie", TOKEN),
    ];
    let body = format!("Action=AssumeRoleWithSAML&SAMLAssertion={BODY}");
    let query = format!("WebIdentityToken={QUERY_TOKEN}&{QUERY_TOKEN}");
    let header_req = SignableRequest {
        method: "POST",
        path: "/",
        query: &query,
        headers: &headers,
        payload: PayloadHash::Bytes(body.as_bytes()),
    };
    let config = SigV4Config::new("sts");
    let untrusted = UntrustedRequest::parse(&header_req, &config).unwrap();

    let presigned_query = format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fsts%2Faws4_request\
         &X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token={TOKEN}&X-Amz-Signature={SIGNATURE}&WebIdentityToken={QUERY_TOKEN}"
    );
    let host = [("Host", "sts.example.com")];
    let presigned_req = SignableRequest {
        method: "GET",
        path: "/",
        query: &presigned_query,
        headers: &host,
        payload: PayloadHash::Bytes(b""),
    };
    let presigned = UntrustedRequest::parse(&presigned_req, &config).unwrap();
    let presigned_params = PresignedQuery::parse(&presigned_query, 64)
        .unwrap()
        .unwrap();
    let auth = AuthorizationHeader::parse(&authorization, 64).unwrap();
    let http = HttpRequest {
        method: "POST",
        path: "/",
        query: &presigned_query,
        headers: &headers,
        body: body.as_bytes(),
        source_ip: None,
    };

    let texts = [
        format!("{header_req:?}"),
        format!("{presigned_req:?}"),
        format!("{:?}", PayloadHash::Bytes(body.as_bytes())),
        format!("{untrusted:?}"),
        format!("{presigned:?}"),
        format!("{presigned_params:?}"),
        format!("{auth:?}"),
        format!("{:?}", Signature::parse(SIGNATURE).unwrap()),
        format!("{http:?}"),
    ];
    for text in &texts {
        assert_clean("Debug", text, &ALL);
    }
    // Redacted, not hidden: what helps to debug a signature is still there.
    assert!(texts[0].contains("sts.example.com") && texts[0].contains("20240101T000000Z"));
    assert!(texts[0].contains("WebIdentityToken=<redacted>"));
    assert!(texts[3].contains("AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/sts/aws4_request"));
}

/// Security issue 12 C, end to end: the endpoint's response (which carries new credentials), the
/// signer's outputs and the verifier's result show none of the credentials in `Debug`.
#[test]
fn debug_of_real_exchanges_shows_no_credential() {
    use std::sync::Arc;
    use tempcred::endpoint::{HttpRequest, StsEndpoint};
    use tempcred::sigv4::{
        presign, sign, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest,
        SigningParams,
    };
    use tempcred::{Issuer, UnixTime};

    let now = UnixTime::from_secs(1_767_225_600);
    let ring = KeyRing::from_text(&format!("sign:k1:{KEY_B64}")).unwrap();
    let endpoint = StsEndpoint::new(Issuer::builder(Arc::new(directory()), ring.clone()).build());
    let body = b"Action=AssumeRole&Version=2011-06-15\
        &RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fdeploy&RoleSessionName=s1";
    let host = [("host", "sts.example.com")];
    let unsigned = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &host,
        payload: PayloadHash::Bytes(body),
    };
    let alice = SecretAccessKey::new(ALICE_SECRET).unwrap();
    let params = SigningParams::new("AKIAALICEEXAMPLE0001", &alice, "us-east-1", "sts", now);
    let signed = sign(&unsigned, &params).unwrap();
    let mut headers = host.to_vec();
    headers.extend(signed.headers.iter().map(|(n, v)| (*n, v.as_str())));
    let request = HttpRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body,
        source_ip: None,
    };
    let answer = endpoint.handle(&request, now);
    assert_eq!(answer.status, 200, "{}", answer.body.as_str());
    let between = |open: &str, close: &str| {
        let text = answer.body.as_str();
        let start = text.find(open).unwrap() + open.len();
        text[start..text.find(close).unwrap()].to_string()
    };
    let secret = between("<SecretAccessKey>", "</SecretAccessKey>");
    let token = between("<SessionToken>", "</SessionToken>");
    let key_id = between("<AccessKeyId>", "</AccessKeyId>");

    // The new credentials sign a request, which the verifier accepts.
    let session_secret = SecretAccessKey::new(&secret).unwrap();
    let params = SigningParams::new(&key_id, &session_secret, "us-east-1", "sts", now)
        .with_session_token(&token);
    let signed_again = sign(&unsigned, &params).unwrap();
    let presigned = presign(&unsigned, &params, 60).unwrap();
    let mut headers = host.to_vec();
    headers.extend(signed_again.headers.iter().map(|(n, v)| (*n, v.as_str())));
    let verified = SigV4Verifier::new(
        Verifier::new(&ring),
        NoLongTermKeys,
        SigV4Config::new("sts"),
    )
    .verify(
        &SignableRequest {
            headers: &headers,
            ..unsigned
        },
        now,
    )
    .unwrap();

    let secrets = [
        ALICE_SECRET,
        secret.as_str(),
        &token[..32],
        &signed.signature.to_string(),
        &signed_again.signature.to_string(),
        &presigned.signature.to_string(),
    ];
    for (what, text) in [
        ("HttpRequest", format!("{request:?}")),
        ("HttpResponse", format!("{answer:?}")),
        ("SignedOutput", format!("{signed:?} {signed_again:?}")),
        ("PresignedOutput", format!("{presigned:?}")),
        ("SigningParams", format!("{params:?}")),
        ("Authenticated", format!("{verified:?}")),
    ] {
        assert_clean(what, &text, &secrets);
        // Redacted, not emptied: the type and its public facts are still shown.
        assert!(text.contains(what), "{what}: {text}");
    }
    assert!(format!("{request:?}").contains("POST"));
    assert!(format!("{answer:?}").contains("200"));
}

/// Security issue 12 C, by construction: no public type derives `Debug` over a field that holds
/// a secret as plain text. A field is suspect when its name says it carries a token, secret,
/// signature, authorization, assertion, password, headers, query, body or payload, and its type
/// is plain text or bytes (`str`, `String`, `Cow`, `[u8]`, `Vec<u8>`, `Zeroizing`) rather than
/// one of the crate's redacting types. A new one fails here until it gets a redacting `Debug`
/// (or a reviewed entry in `REVIEWED`).
#[test]
fn no_public_type_derives_debug_over_a_plain_text_secret() {
    /// (type, field): reviewed, not secret.
    const REVIEWED: [(&str, &str, &str); 3] = [
        (
            "AssumeRoleWithWebIdentityResponse",
            "subject_from_web_identity_token",
            "the token's `sub` claim, not the token",
        ),
        ("AuthorizationHeader", "signed_headers", "header names only"),
        ("PresignedQuery", "signed_headers", "header names only"),
    ];
    const SECRET_NAMES: [&str; 10] = [
        "token",
        "secret",
        "signature",
        "authorization",
        "assertion",
        "password",
        "headers",
        "query",
        "body",
        "payload",
    ];
    const PLAIN: [&str; 7] = [
        "str",
        "String",
        "Cow<",
        "[u8]",
        "Vec<u8>",
        "Zeroizing<",
        "Bytes",
    ];

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 40, "the scan found the sources");

    let mut found = Vec::new();
    let mut scanned = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim();
            if !(line.starts_with("#[derive(") && line.contains("Debug")) {
                continue;
            }
            // The item the derive applies to, past attributes and doc comments.
            let mut j = i + 1;
            while j < lines.len()
                && (lines[j].trim().starts_with("#[") || lines[j].trim().starts_with("///"))
            {
                j += 1;
            }
            let Some(item) = lines.get(j).map(|l| l.trim()) else {
                continue;
            };
            let Some(rest) = item
                .strip_prefix("pub struct ")
                .or_else(|| item.strip_prefix("pub enum "))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            scanned += 1;
            // Its fields (named, or one per tuple/variant line), up to the closing line.
            let mut fields: Vec<(String, String)> = Vec::new();
            if let (Some(open), Some(close)) = (rest.find('('), rest.rfind(')')) {
                if !rest.contains('{') && open < close {
                    fields.push((name.to_lowercase(), rest[open + 1..close].to_string()));
                }
            }
            if rest.trim_end().ends_with('{') {
                for body in &lines[j + 1..] {
                    let body = body.trim();
                    if body.starts_with('}') && !body.starts_with("},") {
                        break;
                    }
                    if body.starts_with("///") || body.starts_with("#[") || body.is_empty() {
                        continue;
                    }
                    let body = body
                        .trim_start_matches("pub(crate) ")
                        .trim_start_matches("pub ");
                    if let Some((field, ty)) = body.split_once(": ") {
                        fields.push((field.to_lowercase(), ty.to_string()));
                    } else if let (Some(open), Some(close)) = (body.find('('), body.rfind(')')) {
                        if open < close {
                            fields
                                .push((body[..open].to_lowercase(), body[open + 1..close].into()));
                        }
                    }
                }
            }
            for (field, ty) in fields {
                let suspect_name = SECRET_NAMES.iter().any(|s| field.contains(s));
                // `Redacted<…>` prints nothing of what it wraps.
                let plain_type = PLAIN.iter().any(|p| ty.contains(p)) && !ty.contains("Redacted<");
                let reviewed = REVIEWED
                    .iter()
                    .any(|(t, f, _)| *t == name && field == f.to_lowercase());
                if suspect_name && plain_type && !reviewed {
                    found.push(format!(
                        "{}: {name}.{field}: {ty}",
                        file.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                            .unwrap()
                            .display()
                    ));
                }
            }
        }
    }
    assert!(scanned > 50, "the scan saw the derives ({scanned})");
    assert!(
        found.is_empty(),
        "public types deriving Debug over plain-text secrets (write a redacting Debug):\n{}",
        found.join("\n")
    );
}

/// `Issuer`, its builder and `StsEndpoint` have `Debug` (an application's state struct can derive
/// it), and it shows which parts are configured, never the key ring's material.
#[test]
fn debug_of_issuer_and_endpoint_shows_no_key_material() {
    use std::sync::Arc;
    use tempcred::directory::{demo_directory_json, InMemoryDirectory};
    let ring = tempcred::KeyRing::generate(
        tempcred::keys::KeyId::new("k1").unwrap(),
        &tempcred::hazmat::SeededRandom::new(3),
    )
    .unwrap();
    let text = ring.to_text();
    let material = text.trim().rsplit(':').next().unwrap().to_owned();
    let dir = Arc::new(InMemoryDirectory::from_json(demo_directory_json()).unwrap());
    let builder = tempcred::Issuer::builder(dir, ring);
    let shown = format!("{builder:?}");
    assert!(
        shown.contains("IssuerBuilder") && shown.contains("k1"),
        "{shown}"
    );
    let endpoint = tempcred::endpoint::StsEndpoint::new(builder.build());
    let shown = format!("{endpoint:?}");
    assert!(
        shown.contains("StsEndpoint") && shown.contains("Issuer"),
        "{shown}"
    );
    assert!(!shown.contains(&material), "{shown}");
    assert!(!shown.contains(&material[..16]), "{shown}");
    assert_eq!(
        tempcred::UnixTime::from_secs(1_700_000_000).to_string(),
        "2023-11-14T22:13:20Z"
    );
}

/// Issue 16: `AuthorizationMessages` and an `Authorizer` holding one have `Debug`, showing the
/// ring's key IDs and the lifetime, never key material (nor the sub-key the messages are sealed
/// with, whose cipher state is wiped on drop: see `keys::ring`'s unit tests). A decode refusal's
/// message and its audit event hold neither the encoded message nor what it says.
#[test]
#[cfg(feature = "authorization-messages")]
fn debug_of_authorization_messages_shows_no_key_material() {
    use std::sync::Arc;
    use tempcred::authorization_message::AuthorizationMessages;
    use tempcred::authorize::Authorizer;
    use tempcred::directory::{demo_directory_json, InMemoryDirectory};
    let ring = tempcred::KeyRing::generate(
        tempcred::keys::KeyId::new("k1").unwrap(),
        &tempcred::hazmat::SeededRandom::new(5),
    )
    .unwrap();
    let text = ring.to_text();
    let material = text.trim().rsplit(':').next().unwrap().to_owned();
    let messages = AuthorizationMessages::new(ring.clone());
    let dir = Arc::new(InMemoryDirectory::from_json(demo_directory_json()).unwrap());
    let authorizer = Authorizer::new(dir.clone()).with_authorization_messages(messages.clone());
    for shown in [format!("{messages:?}"), format!("{authorizer:?}")] {
        assert!(shown.contains("k1") && shown.contains("43200"), "{shown}");
        assert!(!shown.contains(&material[..16]), "{shown}");
    }

    let audit = Arc::new(tempcred::audit::MemoryAuditSink::new());
    let issuer = tempcred::Issuer::builder(dir, ring)
        .audit_sink(audit.clone())
        .build();
    let alice = issuer
        .long_term_caller(&"AKIADEMOALICE0000001".parse().unwrap())
        .unwrap();
    let forged = "AQJrMUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB";
    let refused = issuer
        .decode_authorization_message(
            &alice,
            &tempcred::DecodeAuthorizationMessageRequest::new(forged).unwrap(),
        )
        .unwrap_err();
    let event = serde_json::to_string(&audit.take()[0]).unwrap();
    for text in [format!("{refused} {refused:?}"), event] {
        assert!(!text.contains(forged), "{text}");
        assert!(!text.contains(&material[..16]), "{text}");
    }
}
