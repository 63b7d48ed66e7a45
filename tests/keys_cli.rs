//! `tempcred-keys`, the key-ring tool a deployment uses without a checkout (issue 15), run as a
//! user runs it, through the rotation procedure of SECURITY.md: new, add, promote, retire.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use tempcred::keys::KeyId;
use tempcred::KeyRing;

fn tool(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tempcred-keys"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Dir(PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Dir {
    let d = std::env::temp_dir().join(format!("tempcred-keys-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Dir(d)
}

fn ring(path: &PathBuf) -> KeyRing {
    KeyRing::from_text(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_new_ring_is_private_loadable_and_never_overwritten() {
    let d = scratch("new");
    let file = d.0.join("keys.txt");
    let f = file.to_str().unwrap();
    let (ok, out, _) = tool(&["new", f, "--key-id", "k1"]);
    assert!(ok, "{out}");
    assert_eq!(ring(&file).signing_key_id().as_str(), "k1");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let before = std::fs::read_to_string(&file).unwrap();
    let (ok, _, err) = tool(&["new", f]);
    assert!(!ok);
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    // `list` names keys and roles, never the material.
    let (ok, out, _) = tool(&["list", f]);
    assert!(ok);
    assert_eq!(out, "k1\tsign\n");
    let material = before.trim().rsplit(':').next().unwrap();
    assert!(!out.contains(material));
}

#[test]
fn the_rotation_procedure_runs_end_to_end() {
    use tempcred::token::{Claims, LongTermPrincipal, Operation, SessionPrincipal, TokenId};
    let d = scratch("rotate");
    let file = d.0.join("keys.txt");
    let f = file.to_str().unwrap();
    assert!(tool(&["new", f, "--key-id", "old"]).0);
    let claims = Claims {
        token_id: TokenId([1; 16]),
        issued_at: tempcred::UnixTime::from_secs(1_000),
        expires_at: tempcred::UnixTime::from_secs(4_600),
        operation: Operation::GetSessionToken,
        partition: tempcred::principal::Partition::default(),
        account: "111111111111".parse().unwrap(),
        principal: SessionPrincipal::LongTerm(LongTermPrincipal::Root),
        source_identity: None,
        mfa_authenticated_at: None,
        chain_depth: 0,
        tags: tempcred::SessionTags::new(),
        session_policy: None,
        policy_arns: Vec::new(),
    };
    let token = claims.seal(&ring(&file)).unwrap().session_token;
    let now = tempcred::UnixTime::from_secs(2_000);
    let verifies = |r: &KeyRing| {
        tempcred::Verifier::new(r)
            .verify(token.expose_secret(), now)
            .is_ok()
    };

    assert!(tool(&["add", f, "--key-id", "new"]).0);
    let r = ring(&file);
    assert_eq!(r.signing_key_id(), &KeyId::new("old").unwrap());
    assert!(verifies(&r));

    assert!(tool(&["promote", f, "new"]).0);
    let r = ring(&file);
    assert_eq!(r.signing_key_id(), &KeyId::new("new").unwrap());
    assert!(
        verifies(&r),
        "tokens of the old key verify until it retires"
    );

    assert!(tool(&["retire", f, "old"]).0);
    assert!(!verifies(&ring(&file)));
    assert_eq!(tool(&["list", f]).1, "new\tsign\n");

    // Mistakes are refused and leave the file as it was.
    let before = std::fs::read_to_string(&file).unwrap();
    assert!(
        !tool(&["retire", f, "new"]).0,
        "the signing key cannot retire"
    );
    assert!(!tool(&["promote", f, "missing"]).0);
    assert!(!tool(&["frobnicate", f]).0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}
