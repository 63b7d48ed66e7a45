//! An application that logs its own users in and hands them temporary credentials (issue 15).
//!
//! ```sh
//! cargo run --features tower --example app_login -- [--listen ADDR]
//! ```
//!
//! - `POST /login` (public) with a form `user=alice&password=…`: the application checks the
//!   password itself, then issues credentials for `role/reports-reader` as that user
//!   ([`Caller::authenticated_by_application`]), with the session tag `team` from its own user
//!   table. The answer is `credential_process` JSON, which any SigV4 client can sign with.
//! - `GET /reports/{team}/{id}` (signed, service `execute-api`): authenticated by
//!   [`SigV4Layer`] and authorized by it as `reports:Get` on
//!   `arn:aws:reports:::report/{team}/{id}`; the role's policy allows only
//!   `report/${aws:PrincipalTag/team}/*`, so each user reads their own team's reports.
//!
//! Demo users: `alice` / `alice-password` (team `payments`), `bob` / `bob-password` (team `hr`).
//! Prints `listening on http://ADDR`.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a server's console is its output

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tempcred::authorize::{Authorized, Authorizer};
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::keys::KeyId;
use tempcred::principal::UserName;
use tempcred::sigv4::{NoLongTermKeys, SigV4Config, SigV4Verifier};
use tempcred::tower::{ClientAddr, RequestedAction, SigV4Layer};
use tempcred::wire::credential_process_json;
use tempcred::{AssumeRoleRequest, Caller, Issuer, KeyRing, SystemRandom, Verifier};

const DIRECTORY: &str = r#"{
  "users": [
    { "arn": "arn:aws:iam::111111111111:user/app/alice" },
    { "arn": "arn:aws:iam::111111111111:user/app/bob" }
  ],
  "roles": [{
    "arn": "arn:aws:iam::111111111111:role/reports-reader",
    "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Principal": { "AWS": ["arn:aws:iam::111111111111:user/app/alice", "arn:aws:iam::111111111111:user/app/bob"] },
      "Action": ["sts:AssumeRole", "sts:TagSession"],
      "Condition": { "StringLike": { "aws:RequestTag/team": "?*" } } }] },
    "policies": [{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Action": "reports:Get",
      "Resource": "arn:aws:reports:::report/${aws:PrincipalTag/team}/*" }] }]
  }]
}"#;

const ROLE: &str = "arn:aws:iam::111111111111:role/reports-reader";

/// The application's own user table: a salted password hash and the user's team.
struct Account {
    salt: &'static str,
    password_sha256: [u8; 32],
    team: &'static str,
}

fn hash(salt: &str, password: &str) -> [u8; 32] {
    // A real application uses a password hash (argon2, scrypt); SHA-256 keeps the demo small.
    Sha256::digest(format!("{salt}:{password}")).into()
}

struct App {
    issuer: Issuer,
    directory: Arc<InMemoryDirectory>,
    accounts: HashMap<&'static str, Account>,
}

#[derive(serde::Deserialize)]
struct Login {
    user: String,
    password: String,
}

async fn login(State(app): State<Arc<App>>, Form(form): Form<Login>) -> Response {
    let refused = || (StatusCode::UNAUTHORIZED, "wrong user or password\n").into_response();
    let Some(account) = app.accounts.get(form.user.as_str()) else {
        return refused();
    };
    let given = hash(account.salt, &form.password);
    if !bool::from(given.ct_eq(&account.password_sha256)) {
        return refused();
    }
    // The application vouches for the user; the directory says who that user is.
    let Some(user) = UserName::new(&form.user)
        .ok()
        .and_then(|name| app.directory.user("111111111111".parse().ok()?, &name))
    else {
        return refused();
    };
    let caller = Caller::authenticated_by_application(&user);
    let request = AssumeRoleRequest::builder(ROLE, format!("web-{}", form.user))
        .tag("team", account.team)
        .build();
    let issued = request.and_then(|r| app.issuer.assume_role(&caller, &r));
    match issued {
        Ok(r) => (
            [("content-type", "application/json")],
            credential_process_json(&r.credentials).to_string(),
        )
            .into_response(),
        Err(e) => (
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::FORBIDDEN),
            format!("{}: {}\n", e.code_str(), e.message),
        )
            .into_response(),
    }
}

async fn report(
    Path((team, id)): Path<(String, String)>,
    Extension(proof): Extension<Authorized>,
) -> String {
    format!("report {id} of team {team} ({} allowed)\n", proof.action())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut listen = "127.0.0.1:8082".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            ("--listen", Some(addr)) => listen = addr,
            _ => {
                eprintln!("usage: app_login [--listen ADDR]");
                std::process::exit(2);
            }
        }
    }
    let directory = Arc::new(InMemoryDirectory::from_json(DIRECTORY)?);
    // One process here; a replica that only serves /reports needs the same ring and directory.
    let ring = KeyRing::generate(KeyId::new("app")?, &SystemRandom)?;
    let issuer = Issuer::builder(directory.clone(), ring.clone()).build();
    let mut accounts = HashMap::new();
    for (name, salt, password, team) in [
        ("alice", "s-alice", "alice-password", "payments"),
        ("bob", "s-bob", "bob-password", "hr"),
    ] {
        let password_sha256 = hash(salt, password);
        accounts.insert(
            name,
            Account {
                salt,
                password_sha256,
                team,
            },
        );
    }
    let app = Arc::new(App {
        issuer,
        directory: directory.clone(),
        accounts,
    });

    let verifier = SigV4Verifier::new(
        Verifier::new(&ring),
        NoLongTermKeys,
        SigV4Config::new("execute-api"),
    );
    let signed =
        SigV4Layer::new(verifier).authorize_with(Arc::new(Authorizer::new(directory)), |parts| {
            let rest = parts.uri.path().strip_prefix("/reports/")?;
            Some(RequestedAction {
                action: "reports:Get".into(),
                resource: format!("arn:aws:reports:::report/{rest}"),
            })
        });
    // Public and signed routes side by side: the layer wraps only the signed routes.
    let router = Router::new()
        .route("/reports/{team}/{id}", get(report))
        .route_layer(signed)
        .route("/login", post(login))
        .with_state(app)
        .layer(axum::middleware::from_fn(client_addr));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
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
