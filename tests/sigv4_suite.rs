//! The official AWS SigV4 test suite (`tests/vectors/aws-sigv4/v4`, from aws-c-auth): for every
//! case, the canonical request, string to sign and signature of both the header and the presigned
//! variants are compared string by string, and the suite's own signed requests verify.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};
use tempcred::sigv4::{
    presign, sign, PathStyle, PayloadHash, SigV4Config, SigV4Error, SignableRequest, SigningParams,
    SigningSettings, TokenPlacement, UntrustedRequest,
};
use tempcred::{SecretAccessKey, UnixTime};

/// An HTTP/1.1 request as the suite writes it: a request line, header lines (continuation lines
/// start with whitespace), a blank line, a body.
struct RawRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_http(text: &str) -> RawRequest {
    let (head, body) = match text.find("\n\n") {
        Some(i) => (&text[..i], text.as_bytes()[i + 2..].to_vec()),
        None => (text.trim_end_matches('\n'), Vec::new()),
    };
    let mut lines = head.split('\n');
    let request_line = lines.next().unwrap();
    let first_space = request_line.find(' ').unwrap();
    let last_space = request_line.rfind(' ').unwrap();
    let method = request_line[..first_space].to_string();
    assert_eq!(&request_line[last_space + 1..], "HTTP/1.1");
    let target = &request_line[first_space + 1..last_space];
    let (path, query) = match target.find('?') {
        Some(i) => (target[..i].to_string(), target[i + 1..].to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers
                .last_mut()
                .expect("continuation line without a header");
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let colon = line.find(':').unwrap();
            headers.push((line[..colon].to_string(), line[colon + 1..].to_string()));
        }
    }
    RawRequest {
        method,
        path,
        query,
        headers,
        body,
    }
}

impl RawRequest {
    fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }
}

struct Context {
    access_key_id: String,
    secret: SecretAccessKey,
    token: Option<String>,
    region: String,
    service: String,
    time: UnixTime,
    expires: u64,
    style: PathStyle,
    sign_body: bool,
    omit_token: bool,
}

fn context(dir: &Path) -> Context {
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("context.json")).unwrap()).unwrap();
    let creds = &v["credentials"];
    Context {
        access_key_id: creds["access_key_id"].as_str().unwrap().into(),
        secret: SecretAccessKey::new(creds["secret_access_key"].as_str().unwrap()).unwrap(),
        token: creds["token"].as_str().map(String::from),
        region: v["region"].as_str().unwrap().into(),
        service: v["service"].as_str().unwrap().into(),
        time: UnixTime::parse_iso8601(v["timestamp"].as_str().unwrap()).unwrap(),
        expires: v["expiration_in_seconds"].as_u64().unwrap(),
        style: if v["normalize"].as_bool().unwrap() {
            PathStyle::Normalized
        } else {
            PathStyle::S3
        },
        sign_body: v["sign_body"].as_bool().unwrap_or(false),
        omit_token: v["omit_session_token"].as_bool().unwrap_or(false),
    }
}

fn expected(dir: &Path, name: &str) -> Option<String> {
    let text = fs::read_to_string(dir.join(name)).ok()?;
    Some(text.strip_suffix('\n').unwrap_or(&text).to_string())
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/aws-sigv4/v4");
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn params<'a>(c: &'a Context) -> SigningParams<'a> {
    let mut settings = SigningSettings::default();
    settings.path_style = c.style;
    settings.content_sha256_header = c.sign_body;
    settings.token_placement = if c.omit_token {
        TokenPlacement::AfterSigning
    } else {
        TokenPlacement::Signed
    };
    let p = SigningParams::new(&c.access_key_id, &c.secret, &c.region, &c.service, c.time)
        .with_settings(settings);
    match &c.token {
        Some(t) => p.with_session_token(t),
        None => p,
    }
}

/// The verifier config of a case. The suite's `*-normalized` cases send paths with `.`, `..` and
/// empty segments and sign their normalized form; verifying them needs the explicit relaxation
/// (the default refuses them, see `the_strict_default_refuses_paths_that_sign_as_another_path`).
fn config(c: &Context) -> SigV4Config {
    SigV4Config::new(&c.service)
        .with_path_style(c.style)
        .with_regions([c.region.as_str()])
        .accept_unnormalized_paths()
}

/// The suite's normalized cases whose request path is not the path they sign.
const ALIASED_PATHS: [&str; 6] = [
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-slash-dot-slash-normalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slashes-normalized",
];

/// Security issue 12 B: with the default config, a path that signs as another path (`/example/..`
/// signs as `/`) is refused, because the application would act on the raw path; every other
/// case of the suite, S3's unnormalized paths included, verifies unchanged.
#[test]
fn the_strict_default_refuses_paths_that_sign_as_another_path() {
    let mut refused = Vec::new();
    for dir in &cases() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let c = context(dir);
        let strict = SigV4Config::new(&c.service)
            .with_path_style(c.style)
            .with_regions([c.region.as_str()]);
        let theirs =
            parse_http(&fs::read_to_string(dir.join("header-signed-request.txt")).unwrap());
        let headers = theirs.header_refs();
        let req = SignableRequest {
            method: &theirs.method,
            path: &theirs.path,
            query: &theirs.query,
            headers: &headers,
            payload: PayloadHash::Bytes(&theirs.body),
        };
        match UntrustedRequest::parse(&req, &strict) {
            Err(SigV4Error::UnnormalizedPath) => refused.push(name),
            Err(e) => panic!("{name}: {e}"),
            Ok(u) => {
                u.check_at(&strict, c.time).unwrap();
                u.verify_signature(&c.secret)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
    }
    assert_eq!(refused, ALIASED_PATHS);
}

/// Verifies a signed request with the case's secret through the low-level path (the suite's key
/// ID `AKIDEXAMPLE` is not an `AKIA…` ID, so it cannot go through a key store).
fn verify_raw(raw: &RawRequest, query: &str, c: &Context) -> Result<(), SigV4Error> {
    let headers = raw.header_refs();
    let req = SignableRequest {
        method: &raw.method,
        path: &raw.path,
        query,
        headers: &headers,
        payload: PayloadHash::Bytes(&raw.body),
    };
    let cfg = config(c);
    let untrusted = UntrustedRequest::parse(&req, &cfg)?;
    untrusted.check_at(&cfg, c.time)?;
    untrusted.verify_signature(&c.secret)
}

/// Drops one parameter from a raw query.
fn without_param(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.starts_with(&format!("{name}=")))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn every_case_of_the_aws_suite_passes() {
    let mut header_cases = 0;
    let mut query_cases = 0;
    let all = cases();
    assert_eq!(all.len(), 38, "the suite has 38 cases");
    for dir in &all {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let c = context(dir);
        let raw = parse_http(&fs::read_to_string(dir.join("request.txt")).unwrap());
        let headers = raw.header_refs();
        let req = SignableRequest {
            method: &raw.method,
            path: &raw.path,
            query: &raw.query,
            headers: &headers,
            payload: PayloadHash::Bytes(&raw.body),
        };
        let p = params(&c);

        if let Some(canonical) = expected(dir, "header-canonical-request.txt") {
            let out = sign(&req, &p).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                out.canonical_request, canonical,
                "{name}: header canonical request"
            );
            let sts = expected(dir, "header-string-to-sign.txt").unwrap();
            assert_eq!(out.string_to_sign, sts, "{name}: header string to sign");
            let sig = expected(dir, "header-signature.txt").unwrap();
            assert_eq!(out.signature.to_string(), sig, "{name}: header signature");

            // Our signed request verifies…
            let mut signed: Vec<(&str, &str)> = headers.clone();
            signed.extend(out.headers.iter().map(|(n, v)| (*n, v.as_str())));
            let ours = SignableRequest {
                headers: &signed,
                ..req
            };
            let cfg = config(&c);
            let u = UntrustedRequest::parse(&ours, &cfg).unwrap();
            u.check_at(&cfg, c.time).unwrap();
            u.verify_signature(&c.secret)
                .unwrap_or_else(|e| panic!("{name}: own header request: {e}"));
            // …and so does the suite's.
            let theirs =
                parse_http(&fs::read_to_string(dir.join("header-signed-request.txt")).unwrap());
            verify_raw(&theirs, &theirs.query, &c)
                .unwrap_or_else(|e| panic!("{name}: suite header request: {e}"));
            // A different secret does not.
            let other = SecretAccessKey::new("xJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").unwrap();
            assert!(u.verify_signature(&other).is_err(), "{name}");
            header_cases += 1;
        }

        if let Some(canonical) = expected(dir, "query-canonical-request.txt") {
            let out = presign(&req, &p, c.expires).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                out.canonical_request, canonical,
                "{name}: query canonical request"
            );
            let sts = expected(dir, "query-string-to-sign.txt").unwrap();
            assert_eq!(out.string_to_sign, sts, "{name}: query string to sign");
            let sig = expected(dir, "query-signature.txt").unwrap();
            assert_eq!(out.signature.to_string(), sig, "{name}: query signature");

            // A token appended after signing is, by design, not covered by the signature; the
            // signed part is what verifies.
            let own_query = if c.omit_token {
                without_param(&out.query, "X-Amz-Security-Token")
            } else {
                out.query.clone()
            };
            let mine = RawRequest {
                method: raw.method.clone(),
                path: raw.path.clone(),
                query: own_query.clone(),
                headers: raw.headers.clone(),
                body: raw.body.clone(),
            };
            verify_raw(&mine, &own_query, &c)
                .unwrap_or_else(|e| panic!("{name}: own presigned request: {e}"));

            let theirs =
                parse_http(&fs::read_to_string(dir.join("query-signed-request.txt")).unwrap());
            let their_query = if c.omit_token {
                without_param(&theirs.query, "X-Amz-Security-Token")
            } else {
                theirs.query.clone()
            };
            verify_raw(&theirs, &their_query, &c)
                .unwrap_or_else(|e| panic!("{name}: suite presigned request: {e}"));
            // One hour and one second later it has expired.
            let cfg = config(&c);
            let headers = theirs.header_refs();
            let late = SignableRequest {
                method: &theirs.method,
                path: &theirs.path,
                query: &their_query,
                headers: &headers,
                payload: PayloadHash::Bytes(&theirs.body),
            };
            let u = UntrustedRequest::parse(&late, &cfg).unwrap();
            assert_eq!(
                u.check_at(&cfg, c.time.saturating_add(c.expires + 1)),
                Err(SigV4Error::PresignExpired)
            );
            query_cases += 1;
        }
    }
    assert_eq!(header_cases, 38);
    assert_eq!(query_cases, 38);
}

#[test]
fn the_request_parser_handles_the_suite_forms() {
    let r = parse_http("GET /a b/?x=1 HTTP/1.1\nHost:h\nK:v1\n  v2\n\nbody");
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/a b/");
    assert_eq!(r.query, "x=1");
    assert_eq!(r.headers[1], ("K".to_string(), "v1\n  v2".to_string()));
    assert_eq!(r.body, b"body");
}
