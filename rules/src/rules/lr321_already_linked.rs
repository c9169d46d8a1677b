use crate::model::{Instance, Known, Origin};
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Fires for a database that a link already replicates: a distributed
    /// availability group on the instance whose other member is a managed
    /// instance (its listener URL on `*.database.windows.net`, or with the
    /// `;Server=[…]` part a managed instance's listener URL has) holds it.
    /// An inventory written before linkready read the links still passes
    /// it for a server whose databases are in no availability group: a
    /// linked database always is.
    ///
    /// # Why it matters for the link
    /// There is nothing to set up: the link's setup scripts would create an
    /// availability group and a distributed one that already exist. What
    /// matters now is the link's health, which `linkready status` reports.
    ///
    /// # Example
    /// `Orders` is replicated to `mi-prod` by the distributed availability
    /// group `DAG_Orders`.
    ///
    /// # How to fix
    /// Nothing to fix for the setup: run `linkready status` for the link's
    /// state, and the failover or removal scripts when the time comes. To
    /// link it again from scratch, remove the link first.
    pub struct AlreadyLinked {
        id: "LR321",
        name: "already-linked",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory],
        reads: [Links],
        aliases: [],
        summary: "the database is already linked to a managed instance: nothing to set up, see linkready status",
    }
}

impl Rule for AlreadyLinked {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Some(links) = out.known(&Self::META, instance, &instance.facts.links) else {
            return;
        };
        for link in links.iter().filter(|link| link.is_managed_instance_link()) {
            let partner = link
                .partner_member()
                .map_or_else(|| "a managed instance".to_string(), |m| m.name.clone());
            let databases: Vec<&str> = match &link.databases {
                Known::Known(rows) => rows.iter().map(|row| row.database.as_str()).collect(),
                Known::Unknown(reason) => {
                    out.unknown(
                        &Self::META,
                        instance,
                        None,
                        format!(
                            "link {} exists, but which databases it replicates was not read: {reason}",
                            link.name
                        ),
                    );
                    continue;
                }
            };
            let mut seen: Vec<&str> = Vec::new();
            for database in databases {
                if seen.iter().any(|d| d.eq_ignore_ascii_case(database)) {
                    continue;
                }
                seen.push(database);
                let origin = Origin::catalog(
                    instance.source,
                    instance.name.clone(),
                    Some(database.to_string()),
                    format!("sys.availability_groups: {}", link.name),
                );
                out.finding(
                    &Self::META,
                    instance,
                    Some(database),
                    Some(link.name.clone()),
                    format!(
                        "already linked to {partner} by distributed availability group {}: nothing to set up; linkready status shows its health",
                        link.name
                    ),
                    &origin,
                );
            }
        }
    }
}
