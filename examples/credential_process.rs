//! A `credential_process` for the AWS CLI and SDKs: issues temporary credentials with the library
//! (no server) and prints them as the JSON document the AWS tools read.
//!
//! The demo directory's user alice assumes role `deploy` (external ID `demo-external-id`).
//! Credentials verify wherever the same key ring does, e.g. the example STS server started with
//! the same `--keys` file:
//!
//! ```sh
//! cargo run -q --example credential_process -- --init-keys demo-keys.txt   # once: a fresh key ring
//! cargo run --example sts_server -- --keys demo-keys.txt &
//! # ~/.aws/config
//! # [profile tempcred]
//! # credential_process = cargo run -q --manifest-path /path/to/tempcred/Cargo.toml --example credential_process -- --keys /path/to/demo-keys.txt
//! aws sts get-caller-identity --endpoint-url http://127.0.0.1:8080 --profile tempcred
//! ```
//!
//! Options: `--keys FILE` (a key-ring file; without it an ephemeral key is used and the
//! credentials verify nowhere else), `--init-keys FILE` (write a new key-ring file and exit),
//! `--role-arn ARN`, `--external-id ID`, `--duration SECONDS`.
#![allow(clippy::print_stdout, clippy::print_stderr)] // stdout is the protocol; notes go to stderr

use std::error::Error;
use std::io::Write;
use std::sync::Arc;
use tempcred::directory::{demo_directory_json, InMemoryDirectory};
use tempcred::keys::KeyId;
use tempcred::{AssumeRoleRequest, Issuer, KeyRing, SystemRandom};

struct Options {
    keys: Option<String>,
    init_keys: Option<String>,
    role_arn: String,
    external_id: String,
    duration: u32,
}

fn parse_args() -> Result<Options, Box<dyn Error>> {
    let mut options = Options {
        keys: None,
        init_keys: None,
        role_arn: "arn:aws:iam::222222222222:role/deploy".to_owned(),
        external_id: "demo-external-id".to_owned(),
        duration: 3600,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--keys" => options.keys = Some(value()?),
            "--init-keys" => options.init_keys = Some(value()?),
            "--role-arn" => options.role_arn = value()?,
            "--external-id" => options.external_id = value()?,
            "--duration" => options.duration = value()?.parse()?,
            other => return Err(format!(
                "unknown argument {other:?}; usage: credential_process [--keys FILE] [--init-keys FILE] \
                 [--role-arn ARN] [--external-id ID] [--duration SECONDS]"
            )
            .into()),
        }
    }
    Ok(options)
}

fn main() -> Result<(), Box<dyn Error>> {
    let options = parse_args()?;
    if let Some(path) = &options.init_keys {
        let ring = KeyRing::generate(KeyId::new("demo-1")?, &SystemRandom)?;
        // create_new: never overwrite an existing key ring.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        file.write_all(ring.to_text().as_bytes())?;
        eprintln!("wrote a new key ring to {path} (keep it secret)");
        return Ok(());
    }
    let ring = match &options.keys {
        Some(path) => KeyRing::from_text(&std::fs::read_to_string(path)?)?,
        None => {
            eprintln!("note: no --keys given: these credentials are signed with an ephemeral key and verify nowhere else");
            KeyRing::generate(KeyId::new("ephemeral")?, &SystemRandom)?
        }
    };
    let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json())?);
    let issuer = Issuer::builder(directory, ring).build();
    let alice = issuer
        .long_term_caller(&"AKIADEMOALICE0000001".parse()?)
        .ok_or("the demo directory has no alice")?;
    let request = AssumeRoleRequest::builder(&options.role_arn, "credential-process")
        .external_id(&options.external_id)
        .duration_seconds(options.duration)
        .build()?;
    let response = issuer.assume_role(&alice, &request)?;
    // {"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…}
    println!(
        "{}",
        *tempcred::wire::credential_process_json(&response.credentials)
    );
    Ok(())
}
