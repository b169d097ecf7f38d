#!/usr/bin/env python3
"""Write a generated PrivateLink topology: one provider and N consumer VPCs.

The provider (account 111111111111, `aws.provider`): a VPC with three subnets in three AZs, an
internal NLB with cross-zone load balancing, a target group, a TCP listener on 443, one target
instance per AZ behind a security group that admits the NLB, and an endpoint service with
`acceptance_required = true`.

Each consumer (account 222222222222, `aws.consumer`): a VPC, two subnets in two of the
service's AZs, a security group and its ingress rule for the listener port, the interface
endpoint, and, on the provider side, an allowed principal and a connection accepter: 8
resources per consumer (N = 10,000 gives 80,022 resources).

Terraform has no `for_each` over providers, so all consumers share one consumer account and
reach it through one workload role (`arn:aws:iam::222222222222:role/privatelink-consumer`);
each consumer still gets its own allow-list entry for that role, as an onboarding pipeline
that writes one entry per consumer would. The region is us-east-2, where AZ name i is AZ ID i
in every account, so the consumer subnets line up with the service by name.

Shapes:
  expanded   every consumer written out as its own blocks (8 blocks per consumer);
  for_each   one `for_each` per resource over `var.consumers`, set in terraform.tfvars.json.

Flavors:
  plcli           the topology as plcli (and Terraform with real credentials) reads it;
  terraform-aws   the same resources, with provider blocks that let `terraform plan` run offline
                  with the AWS provider (mock credentials, no STS calls, no assume_role);
  terraform-data  the same dependency shape with `terraform_data` resources (no provider).

Usage: python3 tools/gen-topology.py --consumers N [--shape expanded|for_each]
                                     [--flavor plcli|terraform-aws|terraform-data] --out DIR
Python 3 standard library only. The output directory is replaced.
"""

import argparse
import json
import os
import shutil
import sys

REGION = "us-east-2"
PROVIDER_ACCOUNT = "111111111111"
CONSUMER_ACCOUNT = "222222222222"
CONSUMER_ROLE = f"arn:aws:iam::{CONSUMER_ACCOUNT}:role/privatelink-consumer"
PORT = 443
PROVIDER_SUBNETS = [("a", "10.0.1.0/24"), ("b", "10.0.2.0/24"), ("c", "10.0.3.0/24")]
CONSUMER_VPC = "10.1.0.0/16"
CONSUMER_SUBNETS = [("a", "10.1.1.0/24"), ("b", "10.1.2.0/24")]


def consumer_keys(n):
    width = max(5, len(str(n)))
    return [f"c{i:0{width}d}" for i in range(1, n + 1)]


# ------------------------------------------------------------------------------------------
# Providers


def providers_tf(flavor):
    if flavor == "terraform-data":
        return "terraform {\n  required_version = \">= 1.5.0\"\n}\n"
    head = (
        "terraform {\n"
        '  required_version = ">= 1.5.0"\n\n'
        "  required_providers {\n"
        "    aws = {\n"
        '      source  = "hashicorp/aws"\n'
        '      version = ">= 5.40"\n'
        "    }\n"
        "  }\n"
        "}\n"
    )
    if flavor == "terraform-aws":
        # Offline: static mock credentials, and nothing that calls STS or the metadata API.
        offline = (
            '  access_key                  = "mock"\n'
            '  secret_key                  = "mock"\n'
            "  skip_credentials_validation = true\n"
            "  skip_requesting_account_id  = true\n"
            "  skip_metadata_api_check     = true\n"
        )
        return head + "".join(
            f'\nprovider "aws" {{\n  alias  = "{alias}"\n  region = "{REGION}"\n{offline}}}\n' for alias in ("provider", "consumer")
        )
    return head + (
        "\n# The service owner. Principal: the account root.\n"
        'provider "aws" {\n'
        '  alias               = "provider"\n'
        f'  region              = "{REGION}"\n'
        f'  allowed_account_ids = ["{PROVIDER_ACCOUNT}"]\n'
        "}\n"
        "\n# Every consumer VPC, in one consumer account, through its workload role: that role is\n"
        "# the principal each allow-list entry admits.\n"
        'provider "aws" {\n'
        '  alias               = "consumer"\n'
        f'  region              = "{REGION}"\n'
        f'  allowed_account_ids = ["{CONSUMER_ACCOUNT}"]\n'
        "\n"
        "  assume_role {\n"
        f'    role_arn     = "{CONSUMER_ROLE}"\n'
        '    session_name = "privatelink-onboarding"\n'
        "  }\n"
        "}\n"
    )


# ------------------------------------------------------------------------------------------
# AWS resources


def service_tf():
    subnets = "".join(f'    "{REGION}{az}" = "{cidr}"\n' for az, cidr in PROVIDER_SUBNETS)
    return f"""# Provider side: an internal NLB in three AZs published as an endpoint service.

locals {{
  provider_subnets = {{
{subnets}  }}
}}

resource "aws_vpc" "provider" {{
  provider = aws.provider

  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {{
    Name = "service"
  }}
}}

resource "aws_subnet" "provider" {{
  provider = aws.provider
  for_each = local.provider_subnets

  vpc_id            = aws_vpc.provider.id
  availability_zone = each.key
  cidr_block        = each.value
}}

# PrivateLink traffic reaches the targets from the NLB's private IPs.
resource "aws_security_group" "targets" {{
  provider = aws.provider

  name        = "service-targets"
  description = "Service hosts"
  vpc_id      = aws_vpc.provider.id
}}

resource "aws_vpc_security_group_ingress_rule" "targets_from_nlb" {{
  provider = aws.provider

  security_group_id = aws_security_group.targets.id
  ip_protocol       = "tcp"
  from_port         = {PORT}
  to_port           = {PORT}
  cidr_ipv4         = aws_vpc.provider.cidr_block
}}

resource "aws_lb" "service" {{
  provider = aws.provider

  name                             = "service-nlb"
  load_balancer_type               = "network"
  internal                         = true
  subnets                          = [for s in aws_subnet.provider : s.id]
  enable_cross_zone_load_balancing = true
}}

resource "aws_lb_target_group" "service" {{
  provider = aws.provider

  name        = "service-{PORT}"
  port        = {PORT}
  protocol    = "TCP"
  target_type = "instance"
  vpc_id      = aws_vpc.provider.id
}}

resource "aws_lb_listener" "service" {{
  provider = aws.provider

  load_balancer_arn = aws_lb.service.arn
  port              = {PORT}
  protocol          = "TCP"

  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.service.arn
  }}
}}

resource "aws_instance" "target" {{
  provider = aws.provider
  for_each = aws_subnet.provider

  ami                    = "ami-0abcdef1234567890"
  instance_type          = "t3.micro"
  subnet_id              = each.value.id
  vpc_security_group_ids = [aws_security_group.targets.id]
}}

resource "aws_lb_target_group_attachment" "target" {{
  provider = aws.provider
  for_each = aws_instance.target

  target_group_arn = aws_lb_target_group.service.arn
  target_id        = each.value.id
  port             = {PORT}
}}

resource "aws_vpc_endpoint_service" "service" {{
  provider = aws.provider

  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.service.arn]
}}
"""


def consumer_expanded_tf(k):
    """One consumer's 8 blocks, every name suffixed with its key."""
    subnets = ""
    for az, cidr in CONSUMER_SUBNETS:
        subnets += f"""
resource "aws_subnet" "{k}_{az}" {{
  provider = aws.consumer

  vpc_id            = aws_vpc.{k}.id
  availability_zone = "{REGION}{az}"
  cidr_block        = "{cidr}"
}}
"""
    subnet_ids = ", ".join(f"aws_subnet.{k}_{az}.id" for az, _ in CONSUMER_SUBNETS)
    return f"""
# ---- consumer {k}

resource "aws_vpc" "{k}" {{
  provider = aws.consumer

  cidr_block = "{CONSUMER_VPC}"

  tags = {{
    Name = "{k}"
  }}
}}
{subnets}
resource "aws_security_group" "{k}" {{
  provider = aws.consumer

  name   = "{k}-endpoint"
  vpc_id = aws_vpc.{k}.id
}}

resource "aws_vpc_security_group_ingress_rule" "{k}" {{
  provider = aws.consumer

  security_group_id = aws_security_group.{k}.id
  ip_protocol       = "tcp"
  from_port         = {PORT}
  to_port           = {PORT}
  cidr_ipv4         = aws_vpc.{k}.cidr_block
}}

resource "aws_vpc_endpoint_service_allowed_principal" "{k}" {{
  provider = aws.provider

  vpc_endpoint_service_id = aws_vpc_endpoint_service.service.id
  principal_arn           = "{CONSUMER_ROLE}"
}}

resource "aws_vpc_endpoint" "{k}" {{
  provider = aws.consumer

  vpc_id             = aws_vpc.{k}.id
  service_name       = aws_vpc_endpoint_service.service.service_name
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [{subnet_ids}]
  security_group_ids = [aws_security_group.{k}.id]

  depends_on = [aws_vpc_endpoint_service_allowed_principal.{k}]
}}

resource "aws_vpc_endpoint_connection_accepter" "{k}" {{
  provider = aws.provider

  vpc_endpoint_service_id = aws_vpc_endpoint_service.service.id
  vpc_endpoint_id         = aws_vpc_endpoint.{k}.id
}}
"""


CONSUMERS_FOR_EACH_TF = f"""# Every consumer from var.consumers (terraform.tfvars.json): one for_each per resource.

variable "consumers" {{
  description = "Consumer name -> its VPC CIDR, endpoint subnets (AZ name -> CIDR) and principal."
  type = map(object({{
    vpc_cidr  = string
    subnets   = map(string)
    principal = string
  }}))
}}

locals {{
  consumer_subnets = {{
    for s in flatten([
      for k, c in var.consumers : [
        for az, cidr in c.subnets : {{ key = "${{k}}/${{az}}", consumer = k, az = az, cidr = cidr }}
      ]
    ]) : s.key => s
  }}
}}

resource "aws_vpc" "consumer" {{
  provider = aws.consumer
  for_each = var.consumers

  cidr_block = each.value.vpc_cidr

  tags = {{
    Name = each.key
  }}
}}

resource "aws_subnet" "consumer" {{
  provider = aws.consumer
  for_each = local.consumer_subnets

  vpc_id            = aws_vpc.consumer[each.value.consumer].id
  availability_zone = each.value.az
  cidr_block        = each.value.cidr
}}

resource "aws_security_group" "endpoint" {{
  provider = aws.consumer
  for_each = var.consumers

  name   = "${{each.key}}-endpoint"
  vpc_id = aws_vpc.consumer[each.key].id
}}

resource "aws_vpc_security_group_ingress_rule" "endpoint" {{
  provider = aws.consumer
  for_each = var.consumers

  security_group_id = aws_security_group.endpoint[each.key].id
  ip_protocol       = "tcp"
  from_port         = {PORT}
  to_port           = {PORT}
  cidr_ipv4         = each.value.vpc_cidr
}}

resource "aws_vpc_endpoint_service_allowed_principal" "consumer" {{
  provider = aws.provider
  for_each = var.consumers

  vpc_endpoint_service_id = aws_vpc_endpoint_service.service.id
  principal_arn           = each.value.principal
}}

resource "aws_vpc_endpoint" "consumer" {{
  provider = aws.consumer
  for_each = var.consumers

  vpc_id             = aws_vpc.consumer[each.key].id
  service_name       = aws_vpc_endpoint_service.service.service_name
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [for az in keys(each.value.subnets) : aws_subnet.consumer["${{each.key}}/${{az}}"].id]
  security_group_ids = [aws_security_group.endpoint[each.key].id]

  depends_on = [aws_vpc_endpoint_service_allowed_principal.consumer]
}}

resource "aws_vpc_endpoint_connection_accepter" "consumer" {{
  provider = aws.provider
  for_each = var.consumers

  vpc_endpoint_service_id = aws_vpc_endpoint_service.service.id
  vpc_endpoint_id         = aws_vpc_endpoint.consumer[each.key].id
}}
"""


def consumers_tfvars(keys):
    consumers = {
        k: {"vpc_cidr": CONSUMER_VPC, "subnets": {f"{REGION}{az}": cidr for az, cidr in CONSUMER_SUBNETS}, "principal": CONSUMER_ROLE}
        for k in keys
    }
    return json.dumps({"consumers": consumers}, indent=2) + "\n"


# ------------------------------------------------------------------------------------------
# terraform_data: the same dependency shape, nothing but Terraform core


def data_service_tf():
    return f"""# Provider side as terraform_data: the same dependencies as the AWS shape.

locals {{
  provider_subnets = {{
{"".join(f'    "{REGION}{az}" = "{cidr}"{chr(10)}' for az, cidr in PROVIDER_SUBNETS)}  }}
}}

resource "terraform_data" "provider_vpc" {{
  input = {{ cidr_block = "10.0.0.0/16" }}
}}

resource "terraform_data" "provider_subnet" {{
  for_each = local.provider_subnets

  input = {{ vpc_id = terraform_data.provider_vpc.id, availability_zone = each.key, cidr_block = each.value }}
}}

resource "terraform_data" "targets_sg" {{
  input = {{ vpc_id = terraform_data.provider_vpc.id }}
}}

resource "terraform_data" "targets_from_nlb" {{
  input = {{ security_group_id = terraform_data.targets_sg.id, port = {PORT} }}
}}

resource "terraform_data" "nlb" {{
  input = {{ subnets = [for s in terraform_data.provider_subnet : s.id] }}
}}

resource "terraform_data" "target_group" {{
  input = {{ vpc_id = terraform_data.provider_vpc.id, port = {PORT} }}
}}

resource "terraform_data" "listener" {{
  input = {{ load_balancer_arn = terraform_data.nlb.id, target_group_arn = terraform_data.target_group.id }}
}}

resource "terraform_data" "target" {{
  for_each = terraform_data.provider_subnet

  input = {{ subnet_id = each.value.id, security_group_ids = [terraform_data.targets_sg.id] }}
}}

resource "terraform_data" "attachment" {{
  for_each = terraform_data.target

  input = {{ target_group_arn = terraform_data.target_group.id, target_id = each.value.id }}
}}

resource "terraform_data" "service" {{
  input = {{ acceptance_required = true, network_load_balancer_arns = [terraform_data.nlb.id] }}
}}
"""


def data_consumer_expanded_tf(k):
    subnets = "".join(
        f"""
resource "terraform_data" "{k}_subnet_{az}" {{
  input = {{ vpc_id = terraform_data.{k}_vpc.id, availability_zone = "{REGION}{az}", cidr_block = "{cidr}" }}
}}
"""
        for az, cidr in CONSUMER_SUBNETS
    )
    subnet_ids = ", ".join(f"terraform_data.{k}_subnet_{az}.id" for az, _ in CONSUMER_SUBNETS)
    return f"""
# ---- consumer {k}

resource "terraform_data" "{k}_vpc" {{
  input = {{ cidr_block = "{CONSUMER_VPC}" }}
}}
{subnets}
resource "terraform_data" "{k}_sg" {{
  input = {{ vpc_id = terraform_data.{k}_vpc.id }}
}}

resource "terraform_data" "{k}_sg_rule" {{
  input = {{ security_group_id = terraform_data.{k}_sg.id, port = {PORT} }}
}}

resource "terraform_data" "{k}_principal" {{
  input = {{ service_id = terraform_data.service.id, principal_arn = "{CONSUMER_ROLE}" }}
}}

resource "terraform_data" "{k}_endpoint" {{
  input = {{
    vpc_id             = terraform_data.{k}_vpc.id
    service_name       = terraform_data.service.id
    subnet_ids         = [{subnet_ids}]
    security_group_ids = [terraform_data.{k}_sg.id]
  }}

  depends_on = [terraform_data.{k}_principal]
}}

resource "terraform_data" "{k}_accepter" {{
  input = {{ service_id = terraform_data.service.id, endpoint_id = terraform_data.{k}_endpoint.id }}
}}
"""


DATA_CONSUMERS_FOR_EACH_TF = f"""# Every consumer from var.consumers, as terraform_data.

variable "consumers" {{
  type = map(object({{
    vpc_cidr  = string
    subnets   = map(string)
    principal = string
  }}))
}}

locals {{
  consumer_subnets = {{
    for s in flatten([
      for k, c in var.consumers : [
        for az, cidr in c.subnets : {{ key = "${{k}}/${{az}}", consumer = k, az = az, cidr = cidr }}
      ]
    ]) : s.key => s
  }}
}}

resource "terraform_data" "consumer_vpc" {{
  for_each = var.consumers

  input = {{ cidr_block = each.value.vpc_cidr }}
}}

resource "terraform_data" "consumer_subnet" {{
  for_each = local.consumer_subnets

  input = {{ vpc_id = terraform_data.consumer_vpc[each.value.consumer].id, availability_zone = each.value.az, cidr_block = each.value.cidr }}
}}

resource "terraform_data" "consumer_sg" {{
  for_each = var.consumers

  input = {{ vpc_id = terraform_data.consumer_vpc[each.key].id }}
}}

resource "terraform_data" "consumer_sg_rule" {{
  for_each = var.consumers

  input = {{ security_group_id = terraform_data.consumer_sg[each.key].id, port = {PORT} }}
}}

resource "terraform_data" "consumer_principal" {{
  for_each = var.consumers

  input = {{ service_id = terraform_data.service.id, principal_arn = each.value.principal }}
}}

resource "terraform_data" "consumer_endpoint" {{
  for_each = var.consumers

  input = {{
    vpc_id             = terraform_data.consumer_vpc[each.key].id
    service_name       = terraform_data.service.id
    subnet_ids         = [for az in keys(each.value.subnets) : terraform_data.consumer_subnet["${{each.key}}/${{az}}"].id]
    security_group_ids = [terraform_data.consumer_sg[each.key].id]
  }}

  depends_on = [terraform_data.consumer_principal]
}}

resource "terraform_data" "consumer_accepter" {{
  for_each = var.consumers

  input = {{ service_id = terraform_data.service.id, endpoint_id = terraform_data.consumer_endpoint[each.key].id }}
}}
"""


OUTPUTS_TF = """output "service_name" {
  description = "The endpoint service name consumers connect to."
  value       = aws_vpc_endpoint_service.service.service_name
}
"""


def generate(n, shape, flavor, out):
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    keys = consumer_keys(n)
    files = {"providers.tf": providers_tf(flavor)}
    if flavor == "terraform-data":
        files["service.tf"] = data_service_tf()
        if shape == "expanded":
            files["consumers.tf"] = "# Every consumer written out, as terraform_data.\n" + "".join(data_consumer_expanded_tf(k) for k in keys)
        else:
            files["consumers.tf"] = DATA_CONSUMERS_FOR_EACH_TF
    else:
        files["service.tf"] = service_tf()
        files["outputs.tf"] = OUTPUTS_TF
        if shape == "expanded":
            files["consumers.tf"] = "# Every consumer written out as its own blocks.\n" + "".join(consumer_expanded_tf(k) for k in keys)
        else:
            files["consumers.tf"] = CONSUMERS_FOR_EACH_TF
    if shape == "for_each":
        files["terraform.tfvars.json"] = consumers_tfvars(keys)
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
    return keys


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--consumers", "-n", type=int, required=True, help="number of consumer VPCs")
    ap.add_argument("--shape", choices=["expanded", "for_each"], default="expanded")
    ap.add_argument("--flavor", choices=["plcli", "terraform-aws", "terraform-data"], default="plcli")
    ap.add_argument("--out", required=True, help="directory to write (replaced)")
    args = ap.parse_args(argv)
    if args.consumers < 1:
        ap.error("--consumers must be at least 1")
    generate(args.consumers, args.shape, args.flavor, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
