use crate::finding::Severity;
use crate::model::{AssemblyPermission, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds CLR assemblies. Warning: an assembly created from a file path,
    /// or with `EXTERNAL_ACCESS` or `UNSAFE` permission. Info: any other
    /// user assembly (a SAFE one from a binary literal).
    ///
    /// # Why it matters for the link
    /// The managed instance cannot read a file path on your server, and what
    /// lets an assembly load under `clr strict security` (a signing
    /// certificate or asymmetric key login in master, `sys.trusted_assemblies`)
    /// is server-level: the link does not replicate it, so the assembly may
    /// fail to load after failover.
    ///
    /// # Example
    /// ```sql
    /// CREATE ASSEMBLY [Geo] FROM 'D:\clr\Geo.dll' WITH PERMISSION_SET = UNSAFE;
    /// ```
    ///
    /// # How to fix
    /// Create assemblies from binary literals (`FROM 0x4D5A…`), sign them and
    /// recreate the signing login or `sp_add_trusted_assembly` entry on the
    /// managed instance before failover.
    pub struct ClrAssembly {
        id: "LR304",
        name: "clr-assembly",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code, Objects],
        aliases: ["AssemblyFromFile", "ClrStrictSecurity"],
        summary: "a CLR assembly needs server-level trust or a file the managed instance cannot read",
    }
}

impl Rule for ClrAssembly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for assembly in &facts.assemblies {
                let name = &assembly.value.name;
                let (severity, message) = match (
                    &assembly.value.from_file,
                    assembly.value.permission,
                ) {
                    (Some(path), _) => (
                        Severity::Warning,
                        format!(
                            "assembly {name} is created from the file {path}, which the managed instance cannot read"
                        ),
                    ),
                    (None, AssemblyPermission::ExternalAccess | AssemblyPermission::Unsafe) => (
                        Severity::Warning,
                        format!(
                            "assembly {name} needs EXTERNAL_ACCESS or UNSAFE: recreate its server-level trust on the managed instance"
                        ),
                    ),
                    (None, AssemblyPermission::Safe) => (
                        Severity::Info,
                        format!(
                            "assembly {name}: recreate the trust that lets it load (signing login, trusted assembly) on the managed instance"
                        ),
                    ),
                };
                out.finding_with_severity(
                    &Self::META,
                    severity,
                    instance,
                    database,
                    Some(name.clone()),
                    message,
                    &assembly.origin,
                );
            }
        });
    }
}
