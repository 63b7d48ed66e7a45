//! The committed fuzz corpora as the replay tests read them: one place for the path, the reading
//! and the `refused_` naming convention.
#![allow(dead_code)] // each replay test uses the part it needs

use std::path::{Path, PathBuf};

/// `fuzz/corpus/<target>`.
pub(crate) fn dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

/// Every file of the corpus as (file name, contents), sorted by name so a failure repeats.
pub(crate) fn files(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir(target))
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Names corpus files for what they are, so the convention the replay tests check holds after
/// the fuzzer and `cargo fuzz cmin` have added files named by hash: refused inputs get the
/// `refused_` prefix, accepted ones lose it.
pub(crate) fn name_by_outcome(target: &str, accepted: impl Fn(&[u8]) -> bool) {
    let dir = dir(target);
    for (name, data) in files(target) {
        let renamed = match (accepted(&data), name.strip_prefix("refused_")) {
            (false, None) => format!("refused_{name}"),
            (true, Some(rest)) => rest.to_owned(),
            _ => continue,
        };
        std::fs::rename(dir.join(&name), dir.join(renamed)).unwrap();
    }
}
