variable "cidr" {
  type = string
  validation {
    condition = can(cidrhost(var.cidr, 0))
    error_message = "Must be a valid CIDR."
  }
  validation {
    condition = length(var.cidr)>0
    error_message = "Non-empty."
  }
}
variable "legacy" {
  type = "list"
  default = []
  description = "${var.x}"
}
