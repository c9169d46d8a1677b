use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, Source};

crate::declare_rule! {
    /// # What it does
    /// Checks the database mirroring endpoint the link runs on: none at all
    /// (live), or one that is stopped, does not authenticate with a
    /// certificate, or does not encrypt with AES. In scripts, every
    /// `CREATE/ALTER ENDPOINT … FOR DATABASE_MIRRORING` (or `DATA_MIRRORING`,
    /// as SSMS scripts it) is checked; what a CREATE leaves unstated takes
    /// the documented defaults (STATE STOPPED, Windows authentication,
    /// ENCRYPTION REQUIRED: MicrosoftDocs/sql-docs
    /// docs/t-sql/statements/create-endpoint-transact-sql.md). An ALTER
    /// without a FOR clause counts only for an endpoint the same script
    /// created for mirroring.
    ///
    /// # Why it matters for the link
    /// The link's distributed availability group connects the two replicas
    /// through this endpoint, trusted by certificates and encrypted with AES;
    /// without it the link cannot be created.
    ///
    /// # Example
    /// ```sql
    /// CREATE ENDPOINT [Hadr_endpoint] STATE = STARTED AS TCP (LISTENER_PORT = 5022)
    ///     FOR DATABASE_MIRRORING (ROLE = ALL, AUTHENTICATION = WINDOWS NEGOTIATE,
    ///     ENCRYPTION = REQUIRED ALGORITHM RC4);
    /// ```
    ///
    /// # How to fix
    /// `ALTER ENDPOINT [Hadr_endpoint] STATE = STARTED FOR DATABASE_MIRRORING
    /// (AUTHENTICATION = WINDOWS NEGOTIATE CERTIFICATE [cert], ENCRYPTION =
    /// REQUIRED ALGORITHM AES)`; the generated link scripts do this.
    pub struct MirroringEndpoint {
        id: "LR108",
        name: "mirroring-endpoint",
        severity: Prerequisite,
        scope: Instance,
        sources: [Live, Inventory, Script],
        reads: [Endpoints],
        aliases: [],
        summary: "the database mirroring endpoint is missing, stopped, or lacks certificate or AES",
    }
}

impl Rule for MirroringEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let objects = &instance.facts.objects;
        if objects.mirroring_endpoints.is_empty() && instance.source != Source::Script {
            if objects.from_catalog {
                out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some("sys.database_mirroring_endpoints".to_string()),
                    "no database mirroring endpoint: create one with certificate authentication and AES".to_string(),
                    &crate::rule::instance_origin(instance, "sys.database_mirroring_endpoints"),
                );
            } else {
                out.unknown(
                    &Self::META,
                    instance,
                    None,
                    "sys.database_mirroring_endpoints not read",
                );
            }
        }
        for endpoint in &objects.mirroring_endpoints {
            let value = &endpoint.value;
            let mut problems = Vec::new();
            if let Some(state) = value
                .state
                .as_deref()
                .filter(|s| !s.eq_ignore_ascii_case("STARTED"))
            {
                problems.push(format!("is {}", state.to_ascii_lowercase()));
            }
            if value.certificate_authentication == Some(false) {
                problems.push("does not authenticate with a certificate".to_string());
            }
            if value
                .encryption
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case("DISABLED"))
            {
                problems.push("has encryption disabled".to_string());
            } else if value
                .algorithm
                .as_deref()
                .is_some_and(|a| !a.to_ascii_uppercase().contains("AES"))
            {
                problems.push("does not use AES".to_string());
            }
            if problems.is_empty() {
                continue;
            }
            out.finding(
                &Self::META,
                instance,
                None,
                Some(value.name.clone()),
                format!("mirroring endpoint {} {}", value.name, problems.join(", ")),
                &endpoint.origin,
            );
        }
    }
}
