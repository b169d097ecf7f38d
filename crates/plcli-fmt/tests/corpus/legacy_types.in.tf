variable "cidrs" { type = "list" }
variable "tags" { type = "map" }
variable "name" { type = "string" }
variable "things" { type = "set" }
variable "num" {
  type = "number"
  default = 1
}
variable "bare_list" { type = list }
variable "bare_map" { type = map }
variable "bare_set" { type = set }
variable "ok" { type = list(string) }
variable "obj" {
  type = object({
    a = string
    b = optional(number, 1)
  })
}
