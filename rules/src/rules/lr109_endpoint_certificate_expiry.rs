use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Fires when a certificate that authenticates the database mirroring
    /// endpoint expires within 90 days (`[rules.LR109] expiry_days` in
    /// linkready.toml), or has expired.
    ///
    /// # Why it matters for the link
    /// When the endpoint certificate expires, the replicas stop trusting each
    /// other and the link silently stops replicating.
    ///
    /// # Example
    /// `Cert_SQL01_endpoint` expires in 21 days.
    ///
    /// # How to fix
    /// Create a new certificate, exchange it with the managed instance
    /// (`New-AzSqlInstanceServerTrustCertificate`) and switch the endpoint to
    /// it before the old one expires.
    pub struct EndpointCertificateExpiry {
        id: "LR109",
        name: "endpoint-certificate-expiry",
        severity: Warning,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [Endpoints],
        aliases: [],
        summary: "the mirroring endpoint's certificate expires soon or has expired",
    }
}

impl Rule for EndpointCertificateExpiry {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for endpoint in &instance.facts.objects.mirroring_endpoints {
            let (Some(certificate), Some(days)) = (
                &endpoint.value.certificate,
                endpoint.value.certificate_days_left,
            ) else {
                continue;
            };
            let message = if days < 0 {
                format!(
                    "endpoint certificate {certificate} expired {} days ago",
                    -days
                )
            } else if days <= out.settings.certificate_expiry_days {
                format!("endpoint certificate {certificate} expires in {days} days")
            } else {
                continue;
            };
            out.finding(
                &Self::META,
                instance,
                None,
                Some(certificate.clone()),
                message,
                &endpoint.origin,
            );
        }
    }
}
