use super::prelude::*;

rule_info! {
    /// ## What it does
    /// Names, once per type, the resource and data source types plcli does not simulate
    /// (IAM, Lambda, RDS, `random_*`, ...), at their first use.
    ///
    /// ## Why it matters
    /// plcli plans and applies them as opaque objects: their attributes are unknown until
    /// apply, nothing checks them, and a rule that would need one of their values (a
    /// principal built from an IAM role's ARN, say) stays silent. The notice says where
    /// plcli's picture of the topology has a hole.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_iam_role" "client" {
    ///   name               = "api-client"
    ///   assume_role_policy = data.aws_iam_policy_document.trust.json
    /// }
    /// ```
    ///
    /// ## Fix
    /// Nothing to fix. Disable the rule in `.plcli-lint.hcl`
    /// (`rule "PL016" { enabled = false }`) when these types are expected.
    pub const INFO = {
        id: "PL016",
        name: "not_simulated",
        severity: Notice,
        summary: "Resource types plcli does not simulate.",
    }
}

pub(crate) fn check(topo: &Topology<'_>, out: &mut Sink<'_>) {
    for (ty, span) in &topo.analysis.not_simulated {
        // The first declaration in source order (the walk's first use is in address order).
        let first = topo
            .instances()
            .filter(|i| i.ty() == ty && i.res.is_some())
            .min_by_key(|i| i.res.map(|r| (r.type_span.file, r.type_span.start)));
        let span = first.and_then(|i| i.res).map_or(*span, |r| r.type_span);
        let (resource, kind) = match first {
            Some(i) if i.rec.mode == plcli_config::ResourceMode::Data => (i.address().to_string(), "data source"),
            Some(i) => (i.address().to_string(), "resource"),
            None => (ty.clone(), "type"),
        };
        out.report_about(
            &resource,
            span,
            format!("plcli does not simulate the {kind} type {ty}: it is planned and applied as an opaque object whose attributes are unknown until apply, and no rule can see through it"),
            "nothing to fix; disable PL016 in .plcli-lint.hcl if these types are expected",
        );
    }
}
