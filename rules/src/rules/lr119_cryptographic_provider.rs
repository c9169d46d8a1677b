use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Finds extensible key management (EKM) cryptographic providers
    /// (`CREATE CRYPTOGRAPHIC PROVIDER`).
    ///
    /// # Why it matters for the link
    /// The managed instance does not load EKM provider DLLs: keys protected
    /// by a hardware module or another EKM provider are not available after
    /// failover, and data encrypted with them cannot be read.
    ///
    /// # Example
    /// ```sql
    /// CREATE CRYPTOGRAPHIC PROVIDER [HsmProvider] FROM FILE = N'C:\hsm\ekm.dll';
    /// ```
    ///
    /// # How to fix
    /// Move the keys to Azure Key Vault (TDE with customer-managed keys on the
    /// managed instance) or re-encrypt with keys the managed instance holds.
    pub struct CryptographicProvider {
        id: "LR119",
        name: "cryptographic-provider",
        severity: Warning,
        scope: Instance,
        sources: [Live, Inventory, Script],
        reads: [CryptographicProviders],
        aliases: ["CryptographicProvider"],
        summary: "an EKM cryptographic provider is not available on the managed instance",
    }
}

impl Rule for CryptographicProvider {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for provider in &instance.facts.objects.cryptographic_providers {
            out.finding(
                &Self::META,
                instance,
                None,
                Some(provider.value.clone()),
                format!(
                    "cryptographic provider {} (EKM) is not available on the managed instance",
                    provider.value
                ),
                &provider.origin,
            );
        }
    }
}
