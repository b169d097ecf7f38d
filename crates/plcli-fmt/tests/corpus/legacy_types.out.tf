variable "cidrs" { type = list(string) }
variable "tags" { type = map(string) }
variable "name" { type = string }
variable "things" { type = "set" }
variable "num" {
  type    = "number"
  default = 1
}
variable "bare_list" { type = list(any) }
variable "bare_map" { type = map(any) }
variable "bare_set" { type = set(any) }
variable "ok" { type = list(string) }
variable "obj" {
  type = object({
    a = string
    b = optional(number, 1)
  })
}
