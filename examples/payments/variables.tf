variable "provider_account_id" {
  description = "Account that owns the payments service (NLB + endpoint service)."
  type        = string
  default     = "111111111111"

  validation {
    condition     = can(regex("^[0-9]{12}$", var.provider_account_id))
    error_message = "provider_account_id must be a 12-digit AWS account ID."
  }
}

variable "consumer_account_id" {
  description = "Account that calls the payments service through an interface endpoint."
  type        = string
  default     = "222222222222"

  validation {
    condition     = can(regex("^[0-9]{12}$", var.consumer_account_id))
    error_message = "consumer_account_id must be a 12-digit AWS account ID."
  }
}

variable "consumer_role_arn" {
  description = "Role the consumer provider assumes; it is also the principal the service allows."
  type        = string
  default     = "arn:aws:iam::222222222222:role/payments-client"

  validation {
    condition     = can(regex("^arn:aws:iam::[0-9]{12}:role/.+$", var.consumer_role_arn))
    error_message = "consumer_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "service_port" {
  description = "TCP port of the payments API (NLB listener, targets and endpoint SG)."
  type        = number
  default     = 8443
}

variable "provider_vpc_cidr" {
  description = "CIDR of the provider (service) VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "consumer_vpc_cidr" {
  description = "CIDR of the consumer VPC. It may overlap the provider's: PrivateLink never routes between them."
  type        = string
  default     = "10.1.0.0/16"
}

variable "public_zone_name" {
  description = "Public Route 53 zone (provider account) that proves ownership of the private DNS name."
  type        = string
  default     = "example.com"
}

variable "private_dns_name" {
  description = "Friendly name consumers resolve to their endpoint; must sit under public_zone_name."
  type        = string
  default     = "payments.example.com"
}

variable "ami_id" {
  description = "AMI for the service targets and the consumer app host."
  type        = string
  default     = "ami-0abcdef1234567890"
}

variable "instance_type" {
  description = "Instance type for the service targets and the consumer app host."
  type        = string
  default     = "t3.micro"
}
