# just a comment
# indented comment
// slash
/* block */
