a = f(<<EOF
hello
EOF
)
b = [
  <<EOF
x
EOF
  ,
]
