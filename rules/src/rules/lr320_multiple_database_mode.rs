use crate::model::{Instance, ProductVersion};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// When linkready.toml chooses the multiple-database link mode
    /// (`[scripts] link_mode = "multiple-database"`, preview), checks what
    /// that mode needs of the instance: SQL Server 2022 CU27 or 2025 CU9 and
    /// later, Enterprise or Developer edition, and no link (distributed
    /// availability group) already on it. Without that choice it says
    /// nothing.
    ///
    /// # Why it matters for the link
    /// One link then carries every database of an availability group. The
    /// mode exists only from those cumulative updates (`sys.sp_multidb_milink`
    /// is missing before them), Standard edition's basic availability groups
    /// hold one database, and single-database and multiple-database links
    /// never coexist on one instance: existing links must be removed first
    /// (MicrosoftDocs/sql-docs
    /// `azure-sql/managed-instance/managed-instance-link-extend-availability-group.md`,
    /// 2026-09-28: Supportability, Prerequisites, Limitations).
    ///
    /// # Example
    /// SQL Server 2022 CU20 (16.0.4185.3), or an instance with a distributed
    /// availability group toward `mi-prod.….database.windows.net`.
    ///
    /// # How to fix
    /// Install SQL Server 2022 CU27 or 2025 CU9 (or later) on every replica,
    /// remove the existing links, or keep the single-database mode.
    pub struct MultipleDatabaseMode {
        id: "LR320",
        name: "multiple-database-mode",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties, AvailabilityGroups],
        aliases: [],
        summary: "the multiple-database link mode (preview) needs a newer build, Enterprise or Developer, and no single-database link",
    }
}

/// SQL Server 2022 CU27: 16.0.4295.3. Microsoft's build list
/// (MicrosoftDocs/SupportArticles-docs
/// `support/sql/releases/sqlserver-2022/build-versions.md`) stored here
/// stops at CU11; the build is what servers at CU27 report
/// (`SERVERPROPERTY('ProductUpdateLevel')` = CU27 with ProductVersion
/// 16.0.4295.3, seen in several independent projects' logs).
const SQL2022_CU27: ProductVersion = ProductVersion::new(16, 0, 4295, 3);
/// SQL Server 2025 CU4, 17.0.4035.5 (the same list for 2025, 2026-04-16):
/// the newest build known here, below CU9. Builds above it may or may not
/// be CU9: the rule says so instead of guessing.
const SQL2025_CU4: ProductVersion = ProductVersion::new(17, 0, 4035, 5);

impl Rule for MultipleDatabaseMode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        if !out.settings.multiple_database {
            return;
        }
        let origin = instance_origin(instance, "SERVERPROPERTY('ProductVersion')");
        if let Some(version) = out.known(&Self::META, instance, &instance.facts.version) {
            let version = *version;
            match version.major {
                ..=15 => out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some("SERVERPROPERTY('ProductVersion')".to_string()),
                    format!("build {version}: the multiple-database link mode needs SQL Server 2022 CU27 or 2025 CU9 and later"),
                    &origin,
                ),
                16 if version < SQL2022_CU27 => out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some("SERVERPROPERTY('ProductVersion')".to_string()),
                    format!("build {version} is below {SQL2022_CU27} (SQL Server 2022 CU27), which the multiple-database link mode needs"),
                    &origin,
                ),
                17 if version <= SQL2025_CU4 => out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some("SERVERPROPERTY('ProductVersion')".to_string()),
                    format!("build {version} is below SQL Server 2025 CU9, which the multiple-database link mode needs"),
                    &origin,
                ),
                17 => out.unknown(
                    &Self::META,
                    instance,
                    None,
                    format!("build {version}: whether it is SQL Server 2025 CU9 or later is not known here; SERVERPROPERTY('ProductUpdateLevel') says (CU9 or later is needed)"),
                ),
                _ => {}
            }
        }
        if let Some(edition) = out.known(&Self::META, instance, &instance.facts.edition) {
            // Enterprise (core-based or not), Developer, and 2025's
            // Enterprise Developer; not Evaluation, not Standard (nor 2025's
            // Standard Developer, which has Standard's availability groups).
            let lower = edition.to_ascii_lowercase();
            let allowed = (lower.starts_with("enterprise") && !lower.contains("evaluation"))
                || lower.starts_with("developer");
            if !allowed {
                let edition = edition.clone();
                out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some("SERVERPROPERTY('Edition')".to_string()),
                    format!("{edition}: the multiple-database link mode needs Enterprise or Developer (basic availability groups hold one database)"),
                    &instance_origin(instance, "SERVERPROPERTY('Edition')"),
                );
            }
        }
        let mut links: Vec<String> = Vec::new();
        for database in &instance.databases {
            if let Some(membership) = &database.facts.availability_group
                && membership.value.distributed
                && !links.contains(&membership.value.group)
            {
                links.push(membership.value.group.clone());
            }
        }
        if !links.is_empty() {
            out.finding(
                &Self::META,
                instance,
                None,
                Some("sys.availability_groups.is_distributed".to_string()),
                format!(
                    "distributed availability group {} exists: single-database links must be removed before the multiple-database mode is turned on (the two never coexist on one instance)",
                    links.join(", ")
                ),
                &instance_origin(instance, "sys.availability_groups"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AvailabilityGroupMembership, Database, Fact, Known, Origin};
    use crate::rule::Source;
    use crate::settings::Settings;

    fn run(version: &str, edition: &str, distributed: bool, chosen: bool) -> Outcomes {
        let mut instance = Instance::new("SQL01", Source::Inventory);
        instance.facts.version = Known::Known(ProductVersion::parse(version).unwrap());
        instance.facts.edition = Known::Known(edition.to_string());
        let mut database = Database::new("Sales");
        database.facts.availability_group = Some(Fact::new(
            AvailabilityGroupMembership {
                group: "sales-link".to_string(),
                databases_in_group: 1,
                distributed,
                contained: false,
                replicas: Some(2),
            },
            Origin::catalog(
                Source::Inventory,
                "SQL01",
                Some("Sales".to_string()),
                "sys.availability_groups",
            ),
        ));
        instance.databases.push(database);
        let mut out = Outcomes::with_settings(Settings {
            multiple_database: chosen,
            ..Settings::default()
        });
        MultipleDatabaseMode.check(&instance, &mut out);
        out
    }

    #[test]
    fn the_mode_s_needs_are_checked_only_when_it_is_chosen() {
        let enterprise = "Enterprise Edition: Core-based Licensing (64-bit)";
        assert!(
            run("16.0.4185.3", "Express Edition", true, false)
                .findings
                .is_empty()
        );
        assert!(
            run("16.0.4295.3", enterprise, false, true)
                .findings
                .is_empty()
        );
        assert!(
            run("16.0.4295.3", "Developer Edition (64-bit)", false, true)
                .findings
                .is_empty()
        );
        let old = run("16.0.4285.2", enterprise, false, true);
        assert_eq!(old.findings.len(), 1);
        assert!(old.findings[0].message.contains("below 16.0.4295.3"));
        let standard = run("16.0.4295.3", "Standard Edition (64-bit)", false, true);
        assert!(
            standard.findings[0]
                .message
                .contains("Enterprise or Developer")
        );
        let linked = run("16.0.4295.3", enterprise, true, true);
        assert!(linked.findings[0].message.contains("sales-link"));
        // 2025: CU4 is below CU9; a later build cannot be told from here.
        assert_eq!(
            run("17.0.4035.5", enterprise, false, true).findings.len(),
            1
        );
        let later = run("17.0.4100.1", enterprise, false, true);
        assert!(later.findings.is_empty());
        assert_eq!(later.unknowns.len(), 1);
        assert!(!later.unknowns[0].needs_target, "an unknown, not a note");
    }
}
