//! The list of every rule. A test checks it against the files in `rules/`.

use crate::rule::{Rule, RuleMeta};
use crate::rules::*;

/// Every rule, in ID order.
pub static RULES: &[&dyn Rule] = &[
    &UnsupportedVersion,
    &MissingServicingUpdate,
    &UnsupportedEdition,
    &UnsupportedHost,
    &HadrDisabled,
    &WsfcGrants2016,
    &NoMasterKey,
    &MirroringEndpoint,
    &EndpointCertificateExpiry,
    &RecommendedTraceFlags,
    &InsufficientPermissions,
    &CollationMismatch,
    &UpdatePolicy,
    &TargetCapacity,
    &ServerObjectsNotReplicated,
    &WindowsLogins,
    &UnsupportedTraceFlags,
    &ServerAuditFileTarget,
    &CryptographicProvider,
    &SystemDatabase,
    &Filestream,
    &Filetable,
    &MultipleLogFiles,
    &InMemoryOltp,
    &DatabaseState,
    &AvailabilityGroupMembership,
    &DatabaseSize,
    &StretchDatabase,
    &TdeCertificate,
    &RecoveryModelNotFull,
    &NoFullBackup,
    &LogBackupsDuringSeeding,
    &SeedingDuration,
    &CompatibilityLevel,
    &AcceleratedRecovery,
    &CrossDatabaseReference,
    &LinkedServerUse,
    &XpCmdshell,
    &ClrAssembly,
    &AgentJobSubsystem,
    &BackupToDisk,
    &BulkFileAccess,
    &OpenrowsetProvider,
    &DistributedTransaction,
    &ServiceBrokerRoute,
    &ReplicationCdcLogShipping,
    &SqlMail,
    &RemovedSystemProcedures,
    &LegacySyntax,
    &NextColumn,
    &UnsupportedServerOption,
    &EventFileTarget,
    &FixedDatabaseOption,
    &NetworkConnectivity,
    &MultipleDatabaseMode,
    &AlreadyLinked,
];

/// The rules `text` names: the one with that ID or name, else every rule
/// that Microsoft assessment ID stands for (FileStream is LR202 and LR203's);
/// any case.
pub fn find_rules(text: &str) -> Vec<&'static RuleMeta> {
    match find_rule(text) {
        Some(rule) => vec![rule],
        None => RULES
            .iter()
            .map(|rule| rule.meta())
            .filter(|rule| rule.aliases.iter().any(|a| a.eq_ignore_ascii_case(text)))
            .collect(),
    }
}

/// Looks a rule up by ID (`LR202`) or name (`filestream`), ignoring case.
pub fn find_rule(id_or_name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|rule| rule.meta()).find(|meta| {
        meta.id.eq_ignore_ascii_case(id_or_name) || meta.name.eq_ignore_ascii_case(id_or_name)
    })
}
