//! An S3-style object service behind `tempcred::tower::SigV4Layer`: real S3 clients (boto3,
//! the AWS CLI) upload, download, list and delete with their default settings, in every SigV4
//! payload mode, and every call is authorized by the caller's policies.
//!
//! ```text
//! cargo run --release --features tower --example object_store -- \
//!     [--listen ADDR] [--directory FILE] [--keys FILE] [--data DIR]
//! ```
//!
//! - `--listen`: default `127.0.0.1:9000` (port 0 picks one). Prints `listening on http://ADDR`.
//! - `--directory`: the JSON directory (long-term keys and policies); default: the built-in
//!   demo directory, whose user alice (`AKIADEMOALICE0000001`) may use `s3:*`.
//! - `--keys`: the key ring the STS (`sts_server`) issues temporary credentials with, so that
//!   they verify here too; default: an ephemeral key (only long-term keys then work). Refusals
//!   carry an encoded authorization message sealed with the same ring, which `sts_server`
//!   decodes (`aws sts decode-authorization-message`) for callers allowed
//!   `sts:DecodeAuthorizationMessage` in the refused caller's account.
//! - `--data`: keep objects in files under this directory instead of in memory.
//!
//! Path-style requests only (`http://ADDR/bucket/key`): `CreateBucket` (`PUT /bucket`),
//! `HeadBucket`, `ListObjectsV2` (`GET /bucket?list-type=2&prefix=…`), `PutObject`,
//! `GetObject`, `HeadObject`, `DeleteObject`. Errors are S3 XML error documents.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::error::Error;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tempcred::authorization_message::AuthorizationMessages;
use tempcred::authorize::Authorizer;
use tempcred::directory::{Directory, InMemoryDirectory, LongTermOwner};
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    ChecksumAlgorithm, ChunkedError, LongTermKeys, PathStyle, PayloadModes, SigV4Config,
    SigV4Verifier,
};
use tempcred::tower::{ClientAddr, RequestedAction, SigV4Layer};
use tempcred::{AccessKeyId, KeyRing, SecretAccessKey, SystemRandom, Verifier};

/// The largest object (and the largest body buffered to check a signed payload hash).
const MAX_OBJECT_BYTES: usize = 256 * 1024 * 1024;

struct Options {
    listen: String,
    directory: Option<String>,
    keys: Option<String>,
    data: Option<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        listen: "127.0.0.1:9000".to_owned(),
        directory: None,
        keys: None,
        data: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => options.listen = value()?,
            "--directory" => options.directory = Some(value()?),
            "--keys" => options.keys = Some(value()?),
            "--data" => options.data = Some(PathBuf::from(value()?)),
            _ => {
                return Err(
                    "usage: object_store [--listen ADDR] [--directory FILE] [--keys FILE] \
                            [--data DIR]"
                        .to_owned(),
                )
            }
        }
    }
    Ok(options)
}

/// The directory's long-term keys, so that long-term callers are authorized with their policies.
struct DirectoryKeys(Arc<InMemoryDirectory>);

impl LongTermKeys for DirectoryKeys {
    type Owner = LongTermOwner;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, LongTermOwner)> {
        self.0.user_by_access_key(id).map(|(o, s)| (s, o))
    }
}

/// The objects of one bucket, by key.
type Bucket = BTreeMap<String, Arc<Vec<u8>>>;

/// Where objects live: bucket → key → bytes, in memory or in files.
enum Store {
    Memory(Mutex<BTreeMap<String, Bucket>>),
    Files(PathBuf),
}

/// A file name for any key: its hex, so no key can name a path outside its bucket.
fn file_name(key: &str) -> String {
    data_encoding::HEXLOWER.encode(key.as_bytes())
}

impl Store {
    fn create_bucket(&self, bucket: &str) -> std::io::Result<bool> {
        match self {
            Store::Memory(m) => {
                let mut m = m.lock().unwrap_or_else(|e| e.into_inner());
                if m.contains_key(bucket) {
                    return Ok(false);
                }
                m.insert(bucket.to_owned(), BTreeMap::new());
                Ok(true)
            }
            Store::Files(dir) => {
                let path = dir.join(bucket);
                if path.exists() {
                    return Ok(false);
                }
                std::fs::create_dir_all(path)?;
                Ok(true)
            }
        }
    }

    fn has_bucket(&self, bucket: &str) -> bool {
        match self {
            Store::Memory(m) => m
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(bucket),
            Store::Files(dir) => dir.join(bucket).is_dir(),
        }
    }

    fn put(&self, bucket: &str, key: &str, data: Vec<u8>) -> std::io::Result<()> {
        match self {
            Store::Memory(m) => {
                let mut m = m.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(b) = m.get_mut(bucket) {
                    b.insert(key.to_owned(), Arc::new(data));
                }
                Ok(())
            }
            Store::Files(dir) => {
                let path = dir.join(bucket).join(file_name(key));
                let tmp = dir.join(bucket).join(format!(".{}.tmp", file_name(key)));
                std::fs::write(&tmp, data)?;
                std::fs::rename(tmp, path)
            }
        }
    }

    fn get(&self, bucket: &str, key: &str) -> Option<Arc<Vec<u8>>> {
        match self {
            Store::Memory(m) => m
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(bucket)?
                .get(key)
                .cloned(),
            Store::Files(dir) => std::fs::read(dir.join(bucket).join(file_name(key)))
                .ok()
                .map(Arc::new),
        }
    }

    fn delete(&self, bucket: &str, key: &str) {
        match self {
            Store::Memory(m) => {
                if let Some(b) = m.lock().unwrap_or_else(|e| e.into_inner()).get_mut(bucket) {
                    b.remove(key);
                }
            }
            Store::Files(dir) => {
                let _ = std::fs::remove_file(dir.join(bucket).join(file_name(key)));
            }
        }
    }

    /// Keys and sizes under `prefix`, in order.
    fn list(&self, bucket: &str, prefix: &str) -> Vec<(String, usize)> {
        match self {
            Store::Memory(m) => m
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(bucket)
                .map(|b| {
                    b.range(prefix.to_owned()..)
                        .take_while(|(k, _)| k.starts_with(prefix))
                        .map(|(k, v)| (k.clone(), v.len()))
                        .collect()
                })
                .unwrap_or_default(),
            Store::Files(dir) => {
                let mut out: Vec<(String, usize)> = std::fs::read_dir(dir.join(bucket))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|e| {
                        let name = e.file_name().into_string().ok()?;
                        let key = data_encoding::HEXLOWER.decode(name.as_bytes()).ok()?;
                        let key = String::from_utf8(key).ok()?;
                        let len = e.metadata().ok()?.len() as usize;
                        key.starts_with(prefix).then_some((key, len))
                    })
                    .collect();
                out.sort();
                out
            }
        }
    }
}

/// XML character data.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An S3 error document.
fn s3_error(status: u16, code: &str, message: &str, resource: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>\
         <Resource>{}</Resource><RequestId>0</RequestId></Error>",
        xml(code),
        xml(message),
        xml(resource)
    );
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [("content-type", "application/xml")], body).into_response()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `(bucket, key)` of a path-style request; the key is empty for bucket requests. `None` for a
/// bucket name S3 would not accept: the name becomes both the policy's resource ARN and, with
/// `--data`, a directory name, so `carol%2F..%2Fvault` must never be read as a bucket (it is
/// inside `arn:aws:s3:::carol/*` to a policy and outside it to the file system).
fn bucket_and_key(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix('/')?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    let bucket = percent_decode(bucket)?;
    is_bucket_name(&bucket).then_some(())?;
    Some((bucket, percent_decode(key)?))
}

/// S3's bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming rules"):
/// 3–63 characters of lowercase letters, digits, `.` and `-`, beginning and ending with a letter
/// or digit, no two adjacent periods, not an IP address.
fn is_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && !name.contains("..")
        && name.parse::<std::net::Ipv4Addr>().is_err()
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|p| {
        let (n, v) = p.split_once('=').unwrap_or((p, ""));
        (n == name).then(|| percent_decode(&v.replace('+', " ")).unwrap_or_default())
    })
}

/// The action and resource a request is, for the layer's authorization.
fn action_of(parts: &axum::http::request::Parts) -> Option<RequestedAction> {
    let (bucket, key) = bucket_and_key(parts.uri.path())?;
    let object = format!("arn:aws:s3:::{bucket}/{key}");
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let (action, resource) = match (&parts.method, key.is_empty()) {
        (&Method::GET | &Method::HEAD, false) => ("s3:GetObject", object),
        (&Method::PUT, false) => ("s3:PutObject", object),
        (&Method::DELETE, false) => ("s3:DeleteObject", object),
        (&Method::GET | &Method::HEAD, true) => ("s3:ListBucket", bucket_arn),
        (&Method::PUT, true) => ("s3:CreateBucket", bucket_arn),
        _ => return None,
    };
    Some(RequestedAction {
        action: action.to_owned(),
        resource,
    })
}

fn etag(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    format!(
        "\"{}\"",
        data_encoding::HEXLOWER.encode(digest.get(..16).unwrap_or_default())
    )
}

/// Reads a verified body; a failed chunk or checksum becomes the S3 error it is.
async fn read_body(body: Body, resource: &str) -> Result<Vec<u8>, Response> {
    let mut body = body;
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    if out.len() + data.len() > MAX_OBJECT_BYTES {
                        return Err(s3_error(400, "EntityTooLarge", "Too large.", resource));
                    }
                    out.extend_from_slice(&data);
                }
            }
            Err(e) => {
                let e = e.into_inner();
                return Err(match e.downcast_ref::<ChunkedError>() {
                    Some(c) => s3_error(c.http_status(), c.aws_code(), &c.to_string(), resource),
                    None => s3_error(400, "IncompleteBody", &e.to_string(), resource),
                });
            }
        }
    }
    Ok(out)
}

async fn serve(store: Arc<Store>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let Some((bucket, key)) = bucket_and_key(&path) else {
        return s3_error(
            501,
            "NotImplemented",
            "Only path-style bucket requests.",
            &path,
        );
    };
    if key.is_empty() {
        return match parts.method {
            Method::PUT => match store.create_bucket(&bucket) {
                Ok(true) => (StatusCode::OK, [("location", format!("/{bucket}"))]).into_response(),
                Ok(false) => s3_error(
                    409,
                    "BucketAlreadyOwnedByYou",
                    "Your previous request to create the named bucket succeeded.",
                    &path,
                ),
                Err(e) => s3_error(500, "InternalError", &e.to_string(), &path),
            },
            _ if !store.has_bucket(&bucket) => s3_error(
                404,
                "NoSuchBucket",
                "The specified bucket does not exist",
                &path,
            ),
            Method::HEAD => StatusCode::OK.into_response(),
            Method::GET => list_objects(&store, &bucket, &query),
            _ => s3_error(405, "MethodNotAllowed", "Not allowed.", &path),
        };
    }
    if !store.has_bucket(&bucket) {
        return s3_error(
            404,
            "NoSuchBucket",
            "The specified bucket does not exist",
            &path,
        );
    }
    match parts.method {
        Method::PUT => {
            let data = match read_body(body, &path).await {
                Ok(data) => data,
                Err(refusal) => return refusal,
            };
            // A checksum sent as a header (boto3 and the AWS CLI over plain HTTP) is signed
            // but says nothing until it is compared with the bytes.
            for algorithm in ChecksumAlgorithm::ALL {
                let Some(sent) = parts.headers.get(algorithm.header_name()) else {
                    continue;
                };
                if sent.as_bytes() != algorithm.checksum_base64(&data).as_bytes() {
                    return s3_error(
                        400,
                        "BadDigest",
                        &format!(
                            "The {algorithm} you specified did not match the calculated checksum."
                        ),
                        &path,
                    );
                }
            }
            let tag = etag(&data);
            match store.put(&bucket, &key, data) {
                Ok(()) => (StatusCode::OK, [("etag", tag)]).into_response(),
                Err(e) => s3_error(500, "InternalError", &e.to_string(), &path),
            }
        }
        Method::GET | Method::HEAD => match store.get(&bucket, &key) {
            Some(data) => {
                let mut headers = HeaderMap::new();
                if let Ok(v) = etag(&data).parse() {
                    headers.insert("etag", v);
                }
                headers.insert(
                    "content-type",
                    axum::http::HeaderValue::from_static("binary/octet-stream"),
                );
                headers.insert("content-length", data.len().into());
                if parts.method == Method::HEAD {
                    (StatusCode::OK, headers).into_response()
                } else {
                    (StatusCode::OK, headers, Body::from(data.as_ref().clone())).into_response()
                }
            }
            None if parts.method == Method::HEAD => StatusCode::NOT_FOUND.into_response(),
            None => s3_error(404, "NoSuchKey", "The specified key does not exist.", &path),
        },
        Method::DELETE => {
            store.delete(&bucket, &key);
            StatusCode::NO_CONTENT.into_response()
        }
        _ => s3_error(405, "MethodNotAllowed", "Not allowed.", &path),
    }
}

/// A key as `encoding-type=url` lists it: everything but unreserved characters and `/`
/// percent-encoded.
fn url_encoded(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn list_objects(store: &Store, bucket: &str, query: &str) -> Response {
    let encode = |key: &str| {
        if query_param(query, "encoding-type").as_deref() == Some("url") {
            xml(&url_encoded(key))
        } else {
            xml(key)
        }
    };
    if query_param(query, "list-type").as_deref() != Some("2") {
        return s3_error(
            501,
            "NotImplemented",
            "Only ListObjectsV2 (list-type=2).",
            bucket,
        );
    }
    let prefix = query_param(query, "prefix").unwrap_or_default();
    let max_keys: usize = query_param(query, "max-keys")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
        .min(1000);
    let after = query_param(query, "continuation-token")
        .or_else(|| query_param(query, "start-after"))
        .unwrap_or_default();
    let all: Vec<(String, usize)> = store
        .list(bucket, &prefix)
        .into_iter()
        .filter(|(k, _)| after.is_empty() || k.as_str() > after.as_str())
        .collect();
    let truncated = all.len() > max_keys;
    let page = all.get(..max_keys.min(all.len())).unwrap_or_default();
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>{}</Name><Prefix>{}</Prefix>\
         <KeyCount>{}</KeyCount><MaxKeys>{max_keys}</MaxKeys><IsTruncated>{truncated}</IsTruncated>{}",
        xml(bucket),
        encode(&prefix),
        page.len(),
        if query_param(query, "encoding-type").as_deref() == Some("url") {
            "<EncodingType>url</EncodingType>"
        } else {
            ""
        }
    );
    for (key, size) in page {
        body.push_str(&format!(
            "<Contents><Key>{}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>\
             <Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>",
            encode(key)
        ));
    }
    if let (true, Some((last, _))) = (truncated, page.last()) {
        body.push_str(&format!(
            "<NextContinuationToken>{}</NextContinuationToken>",
            xml(last)
        ));
    }
    body.push_str("</ListBucketResult>");
    (StatusCode::OK, [("content-type", "application/xml")], body).into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let options = match parse_args() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let directory = Arc::new(match &options.directory {
        Some(path) => InMemoryDirectory::from_json(&std::fs::read_to_string(path)?)
            .map_err(|e| format!("{path}: {e}"))?,
        None => {
            eprintln!(
                "no --directory given: using the built-in demo directory (alice may use s3:*)"
            );
            InMemoryDirectory::from_json(tempcred::directory::demo_directory_json())?
        }
    });
    let ring = match &options.keys {
        Some(path) => KeyRing::from_text(&std::fs::read_to_string(path)?)
            .map_err(|e| format!("{path}: {e}"))?,
        None => {
            eprintln!("warning: no --keys given: an ephemeral key; only long-term keys verify");
            KeyRing::generate(KeyId::new("ephemeral")?, &SystemRandom)?
        }
    };
    let store = Arc::new(match &options.data {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            Store::Files(dir.clone())
        }
        None => Store::Memory(Mutex::new(BTreeMap::new())),
    });
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        DirectoryKeys(Arc::clone(&directory)),
        SigV4Config::new("s3").with_path_style(PathStyle::S3),
    );
    let authorizer = Arc::new(
        Authorizer::new(directory as Arc<dyn Directory>)
            .with_authorization_messages(AuthorizationMessages::new(ring.clone())),
    );
    let layer = SigV4Layer::new(verifier)
        .payload_modes(PayloadModes::s3())
        .max_body_bytes(MAX_OBJECT_BYTES)
        .authorize_with(authorizer, action_of);
    let app = Router::new()
        .fallback(move |request: Request<Body>| serve(Arc::clone(&store), request))
        .layer(layer)
        .layer(axum::middleware::from_fn(client_addr));
    let listener = tokio::net::TcpListener::bind(&options.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// Hands the SigV4 layer the client's address (`aws:SourceIp` in policies) from the accepted
/// connection; without it the layer refuses to decide.
async fn client_addr(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    request.extensions_mut().insert(ClientAddr(peer.ip()));
    next.run(request).await
}
