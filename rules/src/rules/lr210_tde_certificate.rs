use crate::model::{DatabaseSetting, Instance};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds transparent data encryption: `ALTER DATABASE … SET ENCRYPTION ON`,
    /// or a database encryption key protected by a server certificate.
    ///
    /// # Why it matters for the link
    /// The managed instance must be able to decrypt what the link sends it:
    /// seeding a TDE database fails until the certificate that protects its
    /// encryption key has been migrated to the managed instance.
    ///
    /// # Example
    /// ```sql
    /// USE [Payroll];
    /// CREATE DATABASE ENCRYPTION KEY WITH ALGORITHM = AES_256
    ///     ENCRYPTION BY SERVER CERTIFICATE [TDE_Cert];
    /// ALTER DATABASE [Payroll] SET ENCRYPTION ON;
    /// ```
    ///
    /// # How to fix
    /// Export the certificate with its private key (`BACKUP CERTIFICATE …
    /// WITH PRIVATE KEY`), convert it to a .pfx and upload it to the managed
    /// instance (`Add-AzSqlManagedInstanceTransparentDataEncryptionCertificate`)
    /// before you create the link.
    pub struct TdeCertificate {
        id: "LR210",
        name: "tde-certificate",
        severity: Prerequisite,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [DatabaseList, EncryptionKeys],
        aliases: [],
        summary: "TDE is on: migrate its certificate to the managed instance before seeding",
    }
}

impl Rule for TdeCertificate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            // The key names the certificate to migrate; the setting alone
            // is reported only when no key is known.
            for setting in facts
                .settings
                .iter()
                .filter(|_| facts.encryption_keys.is_empty())
            {
                if setting.value == DatabaseSetting::Encryption(true) {
                    out.finding(
                        &Self::META,
                        instance,
                        database,
                        Some("ENCRYPTION".to_string()),
                        "transparent data encryption is on; migrate the protecting certificate to the managed instance first".to_string(),
                        &setting.origin,
                    );
                }
            }
            for key in &facts.encryption_keys {
                let message = match &key.value.certificate {
                    Some(certificate) => format!(
                        "database encryption key protected by server certificate {certificate}; migrate it to the managed instance first"
                    ),
                    None => "database encryption key; migrate its protector to the managed instance first".to_string(),
                };
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    key.value.certificate.clone(),
                    message,
                    &key.origin,
                );
            }
        });
    }
}
