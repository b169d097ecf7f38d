variable "name" {
  description = "Consumer name, used in Name tags."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the consumer VPC; it may overlap the provider's and other consumers'."
  type        = string
}

variable "az_ids" {
  description = "AZ IDs for the endpoint subnets (one subnet each). Use AZ IDs the service is published in."
  type        = list(string)

  validation {
    condition     = length(var.az_ids) >= 1 && length(distinct(var.az_ids)) == length(var.az_ids)
    error_message = "az_ids must list at least one AZ ID, each once (an endpoint takes one subnet per AZ)."
  }
}

variable "service_name" {
  description = "Endpoint service name (com.amazonaws.vpce.<region>.vpce-svc-...)."
  type        = string
}

variable "service_port" {
  description = "TCP port the service listens on."
  type        = number
}

variable "client_ingress" {
  description = "Who the endpoint SG admits: \"vpc\" (the whole VPC CIDR) or \"app-sg\" (members of the app SG only)."
  type        = string
  default     = "vpc"

  validation {
    condition     = contains(["vpc", "app-sg"], var.client_ingress)
    error_message = "client_ingress must be \"vpc\" or \"app-sg\"."
  }
}

variable "ami_id" {
  description = "AMI of the app host."
  type        = string
}

variable "instance_type" {
  description = "Instance type of the app host."
  type        = string
  default     = "t3.small"
}
