use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Estimates how long seeding takes (size divided by the bandwidth to the
    /// managed instance) and fires beyond 6 days. Until the bandwidth is
    /// configured (linkready.toml, `[target] bandwidth_mbps`), it reports the
    /// size and the bandwidth that 6 days would need.
    ///
    /// # Why it matters for the link
    /// Seeding restarts after any interruption and is cancelled after 6 days.
    ///
    /// # Example
    /// 12 TB over 100 Mbit/s: about 11 days.
    ///
    /// # How to fix
    /// Raise the bandwidth (ExpressRoute), enable trace flag 9567
    /// (compression), or seed from a backup and link afterwards.
    pub struct SeedingDuration {
        id: "LR214",
        name: "seeding-duration",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory],
        reads: [DatabaseList],
        aliases: [],
        summary: "seeding would take longer than the 6 days the link allows",
    }
}

impl Rule for SeedingDuration {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let bandwidth = out.target().and_then(|target| target.bandwidth_mbps);
        for database in &instance.databases {
            let Some(size) = &database.facts.size_mb else {
                // Without the size a configured target cannot be judged:
                // unknown, never a silent pass.
                if bandwidth.is_some() {
                    out.unknown(
                        &Self::META,
                        instance,
                        Some(&database.name),
                        "the database size was not collected",
                    );
                }
                continue;
            };
            // Sizes are MiB (2^20 bytes); bandwidth is Mbit/s (10^6 bits).
            let seconds_in_six_days = crate::link_status::SEEDING_LIMIT_DAYS as f64 * 24.0 * 3600.0;
            let megabits = size.value as f64 * 8.0 * 1.048_576;
            match bandwidth {
                Some(mbps) if mbps > 0.0 && megabits / mbps > seconds_in_six_days => {
                    let days = megabits / mbps / 86_400.0;
                    out.finding(
                        &Self::META,
                        instance,
                        Some(&database.name),
                        Some(database.name.clone()),
                        format!(
                            "{} MB at {mbps} Mbit/s seeds in about {days:.1} days; seeding is cancelled after 6 days",
                            size.value
                        ),
                        &size.origin,
                    );
                }
                Some(_) => {}
                None => {
                    let needed_mbps = (megabits / seconds_in_six_days).max(0.01);
                    out.needs_target(
                        &Self::META,
                        instance,
                        Some(&database.name),
                        format!(
                            "{} MB needs at least {needed_mbps:.2} Mbit/s to seed within 6 days ([target] bandwidth_mbps in linkready.toml)",
                            size.value
                        ),
                    );
                }
            }
        }
    }
}
