use std::collections::BTreeMap;

use plcli_lang::Value;
use serde_json::{json, Value as Json};

/// What happens to one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    NoOp,
    Read,
    Create,
    Update,
    /// Replace, destroying first (the default).
    DeleteCreate,
    /// Replace with `create_before_destroy`.
    CreateDelete,
    Delete,
}

impl Action {
    /// `change.actions` in Terraform's plan JSON.
    pub fn actions(self) -> Vec<&'static str> {
        match self {
            Action::NoOp => vec!["no-op"],
            Action::Read => vec!["read"],
            Action::Create => vec!["create"],
            Action::Update => vec!["update"],
            Action::DeleteCreate => vec!["delete", "create"],
            Action::CreateDelete => vec!["create", "delete"],
            Action::Delete => vec!["delete"],
        }
    }

    pub fn from_actions(a: &[String]) -> Option<Action> {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        Some(match a.as_slice() {
            ["no-op"] => Action::NoOp,
            ["read"] => Action::Read,
            ["create"] => Action::Create,
            ["update"] => Action::Update,
            ["delete", "create"] => Action::DeleteCreate,
            ["create", "delete"] => Action::CreateDelete,
            ["delete"] => Action::Delete,
            _ => return None,
        })
    }

    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteCreate | Action::CreateDelete)
    }
}

/// The planned change of one resource instance.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    pub address: String,
    /// `module.x["a"]`, or empty for the root module.
    pub module_address: String,
    /// `managed` or `data`.
    pub mode: String,
    pub ty: String,
    pub name: String,
    /// Terraform's `index`: null, a number or a string.
    pub index: Json,
    /// The provider configuration key (`aws`, `aws.consumer`).
    pub provider: String,
    pub action: Action,
    pub before: Option<Value>,
    /// May contain unknown values.
    pub after: Option<Value>,
    /// Attributes whose change forces replacement.
    pub replace_paths: Vec<String>,
    /// Terraform's `action_reason`, e.g. `replace_because_cannot_update`.
    pub reason: Option<String>,
}

/// The planned change of one root output.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputChange {
    pub name: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub sensitive: bool,
}

impl OutputChange {
    pub fn action(&self) -> Action {
        match (&self.before, &self.after) {
            (None, Some(_)) => Action::Create,
            (Some(_), None) => Action::Delete,
            (Some(b), Some(a)) if crate::values_equal(b, a) => Action::NoOp,
            (Some(_), Some(_)) => Action::Update,
            (None, None) => Action::NoOp,
        }
    }
}

/// A plan: the changes to make, and what was found changed outside plcli.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub changes: Vec<ResourceChange>,
    /// Objects that changed (or vanished) outside plcli since the last apply.
    pub drift: Vec<ResourceChange>,
    pub outputs: Vec<OutputChange>,
    pub destroy: bool,
    /// The state the plan was made against.
    pub lineage: String,
    pub serial: u64,
    pub targets: Vec<String>,
    pub replace: Vec<String>,
    pub refresh: bool,
    pub variables: BTreeMap<String, Value>,
}

impl Plan {
    /// (add, change, destroy) as the summary line counts them.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for ch in &self.changes {
            match ch.action {
                Action::Create => c.0 += 1,
                Action::Update => c.1 += 1,
                Action::DeleteCreate | Action::CreateDelete => {
                    c.0 += 1;
                    c.2 += 1;
                }
                Action::Delete => c.2 += 1,
                Action::NoOp | Action::Read => {}
            }
        }
        c
    }

    /// Whether applying would change anything (resources or outputs).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| !matches!(c.action, Action::NoOp | Action::Read))
            || self.outputs.iter().any(|o| o.action() != Action::NoOp)
    }

    pub fn change(&self, address: &str) -> Option<&ResourceChange> {
        self.changes.iter().find(|c| c.address == address)
    }

    /// The saved-plan file form.
    pub fn to_saved(&self) -> Json {
        json!({
            "plcli_plan_version": 1,
            "plcli_version": env!("CARGO_PKG_VERSION"),
            "lineage": self.lineage,
            "serial": self.serial,
            "destroy": self.destroy,
            "refresh": self.refresh,
            "targets": self.targets,
            "replace": self.replace,
            "variables": self.variables.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<serde_json::Map<_, _>>(),
            "changes": self.changes.iter().map(|c| json!({"address": c.address, "actions": c.action.actions()})).collect::<Vec<_>>(),
            "plan": crate::to_json(self, &BTreeMap::new()),
        })
    }
}
