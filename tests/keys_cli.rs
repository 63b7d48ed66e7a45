//! `tempcred-keys`, the key-ring tool a deployment uses without a checkout (issue 15), run as a
//! user runs it, through the rotation procedure of SECURITY.md: new, add, promote, retire.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use tempcred::hazmat::Seal;
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

/// The signing ring of `GetWebIdentityToken`, rotated as the outbound-federation procedure goes:
/// publish a new key, promote it, remove the old one once its last token expired.
#[cfg(feature = "oidc")]
#[test]
fn the_signing_ring_is_made_rotated_and_published_without_private_parts() {
    use tempcred::outbound::{SigningAlgorithm, SigningKeyRing};
    let d = scratch("signing");
    let file = d.0.join("signing.txt");
    let f = file.to_str().unwrap();
    let load = || SigningKeyRing::from_text(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let (ok, out, err) = tool(&["signing", "new", f]);
    assert!(ok, "{out}{err}");
    let ring = load();
    assert_eq!(ring.algorithms().count(), 2);
    let old_es = *ring.signing_key_id(SigningAlgorithm::Es384).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (ok, _, err) = tool(&["signing", "add", f, "ES384", "--key-id", "es-next"]);
    assert!(ok, "{err}");
    assert_eq!(
        load().signing_key_id(SigningAlgorithm::Es384),
        Some(&old_es)
    );
    let (ok, _, err) = tool(&["signing", "promote", f, "es-next"]);
    assert!(ok, "{err}");
    assert_eq!(
        load()
            .signing_key_id(SigningAlgorithm::Es384)
            .unwrap()
            .as_str(),
        "es-next"
    );
    // The replaced key is still published…
    let (ok, jwks, _) = tool(&["signing", "jwks", f]);
    assert!(ok);
    assert!(jwks.contains(old_es.as_str()) && jwks.contains("es-next"));
    assert!(!jwks.contains("\"d\""), "private parts published: {jwks}");
    // …until it is removed.
    let (ok, _, err) = tool(&["signing", "remove", f, old_es.as_str()]);
    assert!(ok, "{err}");
    let (_, jwks, _) = tool(&["signing", "jwks", f]);
    assert!(!jwks.contains(old_es.as_str()));
    let (ok, list, _) = tool(&["signing", "list", f]);
    assert!(ok && list.contains("es-next\tES384\tsign"), "{list}");
    assert!(!list.contains("MII"), "{list}");
    // Nonsense is refused with the usage.
    let (ok, _, err) = tool(&["signing", "add", f, "HS256"]);
    assert!(!ok && err.contains("RS256 or ES384"), "{err}");
}
