//! `tempcred-keys`: create and rotate key-ring files without a checkout of tempcred.
//!
//! ```sh
//! cargo install tempcred            # installs this binary
//! tempcred-keys new keys.txt        # a new ring with one signing key (file mode 0600)
//! tempcred-keys add keys.txt        # add a verify-only key (deploy to every verifier first)
//! tempcred-keys promote keys.txt ID # sign with ID; the old key verifies only
//! tempcred-keys retire keys.txt ID  # after the longest lifetime (36 h) plus the leeway
//! tempcred-keys list keys.txt       # key IDs and roles, never the material
//!
//! # GetWebIdentityToken's signing keys (feature `oidc`, on by default):
//! tempcred-keys signing new signing.txt           # an RS256 and an ES384 signing key
//! tempcred-keys signing add signing.txt ES384     # a verify-only key: published, not yet signing
//! tempcred-keys signing promote signing.txt ID    # sign with ID; the old key stays published
//! tempcred-keys signing remove signing.txt ID     # after its last token expired (1 h)
//! tempcred-keys signing list signing.txt          # IDs, algorithms and roles
//! tempcred-keys signing jwks signing.txt          # the public JWKS relying parties fetch
//! ```
//!
//! Key IDs default to the current UTC date and time (`2026-11-26T2312`); `--key-id ID` names one.
//! The library calls behind it are [`tempcred::KeyRing::generate`], `add`, `promote`, `retire`
//! and `to_text` / `from_text`: a program that keeps its keys in a secret store uses those.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command line tool's output

use std::error::Error;
use std::io::Write;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::{Clock, KeyRing, SystemClock, SystemRandom};

const USAGE: &str = "usage: tempcred-keys new FILE [--key-id ID]
       tempcred-keys add FILE [--key-id ID]
       tempcred-keys promote FILE KEY_ID
       tempcred-keys retire FILE KEY_ID
       tempcred-keys list FILE
       tempcred-keys signing new FILE [--key-id ID]
       tempcred-keys signing add FILE RS256|ES384 [--key-id ID]
       tempcred-keys signing promote FILE KEY_ID
       tempcred-keys signing remove FILE KEY_ID
       tempcred-keys signing list FILE
       tempcred-keys signing jwks FILE";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("tempcred-keys: {e}");
        std::process::exit(2);
    }
}

fn run(args: &[String]) -> Result<(), Box<dyn Error>> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let (key_id, rest) = match words.iter().position(|w| *w == "--key-id") {
        Some(i) => {
            let id = words.get(i + 1).ok_or("--key-id needs a value")?;
            let mut rest = words.clone();
            rest.drain(i..i + 2);
            (Some(KeyId::new(id)?), rest)
        }
        None => (None, words),
    };
    let new_id = || -> Result<KeyId, Box<dyn Error>> {
        match &key_id {
            Some(id) => Ok(*id),
            None => default_key_id(),
        }
    };
    match rest.as_slice() {
        ["new", file] => {
            let ring = KeyRing::generate(new_id()?, &SystemRandom)?;
            write_new(file, ring.to_text().as_str())?;
            println!("wrote {file}: signing key {}", ring.signing_key_id());
        }
        ["add", file] => {
            let mut ring = read(file)?;
            let id = new_id()?;
            ring.add(id, KeyMaterial::generate(&SystemRandom)?)?;
            replace(file, ring.to_text().as_str())?;
            println!("added verify-only key {id} to {file}: deploy it to every verifier, then promote it");
        }
        ["promote", file, id] => {
            let mut ring = read(file)?;
            ring.promote(&KeyId::new(id)?)?;
            replace(file, ring.to_text().as_str())?;
            println!("{file}: {id} signs now");
        }
        ["retire", file, id] => {
            let mut ring = read(file)?;
            ring.retire(&KeyId::new(id)?)?;
            replace(file, ring.to_text().as_str())?;
            println!("{file}: {id} retired; its tokens no longer verify");
        }
        ["list", file] => {
            let ring = read(file)?;
            for (i, id) in ring.key_ids().enumerate() {
                println!("{id}\t{}", if i == 0 { "sign" } else { "verify" });
            }
        }
        ["signing", rest @ ..] => signing(rest, &key_id)?,
        _ => return Err(USAGE.into()),
    }
    Ok(())
}

/// The `signing` subcommands: the RS256/ES384 ring of `GetWebIdentityToken`.
#[cfg(feature = "oidc")]
fn signing(words: &[&str], key_id: &Option<KeyId>) -> Result<(), Box<dyn Error>> {
    use tempcred::outbound::{SigningAlgorithm, SigningKeyRing, SigningKeyRole};
    let read = |file: &str| -> Result<SigningKeyRing, Box<dyn Error>> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        Ok(SigningKeyRing::from_text(&text).map_err(|e| format!("{file}: {e}"))?)
    };
    // Default IDs say the algorithm and the date: `es384-2026-11-27T0312`.
    let id_for = |alg: SigningAlgorithm| -> Result<KeyId, Box<dyn Error>> {
        match key_id {
            Some(id) => Ok(*id),
            None => Ok(KeyId::new(&format!(
                "{}-{}",
                alg.as_str().to_ascii_lowercase(),
                default_key_id()?
            ))?),
        }
    };
    match words {
        ["new", file] => {
            if key_id.is_some() {
                return Err("signing new makes two keys: --key-id cannot name both".into());
            }
            let mut ring = SigningKeyRing::new();
            for alg in SigningAlgorithm::ALL {
                ring.generate(id_for(alg)?, alg, SigningKeyRole::Sign, &SystemRandom)?;
            }
            write_new(file, ring.to_text().as_str())?;
            println!("wrote {file}: an RS256 and an ES384 signing key");
        }
        ["add", file, alg] => {
            let alg = SigningAlgorithm::from_name(alg).ok_or("the algorithm is RS256 or ES384")?;
            let mut ring = read(file)?;
            let id = id_for(alg)?;
            ring.generate(id, alg, SigningKeyRole::Verify, &SystemRandom)?;
            replace(file, ring.to_text().as_str())?;
            println!("added {alg} key {id} to {file}, published but not signing: promote it once relying parties have the new JWKS");
        }
        ["promote", file, id] => {
            let mut ring = read(file)?;
            ring.promote(&KeyId::new(id)?)?;
            replace(file, ring.to_text().as_str())?;
            println!("{file}: {id} signs now; the key it replaces stays published");
        }
        ["remove", file, id] => {
            let mut ring = read(file)?;
            ring.remove(&KeyId::new(id)?)?;
            replace(file, ring.to_text().as_str())?;
            println!("{file}: {id} removed; tokens it signed no longer verify");
        }
        ["list", file] => {
            for (id, alg, role) in read(file)?.keys() {
                println!("{id}\t{alg}\t{}", role.as_str());
            }
        }
        ["jwks", file] => println!("{}", read(file)?.jwks_json()),
        _ => return Err(USAGE.into()),
    }
    Ok(())
}

#[cfg(not(feature = "oidc"))]
fn signing(_: &[&str], _: &Option<KeyId>) -> Result<(), Box<dyn Error>> {
    Err("signing keys need tempcred's `oidc` feature".into())
}

/// `YYYY-MM-DDTHHMM` in UTC: sortable, and unique enough for keys made by hand.
fn default_key_id() -> Result<KeyId, Box<dyn Error>> {
    let now = SystemClock
        .now()
        .to_rfc3339()
        .ok_or("the clock is out of range")?;
    let id: String = now
        .get(..16)
        .ok_or("the clock is out of range")?
        .chars()
        .filter(|c| *c != ':')
        .collect();
    Ok(KeyId::new(&id)?)
}

fn read(file: &str) -> Result<KeyRing, Box<dyn Error>> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    Ok(KeyRing::from_text(&text).map_err(|e| format!("{file}: {e}"))?)
}

/// Writes a file that must not exist yet, readable by its owner only.
fn write_new(file: &str, text: &str) -> Result<(), Box<dyn Error>> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(file).map_err(|e| format!("{file}: {e}"))?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    Ok(())
}

/// Replaces a key-ring file through a new file beside it, so a crash leaves the old one whole.
fn replace(file: &str, text: &str) -> Result<(), Box<dyn Error>> {
    let tmp = format!("{file}.new");
    let _ = std::fs::remove_file(&tmp);
    write_new(&tmp, text)?;
    std::fs::rename(&tmp, file).map_err(|e| format!("{file}: {e}"))?;
    Ok(())
}
