a = <<EOF
${foo(
1,
2)}
  text
EOF
b = 1
