//! What the command-line tests share: running the built binary.

use std::path::Path;
use std::process::{Command, Output};

/// Runs linkready with `args` in `dir`.
pub fn linkready_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linkready"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the linkready binary runs")
}

/// Runs linkready with `args` from the repository root (paths such as
/// `fixtures/sample-estate` stay relative in its output).
#[allow(dead_code)] // not every test binary runs from the root
pub fn linkready(args: &[&str]) -> Output {
    linkready_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}
