//! The rule catalogue: one file per rule. Each rule's doc comment (What it does / Why it
//! matters / Example / Fix) is its documentation page and its `--explain` text.

use plcli_syntax::Span;

use crate::finding::{Finding, Report, Severity};
use crate::settings::Settings;
use crate::suppress::is_suppressed;
use crate::topology::{Inst, Topology};

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable ID, `PLnnn`.
    pub id: &'static str,
    /// Stable snake_case name.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// The rule's doc comment, as written (each line keeps rustdoc's leading space).
    pub doc: &'static str,
}

impl RuleInfo {
    /// The documentation in Markdown: the doc comment without rustdoc's leading spaces.
    pub fn doc_markdown(&self) -> String {
        let mut out: String = self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n");
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// The generated page `docs/lint-rules/PLnnn.md`.
    pub fn page(&self) -> String {
        format!("# {}: {}\n\nDefault severity: **{}**. {}\n\n{}", self.id, self.name, self.severity, self.summary, self.doc_markdown())
    }
}

/// A rule: its documentation and its check.
pub struct Rule {
    pub info: RuleInfo,
    pub(crate) check: fn(&Topology<'_>, &mut Sink<'_>),
}

/// Declares a rule's [`RuleInfo`] from its doc comment.
macro_rules! rule_info {
    ($(#[doc = $doc:literal])+ pub const INFO = { id: $id:literal, name: $name:literal, severity: $sev:ident, summary: $summary:literal $(,)? }) => {
        $(#[doc = $doc])+
        pub const INFO: $crate::rules::RuleInfo = $crate::rules::RuleInfo {
            id: $id,
            name: $name,
            severity: $crate::finding::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),+),
        };
    };
}

mod pl001_open_service;
mod pl002_principal_account_root;
mod pl003_endpoint_az_not_served;
mod pl004_nlb_cross_zone_disabled;
mod pl005_service_single_az;
mod pl006_nlb_not_internal;
mod pl007_endpoint_sg_blocks_listener;
mod pl008_private_dns_vpc_attributes;
mod pl009_private_dns_unverifiable;
mod pl010_duplicate_subnet_az;
mod pl011_quota_near;
mod pl012_principal_both_forms;
mod pl013_no_principals;
mod pl014_acceptance_without_accepter;
mod pl015_default_sg_endpoint;
mod pl016_not_simulated;
mod pl017_endpoint_principal_race;
mod pl018_principal_arn_invalid;
mod pl019_endpoint_principal_not_allowed;
mod pl020_endpoint_sg_no_ingress;
mod pl021_endpoint_private_dns_race;
mod pl022_private_dns_without_name;
mod pl023_dns_verification_before_record;
mod pl024_auto_accept_cross_account;
mod pl025_endpoint_type_not_interface;
mod pl026_nlb_sg_blocks_privatelink;

macro_rules! catalogue {
    ($($m:ident),+ $(,)?) => {
        /// Every rule, in ID order.
        pub static RULES: &[Rule] = &[$(Rule { info: $m::INFO, check: $m::check }),+];
    };
}

catalogue![
    pl001_open_service,
    pl002_principal_account_root,
    pl003_endpoint_az_not_served,
    pl004_nlb_cross_zone_disabled,
    pl005_service_single_az,
    pl006_nlb_not_internal,
    pl007_endpoint_sg_blocks_listener,
    pl008_private_dns_vpc_attributes,
    pl009_private_dns_unverifiable,
    pl010_duplicate_subnet_az,
    pl011_quota_near,
    pl012_principal_both_forms,
    pl013_no_principals,
    pl014_acceptance_without_accepter,
    pl015_default_sg_endpoint,
    pl016_not_simulated,
    pl017_endpoint_principal_race,
    pl018_principal_arn_invalid,
    pl019_endpoint_principal_not_allowed,
    pl020_endpoint_sg_no_ingress,
    pl021_endpoint_private_dns_race,
    pl022_private_dns_without_name,
    pl023_dns_verification_before_record,
    pl024_auto_accept_cross_account,
    pl025_endpoint_type_not_interface,
    pl026_nlb_sg_blocks_privatelink,
];

/// The generated documentation: `PLnnn.md` per rule and `README.md` (the index), as
/// (file name, content) for `docs/lint-rules/`.
pub fn doc_pages() -> Vec<(String, String)> {
    let mut index = String::from(
        "# plcli lint rules\n\n\
         <!-- Generated from the rules' doc comments (crates/plcli-lint/src/rules/) by\n     \
         `cargo run -p plcli-lint --example gen-docs`. Do not edit by hand. -->\n\n\
         How to run the linter, suppress findings and configure rules: [../lint.md](../lint.md).\n\n\
         | ID | name | default severity | finds |\n|---|---|---|---|\n",
    );
    let mut pages = Vec::new();
    for r in RULES {
        let i = &r.info;
        index.push_str(&format!("| [{0}]({0}.md) | `{1}` | {2} | {3} |\n", i.id, i.name, i.severity, i.summary.replace('|', "\\|")));
        pages.push((format!("{}.md", i.id), format!("<!-- Generated from crates/plcli-lint/src/rules/; do not edit. -->\n{}", i.page())));
    }
    pages.insert(0, ("README.md".to_string(), index));
    pages
}

/// The rule with this ID (any case) or name.
pub fn rule(id_or_name: &str) -> Option<&'static RuleInfo> {
    RULES.iter().map(|r| &r.info).find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// Where a rule puts what it finds.
pub(crate) struct Sink<'s> {
    info: &'static RuleInfo,
    findings: &'s mut Vec<Finding>,
}

impl Sink<'_> {
    /// Reports a finding about `inst`, located at `span`.
    pub fn report(&mut self, inst: &Inst<'_>, span: Span, message: impl Into<String>, fix: impl Into<String>) -> &mut Finding {
        self.report_about(inst.address(), span, message, fix)
    }

    /// Reports a finding about the resource (or type) named `resource`.
    pub fn report_about(&mut self, resource: &str, span: Span, message: impl Into<String>, fix: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.info,
            severity: self.info.severity,
            message: message.into(),
            resource: resource.to_string(),
            span,
            fix: fix.into(),
            related: Vec::new(),
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Runs every enabled rule and applies severities and inline suppressions.
pub(crate) fn run(topo: &Topology<'_>, settings: &Settings) -> Report {
    let mut report = Report::default();
    for r in RULES.iter().filter(|r| settings.enabled(&r.info)) {
        let mut found = Vec::new();
        (r.check)(topo, &mut Sink { info: &r.info, findings: &mut found });
        for mut f in found {
            let header = topo.get(&f.resource).map_or(f.span, |i| i.header());
            if is_suppressed(topo.sources, f.rule, f.span, header) {
                report.suppressed += 1;
                continue;
            }
            f.severity = settings.severity(&r.info);
            report.findings.push(f);
        }
    }
    report.findings.sort_by(|a, b| {
        let key = |f: &Finding| (f.span.file, f.span.start, f.rule.id, f.resource.clone());
        key(a).cmp(&key(b))
    });
    report.findings.dedup_by(|a, b| a.rule.id == b.rule.id && a.span == b.span && a.resource == b.resource && a.message == b.message);
    report
}

/// Things most rules use.
pub(crate) mod prelude {
    pub(crate) use super::Sink;
    pub(crate) use crate::topology::{Inst, Topology};
    pub(crate) use plcli_lang::Value;
}
