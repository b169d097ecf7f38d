variable "account_id" {
  description = "The inventory team's account (service owner)."
  type        = string
  default     = "456456456456"
}

variable "consumer_account_ids" {
  description = "Accounts allowed to connect. Whole accounts: this team does not know the consumers' roles."
  type        = list(string)
  default     = ["987654321098"]

  validation {
    condition     = alltrue([for id in var.consumer_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "consumer_account_ids must be 12-digit AWS account IDs."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the inventory VPC."
  type        = string
  default     = "10.30.0.0/16"
}

variable "azs" {
  description = "AZ names (this account's) for the NLB and the inventory hosts, one subnet each."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

variable "service_port" {
  description = "TCP port of the inventory API."
  type        = number
  default     = 9443
}

variable "ami_id" {
  description = "AMI of the inventory hosts."
  type        = string
  default     = "ami-0abcdef1234567890"
}
