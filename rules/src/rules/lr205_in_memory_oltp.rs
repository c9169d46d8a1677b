use crate::finding::Severity;
use crate::model::{FileKind, FilegroupKind, Instance, MemoryOptimizedKind};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};
use crate::settings::Tier;

crate::declare_rule! {
    /// # What it does
    /// Finds In-Memory OLTP: a `MEMORY_OPTIMIZED_DATA` filegroup, memory-optimized
    /// tables and table types (`MEMORY_OPTIMIZED = ON`) and natively compiled
    /// modules (`NATIVE_COMPILATION`). Reports separately when the filegroup has
    /// more than one container.
    ///
    /// # Why it matters for the link
    /// Only the Business Critical tier of Azure SQL Managed Instance supports
    /// In-Memory OLTP: toward General Purpose such a database cannot be linked.
    /// On any tier the link cannot seed a database with more than one
    /// memory-optimized container. Until the target tier is configured, this
    /// rule reports the General Purpose case.
    ///
    /// # Example
    /// ```sql
    /// ALTER DATABASE [Orders] ADD FILEGROUP [Orders_mod] CONTAINS MEMORY_OPTIMIZED_DATA;
    /// CREATE TABLE dbo.Cart (Id int PRIMARY KEY NONCLUSTERED) WITH (MEMORY_OPTIMIZED = ON);
    /// ```
    ///
    /// # How to fix
    /// Link to a Business Critical managed instance, or convert the
    /// memory-optimized tables and modules to disk-based ones before linking.
    /// Keep a single container in the memory-optimized filegroup.
    pub struct InMemoryOltp {
        id: "LR205",
        name: "in-memory-oltp",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Objects, Files],
        aliases: [],
        summary: "the database uses In-Memory OLTP, supported only toward Business Critical",
    }
}

const TIER_NOTE: &str =
    "blocker toward General Purpose, info toward Business Critical (target tier not configured)";

impl Rule for InMemoryOltp {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let (severity, note) = match out.target().and_then(|target| target.tier) {
            Some(Tier::BusinessCritical) => {
                (Severity::Info, "supported on the Business Critical target")
            }
            Some(Tier::GeneralPurpose) => (
                Severity::Blocker,
                "the General Purpose target does not support In-Memory OLTP",
            ),
            Some(Tier::NextGenGeneralPurpose) => (
                Severity::Blocker,
                "the Next-gen General Purpose target does not support In-Memory OLTP",
            ),
            None => (Severity::Blocker, TIER_NOTE),
        };
        for_each_database(instance, |database, facts| {
            for filegroup in &facts.filegroups {
                if filegroup.value.kind == FilegroupKind::MemoryOptimizedData {
                    out.finding_with_severity(
                        &Self::META,
                        severity,
                        instance,
                        database,
                        Some(filegroup.value.name.clone()),
                        format!(
                            "memory-optimized filegroup {}: {note}",
                            filegroup.value.name
                        ),
                        &filegroup.origin,
                    );
                }
            }
            for object in &facts.memory_optimized_objects {
                let kind = match object.value.kind {
                    MemoryOptimizedKind::Table => "memory-optimized table",
                    MemoryOptimizedKind::TableType => "memory-optimized table type",
                    MemoryOptimizedKind::NativelyCompiledModule => "natively compiled module",
                };
                out.finding_with_severity(
                    &Self::META,
                    severity,
                    instance,
                    database,
                    Some(object.value.name.clone()),
                    format!("{kind} {}: {note}", object.value.name),
                    &object.origin,
                );
            }
            let containers: Vec<_> = facts
                .files
                .iter()
                .filter(|file| {
                    facts.effective_file_kind(&file.value) == FileKind::MemoryOptimizedContainer
                })
                .collect();
            if let [_, second, ..] = containers.as_slice() {
                let name = second.value.logical_name.as_deref().unwrap_or("(unnamed)");
                out.finding_with_severity(
                    &Self::META,
                    Severity::Blocker,
                    instance,
                    database,
                    Some(name.to_string()),
                    format!(
                        "{} memory-optimized containers (the second: {name}); the link supports one on any tier",
                        containers.len()
                    ),
                    &second.origin,
                );
            }
        });
    }
}
