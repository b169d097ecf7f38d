a = # lead
x
