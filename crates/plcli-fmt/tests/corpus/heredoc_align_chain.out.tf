a   = 1
foo = <<EOF
x
EOF
b   = 2
