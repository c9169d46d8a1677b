use crate::model::{FileDefinition, FileKind, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Fires when a database has more than one transaction log file: several
    /// files after `LOG ON` in CREATE DATABASE, or `ALTER DATABASE … ADD LOG
    /// FILE` (which adds to the log file the database already has).
    ///
    /// # Why it matters for the link
    /// A managed instance database has exactly one log file; the link cannot
    /// seed a database with several.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Sales] ADD LOG FILE (NAME = Sales_log2, FILENAME = 'L:\Sales_log2.ldf');
    /// ```
    ///
    /// # How to fix
    /// Empty and remove the extra log files (`DBCC SHRINKFILE (Sales_log2,
    /// EMPTYFILE)` after log backups, then `ALTER DATABASE [Sales] REMOVE FILE
    /// Sales_log2`) so one log file remains.
    pub struct MultipleLogFiles {
        id: "LR204",
        name: "multiple-log-files",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Files],
        aliases: ["MultipleLogFiles"],
        summary: "the database has more than one transaction log file",
    }
}

impl Rule for MultipleLogFiles {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            let logs: Vec<_> = facts
                .files
                .iter()
                .filter(|file| file.value.kind == FileKind::Log)
                .collect();
            // Count per definition: the catalog's list, or the largest CREATE
            // DATABASE; files added later join it (or the one log file a
            // database always has, when its creation is not in view).
            let mut groups: Vec<(&FileDefinition, Vec<_>)> = Vec::new();
            let mut added = Vec::new();
            for log in &logs {
                match &log.value.definition {
                    FileDefinition::Added => added.push(*log),
                    definition => match groups.iter_mut().find(|(d, _)| *d == definition) {
                        Some((_, files)) => files.push(*log),
                        None => groups.push((definition, vec![*log])),
                    },
                }
            }
            let base = groups
                .into_iter()
                .map(|(_, files)| files)
                .max_by_key(Vec::len);
            let existing = base.as_ref().map_or(1, Vec::len);
            let total = existing + added.len();
            let first_extra = match &base {
                Some(files) if files.len() > 1 => files.get(1).copied(),
                _ => added.first().copied(),
            };
            if total > 1
                && let Some(extra) = first_extra
            {
                let name = extra.value.logical_name.as_deref().unwrap_or("(unnamed)");
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(name.to_string()),
                    format!("{total} transaction log files (the extra one: {name}); the link needs exactly one"),
                    &extra.origin,
                );
            }
        });
    }
}
