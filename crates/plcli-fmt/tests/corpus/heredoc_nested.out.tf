a = <<EOF
${<<INNER
in
INNER
}
EOF
