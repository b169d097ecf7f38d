variable "platform_account_id" {
  description = "Account of the payments platform team, which runs the fraud-scoring service."
  type        = string
  default     = "111111111111"
}

variable "consumers" {
  description = <<-EOT
    Internal consumer accounts (the platform's account registry). Each is
    allowed by its workload role, arn:aws:iam::<account_id>:role/<role_name>,
    never by its account root. acquired_bu_a, acquired_bu_b and checkout are
    also modelled in full in this root (consumers.tf) and must stay in the map.
  EOT
  type = map(object({
    account_id    = string
    role_name     = optional(string, "fraud-client")
    business_unit = optional(string, "payments")
  }))

  default = {
    acquired_bu_a = {
      account_id    = "444444444444"
      business_unit = "acquired-bu-a"
    }
    acquired_bu_b = {
      account_id    = "555555555555"
      business_unit = "acquired-bu-b"
    }
    checkout = {
      account_id = "666666666666"
      role_name  = "checkout-fraud-client"
    }
    lending = {
      account_id    = "121212121212"
      business_unit = "lending"
    }
    treasury = {
      account_id    = "131313131313"
      business_unit = "treasury"
    }
  }

  validation {
    condition     = alltrue([for c in values(var.consumers) : can(regex("^[0-9]{12}$", c.account_id))])
    error_message = "Every consumer account_id must be a 12-digit AWS account ID."
  }
}

variable "partners" {
  description = "External partners under contract: name -> the one workload role ARN allowed to connect."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for arn in values(var.partners) : can(regex("^arn:aws:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "Partners are allowed by role ARN only (arn:aws:iam::<account>:role/<name>), never by account root."
  }
}

variable "service_az_ids" {
  description = "AZ IDs the service is published in. IDs, not names: names differ per account."
  type        = list(string)
  default     = ["use1-az1", "use1-az2", "use1-az4"]
}

variable "service_vpc_cidr" {
  description = "The fraud service's VPC. The two acquired BUs use the same block: PrivateLink does not mind."
  type        = string
  default     = "10.20.0.0/16"
}

variable "consumer_vpc_cidr" {
  description = "CIDR of every modelled consumer VPC (deliberately overlapping each other and the service VPC)."
  type        = string
  default     = "10.20.0.0/16"
}

variable "service_port" {
  description = "TCP port of the fraud-scoring gRPC API."
  type        = number
  default     = 8443
}

variable "tcp_idle_timeout_seconds" {
  description = "NLB TCP idle timeout. gRPC clients must send keepalives more often than this."
  type        = number
  default     = 600
}

variable "public_zone_name" {
  description = "Public zone (platform account) used to verify the private DNS name."
  type        = string
  default     = "payments.example.com"
}

variable "private_dns_name" {
  description = "The one stable hostname every consumer uses."
  type        = string
  default     = "fraud.internal.payments.example.com"
}

variable "ami_id" {
  description = "AMI for scorer hosts and consumer app hosts."
  type        = string
  default     = "ami-0abcdef1234567890"
}
