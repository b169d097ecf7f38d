use plcli_lang::Entries;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use plcli_lang::{ObjectAttr, Type, Value};
use serde::Deserialize;

/// One attribute of a resource, data source or nested block.
#[derive(Debug, Clone, Deserialize)]
pub struct Attribute {
    #[serde(rename = "type", default = "dynamic")]
    pub cty: serde_json::Value,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub computed: bool,
    #[serde(default)]
    pub force_new: bool,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    /// [`Attribute::ty`], worked out once (it is asked for every attribute of every instance).
    #[serde(skip)]
    ty_once: OnceLock<Type>,
    /// [`Attribute::default_value`], worked out once.
    #[serde(skip)]
    default_once: OnceLock<Option<Value>>,
}

fn dynamic() -> serde_json::Value {
    serde_json::Value::String("dynamic".into())
}

impl Attribute {
    /// An optional attribute of type `cty` (nothing computed, no default).
    pub fn optional_of(cty: serde_json::Value) -> Attribute {
        Attribute {
            cty,
            required: false,
            optional: true,
            computed: false,
            force_new: false,
            sensitive: false,
            deprecated: false,
            default: None,
            ty_once: OnceLock::new(),
            default_once: OnceLock::new(),
        }
    }

    /// The attribute's type as a plcli type constraint.
    pub fn ty(&self) -> Type {
        self.ty_ref().clone()
    }

    /// [`Attribute::ty`], borrowed.
    pub fn ty_ref(&self) -> &Type {
        self.ty_once.get_or_init(|| attribute_type(&self.cty))
    }

    /// The provider's default, if it has one.
    pub fn default_value(&self) -> Option<Value> {
        self.default_once
            .get_or_init(|| {
                self.default.as_ref().map(|d| self.ty_ref().convert(&Value::from_json(d)).unwrap_or_else(|_| Value::from_json(d)))
            })
            .clone()
    }
}

/// How a nested block's instances are collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Nesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

/// A nested block type (`ingress`, `timeouts`, `assume_role`, ...).
#[derive(Debug, Clone, Deserialize)]
pub struct NestedBlock {
    pub nesting: Nesting,
    #[serde(default)]
    pub min_items: u64,
    #[serde(default)]
    pub max_items: u64,
    #[serde(flatten)]
    pub block: BlockSchema,
}

/// A provider default that applies only when other arguments have given values (e.g. an
/// NLB's `dns_record_client_routing_policy`).
#[derive(Debug, Clone, Deserialize)]
pub struct ConditionalDefault {
    pub value: serde_json::Value,
    /// Argument → the values under which the default applies.
    pub when: BTreeMap<String, Vec<serde_json::Value>>,
}

fn sorted_entries<'de, D: serde::Deserializer<'de>, V: Deserialize<'de>>(d: D) -> Result<Entries<String, V>, D::Error> {
    Ok(BTreeMap::<String, V>::deserialize(d)?.into())
}

/// Attributes and nested blocks of a resource, data source, provider or nested block.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BlockSchema {
    /// By name, as a sorted vector: looked up for every argument of every resource evaluated.
    #[serde(default, deserialize_with = "sorted_entries")]
    pub attributes: Entries<String, Attribute>,
    #[serde(default, deserialize_with = "sorted_entries")]
    pub blocks: Entries<String, NestedBlock>,
    #[serde(default)]
    pub conditional_defaults: BTreeMap<String, Vec<ConditionalDefault>>,
}

impl BlockSchema {
    /// Names of every attribute and block, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attributes.keys().chain(self.blocks.keys()).map(String::as_str)
    }

    /// Whether any attribute here or in nested blocks forces replacement.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.get(name)
    }
}

/// Every schema plcli knows.
#[derive(Debug, Deserialize)]
pub struct Schemas {
    pub provider_version: String,
    #[serde(default)]
    pub provider: BlockSchema,
    pub resources: BTreeMap<String, BlockSchema>,
    pub data_sources: BTreeMap<String, BlockSchema>,
}

static SCHEMAS: OnceLock<Schemas> = OnceLock::new();

impl Schemas {
    /// The schemas compiled into plcli (parsed once, on first use).
    pub fn get() -> &'static Schemas {
        SCHEMAS.get_or_init(|| {
            serde_json::from_str(include_str!("../data/schemas.json")).expect("data/schemas.json is valid (checked by tests)")
        })
    }

    pub fn resource(&self, ty: &str) -> Option<&BlockSchema> {
        self.resources.get(ty)
    }

    pub fn data_source(&self, ty: &str) -> Option<&BlockSchema> {
        self.data_sources.get(ty)
    }
}

/// Nested blocks the provider marks Optional+Computed: left unset, they are unknown in a plan
/// (the provider fills them), as `terraform plan` shows them. Found by comparing Terraform's
/// plans of the examples with the AWS provider 5.100.0.
pub const COMPUTED_BLOCKS: &[(&str, &str)] = &[
    ("aws_instance", "capacity_reservation_specification"),
    ("aws_instance", "cpu_options"),
    ("aws_instance", "ebs_block_device"),
    ("aws_instance", "enclave_options"),
    ("aws_instance", "ephemeral_block_device"),
    ("aws_instance", "instance_market_options"),
    ("aws_instance", "maintenance_options"),
    ("aws_instance", "metadata_options"),
    ("aws_instance", "network_interface"),
    ("aws_instance", "private_dns_name_options"),
    ("aws_instance", "root_block_device"),
    ("aws_lb", "subnet_mapping"),
    ("aws_alb", "subnet_mapping"),
    ("aws_lb_listener", "mutual_authentication"),
    ("aws_alb_listener", "mutual_authentication"),
    ("aws_lb_target_group", "health_check"),
    ("aws_alb_target_group", "health_check"),
    ("aws_lb_target_group", "stickiness"),
    ("aws_lb_target_group", "target_failover"),
    ("aws_lb_target_group", "target_group_health"),
    ("aws_lb_target_group", "target_health_state"),
    ("aws_alb_target_group", "stickiness"),
    ("aws_alb_target_group", "target_failover"),
    ("aws_alb_target_group", "target_group_health"),
    ("aws_alb_target_group", "target_health_state"),
    ("aws_vpc_endpoint", "dns_options"),
    ("aws_vpc_endpoint", "subnet_configuration"),
];

/// Whether an unset nested block of `ty` is computed by the provider.
pub fn is_computed_block(ty: &str, block: &str) -> bool {
    COMPUTED_BLOCKS.iter().any(|(t, b)| *t == ty && *b == block)
}

/// Converts a cty type in `terraform providers schema -json` notation to a plcli type.
pub fn attribute_type(cty: &serde_json::Value) -> Type {
    use serde_json::Value as J;
    match cty {
        J::String(s) => match s.as_str() {
            "string" => Type::String,
            "number" => Type::Number,
            "bool" => Type::Bool,
            _ => Type::Any,
        },
        J::Array(parts) => match (parts.first().and_then(J::as_str), parts.get(1)) {
            (Some("list"), Some(t)) => Type::List(Box::new(attribute_type(t))),
            (Some("set"), Some(t)) => Type::Set(Box::new(attribute_type(t))),
            (Some("map"), Some(t)) => Type::Map(Box::new(attribute_type(t))),
            (Some("tuple"), Some(J::Array(ts))) => Type::Tuple(ts.iter().map(attribute_type).collect()),
            (Some("object"), Some(J::Object(attrs))) => {
                let optional: Vec<&str> =
                    parts.get(2).and_then(J::as_array).map(|a| a.iter().filter_map(J::as_str).collect()).unwrap_or_default();
                Type::Object(
                    attrs
                        .iter()
                        .map(|(k, t)| {
                            (k.clone(), ObjectAttr { ty: attribute_type(t), optional: optional.contains(&k.as_str()), default: None })
                        })
                        .collect(),
                )
            }
            _ => Type::Any,
        },
        _ => Type::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_load_and_cover_every_simulated_type() {
        let s = Schemas::get();
        for ty in [
            "aws_vpc",
            "aws_subnet",
            "aws_security_group",
            "aws_security_group_rule",
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
            "aws_default_security_group",
            "aws_instance",
            "aws_network_interface",
            "aws_lb",
            "aws_alb",
            "aws_lb_target_group",
            "aws_lb_listener",
            "aws_lb_target_group_attachment",
            "aws_vpc_endpoint_service",
            "aws_vpc_endpoint_service_allowed_principal",
            "aws_vpc_endpoint_connection_accepter",
            "aws_vpc_endpoint_connection_notification",
            "aws_vpc_endpoint_service_private_dns_verification",
            "aws_vpc_endpoint",
            "aws_vpc_endpoint_subnet_association",
            "aws_vpc_endpoint_security_group_association",
            "aws_route53_zone",
            "aws_route53_record",
            "aws_sns_topic",
            "terraform_data",
        ] {
            assert!(s.resource(ty).is_some(), "missing resource schema {ty}");
        }
        for ty in [
            "aws_caller_identity",
            "aws_region",
            "aws_partition",
            "aws_availability_zones",
            "aws_vpc",
            "aws_subnet",
            "aws_subnets",
            "aws_vpc_endpoint_service",
            "aws_vpc_endpoint",
            "aws_route53_zone",
            "aws_iam_policy_document",
        ] {
            assert!(s.data_source(ty).is_some(), "missing data source schema {ty}");
        }
    }

    #[test]
    fn force_new_and_defaults_come_from_the_overlay() {
        let s = Schemas::get();
        let vpce = s.resource("aws_vpc_endpoint").unwrap();
        assert!(vpce.attributes["service_name"].force_new);
        assert!(vpce.attributes["service_name"].optional, "5.100 accepts resource_configuration_arn instead");
        assert_eq!(vpce.attributes["vpc_endpoint_type"].default_value(), Some(Value::string("Gateway")));
        let subnet = s.resource("aws_subnet").unwrap();
        assert!(subnet.attributes["availability_zone"].force_new);
        let svc = s.resource("aws_vpc_endpoint_service").unwrap();
        assert!(svc.attributes["acceptance_required"].required);
        assert!(!svc.attributes.values().any(|a| a.force_new), "nothing on an endpoint service forces replacement");
    }
}
