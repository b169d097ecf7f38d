//! Data sources: read-only calls answered from the world, as the caller sees it.

use plcli_lang::Value;

use crate::ops::{principal_matches, Caller};
use crate::world::{ApiError, World};

type Attrs = plcli_lang::Entries<plcli_lang::Key, Value>;

fn s(v: impl Into<plcli_lang::Key>) -> Value {
    Value::string(v)
}

fn str_of<'a>(a: &'a Attrs, k: &str) -> Option<&'a str> {
    a.get(k).and_then(Value::as_str)
}

fn region_description(r: &str) -> &'static str {
    match r {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "Europe (Ireland)",
        "eu-central-1" => "Europe (Frankfurt)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        _ => "",
    }
}

/// `filter { name = "vpc-id" values = [...] }` names mapped to attributes.
fn filter_attr(name: &str) -> String {
    match name {
        "vpc-id" => "vpc_id".into(),
        "availability-zone" => "availability_zone".into(),
        "availability-zone-id" => "availability_zone_id".into(),
        "cidr-block" | "cidrBlock" => "cidr_block".into(),
        "service-name" => "service_name".into(),
        "subnet-id" => "id".into(),
        "vpc-endpoint-id" => "id".into(),
        "vpc-endpoint-state" => "state".into(),
        "state" => "state".into(),
        "is-default" => "default".into(),
        other => other.replace('-', "_"),
    }
}

/// Whether an object's attributes pass `filter` blocks and `tags`.
fn matches(attrs: &Attrs, config: &Attrs) -> bool {
    if let Some(filters) = config.get("filter").and_then(Value::as_seq) {
        for f in filters {
            let name = f.get_attr("name").and_then(Value::as_str).unwrap_or("");
            let values: Vec<String> = f
                .get_attr("values")
                .and_then(Value::as_seq)
                .map(|v| v.iter().filter_map(|x| x.to_template_string()).collect())
                .unwrap_or_default();
            let actual: Vec<String> = if let Some(tag) = name.strip_prefix("tag:") {
                attrs.get("tags").and_then(|t| t.get_attr(tag)).and_then(Value::to_template_string).into_iter().collect()
            } else {
                match attrs.get(filter_attr(name).as_str()) {
                    Some(v) if v.is_seq() => v.as_seq().unwrap_or(&[]).iter().filter_map(Value::to_template_string).collect(),
                    Some(v) => v.to_template_string().into_iter().collect(),
                    None => vec![],
                }
            };
            let glob = |pat: &str, v: &str| if let Some(p) = pat.strip_suffix('*') { v.starts_with(p) } else { pat == v };
            if !actual.iter().any(|a| values.iter().any(|p| glob(p, a))) {
                return false;
            }
        }
    }
    if let Some(tags) = config.get("tags").and_then(Value::as_map) {
        for (k, v) in tags {
            if attrs.get("tags").and_then(|t| t.get_attr(k)) != Some(v) {
                return false;
            }
        }
    }
    true
}

impl World {
    fn find(&self, caller: &Caller, ty: &str, config: &Attrs, keys: &[(&str, &str)]) -> Vec<(String, Attrs)> {
        self.objects
            .iter()
            .filter(|(_, o)| o.ty == ty && o.account == caller.account && o.region == caller.region)
            .filter_map(|(id, o)| o.attrs.as_map().map(|a| (id.clone(), a.clone())))
            .filter(|(_, a)| keys.iter().all(|(ck, ak)| config.get(*ck).is_none_or(|v| v.is_null() || a.get(*ak) == Some(v))))
            .filter(|(_, a)| matches(a, config))
            .collect()
    }

    fn one(&self, what: &str, found: Vec<(String, Attrs)>) -> Result<Attrs, ApiError> {
        match found.len() {
            1 => Ok(found.into_iter().next().map(|(_, a)| a).unwrap_or_default()),
            0 => Err(ApiError::new("NotFound", format!("no matching {what} found"))),
            n => Err(ApiError::new(
                "TooManyResults",
                format!("multiple {what}s matched ({n}); use additional constraints to reduce matches to a single {what}"),
            )),
        }
    }

    /// Reads a data source of type `ty` with its (known) configuration, as `caller`.
    pub fn read_data(&mut self, caller: &Caller, ty: &str, config: &Value) -> Result<Value, ApiError> {
        let c: Attrs = config.as_map().cloned().unwrap_or_default();
        let mut out = c.clone();
        match ty {
            "aws_caller_identity" => {
                out.insert("account_id".into(), s(&caller.account));
                out.insert("arn".into(), s(&caller.principal));
                out.insert("user_id".into(), s(format!("AIDA{}", &caller.account)));
                out.insert("id".into(), s(&caller.account));
            }
            "aws_region" => {
                let name = str_of(&c, "name").or(str_of(&c, "region")).unwrap_or(&caller.region).to_string();
                for k in ["name", "id", "region"] {
                    out.insert(k.into(), s(&name));
                }
                out.insert("description".into(), s(region_description(&name)));
                out.insert("endpoint".into(), s(format!("ec2.{name}.amazonaws.com")));
            }
            "aws_partition" => {
                out.insert("partition".into(), s("aws"));
                out.insert("id".into(), s("aws"));
                out.insert("dns_suffix".into(), s("amazonaws.com"));
                out.insert("reverse_dns_prefix".into(), s("com.amazonaws"));
            }
            "aws_availability_zones" => {
                let map = self.az_map(&caller.account, &caller.region);
                let mut pairs: Vec<(String, String)> = map.into_iter().collect();
                pairs.sort();
                let excluded: Vec<String> = c
                    .get("exclude_names")
                    .and_then(Value::as_seq)
                    .map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                let excluded_ids: Vec<String> = c
                    .get("exclude_zone_ids")
                    .and_then(Value::as_seq)
                    .map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
                pairs.retain(|(n, i)| !excluded.contains(n) && !excluded_ids.contains(i));
                out.insert("names".into(), Value::List(pairs.iter().map(|(n, _)| s(n)).collect()));
                out.insert("zone_ids".into(), Value::List(pairs.iter().map(|(_, i)| s(i)).collect()));
                out.insert("group_names".into(), Value::set(vec![s(&caller.region)]));
                out.insert("id".into(), s(&caller.region));
            }
            "aws_vpc" => {
                let a = self.one("EC2 VPC", self.find(caller, "aws_vpc", &c, &[("id", "id"), ("cidr_block", "cidr_block")]))?;
                out.extend(a);
            }
            "aws_subnet" => {
                let a = self.one(
                    "EC2 Subnet",
                    self.find(
                        caller,
                        "aws_subnet",
                        &c,
                        &[
                            ("id", "id"),
                            ("vpc_id", "vpc_id"),
                            ("availability_zone", "availability_zone"),
                            ("availability_zone_id", "availability_zone_id"),
                            ("cidr_block", "cidr_block"),
                        ],
                    ),
                )?;
                out.extend(a);
            }
            "aws_subnets" | "aws_subnet_ids" => {
                let mut ids: Vec<String> =
                    self.find(caller, "aws_subnet", &c, &[("vpc_id", "vpc_id")]).into_iter().map(|(id, _)| id).collect();
                ids.sort();
                out.insert("ids".into(), Value::List(ids.into_iter().map(Value::string).collect()));
                out.insert("id".into(), s(&caller.region));
            }
            "aws_vpc_endpoint_service" => {
                let name = match (str_of(&c, "service_name"), str_of(&c, "service")) {
                    (Some(n), _) => n.to_string(),
                    (None, Some(svc)) => format!("com.amazonaws.{}.{svc}", caller.region),
                    (None, None) => {
                        // By filter/tags among services the caller may use.
                        let found: Vec<(String, Attrs)> = self
                            .objects
                            .iter()
                            .filter(|(_, o)| o.ty == "aws_vpc_endpoint_service" && o.region == caller.region)
                            .filter_map(|(id, o)| o.attrs.as_map().map(|a| (id.clone(), a.clone())))
                            .filter(|(id, a)| {
                                matches(a, &c) && self.allowed_principals(id).iter().any(|p| principal_matches(p, &caller.principal))
                            })
                            .collect();
                        let a = self.one("EC2 VPC Endpoint Service", found)?;
                        str_of(&a, "service_name").unwrap_or("").to_string()
                    }
                };
                if name.starts_with(&format!("com.amazonaws.{}.", caller.region)) {
                    // An AWS service: available in every AZ of the caller.
                    let names: Vec<Value> = self.az_map(&caller.account, &caller.region).into_keys().map(Value::string).collect();
                    out.insert("service_name".into(), s(&name));
                    out.insert(
                        "service_type".into(),
                        s(if name.ends_with(".s3") || name.ends_with(".dynamodb") { "Gateway" } else { "Interface" }),
                    );
                    out.insert("availability_zones".into(), Value::set(names));
                    out.insert("owner".into(), s("amazon"));
                    out.insert("acceptance_required".into(), Value::Bool(false));
                    out.insert("id".into(), s(&name));
                } else {
                    let id = self.service_by_name(caller, &name).map_err(|_| {
                        ApiError::new("NotFound", format!("no matching EC2 VPC Endpoint Service found (service name {name})"))
                    })?;
                    let obj = self.objects[&id].clone();
                    let a = obj.attrs.as_map().cloned().unwrap_or_default();
                    let svc_ids = self.service_az_ids(&strs(&a, "network_load_balancer_arns"));
                    let map = self.az_map(&caller.account, &caller.region);
                    let names: Vec<Value> = map.iter().filter(|(_, v)| svc_ids.contains(*v)).map(|(k, _)| s(k)).collect();
                    for k in [
                        "acceptance_required",
                        "arn",
                        "base_endpoint_dns_names",
                        "manages_vpc_endpoints",
                        "private_dns_name",
                        "service_name",
                        "service_type",
                        "supported_ip_address_types",
                        "tags",
                    ] {
                        if let Some(v) = a.get(k) {
                            out.insert(k.into(), v.clone());
                        }
                    }
                    out.insert("availability_zones".into(), Value::set(names));
                    out.insert("owner".into(), s(&obj.account));
                    out.insert("service_id".into(), s(&id));
                    out.insert("vpc_endpoint_policy_supported".into(), Value::Bool(false));
                    out.insert(
                        "private_dns_names".into(),
                        Value::List(str_of(&a, "private_dns_name").filter(|n| !n.is_empty()).map(s).into_iter().collect()),
                    );
                    out.insert("id".into(), s(&id));
                }
            }
            "aws_vpc_endpoint" => {
                let a = self.one(
                    "VPC Endpoint",
                    self.find(
                        caller,
                        "aws_vpc_endpoint",
                        &c,
                        &[("id", "id"), ("vpc_id", "vpc_id"), ("service_name", "service_name"), ("state", "state")],
                    ),
                )?;
                out.extend(a);
            }
            "aws_route53_zone" => {
                let want_name = str_of(&c, "name").map(|n| n.trim_end_matches('.').to_lowercase());
                let private = c.get("private_zone").and_then(Value::as_bool).unwrap_or(false);
                let found: Vec<(String, Attrs)> = self
                    .objects
                    .iter()
                    .filter(|(_, o)| o.ty == "aws_route53_zone" && o.account == caller.account)
                    .filter_map(|(id, o)| o.attrs.as_map().map(|a| (id.clone(), a.clone())))
                    .filter(|(id, a)| {
                        let is_private = a.get("vpc").and_then(Value::as_seq).is_some_and(|v| !v.is_empty());
                        str_of(&c, "zone_id").is_none_or(|z| z == id)
                            && want_name.as_deref().is_none_or(|n| str_of(a, "name") == Some(n))
                            && is_private == private
                    })
                    .collect();
                let a = self.one("Route 53 Hosted Zone", found)?;
                out.extend(a);
                out.insert("private_zone".into(), Value::Bool(private));
            }
            "aws_iam_policy_document" => {
                let json = policy_json(&c);
                out.insert("json".into(), s(&json));
                out.insert(
                    "minified_json".into(),
                    s(serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default()).unwrap_or_default()),
                );
                out.insert("id".into(), s(format!("{}", json.len())));
            }
            _ => {
                out.entry("id".into()).or_insert_with(|| s(&caller.region));
            }
        }
        Ok(settle(Value::Object(out.into())))
    }
}

fn strs(a: &Attrs, k: &str) -> Vec<String> {
    a.get(k).and_then(|v| v.as_seq().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())).unwrap_or_default()
}

fn settle(v: Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, settle(v))).collect()),
        other => other,
    }
}

/// `aws_iam_policy_document`'s JSON, in the provider's layout (two-space indent, Version
/// first, single values unwrapped from lists).
fn policy_json(c: &Attrs) -> String {
    use serde_json::{json, Map, Value as J};
    let one_or_many = |v: Option<&Value>| -> Option<J> {
        let items: Vec<String> = v?.as_seq()?.iter().filter_map(|x| x.as_str().map(str::to_string)).collect();
        match items.len() {
            0 => None,
            1 => Some(J::String(items[0].clone())),
            _ => {
                let mut items = items;
                items.sort();
                items.reverse();
                Some(J::Array(items.into_iter().map(J::String).collect()))
            }
        }
    };
    let mut doc = Map::new();
    doc.insert("Version".into(), J::String(str_of(c, "version").unwrap_or("2012-10-17").to_string()));
    if let Some(id) = str_of(c, "policy_id") {
        doc.insert("Id".into(), J::String(id.to_string()));
    }
    let mut statements = Vec::new();
    for st in c.get("statement").and_then(Value::as_seq).unwrap_or(&[]) {
        let mut m = Map::new();
        if let Some(sid) = st.get_attr("sid").and_then(Value::as_str) {
            m.insert("Sid".into(), J::String(sid.to_string()));
        }
        m.insert("Effect".into(), J::String(st.get_attr("effect").and_then(Value::as_str).unwrap_or("Allow").to_string()));
        for (k, name) in [("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")]
        {
            if let Some(v) = one_or_many(st.get_attr(k)) {
                m.insert(name.into(), v);
            }
        }
        for (k, name) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            if let Some(ps) = st.get_attr(k).and_then(Value::as_seq).filter(|p| !p.is_empty()) {
                let mut pm = Map::new();
                for p in ps {
                    let ty = p.get_attr("type").and_then(Value::as_str).unwrap_or("AWS").to_string();
                    if let Some(ids) = one_or_many(p.get_attr("identifiers")) {
                        pm.insert(ty, ids);
                    }
                }
                m.insert(name.into(), J::Object(pm));
            }
        }
        if let Some(conds) = st.get_attr("condition").and_then(Value::as_seq).filter(|c| !c.is_empty()) {
            let mut cm: Map<String, J> = Map::new();
            for cond in conds {
                let test = cond.get_attr("test").and_then(Value::as_str).unwrap_or("").to_string();
                let var = cond.get_attr("variable").and_then(Value::as_str).unwrap_or("").to_string();
                if let Some(vals) = one_or_many(cond.get_attr("values")) {
                    cm.entry(test).or_insert_with(|| json!({})).as_object_mut().map(|o| o.insert(var, vals));
                }
            }
            m.insert("Condition".into(), J::Object(cm));
        }
        statements.push(J::Object(m));
    }
    doc.insert("Statement".into(), J::Array(statements));
    serde_json::to_string_pretty(&J::Object(doc)).unwrap_or_default()
}
