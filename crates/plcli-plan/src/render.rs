//! Plans for people (Terraform's text format) and for tools (`terraform show -json`).

use std::collections::BTreeMap;
use std::fmt::Write;

use plcli_aws::{BlockSchema, Schemas};
use plcli_lang::{format_number, Value};
use serde_json::{json, Value as Json};

use crate::{values_equal, Action, Plan, ResourceChange};

/// A value as Terraform prints it in plans: strings quoted, collections over several lines.
pub fn render_value(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match v {
        Value::Null => "null".into(),
        Value::Unknown => "(known after apply)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_number(*n),
        Value::String(s) if s.contains('\n') => {
            let mut out = String::from("<<-EOT\n");
            for line in s.trim_end_matches('\n').split('\n') {
                let _ = writeln!(out, "{pad}    {line}");
            }
            let _ = write!(out, "{pad}EOT");
            out
        }
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            if items.is_empty() {
                return "[]".into();
            }
            let mut out = String::from("[\n");
            for it in items {
                let _ = writeln!(out, "{pad}    {},", render_value(it, indent + 4));
            }
            let _ = write!(out, "{pad}]");
            out
        }
        Value::Map(m) | Value::Object(m) => {
            if m.is_empty() {
                return "{}".into();
            }
            let width = m.keys().map(|k| key_text(k).len()).max().unwrap_or(0);
            let mut out = String::from("{\n");
            for (k, val) in m {
                let _ = writeln!(out, "{pad}    {:width$} = {}", key_text(k), render_value(val, indent + 4));
            }
            let _ = write!(out, "{pad}}}");
            out
        }
    }
}

fn key_text(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') && !k.starts_with(|c: char| c.is_ascii_digit())
    {
        k.to_string()
    } else {
        serde_json::to_string(k).unwrap_or_default()
    }
}

fn headline(c: &ResourceChange) -> String {
    let what = match c.action {
        Action::Create => "will be created",
        Action::Update => "will be updated in-place",
        Action::DeleteCreate | Action::CreateDelete => "must be replaced",
        Action::Delete => "will be destroyed",
        Action::Read => "will be read during apply",
        Action::NoOp => "has no changes",
    };
    let mut s = format!("  # {} {what}", c.address);
    match c.reason.as_deref() {
        Some("delete_because_no_resource_config") => s.push_str(&format!("\n  # (because {} is not in configuration)", c.address)),
        Some("replace_by_request") => s.push_str("\n  # (replacement requested with --replace)"),
        Some("delete_because_count_index") | Some("delete_because_each_key") => {
            s.push_str("\n  # (because the instance key is no longer in the configuration)")
        }
        _ => {}
    }
    s
}

fn symbol(a: Action) -> &'static str {
    match a {
        Action::Create => "  +",
        Action::Update => "  ~",
        Action::DeleteCreate => "-/+",
        Action::CreateDelete => "+/-",
        Action::Delete => "  -",
        Action::Read => " <=",
        Action::NoOp => "   ",
    }
}

fn schema_of(c: &ResourceChange) -> Option<&'static BlockSchema> {
    let s = Schemas::get();
    if c.mode == "data" {
        s.data_source(&c.ty)
    } else {
        s.resource(&c.ty)
    }
}

/// One resource block of a plan.
fn render_change(out: &mut String, c: &ResourceChange) {
    let _ = writeln!(out, "{}", headline(c));
    let kind = if c.mode == "data" { "data" } else { "resource" };
    let _ = writeln!(out, "{} {kind} \"{}\" \"{}\" {{", symbol(c.action), c.ty, c.name);
    let schema = schema_of(c);
    let empty = plcli_lang::Entries::new();
    let before = c.before.as_ref().and_then(Value::as_map).unwrap_or(&empty);
    let after = c.after.as_ref().and_then(Value::as_map).unwrap_or(&empty);
    let keys: std::collections::BTreeSet<&plcli_lang::Key> = before.keys().chain(after.keys()).collect();
    let is_block = |k: &str| schema.is_some_and(|s| s.blocks.contains_key(k));
    let mut lines: Vec<(String, String, String)> = Vec::new();
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut hidden = 0;
    for k in keys {
        let b = before.get(k).unwrap_or(&Value::Null);
        let a = after.get(k).unwrap_or(&Value::Null);
        if is_block(k) {
            let changed = !values_equal(a, b) || !a.is_wholly_known();
            if c.action == Action::Update && !changed {
                continue;
            }
            for (sym, item) in block_items(c.action, b, a) {
                let mut body = String::new();
                if let Some(m) = item.as_map() {
                    let width = m.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.len()).max().unwrap_or(0);
                    for (bk, bv) in m.iter().filter(|(_, v)| !v.is_null()) {
                        let _ = writeln!(body, "          {sym} {bk:width$} = {}", render_value(bv, 12));
                    }
                }
                blocks.push((format!("      {sym} {k} {{"), body));
            }
            continue;
        }
        let forces = c.replace_paths.iter().any(|p| p == k);
        let (sym, text) = match c.action {
            Action::Create | Action::Read => {
                if a.is_null() {
                    continue;
                }
                ("+", render_value(a, 8))
            }
            Action::Delete => {
                if b.is_null() {
                    continue;
                }
                ("-", format!("{} -> null", render_value(b, 8)))
            }
            _ => {
                if values_equal(a, b) && a.is_wholly_known() {
                    if (k == "id" || k == "name" || k == "tags") && !a.is_null() {
                        (" ", render_value(a, 8))
                    } else {
                        hidden += 1;
                        continue;
                    }
                } else if b.is_null() {
                    ("+", render_value(a, 8))
                } else if a.is_null() {
                    ("-", format!("{} -> null", render_value(b, 8)))
                } else {
                    ("~", format!("{} -> {}", render_value(b, 8), render_value(a, 8)))
                }
            }
        };
        let text = if forces { format!("{text} # forces replacement") } else { text };
        lines.push((sym.to_string(), k.to_string(), text));
    }
    let width = lines.iter().map(|(_, k, _)| k.len()).max().unwrap_or(0);
    for (sym, k, text) in &lines {
        let _ = writeln!(out, "      {sym} {k:width$} = {text}");
    }
    for (head, body) in &blocks {
        let _ = writeln!(out, "\n{head}");
        out.push_str(body);
        let _ = writeln!(out, "        }}");
    }
    if hidden > 0 {
        let _ = writeln!(out, "\n        # ({hidden} unchanged attribute{} hidden)", if hidden == 1 { "" } else { "s" });
    }
    let _ = writeln!(out, "    }}\n");
}

fn block_items(action: Action, before: &Value, after: &Value) -> Vec<(&'static str, Value)> {
    let items = |v: &Value| -> Vec<Value> {
        match v {
            Value::Null => vec![],
            v if v.is_seq() => v.as_seq().unwrap_or(&[]).to_vec(),
            v => vec![v.clone()],
        }
    };
    match action {
        Action::Create | Action::Read => items(after).into_iter().map(|v| ("+", v)).collect(),
        Action::Delete => items(before).into_iter().map(|v| ("-", v)).collect(),
        _ => {
            let (b, a) = (items(before), items(after));
            let mut out: Vec<(&str, Value)> =
                b.iter().filter(|x| !a.iter().any(|y| values_equal(x, y))).map(|x| ("-", x.clone())).collect();
            out.extend(a.iter().filter(|y| !b.iter().any(|x| values_equal(x, y))).map(|y| ("+", y.clone())));
            out
        }
    }
}

/// The plan as Terraform prints it.
pub fn render(plan: &Plan) -> String {
    let mut text = String::new();
    render_to(plan, &mut |chunk| text.push_str(chunk));
    text
}

/// [`render`]'s text handed to `emit` in pieces, so that a plan of many thousands of changes
/// can be printed without holding all of its text.
pub fn render_to(plan: &Plan, emit: &mut dyn FnMut(&str)) {
    let mut out = String::new();
    render_into(plan, &mut out, emit);
    emit(&out);
}

fn render_into(plan: &Plan, out: &mut String, emit: &mut dyn FnMut(&str)) {
    // Like Terraform, drift is reported when it may have affected the plan.
    if !plan.drift.is_empty() && plan.has_changes() {
        out.push_str("\nNote: Objects have changed outside of plcli\n\nplcli detected the following changes made outside of plcli since the last \"plcli apply\":\n\n");
        for d in &plan.drift {
            if d.action == Action::Delete {
                let _ = writeln!(
                    out,
                    "  # {} has been deleted\n  - resource \"{}\" \"{}\" {{\n      - id = {}\n    }}\n",
                    d.address,
                    d.ty,
                    d.name,
                    d.before.as_ref().and_then(|b| b.get_attr("id")).map(|v| render_value(v, 0)).unwrap_or_default()
                );
            } else {
                let mut c = d.clone();
                c.action = Action::Update;
                let mut block = String::new();
                render_change(&mut block, &c);
                out.push_str(&block.replacen("will be updated in-place", "has changed", 1));
            }
        }
        out.push_str("Unless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan may include actions to undo or respond to these changes.\n\n─────────────────────────────────────────────────────────────────────────────\n");
    }
    let changes: Vec<&ResourceChange> = plan
        .changes
        .iter()
        .filter(|c| !(c.action == Action::NoOp || c.action == Action::Read && c.after.as_ref().is_some_and(Value::is_wholly_known)))
        .collect();
    let output_changes: Vec<_> = plan.outputs.iter().filter(|o| o.action() != Action::NoOp).collect();
    if changes.is_empty() && output_changes.is_empty() {
        out.push_str("\nNo changes. Your infrastructure matches the configuration.\n\nplcli has compared your real infrastructure against your configuration and found no differences, so no changes are needed.\n");
        return;
    }
    if !changes.is_empty() {
        let mut used: Vec<Action> = changes.iter().map(|c| c.action).collect();
        used.sort();
        used.dedup();
        out.push_str("\nplcli used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:\n");
        for a in used {
            let line = match a {
                Action::Create => "  + create",
                Action::Update => "  ~ update in-place",
                Action::DeleteCreate => "-/+ destroy and then create replacement",
                Action::CreateDelete => "+/- create replacement and then destroy",
                Action::Delete => "  - destroy",
                Action::Read => " <= read (data resources)",
                Action::NoOp => continue,
            };
            let _ = writeln!(out, "{line}");
        }
        out.push_str("\nplcli will perform the following actions:\n\n");
        for c in &changes {
            render_change(out, c);
            if out.len() >= 1 << 16 {
                emit(out);
                out.clear();
            }
        }
        let (add, change, destroy) = plan.counts();
        let _ = writeln!(out, "Plan: {add} to add, {change} to change, {destroy} to destroy.");
    } else {
        out.push_str("\nChanges to Outputs:\n");
    }
    if !output_changes.is_empty() {
        if !changes.is_empty() {
            out.push_str("\nChanges to Outputs:\n");
        }
        let width = output_changes.iter().map(|o| o.name.len()).max().unwrap_or(0);
        for o in output_changes {
            let show = |v: &Value| if o.sensitive { "(sensitive value)".to_string() } else { render_value(v, 4) };
            let line = match (o.action(), &o.before, &o.after) {
                (Action::Create, _, Some(a)) => format!("  + {:width$} = {}", o.name, show(a)),
                (Action::Delete, Some(b), _) => format!("  - {:width$} = {} -> null", o.name, show(b)),
                (_, Some(b), Some(a)) => format!("  ~ {:width$} = {} -> {}", o.name, show(b), show(a)),
                _ => continue,
            };
            let _ = writeln!(out, "{line}");
        }
        if changes.is_empty() {
            out.push_str(
                "\nYou can apply this plan to save these new output values to the state, without changing any real infrastructure.\n",
            );
        }
    }
}

/// Terraform's `after_unknown`: the same shape as the value, `true` where unknown.
fn unknown_mask(v: &Value) -> Json {
    match v {
        Value::Unknown => Json::Bool(true),
        Value::Map(m) | Value::Object(m) => Json::Object(
            m.iter()
                .filter_map(|(k, v)| {
                    let u = unknown_mask(v);
                    let empty = u == Json::Bool(false) || u.as_object().is_some_and(|o| o.is_empty());
                    (!empty).then(|| (k.to_string(), u))
                })
                .collect(),
        ),
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => Json::Array(items.iter().map(unknown_mask).collect()),
        _ => Json::Bool(false),
    }
}

/// A planned value as Terraform's plan JSON writes it: unknown attributes are left out (they
/// are listed in `after_unknown`), unknown list elements are null.
fn known_json(v: &Value) -> Json {
    match v {
        Value::Map(m) | Value::Object(m) => {
            Json::Object(m.iter().filter(|(_, v)| !v.is_unknown()).map(|(k, v)| (k.to_string(), known_json(v))).collect())
        }
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => Json::Array(items.iter().map(known_json).collect()),
        other => other.to_json(),
    }
}

fn change_json(c: &ResourceChange) -> Json {
    let mut j = json!({
        "address": c.address,
        "mode": c.mode,
        "type": c.ty,
        "name": c.name,
        "provider_name": if c.ty.starts_with("aws_") { "registry.terraform.io/hashicorp/aws" } else if c.ty == "terraform_data" { "terraform.io/builtin/terraform" } else { "registry.terraform.io/hashicorp/unknown" },
        "change": {
            "actions": c.action.actions(),
            "before": c.before.as_ref().map(Value::to_json).unwrap_or(Json::Null),
            "after": c.after.as_ref().map(known_json).unwrap_or(Json::Null),
            "after_unknown": c.after.as_ref().map(unknown_mask).unwrap_or(json!({})),
            "before_sensitive": false,
            "after_sensitive": false,
        },
    });
    if !c.module_address.is_empty() {
        j["module_address"] = json!(c.module_address);
    }
    if !c.index.is_null() {
        j["index"] = c.index.clone();
    }
    if !c.replace_paths.is_empty() {
        j["change"]["replace_paths"] = json!(c.replace_paths.iter().map(|p| vec![p.clone()]).collect::<Vec<_>>());
    }
    if let Some(r) = &c.reason {
        j["action_reason"] = json!(r);
    }
    j
}

/// The plan in the shape of `terraform show -json` for plans. `prior` is the prior state's
/// JSON (`terraform show -json` of the state), included as `prior_state` when given.
pub fn to_json(plan: &Plan, prior: &BTreeMap<String, Json>) -> Json {
    let planned: Vec<Json> = plan
        .changes
        .iter()
        .filter(|c| !matches!(c.action, Action::Delete))
        .map(|c| {
            let mut r = json!({
                "address": c.address, "mode": c.mode, "type": c.ty, "name": c.name,
                "provider_name": if c.ty.starts_with("aws_") { "registry.terraform.io/hashicorp/aws" } else { "terraform.io/builtin/terraform" },
                "schema_version": 0,
                "values": c.after.as_ref().map(known_json).unwrap_or(Json::Null),
                "sensitive_values": {},
            });
            if !c.index.is_null() {
                r["index"] = c.index.clone();
            }
            r
        })
        .collect();
    let mut j = json!({
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "plcli_version": env!("CARGO_PKG_VERSION"),
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
        "output_changes": plan.outputs.iter().map(|o| (o.name.clone(), json!({
            "actions": o.action().actions(),
            "before": o.before.as_ref().map(Value::to_json).unwrap_or(Json::Null),
            "after": o.after.as_ref().map(Value::to_json).unwrap_or(Json::Null),
            "after_unknown": o.after.as_ref().map(unknown_mask).unwrap_or(Json::Bool(false)),
            "before_sensitive": o.sensitive,
            "after_sensitive": o.sensitive,
        }))).collect::<serde_json::Map<_, _>>(),
        "errored": false,
        "timestamp": null,
        "applyable": plan.has_changes(),
        "complete": true,
    });
    if !plan.drift.is_empty() {
        j["resource_drift"] = json!(plan.drift.iter().map(change_json).collect::<Vec<_>>());
    }
    if let Some(p) = prior.get("prior_state") {
        j["prior_state"] = p.clone();
    }
    j
}
