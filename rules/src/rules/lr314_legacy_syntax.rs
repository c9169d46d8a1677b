use crate::model::{Instance, LegacySyntax as Syntax, Usage};
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_database};

crate::declare_rule! {
    /// # What it does
    /// Finds syntax that SQL Server removed: `*=` and `=*` outer joins,
    /// `COMPUTE` / `COMPUTE BY`, the `FASTFIRSTROW` hint, `RAISERROR` with a
    /// number and text but no parentheses, and `SET DISABLE_DEF_CNST_CHK`.
    /// Compound assignment (`SET @n *= 2`) is not an outer join.
    ///
    /// # Why it matters for the link
    /// The managed instance runs at compatibility level 100 or higher, where
    /// these forms are syntax errors: the modules that use them fail after
    /// failover (or already fail at a higher level).
    ///
    /// # Example
    /// ```sql
    /// SELECT o.Id, c.Name FROM Orders o, Customers c WHERE o.CustomerId *= c.Id;
    /// RAISERROR 50001 'Order not found';
    /// ```
    ///
    /// # How to fix
    /// `LEFT/RIGHT OUTER JOIN … ON`, `GROUP BY … WITH ROLLUP` or window
    /// functions for COMPUTE, `OPTION (FAST 1)`, `RAISERROR (50001, 16, 1)`
    /// or `THROW`, and drop `SET DISABLE_DEF_CNST_CHK`.
    pub struct LegacySyntax {
        id: "LR314",
        name: "legacy-syntax",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["NonANSILeftOuterJoinSyntax", "NonANSIRightOuterJoinSyntax", "ComputeClause", "FastFirstRowHint", "RAISERROR", "DisableDefCNSTCHK"],
        summary: "code uses syntax SQL Server removed",
    }
}

impl Rule for LegacySyntax {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_database(instance, |database, facts| {
            for usage in &facts.usages {
                let Usage::LegacySyntax(syntax) = &usage.value else {
                    continue;
                };
                let (object, message) = match syntax {
                    Syntax::OuterJoinOperator => (
                        "*=",
                        "non-ANSI outer join (*= or =*); use LEFT/RIGHT OUTER JOIN",
                    ),
                    Syntax::Compute => (
                        "COMPUTE",
                        "COMPUTE clause; use GROUP BY ROLLUP or window functions",
                    ),
                    Syntax::FastFirstRow => {
                        ("FASTFIRSTROW", "FASTFIRSTROW hint; use OPTION (FAST 1)")
                    }
                    Syntax::RaiserrorWithoutParentheses => (
                        "RAISERROR",
                        "RAISERROR without parentheses; use RAISERROR (…) or THROW",
                    ),
                    Syntax::DisableDefCnstChk => (
                        "DISABLE_DEF_CNST_CHK",
                        "SET DISABLE_DEF_CNST_CHK no longer exists",
                    ),
                };
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(object.to_string()),
                    message.to_string(),
                    &usage.origin,
                );
            }
        });
    }
}
