//! What an instance looks like to references during lint's evaluation.
//!
//! Like validate, lint evaluates the configuration with nothing applied; unlike validate, an
//! attribute only the cloud knows is not an anonymous unknown but a token naming its instance
//! (see [`crate::token`]). Facts that need no cloud are filled in as apply would fill them:
//! a subnet's AZ name or ID from the other through the account's AZ mapping, an endpoint
//! service's `availability_zones` from its NLBs' subnets, and the data sources that only
//! describe the caller (`aws_caller_identity`, `aws_region`, `aws_partition`,
//! `aws_availability_zones`). Opaque types stay unknown, as in validate.

use std::collections::{BTreeMap, HashMap};

use plcli_aws::BlockSchema;
use plcli_config::{Module, ModuleSource, Resource, ResourceMode};
use plcli_graph::{Caller, InstanceHook, InstanceKey, InstanceRecord, Simulation, WalkContext};
use plcli_lang::{Type, Value};

use crate::token::{as_token, token};

/// The resource declaration an instance comes from.
pub(crate) fn resource_of<'m>(root: &'m Module, rec: &InstanceRecord) -> Option<&'m Resource> {
    let mut m = root;
    for (call, _) in &rec.module {
        match m.calls.get(call).map(|c| &c.module) {
            Some(ModuleSource::Loaded(child)) => m = child,
            _ => return None,
        }
    }
    m.resource(rec.mode, &rec.ty, &rec.name)
}

/// An account's AZ name → ID map in a region (explicit `az_ids` first, then the rotation).
pub(crate) fn az_map(sim: &Simulation, account: &str, region: &str) -> BTreeMap<String, String> {
    let empty = BTreeMap::new();
    let explicit = sim.accounts.get(account).map(|a| &a.az_ids).unwrap_or(&empty);
    plcli_aws::account_az_map(region, account, explicit)
}

/// The symbolic hook: records what rules need beside the instances themselves.
pub(crate) struct SymbolicHook<'m> {
    root: &'m Module,
    /// Instances of resources whose count/for_each is not known: evaluated once, with
    /// unknown keys, so that rules know they exist (but not how many).
    pub unexpanded: Vec<InstanceRecord>,
    /// Subnet address → (AZ name, AZ ID), when known.
    subnet_az: HashMap<String, (Option<String>, String)>,
    /// Load balancer address → its subnets' addresses, when every one is known.
    lb_subnets: HashMap<String, Vec<String>>,
    /// Endpoint service address → (region, AZ IDs), when its NLBs' AZs are known.
    service_az_ids: HashMap<String, (String, Vec<String>)>,
}

impl<'m> SymbolicHook<'m> {
    pub fn new(root: &'m Module) -> SymbolicHook<'m> {
        SymbolicHook { root, unexpanded: Vec::new(), subnet_az: HashMap::new(), lb_subnets: HashMap::new(), service_az_ids: HashMap::new() }
    }

    fn subnet_addresses(&self, config: &Value) -> Option<Vec<String>> {
        let single = |v: &Value| v.as_str().and_then(as_token).filter(|t| t.attr == "id").map(|t| t.address.to_string());
        match config.get_attr("subnets") {
            Some(v) if v.is_seq() && !v.as_seq().unwrap_or(&[]).is_empty() => return v.as_seq()?.iter().map(single).collect(),
            _ => {}
        }
        let mappings = config.get_attr("subnet_mapping")?.as_seq()?;
        if mappings.is_empty() {
            return None;
        }
        mappings.iter().map(|m| m.get_attr("subnet_id").and_then(single)).collect()
    }

    /// AZ IDs of an endpoint service, from its NLBs' subnets.
    fn service_azs(&self, config: &Value) -> Option<Vec<String>> {
        let arns = config.get_attr("network_load_balancer_arns")?.as_seq()?;
        if arns.is_empty() {
            return None;
        }
        let mut ids = Vec::new();
        for arn in arns {
            let t = arn.as_str().and_then(as_token)?;
            for subnet in self.lb_subnets.get(t.address)? {
                let (_, id) = self.subnet_az.get(subnet)?;
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
        Some(ids)
    }
}

fn is_counted(root: &Module, rec: &InstanceRecord) -> bool {
    rec.key == InstanceKey::None && resource_of(root, rec).is_some_and(|r| r.count.is_some() || r.for_each.is_some())
}

/// Replaces unknown computed attributes (those the configuration does not set) with tokens.
fn tokenize(config: &Value, schema: &BlockSchema, address: &str, configured: &[String]) -> Value {
    let Value::Object(mut m) = config.clone() else { return config.clone() };
    for (name, attr) in &schema.attributes {
        if configured.iter().any(|c| c == name) || !m.get(name.as_str()).is_none_or(Value::is_unknown) {
            continue;
        }
        let v = match attr.ty() {
            Type::String => Value::String(token(address, name).into()),
            // Structured computed attributes (`private_dns_name_configuration`, `dns_entry`):
            // one element, so `x[0].name` and `x.0.name` are tokens too.
            Type::List(inner) => match *inner {
                Type::Object(attrs) => Value::List(vec![Value::Object(
                    attrs
                        .iter()
                        .map(|(k, a)| {
                            (
                                k.clone(),
                                if a.ty == Type::String {
                                    Value::String(token(address, &format!("{name}.0.{k}")).into())
                                } else {
                                    Value::Unknown
                                },
                            )
                        })
                        .collect(),
                )]),
                _ => continue,
            },
            _ => continue,
        };
        m.insert(name.as_str().into(), v);
    }
    Value::Object(m)
}

fn set(m: &mut plcli_lang::Entries<plcli_lang::Key, Value>, k: &str, v: impl Into<plcli_lang::Key>) {
    m.insert(k.into(), Value::string(v));
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_seq).map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

impl InstanceHook for SymbolicHook<'_> {
    fn instance_value(&mut self, r: &mut InstanceRecord, schema: Option<&BlockSchema>, ctx: &WalkContext) -> Value {
        if is_counted(self.root, r) {
            self.unexpanded.push(r.clone());
        }
        let Some(schema) = schema else { return Value::Unknown };
        let caller: Option<&Caller> = ctx.callers.get(&r.provider);
        let mut value = tokenize(&r.config, schema, &r.address, &r.configured);
        let Value::Object(m) = &mut value else { return value };
        match (r.mode, r.ty.as_str(), caller) {
            (ResourceMode::Data, "aws_caller_identity", Some(c)) => {
                set(m, "account_id", &c.account);
                set(m, "id", &c.account);
                set(m, "arn", &c.principal);
            }
            (ResourceMode::Data, "aws_region", Some(c)) => {
                let name =
                    r.config.get_attr("name").or(r.config.get_attr("region")).and_then(Value::as_str).unwrap_or(&c.region).to_string();
                for k in ["name", "id", "region"] {
                    set(m, k, &name);
                }
                set(m, "endpoint", format!("ec2.{name}.amazonaws.com"));
            }
            (ResourceMode::Data, "aws_partition", _) => {
                set(m, "partition", "aws");
                set(m, "id", "aws");
                set(m, "dns_suffix", "amazonaws.com");
                set(m, "reverse_dns_prefix", "com.amazonaws");
            }
            (ResourceMode::Data, "aws_availability_zones", Some(c)) => {
                let plain = r.config.get_attr("filter").and_then(Value::as_seq).is_none_or(<[Value]>::is_empty)
                    && r.config.get_attr("all_availability_zones").and_then(Value::as_bool) != Some(true)
                    && r.config.get_attr("state").is_none_or(|s| s.is_null() || s.as_str() == Some("available"));
                if plain && plcli_aws::region(&c.region).is_some() {
                    let excluded = strings(r.config.get_attr("exclude_names"));
                    let excluded_ids = strings(r.config.get_attr("exclude_zone_ids"));
                    let pairs: Vec<(String, String)> = az_map(&ctx.simulation, &c.account, &c.region)
                        .into_iter()
                        .filter(|(n, i)| !excluded.contains(n) && !excluded_ids.contains(i))
                        .collect();
                    m.insert("names".into(), Value::List(pairs.iter().map(|(n, _)| Value::string(n)).collect()));
                    m.insert("zone_ids".into(), Value::List(pairs.iter().map(|(_, i)| Value::string(i)).collect()));
                    m.insert("group_names".into(), Value::set(vec![Value::string(&c.region)]));
                    set(m, "id", &c.region);
                }
            }
            (ResourceMode::Data, "aws_vpc_endpoint_service", Some(c)) => {
                // Looked up by the name of an endpoint service in this configuration: AWS
                // answers with the AZs both sides have, in the caller's names.
                let svc = r.config.get_attr("service_name").and_then(Value::as_str).and_then(as_token).map(|t| t.address.to_string());
                if let Some((region, ids)) = svc.and_then(|s| self.service_az_ids.get(&s)) {
                    if *region == c.region {
                        let map = az_map(&ctx.simulation, &c.account, &c.region);
                        let names: Vec<Value> = map.iter().filter(|(_, id)| ids.contains(id)).map(|(n, _)| Value::string(n)).collect();
                        m.insert("availability_zones".into(), Value::set(names));
                    }
                }
            }
            (ResourceMode::Managed, "aws_subnet", Some(c)) => {
                let name = r.config.get_attr("availability_zone").and_then(Value::as_str).map(str::to_string);
                let id = r.config.get_attr("availability_zone_id").and_then(Value::as_str).map(str::to_string);
                let map = az_map(&ctx.simulation, &c.account, &c.region);
                let (name, id) = match (name, id) {
                    (_, Some(id)) => (map.iter().find(|(_, v)| **v == id).map(|(k, _)| k.clone()), Some(id)),
                    (Some(name), None) => (Some(name.clone()), map.get(&name).cloned()),
                    (None, None) => (None, None),
                };
                if let Some(id) = id {
                    set(m, "availability_zone_id", &id);
                    if let Some(n) = &name {
                        set(m, "availability_zone", n);
                    }
                    self.subnet_az.insert(r.address.clone(), (name, id));
                }
            }
            (ResourceMode::Managed, "aws_lb" | "aws_alb", _) => {
                if let Some(subnets) = self.subnet_addresses(&r.config) {
                    self.lb_subnets.insert(r.address.clone(), subnets);
                }
            }
            (ResourceMode::Managed, "aws_vpc_endpoint_service", Some(c)) => {
                if let Some(ids) = self.service_azs(&r.config) {
                    let map = az_map(&ctx.simulation, &c.account, &c.region);
                    let names: Vec<Value> = map.iter().filter(|(_, id)| ids.contains(id)).map(|(n, _)| Value::string(n)).collect();
                    m.insert("availability_zones".into(), Value::set(names));
                    self.service_az_ids.insert(r.address.clone(), (c.region.clone(), ids));
                }
            }
            _ => {}
        }
        value
    }
}
