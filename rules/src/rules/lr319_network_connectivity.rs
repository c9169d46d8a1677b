use crate::model::{Instance, Origin};
use crate::rule::{Outcomes, Rule, RuleMeta};
use crate::settings::NetworkDirection;

crate::declare_rule! {
    /// # What it does
    /// Reads the results of the network test kit that `linkready scripts`
    /// writes for every instance (`_instance/00-network-*.sql`, the two-sided
    /// test of Microsoft's preparation page) given with `linkready scan
    /// --network-results FILE`: a direction or port that failed is a
    /// blocker naming both; without results, or without one direction, it
    /// says what to run (a note, never a pass).
    ///
    /// # Why it matters for the link
    /// No catalog view shows a firewall. Blocked ports are the most
    /// reported cause of a link that never starts: error 41962 (replication
    /// did not start within the allowed minutes) and 41986 (the managed
    /// instance could not reach SQL Server). The link needs TCP 5022 and
    /// 11000-11999 from SQL Server to the managed instance's subnet, and 5022
    /// back to SQL Server's endpoint (MicrosoftDocs/sql-docs
    /// `azure-sql/managed-instance/managed-instance-link-preparation.md`,
    /// "Network ports between the environments").
    ///
    /// # Example
    /// `network-test|SQL01|managed-instance-to-sql-server|5022|False|10.0.4.15|2026-12-07T09:00:00`:
    /// the managed instance cannot open SQL Server's endpoint.
    ///
    /// # How to fix
    /// Open the port in the direction named: the managed instance subnet's
    /// network security group (inbound 5022 and 11000-11999 from SQL
    /// Server, outbound 5022 to it) and every firewall on SQL Server's side,
    /// the host's included (inbound 5022 from the subnet, outbound 5022 and
    /// 11000-11999 to it); then run the kit again.
    pub struct NetworkConnectivity {
        id: "LR319",
        name: "network-connectivity",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [],
        aliases: [],
        summary: "the network test kit found a port closed between SQL Server and the managed instance",
    }
}

impl Rule for NetworkConnectivity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Some(tests) = out.settings.network_tests.as_ref() else {
            out.needs_results(
                &Self::META,
                instance,
                "network not tested: run the kit in the scripts' _instance folder (00-network-*.sql) and give its output with --network-results",
            );
            return;
        };
        // Owned: the findings below borrow the outcomes mutably.
        let mine: Vec<_> = tests
            .iter()
            .filter(|test| test.instance.eq_ignore_ascii_case(&instance.name))
            .cloned()
            .collect();
        for test in mine.iter().filter(|test| !test.succeeded) {
            out.finding(
                &Self::META,
                instance,
                None,
                Some(format!(
                    "network test: {} port {}",
                    test.direction.as_str(),
                    test.port
                )),
                format!(
                    "port {} {} ({}) is closed (tested {})",
                    test.port,
                    test.direction.describe(),
                    test.address,
                    test.checked_at
                ),
                &Origin::Selection {
                    source: instance.source,
                    argument: format!("--network-results {}", test.place),
                },
            );
        }
        for direction in NetworkDirection::ALL {
            if !mine.iter().any(|test| test.direction == direction) {
                out.needs_results(
                    &Self::META,
                    instance,
                    format!(
                        "no network test result {} in --network-results: run that side of the kit",
                        direction.describe()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Source;
    use crate::settings::{NetworkTest, Settings};

    fn run(tests: Option<Vec<NetworkTest>>) -> Outcomes {
        let instance = Instance::new("SQL01", Source::Live);
        let mut out = Outcomes::with_settings(Settings {
            network_tests: tests,
            ..Settings::default()
        });
        NetworkConnectivity.check(&instance, &mut out);
        out
    }

    fn test(direction: NetworkDirection, port: u16, succeeded: bool) -> NetworkTest {
        NetworkTest {
            instance: "sql01".to_string(),
            direction,
            port,
            succeeded,
            address: "10.0.4.15".to_string(),
            checked_at: "2026-12-07T09:00:00".to_string(),
            place: "results.txt:1".to_string(),
        }
    }

    #[test]
    fn a_closed_port_is_a_blocker_and_no_result_is_a_note() {
        let out = run(None);
        assert!(out.findings.is_empty());
        assert_eq!(out.unknowns.len(), 1);
        assert_eq!(
            out.unknowns[0].needs,
            Some(crate::finding::Needs::NetworkResults)
        );

        let out = run(Some(vec![
            test(NetworkDirection::SqlServerToManagedInstance, 5022, true),
            test(NetworkDirection::SqlServerToManagedInstance, 11002, false),
            test(NetworkDirection::ManagedInstanceToSqlServer, 5022, true),
        ]));
        assert_eq!(out.findings.len(), 1);
        assert!(
            out.findings[0]
                .message
                .starts_with("port 11002 from SQL Server to the managed instance")
        );
        assert!(out.unknowns.is_empty());

        // One direction only: the other is still to be run.
        let out = run(Some(vec![test(
            NetworkDirection::ManagedInstanceToSqlServer,
            5022,
            true,
        )]));
        assert!(out.findings.is_empty());
        assert_eq!(out.unknowns.len(), 1);
        assert!(
            out.unknowns[0]
                .reason
                .contains("from SQL Server to the managed instance")
        );
    }
}
