use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when `master` has no database master key
    /// (`sys.symmetric_keys`, `symmetric_key_id = 101`).
    ///
    /// # Why it matters for the link
    /// The certificate that authenticates the mirroring endpoint is protected
    /// by the master key: the link setup creates one if it is missing.
    ///
    /// # Example
    /// `SELECT COUNT(*) FROM master.sys.symmetric_keys WHERE symmetric_key_id = 101` returns 0.
    ///
    /// # How to fix
    /// `USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = '…';` with a
    /// strong password kept in your vault (the generated scripts prompt for it).
    pub struct NoMasterKey {
        id: "LR107",
        name: "no-master-key",
        severity: Prerequisite,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [MasterKey],
        aliases: [],
        summary: "master has no database master key",
    }
}

impl Rule for NoMasterKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        match instance.facts.master_key {
            Known::Known(false) => out.finding(
                &Self::META,
                instance,
                None,
                Some("master.sys.symmetric_keys".to_string()),
                "no database master key in master; create one before the endpoint certificate"
                    .to_string(),
                &instance_origin(instance, "master.sys.symmetric_keys"),
            ),
            Known::Known(true) => {}
            Known::Unknown(ref reason) => out.unknown(&Self::META, instance, None, reason.clone()),
        }
    }
}
