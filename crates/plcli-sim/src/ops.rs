//! API operations: one per AWS call, run as a caller, enforcing what AWS enforces.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use plcli_lang::Value;

use crate::world::{ApiError, Event, Object, World};

/// Who makes an API call: an account acting in a region, as a principal.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub account: String,
    pub region: String,
    /// `arn:aws:iam::<acct>:root` or an assumed role's ARN.
    pub principal: String,
    pub default_tags: BTreeMap<String, String>,
    /// Quota overrides for this account (SPEC §3.6 keys).
    pub quotas: BTreeMap<String, f64>,
}

type Attrs = plcli_lang::Entries<plcli_lang::Key, Value>;
type R<T> = Result<T, ApiError>;

fn s(v: impl Into<plcli_lang::Key>) -> Value {
    Value::string(v)
}

fn list(items: Vec<Value>) -> Value {
    Value::List(items)
}

fn str_of<'a>(a: &'a Attrs, k: &str) -> Option<&'a str> {
    a.get(k).and_then(Value::as_str)
}

fn strs_of(a: &Attrs, k: &str) -> Vec<String> {
    a.get(k).and_then(|v| v.as_seq().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())).unwrap_or_default()
}

fn bool_of(a: &Attrs, k: &str) -> Option<bool> {
    a.get(k).and_then(Value::as_bool)
}

/// Sets `k` when it is unknown or null (a computed value AWS decides).
fn fill(a: &mut Attrs, k: &str, v: Value) {
    match a.entry(k.into()) {
        plcli_lang::Entry::Vacant(slot) => {
            slot.insert(v);
        }
        plcli_lang::Entry::Occupied(mut slot) => {
            if matches!(slot.get(), Value::Unknown | Value::Null) {
                slot.insert(v);
            }
        }
    }
}

fn not_found(code: &str, what: &str, id: &str) -> ApiError {
    ApiError::new(code, format!("The {what} '{id}' does not exist"))
}

/// Replaces every unknown left after an operation with null: after apply nothing is unknown.
/// Sets are put in order again. What needs neither is kept as it is (with its shared maps).
fn settle(v: Value) -> Value {
    if settled(&v) {
        return v;
    }
    match v {
        Value::Unknown => Value::Null,
        Value::Object(mut m) => {
            settle_entries(&mut m);
            Value::Object(m)
        }
        Value::Map(mut m) => {
            settle_entries(&mut m);
            Value::Map(m)
        }
        Value::List(v) => Value::List(v.into_iter().map(settle).collect()),
        Value::Tuple(v) => Value::Tuple(v.into_iter().map(settle).collect()),
        Value::Set(v) => Value::set(v.into_iter().map(settle).collect()),
        other => other,
    }
}

/// Whether [`settle`] would leave `v` as it is: nothing unknown, no set.
fn settled(v: &Value) -> bool {
    match v {
        Value::Unknown | Value::Set(_) => false,
        Value::List(v) | Value::Tuple(v) => v.iter().all(settled),
        Value::Map(m) | Value::Object(m) => m.values().all(settled),
        _ => true,
    }
}

/// [`settle`] of a map's entries, in place: only those that need it change.
fn settle_entries(m: &mut plcli_lang::ValueMap) {
    for v in m.values_mut() {
        if !settled(v) {
            *v = settle(std::mem::take(v));
        }
    }
}

fn tags_all(a: &mut Attrs, caller: &Caller) {
    if !a.contains_key("tags_all") && !a.contains_key("tags") {
        return;
    }
    let mut all: Attrs = caller.default_tags.iter().map(|(k, v)| (k.into(), s(v))).collect();
    if let Some(m) = a.get("tags").and_then(Value::as_map) {
        for (k, v) in m {
            all.insert(k.clone(), v.clone());
        }
    }
    a.insert("tags_all".into(), Value::Map(all.into()));
}

fn region_zone_for_nlb(region: &str) -> &'static str {
    match region {
        "us-east-1" => "Z26RNL4JYFTOTI",
        "us-east-2" => "ZLMOA37VPKANP",
        "us-west-1" => "Z24FKFUX50B4VW",
        "us-west-2" => "Z18D5FSROUN65G",
        "eu-west-1" => "Z2IFOLAFXWLO4F",
        "eu-central-1" => "Z3F0SRJ5LGBH90",
        "ap-northeast-1" => "Z31USIVHYNEOWT",
        _ => "Z1UDT6IFJ4EJM",
    }
}

fn vpce_zone(region: &str) -> &'static str {
    match region {
        "us-east-1" => "Z7HUB22UULQXV",
        "us-east-2" => "ZC8PG0KIFKBRI",
        "us-west-1" => "Z12I86A8N7VCZO",
        "us-west-2" => "Z1YSA3EXCYUU9Z",
        "eu-west-1" => "Z38GZ743OKFT7T",
        "eu-central-1" => "Z273ZU8SZ5RJPC",
        "ap-northeast-1" => "Z2E726K9Y6RL4W",
        _ => "Z18LLCSTV4NVNL",
    }
}

/// An object's attributes as a shared map (a reference count, not a copy).
fn shared_attrs(attrs: &Value) -> plcli_lang::ValueMap {
    match attrs {
        Value::Object(m) | Value::Map(m) => m.clone(),
        _ => plcli_lang::ValueMap::default(),
    }
}

/// The world key of an object: its ID, except for resources whose provider ID is another
/// object's (a private DNS verification is identified by its service's ID).
pub fn object_key(ty: &str, id: &str) -> String {
    match ty {
        "aws_vpc_endpoint_service_private_dns_verification" => format!("{id}#private-dns-verification"),
        _ => id.to_string(),
    }
}

/// How AWS matches a caller against allowed principals (one implementation, in plcli-aws).
pub use plcli_aws::principal_matches;

impl World {
    // ------------------------------------------------------------------ AZs and quotas

    /// Records an account's explicit AZ map (from the `simulation` block). Fails when the
    /// world already maps the account differently.
    pub fn register_azs(&mut self, account: &str, map: &BTreeMap<String, String>) -> Result<(), String> {
        match self.az_maps.get(account) {
            Some(existing) if map.iter().any(|(k, v)| existing.get(k).is_some_and(|e| e != v)) => {
                let (k, v) = map.iter().find(|(k, v)| existing.get(*k).is_some_and(|e| e != *v)).expect("found above");
                Err(format!("the world already maps {k} to {} for account {account}, the simulation block maps it to {v}", existing[k]))
            }
            _ => {
                let entry = self.az_maps.entry(account.to_string()).or_default();
                for (k, v) in map {
                    entry.insert(k.clone(), v.clone());
                }
                Ok(())
            }
        }
    }

    /// The account's AZ map for a region, recorded on first use (SPEC §3.2 default rotation).
    pub fn az_map(&mut self, account: &str, region: &str) -> BTreeMap<String, String> {
        let entry = self.az_maps.entry(account.to_string()).or_default();
        let map = plcli_aws::account_az_map(region, account, entry);
        for (k, v) in &map {
            entry.entry(k.clone()).or_insert_with(|| v.clone());
        }
        map
    }

    fn az_id(&mut self, account: &str, region: &str, name: &str) -> Option<String> {
        self.az_map(account, region).get(name).cloned()
    }

    fn az_name(&mut self, account: &str, region: &str, id: &str) -> Option<String> {
        self.az_map(account, region).into_iter().find(|(_, v)| v == id).map(|(k, _)| k)
    }

    /// `us-east-1a (use1-az4)` for messages.
    pub fn az_label(&mut self, account: &str, region: &str, name: &str) -> String {
        match self.az_id(account, region, name) {
            Some(id) => format!("{name} ({id})"),
            None => name.to_string(),
        }
    }

    fn check_quota(&self, caller: &Caller, key: &str, current: usize) -> R<()> {
        let Some(q) = plcli_aws::quota(key) else { return Ok(()) };
        let limit = caller.quotas.get(key).map(|v| *v as u64).or(q.default);
        match limit {
            Some(limit) if current as u64 >= limit => Err(ApiError::new(
                q.code,
                format!("The maximum number of {} has been reached (quota {key} = {limit} for account {}).", q.what, caller.account),
            )),
            _ => Ok(()),
        }
    }

    fn obj(&self, id: &str, ty: &[&str]) -> Option<&Object> {
        self.objects.get(id).filter(|o| ty.contains(&o.ty.as_str()))
    }

    /// An object's attributes, shared (empty when it is gone).
    fn attrs_of(&self, id: &str) -> plcli_lang::ValueMap {
        self.objects.get(id).map(|o| shared_attrs(&o.attrs)).unwrap_or_default()
    }

    // ------------------------------------------------------------------ generic entry points

    /// Creates an object of Terraform type `ty` from its planned configuration; returns the
    /// complete attributes (nothing unknown) with `id`.
    pub fn create(&mut self, caller: &Caller, ty: &str, config: &Value) -> R<Value> {
        self.create_owned(caller, ty, config.clone())
    }

    /// [`World::create`], taking the configuration: when nothing else shares its entries,
    /// they become the object's without a copy.
    pub fn create_owned(&mut self, caller: &Caller, ty: &str, config: Value) -> R<Value> {
        let mut a: Attrs = match config {
            Value::Object(m) | Value::Map(m) => m.into_inner(),
            _ => Attrs::default(),
        };
        let id = match ty {
            "aws_vpc" => self.create_vpc(caller, &mut a)?,
            "aws_subnet" => self.create_subnet(caller, &mut a)?,
            "aws_security_group" => self.create_sg(caller, &mut a)?,
            "aws_default_security_group" => self.create_default_sg(caller, &mut a)?,
            "aws_security_group_rule" | "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                self.create_sg_rule(caller, ty, &mut a)?
            }
            "aws_instance" => self.create_instance(caller, &mut a)?,
            "aws_network_interface" => self.create_eni(caller, &mut a)?,
            "aws_lb" | "aws_alb" => self.create_lb(caller, &mut a)?,
            "aws_lb_target_group" | "aws_alb_target_group" => self.create_tg(caller, &mut a)?,
            "aws_lb_listener" | "aws_alb_listener" => self.create_listener(caller, &mut a)?,
            "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => self.create_tg_attachment(caller, &mut a)?,
            "aws_vpc_endpoint_service" => self.create_service(caller, &mut a)?,
            "aws_vpc_endpoint_service_allowed_principal" => self.create_allowed_principal(caller, &mut a)?,
            "aws_vpc_endpoint" => self.create_endpoint(caller, &mut a)?,
            "aws_vpc_endpoint_connection_accepter" => self.create_accepter(caller, &mut a)?,
            "aws_vpc_endpoint_connection_notification" => self.create_notification(caller, &mut a)?,
            "aws_vpc_endpoint_service_private_dns_verification" => self.create_dns_verification(caller, &mut a)?,
            "aws_vpc_endpoint_subnet_association" => self.create_subnet_association(caller, &mut a)?,
            "aws_vpc_endpoint_security_group_association" => self.create_sg_association(caller, &mut a)?,
            "aws_route53_zone" => self.create_zone(caller, &mut a)?,
            "aws_route53_record" => self.create_record(caller, &mut a)?,
            "aws_sns_topic" => self.create_topic(caller, &mut a)?,
            "terraform_data" => {
                let id = self.ids.uuid();
                let input = a.get("input").cloned().unwrap_or(Value::Null);
                a.insert("output".into(), input);
                id
            }
            other => self.create_opaque(caller, other, &mut a),
        };
        a.insert("id".into(), s(&id));
        tags_all(&mut a, caller);
        let attrs = settle(Value::Object(a.into()));
        let id = object_key(ty, &id);
        let internal = self.objects.get(&id).map(|o| o.internal.clone()).unwrap_or_default();
        self.put(
            &id,
            Object { ty: ty.to_string(), account: caller.account.clone(), region: caller.region.clone(), attrs: attrs.clone(), internal },
        );
        Ok(attrs)
    }

    /// Describes an object by type and ID, as its Terraform type sees it; `None` when it is
    /// gone.
    pub fn read(&self, ty: &str, id: &str) -> Option<Value> {
        self.objects.get(&object_key(ty, id)).map(|o| o.attrs.clone())
    }

    /// Applies an in-place change; returns the new attributes.
    pub fn update(&mut self, caller: &Caller, ty: &str, id: &str, config: &Value) -> R<Value> {
        let key = object_key(ty, id);
        let Some(obj) = self.objects.get(&key).cloned() else {
            return Err(ApiError::new("NotFound", format!("{ty} '{id}' does not exist")));
        };
        let prior = obj.attrs.as_map().cloned().unwrap_or_default();
        let mut a: Attrs = config.as_map().cloned().unwrap_or_default();
        // Computed values the change does not touch keep their prior value.
        for (k, v) in &prior {
            if matches!(a.get(k), None | Some(Value::Unknown)) {
                a.insert(k.clone(), v.clone());
            }
        }
        match ty {
            "aws_vpc_endpoint_service" => self.update_service(caller, id, &prior, &mut a)?,
            "aws_lb" | "aws_alb" => {
                let before = strs_of(&prior, "security_groups").len();
                let after = strs_of(&a, "security_groups").len();
                if (before == 0) != (after == 0) && str_of(&a, "load_balancer_type") == Some("network") {
                    return Err(ApiError::new("InvalidConfigurationRequest", "A Network Load Balancer created without security groups cannot have security groups added later, and one created with them cannot have all of them removed."));
                }
            }
            "aws_vpc_endpoint" => self.update_endpoint(caller, id, &prior, &mut a)?,
            "terraform_data" => {
                let input = a.get("input").cloned().unwrap_or(Value::Null);
                a.insert("output".into(), input);
            }
            _ => {}
        }
        a.insert("id".into(), s(id));
        tags_all(&mut a, caller);
        let attrs = settle(Value::Object(a.into()));
        // The type-specific update may have changed world-only bookkeeping (a new private DNS
        // name's verification state, an endpoint's private DNS claim): keep it.
        let internal = self.objects.get(&key).map(|o| o.internal.clone()).unwrap_or(obj.internal.clone());
        self.put(&key, Object { attrs: attrs.clone(), internal, ..obj });
        Ok(attrs)
    }

    /// Deletes an object, refusing as AWS does when something still depends on it.
    pub fn delete(&mut self, caller: &Caller, ty: &str, id: &str) -> R<()> {
        let key = object_key(ty, id);
        let id = key.as_str();
        let Some(obj) = self.objects.get(id).cloned() else { return Ok(()) };
        match ty {
            "aws_lb" | "aws_alb" if !self.referencing("network_load_balancer_arns", id, Some("aws_vpc_endpoint_service")).is_empty() => {
                return Err(ApiError::new(
                    "ResourceInUse",
                    format!("Load balancer '{id}' cannot be deleted because it is currently associated with another service"),
                ));
            }
            "aws_vpc_endpoint_service" => {
                if self.active_connections(id) > 0 {
                    return Err(ApiError::new("ExistingVpcEndpointConnections", "Service has existing active VPC Endpoint connections!"));
                }
                for p in self.referencing("vpc_endpoint_service_id", id, None) {
                    if self.objects.get(&p).is_some_and(|o| o.ty == "aws_vpc_endpoint_service_allowed_principal") {
                        self.remove(&p);
                    }
                }
            }
            "aws_vpc_endpoint" => {
                for eni in strs_of(&shared_attrs(&obj.attrs), "network_interface_ids") {
                    self.remove(&eni);
                }
                if let Some(svc) = obj.internal.get("service_id").and_then(|v| v.as_str().map(str::to_string)) {
                    self.event(
                        "Delete",
                        &svc,
                        id,
                        &obj.account,
                        &obj.internal.get("principal").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                    );
                }
            }
            "aws_vpc_endpoint_connection_accepter" => {
                // Deleting the accepter rejects the connection (the provider's behaviour).
                let a = shared_attrs(&obj.attrs);
                if let (Some(svc), Some(vpce)) = (str_of(&a, "vpc_endpoint_service_id"), str_of(&a, "vpc_endpoint_id")) {
                    let (svc, vpce) = (svc.to_string(), vpce.to_string());
                    let _ = self.set_connection_state(caller, &svc, &vpce, "rejected");
                }
            }
            "aws_vpc" => {
                let deps: Vec<String> = self
                    .referencing("vpc_id", id, None)
                    .into_iter()
                    .filter(|d| {
                        self.objects.get(d).is_some_and(|o| !(o.ty == "aws_security_group" && o.internal.contains_key("default_for")))
                    })
                    .collect();
                if !deps.is_empty() {
                    return Err(ApiError::new("DependencyViolation", format!("The vpc '{id}' has dependencies and cannot be deleted.")));
                }
                for d in self.referencing("vpc_id", id, None) {
                    self.remove(&d);
                }
            }
            "aws_subnet"
                if !self.referencing("subnet_id", id, None).is_empty()
                    || !self.referencing("subnet_ids", id, Some("aws_vpc_endpoint")).is_empty() =>
            {
                return Err(ApiError::new("DependencyViolation", format!("The subnet '{id}' has dependencies and cannot be deleted.")));
            }
            "aws_default_security_group" => {
                // The default security group stays with its VPC; Terraform only forgets it.
                let mut o = obj.clone();
                o.ty = "aws_security_group".into();
                self.put(id, o);
                return Ok(());
            }
            _ => {}
        }
        self.remove(id);
        Ok(())
    }

    fn event(&mut self, kind: &str, service_id: &str, vpce: &str, owner: &str, principal: &str) {
        let topics: Vec<String> = self
            .referencing("vpc_endpoint_service_id", service_id, Some("aws_vpc_endpoint_connection_notification"))
            .iter()
            .filter_map(|n| {
                let a = self.attrs_of(n);
                let events = strs_of(&a, "connection_events");
                events.iter().any(|e| e == kind).then(|| str_of(&a, "connection_notification_arn").unwrap_or_default().to_string())
            })
            .collect();
        let sequence = self.events.len() as u64 + 1;
        let service_owner = self.objects.get(service_id).map(|o| o.account.clone()).unwrap_or_default();
        self.events.push(Event {
            sequence,
            event_type: kind.to_string(),
            service_id: service_id.to_string(),
            service_owner,
            vpc_endpoint_id: vpce.to_string(),
            vpc_endpoint_owner: owner.to_string(),
            principal: principal.to_string(),
            topics,
        });
    }

    // ------------------------------------------------------------------ network

    fn create_vpc(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let cidr = str_of(a, "cidr_block").unwrap_or("").to_string();
        let net: Ipv4Net = cidr.parse().map_err(|_| ApiError::new("InvalidVpc.Range", format!("The CIDR '{cidr}' is invalid.")))?;
        if !(16..=28).contains(&net.prefix_len()) || net.network() != net.addr() {
            return Err(ApiError::new("InvalidVpc.Range", format!("The CIDR '{cidr}' is invalid.")));
        }
        let id = self.ids.ec2("vpc");
        let sg = self.ids.ec2("sg");
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:vpc/{id}", caller.region, caller.account)));
        fill(a, "owner_id", s(&caller.account));
        fill(a, "default_security_group_id", s(&sg));
        fill(a, "default_network_acl_id", s(self.ids.ec2("acl")));
        let rtb = self.ids.ec2("rtb");
        fill(a, "default_route_table_id", s(&rtb));
        fill(a, "main_route_table_id", s(&rtb));
        fill(a, "dhcp_options_id", s(self.ids.ec2("dopt")));
        fill(a, "enable_dns_support", Value::Bool(true));
        fill(a, "enable_dns_hostnames", Value::Bool(false));
        fill(a, "enable_network_address_usage_metrics", Value::Bool(false));
        fill(a, "instance_tenancy", s("default"));
        for k in ["ipv6_association_id", "ipv6_cidr_block", "ipv6_cidr_block_network_border_group"] {
            fill(a, k, s(""));
        }
        fill(a, "ipv6_netmask_length", Value::Number(0.0));
        // The VPC's default security group: all traffic from itself, all egress.
        let rule = |cidrs: Vec<Value>, selfref: bool| {
            Value::Object(
                [
                    ("cidr_blocks", list(cidrs)),
                    ("description", s("")),
                    ("from_port", Value::Number(0.0)),
                    ("ipv6_cidr_blocks", list(vec![])),
                    ("prefix_list_ids", list(vec![])),
                    ("protocol", s("-1")),
                    ("security_groups", list(vec![])),
                    ("self", Value::Bool(selfref)),
                    ("to_port", Value::Number(0.0)),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            )
        };
        let sg_attrs: Attrs = [
            ("id", s(&sg)),
            ("arn", s(format!("arn:aws:ec2:{}:{}:security-group/{sg}", caller.region, caller.account))),
            ("name", s("default")),
            ("description", s("default VPC security group")),
            ("vpc_id", s(&id)),
            ("owner_id", s(&caller.account)),
            ("ingress", Value::set(vec![rule(vec![], true)])),
            ("egress", Value::set(vec![rule(vec![s("0.0.0.0/0")], false)])),
            ("revoke_rules_on_delete", Value::Bool(false)),
            ("tags", Value::Map(Default::default())),
            ("tags_all", Value::Map(Default::default())),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v))
        .collect();
        let mut internal = BTreeMap::new();
        internal.insert("default_for".to_string(), s(&id));
        self.put(
            &sg,
            Object {
                ty: "aws_security_group".into(),
                account: caller.account.clone(),
                region: caller.region.clone(),
                attrs: Value::Object(sg_attrs.into()),
                internal,
            },
        );
        Ok(id)
    }

    /// The caller's VPC's attributes (shared, not copied).
    fn vpc_of_caller(&self, caller: &Caller, vpc_id: &str) -> R<plcli_lang::ValueMap> {
        match self.obj(vpc_id, &["aws_vpc"]) {
            Some(o) if o.account == caller.account && o.region == caller.region => Ok(shared_attrs(&o.attrs)),
            _ => Err(ApiError::new("InvalidVpcID.NotFound", format!("The vpc ID '{vpc_id}' does not exist"))),
        }
    }

    fn create_subnet(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let vpc_id = str_of(a, "vpc_id").unwrap_or("").to_string();
        let vpc = self.vpc_of_caller(caller, &vpc_id)?;
        let map = self.az_map(&caller.account, &caller.region);
        let (az_name, az_id) = match (str_of(a, "availability_zone"), str_of(a, "availability_zone_id")) {
            (Some(n), _) => match map.get(n) {
                Some(id) => (n.to_string(), id.clone()),
                None => {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("Value ({n}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {}.", map.keys().cloned().collect::<Vec<_>>().join(", ")),
                    ))
                }
            },
            (None, Some(id)) => match map.iter().find(|(_, v)| *v == id) {
                Some((n, _)) => (n.clone(), id.to_string()),
                None => {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("Value ({id}) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zones: {}.", map.values().cloned().collect::<Vec<_>>().join(", ")),
                    ))
                }
            },
            (None, None) => map.iter().next().map(|(n, i)| (n.clone(), i.clone())).unwrap_or_default(),
        };
        let cidr = str_of(a, "cidr_block").unwrap_or("").to_string();
        let net: Ipv4Net = cidr.parse().map_err(|_| ApiError::new("InvalidSubnet.Range", format!("The CIDR '{cidr}' is invalid.")))?;
        let vpc_net: Option<Ipv4Net> = str_of(&vpc, "cidr_block").and_then(|c| c.parse().ok());
        if !(16..=28).contains(&net.prefix_len()) || net.network() != net.addr() || !vpc_net.is_some_and(|v| v.contains(&net)) {
            return Err(ApiError::new("InvalidSubnet.Range", format!("The CIDR '{cidr}' is invalid.")));
        }
        let siblings = self.referencing("vpc_id", &vpc_id, Some("aws_subnet"));
        for sib in &siblings {
            let other: Option<Ipv4Net> = str_of(&self.attrs_of(sib), "cidr_block").and_then(|c| c.parse().ok());
            if other.is_some_and(|o| o.contains(&net) || net.contains(&o)) {
                return Err(ApiError::new("InvalidSubnet.Conflict", format!("The CIDR '{cidr}' conflicts with another subnet")));
            }
        }
        self.check_quota(caller, "subnets_per_vpc", siblings.len())?;
        let id = self.ids.ec2("subnet");
        a.insert("availability_zone".into(), s(az_name));
        a.insert("availability_zone_id".into(), s(az_id));
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:subnet/{id}", caller.region, caller.account)));
        fill(a, "owner_id", s(&caller.account));
        for (k, v) in [
            ("map_public_ip_on_launch", false),
            ("assign_ipv6_address_on_creation", false),
            ("enable_dns64", false),
            ("enable_resource_name_dns_a_record_on_launch", false),
            ("enable_resource_name_dns_aaaa_record_on_launch", false),
            ("ipv6_native", false),
            ("map_customer_owned_ip_on_launch", false),
        ] {
            fill(a, k, Value::Bool(v));
        }
        fill(a, "private_dns_hostname_type_on_launch", s("ip-name"));
        fill(a, "ipv6_cidr_block_association_id", s(""));
        fill(a, "ipv6_cidr_block", s(""));
        fill(a, "enable_lni_at_device_index", Value::Number(0.0));
        Ok(id)
    }

    /// Allocates the next free private IP of a subnet (the first four and the last address
    /// are reserved, as in AWS).
    fn alloc_ip(&mut self, subnet_id: &str, wanted: Option<&str>) -> R<String> {
        let attrs = self.attrs_of(subnet_id);
        let net: Ipv4Net = str_of(&attrs, "cidr_block")
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| not_found("InvalidSubnetID.NotFound", "subnet ID", subnet_id))?;
        let obj = self.object_mut(subnet_id).ok_or_else(|| not_found("InvalidSubnetID.NotFound", "subnet ID", subnet_id))?;
        let mut used: BTreeSet<String> = obj
            .internal
            .get("used_ips")
            .and_then(|v| v.as_seq().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()))
            .unwrap_or_default();
        let base = u32::from(net.network());
        let size = 1u64 << (32 - net.prefix_len());
        let ip = match wanted {
            Some(w) => {
                let addr: Ipv4Addr =
                    w.parse().map_err(|_| ApiError::new("InvalidParameterValue", format!("Invalid private IP address {w}")))?;
                let off = u32::from(addr).wrapping_sub(base) as u64;
                if !net.contains(&addr) || off < 4 || off == size - 1 {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("Address {w} does not fall within the subnet's address range"),
                    ));
                }
                if used.contains(w) {
                    return Err(ApiError::new("InvalidIPAddress.InUse", format!("Address {w} is in use.")));
                }
                w.to_string()
            }
            None => {
                let free = (4..size.saturating_sub(1))
                    .map(|o| Ipv4Addr::from(base.wrapping_add(o as u32)).to_string())
                    .find(|ip| !used.contains(ip));
                free.ok_or_else(|| {
                    ApiError::new(
                        "InsufficientFreeAddressesInSubnet",
                        format!(
                            "There are not enough free addresses in subnet '{subnet_id}' to satisfy the requested number of instances."
                        ),
                    )
                })?
            }
        };
        used.insert(ip.clone());
        obj.internal.insert("used_ips".into(), Value::List(used.into_iter().map(Value::string).collect()));
        Ok(ip)
    }

    fn create_sg(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let vpc_id = match str_of(a, "vpc_id") {
            Some(v) => v.to_string(),
            None => {
                return Err(ApiError::new(
                    "VPCIdNotSpecified",
                    "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
                ))
            }
        };
        self.vpc_of_caller(caller, &vpc_id)?;
        let name = match (str_of(a, "name"), str_of(a, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => format!("{p}{}", &self.ids.hex(26)),
            (None, None) => format!("terraform-{}", &self.ids.hex(26)),
        };
        for other in self.referencing("vpc_id", &vpc_id, Some("aws_security_group")) {
            if str_of(&self.attrs_of(&other), "name") == Some(name.as_str()) {
                return Err(ApiError::new(
                    "InvalidGroup.Duplicate",
                    format!("The security group '{name}' already exists for VPC '{vpc_id}'"),
                ));
            }
        }
        for dir in ["ingress", "egress"] {
            let n = a.get(dir).and_then(|v| v.as_seq().map(|s| s.len())).unwrap_or(0);
            if n > 0 {
                self.check_quota(caller, "rules_per_security_group", n - 1)?;
            }
        }
        let id = self.ids.ec2("sg");
        a.insert("name".into(), s(name));
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:security-group/{id}", caller.region, caller.account)));
        fill(a, "owner_id", s(&caller.account));
        fill(a, "description", s("Managed by Terraform"));
        fill(a, "ingress", Value::Set(vec![]));
        fill(a, "egress", Value::Set(vec![]));
        fill(a, "revoke_rules_on_delete", Value::Bool(false));
        Ok(id)
    }

    fn create_default_sg(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let vpc_id = str_of(a, "vpc_id").unwrap_or("").to_string();
        let vpc = self.vpc_of_caller(caller, &vpc_id)?;
        let id = str_of(&vpc, "default_security_group_id").unwrap_or("").to_string();
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:security-group/{id}", caller.region, caller.account)));
        fill(a, "owner_id", s(&caller.account));
        fill(a, "name", s("default"));
        fill(a, "description", s("default VPC security group"));
        fill(a, "ingress", Value::Set(vec![]));
        fill(a, "egress", Value::Set(vec![]));
        fill(a, "revoke_rules_on_delete", Value::Bool(false));
        fill(a, "name_prefix", s(""));
        Ok(id)
    }

    fn create_sg_rule(&mut self, caller: &Caller, ty: &str, a: &mut Attrs) -> R<String> {
        let sg = str_of(a, "security_group_id").unwrap_or("").to_string();
        match self.obj(&sg, &["aws_security_group", "aws_default_security_group"]) {
            Some(o) if o.account == caller.account => {}
            _ => return Err(ApiError::new("InvalidGroup.NotFound", format!("The security group '{sg}' does not exist"))),
        }
        let rule_id = self.ids.ec2("sgr");
        if ty == "aws_security_group_rule" {
            let digits: String = self.ids.hex(10).bytes().map(|b| (b'0' + b % 10) as char).collect();
            fill(a, "security_group_rule_id", s(&rule_id));
            fill(a, "self", Value::Bool(false));
            fill(a, "source_security_group_id", Value::Null);
            return Ok(format!("sgrule-{digits}"));
        }
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:security-group-rule/{rule_id}", caller.region, caller.account)));
        fill(a, "security_group_rule_id", s(&rule_id));
        Ok(rule_id)
    }

    fn vpc_default_sg(&self, vpc_id: &str) -> Option<String> {
        str_of(&self.attrs_of(vpc_id), "default_security_group_id").map(str::to_string)
    }

    /// The caller's subnet's attributes (shared, not copied).
    fn subnet_of_caller(&self, caller: &Caller, id: &str) -> R<plcli_lang::ValueMap> {
        match self.obj(id, &["aws_subnet"]) {
            Some(o) if o.account == caller.account && o.region == caller.region => Ok(shared_attrs(&o.attrs)),
            _ => Err(ApiError::new("InvalidSubnetID.NotFound", format!("The subnet ID '{id}' does not exist"))),
        }
    }

    fn check_sgs(&self, caller: &Caller, ids: &[String]) -> R<()> {
        self.check_quota(caller, "security_groups_per_eni", ids.len().saturating_sub(1))?;
        for sg in ids {
            match self.obj(sg, &["aws_security_group", "aws_default_security_group"]) {
                Some(o) if o.account == caller.account => {}
                _ => return Err(ApiError::new("InvalidSecurityGroupID.NotFound", format!("The security group ID '{sg}' does not exist"))),
            }
        }
        Ok(())
    }

    fn create_instance(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let subnet_id = str_of(a, "subnet_id").unwrap_or("").to_string();
        let subnet = self.subnet_of_caller(caller, &subnet_id)?;
        let vpc_id = str_of(&subnet, "vpc_id").unwrap_or("").to_string();
        let mut sgs = strs_of(a, "vpc_security_group_ids");
        if sgs.is_empty() {
            sgs = self.vpc_default_sg(&vpc_id).into_iter().collect();
        }
        self.check_sgs(caller, &sgs)?;
        let wanted = str_of(a, "private_ip").map(str::to_string);
        let ip = self.alloc_ip(&subnet_id, wanted.as_deref())?;
        let id = self.ids.ec2("i");
        let eni = self.ids.ec2("eni");
        a.insert("private_ip".into(), s(&ip));
        a.insert("vpc_security_group_ids".into(), Value::set(sgs.iter().map(s).collect()));
        fill(a, "availability_zone", subnet.get("availability_zone").cloned().unwrap_or(Value::Null));
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:instance/{id}", caller.region, caller.account)));
        fill(a, "primary_network_interface_id", s(&eni));
        fill(a, "private_dns", s(format!("ip-{}.ec2.internal", ip.replace('.', "-"))));
        fill(a, "instance_state", s("running"));
        fill(a, "security_groups", Value::Set(vec![]));
        fill(a, "associate_public_ip_address", Value::Bool(false));
        fill(a, "public_ip", s(""));
        fill(a, "public_dns", s(""));
        fill(a, "tenancy", s("default"));
        fill(a, "outpost_arn", s(""));
        fill(a, "password_data", s(""));
        fill(a, "ipv6_address_count", Value::Number(0.0));
        fill(a, "ipv6_addresses", list(vec![]));
        fill(a, "secondary_private_ips", Value::Set(vec![]));
        fill(a, "source_dest_check", Value::Bool(true));
        fill(a, "monitoring", Value::Bool(false));
        fill(a, "ebs_optimized", Value::Bool(false));
        fill(a, "get_password_data", Value::Bool(false));
        fill(a, "hibernation", Value::Bool(false));
        fill(a, "user_data_replace_on_change", Value::Bool(false));
        let mut internal = BTreeMap::new();
        internal.insert("vpc_id".to_string(), s(&vpc_id));
        self.put(
            &id,
            Object {
                ty: "aws_instance".into(),
                account: caller.account.clone(),
                region: caller.region.clone(),
                attrs: Value::Null,
                internal,
            },
        );
        Ok(id)
    }

    fn create_eni(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let subnet_id = str_of(a, "subnet_id").unwrap_or("").to_string();
        let subnet = self.subnet_of_caller(caller, &subnet_id)?;
        let vpc_id = str_of(&subnet, "vpc_id").unwrap_or("").to_string();
        let mut sgs = strs_of(a, "security_groups");
        if sgs.is_empty() {
            sgs = self.vpc_default_sg(&vpc_id).into_iter().collect();
        }
        self.check_sgs(caller, &sgs)?;
        let wanted = str_of(a, "private_ip").map(str::to_string);
        let ip = self.alloc_ip(&subnet_id, wanted.as_deref())?;
        let id = self.ids.ec2("eni");
        a.insert("private_ip".into(), s(&ip));
        a.insert("private_ips".into(), Value::set(vec![s(&ip)]));
        a.insert("security_groups".into(), Value::set(sgs.iter().map(s).collect()));
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:network-interface/{id}", caller.region, caller.account)));
        fill(a, "owner_id", s(&caller.account));
        fill(
            a,
            "mac_address",
            s(format!(
                "02:{}",
                self.ids.hex(10).as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(":")
            )),
        );
        fill(a, "private_dns_name", s(format!("ip-{}.ec2.internal", ip.replace('.', "-"))));
        fill(a, "interface_type", s("interface"));
        fill(a, "source_dest_check", Value::Bool(true));
        fill(a, "private_ips_count", Value::Number(0.0));
        Ok(id)
    }

    fn create_opaque(&mut self, caller: &Caller, ty: &str, a: &mut Attrs) -> String {
        let id = match a.get("name").and_then(Value::as_str) {
            Some(n) => n.to_string(),
            None => format!("{}-{}", ty.trim_start_matches("aws_").replace('_', "-"), self.ids.hex(12)),
        };
        if let Some(rest) = ty.strip_prefix("aws_") {
            let mut parts = rest.splitn(2, '_');
            let service = parts.next().unwrap_or("");
            let kind = parts.next().unwrap_or(service).replace('_', "-");
            let arn = match service {
                "iam" => format!("arn:aws:iam::{}:{kind}/{id}", caller.account),
                "s3" => format!("arn:aws:s3:::{id}"),
                _ => format!("arn:aws:{service}:{}:{}:{kind}/{id}", caller.region, caller.account),
            };
            fill(a, "arn", s(arn));
        }
        id
    }

    // ------------------------------------------------------------------ load balancing

    fn create_lb(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let lb_type = str_of(a, "load_balancer_type").unwrap_or("application").to_string();
        let mut subnets = strs_of(a, "subnets");
        if let Some(maps) = a.get("subnet_mapping").and_then(Value::as_seq) {
            for m in maps {
                if let Some(id) = m.get_attr("subnet_id").and_then(Value::as_str) {
                    if !subnets.iter().any(|s| s == id) {
                        subnets.push(id.to_string());
                    }
                }
            }
        }
        let mut vpc = None;
        let mut seen_az: BTreeMap<String, String> = BTreeMap::new();
        let mut zones = Vec::new();
        for sn in &subnets {
            let sa = self
                .subnet_of_caller(caller, sn)
                .map_err(|_| ApiError::new("SubnetNotFound", format!("The subnet ID '{sn}' is not valid")))?;
            let az_id = str_of(&sa, "availability_zone_id").unwrap_or("").to_string();
            if let Some(other) = seen_az.insert(az_id.clone(), sn.clone()) {
                let _ = other;
                return Err(ApiError::new(
                    "InvalidConfigurationRequest",
                    "A load balancer cannot be attached to multiple subnets in the same Availability Zone",
                ));
            }
            vpc = str_of(&sa, "vpc_id").map(str::to_string);
            zones.push((sn.clone(), str_of(&sa, "availability_zone").unwrap_or("").to_string(), az_id));
        }
        let name = match (str_of(a, "name"), str_of(a, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => format!("{p}{}", self.ids.hex(6)),
            (None, None) => format!("tf-lb-{}", self.ids.hex(20)),
        };
        for other in self.referencing("vpc_id", vpc.as_deref().unwrap_or(""), Some("aws_lb")).into_iter().chain(self.referencing(
            "vpc_id",
            vpc.as_deref().unwrap_or(""),
            Some("aws_alb"),
        )) {
            if str_of(&self.attrs_of(&other), "name") == Some(name.as_str()) {
                return Err(ApiError::new("DuplicateLoadBalancerName", format!("A load balancer with the name '{name}' already exists")));
            }
        }
        let sgs = strs_of(a, "security_groups");
        self.check_sgs(caller, &sgs)?;
        let short = if lb_type == "network" {
            "net"
        } else if lb_type == "gateway" {
            "gwy"
        } else {
            "app"
        };
        let hex = self.ids.hex(16);
        let arn = format!("arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{short}/{name}/{hex}", caller.region, caller.account);
        let internal_lb = bool_of(a, "internal").unwrap_or(false);
        let dns = if internal_lb && lb_type == "application" {
            format!("internal-{name}-{}.{}.elb.amazonaws.com", &hex[..10], caller.region)
        } else {
            format!("{name}-{hex}.elb.{}.amazonaws.com", caller.region)
        };
        // One node per AZ, with an address from that subnet.
        let mut nodes = BTreeMap::new();
        for (sn, _, az_id) in &zones {
            let ip = self.alloc_ip(sn, None)?;
            nodes.insert(az_id.clone(), s(ip));
        }
        a.insert("name".into(), s(&name));
        a.insert("subnets".into(), Value::set(subnets.iter().map(s).collect()));
        a.insert("arn".into(), s(&arn));
        a.insert("arn_suffix".into(), s(format!("{short}/{name}/{hex}")));
        fill(a, "dns_name", s(dns));
        fill(a, "zone_id", s(region_zone_for_nlb(&caller.region)));
        fill(a, "vpc_id", vpc.map(s).unwrap_or(Value::Null));
        fill(a, "internal", Value::Bool(false));
        fill(a, "load_balancer_type", s(&lb_type));
        fill(a, "security_groups", Value::Set(sgs.iter().map(s).collect()));
        fill(a, "ip_address_type", s("ipv4"));
        fill(a, "enable_cross_zone_load_balancing", Value::Bool(lb_type != "network"));
        fill(a, "enable_deletion_protection", Value::Bool(false));
        fill(a, "enforce_security_group_inbound_rules_on_private_link_traffic", s(if sgs.is_empty() { "" } else { "on" }));
        let mut internal = BTreeMap::new();
        internal.insert("nodes".to_string(), Value::Object(nodes.into_iter().collect()));
        self.put(
            &arn,
            Object { ty: "aws_lb".into(), account: caller.account.clone(), region: caller.region.clone(), attrs: Value::Null, internal },
        );
        Ok(arn)
    }

    fn create_tg(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let name = match (str_of(a, "name"), str_of(a, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => format!("{p}{}", self.ids.hex(6)),
            (None, None) => format!("tf-{}", self.ids.hex(26)),
        };
        if let Some(vpc) = str_of(a, "vpc_id") {
            self.vpc_of_caller(caller, vpc)?;
        }
        let hex = self.ids.hex(16);
        let arn = format!("arn:aws:elasticloadbalancing:{}:{}:targetgroup/{name}/{hex}", caller.region, caller.account);
        a.insert("name".into(), s(&name));
        a.insert("arn".into(), s(&arn));
        a.insert("arn_suffix".into(), s(format!("targetgroup/{name}/{hex}")));
        fill(a, "target_type", s("instance"));
        fill(a, "ip_address_type", s("ipv4"));
        fill(a, "load_balancer_arns", Value::Set(vec![]));
        fill(a, "connection_termination", Value::Bool(false));
        fill(a, "deregistration_delay", s("300"));
        fill(a, "preserve_client_ip", s("true"));
        fill(a, "proxy_protocol_v2", Value::Bool(false));
        fill(a, "slow_start", Value::Number(0.0));
        fill(a, "lambda_multi_value_headers_enabled", Value::Bool(false));
        fill(a, "load_balancing_algorithm_type", s(""));
        fill(a, "load_balancing_anomaly_mitigation", s(""));
        fill(a, "load_balancing_cross_zone_enabled", s("use_load_balancer_configuration"));
        fill(a, "protocol_version", s(""));
        Ok(arn)
    }

    fn create_listener(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let lb = str_of(a, "load_balancer_arn").unwrap_or("").to_string();
        let lb_attrs = match self.obj(&lb, &["aws_lb", "aws_alb"]) {
            Some(o) if o.account == caller.account => shared_attrs(&o.attrs),
            _ => return Err(ApiError::new("LoadBalancerNotFound", format!("One or more load balancers not found: '{lb}'"))),
        };
        let port = a.get("port").and_then(Value::as_number).unwrap_or(0.0);
        let existing = self.referencing("load_balancer_arn", &lb, Some("aws_lb_listener"));
        for l in &existing {
            if self.attrs_of(l).get("port").and_then(Value::as_number) == Some(port) {
                return Err(ApiError::new("DuplicateListener", "A listener already exists on this port for this load balancer"));
            }
        }
        self.check_quota(caller, "listeners_per_nlb", existing.len())?;
        let suffix = str_of(&lb_attrs, "arn_suffix").unwrap_or("net/x/0").to_string();
        let arn = format!("arn:aws:elasticloadbalancing:{}:{}:listener/{suffix}/{}", caller.region, caller.account, self.ids.hex(16));
        a.insert("arn".into(), s(&arn));
        let network = str_of(&lb_attrs, "load_balancer_type") == Some("network");
        fill(a, "protocol", s(if network { "TCP" } else { "HTTP" }));
        fill(a, "ssl_policy", s(""));
        fill(a, "certificate_arn", Value::Null);
        fill(a, "tcp_idle_timeout_seconds", if network { Value::Number(350.0) } else { Value::Null });
        for tg in a
            .get("default_action")
            .and_then(Value::as_seq)
            .map(|acts| {
                acts.iter().filter_map(|x| x.get_attr("target_group_arn").and_then(Value::as_str).map(str::to_string)).collect::<Vec<_>>()
            })
            .unwrap_or_default()
        {
            if self.obj(&tg, &["aws_lb_target_group", "aws_alb_target_group"]).is_none() {
                return Err(ApiError::new("TargetGroupNotFound", format!("One or more target groups not found: '{tg}'")));
            }
        }
        Ok(arn)
    }

    fn create_tg_attachment(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let tg = str_of(a, "target_group_arn").unwrap_or("").to_string();
        if !matches!(self.obj(&tg, &["aws_lb_target_group", "aws_alb_target_group"]), Some(o) if o.account == caller.account) {
            return Err(ApiError::new("TargetGroupNotFound", format!("One or more target groups not found: '{tg}'")));
        }
        let target = str_of(a, "target_id").unwrap_or("").to_string();
        let tg_type = str_of(&self.attrs_of(&tg), "target_type").unwrap_or("instance").to_string();
        if tg_type == "instance" && self.obj(&target, &["aws_instance"]).is_none() {
            return Err(ApiError::new("InvalidTarget", format!("The following targets are not valid instances: '{target}'")));
        }
        let existing = self.referencing("target_group_arn", &tg, Some("aws_lb_target_group_attachment")).len();
        self.check_quota(caller, "targets_per_nlb", existing)?;
        let digits: String = self.ids.hex(20).bytes().map(|b| (b'0' + b % 10) as char).collect();
        Ok(format!("{tg}-{digits}"))
    }

    // ------------------------------------------------------------------ PrivateLink

    /// The AZ IDs a service's NLBs (given by ARN) have nodes in: where it can be reached.
    pub fn service_az_ids(&self, lbs: &[String]) -> BTreeSet<String> {
        lbs.iter()
            .flat_map(|lb| {
                self.objects
                    .get(lb)
                    .and_then(|o| {
                        o.internal.get("nodes").and_then(|n| n.as_map().map(|m| m.keys().map(|k| k.to_string()).collect::<Vec<_>>()))
                    })
                    .unwrap_or_default()
            })
            .collect()
    }

    fn active_connections(&self, service_id: &str) -> usize {
        self.count_referencing("vpc_endpoint_service_id", service_id, Some("aws_vpc_endpoint"))
    }

    fn create_service(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let lbs = strs_of(a, "network_load_balancer_arns");
        for lb in &lbs {
            match self.obj(lb, &["aws_lb", "aws_alb"]) {
                Some(o)
                    if o.account == caller.account && o.attrs.get_attr("load_balancer_type").and_then(Value::as_str) == Some("network") => {
                }
                Some(_) => return Err(ApiError::new("InvalidParameter", format!("Load balancer {lb} is not a Network Load Balancer"))),
                None => {
                    return Err(ApiError::new(
                        "InvalidNetworkLoadBalancerArn.NotFound",
                        format!("The specified Network Load Balancer ARN '{lb}' does not exist."),
                    ))
                }
            }
        }
        let existing = self
            .objects
            .values()
            .filter(|o| o.ty == "aws_vpc_endpoint_service" && o.account == caller.account && o.region == caller.region)
            .count();
        if caller.quotas.contains_key("endpoint_services_per_region") {
            self.check_quota(caller, "endpoint_services_per_region", existing)?;
        }
        let id = self.ids.ec2("vpce-svc");
        let az_ids = self.service_az_ids(&lbs);
        let mut names: Vec<String> = az_ids.iter().filter_map(|z| self.az_name(&caller.account, &caller.region, z)).collect();
        names.sort();
        a.insert("service_name".into(), s(format!("com.amazonaws.vpce.{}.{id}", caller.region)));
        a.insert("availability_zones".into(), Value::set(names.into_iter().map(s).collect()));
        a.insert("base_endpoint_dns_names".into(), Value::set(vec![s(format!("{id}.{}.vpce.amazonaws.com", caller.region))]));
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:vpc-endpoint-service/{id}", caller.region, caller.account)));
        fill(a, "service_type", s("Interface"));
        fill(a, "state", s("Available"));
        fill(a, "manages_vpc_endpoints", Value::Bool(false));
        fill(a, "supported_ip_address_types", Value::set(vec![s("ipv4")]));
        fill(a, "gateway_load_balancer_arns", Value::Set(vec![]));
        fill(a, "allowed_principals", Value::Set(vec![]));
        fill(a, "network_load_balancer_arns", Value::Set(vec![]));
        let mut internal = BTreeMap::new();
        match str_of(a, "private_dns_name").map(str::to_string) {
            Some(name) => {
                let cfg = self.dns_config(&name, "pendingVerification");
                a.insert("private_dns_name_configuration".into(), cfg);
                internal.insert("dns_state".to_string(), s("pendingVerification"));
            }
            None => {
                a.insert("private_dns_name".into(), s(""));
                a.insert("private_dns_name_configuration".into(), list(vec![]));
            }
        }
        self.put(
            &id,
            Object {
                ty: "aws_vpc_endpoint_service".into(),
                account: caller.account.clone(),
                region: caller.region.clone(),
                attrs: Value::Null,
                internal,
            },
        );
        Ok(id)
    }

    fn dns_config(&mut self, _name: &str, state: &str) -> Value {
        let txt_name = format!("_{}", self.ids.alnum(20));
        let value = format!("vpce:{}", self.ids.alnum_mixed(20));
        list(vec![Value::Object(
            [
                ("name".to_string(), s(txt_name)),
                ("state".to_string(), s(state)),
                ("type".to_string(), s("TXT")),
                ("value".to_string(), s(value)),
            ]
            .into_iter()
            .collect(),
        )])
    }

    fn update_service(&mut self, caller: &Caller, id: &str, prior: &Attrs, a: &mut Attrs) -> R<()> {
        let before: BTreeSet<String> = strs_of(prior, "network_load_balancer_arns").into_iter().collect();
        let after: BTreeSet<String> = strs_of(a, "network_load_balancer_arns").into_iter().collect();
        if before != after {
            if before.difference(&after).next().is_some() && self.active_connections(id) > 0 {
                return Err(ApiError::new("ExistingVpcEndpointConnections", "Service has existing active VPC Endpoint connections!"));
            }
            let lbs: Vec<String> = after.into_iter().collect();
            let az_ids = self.service_az_ids(&lbs);
            let names: Vec<Value> = az_ids.iter().filter_map(|z| self.az_name(&caller.account, &caller.region, z)).map(s).collect();
            a.insert("availability_zones".into(), Value::set(names));
        }
        if str_of(prior, "private_dns_name") != str_of(a, "private_dns_name") {
            match str_of(a, "private_dns_name").map(str::to_string) {
                Some(name) if !name.is_empty() => {
                    let cfg = self.dns_config(&name, "pendingVerification");
                    a.insert("private_dns_name_configuration".into(), cfg);
                    if let Some(o) = self.object_mut(id) {
                        o.internal.insert("dns_state".into(), s("pendingVerification"));
                    }
                }
                _ => {
                    a.insert("private_dns_name".into(), s(""));
                    a.insert("private_dns_name_configuration".into(), list(vec![]));
                }
            }
        }
        Ok(())
    }

    fn own_service(&self, caller: &Caller, id: &str) -> R<plcli_lang::ValueMap> {
        match self.obj(id, &["aws_vpc_endpoint_service"]) {
            Some(o) if o.account == caller.account && o.region == caller.region => Ok(shared_attrs(&o.attrs)),
            _ => Err(ApiError::new("InvalidVpcEndpointServiceId.NotFound", format!("The Vpc Endpoint Service Id '{id}' does not exist"))),
        }
    }

    fn create_allowed_principal(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let svc = str_of(a, "vpc_endpoint_service_id").unwrap_or("").to_string();
        let svc_attrs = self.own_service(caller, &svc)?;
        let principal = str_of(a, "principal_arn").unwrap_or("").to_string();
        if principal != "*" && !principal.starts_with("arn:") {
            return Err(ApiError::new("InvalidPrincipal", format!("Invalid principal {principal}")));
        }
        let count = self.count_referencing("vpc_endpoint_service_id", &svc, Some("aws_vpc_endpoint_service_allowed_principal"))
            + strs_of(&svc_attrs, "allowed_principals").len();
        if caller.quotas.contains_key("allowed_principals_per_service") {
            self.check_quota(caller, "allowed_principals_per_service", count)?;
        }
        Ok(self.ids.ec2("vpce-svc-perm"))
    }

    /// Every allowed principal of a service: inline and separate resources.
    pub fn allowed_principals(&self, service_id: &str) -> Vec<String> {
        let mut out = strs_of(&self.attrs_of(service_id), "allowed_principals");
        for p in self.referencing("vpc_endpoint_service_id", service_id, Some("aws_vpc_endpoint_service_allowed_principal")) {
            if let Some(arn) = str_of(&self.attrs_of(&p), "principal_arn") {
                out.push(arn.to_string());
            }
        }
        out
    }

    /// Whether `allowed_principals(service_id)` has an entry that admits `principal`, found by
    /// looking up the few entries that could (`*`, the principal, its account root or ID)
    /// rather than by listing every entry.
    pub fn principal_allowed(&self, service_id: &str, principal: &str) -> bool {
        if strs_of(&self.attrs_of(service_id), "allowed_principals").iter().any(|p| principal_matches(p, principal)) {
            return true;
        }
        let account = principal.split(':').nth(4);
        let root = account.map(|a| format!("arn:aws:iam::{a}:root"));
        let bare = account.filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
        let admitted = ["*", principal].into_iter().chain(root.as_deref()).chain(bare).any(|entry| {
            self.referencing_iter("principal_arn", entry, "aws_vpc_endpoint_service_allowed_principal").any(|p| {
                self.objects.get(p).and_then(|o| o.attrs.get_attr("vpc_endpoint_service_id")).and_then(Value::as_str) == Some(service_id)
            })
        });
        admitted
    }

    /// The endpoint service with this name that `caller` may use.
    pub fn service_by_name(&self, caller: &Caller, name: &str) -> R<String> {
        let not_found = || ApiError::new("InvalidServiceName", format!("The Vpc Endpoint Service '{name}' does not exist"));
        let id = self.referencing("service_name", name, Some("aws_vpc_endpoint_service")).into_iter().next().ok_or_else(not_found)?;
        let obj = &self.objects[&id];
        if obj.region != caller.region {
            return Err(not_found());
        }
        if !self.principal_allowed(&id, &caller.principal) {
            return Err(not_found());
        }
        Ok(id)
    }

    fn dns_verified(&self, service_id: &str) -> bool {
        self.objects.get(service_id).and_then(|o| o.internal.get("dns_state")).and_then(Value::as_str) == Some("verified")
    }

    /// What AWS checks before it enables private DNS on an endpoint in `vpc_id` (at create,
    /// or later through ModifyVpcEndpoint): both VPC DNS attributes, a verified private DNS
    /// name on the service, and no other endpoint or private zone claiming the name in the VPC.
    fn check_private_dns(&self, vpc_id: &str, vpc: &Attrs, svc: &str, service_name: &str, svc_dns: &str, except: Option<&str>) -> R<()> {
        if !(bool_of(vpc, "enable_dns_support").unwrap_or(false) && bool_of(vpc, "enable_dns_hostnames").unwrap_or(false)) {
            return Err(ApiError::new(
                "InvalidParameter",
                format!(
                    "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {vpc_id}"
                ),
            ));
        }
        if svc_dns.is_empty() {
            return Err(ApiError::new(
                "InvalidParameter",
                format!("Private DNS can't be enabled because the service {service_name} does not provide a private DNS name."),
            ));
        }
        if !self.dns_verified(svc) {
            return Err(ApiError::new(
                "InvalidParameter",
                format!("Private DNS can't be enabled because the service {service_name} has not verified the private DNS name."),
            ));
        }
        let conflict = || {
            ApiError::new(
                "InvalidParameter",
                format!(
                    "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {svc_dns} in the VPC {vpc_id}"
                ),
            )
        };
        let zone_claims = self.referencing("name", svc_dns, Some("aws_route53_zone")).into_iter().any(|z| {
            self.get(&z)
                .and_then(|o| {
                    o.attrs
                        .get_attr("vpc")
                        .and_then(Value::as_seq)
                        .map(|v| v.iter().any(|b| b.get_attr("vpc_id").and_then(Value::as_str) == Some(vpc_id)))
                })
                .unwrap_or(false)
        });
        if zone_claims {
            return Err(conflict());
        }
        for other in self.referencing("vpc_id", vpc_id, Some("aws_vpc_endpoint")) {
            if Some(other.as_str()) == except {
                continue;
            }
            let other_dns = self.objects.get(&other).and_then(|o| o.internal.get("private_dns_name")).and_then(Value::as_str);
            if other_dns == Some(svc_dns) {
                return Err(conflict());
            }
        }
        Ok(())
    }

    fn create_endpoint(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let ep_type = str_of(a, "vpc_endpoint_type").unwrap_or("Gateway").to_string();
        let vpc_id = str_of(a, "vpc_id").unwrap_or("").to_string();
        let vpc = self.vpc_of_caller(caller, &vpc_id)?;
        let service_name = str_of(a, "service_name").unwrap_or("").to_string();
        let id_hex = self.ids.hex(17);
        let id = format!("vpce-{id_hex}");
        fill(a, "arn", s(format!("arn:aws:ec2:{}:{}:vpc-endpoint/{id}", caller.region, caller.account)));
        fill(a, "owner_id", s(&caller.account));
        fill(a, "requester_managed", Value::Bool(false));
        fill(a, "cidr_blocks", list(vec![]));
        fill(a, "prefix_list_id", Value::Null);
        fill(a, "route_table_ids", Value::Set(vec![]));
        fill(a, "ip_address_type", s("ipv4"));
        fill(a, "auto_accept", Value::Null);
        let aws_service = service_name.starts_with(&format!("com.amazonaws.{}.", caller.region));
        if ep_type == "Gateway" || aws_service {
            if ep_type == "Gateway" && !strs_of(a, "subnet_ids").is_empty() {
                return Err(ApiError::new(
                    "InvalidParameter",
                    "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.",
                ));
            }
            a.insert("state".into(), s("available"));
            fill(a, "dns_entry", list(vec![]));
            fill(a, "network_interface_ids", Value::Set(vec![]));
            fill(a, "subnet_ids", Value::Set(vec![]));
            fill(a, "security_group_ids", Value::Set(vec![]));
            fill(a, "private_dns_enabled", Value::Bool(false));
            return Ok(id);
        }
        let svc = self.service_by_name(caller, &service_name)?;
        let (svc_account, svc_attrs) = {
            let o = &self.objects[&svc];
            (o.account.clone(), shared_attrs(&o.attrs))
        };
        let svc_az_ids = self.service_az_ids(&strs_of(&svc_attrs, "network_load_balancer_arns"));
        let subnets = strs_of(a, "subnet_ids");
        let mut by_az: BTreeMap<String, String> = BTreeMap::new();
        let mut zones = Vec::new();
        for sn in &subnets {
            let sa = self.subnet_of_caller(caller, sn)?;
            if str_of(&sa, "vpc_id") != Some(vpc_id.as_str()) {
                return Err(ApiError::new("InvalidParameter", format!("The subnet '{sn}' does not belong to the VPC '{vpc_id}'.")));
            }
            let az_id = str_of(&sa, "availability_zone_id").unwrap_or("").to_string();
            let az_name = str_of(&sa, "availability_zone").unwrap_or("").to_string();
            if by_az.insert(az_id.clone(), sn.clone()).is_some() {
                return Err(ApiError::new("DuplicateSubnetsInSameZone", format!("Found another VPC endpoint subnet in the availability zone of {sn}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.")));
            }
            if !svc_az_ids.contains(&az_id) {
                return Err(ApiError::new(
                    "InvalidParameter",
                    format!("The VPC endpoint service {service_name} does not support the availability zone of the subnet: {sn}."),
                ));
            }
            zones.push((sn.clone(), az_name, az_id));
        }
        let private_dns = bool_of(a, "private_dns_enabled").unwrap_or(false);
        let svc_dns = str_of(&svc_attrs, "private_dns_name").unwrap_or("").to_string();
        if private_dns {
            self.check_private_dns(&vpc_id, &vpc, &svc, &service_name, &svc_dns, None)?;
        }
        let existing = self.referencing("vpc_id", &vpc_id, Some("aws_vpc_endpoint")).len();
        self.check_quota(caller, "interface_endpoints_per_vpc", existing)?;
        let mut sgs = strs_of(a, "security_group_ids");
        if sgs.is_empty() {
            sgs = str_of(&vpc, "default_security_group_id").map(str::to_string).into_iter().collect();
        }
        self.check_sgs(caller, &sgs)?;
        // One requester-managed ENI per subnet.
        let mut enis = Vec::new();
        for (sn, az_name, az_id) in &zones {
            let ip = self.alloc_ip(sn, None)?;
            let eni = self.ids.ec2("eni");
            let attrs: Attrs = [
                ("id", s(&eni)),
                ("subnet_id", s(sn)),
                ("private_ip", s(&ip)),
                ("security_groups", Value::set(sgs.iter().map(s).collect())),
                ("description", s(format!("VPC Endpoint Interface {id}"))),
                ("interface_type", s("vpc_endpoint")),
                ("requester_managed", Value::Bool(true)),
                ("availability_zone", s(az_name)),
                ("availability_zone_id", s(az_id)),
                ("vpc_id", s(&vpc_id)),
                ("vpc_endpoint_id", s(&id)),
            ]
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect();
            self.put(
                &eni,
                Object {
                    ty: "aws_network_interface".into(),
                    account: caller.account.clone(),
                    region: caller.region.clone(),
                    attrs: Value::Object(attrs.into()),
                    internal: BTreeMap::new(),
                },
            );
            enis.push(eni);
        }
        let rand = self.ids.alnum(8);
        let base = format!("{id}-{rand}.{svc}.{}.vpce.amazonaws.com", caller.region);
        let zone = vpce_zone(&caller.region);
        let entry = |name: String| {
            Value::Object([("dns_name".to_string(), s(name)), ("hosted_zone_id".to_string(), s(zone))].into_iter().collect())
        };
        let mut dns = vec![entry(base)];
        for (_, az_name, _) in &zones {
            dns.push(entry(format!("{id}-{rand}-{az_name}.{svc}.{}.vpce.amazonaws.com", caller.region)));
        }
        if private_dns {
            dns.push(entry(svc_dns.clone()));
        }
        let same_account = svc_account == caller.account;
        let needs_acceptance = bool_of(&svc_attrs, "acceptance_required").unwrap_or(true);
        let auto_accept = bool_of(a, "auto_accept").unwrap_or(false) && same_account;
        let state = if needs_acceptance && !auto_accept { "pendingAcceptance" } else { "available" };
        a.insert("state".into(), s(state));
        a.insert("dns_entry".into(), list(dns));
        a.insert("network_interface_ids".into(), Value::set(enis.iter().map(s).collect()));
        a.insert("security_group_ids".into(), Value::set(sgs.iter().map(s).collect()));
        a.insert("subnet_ids".into(), Value::set(subnets.iter().map(s).collect()));
        fill(a, "private_dns_enabled", Value::Bool(false));
        fill(
            a,
            "dns_options",
            list(vec![Value::Object(
                [
                    ("dns_record_ip_type".to_string(), s("ipv4")),
                    ("private_dns_only_for_inbound_resolver_endpoint".to_string(), Value::Bool(false)),
                ]
                .into_iter()
                .collect(),
            )]),
        );
        fill(a, "policy", s(r#"{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}"#));
        let mut internal = BTreeMap::new();
        internal.insert("service_id".to_string(), s(&svc));
        internal.insert("principal".to_string(), s(&caller.principal));
        if private_dns {
            internal.insert("private_dns_name".to_string(), s(&svc_dns));
        }
        // Indexed by service so the provider side finds its connections by lookup.
        a.insert("vpc_endpoint_service_id".into(), s(&svc));
        self.put(
            &id,
            Object {
                ty: "aws_vpc_endpoint".into(),
                account: caller.account.clone(),
                region: caller.region.clone(),
                attrs: Value::Null,
                internal,
            },
        );
        self.event("Connect", &svc, &id, &caller.account, &caller.principal);
        if state == "available" {
            self.event("Accept", &svc, &id, &caller.account, &caller.principal);
        }
        Ok(id)
    }

    fn update_endpoint(&mut self, caller: &Caller, id: &str, prior: &Attrs, a: &mut Attrs) -> R<()> {
        // The service's connection state is the world's, never the configuration's.
        if let Some(st) = prior.get("state") {
            a.insert("state".into(), st.clone());
        }
        if let Some(v) = prior.get("vpc_endpoint_service_id") {
            a.insert("vpc_endpoint_service_id".into(), v.clone());
        }
        // private_dns_enabled changes in place (ModifyVpcEndpoint), with the checks of create.
        let before = bool_of(prior, "private_dns_enabled").unwrap_or(false);
        let after = bool_of(a, "private_dns_enabled").unwrap_or(false);
        if before == after {
            return Ok(());
        }
        let svc = self.objects.get(id).and_then(|o| o.internal.get("service_id")).and_then(Value::as_str).unwrap_or("").to_string();
        let svc_attrs = self.attrs_of(&svc);
        let svc_dns = str_of(&svc_attrs, "private_dns_name").unwrap_or("").to_string();
        let mut entries: Vec<Value> = a.get("dns_entry").and_then(Value::as_seq).map(<[Value]>::to_vec).unwrap_or_default();
        if after {
            let vpc_id = str_of(prior, "vpc_id").unwrap_or("").to_string();
            let vpc = self.vpc_of_caller(caller, &vpc_id)?;
            let service_name = str_of(prior, "service_name").unwrap_or("").to_string();
            self.check_private_dns(&vpc_id, &vpc, &svc, &service_name, &svc_dns, Some(id))?;
            let zone = entries.first().and_then(|e| e.get_attr("hosted_zone_id").cloned()).unwrap_or(Value::Null);
            entries
                .push(Value::Object([("dns_name".to_string(), s(&svc_dns)), ("hosted_zone_id".to_string(), zone)].into_iter().collect()));
            if let Some(o) = self.object_mut(id) {
                o.internal.insert("private_dns_name".into(), s(&svc_dns));
            }
        } else {
            let claimed =
                self.objects.get(id).and_then(|o| o.internal.get("private_dns_name")).and_then(|v| v.as_str().map(str::to_string));
            if let Some(name) = claimed {
                entries.retain(|e| e.get_attr("dns_name").and_then(Value::as_str) != Some(name.as_str()));
            }
            if let Some(o) = self.object_mut(id) {
                o.internal.remove("private_dns_name");
            }
        }
        a.insert("dns_entry".into(), list(entries));
        Ok(())
    }

    /// Moves a connection to `available` or `rejected` (provider side only).
    pub fn set_connection_state(&mut self, caller: &Caller, service_id: &str, vpce: &str, to: &str) -> R<()> {
        self.own_service(caller, service_id)?;
        let Some(obj) = self.objects.get(vpce).cloned() else {
            return Err(ApiError::new("InvalidVpcEndpointId.NotFound", format!("The Vpc Endpoint Id '{vpce}' does not exist")));
        };
        if obj.internal.get("service_id").and_then(Value::as_str) != Some(service_id) {
            return Err(ApiError::new("InvalidVpcEndpointId.NotFound", format!("The Vpc Endpoint Id '{vpce}' does not exist")));
        }
        let mut a = obj.attrs.as_map().cloned().unwrap_or_default();
        let from = str_of(&a, "state").unwrap_or("").to_string();
        let ok = match to {
            "available" => from == "pendingAcceptance" || from == "available",
            "rejected" => from == "pendingAcceptance" || from == "available" || from == "rejected",
            _ => false,
        };
        if !ok {
            return Err(ApiError::new("InvalidState", format!("Endpoint {vpce} is in state {from} and cannot be moved to {to}.")));
        }
        a.insert("state".into(), s(to));
        let principal = obj.internal.get("principal").and_then(Value::as_str).unwrap_or("").to_string();
        let owner = obj.account.clone();
        self.put(vpce, Object { attrs: Value::Object(a.into()), ..obj });
        // An accepter reads the connection's state back (DescribeVpcEndpointConnections).
        for acc in self.referencing("vpc_endpoint_id", vpce, Some("aws_vpc_endpoint_connection_accepter")) {
            if let Some(o) = self.objects.get(&acc).cloned() {
                let mut aa = o.attrs.as_map().cloned().unwrap_or_default();
                if str_of(&aa, "vpc_endpoint_service_id") == Some(service_id) {
                    aa.insert("vpc_endpoint_state".into(), s(to));
                    self.put(&acc, Object { attrs: Value::Object(aa.into()), ..o });
                }
            }
        }
        if from != to {
            self.event(if to == "available" { "Accept" } else { "Reject" }, service_id, vpce, &owner, &principal);
        }
        Ok(())
    }

    fn create_accepter(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let svc = str_of(a, "vpc_endpoint_service_id").unwrap_or("").to_string();
        let vpce = str_of(a, "vpc_endpoint_id").unwrap_or("").to_string();
        self.set_connection_state(caller, &svc, &vpce, "available")?;
        a.insert("vpc_endpoint_state".into(), s("available"));
        Ok(format!("{svc}_{vpce}"))
    }

    fn create_notification(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        if let Some(svc) = str_of(a, "vpc_endpoint_service_id").map(str::to_string) {
            self.own_service(caller, &svc)?;
        }
        fill(a, "notification_type", s("Topic"));
        fill(a, "state", s("Enabled"));
        Ok(self.ids.ec2("vpce-nfn"))
    }

    fn create_subnet_association(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let vpce = str_of(a, "vpc_endpoint_id").unwrap_or("").to_string();
        let sn = str_of(a, "subnet_id").unwrap_or("").to_string();
        self.subnet_of_caller(caller, &sn)?;
        if self.obj(&vpce, &["aws_vpc_endpoint"]).is_none() {
            return Err(ApiError::new("InvalidVpcEndpointId.NotFound", format!("The Vpc Endpoint Id '{vpce}' does not exist")));
        }
        Ok(format!("a-{vpce}{}", self.ids.hex(8)))
    }

    fn create_sg_association(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let vpce = str_of(a, "vpc_endpoint_id").unwrap_or("").to_string();
        let sg = str_of(a, "security_group_id").unwrap_or("").to_string();
        self.check_sgs(caller, std::slice::from_ref(&sg))?;
        if self.obj(&vpce, &["aws_vpc_endpoint"]).is_none() {
            return Err(ApiError::new("InvalidVpcEndpointId.NotFound", format!("The Vpc Endpoint Id '{vpce}' does not exist")));
        }
        fill(a, "replace_default_association", Value::Bool(false));
        Ok(format!("{vpce}/{sg}"))
    }

    /// Runs the private DNS verification check of a service (SPEC §3.3): `verified` when a
    /// public zone of the world holds the TXT record, else `failed`. Returns the new state.
    pub fn verify_private_dns(&mut self, caller: &Caller, service_id: &str) -> R<String> {
        let attrs = self.own_service(caller, service_id)?;
        let name = str_of(&attrs, "private_dns_name").unwrap_or("").to_string();
        if name.is_empty() {
            return Err(ApiError::new("InvalidParameter", format!("The service {service_id} does not have a private DNS name.")));
        }
        let cfg =
            attrs.get("private_dns_name_configuration").and_then(|c| c.as_seq().and_then(|s| s.first().cloned())).unwrap_or(Value::Null);
        let txt_name = cfg.get_attr("name").and_then(Value::as_str).unwrap_or("").to_string();
        let txt_value = cfg.get_attr("value").and_then(Value::as_str).unwrap_or("").to_string();
        let found = self.txt_published(&name, &txt_name, &txt_value);
        let state = if found { "verified" } else { "failed" };
        let mut a = attrs.clone();
        let mut cfg_m = cfg.as_map().cloned().unwrap_or_default();
        cfg_m.insert("state".into(), s(state));
        a.insert("private_dns_name_configuration".into(), list(vec![Value::Object(cfg_m.into())]));
        if let Some(obj) = self.objects.get(service_id).cloned() {
            let mut internal = obj.internal.clone();
            internal.insert("dns_state".into(), s(state));
            self.put(service_id, Object { attrs: Value::Object(a), internal, ..obj });
        }
        Ok(state.to_string())
    }

    /// Whether a public zone holds TXT `<txt_name>.<d>` (or at `<d>`) = `value` for the name
    /// or one of its parent domains.
    fn txt_published(&self, name: &str, txt_name: &str, value: &str) -> bool {
        let name = name.trim_start_matches("*.").trim_end_matches('.').to_lowercase();
        let mut candidates = Vec::new();
        let labels: Vec<&str> = name.split('.').collect();
        for i in 0..labels.len().saturating_sub(1) {
            let d = labels[i..].join(".");
            candidates.push(format!("{txt_name}.{d}"));
            candidates.push(d);
        }
        for (id, o) in &self.objects {
            if o.ty != "aws_route53_record" {
                continue;
            }
            let a = shared_attrs(&o.attrs);
            if str_of(&a, "type") != Some("TXT") {
                continue;
            }
            let zone = str_of(&a, "zone_id").unwrap_or("");
            let public =
                self.objects.get(zone).is_some_and(|z| z.attrs.get_attr("vpc").and_then(Value::as_seq).is_none_or(|v| v.is_empty()));
            let fqdn = str_of(&a, "fqdn").unwrap_or("").trim_end_matches('.').to_lowercase();
            let _ = id;
            if public && candidates.contains(&fqdn) && strs_of(&a, "records").iter().any(|r| r.trim_matches('"') == value) {
                return true;
            }
        }
        false
    }

    fn create_dns_verification(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let svc = str_of(a, "service_id").unwrap_or("").to_string();
        let state = self.verify_private_dns(caller, &svc)?;
        if state != "verified" && bool_of(a, "wait_for_verification").unwrap_or(false) {
            return Err(ApiError::new("PrivateDnsVerificationFailed", format!("The private DNS name of {svc} could not be verified: no TXT record with the verification value was found in a public hosted zone.")));
        }
        Ok(svc)
    }

    /// Re-checks every service whose private DNS name is still pending (AWS re-checks
    /// periodically; plcli does it at the end of every apply).
    pub fn recheck_pending_verifications(&mut self) {
        let pending: Vec<(String, String, String)> = self
            .objects
            .iter()
            .filter(|(_, o)| {
                o.ty == "aws_vpc_endpoint_service" && o.internal.get("dns_state").and_then(Value::as_str) == Some("pendingVerification")
            })
            .map(|(id, o)| (id.clone(), o.account.clone(), o.region.clone()))
            .collect();
        for (id, account, region) in pending {
            let caller = Caller {
                principal: format!("arn:aws:iam::{account}:root"),
                account,
                region,
                default_tags: BTreeMap::new(),
                quotas: BTreeMap::new(),
            };
            if let Some(name) = self.objects.get(&id).and_then(|o| o.attrs.get_attr("private_dns_name_configuration").cloned()) {
                let cfg = name.as_seq().and_then(|s| s.first().cloned()).unwrap_or(Value::Null);
                let n = str_of(&self.attrs_of(&id), "private_dns_name").unwrap_or("").to_string();
                let t = cfg.get_attr("name").and_then(Value::as_str).unwrap_or("").to_string();
                let v = cfg.get_attr("value").and_then(Value::as_str).unwrap_or("").to_string();
                if self.txt_published(&n, &t, &v) {
                    let _ = self.verify_private_dns(&caller, &id);
                }
            }
        }
    }

    // ------------------------------------------------------------------ DNS and SNS

    fn create_zone(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let name = str_of(a, "name").unwrap_or("").trim_end_matches('.').to_lowercase();
        let id = self.ids.zone_id();
        a.insert("name".into(), s(&name));
        fill(a, "arn", s(format!("arn:aws:route53:::hostedzone/{id}")));
        fill(a, "zone_id", s(&id));
        fill(a, "comment", s("Managed by Terraform"));
        fill(a, "force_destroy", Value::Bool(false));
        let private = a.get("vpc").and_then(Value::as_seq).is_some_and(|v| !v.is_empty());
        // A private zone may not claim a name an interface endpoint's private DNS owns in the
        // same VPC.
        for vpc in a
            .get("vpc")
            .and_then(Value::as_seq)
            .map(|v| v.iter().filter_map(|b| b.get_attr("vpc_id").and_then(Value::as_str).map(str::to_string)).collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let owned = self
                .referencing("vpc_id", &vpc, Some("aws_vpc_endpoint"))
                .into_iter()
                .any(|e| self.get(&e).and_then(|o| o.internal.get("private_dns_name")).and_then(Value::as_str) == Some(name.as_str()));
            if owned {
                return Err(ApiError::new(
                    "ConflictingDomainExists",
                    format!(
                        "The VPC {vpc} in region {} has already been associated with the hosted zone for {name} with the same domain name.",
                        caller.region
                    ),
                ));
            }
        }
        let n = (self.ids.counter % 2000) as usize;
        let ns: Vec<Value> = if private {
            vec![s("ns-0.awsdns-00.com.")]
        } else {
            vec![
                s(format!("ns-{}.awsdns-{:02}.com", n, n % 64)),
                s(format!("ns-{}.awsdns-{:02}.net", n + 512, (n + 1) % 64)),
                s(format!("ns-{}.awsdns-{:02}.org", n + 1024, (n + 2) % 64)),
                s(format!("ns-{}.awsdns-{:02}.co.uk", n + 1536, (n + 3) % 64)),
            ]
        };
        fill(a, "primary_name_server", ns[0].clone());
        fill(a, "name_servers", list(ns));
        fill(a, "delegation_set_id", s(""));
        let _ = caller;
        Ok(id)
    }

    fn create_record(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let zone = str_of(a, "zone_id").unwrap_or("").to_string();
        let zone_name = match self.obj(&zone, &["aws_route53_zone"]) {
            Some(z) if z.account == caller.account => z.attrs.get_attr("name").and_then(Value::as_str).unwrap_or("").to_string(),
            _ => return Err(ApiError::new("NoSuchHostedZone", format!("No hosted zone found with ID: {zone}"))),
        };
        let name = str_of(a, "name").unwrap_or("").trim_end_matches('.').to_lowercase();
        let fqdn = if name == zone_name || name.ends_with(&format!(".{zone_name}")) { name.clone() } else { format!("{name}.{zone_name}") };
        let ty = str_of(a, "type").unwrap_or("").to_string();
        let set_id = str_of(a, "set_identifier").map(str::to_string);
        for other in self.referencing("zone_id", &zone, Some("aws_route53_record")) {
            let oa = self.attrs_of(&other);
            if str_of(&oa, "fqdn") == Some(fqdn.as_str())
                && str_of(&oa, "type") == Some(ty.as_str())
                && str_of(&oa, "set_identifier").map(str::to_string) == set_id
            {
                return Err(ApiError::new(
                    "InvalidChangeBatch",
                    format!("[Tried to create resource record set [name='{fqdn}.', type='{ty}'] but it already exists]"),
                ));
            }
        }
        a.insert("fqdn".into(), s(&fqdn));
        fill(a, "allow_overwrite", Value::Null);
        let mut id = format!("{zone}_{name}_{ty}");
        if let Some(si) = set_id {
            id.push('_');
            id.push_str(&si);
        }
        Ok(id)
    }

    fn create_topic(&mut self, caller: &Caller, a: &mut Attrs) -> R<String> {
        let name = match (str_of(a, "name"), str_of(a, "name_prefix")) {
            (Some(n), _) => n.to_string(),
            (None, Some(p)) => format!("{p}{}", self.ids.hex(6)),
            (None, None) => format!("terraform-{}", self.ids.hex(26)),
        };
        let arn = format!("arn:aws:sns:{}:{}:{name}", caller.region, caller.account);
        a.insert("name".into(), s(&name));
        a.insert("arn".into(), s(&arn));
        fill(a, "owner", s(&caller.account));
        fill(a, "fifo_topic", Value::Bool(false));
        fill(a, "content_based_deduplication", Value::Bool(false));
        Ok(arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(account: &str) -> Caller {
        Caller {
            account: account.into(),
            region: "us-east-1".into(),
            principal: format!("arn:aws:iam::{account}:root"),
            default_tags: BTreeMap::new(),
            quotas: BTreeMap::new(),
        }
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn subnets_must_fit_their_vpc_and_not_overlap() {
        let mut w = World::new();
        let c = caller("111111111111");
        let vpc = w.create(&c, "aws_vpc", &obj(&[("cidr_block", Value::string("10.0.0.0/16"))])).unwrap();
        let vpc_id = vpc.get_attr("id").unwrap().clone();
        let sn = w
            .create(
                &c,
                "aws_subnet",
                &obj(&[
                    ("vpc_id", vpc_id.clone()),
                    ("cidr_block", Value::string("10.0.1.0/24")),
                    ("availability_zone", Value::string("us-east-1a")),
                ]),
            )
            .unwrap();
        assert_eq!(sn.get_attr("availability_zone_id"), Some(&Value::string("use1-az4")));
        let e =
            w.create(&c, "aws_subnet", &obj(&[("vpc_id", vpc_id.clone()), ("cidr_block", Value::string("10.0.1.128/25"))])).unwrap_err();
        assert_eq!(e.code, "InvalidSubnet.Conflict");
        let e = w.create(&c, "aws_subnet", &obj(&[("vpc_id", vpc_id.clone()), ("cidr_block", Value::string("10.1.0.0/24"))])).unwrap_err();
        assert_eq!(e.code, "InvalidSubnet.Range");
        let e = w
            .create(
                &c,
                "aws_subnet",
                &obj(&[
                    ("vpc_id", vpc_id),
                    ("cidr_block", Value::string("10.0.9.0/24")),
                    ("availability_zone", Value::string("us-east-1z")),
                ]),
            )
            .unwrap_err();
        assert!(e.message.starts_with("Value (us-east-1z) for parameter availabilityZone is invalid."), "{e}");
    }

    #[test]
    fn same_commands_give_same_ids() {
        let run = || {
            let mut w = World::new();
            let c = caller("111111111111");
            w.create(&c, "aws_vpc", &obj(&[("cidr_block", Value::string("10.0.0.0/16"))])).unwrap()
        };
        assert_eq!(run(), run());
    }
}
