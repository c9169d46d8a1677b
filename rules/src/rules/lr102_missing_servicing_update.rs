use crate::model::{Instance, Known, ProductVersion};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when the build is below the minimum the link needs for its major
    /// version (MI-LINK.md §1), or when SQL Server 2016/2017 lacks the Azure
    /// Connect pack (`sys.sp_certificate_add_issuer` is absent).
    ///
    /// # Why it matters for the link
    /// The link's certificate trust and distributed availability group
    /// support arrived in servicing updates: older builds cannot create it.
    ///
    /// # Example
    /// SQL Server 2019 at `15.0.4298.1` (CU18): the link needs CU20 (15.0.4312.2).
    ///
    /// # How to fix
    /// Install the cumulative update (and, on 2016/2017, the Azure Connect
    /// pack) named in the finding, then assess again.
    pub struct MissingServicingUpdate {
        id: "LR102",
        name: "missing-servicing-update",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties],
        aliases: [],
        summary: "the build is below the link's minimum servicing level",
    }
}

/// The minimum build per major version (MI-LINK.md §1, from Microsoft's
/// "Prepare your environment for a link" page, 2024–2026 editions). Update
/// this table when Microsoft changes it.
const MINIMUM_BUILDS: [(u16, ProductVersion, &str); 5] = [
    (
        17,
        ProductVersion::new(17, 0, 1000, 7),
        "SQL Server 2025 RTM",
    ),
    (
        16,
        ProductVersion::new(16, 0, 1000, 6),
        "SQL Server 2022 RTM",
    ),
    (
        15,
        ProductVersion::new(15, 0, 4312, 2),
        "SQL Server 2019 CU20",
    ),
    (
        14,
        ProductVersion::new(14, 0, 3456, 2),
        "SQL Server 2017 CU31 and the Azure Connect pack 14.0.3490.10",
    ),
    (
        13,
        ProductVersion::new(13, 0, 6300, 2),
        "SQL Server 2016 SP3 and the Azure Connect pack 13.0.7000.253",
    ),
];

impl Rule for MissingServicingUpdate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Some(&version) = out.known(&Self::META, instance, &instance.facts.version) else {
            return;
        };
        let Some((_, minimum, needed)) = MINIMUM_BUILDS
            .iter()
            .find(|(major, _, _)| *major == version.major)
        else {
            // Older: LR101's. Newer: this table cannot say, and a build it
            // does not know is never a pass (RULES.md, LR102).
            let newest = MINIMUM_BUILDS.iter().map(|(major, _, _)| *major).max();
            if newest.is_some_and(|newest| version.major > newest) {
                out.unknown(
                    &Self::META,
                    instance,
                    None,
                    format!(
                        "major version {} ({version}) is newer than the minimum-build table (MI-LINK.md §1): check Microsoft's link prerequisites for this version",
                        version.major
                    ),
                );
            }
            return;
        };
        let object = "SERVERPROPERTY('ProductVersion')";
        if version < *minimum {
            out.finding(
                &Self::META,
                instance,
                None,
                Some(object.to_string()),
                format!("build {version} is below {minimum}: install {needed}"),
                &instance_origin(instance, object),
            );
            return;
        }
        if version.major <= 14 {
            match instance.facts.link_support_probe {
                Known::Known(false) => out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some("sys.sp_certificate_add_issuer".to_string()),
                    format!("build {version} lacks the Azure Connect pack (sys.sp_certificate_add_issuer is missing): install {needed}"),
                    &instance_origin(instance, "sys.sp_certificate_add_issuer"),
                ),
                Known::Known(true) => {}
                Known::Unknown(ref reason) => out.unknown(&Self::META, instance, None, reason.clone()),
            }
        }
    }
}
