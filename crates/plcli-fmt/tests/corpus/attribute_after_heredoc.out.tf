locals {
  a      = 1
  policy = <<EOF
{}
EOF
  bb     = 2
  ccc    = 3
}
