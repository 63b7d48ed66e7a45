//! Attenuate your own temporary credentials offline, as a `credential_process` for the AWS CLI
//! and SDKs: reads a tempcred credential triple, appends caveats (a policy, a shorter lifetime)
//! with `Credentials::attenuate` (no issuer, no key ring, no network), and prints the narrower
//! triple as the JSON document the AWS tools read.
//!
//! ```text
//! attenuate [--from-json FILE|-] [--policy FILE]... [--duration SECONDS] [--not-after TIME]
//! ```
//!
//! - The parent credentials: by default `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//!   `AWS_SESSION_TOKEN` from the environment; with `--from-json`, a `credential_process`
//!   document (the output of `credential_process`, of another `attenuate`, or `-` for stdin).
//! - `--policy FILE`: an IAM policy (inline session policy rules, at most 2048 characters) that
//!   must also allow every request; repeat for several (each must allow).
//! - `--duration SECONDS`: stop working this many seconds from now, or when the parent does if
//!   that is sooner.
//! - `--not-after TIME`: stop working at this RFC 3339 instant (refused if later than the
//!   parent's expiry).
//!
//! A CI job limiting a child process to one prefix for ten minutes, with the AWS CLI and no code:
//!
//! ```sh
//! # ~/.aws/config
//! # [profile job-42]
//! # credential_process = /path/to/attenuate --from-json /run/ci/creds.json --policy /run/ci/job-42.json --duration 600
//! aws --profile job-42 s3 cp s3://builds/job-42/input.tar .   # allowed
//! aws --profile job-42 s3 rm s3://builds/job-41/output.tar    # AccessDenied
//! ```
//!
//! The printed credentials work wherever the parent's do (any tempcred verifier with the same key
//! ring), limited by every caveat; they may call STS `GetCallerIdentity` but nothing that issues
//! credentials. Nothing is printed but the JSON; errors go to stderr with a non-zero exit.
#![allow(clippy::print_stdout, clippy::print_stderr)] // stdout is the protocol; errors go to stderr

use std::error::Error;
use std::io::Read;
use tempcred::attenuate::Caveat;
use tempcred::{Clock, Credentials, SecretAccessKey, SessionToken, SystemClock, UnixTime};

const USAGE: &str = "usage: attenuate [--from-json FILE|-] [--policy FILE]... \
                     [--duration SECONDS] [--not-after RFC3339]";

#[derive(Default)]
struct Options {
    from_json: Option<String>,
    policies: Vec<String>,
    duration: Option<u64>,
    not_after: Option<String>,
}

fn parse_args() -> Result<Options, Box<dyn Error>> {
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--from-json" => options.from_json = Some(value()?),
            "--policy" => options.policies.push(value()?),
            "--duration" => options.duration = Some(value()?.parse()?),
            "--not-after" => options.not_after = Some(value()?),
            other => return Err(format!("unknown argument {other:?}; {USAGE}").into()),
        }
    }
    Ok(options)
}

/// The parent's three parts, from a `credential_process` document or the environment.
fn parent(options: &Options) -> Result<Credentials, Box<dyn Error>> {
    let (id, secret, token) = match &options.from_json {
        Some(path) => {
            let mut text = String::new();
            if path == "-" {
                std::io::stdin().read_to_string(&mut text)?;
            } else {
                text = std::fs::read_to_string(path)?;
            }
            let json: serde_json::Value = serde_json::from_str(&text)?;
            let field = |name: &str| -> Result<String, Box<dyn Error>> {
                Ok(json
                    .get(name)
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| format!("{path}: no {name}"))?
                    .to_owned())
            };
            (
                field("AccessKeyId")?,
                field("SecretAccessKey")?,
                field("SessionToken")?,
            )
        }
        None => {
            let var = |name: &str| {
                std::env::var(name).map_err(|_| format!("{name} is not set (or use --from-json)"))
            };
            (
                var("AWS_ACCESS_KEY_ID")?,
                var("AWS_SECRET_ACCESS_KEY")?,
                var("AWS_SESSION_TOKEN")?,
            )
        }
    };
    Ok(Credentials::from_parts(
        id.parse()?,
        SecretAccessKey::new(&secret)?,
        SessionToken::new(token)?,
    )?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let options = parse_args()?;
    let parent = parent(&options)?;
    let now = SystemClock.now();
    let mut caveats = Vec::new();
    for path in &options.policies {
        caveats.push(Caveat::policy(std::fs::read_to_string(path)?));
    }
    if let Some(secs) = options.duration {
        // "At most": a child never outlives its parent, so asking for longer is not an error.
        caveats.push(Caveat::NotAfter(
            now.saturating_add(secs).min(parent.expiration),
        ));
    }
    if let Some(text) = &options.not_after {
        let t = UnixTime::parse_iso8601(text).ok_or_else(|| format!("--not-after {text:?}"))?;
        caveats.push(Caveat::NotAfter(t));
    }
    if caveats.is_empty() {
        return Err(format!("nothing to attenuate with; {USAGE}").into());
    }
    let child = parent.attenuate(&caveats, now)?;
    // {"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…}
    println!("{}", *tempcred::wire::credential_process_json(&child));
    Ok(())
}
