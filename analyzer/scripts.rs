//! `linkready scripts`: assess the inputs, then write the link setup
//! scripts of every database that can be linked (issue 7).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use linkready_reports::setup::{LinkTarget, SetupOutput, link_setup};

use crate::cli::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, ScriptsArgs, check_inputs, report_input_errors, request,
};
use crate::config::{civil_from_days, today};

/// The first line of DIR/README.md: how a directory written by this
/// command is recognised before `--force` replaces it.
const INDEX_HEADING: &str = "# Link setup scripts for ";

/// The endpoint certificate's lifetime when linkready.toml sets none.
const DEFAULT_CERTIFICATE_DAYS: i64 = 5 * 365 + 1;

pub fn run(args: ScriptsArgs) -> Result<u8> {
    let (request, missing) = request(args.input)?;
    // Before any server is contacted: the target and the output directory.
    let target = LinkTarget::from_config(request.config.settings.target.as_ref())?;
    let replace = check_output_directory(&args.out, args.force)?;
    let mut options = request.config.scripts.clone();
    options.azsql_legacy = args.azsql_legacy;
    if options.certificate_expiry.is_empty() {
        options.certificate_expiry = civil_from_days(today() + DEFAULT_CERTIFICATE_DAYS);
    }
    let (estate, report) = crate::run_assessment(&request);
    check_inputs(&request, &estate, &report)?;
    let output = link_setup(&estate, &report.assessment, &target, &options)?;
    // Written beside DIR first, then moved into place: a run that fails
    // half-way leaves no half-written DIR (and an old one stays whole).
    let staging = staging_directory(&args.out);
    let _ = std::fs::remove_dir_all(&staging);
    if let Err(error) = write_output(&staging, &output) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    if replace {
        std::fs::remove_dir_all(&args.out)
            .with_context(|| format!("cannot replace {}", args.out.display()))?;
    } else if args.out.is_dir() {
        // An empty directory the user made for the scripts.
        let _ = std::fs::remove_dir(&args.out);
    }
    std::fs::rename(&staging, &args.out).with_context(|| {
        format!(
            "cannot move the scripts from {} to {}",
            staging.display(),
            args.out.display()
        )
    })?;
    print_summary(&args.out, &output);
    if report_input_errors(&report, &missing) {
        return Ok(EXIT_ERROR);
    }
    Ok(if output.skipped.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// Refuses a directory that holds anything but an earlier run's scripts;
/// returns whether it must be replaced.
fn check_output_directory(out: &Path, force: bool) -> Result<bool> {
    if !out.exists() {
        return Ok(false);
    }
    if !out.is_dir() {
        bail!("--out {}: not a directory", out.display());
    }
    let mut entries =
        std::fs::read_dir(out).with_context(|| format!("cannot read --out {}", out.display()))?;
    if entries.next().is_none() {
        return Ok(false);
    }
    let ours = std::fs::read_to_string(out.join("README.md"))
        .is_ok_and(|text| text.starts_with(INDEX_HEADING));
    match (ours, force) {
        (true, true) => Ok(true),
        (true, false) => bail!(
            "--out {} holds scripts from an earlier run: --force replaces them",
            out.display()
        ),
        (false, _) => bail!(
            "--out {} is not empty and was not written by linkready scripts; choose an empty or new directory",
            out.display()
        ),
    }
}

/// The directory the scripts are written to before they replace `out`:
/// beside it (same file system, so the move is a rename).
fn staging_directory(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "link-setup".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.linkready-{}", std::process::id()))
}

/// `out` joined with a bundle's path components.
fn under(out: &Path, parts: &[String]) -> PathBuf {
    parts
        .iter()
        .fold(out.to_path_buf(), |path, part| path.join(part))
}

fn write_output(out: &Path, output: &SetupOutput) -> Result<()> {
    for file in &output.files {
        let path = under(out, &file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, file.bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn print_summary(out: &Path, output: &SetupOutput) {
    use linkready_reports::terminal_text as safe;
    for bundle in &output.bundles {
        let folder = under(out, &bundle.folder).display().to_string();
        println!(
            "{} / {}: {} files in {}",
            safe(&bundle.instance),
            safe(&bundle.database),
            bundle.files,
            safe(&folder)
        );
    }
    for skipped in &output.skipped {
        println!(
            "{} / {}: no scripts ({}): {}",
            safe(&skipped.instance),
            safe(skipped.database.as_deref().unwrap_or("-")),
            skipped.verdict,
            safe(&skipped.reason)
        );
    }
    let index = out.join("README.md").display().to_string();
    println!(
        "{} database(s) with scripts, {} without; see {}",
        output.bundles.len(),
        output.skipped.len(),
        safe(&index)
    );
}
