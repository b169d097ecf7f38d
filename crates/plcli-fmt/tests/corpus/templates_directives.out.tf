locals {
  a = "%{if var.x}yes%{else}no%{endif}"
  b = "%{~for x in var.xs~} ${x} %{~endfor~}"
  c = "${var.a}-${var.b}"
  d = { a = 1 }.a
  e = "$${not_interp} %%{not_directive}"
  f = "a$b%c"
  g = "${var.x}%"
  h = "trailing$"
}
