//! Scripts belong to servers: `[instances."SQL05"] scripts = ["SQL05"]` in
//! linkready.toml (or `--instance-scripts SQL05=PATH`) makes the scripts
//! under those paths an instance named SQL05; when SQL05 is also assessed
//! live or from an inventory, its scripts' facts join that instance (one
//! row, one verdict; each fact keeps its origin). Scripts no path claims
//! stay in the `scripts` pseudo-instance, as before.

use std::path::{Component, Path, PathBuf};

use linkready_rules::{FactSet, Instance, Source, glob_match};

use super::files::{ScannedFile, fill_script_instance};

/// The script paths of one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceScripts {
    /// The server, as `--server`/the inventory names it or as its
    /// `@@SERVERNAME`.
    pub instance: String,
    /// Absolute patterns, lexically normalised (`..` resolved): a pattern
    /// names a file or a folder (everything under it). In a component `*`
    /// is any run of characters and `?` one; a component `**` is any number
    /// of folders. Letters compare without case, as on Windows.
    pub patterns: Vec<PathBuf>,
}

impl InstanceScripts {
    /// `patterns` as written, relative to `base` (the config file's folder,
    /// or the working directory on the command line).
    pub fn new(instance: impl Into<String>, base: &Path, patterns: &[String]) -> Self {
        InstanceScripts {
            instance: instance.into(),
            patterns: patterns
                .iter()
                .map(|pattern| absolute(base, Path::new(pattern)))
                .collect(),
        }
    }
}

/// `path` made absolute against `base`, with `.` and `..` resolved by
/// the text alone (the paths compared are as found, not as resolved
/// through symbolic links).
pub fn absolute(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other.as_os_str()),
        }
    }
    normal
}

fn components(path: &Path) -> Vec<String> {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// Whether `pattern` matches `path` or one of the folders above it.
fn covers(pattern: &[String], path: &[String]) -> bool {
    match pattern.split_first() {
        None => true,
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| covers(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((head, tail)) => glob_match(first, head) && covers(rest, tail),
            None => false,
        },
    }
}

/// The instances the scanned files make: one per `assignments` entry that
/// some file falls under (in the order given), then the `scripts`
/// pseudo-instance (`unclaimed_name`) for the files no entry claims, if
/// any. A file under two entries' paths counts for both servers (a shared
/// folder deployed to each). File paths are taken against the working
/// directory, as they were found.
pub fn script_instances(
    files: &mut [ScannedFile],
    assignments: &[InstanceScripts],
    selected: &[String],
    unclaimed_name: &str,
) -> Vec<Instance> {
    let working_directory = std::env::current_dir().unwrap_or_default();
    let patterns: Vec<Vec<Vec<String>>> = assignments
        .iter()
        .map(|entry| {
            entry
                .patterns
                .iter()
                .map(|pattern| components(pattern))
                .collect()
        })
        .collect();
    let mut claimed: Vec<Vec<usize>> = vec![Vec::new(); assignments.len()];
    let mut unclaimed = Vec::new();
    let mut uses = vec![0usize; files.len()];
    for (index, file) in files.iter().enumerate() {
        // Most runs assign no scripts to a server: no path to take apart.
        if patterns.is_empty() {
            unclaimed.push(index);
            uses[index] = 1;
            continue;
        }
        let path = components(&absolute(&working_directory, Path::new(&file.path)));
        for (entry, entry_patterns) in patterns.iter().enumerate() {
            if entry_patterns.iter().any(|pattern| covers(pattern, &path)) {
                claimed[entry].push(index);
                uses[index] += 1;
            }
        }
        if uses[index] == 0 {
            unclaimed.push(index);
            uses[index] = 1;
        }
    }
    let mut instances = Vec::new();
    for (entry, indices) in assignments.iter().zip(&claimed) {
        if indices.is_empty() {
            continue;
        }
        let mut instance = Instance::new(&entry.instance, Source::Script);
        fill_script_instance(&mut instance, files, indices, &mut uses, selected);
        instances.push(instance);
    }
    if !unclaimed.is_empty() {
        let mut instance = Instance::new(unclaimed_name, Source::Script);
        fill_script_instance(&mut instance, files, &unclaimed, &mut uses, selected);
        instances.push(instance);
    }
    instances
}

/// Whether `instance` (live or from an inventory) is the server `name`
/// names: by its name or its `@@SERVERNAME`, without regard to case.
pub fn is_server(instance: &Instance, name: &str) -> bool {
    instance.name.eq_ignore_ascii_case(name)
        || instance
            .facts
            .server_name
            .as_known()
            .is_some_and(|server| server.eq_ignore_ascii_case(name))
}

/// Adds a script instance's facts to the server's own instance. A database
/// the server's catalog does not list (and its list was read) is not made
/// up: its scripts' facts count for the instance, unattributed.
pub fn merge_scripts_into(server: &mut Instance, scripts: Instance) {
    server.with_scripts = true;
    server.errors.extend(scripts.errors);
    server.facts.objects.extend(scripts.facts.objects);
    server.unattributed.extend(scripts.unattributed);
    let list_known = server.gap(FactSet::DatabaseList, None).is_none();
    for database in scripts.databases {
        if list_known && server.database(&database.name).is_none() {
            server.unattributed.extend(database.facts);
        } else {
            server
                .database_mut(&database.name)
                .facts
                .extend(database.facts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers_path(pattern: &str, path: &str) -> bool {
        covers(
            &components(&absolute(Path::new("/base"), Path::new(pattern))),
            &components(Path::new(path)),
        )
    }

    #[test]
    fn patterns_cover_files_and_folders() {
        assert!(covers_path("SQL05", "/base/SQL05/a.sql"));
        assert!(covers_path("SQL05", "/base/sql05/sub/a.sql"));
        assert!(covers_path("./x/../SQL05/a.sql", "/base/SQL05/a.sql"));
        assert!(!covers_path("SQL05", "/base/SQL050/a.sql"));
        assert!(!covers_path("SQL05", "/base/other/SQL05/a.sql"));
        assert!(covers_path("SQL0?", "/base/SQL07/a.sql"));
        assert!(covers_path("est/*/jobs", "/base/est/SQL05/jobs/j.sql"));
        assert!(!covers_path("est/*/jobs", "/base/est/a/b/jobs/j.sql"));
        assert!(covers_path("est/**/jobs", "/base/est/a/b/jobs/j.sql"));
        assert!(covers_path("est/**/*.sql", "/base/est/x.sql"));
        assert!(covers_path("/abs/SQL05", "/abs/SQL05/a.sql"));
    }
}
