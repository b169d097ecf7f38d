locals {
  a = 1
  b = 1.5
  c = 1e10
  d = 1.5E-3
  e = 0
  f = 007
  g = 3.14159
  h = 1e+5
}
