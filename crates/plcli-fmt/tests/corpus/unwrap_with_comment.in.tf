a = "${
# lead
x
}"
