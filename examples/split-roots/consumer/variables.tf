# No default: the provider team hands the name over. `validate` and `lint`
# treat it as unknown; `plan`, `apply` and `verify` need a value, e.g.
#   export TF_VAR_service_name="$(plcli output --raw service_name --dir ../provider)"
variable "service_name" {
  description = "Endpoint service name from the provider root's service_name output."
  type        = string

  validation {
    condition     = can(regex("^com\\.amazonaws\\.vpce\\.[a-z0-9-]+\\.vpce-svc-[0-9a-f]{17}$", var.service_name))
    error_message = "service_name must look like com.amazonaws.vpce.<region>.vpce-svc-<17 hex digits>."
  }
}

variable "service_port" {
  description = "TCP port of the inventory API."
  type        = number
  default     = 9443
}

variable "vpc_cidr" {
  description = "CIDR of the storefront VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "internal_zone_name" {
  description = "Private zone in which the storefront names the services it consumes."
  type        = string
  default     = "svc.corp.internal"
}

variable "ami_id" {
  description = "AMI of the storefront hosts."
  type        = string
  default     = "ami-0abcdef1234567890"
}
