//! Red-team review: tower SigV4 layer and workload credential endpoints.
#![cfg(feature = "tower")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::sync::Arc;
use tempcred::directory::InMemoryDirectory;
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::sigv4::{
    sign, NoLongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest, SigningParams,
};
use tempcred::tower::SigV4Layer;
use tempcred::workload::{AuthorizationToken, CredentialSource, WorkloadEndpoint, WorkloadService};
use tempcred::{
    AssumeRoleRequest, CallEnv, Credentials, Issuer, KeyRing, ManualClock, RevokedSessions,
    StsError, UnixTime, Verifier,
};
use tower_layer::Layer;
use tower_service::Service;

const T0: u64 = 1_800_000_000;
const DIR: &str = r#"{"users":[{"arn":"arn:aws:iam::111111111111:user/alice","access_keys":[{"id":"AKIAALICEEXAMPLE0001","secret":"aliceSecretKeyForExamplesOnly00000000000"}]}],
 "roles":[{"arn":"arn:aws:iam::111111111111:role/src","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}},
  {"arn":"arn:aws:iam::111111111111:role/svc","trust_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}}]}"#;

fn setup() -> (KeyRing, Issuer) {
    let ring = KeyRing::generate(KeyId::new("k1").unwrap(), &SeededRandom::new(7)).unwrap();
    let d = Arc::new(InMemoryDirectory::from_json(DIR).unwrap());
    let iss = Issuer::builder(d, ring.clone())
        .random(Arc::new(SeededRandom::new(3)))
        .build();
    (ring, iss)
}

fn creds(iss: &Issuer) -> Credentials {
    let alice = iss
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse().unwrap())
        .unwrap();
    iss.assume_role_at(
        &alice,
        &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/src", "sess")
            .build()
            .unwrap(),
        &CallEnv::at(UnixTime::from_secs(T0)),
    )
    .unwrap()
    .credentials
}

/// Signs (method, path, query, host) and returns the headers to send.
fn signed_headers(
    c: &Credentials,
    method: &str,
    path: &str,
    query: &str,
    host: &str,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut base: Vec<(&str, &str)> = vec![("host", host)];
    base.extend_from_slice(extra);
    let req = SignableRequest {
        method,
        path,
        query,
        headers: &base,
        payload: PayloadHash::Bytes(b""),
    };
    let p = SigningParams::new(
        c.access_key_id.as_str(),
        &c.secret_access_key,
        "us-east-1",
        "execute-api",
        UnixTime::from_secs(T0 + 5),
    )
    .with_session_token(c.session_token.expose_secret());
    let out = sign(&req, &p).unwrap();
    let mut h: Vec<(String, String)> = base
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    h.extend(out.headers.iter().map(|(a, b)| (a.to_string(), b.clone())));
    h
}

async fn call_layer(
    verifier: Verifier,
    uri: &str,
    headers: &[(String, String)],
    raw_extra: &[(&str, &[u8])],
) -> (u16, String) {
    let sv = SigV4Verifier::new(verifier, NoLongTermKeys, SigV4Config::new("execute-api"));
    let layer = SigV4Layer::new(sv).clock(Arc::new(ManualClock::new(UnixTime::from_secs(T0 + 5))));
    let inner = tower_service_fn(|req: http::Request<tempcred::tower::SigV4Body>| {
        let host = req
            .headers()
            .get_all("host")
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join("|");
        format!("INNER uri={} host={host}", req.uri())
    });
    let mut svc = layer.layer(inner);
    let mut b = http::Request::builder().method("GET").uri(uri);
    for (n, v) in headers {
        b = b.header(n.as_str(), v.as_str());
    }
    for (n, v) in raw_extra {
        b = b.header(*n, http::HeaderValue::from_bytes(v).unwrap());
    }
    let req = b.body(Full::new(Bytes::new())).unwrap();
    std::future::poll_fn(|cx| <_ as Service<http::Request<Full<Bytes>>>>::poll_ready(&mut svc, cx))
        .await
        .unwrap();
    let resp = svc.call(req).await.unwrap();
    let status = resp.status().as_u16();
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|c| String::from_utf8_lossy(&c.to_bytes()).into_owned())
        .unwrap_or_default();
    (status, body)
}

#[derive(Clone)]
struct FnSvc<F>(F);
fn tower_service_fn<F>(f: F) -> FnSvc<F> {
    FnSvc(f)
}
impl<F> Service<http::Request<tempcred::tower::SigV4Body>> for FnSvc<F>
where
    F: Fn(http::Request<tempcred::tower::SigV4Body>) -> String + Clone + Send + 'static,
{
    type Response = http::Response<Full<Bytes>>;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self::Response, Self::Error>>;
    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn call(&mut self, req: http::Request<tempcred::tower::SigV4Body>) -> Self::Future {
        std::future::ready(Ok(http::Response::new(Full::new(Bytes::from((self.0)(
            req,
        ))))))
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn t_layer_revocation_and_neighbour() {
    let (ring, iss) = setup();
    let c = creds(&iss);
    let h = signed_headers(&c, "GET", "/obj", "", "svc.local", &[]);
    rt().block_on(async {
        let (st, body) = call_layer(Verifier::new(&ring), "/obj", &h, &[]).await;
        assert_eq!(st, 200, "{body}");
        let mut rv = RevokedSessions::default();
        rv.revoke_role_sessions(
            "111111111111".parse().unwrap(),
            tempcred::principal::RoleName::new("src").unwrap(),
            UnixTime::from_secs(T0 + 1),
        );
        let (st, body) = call_layer(
            Verifier::new(&ring).with_revoked_sessions(rv),
            "/obj",
            &h,
            &[],
        )
        .await;
        assert!(
            !body.starts_with("INNER"),
            "revoked session reached inner: {st} {body}"
        );
    });
}

#[test]
fn t_layer_host_path_query_headers() {
    let (ring, iss) = setup();
    let c = creds(&iss);
    rt().block_on(async {
        let v = || Verifier::new(&ring);
        let h = signed_headers(&c, "GET", "/obj", "", "tenant-a.local", &[]);
        // absolute-form with another authority
        let (st, body) = call_layer(v(), "http://tenant-b.local/obj", &h, &[]).await;
        assert!(
            !body.starts_with("INNER"),
            "absolute-form authority mismatch accepted: {st} {body}"
        );
        // same authority, different case / port spelling
        for alt in [
            "http://TENANT-A.local/obj",
            "http://tenant-a.local:80/obj",
            "http://user@tenant-a.local/obj",
        ] {
            let (st, body) = call_layer(v(), alt, &h, &[]).await;
            if body.starts_with("INNER") {
                // fine only if the inner service sees the signed host
                assert!(
                    !body.contains("uri=http://TENANT") && !body.contains("user@"),
                    "{alt}: {st} {body}"
                );
            }
        }
        // repeated Host
        let mut h2 = h.clone();
        h2.push(("host".into(), "tenant-b.local".into()));
        let (st, body) = call_layer(v(), "/obj", &h2, &[]).await;
        assert!(
            !body.starts_with("INNER"),
            "two Host headers accepted: {st} {body}"
        );
        // Host replaced with obs-text variant of a signed header
        let hx = signed_headers(
            &c,
            "GET",
            "/obj",
            "",
            "tenant-a.local",
            &[("x-amz-meta-a", "v")],
        );
        let mut hx2: Vec<(String, String)> = hx
            .iter()
            .filter(|(n, _)| n != "x-amz-meta-a")
            .cloned()
            .collect();
        hx2.retain(|(n, _)| n != "x-amz-meta-a");
        let (st, body) = call_layer(v(), "/obj", &hx2, &[("x-amz-meta-a", b"v\xff")]).await;
        assert!(
            !body.starts_with("INNER"),
            "obs-text signed header accepted: {st} {body}"
        );
        // neighbour
        let (st, body) = call_layer(v(), "/obj", &h, &[]).await;
        assert_eq!(st, 200, "{body}");
        // path normalisation
        let hp = signed_headers(&c, "GET", "/public/report", "", "tenant-a.local", &[]);
        for p in [
            "/admin/../public/report",
            "//public/report",
            "/public/./report",
            "/public//report",
        ] {
            let (st, body) = call_layer(v(), p, &hp, &[]).await;
            assert!(!body.starts_with("INNER"), "{p}: {st} {body}");
        }
        // query: %2B signed, + sent
        let hq = signed_headers(&c, "GET", "/obj", "q=a%2Bb", "tenant-a.local", &[]);
        let (st, body) = call_layer(v(), "/obj?q=a%2Bb", &hq, &[]).await;
        assert_eq!(st, 200, "{body}");
        let (st, body) = call_layer(v(), "/obj?q=a+b", &hq, &[]).await;
        assert!(
            !body.starts_with("INNER"),
            "`+` for signed %2B: {st} {body}"
        );
        // `%20` signed, `+` sent: same meaning for form decoders -> may pass
        // duplicates reordered
        let hd = signed_headers(&c, "GET", "/obj", "id=1&id=2", "tenant-a.local", &[]);
        let (st1, b1) = call_layer(v(), "/obj?id=1&id=2", &hd, &[]).await;
        let (st2, b2) = call_layer(v(), "/obj?id=2&id=1", &hd, &[]).await;
        assert!(
            !(b1.starts_with("INNER") && b2.starts_with("INNER")),
            "duplicate query keys reordered both accepted: {st1} {b1} / {st2} {b2}"
        );
    });
}

// ---------------- workload ----------------

struct Fixed(Credentials);
impl CredentialSource for Fixed {
    fn credentials(&self, _now: UnixTime) -> Result<Credentials, StsError> {
        Ok(self.0.clone())
    }
}

fn svc_creds(iss: &Issuer) -> Credentials {
    iss.assume_role_for_service_at(
        "ec2.amazonaws.com",
        &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/svc", "i-1")
            .duration_seconds(900)
            .build()
            .unwrap(),
        &CallEnv::at(UnixTime::from_secs(T0)),
    )
    .unwrap()
    .credentials
}

const CONTAINER_TOKEN: &str = "container-token-0123456789abcdef";

fn endpoint(c: Credentials) -> WorkloadEndpoint {
    WorkloadEndpoint::new(
        Arc::new(Fixed(c)),
        "arn:aws:iam::111111111111:role/svc",
        &SeededRandom::new(9),
    )
    .unwrap()
    .with_container("/creds", AuthorizationToken::new(CONTAINER_TOKEN).unwrap())
    .unwrap()
}

#[test]
fn wl_imds_and_container() {
    let (_ring, iss) = setup();
    let c = svc_creds(&iss);
    let ep = endpoint(c.clone());
    let now = UnixTime::from_secs(T0 + 10);
    let put = |ttl: &str, extra: &[(&str, &str)]| {
        let mut h = vec![("x-aws-ec2-metadata-token-ttl-seconds", ttl)];
        h.extend_from_slice(extra);
        ep.handle("PUT", "/latest/api/token", &h, now)
    };
    for bad in [
        "0",
        "21601",
        "-1",
        "+5",
        " 5",
        "5 ",
        "1e3",
        "",
        "99999999999999999999",
        "0x10",
    ] {
        assert_ne!(put(bad, &[]).status, 200, "ttl {bad:?}");
    }
    for xff in ["X-Forwarded-For", "x-forwarded-for", "X-FORWARDED-FOR"] {
        assert_eq!(put("60", &[(xff, "10.0.0.1")]).status, 403);
        assert_eq!(put("60", &[(xff, "")]).status, 403);
    }
    let ok = put("21600", &[]);
    assert_eq!(ok.status, 200);
    let tok = put("60", &[]).body.to_string();
    let get = |t: &str, at: u64, path: &str| {
        ep.handle(
            "GET",
            path,
            &[("x-aws-ec2-metadata-token", t)],
            UnixTime::from_secs(at),
        )
    };
    let p = "/latest/meta-data/iam/security-credentials/svc";
    assert_eq!(get(&tok, T0 + 10, p).status, 200);
    assert_eq!(get(&tok, T0 + 70, p).status, 401, "token past its TTL");
    let mut flipped = tok.clone().into_bytes();
    flipped[31] = if flipped[31] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        get(std::str::from_utf8(&flipped).unwrap(), T0 + 10, p).status,
        401
    );
    for path in [
        "/latest/meta-data/iam/security-credentials/svc/",
        "/latest/meta-data/iam/security-credentials/../security-credentials/svc",
        "/latest/meta-data/iam/security-credentials/SVC",
    ] {
        assert_ne!(get(&tok, T0 + 10, path).status, 200, "{path}");
    }
    // never serve expired credentials (svc creds expire at T0+900)
    let tok2 = ep
        .handle(
            "PUT",
            "/latest/api/token",
            &[("x-aws-ec2-metadata-token-ttl-seconds", "21600")],
            UnixTime::from_secs(T0 + 800),
        )
        .body
        .to_string();
    assert_ne!(
        get(&tok2, T0 + 900, p).status,
        200,
        "expired credentials served"
    );
    assert_ne!(
        get(&tok2, T0 + 5000, p).status,
        200,
        "expired credentials served"
    );
    // container
    let cget = |auth: Option<&str>, at: u64| {
        let h: Vec<(&str, &str)> = auth.map(|a| vec![("Authorization", a)]).unwrap_or_default();
        ep.handle("GET", "/creds", &h, UnixTime::from_secs(at))
            .status
    };
    assert_eq!(cget(Some(CONTAINER_TOKEN), T0 + 10), 200);
    for bad in [
        "",
        "container-token-0123456789abcde",
        "container-token-0123456789abcdef0",
        "CONTAINER-TOKEN-0123456789ABCDEF",
        "Bearer container-token-0123456789abcdef",
    ] {
        assert_eq!(cget(Some(bad), T0 + 10), 401, "{bad:?}");
    }
    assert_eq!(cget(None, T0 + 10), 401);
    assert_ne!(
        cget(Some(CONTAINER_TOKEN), T0 + 900),
        200,
        "expired credentials served by container endpoint"
    );
    // Debug / body never leak
    let dbg = format!(
        "{:?} {:?}",
        ep,
        ep.handle("GET", "/creds", &[("Authorization", CONTAINER_TOKEN)], now)
    );
    assert!(
        !dbg.contains(CONTAINER_TOKEN)
            && !dbg.contains(c.secret_access_key.expose_secret())
            && !dbg.contains(c.session_token.expose_secret()),
        "{dbg}"
    );
}

#[test]
fn wl_tower_service_xff_not_text_is_still_a_proxy() {
    let (_ring, iss) = setup();
    let ep = Arc::new(endpoint(svc_creds(&iss)));
    let mut svc =
        WorkloadService::new(ep, Arc::new(ManualClock::new(UnixTime::from_secs(T0 + 10))));
    let mut run = |xff: Option<&[u8]>| {
        let mut b = http::Request::builder()
            .method("PUT")
            .uri("/latest/api/token")
            .header("x-aws-ec2-metadata-token-ttl-seconds", "60");
        if let Some(v) = xff {
            b = b.header("x-forwarded-for", http::HeaderValue::from_bytes(v).unwrap());
        }
        let r: http::Request<Full<Bytes>> = b.body(Full::new(Bytes::new())).unwrap();
        rt().block_on(async {
            Service::<http::Request<Full<Bytes>>>::call(&mut svc, r)
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    };
    assert_eq!(run(None), 200);
    assert_eq!(run(Some(b"10.0.0.1")), 403);
    // A proxy appends the client IP to whatever X-Forwarded-For the attacker sent; a non-ASCII
    // byte there makes the header "not text".
    // Refused either way: the service answers 400 to any header value that is not text, before
    // it looks at which header it is.
    let status = run(Some(b"\xff, 10.0.0.1"));
    assert!(
        status == 400 || status == 403,
        "X-Forwarded-For with a non-visible-ASCII byte is ignored: IMDS token issued through a proxy ({status})"
    );
}
